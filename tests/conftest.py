"""Shared fixtures: reference data in every test database and persona users.

Personas: an agency user and a city reviewer in city A (郑州) and city B (洛阳), an agency user
of a province-direct county (巩义), a provincial reviewer, a province-wide observer and an
administrator.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import settings as hypothesis_settings

# Generated tests are the same on every run (issue 13, item 6): a clean clone passes or fails
# the same way every time. HYPOTHESIS_PROFILE=explore searches new examples instead.
hypothesis_settings.register_profile("deterministic", derandomize=True, database=None)
hypothesis_settings.register_profile("explore", database=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "deterministic"))

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from the test
# body are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from screening.reference_data import load_reference_data

    with django_db_blocker.unblock():
        load_reference_data()


def _ensure_reference_data() -> None:
    from screening.models import Region
    from screening.reference_data import load_reference_data

    if not Region.objects.exists():
        load_reference_data()


@pytest.fixture
def db(db):
    """Tests that reach the database only through a fixture may run after a transactional
    test has flushed the tables: make sure the reference data is there."""
    _ensure_reference_data()
    return db


@pytest.fixture
def transactional_db(transactional_db):
    """Transactional tests flush every table afterwards (pytest-django runs them last): put the
    reference data back before each of them."""
    _ensure_reference_data()
    return transactional_db


def make_user(username: str, role: str, region_code: str, **extra):
    from accounts.models import User
    from screening.models import Region

    user = User.objects.create_user(
        username=username,
        password="pw-" + username,
        role=role,
        email=f"{username}@example.org",
        **extra,
    )
    user.regions.set([Region.objects.get(code=region_code)])
    return user


CITY_A = "410100"  # 郑州市
CITY_B = "410300"  # 洛阳市
COUNTY_DIRECT = "410181"  # 巩义市: inside 郑州, reports to the province
PROVINCE = "410000"


@pytest.fixture
def agency_a(db):
    return make_user("agency_a", "agency", CITY_A)


@pytest.fixture
def agency_b(db):
    return make_user("agency_b", "agency", CITY_B)


@pytest.fixture
def agency_county(db):
    return make_user("agency_county", "agency", COUNTY_DIRECT)


@pytest.fixture
def city_reviewer_a(db):
    return make_user("city_a", "city_reviewer", CITY_A)


@pytest.fixture
def city_reviewer_b(db):
    return make_user("city_b", "city_reviewer", CITY_B)


@pytest.fixture
def provincial_reviewer(db):
    return make_user("province", "provincial_reviewer", PROVINCE)


@pytest.fixture
def observer(db):
    return make_user("observer", "observer", PROVINCE)


@pytest.fixture
def observer_a(db):
    return make_user("observer_a", "observer", CITY_A)


@pytest.fixture
def administrator(db):
    return make_user("admin", "admin", PROVINCE, is_staff=True, is_superuser=True)


# --- Services that CI must have: skip locally, fail in CI -----------------------------------


def need(condition: bool, reason: str) -> None:
    """Skip a test whose service is missing, except in CI (TWO_HIGH_REQUIRE_SERVICES=1)."""
    if condition:
        return
    if os.environ.get("TWO_HIGH_REQUIRE_SERVICES") == "1":
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def _playwright_browser():
    need(os.path.exists(CHROMIUM), "headless Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(_playwright_browser, live_server):
    """A fresh browser page; `page.base_url` is the live server's address."""
    context = _playwright_browser.new_context(locale="zh-CN", accept_downloads=True)
    context.set_default_timeout(15_000)
    pg = context.new_page()
    pg.base_url = live_server.url
    yield pg
    context.close()


def browser_login(page, username: str, password: str) -> None:
    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
