"""Finding, sorting, exporting (issue 15): the project search by credit code (web and API),
sortable headers, numbered pages with the total, the page-size choice kept with the search,
filters and sort; the case list's search, filters and export; the alerts page paged and
filtered. Lists stay at a fixed number of queries whatever their length."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from screening import listing
from screening.models import CaseState, Project, ReviewCase
from tests.api.conftest import token_client
from tests.conftest import CITY_A, CITY_B, need
from tests.factories import case_in_state
from tests.screening.early_warning.projects import make_project

pytestmark = pytest.mark.django_db

USCC = "91410100MA44LISTS7"


def _codes(client, url: str) -> list[str]:
    return [p.project_code for p in client.get(url).context["page"]]


# --- Projects ---------------------------------------------------------------------------------


def test_a_credit_code_finds_its_projects_on_the_page_and_in_the_api(client, agency_a):
    own = make_project(CITY_A)
    make_project(CITY_A)
    other_city = make_project(CITY_B)
    Project.objects.filter(pk__in=[own.pk, other_city.pk]).update(uscc=USCC)
    client.force_login(agency_a)
    projects = reverse("screening:projects")
    assert _codes(client, f"{projects}?q={USCC}") == [own.project_code]
    assert _codes(client, f"{projects}?q={USCC[-8:].lower()}") == [own.project_code]
    api = token_client(agency_a).get(reverse("api:projects"), {"q": USCC})
    assert [p["project_code"] for p in api.json()["results"]] == [own.project_code]


def test_postgresql_has_a_trigram_index_on_the_credit_code():
    need(connection.vendor == "postgresql", "needs PostgreSQL (DATABASE_URL=postgres://…)")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'project_uscc_trgm'")
        (definition,) = cursor.fetchone()
    assert "gin_trgm_ops" in definition and "upper((uscc)::text)" in definition


def test_a_header_sorts_both_ways_and_ties_fall_back_to_the_project_code(client, agency_a):
    made = [
        make_project(CITY_A, annual_energy_tce=energy)
        for energy in ("20000", "10000", "20000", "10000")
    ]
    by_code = sorted(made, key=lambda p: p.project_code)
    client.force_login(agency_a)
    url = reverse("screening:projects")
    ascending = _codes(client, f"{url}?ordering=energy")
    low = [p.project_code for p in by_code if p.annual_energy_tce == Decimal("10000")]
    high = [p.project_code for p in by_code if p.annual_energy_tce == Decimal("20000")]
    assert ascending == low + high  # equal energy: by project code
    assert _codes(client, f"{url}?ordering=-energy") == high + low
    body = client.get(f"{url}?ordering=energy&q=2104").content.decode()
    # The sorted column offers the other direction, keeping the search; an arrow shows it.
    assert (
        'href="?ordering=-energy&amp;q=2104"' in body
        or 'href="?q=2104&amp;ordering=-energy"' in body
    )
    assert 'aria-sort="ascending"' in body and "↑" in body
    body = client.get(f"{url}?ordering=-energy").content.decode()
    assert 'aria-sort="descending"' in body and "↓" in body


def test_numbered_pages_show_the_total_and_keep_search_filters_sort_and_size(client, agency_a):
    for _ in range(45):
        make_project(CITY_A, sector="焦化")
    make_project(CITY_A, sector="钢铁")
    client.force_login(agency_a)
    url = reverse("screening:projects") + "?q=2104&sector=焦化&ordering=-code&size=20&page=2"
    response = client.get(url)
    page = response.context["page"]
    assert (page.paginator.count, page.number, page.paginator.num_pages, len(page)) == (
        45,
        2,
        3,
        20,
    )
    body = response.content.decode()
    assert "共 45 项，第 2/3 页" in body
    for number in (1, 3):  # every link keeps the query and changes the page only
        assert (
            f'href="?q=2104&amp;sector=%E7%84%A6%E5%8C%96&amp;ordering=-code&amp;size=20'
            f'&amp;page={number}"'
        ) in body
    # A size change goes back to page 1 and keeps the rest; the filter form keeps the size.
    assert 'href="?q=2104&amp;sector=%E7%84%A6%E5%8C%96&amp;ordering=-code&amp;size=50"' in body
    assert '<input type="hidden" name="size" value="20">' in body
    codes = [p.project_code for p in page]
    assert codes == sorted(codes, reverse=True)


def test_a_page_size_outside_the_choice_falls_back_to_the_default():
    assert listing.page_size({"size": "100"}) == 100
    assert listing.page_size({"size": "5000"}) == 50
    assert listing.page_size({"size": "x"}, default=20) == 20


def test_the_pager_numbers_the_first_last_and_nearby_pages():
    assert listing.page_numbers(1, 1) == [1]
    assert listing.page_numbers(5, 25) == [1, None, 3, 4, 5, 6, 7, None, 25]
    assert listing.page_numbers(2, 4) == [1, 2, 3, 4]


def test_the_project_list_costs_the_same_queries_for_100_rows_as_for_one(
    client, agency_a, django_assert_max_num_queries
):
    make_project(CITY_A)
    client.force_login(agency_a)
    url = reverse("screening:projects") + "?q=2104&ordering=-energy&size=100"
    client.get(url)
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(99):
        make_project(CITY_A)
    with django_assert_max_num_queries(len(one)):
        client.get(url)


# --- Cases ------------------------------------------------------------------------------------


@pytest.fixture
def cases(agency_a, city_reviewer_a, provincial_reviewer):
    submitted = case_in_state(CaseState.SUBMITTED, agency=agency_a, uscc=USCC)
    draft = case_in_state(CaseState.DRAFT, agency=agency_a)
    late = case_in_state(CaseState.SUBMITTED, agency=agency_a)
    ReviewCase.objects.filter(pk=late.pk).update(due_date=timezone.localdate() - timedelta(days=3))
    return {"submitted": submitted, "draft": draft, "late": late}


def _case_codes(client, query: str = "") -> list[str]:
    page = client.get(reverse("screening:cases") + query).context["page"]
    return [c.project.project_code for c in page]


def test_the_case_list_searches_filters_and_sorts(client, cases, city_reviewer_a):
    code = {name: case.project.project_code for name, case in cases.items()}
    client.force_login(city_reviewer_a)
    assert _case_codes(client, f"?q={USCC}") == [code["submitted"]]
    assert _case_codes(client, f"?q={code['draft'][-6:]}") == [code["draft"]]
    assert _case_codes(client, "?overdue=on") == [code["late"]]
    # Waiting for the city reviewer: the two submitted cases, not the agency's draft.
    assert sorted(_case_codes(client, "?waiting=on")) == sorted([code["submitted"], code["late"]])
    # Another city's code is not a choice: the form says so (the rest still applies).
    body = client.get(reverse("screening:cases") + f"?region={CITY_B}").content.decode()
    assert 'class="errorlist' in body
    assert _case_codes(client, "?ordering=code") == sorted(code.values())
    assert _case_codes(client, "?ordering=-code") == sorted(code.values(), reverse=True)
    body = client.get(reverse("screening:cases") + "?ordering=due").content.decode()
    assert 'aria-sort="ascending"' in body and "共 3 项" in body
    assert 'id="case-export" href="/cases/export/?ordering=due"' in body


def test_the_case_export_holds_the_filtered_cases_named_after_the_filter(
    client, cases, city_reviewer_a
):
    client.force_login(city_reviewer_a)
    response = client.get(reverse("screening:case_export") + "?overdue=on")
    name = f"审核案件_超期_{timezone.localdate().isoformat()}.xlsx"
    assert f"filename*=utf-8''{quote(name)}" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "项目代码" and rows[0][3] == "统一社会信用代码"
    assert [r[0] for r in rows[1:]] == [cases["late"].project.project_code]
    late = sheet[2]
    assert late[0].number_format == "@" and late[10].is_date and late[11].value == "是"
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:M2"


def test_the_case_list_queries_do_not_grow_with_rows(
    client, agency_a, city_reviewer_a, django_assert_max_num_queries
):
    case_in_state(CaseState.SUBMITTED, agency=agency_a)
    client.force_login(city_reviewer_a)
    url = reverse("screening:cases") + "?waiting=on&ordering=-due&q=2401&size=100"
    client.get(url)
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(12):
        case_in_state(CaseState.SUBMITTED, agency=agency_a)
    with django_assert_max_num_queries(len(one)):
        assert len(client.get(url).context["page"]) == 13


# --- Alerts -----------------------------------------------------------------------------------


def _diagnosis_due(region: str):
    return make_project(region, findings=[{"rule": "R12", "outcome": "WARN"}])


def test_the_alerts_page_pages_and_filters_by_kind_region_and_search(
    client, provincial_reviewer, django_assert_max_num_queries
):
    first = _diagnosis_due(CITY_A)
    for _ in range(24):
        _diagnosis_due(CITY_A)
    _diagnosis_due(CITY_B)
    client.force_login(provincial_reviewer)
    url = reverse("screening:alerts")
    client.get(url + "?size=20")
    with django_assert_max_num_queries(25):
        response = client.get(url + "?size=20")
    page = response.context["page"]
    assert (page.paginator.count, len(page), page.paginator.num_pages) == (26, 20, 2)
    body = response.content.decode()
    assert "共 26 项，第 1/2 页" in body
    counts = dict((kind, n) for kind, _label, n in response.context["counts"])
    assert counts["diagnosis"] == 26 and counts["review"] == 0
    page = client.get(url, {"region": CITY_B, "kind": "diagnosis"}).context["page"]
    assert [row.region_name for row in page] == ["洛阳市"]
    page = client.get(url, {"q": first.project_code}).context["page"]
    assert [row.project.pk for row in page] == [first.pk]
    assert client.get(url, {"kind": "review"}).context["page"].paginator.count == 0
    assert client.get(url, {"kind": "nonsense", "page": "x"}).status_code == 200


def test_the_pager_and_headers_speak_english_when_chosen(client, agency_a):
    for _ in range(21):
        make_project(CITY_A)
    client.force_login(agency_a)
    client.cookies["django_language"] = "en"
    body = client.get(
        reverse("screening:projects") + "?size=20&page=2&ordering=-name"
    ).content.decode()
    assert "21 items, page 2 of 2" in body and "Per page" in body
    assert "Sorted descending; click to sort ascending" in body
