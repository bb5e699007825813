"""Issue 15: the API's ledger upload takes the upload mode (`scope` full | add_update)."""

from __future__ import annotations

from screening.models import Project, ProjectStatus
from tests.api.conftest import error_of
from tests.ledger_files import valid_row, write_ledger

UPLOADS = "/api/ledger/uploads/"


def upload(api, path, **fields):
    with path.open("rb") as handle:
        return api.post(UPLOADS, {"file": handle, "region": "410100", **fields}, format="multipart")


def test_add_update_scope_keeps_the_projects_missing_from_the_file(api_for, agency_a, tmp_path):
    api = api_for(agency_a)
    first = [
        valid_row(project_code="2104-410100-04-01-000001"),
        valid_row(project_code="2104-410100-04-01-000002"),
    ]
    response = upload(api, write_ledger(tmp_path / "first.xlsx", first), mode="apply")
    assert response.json()["status"] == "applied" and response.json()["scope"] == "full"
    second = [valid_row(project_code="2104-410100-04-01-000003")]
    response = upload(
        api, write_ledger(tmp_path / "second.xlsx", second), mode="apply", scope="add_update"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["scope"] == "add_update" and body["status"] == "applied"
    assert body["preview"]["counts"]["kept"] == 2 and body["preview"]["missing"] == []
    assert body["sheet_name"] == "台账"
    assert Project.objects.filter(status=ProjectStatus.ACTIVE).count() == 3


def test_full_scope_still_asks_for_reasons(api_for, agency_a, tmp_path):
    api = api_for(agency_a)
    upload(
        api,
        write_ledger(tmp_path / "a.xlsx", [valid_row(project_code="2104-410100-04-01-000001")]),
        mode="apply",
    )
    response = upload(
        api,
        write_ledger(tmp_path / "b.xlsx", [valid_row(project_code="2104-410100-04-01-000002")]),
        mode="apply",
        scope="full",
    )
    assert response.status_code == 400
    assert Project.objects.filter(status=ProjectStatus.ACTIVE).count() == 1


def test_an_unknown_scope_is_a_clear_400(api_for, agency_a, tmp_path):
    response = upload(
        api_for(agency_a), write_ledger(tmp_path / "a.xlsx", [valid_row()]), scope="replace"
    )
    assert response.status_code == 400
    assert error_of(response)
