"""Under /api/ every error is the JSON error shape (issue 13 item 9), also when Django answers
before any API view runs: CSRF failures, odd paths, too many files or fields, a body too large,
a malformed request, and a server error."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import path

from config import urls as config_urls
from screening.models import CaseState
from tests.api.conftest import error_of
from tests.factories import case_in_state


def _json_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    error = error_of(response)
    assert error["code"] == code, error
    assert error["message"]
    return error


def test_a_csrf_failure_under_api_is_json(agency_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(agency_a)
    # A session POST without the CSRF token, to an address Django itself guards (no API view).
    response = client.post("/api/no/such/thing/", {"x": "1"}, HTTP_ACCEPT_LANGUAGE="en")
    error = _json_error(response, 403, "csrf_failed")
    assert "CSRF" in error["message"]


def test_a_csrf_failure_on_an_api_view_is_json(agency_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(agency_a)
    response = client.post("/api/cases/", {"project": 1}, HTTP_ACCEPT_LANGUAGE="en")
    _json_error(response, 403, "forbidden")


def test_a_csrf_failure_outside_the_api_stays_a_page(agency_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(agency_a)
    response = client.post("/accounts/tokens/", {"name": "x"})
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    "odd",
    [
        "/api",
        "/api/%ff/",
        "/api/cases/%0a/",
        "/api//cases//",
        "/api/cases/1/files/x/",
        "/api/..%2f..%2fetc/passwd",
        "/api/%E4%B8%AD/",
    ],
)
def test_odd_paths_under_api_are_a_json_404(api_for, agency_a, odd):
    api = api_for(agency_a)
    api.raise_request_exception = False
    for method in ("get", "post"):
        response = getattr(api, method)(odd)
        _json_error(response, 404, "not_found")


def test_too_many_files_is_a_json_400(
    api_for, agency_a, city_reviewer_a, provincial_reviewer, settings
):
    case = case_in_state(
        CaseState.RECTIFYING, agency=agency_a, city=city_reviewer_a, province=provincial_reviewer
    )
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3
    api = api_for(agency_a)
    api.raise_request_exception = False
    files = [SimpleUploadedFile(f"e{i}.pdf", b"%PDF-1.4\n") for i in range(5)]
    response = api.post(
        f"/api/cases/{case.pk}/transitions/submit_rectification/",
        {"expected_state": "rectifying", "files": files},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    _json_error(response, 400, "bad_request")


def test_too_many_fields_is_a_json_400(api_for, agency_a, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    api = api_for(agency_a)
    api.raise_request_exception = False
    response = api.post(
        "/api/ledger/uploads/", {f"f{i}": "x" for i in range(10)}, format="multipart"
    )
    _json_error(response, 400, "bad_request")


def test_a_body_too_large_is_a_json_413(api_for, agency_a, settings):
    settings.LEDGER_MAX_FILE_BYTES = 10
    settings.REQUEST_BODY_MARGIN_BYTES = 10
    response = api_for(agency_a).post(
        "/api/screening/", {"project": {"x": "y" * 100}}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    error = _json_error(response, 413, "too_large")
    assert "MB" in error["message"]


def _boom(request):
    raise RuntimeError("a bug")


urlpatterns = [path("api/boom/", _boom), path("boom/", _boom)]
handler500 = config_urls.handler500  # the site's own handler, on this test's two addresses


def test_a_server_error_under_api_is_json(agency_a, settings):
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    _json_error(client.get("/api/boom/"), 500, "server_error")
    assert client.get("/boom/")["Content-Type"].startswith("text/html")
