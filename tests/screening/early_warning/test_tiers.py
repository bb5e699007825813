"""Tiers of each indicator at their boundaries, as stored on IndicatorMonth (SPEC §6)."""

from decimal import Decimal

import pytest

from screening.early_warning.barometer import IndicatorRow
from screening.early_warning.publishing import save_indicator_months
from screening.models import IndicatorMonth
from tests.screening.early_warning.conftest import ANYANG

pytestmark = pytest.mark.django_db
D = Decimal


def stored(**values) -> IndicatorMonth:
    save_indicator_months([IndicatorRow(ANYANG, 2024, 6, **values)])
    return IndicatorMonth.objects.get(region__code=ANYANG, year=2024, month=6)


def test_intensity_change_of_exactly_zero_is_yellow_not_red():
    month = stored(intensity_change_pct=D(0), intensity_target_pct=D("3.0"))
    assert (month.intensity_tier, month.tier) == ("yellow", "yellow")


def test_intensity_that_rose_is_red_and_one_that_met_the_target_is_green():
    assert stored(intensity_change_pct=D("0.01"), intensity_target_pct=D(3)).tier == "red"
    assert stored(intensity_change_pct=D("-3.0"), intensity_target_pct=D(3)).tier == "green"
    assert stored(intensity_change_pct=D("-2.99"), intensity_target_pct=D(3)).tier == "yellow"


def test_total_energy_of_exactly_110_percent_of_the_prorated_budget_is_yellow():
    # June: budget 1,200 × 6/12 = 600; 110 % = 660.
    month = stored(energy_total_tce=D(660), energy_budget_tce=D(1200))
    assert (month.energy_tier, month.tier) == ("yellow", "yellow")
    assert stored(energy_total_tce=D("660.0001"), energy_budget_tce=D(1200)).tier == "red"
    assert stored(energy_total_tce=D(600), energy_budget_tce=D(1200)).tier == "green"
    assert stored(energy_total_tce=D("600.0001"), energy_budget_tce=D(1200)).tier == "yellow"


def test_coal_follows_the_same_rule_against_its_cap_but_stays_beside_the_dual_control_tier():
    """Revision 4, (四)4 and (十八): coal is tiered and shown, never the month's 双控 tier."""
    month = stored(coal_tonnes=D(660), coal_cap_tonnes=D(1200))
    assert (month.coal_tier, month.energy_tier, month.tier) == ("yellow", "", "")
    red_coal = stored(
        coal_tonnes=D(1000),
        coal_cap_tonnes=D(1200),
        energy_total_tce=D(600),
        energy_budget_tce=D(1200),
    )
    assert (red_coal.coal_tier, red_coal.tier) == ("red", "green")


def test_no_data_gives_no_tier_never_red():
    month = stored()
    assert (month.intensity_tier, month.energy_tier, month.coal_tier, month.tier) == (
        "",
        "",
        "",
        "",
    )
    # a budget without the use, or the use without a budget, is no data either
    assert stored(energy_budget_tce=D(1200)).tier == ""
    assert stored(energy_total_tce=D(9e9)).tier == ""


def test_the_month_takes_the_worst_indicator_and_records_its_rule_set():
    month = stored(
        intensity_change_pct=D("-5"),
        intensity_target_pct=D(3),
        energy_total_tce=D(700),
        energy_budget_tce=D(1200),
    )
    assert (month.intensity_tier, month.energy_tier, month.tier) == ("green", "red", "red")
    assert month.rule_set.name == "henan-2023"


def test_tiers_are_recomputed_when_the_inputs_change():
    stored(energy_total_tce=D(700), energy_budget_tce=D(1200))
    month = stored(energy_total_tce=D(500), energy_budget_tce=D(1200))
    assert month.tier == "green"


def test_saving_the_same_figures_again_changes_nothing():
    save_indicator_months(
        [IndicatorRow(ANYANG, 2024, 6, energy_total_tce=D(500), energy_budget_tce=D(1200))]
    )
    summary = save_indicator_months(
        [IndicatorRow(ANYANG, 2024, 6, energy_total_tce=D(500), energy_budget_tce=D(1200))]
    )
    assert (summary.created, summary.changed, summary.unchanged) == (0, 0, 1)
