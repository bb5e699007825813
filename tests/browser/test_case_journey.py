"""Officers move a case through the workflow in a real browser: submit → forward → approve,
and return for information → resubmit."""

import pytest
from django.urls import reverse

from screening.models import CaseState, ReviewCase
from tests.conftest import browser_login
from tests.factories import ProjectFactory, complete_an_evaluation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_out(page) -> None:
    page.locator("header form button[type=submit]").last.click()
    page.wait_for_load_state("networkidle")


def open_case_page(page, case) -> None:
    page.goto(page.base_url + reverse("screening:case", args=[case.pk]))


def act(page, action: str, **fields) -> None:
    """Open the action's form, fill it and send it."""
    form = page.locator(f"#action-{action}")
    summary = page.locator("details", has=form).locator("summary")
    if summary.count() and not form.is_visible():
        summary.click()
    for name, value in fields.items():
        form.locator(f"[name={action}-{name}]").fill(value)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def open_and_submit(page, project) -> ReviewCase:
    browser_login(page, "agency_a", "pw-agency_a")
    page.goto(page.base_url + reverse("screening:case_new") + f"?project={project.pk}")
    with page.expect_navigation():
        page.locator("form.stacked button[type=submit]").click()
    case = ReviewCase.objects.get(project=project)
    act(page, "submit", comment="请审核")
    assert page.locator("#case-state").inner_text() == CaseState.SUBMITTED.label
    assert "R13" in page.content()
    sign_out(page)
    return case


def test_submit_forward_approve(page, agency_a, city_reviewer_a, provincial_reviewer):
    project = ProjectFactory()
    case = open_and_submit(page, project)

    browser_login(page, "city_a", "pw-city_a")
    page.goto(page.base_url + reverse("screening:my_queue"))
    page.get_by_role("link", name=project.project_code).click()
    page.wait_for_load_state("networkidle")
    act(page, "forward", opinion="经审核，同意上报省级审核。")
    assert page.locator("#case-state").inner_text() == CaseState.PROVINCIAL_REVIEW.label
    sign_out(page)
    # (十一), revision 4: a planned case is approved only after its evaluation.
    case.refresh_from_db()
    complete_an_evaluation(case, provincial_reviewer)

    browser_login(page, "province", "pw-province")
    open_case_page(page, case)
    act(page, "approve", comment="同意")
    assert page.locator("#case-state").inner_text() == CaseState.APPROVED.label
    timeline = page.locator("ol.timeline").inner_text()
    assert "经审核，同意上报省级审核。" in timeline
    case.refresh_from_db()
    assert case.state == CaseState.APPROVED


def test_return_for_information_and_resubmit(page, agency_a, city_reviewer_a):
    project = ProjectFactory()
    case = open_and_submit(page, project)

    browser_login(page, "city_a", "pw-city_a")
    open_case_page(page, case)
    act(page, "return_for_info", comment="请补充节能审查意见。")
    assert page.locator("#case-state").inner_text() == CaseState.RETURNED.label
    sign_out(page)

    browser_login(page, "agency_a", "pw-agency_a")
    page.goto(page.base_url + reverse("screening:my_queue"))
    page.get_by_role("link", name=project.project_code).click()
    page.wait_for_load_state("networkidle")
    assert "请补充节能审查意见。" in page.locator("ol.timeline").inner_text()
    act(page, "submit", comment="已补充")
    assert page.locator("#case-state").inner_text() == CaseState.SUBMITTED.label
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED
    assert case.events.filter(transition="submit").count() == 2
