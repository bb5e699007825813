"""Ledger uploads through the API: validate, preview, apply, errors with the annotated
workbook, background jobs to poll, and who may do what."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from screening.models import LedgerUpload, Project, Region, UploadStatus
from tests.api.conftest import error_of
from tests.factories import ProjectFactory
from tests.ledger_files import valid_row, write_ledger

UPLOADS = "/api/ledger/uploads/"


def upload(api, path, region="410100", **fields):
    with path.open("rb") as handle:
        return api.post(UPLOADS, {"file": handle, "region": region, **fields}, format="multipart")


def test_a_valid_file_is_validated_and_previewed_then_applied(api_for, agency_a, tmp_path):
    api = api_for(agency_a)
    response = upload(api, write_ledger(tmp_path / "a.xlsx", [valid_row()]))
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "preview" and not body["in_progress"]
    assert body["preview"]["counts"] == {"new": 1, "changed": 0, "unchanged": 0, "missing": 0}
    assert response.headers["Location"].endswith(f"{UPLOADS}{body['id']}/")
    assert not Project.objects.exists()
    applied = api.post(body["links"]["apply"], {}, format="json")
    assert applied.status_code == 200
    assert applied.json()["status"] == "applied"
    assert Project.objects.get().project_code == "2104-410100-04-01-123456"


def test_mode_apply_applies_a_valid_file_at_once(api_for, agency_a, tmp_path):
    response = upload(
        api_for(agency_a), write_ledger(tmp_path / "a.xlsx", [valid_row()]), mode="apply"
    )
    assert response.status_code == 201
    assert response.json()["status"] == "applied"
    assert Project.objects.count() == 1


def test_uploading_the_same_file_twice_changes_nothing(api_for, agency_a, tmp_path):
    api = api_for(agency_a)
    path = write_ledger(tmp_path / "a.xlsx", [valid_row()])
    upload(api, path, mode="apply")
    second = upload(api, path, mode="apply").json()
    assert second["preview"]["counts"]["unchanged"] == 1
    assert Project.objects.count() == 1


def test_errors_are_listed_per_cell_in_the_language_asked_for(api_for, agency_a, tmp_path):
    api = api_for(agency_a, language="zh-hans")
    path = write_ledger(tmp_path / "bad.xlsx", [valid_row(annual_energy_tce="约1.2万")])
    body = upload(api, path).json()
    assert body["status"] == "invalid" and body["error_count"] == 1
    (error,) = body["errors"]
    assert error["row"] == 2 and error["column"] == "年综合能源消费量(吨标准煤)"
    assert error["value"] == "约1.2万" and error["message"].startswith("第2行")
    english = api.get(body["links"]["self"], HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["errors"][0]["message"].startswith("Row 2")
    assert body["links"]["apply"] is None
    download = api.get(body["links"]["annotated_file"])
    assert download.status_code == 200
    assert "attachment" in download.headers["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert len(workbook.worksheets) >= 2
    assert not Project.objects.exists()


def test_the_original_file_can_be_downloaded(api_for, agency_a, tmp_path):
    api = api_for(agency_a)
    path = write_ledger(tmp_path / "a.xlsx", [valid_row()])
    body = upload(api, path).json()
    download = api.get(body["links"]["original_file"])
    assert b"".join(download.streaming_content) == path.read_bytes()
    assert api.get(f"{UPLOADS}{body['id']}/files/annotated/").status_code == 404


def test_a_file_that_is_not_a_workbook_is_refused_with_its_reason(api_for, agency_a, tmp_path):
    path = tmp_path / "ledger.xlsx"
    path.write_text("项目代码,项目名称\n1,2\n", encoding="utf-8")
    body = upload(api_for(agency_a), path).json()
    assert body["status"] == "refused" and body["message"]
    assert not Project.objects.exists()


def test_an_empty_file_is_a_400_and_nothing_is_stored(api_for, agency_a, tmp_path):
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    response = upload(api_for(agency_a), path)
    assert response.status_code == 400
    assert not LedgerUpload.objects.exists()


def test_projects_missing_from_the_file_need_a_reason(api_for, agency_a, tmp_path):
    ProjectFactory(project_code="2401-410100-04-01-000777")
    api = api_for(agency_a)
    body = upload(api, write_ledger(tmp_path / "a.xlsx", [valid_row()])).json()
    assert body["preview"]["missing"][0]["code"] == "2401-410100-04-01-000777"
    refused = api.post(body["links"]["apply"], {}, format="json")
    assert refused.status_code == 400
    error = error_of(refused)
    assert error["code"] == "missing_reasons"
    assert error["details"][0]["field"] == "missing_reasons.2401-410100-04-01-000777"
    applied = api.post(
        body["links"]["apply"],
        {
            "missing_reasons": {
                "2401-410100-04-01-000777": {"reason": "shut_down", "note": "已关停"}
            }
        },
        format="json",
    )
    assert applied.status_code == 200
    gone = Project.objects.get(project_code="2401-410100-04-01-000777")
    assert gone.status == "removed" and gone.removal_reason == "shut_down"


def test_mode_apply_with_one_reason_for_every_missing_project(api_for, agency_a, tmp_path):
    ProjectFactory(project_code="2401-410100-04-01-000777")
    response = upload(
        api_for(agency_a),
        write_ledger(tmp_path / "a.xlsx", [valid_row()]),
        mode="apply",
        missing_reason="cancelled",
    )
    assert response.json()["status"] == "applied"


def test_an_applied_upload_cannot_be_applied_again(api_for, agency_a, tmp_path):
    api = api_for(agency_a)
    body = upload(api, write_ledger(tmp_path / "a.xlsx", [valid_row()]), mode="apply").json()
    response = api.post(f"{UPLOADS}{body['id']}/apply/", {}, format="json")
    assert response.status_code == 409
    assert error_of(response)["code"] == "refused"


def test_only_the_uploader_may_apply(api_for, agency_a, administrator, tmp_path):
    body = upload(api_for(agency_a), write_ledger(tmp_path / "a.xlsx", [valid_row()])).json()
    response = api_for(administrator).post(f"{UPLOADS}{body['id']}/apply/", {}, format="json")
    assert response.status_code == 403
    assert LedgerUpload.objects.get().status == UploadStatus.PREVIEW


def test_a_large_file_returns_a_job_to_poll(
    api_for, agency_a, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.LEDGER_BACKGROUND_BYTES = 10
    api = api_for(agency_a)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = upload(api, write_ledger(tmp_path / "a.xlsx", [valid_row()]))
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "received" and body["in_progress"]
    assert response.headers["Location"] == body["links"]["self"]
    for callback in callbacks:  # the worker runs the job
        callback()
    polled = api.get(body["links"]["self"]).json()
    assert polled["status"] == "preview" and not polled["in_progress"]
    with django_capture_on_commit_callbacks(execute=True):
        queued = api.post(polled["links"]["apply"], {}, format="json")
    assert queued.status_code == 202
    assert api.get(body["links"]["self"]).json()["status"] == "applied"


def test_a_large_file_in_mode_apply_is_validated_then_applied_in_the_background(
    api_for, agency_a, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.LEDGER_BACKGROUND_BYTES = 10
    api = api_for(agency_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(api, write_ledger(tmp_path / "a.xlsx", [valid_row()]), mode="apply")
    assert response.status_code == 202
    assert api.get(response.json()["links"]["self"]).json()["status"] == "applied"
    assert Project.objects.count() == 1


def test_a_large_file_in_mode_apply_waits_when_a_reason_is_missing(
    api_for, agency_a, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.LEDGER_BACKGROUND_BYTES = 10
    ProjectFactory(project_code="2401-410100-04-01-000777")
    api = api_for(agency_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(api, write_ledger(tmp_path / "a.xlsx", [valid_row()]), mode="apply")
    polled = api.get(response.json()["links"]["self"]).json()
    assert polled["status"] == "preview" and polled["message"]


def test_uploads_for_a_region_outside_mine_are_refused(api_for, agency_a, tmp_path):
    for region in ("410300", "410181", "999999", "410000"):
        response = upload(
            api_for(agency_a), write_ledger(tmp_path / "a.xlsx", [valid_row()]), region=region
        )
        assert response.status_code == 400, region
        assert error_of(response)["details"][0]["field"] == "region"
    assert not LedgerUpload.objects.exists()


def test_reviewers_and_observers_do_not_upload(api_for, city_reviewer_a, observer_a, tmp_path):
    for user in (city_reviewer_a, observer_a):
        response = upload(api_for(user), write_ledger(tmp_path / "a.xlsx", [valid_row()]))
        assert response.status_code == 403
    assert not LedgerUpload.objects.exists()


def test_the_template_can_be_downloaded(api_for, agency_a):
    response = api_for(agency_a).get("/api/ledger/template/")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.worksheets[0]["A1"].value == "项目代码"


def test_the_export_holds_only_my_regions_projects(api_for, agency_a):
    ProjectFactory(project_code="2401-410100-04-01-000001")
    ProjectFactory(
        project_code="2401-410300-04-01-000002", region=Region.objects.get(code="410300")
    )
    response = api_for(agency_a).get("/api/ledger/export/")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    codes = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert codes == ["2401-410100-04-01-000001"]


def test_the_upload_list_is_scoped_and_filtered(api_for, agency_a, agency_b, tmp_path):
    upload(api_for(agency_a), write_ledger(tmp_path / "a.xlsx", [valid_row()]))
    upload(
        api_for(agency_b),
        write_ledger(
            tmp_path / "b.xlsx",
            [valid_row(region="洛阳市", project_code="2104-410300-04-01-123456")],
        ),
        region="410300",
    )
    mine = api_for(agency_a).get(UPLOADS).json()
    assert [u["region"] for u in mine["results"]] == ["410100"]
    assert api_for(agency_a).get(UPLOADS, {"status": "preview"}).json()["count"] == 1
    assert api_for(agency_a).get(UPLOADS, {"region": "410300"}).status_code == 400


def test_a_date_without_a_rule_set_is_a_422_and_nothing_is_stored(api_for, agency_a, tmp_path):
    response = upload(
        api_for(agency_a), write_ledger(tmp_path / "a.xlsx", [valid_row()]), as_of="2000-01-01"
    )
    assert response.status_code == 422
    assert error_of(response)["code"] == "no_rule_set"
    assert not LedgerUpload.objects.exists()
