"""Issue 15 leftovers: the reports list, the registry's plans and sources, the project energy
list and the ledger's upload history page with the shared pager (numbered pages, the total,
the page-size choice) and sort by their headers; page 2 keeps the search, filters and sort, and
a list costs the same queries for 100 rows as for one."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from screening import listing
from screening.early_warning.project_energy import ProjectEnergyRow, save_project_energy
from screening.models import LedgerUpload, Region, Report, ReportKind, ReportStatus
from tests.conftest import CITY_A
from tests.screening.early_warning.projects import make_project
from tests.screening.registry.helpers import make_plan, make_source

pytestmark = pytest.mark.django_db

PROVINCE = "410000"


def _same_queries_when_longer(client, url: str, grow, assert_max) -> None:
    client.get(url)  # warm the caches
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    grow()
    with assert_max(len(one)):
        assert client.get(url).status_code == 200


# --- The pure parts -----------------------------------------------------------------------------


def test_order_fields_takes_a_known_key_both_ways_and_ignores_an_unknown_one():
    choices = {"month": ("year", "month", "-id")}
    assert listing.order_fields({"ordering": "month"}, choices, ("-id",)) == [
        "year",
        "month",
        "-id",
    ]
    assert listing.order_fields({"ordering": "-month"}, choices, ("-id",)) == [
        "-year",
        "-month",
        "id",
    ]
    assert listing.order_fields({"ordering": "secret"}, choices, ("-id",)) == ["-id"]
    assert listing.order_fields({"p-ordering": "month"}, choices, ("-id",), prefix="p-") == [
        "year",
        "month",
        "-id",
    ]


def test_sorted_rows_keeps_the_default_order_without_a_known_key():
    rows = [3, 1, 2]
    keys = {"n": lambda n: n}
    assert listing.sorted_rows({"ordering": "-n"}, rows, keys) == [3, 2, 1]
    assert listing.sorted_rows({"ordering": "x"}, rows, keys) == rows
    assert listing.sorted_rows({}, rows, keys) == rows


# --- Reports ------------------------------------------------------------------------------------


def _reports(count: int, start_year: int = 2000) -> None:
    province = Region.objects.get(code=PROVINCE)
    Report.objects.bulk_create(
        Report(
            kind=ReportKind.MONTHLY_REPORT,
            region=province,
            year=start_year + n // 12,
            month=n % 12 + 1,
            language="zh-hans",
            status=ReportStatus.READY,
            finished_at=timezone.now(),
        )
        for n in range(count)
    )


def test_the_report_list_pages_and_page_2_keeps_the_sort(client, provincial_reviewer):
    _reports(25)
    client.force_login(provincial_reviewer)
    response = client.get(reverse("screening:reports") + "?ordering=month&size=20&page=2")
    page = response.context["page"]
    assert (page.paginator.count, page.number, len(page)) == (25, 2, 5)
    assert [(r.year, r.month) for r in page][0] == (2001, 9)  # ascending: the 21st month
    body = response.content.decode()
    assert "共 25 项，第 2/2 页" in body
    assert 'href="?ordering=month&amp;size=20&amp;page=1"' in body
    assert 'aria-sort="ascending"' in body


def test_the_report_list_queries_do_not_grow_with_rows(
    client, provincial_reviewer, django_assert_max_num_queries
):
    _reports(1)
    client.force_login(provincial_reviewer)
    _same_queries_when_longer(
        client,
        reverse("screening:reports") + "?size=100&ordering=-finished",
        lambda: _reports(60, start_year=2010),
        django_assert_max_num_queries,
    )


# --- Registry: plans and sources, two lists on one page -----------------------------------------


def test_the_registry_lists_page_apart_and_keep_the_search_and_each_others_sort(client, agency_a):
    for _ in range(23):
        make_plan(agency_a)
        make_source(agency_a)
    client.force_login(agency_a)
    url = reverse("screening:registry") + "?q=钢铁&s-ordering=-capacity&p-size=20&p-page=2"
    response = client.get(url)
    plans, sources = response.context["plans"], response.context["sources"]
    assert (plans.paginator.count, plans.number, len(plans)) == (23, 2, 3)
    assert (sources.paginator.count, sources.number, len(sources)) == (23, 1, 20)
    body = response.content.decode()
    # The plans' page links keep the search and the sources' sort; the sources' pager leaves
    # the plans' page alone.
    assert (
        'href="?q=%E9%92%A2%E9%93%81&amp;s-ordering=-capacity&amp;p-size=20&amp;p-page=1"' in body
    )
    assert (
        'href="?q=%E9%92%A2%E9%93%81&amp;s-ordering=-capacity&amp;p-size=20&amp;p-page=2'
        '&amp;s-page=2"' in body
    )
    assert '<input type="hidden" name="p-size" value="20">' in body
    assert "郑州市" in body and ">410100<" not in body


def test_the_registry_page_queries_do_not_grow_with_rows(
    client, agency_a, django_assert_max_num_queries
):
    make_plan(agency_a)
    make_source(agency_a)
    client.force_login(agency_a)

    def grow():
        for _ in range(15):
            make_plan(agency_a)
            make_source(agency_a)

    _same_queries_when_longer(
        client,
        reverse("screening:registry") + "?p-size=100&s-size=100&p-ordering=date",
        grow,
        django_assert_max_num_queries,
    )


# --- Project energy -----------------------------------------------------------------------------


def _energy(count: int) -> None:
    projects = [make_project(CITY_A, annual_energy_tce="12000") for _ in range(count)]
    save_project_energy(
        [ProjectEnergyRow(p.project_code, 2024, 1, 100 + n) for n, p in enumerate(projects)]
    )


def test_the_project_energy_list_pages_and_sorts(client, agency_a):
    _energy(23)
    client.force_login(agency_a)
    response = client.get(reverse("screening:project_energy") + "?ordering=-code&size=20&page=2")
    page = response.context["warnings"]
    assert (page.paginator.count, page.number, len(page)) == (23, 2, 3)
    everything = client.get(reverse("screening:project_energy") + "?ordering=-code&size=50")
    codes = [w.project.project_code for w in everything.context["warnings"]]
    assert codes == sorted(codes, reverse=True)
    assert [w.project.project_code for w in page] == codes[20:]
    assert 'href="?ordering=-code&amp;size=20&amp;page=1"' in response.content.decode()


def test_the_project_energy_list_queries_do_not_grow_with_rows(
    client, agency_a, django_assert_max_num_queries
):
    _energy(1)
    client.force_login(agency_a)
    _same_queries_when_longer(
        client,
        reverse("screening:project_energy") + "?size=100&ordering=tier",
        lambda: _energy(30),
        django_assert_max_num_queries,
    )


# --- Ledger upload history ----------------------------------------------------------------------


def _uploads(user, count: int) -> None:
    region = Region.objects.get(code=CITY_A)
    LedgerUpload.objects.bulk_create(
        LedgerUpload(
            region=region,
            uploaded_by=user,
            file=f"uploads/x{n}.xlsx",
            original_name=f"台账{n:03d}.xlsx",
            sha256=f"{n:064d}",
        )
        for n in range(count)
    )


def test_the_upload_history_pages_and_sorts_by_file(client, agency_a):
    _uploads(agency_a, 23)
    client.force_login(agency_a)
    response = client.get(reverse("screening:ledger") + "?ordering=file&page=2")
    page = response.context["uploads"]
    assert (page.paginator.count, page.number, len(page)) == (23, 2, 3)
    assert [u.original_name for u in page] == ["台账020.xlsx", "台账021.xlsx", "台账022.xlsx"]
    assert 'href="?ordering=file&amp;page=1"' in response.content.decode()


def test_the_upload_history_queries_do_not_grow_with_rows(
    client, agency_a, django_assert_max_num_queries
):
    _uploads(agency_a, 1)
    client.force_login(agency_a)
    _same_queries_when_longer(
        client,
        reverse("screening:ledger") + "?size=100",
        lambda: _uploads(agency_a, 40),
        django_assert_max_num_queries,
    )
