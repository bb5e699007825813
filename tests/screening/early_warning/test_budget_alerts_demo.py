"""What approving a 拟建 project does to the budget, the alerts page's sources, the demo data."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from screening.early_warning.alerts import alerts_for
from screening.early_warning.barometer import IndicatorRow
from screening.early_warning.budgets import budget_impact
from screening.early_warning.demo import seed_demo_indicators
from screening.early_warning.escalations import restriction_in_force
from screening.early_warning.publishing import save_indicator_months
from screening.models import EscalationEvent, IndicatorMonth, Region
from tests.screening.early_warning.conftest import ANYANG, HUAXIAN, backdate
from tests.screening.early_warning.projects import make_project

pytestmark = pytest.mark.django_db


def test_budget_impact_compares_new_energy_with_what_is_left_of_the_year():
    save_indicator_months(
        [
            IndicatorRow(
                ANYANG, 2024, 6, energy_total_tce=Decimal(450), energy_budget_tce=Decimal(1200)
            )
        ],
        publish=True,
    )
    backdate(ANYANG, [(2024, 6)])
    project = make_project(HUAXIAN, stage="拟建", new_energy_tce=Decimal(250))
    impact = budget_impact(project, date(2024, 7, 15))
    assert impact.region.code == ANYANG  # 滑县 takes 安阳's figures
    # 1200 − 450 × 12 / 6 = 300 before; 50 after the project's 250.
    assert (impact.headroom.headroom_before_tce, impact.headroom.headroom_after_tce) == (300, 50)
    assert not impact.exceeds
    project.new_energy_tce = Decimal(301)
    assert budget_impact(project, date(2024, 7, 15)).exceeds
    # Before June counts, and in another year, the budget is unknown.
    assert not budget_impact(project, date(2024, 6, 30)).headroom.budget_known
    assert not budget_impact(project, date(2025, 7, 15)).headroom.budget_known


def test_alerts_list_r12_diagnoses_due_in_the_users_regions(city_reviewer_a):
    due = make_project("410100", findings=[{"rule": "R12", "outcome": "WARN"}])
    make_project("410100", findings=[{"rule": "R12", "outcome": "PASS"}])
    make_project("410300", findings=[{"rule": "R12", "outcome": "WARN"}])
    assert [p.pk for p in alerts_for(city_reviewer_a).diagnoses_due] == [due.pk]


def test_alerts_list_overdue_cases_from_the_workflow(city_reviewer_a, agency_a):
    from screening.models import CaseState, ReviewCase

    today = timezone.localdate()
    project = make_project("410100", stage="拟建")
    late = ReviewCase.objects.create(
        project=project,
        region=project.region,
        cycle=1,
        opened_by=agency_a,
        due_date=today - timedelta(days=1),
    )
    ReviewCase.objects.filter(pk=late.pk).update(state=CaseState.SUBMITTED)
    other = make_project("410100", stage="在建")
    rectifying = ReviewCase.objects.create(
        project=other,
        region=other.region,
        cycle=1,
        opened_by=agency_a,
        rectification_deadline=today - timedelta(days=3),
        due_date=today - timedelta(days=3),
    )
    ReviewCase.objects.filter(pk=rectifying.pk).update(state=CaseState.RECTIFYING)
    found = alerts_for(city_reviewer_a, today)
    assert [c.pk for c in found.review_overdue] == [late.pk]
    assert [c.pk for c in found.rectification_overdue] == [rectifying.pk]


def test_the_demo_restricts_anyang_reminds_hebi_and_leaves_gaps_in_kaifeng():
    written = seed_demo_indicators()
    assert written == IndicatorMonth.objects.count()
    assert IndicatorMonth.objects.filter(published_at__isnull=True).count() == 0
    cities = Region.objects.filter(level="city").count()
    assert IndicatorMonth.objects.values("region").distinct().count() == cities
    anyang = Region.objects.get(code=ANYANG)
    assert EscalationEvent.objects.filter(
        region=anyang, kind="restriction", ended_year__isnull=True
    ).exists()
    assert EscalationEvent.objects.filter(
        region__code="410600", kind="reminder", ended_year__isnull=True
    ).exists()
    assert IndicatorMonth.objects.filter(region__code="410200").count() < 12
    assert IndicatorMonth.objects.filter(tier="yellow").exists()
    assert IndicatorMonth.objects.filter(tier="").exists()
    # Published today, so the restriction counts from today on.
    assert restriction_in_force(anyang, timezone.localdate()) is not None
    assert seed_demo_indicators() == written  # idempotent
