"""Integers at the edges of 64 bits, from a URL, a query or a body, never reach the database
(issue 13 item 6): an id in the URL beyond the range is 404, a filter 400 with the usual error
body, a body id 400; never a 500 ("Python int too large to convert to SQLite INTEGER"). Runs on
SQLite and, in CI (DATABASE_URL), on PostgreSQL."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter

from screening.ids import MAX_ID, IdConverter, parse_id
from tests.api.conftest import error_of
from tests.factories import ProjectFactory

BEYOND = [str(MAX_ID + 1), "99999999999999999999", "9" * 40]
EDGES = ["0", "1", str(MAX_ID), *BEYOND]

# Every API address with an id in its path (the first id of each is a real object below).
API_ID_PATHS = [
    "/api/projects/{}/",
    "/api/cases/{}/",
    "/api/cases/{}/transitions/submit/",
    "/api/cases/1/files/{}/",
    "/api/ledger/uploads/{}/",
    "/api/ledger/uploads/{}/apply/",
    "/api/ledger/uploads/{}/files/original/",
    "/api/ledger/uploads/{}/files/annotated/",
]
WEB_ID_PATHS = [
    "/cases/{}/",
    "/cases/{}/files/1/",
    "/ledger/projects/{}/",
    "/ledger/uploads/{}/",
    "/ledger/uploads/{}/status/",
    "/reports/{}/download/",
    "/warnings/indicators/{}/",
    "/warnings/project-energy/{}/",
    "/cases/new/?project={}",
]


def _server_errors_raised(client) -> None:
    client.raise_request_exception = False


@pytest.mark.parametrize("value", BEYOND)
def test_the_case_list_filter_by_project_beyond_64_bits_is_a_400(api_for, agency_a, value):
    """Issue 13 item 6: GET /api/cases/?project=99999999999999999999 was a 500 on SQLite."""
    api = api_for(agency_a)
    _server_errors_raised(api)
    response = api.get(f"/api/cases/?project={value}")
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid"
    assert [d["field"] for d in error["details"]] == ["project"]


@pytest.mark.parametrize("value", ["-1", "0", "-99999999999999999999", "1e30", "1.5", "x"])
def test_the_project_filter_takes_only_a_possible_id(api_for, agency_a, value):
    api = api_for(agency_a)
    _server_errors_raised(api)
    response = api.get("/api/cases/", {"project": value})
    assert response.status_code == 400
    assert error_of(response)["details"][0]["field"] == "project"


def test_the_project_filter_at_the_largest_id_finds_nothing(api_for, agency_a):
    response = api_for(agency_a).get(f"/api/cases/?project={MAX_ID}")
    assert response.status_code == 200
    assert response.json()["count"] == 0


@pytest.mark.parametrize("template", API_ID_PATHS)
@pytest.mark.parametrize("value", EDGES)
def test_api_ids_at_every_edge_are_a_json_404(api_for, agency_a, template, value):
    api = api_for(agency_a)
    _server_errors_raised(api)
    for method in ("get", "post"):
        response = getattr(api, method)(template.format(value), {}, format="json")
        assert response.status_code in (404, 405), (method, response.status_code)
        if response.status_code == 404:
            assert error_of(response)["code"] == "not_found"


@pytest.mark.parametrize("template", WEB_ID_PATHS)
@pytest.mark.parametrize("value", EDGES)
def test_web_ids_at_every_edge_are_a_404(provincial_reviewer, template, value):
    client = Client(raise_request_exception=False)
    client.force_login(provincial_reviewer)
    assert client.get(template.format(value)).status_code == 404


@pytest.mark.parametrize("value", [0, -1, MAX_ID + 1, 10**20, -(10**20)])
def test_a_body_id_out_of_range_is_a_400(api_for, agency_a, value):
    api = api_for(agency_a)
    _server_errors_raised(api)
    response = api.post("/api/cases/", {"project": value}, format="json")
    assert response.status_code == 400
    assert error_of(response)["details"][0]["field"] == "project"


def test_a_real_id_still_resolves(api_for, provincial_reviewer):
    project = ProjectFactory()
    assert api_for(provincial_reviewer).get(f"/api/projects/{project.pk}/").status_code == 200


def test_parse_id_accepts_only_ascii_digits_in_range():
    assert parse_id("1") == 1 and parse_id(str(MAX_ID)) == MAX_ID
    assert [parse_id(v) for v in ("0", str(MAX_ID + 1), "-1", "١٢", "", None, "1.0")] == [None] * 7


def _patterns(resolver: URLResolver):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield entry
            yield from _patterns(entry)
        elif isinstance(entry, URLPattern):
            yield entry


def test_no_url_of_ours_takes_an_unbounded_int():
    """Every id in our URL patterns uses <id:…>, never <int:…> (which lets 10^20 through to a
    query)."""
    unbounded = []
    for entry in _patterns(get_resolver()):
        converters = getattr(entry.pattern, "converters", {})
        module = getattr(getattr(entry, "callback", None), "__module__", "") or ""
        if module.startswith("django.contrib.admin"):
            continue  # the admin takes object ids as text and looks them up itself
        for name, converter in converters.items():
            if isinstance(converter, IntConverter) and not isinstance(converter, IdConverter):
                unbounded.append(f"{entry.pattern} ({name})")
    assert unbounded == []
