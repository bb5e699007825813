"""Issue 15 in a browser: an officer finds a project by its 统一社会信用代码, sorts the list by
a column header and pages through it with the search kept."""

import pytest

from screening.models import Project
from tests.conftest import CITY_A, browser_login
from tests.screening.early_warning.projects import make_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

USCC = "91410100MA44LISTS7"


def test_search_by_credit_code_then_sort_and_page(page, agency_a):
    wanted = make_project(CITY_A, name="目标焦化项目")
    for _ in range(25):
        make_project(CITY_A)
    Project.objects.filter(pk=wanted.pk).update(uscc=USCC)
    browser_login(page, "agency_a", "pw-agency_a")
    page.goto(page.base_url + "/ledger/projects/")
    page.fill("input[name=q]", USCC)
    with page.expect_navigation():
        page.get_by_role("button", name="筛选").click()
    rows = page.locator("table.compact tbody tr")
    assert rows.count() == 1
    assert wanted.project_code in rows.first.inner_text()
    assert "共 1 项，第 1/1 页" in page.content()

    # Back to every project, 20 a page: the list is sorted by code (the arrow says so); a
    # click on the header sorts it descending, another ascending again.
    page.goto(page.base_url + "/ledger/projects/?size=20")
    assert "↑" in page.locator("thead a.sorted").inner_text()
    with page.expect_navigation():
        page.locator("thead a.sorted").click()
    assert "↓" in page.locator("thead").inner_text()
    codes = page.locator("tbody tr td:first-child").all_inner_texts()
    assert len(codes) == 20 and codes == sorted(codes, reverse=True)
    assert "共 26 项，第 1/2 页" in page.content()
    with page.expect_navigation():
        page.locator(".pager-pages").first.get_by_role("link", name="2", exact=True).click()
    assert "ordering=-code" in page.url and "size=20" in page.url
    assert page.locator("tbody tr").count() == 6
