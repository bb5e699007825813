"""A person signs in with a real browser and lands on the page of their role."""

import pytest

from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_agency_user_signs_in_and_switches_to_english(page, agency_a):
    browser_login(page, "agency_a", "pw-agency_a")
    assert "工作台" in page.content() or "台账" in page.content()
    with page.expect_navigation():
        page.select_option("select[name=language]", "en")
    page.get_by_role("button", name="Sign out").wait_for()


def test_wrong_password_shows_a_clear_message(page, agency_a):
    browser_login(page, "agency_a", "wrong")
    assert "用户名或密码不正确" in page.content()
