"""Deployment safety (issue 9): production checks, security headers and cookies, CSRF on every
state-changing URL, login rate limit, defusedxml behind openpyxl, upload limits at every layer,
and a Content Security Policy with no inline script or style."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from tests.access.urls import every_route, sample_kwargs

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def production_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings_production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="two-high.example.org",
    )
    return env


def test_production_settings_pass_check_deploy_at_warning_level():
    run = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "no issues" in run.stdout


def test_production_cookies_and_transport_settings():
    code = (
        "from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS >= 31536000, s.DEBUG)"
    )
    run = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.stdout.split() == ["True", "True", "True", "True", "True", "False"], run.stderr


def test_security_headers_on_pages(client, agency_a):
    client.force_login(agency_a)
    response = client.get(reverse("screening:projects"))
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy


def test_the_session_cookie_is_http_only_and_same_site(client, agency_a):
    response = client.post(
        reverse("accounts:login"), {"username": "agency_a", "password": "pw-agency_a"}
    )
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=|\son[a-z]+\s*=\s*[\"']|javascript:", re.IGNORECASE)


def test_no_template_has_inline_script_or_style():
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        if "emails" in path.parts:  # e-mail clients need inline styles; no CSP applies
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, INLINE_STYLE):
            for match in pattern.finditer(text):
                if 'type="application/json"' in match.group(0):
                    continue  # data, not script
                offenders.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
    assert not offenders, offenders


def test_the_api_docs_get_their_own_narrow_policy(client, agency_a):
    client.force_login(agency_a)
    policy = client.get("/api/docs/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "http" not in policy


# --- CSRF ----------------------------------------------------------------------------------

# Views that take POST without a CSRF token on purpose, and why.
CSRF_EXEMPT = {
    "screening:digest_unsubscribe": "the signed token in the link is the authority; mail "
    "clients post one-click unsubscribes without a form",
}


def test_every_url_refuses_a_post_without_csrf_token(agency_a, provincial_reviewer):
    tried = refused = 0
    problems = []
    for route in every_route():
        if route.name in CSRF_EXEMPT or route.name == "api:not_found":
            continue
        url = route.reverse(sample_kwargs(route))
        for user in (agency_a, provincial_reviewer):
            client = Client(enforce_csrf_checks=True)
            client.force_login(user)
            response = client.post(url, {"x": "1"})
            tried += 1
            # 403 is the CSRF refusal; 405 a URL that takes no POST at all.
            if response.status_code in (403, 405):
                refused += 1
            else:
                problems.append((route.name, url, user.username, response.status_code))
    assert not problems, problems
    assert tried > 60


def test_login_refuses_a_post_without_csrf_token(agency_a):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("accounts:login"), {"username": "agency_a", "password": "pw-agency_a"}
    )
    assert response.status_code == 403


def test_an_api_token_needs_no_csrf_but_a_browser_session_does(agency_a):
    from screening.api.authentication import issue_token

    client = Client(enforce_csrf_checks=True)
    client.force_login(agency_a)
    assert client.post("/api/ledger/uploads/", {}).status_code == 403
    _token, raw = issue_token(agency_a, "ci")
    agent = Client(enforce_csrf_checks=True)
    response = agent.post("/api/ledger/uploads/", {}, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 400  # no file: refused as input, not as a forged request


# --- Login rate limit ----------------------------------------------------------------------


def test_logins_are_rate_limited(agency_a):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": "agency_a", "password": "wrong"})
    locked = client.post(
        reverse("accounts:login"), {"username": "agency_a", "password": "pw-agency_a"}
    )
    assert locked.status_code in (403, 429)
    assert settings.SESSION_COOKIE_NAME not in locked.cookies


# --- defusedxml ----------------------------------------------------------------------------


def test_defusedxml_is_asserted_at_start_up(monkeypatch):
    import openpyxl.xml

    from screening import checks

    assert checks.xml_safety_errors() == []
    monkeypatch.setattr(openpyxl.xml, "DEFUSEDXML", False)
    assert [e.id for e in checks.xml_safety_errors()] == ["two_high.E002"]
    with pytest.raises(Exception, match="defusedxml"):
        checks.assert_xml_safety()


def test_start_up_fails_without_defusedxml():
    code = (
        "import sys; sys.modules['defusedxml'] = None; sys.modules['defusedxml.ElementTree']"
        " = None; import django; django.setup()"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test"}
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert run.returncode != 0 and "defusedxml" in run.stderr


# --- Upload limits at every layer ----------------------------------------------------------


def test_a_request_body_over_the_limit_is_refused_before_it_is_read(client, agency_a):
    client.force_login(agency_a)
    too_big = settings.LEDGER_MAX_FILE_BYTES + settings.REQUEST_BODY_MARGIN_BYTES + 1
    response = client.generic(
        "POST",
        reverse("screening:ledger"),
        b"x" * 10,
        content_type="application/octet-stream",
        CONTENT_LENGTH=str(too_big),
    )
    assert response.status_code == 413
    assert "MB" in response.content.decode()


@override_settings(LEDGER_MAX_FILE_BYTES=2_000)
def test_a_file_over_the_limit_is_refused_by_the_form(client, agency_a, tmp_path):
    from screening.models import LedgerUpload
    from tests.ledger_files import valid_row, write_ledger

    client.force_login(agency_a)
    path = write_ledger(tmp_path / "big.xlsx", [valid_row()] * 3)
    assert path.stat().st_size > 2_000
    with path.open("rb") as handle:
        response = client.post(reverse("screening:ledger"), {"region": "410100", "file": handle})
    assert response.status_code == 200 and not LedgerUpload.objects.exists()


def test_the_limits_are_the_specs():
    assert settings.LEDGER_MAX_FILE_BYTES == 50_000_000
    assert settings.LEDGER_MAX_UNCOMPRESSED_BYTES == 500_000_000
    assert settings.LEDGER_MAX_RATIO == 100
    assert settings.LEDGER_MAX_MEMBERS == 1_000
    assert settings.LEDGER_MAX_ROWS == 200_000
    assert settings.LEDGER_MAX_COLUMNS == 100
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 10_000_000


def test_uploaded_files_are_never_served_from_a_public_url(client, agency_a):
    client.force_login(agency_a)
    assert client.get(settings.MEDIA_URL + "uploads/x.xlsx").status_code == 404
    from django.urls import resolve
    from django.urls.exceptions import Resolver404

    with pytest.raises(Resolver404):
        resolve(settings.MEDIA_URL)


def _settings_value(env: dict[str, str], expression: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); "
            "from django.conf import settings as s; print(" + expression + ")",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_without_a_secret_key_one_is_generated_once_and_kept_under_var(tmp_path):
    """Issue 13 item 9: on the defaults the secret key was public (written in the code)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", TWO_HIGH_VAR_DIR=str(tmp_path))
    first = _settings_value(env, "s.SECRET_KEY")
    assert first.returncode == 0, first.stderr
    key = first.stdout.strip()
    kept = tmp_path / "secret_key"
    assert kept.read_text().strip() == key and len(key) >= 50
    assert kept.stat().st_mode & 0o077 == 0  # readable by the owner only
    again = _settings_value(env, "s.SECRET_KEY")
    assert again.stdout.strip() == key  # the same key after a restart (and for the worker)
    other = tmp_path / "other"
    env["TWO_HIGH_VAR_DIR"] = str(other)
    assert _settings_value(env, "s.SECRET_KEY").stdout.strip() != key  # each machine its own
    assert key not in "".join(p.read_text(errors="ignore") for p in (ROOT / "config").glob("*.py"))


def test_production_refuses_to_start_without_a_real_secret_key(tmp_path):
    env = production_env()
    del env["DJANGO_SECRET_KEY"]
    env["TWO_HIGH_VAR_DIR"] = str(tmp_path)
    run = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode != 0
    assert "DJANGO_SECRET_KEY" in run.stderr


def test_check_deploy_refuses_a_per_process_rate_limit_cache(settings):
    from screening.checks import check_shared_rate_limits

    assert check_shared_rate_limits() == []  # the database cache (or Redis) is shared
    settings.CACHES = {
        **settings.CACHES,
        "throttle": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    errors = check_shared_rate_limits()
    assert [e.id for e in errors] == ["two_high.E003"] and "REDIS_URL" in errors[0].hint
