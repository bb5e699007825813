"""One error shape, messages in the requested language, and rate limits per token."""

from __future__ import annotations

from rest_framework.test import APIClient

from tests.api.conftest import error_of


def test_an_unknown_address_under_api_is_a_json_404(api_for, agency_a):
    response = api_for(agency_a).get("/api/no/such/thing/")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_messages_follow_accept_language(api_for, agency_a):
    api = api_for(agency_a)
    english = error_of(api.get("/api/cases/999999/", HTTP_ACCEPT_LANGUAGE="en"))
    chinese = error_of(api.get("/api/cases/999999/", HTTP_ACCEPT_LANGUAGE="zh-hans"))
    assert english["message"] == "Not found."
    assert chinese["message"] != english["message"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in chinese["message"])


def test_validation_errors_list_every_field(api_for, agency_a):
    response = api_for(agency_a).post("/api/screening/", {"as_of": "not a date"}, format="json")
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid"
    assert {d["field"] for d in error["details"]} == {"project", "as_of"}


def test_a_body_that_is_not_json_is_a_parse_error(api_for, agency_a):
    response = api_for(agency_a).post(
        "/api/screening/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert error_of(response)["code"] == "parse_error"


def test_the_wrong_method_is_405(api_for, agency_a):
    response = api_for(agency_a).delete("/api/projects/")
    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"


def test_each_token_has_its_own_rate_limit(api_for, agency_a, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_token": "3/min", "api_user": "3/min", "api_anon": "3/min"},
    }
    first, second = api_for(agency_a), api_for(agency_a)
    assert [first.get("/api/me/").status_code for _ in range(3)] == [200, 200, 200]
    limited = first.get("/api/me/")
    assert limited.status_code == 429
    error = error_of(limited)
    assert error["code"] == "throttled" and error["details"][0]["wait_seconds"] >= 1
    assert "Retry-After" in limited.headers
    assert second.get("/api/me/").status_code == 200


def test_the_default_rate_is_120_a_minute_per_token(settings):
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["api_token"] == "120/min"


def test_anonymous_clients_are_limited_by_address(db, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_token": "3/min", "api_user": "3/min", "api_anon": "2/min"},
    }
    api = APIClient()  # the schema is public: anonymous clients reach the throttle there
    assert [api.get("/api/schema/").status_code for _ in range(3)] == [200, 200, 429]


def test_rate_limit_counters_are_shared_by_every_process(api_for, agency_a, settings):
    """Issue 13 item 9: without Redis the counters were per process (120 × workers a minute).
    They are kept in the database's cache table, which every web process reads."""
    from django.core.cache import caches
    from django.db import connection

    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_token": "2/min", "api_user": "2/min", "api_anon": "2/min"},
    }
    api = api_for(agency_a)
    assert [api.get("/api/me/").status_code for _ in range(2)] == [200, 200]
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM two_high_throttle_cache")
        assert cursor.fetchone()[0] == 1  # this token's bucket, in the shared table
    caches["default"].clear()  # a process's own memory does not hold the count
    assert api.get("/api/me/").status_code == 429
