"""Actions explain themselves (issue 15): an action a guard refuses stays on the case page as a
disabled button with the guard's refusal beside it, in a real browser."""

import pytest
from django.urls import reverse

from screening.early_warning.demo import seed_demo_indicators
from screening.models import Region
from tests.conftest import browser_login, make_user
from tests.factories import ProjectFactory, case_in_state, complete_an_evaluation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_approve_under_the_regional_restriction_is_disabled_with_its_reason(
    page, provincial_reviewer
):
    """Clause (十八): a planned project in a region under 区域节能评估限批 cannot be approved;
    the province sees the approve button disabled and why, and can still return the case."""
    anyang = Region.objects.get(code="410500")
    agency = make_user("ay_agency", "agency", "410500")
    city = make_user("ay_city", "city_reviewer", "410500")
    project = ProjectFactory(region=anyang, project_code="2401-410500-04-01-000001")
    case = case_in_state(
        "provincial_review", agency=agency, city=city, province=provincial_reviewer, project=project
    )
    seed_demo_indicators()  # after the screening froze: the demo barometer puts 安阳 under 限批
    complete_an_evaluation(case, provincial_reviewer)

    browser_login(page, "province", "pw-province")
    page.goto(page.base_url + reverse("screening:case", args=[case.pk]))
    button = page.locator("#blocked-approve button")
    assert button.is_visible() and button.is_disabled()
    reason = page.locator("#why-approve")
    assert reason.is_visible()
    assert "限批" in reason.inner_text()
    assert button.get_attribute("aria-describedby") == "why-approve"
    assert page.locator("#action-approve").count() == 0  # no live form for a refused action
    # the actions the guards allow are still there
    assert page.locator("#action-return_for_info, #action-reject").count() >= 1
