"""API test helpers: a client authenticated by a persona's own API token."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from screening.api.authentication import issue_token


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "api_fuzz: schemathesis against a live server (bounded; run in CI)"
    )


def token_client(user, *, language: str = "en") -> APIClient:
    """An API client sending the user's new token (and Accept-Language)."""
    _token, raw = issue_token(user, "tests")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    client.raw_token = raw
    return client


@pytest.fixture
def api_for():
    """api_for(user) → a client with a fresh token of that user."""
    return token_client


@pytest.fixture(autouse=True)
def _fresh_throttle_buckets(request):
    from django.core.cache import cache, caches

    # The rate-limit counters live in the database (settings.py): cleared when the test has one.
    buckets = [cache]
    for database in ("transactional_db", "db"):
        if database in request.fixturenames:
            request.getfixturevalue(database)  # set up before this fixture touches it
            buckets.append(caches["throttle"])
            break
    for store in buckets:
        store.clear()
    yield
    for store in buckets:
        store.clear()


def error_of(response) -> dict:
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "details"}, body
    return body["error"]
