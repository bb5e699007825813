"""Issue 15: on a phone (390 px) the case list's due dates stay whole, never broken at their
hyphens."""

import pytest
from django.urls import reverse

from screening.models import CaseState
from tests.conftest import browser_login
from tests.factories import case_in_state

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_case_list_due_dates_stay_on_one_line_at_phone_width(
    page, agency_a, city_reviewer_a, language
):
    for _ in range(3):
        case_in_state(CaseState.SUBMITTED, agency=agency_a, non_compliant=True)
    browser_login(page, "city_a", "pw-city_a")
    page.set_viewport_size(PHONE)
    page.goto(page.base_url + reverse("screening:cases"))
    if language == "en":
        with page.expect_navigation():
            page.select_option("header select[name=language]", "en")
        page.wait_for_load_state("networkidle")
    dates = page.locator("tbody .nowrap")
    assert dates.count() >= 3
    for i in range(dates.count()):
        text = dates.nth(i).inner_text()
        assert any(c.isdigit() for c in text)  # a date
        # One line box: a date broken at a hyphen would give two client rects.
        lines = dates.nth(i).evaluate("e => e.getClientRects().length")
        assert lines == 1, text
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
