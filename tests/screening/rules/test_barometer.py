"""Barometer tiers and escalation (clause (十八); SPEC §6), at their boundaries."""

from __future__ import annotations

from decimal import Decimal

import pytest

from screening.rules.barometer import (
    Escalation,
    budget_tier,
    coal_tier,
    escalation,
    intensity_tier,
    is_restricted,
    project_energy_tier,
    red_run_at_end,
    red_run_length,
    region_month_tier,
    total_energy_tier,
    worst_tier,
)
from screening.rules.testing import months
from screening.rules.types import BarometerMonth, Tier

D = Decimal
RED, YELLOW, GREEN = Tier.RED, Tier.YELLOW, Tier.GREEN


@pytest.mark.parametrize(
    ("change", "target", "expected"),
    [
        ("0.01", "3", RED),  # 不降反升
        ("0.01", None, RED),  # a rise is red even without a target
        ("0", "3", YELLOW),  # did not fall: less than required, but it did not rise
        ("0", "0", GREEN),
        ("-2.99", "3", YELLOW),
        ("-3", "3", GREEN),  # fell exactly as required
        ("-5", "3", GREEN),
        ("-1", None, None),  # a fall cannot be judged without a target
        (None, "3", None),
    ],
)
def test_intensity_tier_629_rule(p21, change, target, expected):
    change = D(change) if change is not None else None
    target = D(target) if target is not None else None
    assert intensity_tier(change, target, p21) is expected


def test_intensity_progress_share_scales_the_requirement(p21):
    from dataclasses import replace

    half = replace(p21, barometer_intensity_progress_share=D("0.5"))
    assert intensity_tier(D("-1.5"), D("3"), half) is GREEN
    assert intensity_tier(D("-1.49"), D("3"), half) is YELLOW


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        ("50000", GREEN),  # exactly the pro-rated budget (120,000 × 5/12)
        ("50000.01", YELLOW),
        ("55000", YELLOW),  # exactly 110 % of the pro-rated budget
        ("55000.01", RED),
    ],
)
def test_total_energy_against_the_pro_rated_budget_901_rule(p21, actual, expected):
    assert total_energy_tier(D(actual), D("120000"), 5, p21) is expected
    assert coal_tier(D(actual), D("120000"), 5, p21) is expected


def test_a_budget_that_does_not_divide_evenly_still_has_exact_boundaries(p21):
    # 100,000 × 7/12 = 58,333.33…; 110 % of it = 64,166.66…
    assert budget_tier(D("58333.33"), D("100000"), 7, p21) is GREEN
    assert budget_tier(D("58333.34"), D("100000"), 7, p21) is YELLOW
    assert budget_tier(D("64166.66"), D("100000"), 7, p21) is YELLOW
    assert budget_tier(D("64166.67"), D("100000"), 7, p21) is RED


def test_missing_figures_give_no_tier_never_red(p21):
    assert budget_tier(None, D("1000"), 3, p21) is None
    assert budget_tier(D("1000"), None, 3, p21) is None
    with pytest.raises(ValueError):
        budget_tier(D(1), D(1), 13, p21)


def test_region_month_tier_is_the_worst_indicator_with_data(p21):
    assert region_month_tier(month=6, params=p21) is None
    assert (
        region_month_tier(
            month=6,
            params=p21,
            intensity_change_pct=D("-3"),
            intensity_target_pct=D("3"),
            total_energy_tce=D("52"),
            total_energy_budget_tce=D("100"),
        )
        is YELLOW
    )
    assert worst_tier([None, GREEN, None]) is GREEN


def test_coal_does_not_drive_the_dual_control_tier_clause_4_4_and_18(p21):
    """Revision 4: (四)4 and (十八) name the 能耗双控 barometer; coal has its own tier."""
    assert region_month_tier(month=12, params=p21, coal_t=D("111"), coal_cap_t=D("100")) is None
    assert (
        region_month_tier(
            month=12,
            params=p21,
            coal_t=D("111"),
            coal_cap_t=D("100"),
            total_energy_tce=D("100"),
            total_energy_budget_tce=D("100"),
        )
        is GREEN
    )
    assert (
        region_month_tier(
            month=12,
            params=p21,
            coal_t=D("111"),
            coal_cap_t=D("100"),
            intensity_change_pct=D("0.01"),
        )
        is RED
    )
    assert coal_tier(D("111"), D("100"), 12, p21) is RED


def test_red_run_at_the_end(p21):
    assert red_run_length([RED, RED, YELLOW, RED, RED]) == 2
    assert red_run_length([RED, None, RED]) == 1
    assert red_run_length([]) == 0
    assert red_run_at_end(months(RED, RED, RED)) == 3
    gap = (BarometerMonth(2022, 3, RED), BarometerMonth(2022, 5, RED))
    assert red_run_at_end(gap) == 1


def test_escalation_reminder_at_2_restriction_at_3(p21):
    assert escalation(months(GREEN, RED), p21) is Escalation.NONE
    assert escalation(months(GREEN, RED, RED), p21) is Escalation.REMINDER
    assert escalation(months(RED, RED, RED), p21) is Escalation.RESTRICTION
    assert is_restricted(months(RED, RED, RED, RED), p21)
    assert not is_restricted(months(RED, RED, RED, GREEN), p21)


@pytest.mark.parametrize(
    ("actual", "expected"),
    [("1000", RED), ("999.99", YELLOW), ("900", YELLOW), ("899.99", GREEN)],
)
def test_project_energy_warning_100_and_90_percent(p21, actual, expected):
    # approved 4,000 tce a year; after 3 months the pro-rated figure is 1,000 tce
    assert project_energy_tier(D(actual), D("4000"), 3, p21) is expected


def test_project_energy_warning_needs_an_approved_figure(p21):
    assert project_energy_tier(D("10"), None, 3, p21) is None
    assert project_energy_tier(D("10"), D("0"), 3, p21) is None
    assert project_energy_tier(None, D("100"), 3, p21) is None
