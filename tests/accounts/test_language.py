"""Chinese is the default whatever the browser sends; English only by the switch, and then
remembered (issue 15). E-mail links use the address `make run PORT=…` serves on."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation

from accounts.middleware import chosen_language


@pytest.fixture(autouse=True)
def _keep_the_language():
    """Requests made here activate English in this thread; later tests (the browser tests
    compare labels) must not inherit it."""
    language = translation.get_language()
    yield
    translation.activate(language)


def test_chosen_language_ignores_nothing_but_the_browser():
    assert chosen_language(None, None) == "zh-hans"
    assert chosen_language("en", None) == "en"
    assert chosen_language(None, "en") == "en"
    assert chosen_language("zh-hans", "en") == "zh-hans"  # the switch on this browser wins
    assert chosen_language("fr", "") == "zh-hans"  # not a site language


@pytest.mark.django_db
def test_an_english_browser_still_gets_chinese():
    response = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").get("/accounts/login/")
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "zh-hans"


@pytest.mark.django_db
def test_the_switch_turns_english_on_and_it_is_remembered(agency_a):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-CN")
    client.force_login(agency_a)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.cookies["django_language"]["max-age"] >= 30 * 24 * 3600
    assert client.get("/ledger/").headers["Content-Language"] == "en"
    agency_a.refresh_from_db()
    assert agency_a.language == "en"
    # another browser, no cookie yet: the account remembers the choice
    other = Client(HTTP_ACCEPT_LANGUAGE="zh-CN")
    other.force_login(agency_a)
    assert other.get("/ledger/").headers["Content-Language"] == "en"


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_points_email_links_at_its_own_port():
    """`make run PORT=8123` exports SITE_URL=http://127.0.0.1:8123 to the server and the
    worker (settings.SITE_URL reads it); an explicit SITE_URL still wins."""
    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "MAKEFLAGS")}
    probe = [
        "make",
        "-s",
        "--no-print-directory",
        "-C",
        str(root),
        "--eval=show-site-url: ; @echo $$SITE_URL",
        "show-site-url",
    ]
    ran = subprocess.run([*probe, "PORT=8123"], env=env, capture_output=True, text=True)
    assert ran.stdout.strip() == "http://127.0.0.1:8123"
    env["SITE_URL"] = "https://two-high.example.gov.cn"
    ran = subprocess.run(probe, env=env, capture_output=True, text=True)
    assert ran.stdout.strip() == "https://two-high.example.gov.cn"
