"""API tokens: created on the profile page and shown once, stored hashed, revoked there."""

from __future__ import annotations

import hashlib

from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import ApiToken
from screening.api.authentication import issue_token
from tests.api.conftest import error_of


def test_a_token_is_created_on_the_profile_page_and_shown_only_once(client, agency_a):
    client.force_login(agency_a)
    response = client.post(reverse("accounts:tokens"), {"name": "台账系统"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=agency_a)
    raw = response.context["created"]["raw"]
    assert raw.startswith(f"th_{token.prefix}_")
    assert raw in response.content.decode()
    assert (
        "no-store" in response.headers["Cache-Control"]
        or "no-cache" in response.headers["Cache-Control"]
    )
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
    for header in (
        f"Bearer {raw[:-2]}xx",
        "Bearer th_00000000_abc",
        "Bearer nonsense",
        "Bearer",
        "Bearer a b",
    ):
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


def _works(raw: str) -> bool:
    return APIClient().get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200


def test_changing_the_password_on_its_page_revokes_every_token(client, agency_a):
    """Issue 13 item 9: API tokens survived a password change."""
    _first, raw_first = issue_token(agency_a, "erp")
    _second, raw_second = issue_token(agency_a, "report tool")
    client.force_login(agency_a)
    client.cookies["django_language"] = "en"  # the switch, not the browser (issue 15)
    page = client.get(reverse("accounts:password_change"))
    assert "revokes all your API tokens" in page.content.decode()
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "pw-agency_a",
            "new_password1": "a-New-passw0rd-2026",
            "new_password2": "a-New-passw0rd-2026",
        },
        follow=True,
    )
    assert "API tokens were revoked" in response.content.decode()
    assert not _works(raw_first) and not _works(raw_second)
    assert not ApiToken.objects.filter(user=agency_a, revoked_at__isnull=True).exists()


def test_a_password_set_elsewhere_revokes_the_tokens_too(agency_a, agency_b):
    """An administrator's reset or `manage.py changepassword` goes through set_password."""
    _token, raw = issue_token(agency_a, "erp")
    _other, raw_other = issue_token(agency_b, "erp")
    agency_a.set_password("another-passw0rd-2026")
    agency_a.save()
    assert not _works(raw)
    assert _works(raw_other)  # another user's tokens are untouched


def test_deactivating_the_account_revokes_its_tokens(agency_a):
    token, raw = issue_token(agency_a, "erp")
    agency_a.is_active = False
    agency_a.save()
    token.refresh_from_db()
    assert token.revoked_at is not None
    agency_a.is_active = True
    agency_a.save()
    assert not _works(raw)  # reactivating does not bring an old token back


def test_other_changes_to_the_user_keep_the_tokens(agency_a):
    _token, raw = issue_token(agency_a, "erp")
    agency_a.first_name = "李"
    agency_a.save()
    agency_a.refresh_from_db()
    agency_a.check_password("pw-agency_a")  # a sign-in (may re-hash) is no password change
    assert _works(raw)
