"""The region's energy headroom (能耗空间) counts what is already committed (issue 13 item 2,
SPEC §6 and clause (十五)): budget − use to date projected to the year end − new energy of the
projects approved this year in the region and its sub-regions that are not yet operating − this
project's new energy."""

from datetime import date, datetime, time
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from screening.early_warning.barometer import IndicatorRow
from screening.early_warning.budgets import budget_impact
from screening.early_warning.publishing import save_indicator_months
from screening.models import ReviewCase
from screening.rules.headroom import CommittedProject, committed_in_view, energy_headroom
from tests.conftest import make_user
from tests.factories import ProjectFactory, case_in_state
from tests.screening.early_warning.conftest import backdate

ZHENGZHOU, GONGYI, LUOYANG = "410100", "410181", "410300"
AS_OF = date(2026, 7, 15)


def _committed(code: str, tce: str | None, region_id: int = 1) -> CommittedProject:
    return CommittedProject(
        project_id=1,
        project_code=code,
        name="项目",
        region_id=region_id,
        region_name="郑州市",
        case_id=None,
        approved_on=date(2026, 3, 1),
        new_energy_tce=None if tce is None else Decimal(tce),
    )


# --- The pure arithmetic ---------------------------------------------------------------------


def test_headroom_is_budget_minus_projected_use_minus_committed_minus_this_project():
    h = energy_headroom(
        year=2026,
        annual_budget_tce=Decimal(1_200_000),
        months_reported=6,
        used_to_date_tce=Decimal(500_000),
        committed=[_committed("A", "36000"), _committed("B", "4000")],
        new_energy_tce=Decimal(20_000),
    )
    assert h.projected_use_tce == 1_000_000  # 500,000 in 6 months × 12 / 6
    assert h.committed_tce == 40_000
    assert h.headroom_before_tce == 160_000
    assert h.headroom_after_tce == 140_000
    assert not h.exceeds


def test_taking_the_headroom_exactly_to_zero_does_not_exceed_it_and_one_more_tce_does():
    common = dict(
        year=2026,
        annual_budget_tce=Decimal(120),
        months_reported=12,
        used_to_date_tce=Decimal(100),
        committed=[],
    )
    assert energy_headroom(**common, new_energy_tce=Decimal(20)).headroom_after_tce == 0
    assert not energy_headroom(**common, new_energy_tce=Decimal(20)).exceeds
    assert energy_headroom(**common, new_energy_tce=Decimal(21)).exceeds


def test_an_unknown_budget_or_use_gives_no_figure_at_all():
    unknown_budget = energy_headroom(
        year=2026,
        annual_budget_tce=None,
        months_reported=6,
        used_to_date_tce=Decimal(1),
        committed=[],
        new_energy_tce=Decimal(1),
    )
    assert unknown_budget.headroom_before_tce is None
    assert unknown_budget.headroom_after_tce is None and not unknown_budget.exceeds
    assert unknown_budget.unknown_terms == ("budget",)
    unknown_use = energy_headroom(
        year=2026,
        annual_budget_tce=Decimal(100),
        months_reported=None,
        used_to_date_tce=None,
        committed=[],
        new_energy_tce=Decimal(1),
    )
    assert unknown_use.headroom_after_tce is None and unknown_use.unknown_terms == ("use",)


def test_a_committed_project_without_a_figure_counts_as_zero_and_is_listed():
    h = energy_headroom(
        year=2026,
        annual_budget_tce=Decimal(100),
        months_reported=12,
        used_to_date_tce=Decimal(0),
        committed=[_committed("A", None)],
    )
    assert h.committed_tce == 0 and [p.project_code for p in h.committed_without_figure] == ["A"]


def test_months_reported_outside_1_to_12_is_refused():
    with pytest.raises(ValueError):
        energy_headroom(
            year=2026,
            annual_budget_tce=Decimal(1),
            months_reported=13,
            used_to_date_tce=Decimal(1),
            committed=[],
        )


def test_projects_outside_the_readers_regions_are_counted_but_not_named():
    h = energy_headroom(
        year=2026,
        annual_budget_tce=Decimal(100),
        months_reported=12,
        used_to_date_tce=Decimal(0),
        committed=[_committed("A", "5", region_id=1), _committed("B", "7", region_id=2)],
    )
    view = committed_in_view(h, {1})
    assert [p.project_code for p in view.shown] == ["A"]
    assert (view.hidden_count, view.hidden_tce) == (1, 7)


# --- A sequence of approvals, through the workflow -------------------------------------------


def _zhengzhou_figures():
    """郑州: 1,200,000 tce for 2026, 500,000 used in January–June (published, counting)."""
    save_indicator_months(
        [
            IndicatorRow(
                ZHENGZHOU,
                2026,
                6,
                energy_total_tce=Decimal(500_000),
                energy_budget_tce=Decimal(1_200_000),
            )
        ],
        publish=True,
    )
    backdate(ZHENGZHOU, [(2026, 6)])


def _approved_on(case: ReviewCase, day: date) -> None:
    """The approval happened on `day` (the workflow stamps now)."""
    ReviewCase.objects.filter(pk=case.pk).update(
        decided_at=timezone.make_aware(datetime.combine(day, time(10)))
    )


@pytest.fixture
def county_agency(db):
    return make_user("gy_agency", "agency", GONGYI)


def test_each_approval_takes_its_new_energy_off_the_next_cases_headroom(
    agency_a, city_reviewer_a, provincial_reviewer, county_agency, agency_b
):
    _zhengzhou_figures()
    next_project = ProjectFactory(new_energy_tce=Decimal(20_000), energy_rights_tce=20_000)
    before = budget_impact(next_project, AS_OF).headroom
    assert (before.projected_use_tce, before.committed_tce) == (1_000_000, 0)
    assert (before.headroom_before_tce, before.headroom_after_tce) == (200_000, 180_000)

    # The province approves a 36,000 tce project in 郑州: the next case sees it.
    big = case_in_state(
        "approved",
        agency=agency_a,
        city=city_reviewer_a,
        province=provincial_reviewer,
        new_energy_tce=Decimal(36_000),
        energy_rights_tce=Decimal(36_000),
    )
    _approved_on(big, date(2026, 7, 1))
    after_one = budget_impact(next_project, AS_OF).headroom
    assert [p.project_code for p in after_one.committed] == [big.project.project_code]
    assert after_one.committed_tce == 36_000
    assert (after_one.headroom_before_tce, after_one.headroom_after_tce) == (164_000, 144_000)

    # A sub-region (巩义, inside 郑州, reporting to the province) counts against 郑州's budget;
    # 洛阳 does not.
    county = case_in_state(
        "approved",
        agency=county_agency,
        province=provincial_reviewer,
        project=ProjectFactory(
            region_id=_region_id(GONGYI),
            project_code="2401-410181-04-01-000001",
            new_energy_tce=Decimal(150_000),
            energy_rights_tce=Decimal(150_000),
        ),
    )
    _approved_on(county, date(2026, 7, 2))
    elsewhere = case_in_state(
        "approved",
        agency=agency_b,
        province=provincial_reviewer,
        city=make_user("ly_city", "city_reviewer", LUOYANG),
        project=ProjectFactory(
            region_id=_region_id(LUOYANG), project_code="2401-410300-04-01-000001"
        ),
    )
    _approved_on(elsewhere, date(2026, 7, 3))
    after_three = budget_impact(next_project, AS_OF).headroom
    assert after_three.committed_tce == 186_000
    assert after_three.headroom_after_tce == -6_000 and after_three.exceeds

    # Once the big project is operating, its use is in the reported figures: no longer counted.
    big.project.stage = "存量"
    big.project.save(update_fields=["stage"])
    assert budget_impact(next_project, AS_OF).headroom.committed_tce == 150_000


def test_approvals_of_last_year_and_of_the_project_itself_are_not_counted(
    agency_a, city_reviewer_a, provincial_reviewer
):
    _zhengzhou_figures()
    last_year = case_in_state(
        "approved", agency=agency_a, city=city_reviewer_a, province=provincial_reviewer
    )
    _approved_on(last_year, date(2025, 12, 30))
    itself = case_in_state(
        "approved", agency=agency_a, city=city_reviewer_a, province=provincial_reviewer
    )
    _approved_on(itself, date(2026, 7, 1))
    later = case_in_state(
        "approved", agency=agency_a, city=city_reviewer_a, province=provincial_reviewer
    )
    _approved_on(later, date(2026, 7, 20))  # after the screening date
    assert budget_impact(itself.project, AS_OF).headroom.committed == ()


def test_without_a_budget_the_figure_is_unknown_never_a_number(agency_a):
    project = ProjectFactory()
    impact = budget_impact(project, AS_OF)
    assert impact.region is None and not impact.headroom.budget_known
    assert impact.headroom.headroom_after_tce is None


def _region_id(code: str) -> int:
    from screening.models import Region

    return Region.objects.get(code=code).pk


# --- The case page, the dashboard and the API show the same terms ------------------------------


def test_the_case_page_lists_each_term_and_links_the_approved_projects(
    client, agency_a, city_reviewer_a, provincial_reviewer
):
    today = timezone.localdate()
    if today.month == 1:
        pytest.skip("no month of this year counts in January")
    month = today.month - 1
    save_indicator_months(
        [
            IndicatorRow(
                ZHENGZHOU,
                today.year,
                month,
                energy_total_tce=Decimal(50_000 * month),
                energy_budget_tce=Decimal(1_200_000),
            )
        ],
        publish=True,
    )
    big = case_in_state(
        "approved",
        agency=agency_a,
        city=city_reviewer_a,
        province=provincial_reviewer,
        new_energy_tce=Decimal(36_000),
        energy_rights_tce=Decimal(36_000),
    )
    case = case_in_state(
        "provincial_review", agency=agency_a, city=city_reviewer_a, province=provincial_reviewer
    )
    client.force_login(provincial_reviewer)
    page = client.get(reverse("screening:case", args=[case.pk])).content.decode()
    assert 'id="budget-impact"' in page
    assert 'data-term="budget">1,200,000<' in page or 'data-term="budget">1200000<' in page
    assert 'data-term="committed">36' in page
    assert reverse("screening:project", args=[big.project.pk]) in page
    # 1,200,000 − 600,000 − 36,000 = 564,000; − 20,000 = 544,000
    assert "564" in page.split('data-term="before"')[1][:40]
    assert "544" in page.split('data-term="after"')[1][:60]


def test_the_case_page_says_the_budget_is_unknown(
    client, agency_a, city_reviewer_a, provincial_reviewer
):
    case = case_in_state(
        "provincial_review", agency=agency_a, city=city_reviewer_a, province=provincial_reviewer
    )
    client.force_login(provincial_reviewer)
    page = client.get(reverse("screening:case", args=[case.pk])).content.decode()
    assert 'data-headroom="unknown"' in page and 'data-term="after"' not in page


def _this_year_figures() -> None:
    today = timezone.localdate()
    if today.month == 1:
        pytest.skip("no month of this year counts in January")
    month = today.month - 1
    save_indicator_months(
        [
            IndicatorRow(
                ZHENGZHOU,
                today.year,
                month,
                energy_total_tce=Decimal(50_000 * month),
                energy_budget_tce=Decimal(1_200_000),
            )
        ],
        publish=True,
    )


def test_the_dashboard_shows_the_regions_headroom_with_the_approvals(
    client, agency_a, city_reviewer_a, provincial_reviewer
):
    _this_year_figures()
    case_in_state(
        "approved",
        agency=agency_a,
        city=city_reviewer_a,
        province=provincial_reviewer,
        new_energy_tce=Decimal(36_000),
        energy_rights_tce=Decimal(36_000),
    )
    client.force_login(provincial_reviewer)
    page = client.get(reverse("screening:dashboard")).content.decode()
    row = page.split('<tr data-region="410100">')[1].split("</tr>")[0].replace(",", "")
    assert "1200000" in row and "600000" in row and "36000 (1)" in row
    assert "<strong>564000</strong>" in row


def test_the_api_gives_the_same_terms(client, agency_a, city_reviewer_a, provincial_reviewer):
    _this_year_figures()
    big = case_in_state(
        "approved",
        agency=agency_a,
        city=city_reviewer_a,
        province=provincial_reviewer,
        new_energy_tce=Decimal(36_000),
        energy_rights_tce=Decimal(36_000),
    )
    case = case_in_state(
        "provincial_review", agency=agency_a, city=city_reviewer_a, province=provincial_reviewer
    )
    client.force_login(provincial_reviewer)
    body = client.get(f"/api/cases/{case.pk}/").json()["energy_headroom"]
    assert body["region"] == ZHENGZHOU and body["budget_known"]
    assert [p["project"] for p in body["committed"]] == [big.project.pk]
    assert Decimal(body["committed_tce"]) == 36_000
    assert Decimal(body["headroom_before_tce"]) == 564_000
    assert Decimal(body["headroom_after_tce"]) == 544_000
