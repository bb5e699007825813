"""Role × endpoint × own / other region, including 巩义 (province-direct county inside 郑州),
which a 郑州 user must not see. Invisible objects answer 404; visible but not yours, 403."""

from __future__ import annotations

import pytest
from django.utils import timezone

from screening.ledger.services import receive_upload, validate_upload
from screening.models import CaseState, IndicatorMonth, Region
from tests.factories import ProjectFactory, case_in_state
from tests.ledger_files import valid_row, write_ledger

ZHENGZHOU, LUOYANG, GONGYI = "410100", "410300", "410181"
PERSONAS = [
    "agency_a",
    "agency_b",
    "agency_county",
    "city_reviewer_a",
    "provincial_reviewer",
    "observer",
    "observer_a",
    "administrator",
]
SEES = {
    ZHENGZHOU: {
        "agency_a",
        "city_reviewer_a",
        "provincial_reviewer",
        "observer",
        "observer_a",
        "administrator",
    },
    LUOYANG: {"agency_b", "provincial_reviewer", "observer", "administrator"},
    GONGYI: {"agency_county", "provincial_reviewer", "observer", "administrator"},
}
AGENCY_OF = {ZHENGZHOU: "agency_a", LUOYANG: "agency_b", GONGYI: "agency_county"}
NAMES = {ZHENGZHOU: "郑州市", LUOYANG: "洛阳市", GONGYI: "巩义市"}


@pytest.fixture
def world(db, request, tmp_path):
    """Per region: a project, a draft case, an upload and a published barometer month."""
    users = {name: request.getfixturevalue(name) for name in PERSONAS}
    objects = {}
    for n, (code, agency) in enumerate(AGENCY_OF.items()):
        region = Region.objects.get(code=code)
        project = ProjectFactory(region=region, project_code=f"2401-{code}-04-01-00000{n}")
        case = case_in_state(CaseState.DRAFT, agency=users[agency], project=project)
        path = write_ledger(
            tmp_path / f"{code}.xlsx",
            [valid_row(region=NAMES[code], project_code=f"2104-{code}-04-01-00000{n}")],
        )
        with path.open("rb") as handle:
            from django.core.files import File

            upload = receive_upload(users[agency], region, File(handle, name="l.xlsx"), "l.xlsx")
        validate_upload(upload)
        IndicatorMonth.objects.create(
            region=region, year=2024, month=5, tier="green", published_at=timezone.now()
        )
        objects[code] = {"project": project, "case": case, "upload": upload}
    return users, objects


CELLS = [(persona, code) for persona in PERSONAS for code in (ZHENGZHOU, LUOYANG, GONGYI)]


@pytest.mark.parametrize(("persona", "code"), CELLS)
def test_reading(world, api_for, persona, code):
    users, objects = world
    api = api_for(users[persona])
    sees = persona in SEES[code]
    things = objects[code]
    expected = 200 if sees else 404
    for url in (
        f"/api/projects/{things['project'].pk}/",
        f"/api/cases/{things['case'].pk}/",
        f"/api/ledger/uploads/{things['upload'].pk}/",
        f"/api/ledger/uploads/{things['upload'].pk}/files/original/",
    ):
        assert api.get(url).status_code == expected, url
    listed = {
        "/api/projects/": things["project"].project_code,
        "/api/cases/": things["case"].pk,
        "/api/ledger/uploads/": things["upload"].pk,
    }
    for url, wanted in listed.items():
        results = api.get(url, {"page_size": 200}).json()["results"]
        found = {
            r.get("project_code", r["id"]) if url == "/api/projects/" else r["id"] for r in results
        }
        assert (wanted in found) is sees, url
    periods = {r["region"] for r in api.get("/api/barometer/").json()["results"]}
    assert (code in periods) is sees


@pytest.mark.parametrize(("persona", "code"), CELLS)
def test_uploading(world, api_for, persona, code, tmp_path):
    users, _objects = world
    path = write_ledger(
        tmp_path / "u.xlsx",
        [valid_row(region=NAMES[code], project_code=f"2104-{code}-04-01-999999")],
    )
    with path.open("rb") as handle:
        response = api_for(users[persona]).post(
            "/api/ledger/uploads/", {"file": handle, "region": code}, format="multipart"
        )
    if persona == AGENCY_OF[code] or persona == "administrator":
        assert response.status_code == 201
    elif persona.startswith("agency"):
        assert response.status_code == 400  # not a region whose ledger they keep
    else:
        assert response.status_code == 403


@pytest.mark.parametrize(("persona", "code"), CELLS)
def test_acting_on_cases(world, api_for, persona, code):
    users, objects = world
    api = api_for(users[persona])
    case = objects[code]["case"]
    response = api.post(
        f"/api/cases/{case.pk}/transitions/withdraw/", {"reason": "误报"}, format="json"
    )
    if persona == AGENCY_OF[code]:
        assert response.status_code == 200
    elif persona in SEES[code]:
        assert response.status_code == 403
    else:
        assert response.status_code == 404
    project = ProjectFactory(
        region=Region.objects.get(code=code), project_code=f"2402-{code}-04-01-000001"
    )
    opened = api.post("/api/cases/", {"project": project.pk}, format="json")
    if persona == AGENCY_OF[code]:
        assert opened.status_code == 201
    elif persona in SEES[code]:
        assert opened.status_code == 403
    else:
        assert opened.status_code == 400  # no such project for them


@pytest.mark.parametrize("persona", PERSONAS)
def test_screening_a_payload_only_for_my_regions(world, api_for, persona):
    users, _objects = world
    api = api_for(users[persona])
    for code in (ZHENGZHOU, LUOYANG, GONGYI):
        response = api.post(
            "/api/screening/", {"project": valid_row(region=NAMES[code])}, format="json"
        )
        assert response.status_code == (200 if persona in SEES[code] else 400), code
