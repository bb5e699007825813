"""API tokens: created on the profile page and shown once, stored hashed, revoked there."""

from __future__ import annotations

import hashlib

from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import ApiToken
from screening.api.authentication import issue_token

from .conftest import error_of


def test_a_token_is_created_on_the_profile_page_and_shown_only_once(client, agency_a):
    client.force_login(agency_a)
    response = client.post(reverse("accounts:tokens"), {"name": "台账系统"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=agency_a)
    raw = response.context["created"]["raw"]
    assert raw.startswith(f"th_{token.prefix}_")
    assert raw in response.content.decode()
    assert "no-store" in response.headers["Cache-Control"] or "no-cache" in response.headers[
        "Cache-Control"]
    # Stored hashed: the secret is nowhere in the row.
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in (token.name, token.prefix, token.token_hash)
    page = client.get(reverse("accounts:tokens")).content.decode()
    assert "台账系统" in page and token.prefix in page and raw not in page


def test_a_token_authenticates_and_records_its_last_use(agency_a):
    token, raw = issue_token(agency_a, "erp")
    api = APIClient()
    response = api.get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert response.json()["username"] == "agency_a"
    assert response.json()["token"]["prefix"] == token.prefix
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert api.get("/api/me/", HTTP_AUTHORIZATION=f"Token {raw}").status_code == 200


def test_a_revoked_token_no_longer_works(client, agency_a):
    token, raw = issue_token(agency_a, "erp")
    client.force_login(agency_a)
    response = client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    response = APIClient().get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 401
    assert error_of(response)["code"] == "authentication_failed"


def test_nobody_revokes_another_users_token(client, agency_a, agency_b):
    token, _raw = issue_token(agency_a, "erp")
    client.force_login(agency_b)
    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_wrong_secret_unknown_prefix_and_garbage_are_refused(agency_a):
    _token, raw = issue_token(agency_a, "erp")
    api = APIClient()
    for header in (f"Bearer {raw[:-2]}xx", "Bearer th_00000000_abc", "Bearer nonsense",
                   "Bearer", "Bearer a b"):
        response = api.get("/api/me/", HTTP_AUTHORIZATION=header)
        assert response.status_code == 401, header
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_the_token_of_a_deactivated_user_is_refused(agency_a):
    _token, raw = issue_token(agency_a, "erp")
    agency_a.is_active = False
    agency_a.save()
    assert APIClient().get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_without_credentials_the_api_answers_401(db):
    response = APIClient().get("/api/projects/")
    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"


def test_the_browser_session_works_too(client, agency_a):
    client.force_login(agency_a)
    assert client.get("/api/me/").json()["token"] is None


def test_active_tokens_are_limited(client, agency_a):
    from screening.api.authentication import MAX_ACTIVE_TOKENS

    for n in range(MAX_ACTIVE_TOKENS):
        issue_token(agency_a, f"t{n}")
    client.force_login(agency_a)
    response = client.post(reverse("accounts:tokens"), {"name": "one more"})
    assert response.context["created"] is None
    assert ApiToken.objects.filter(user=agency_a).count() == MAX_ACTIVE_TOKENS
