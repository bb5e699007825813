"""R07/R08 follow the published barometer through ContextResolver and the engine (SPEC §4)."""

from datetime import date

import pytest

from screening.context import ContextResolver
from screening.early_warning.barometer import record_annual_result
from screening.early_warning.publishing import save_indicator_months
from screening.models import AnnualResult
from screening.rules.engine import screen
from screening.rules.testing import load, project
from tests.screening.early_warning.conftest import (
    ANYANG,
    GREEN,
    HUAXIAN,
    RED,
    energy_row,
    publish_series,
    region,
)

pytestmark = pytest.mark.django_db
P23 = load("henan-2023")


def outcome(rule: str, as_of: date, code: str = ANYANG, **changes) -> str:
    context = ContextResolver(as_of).for_region(code)
    screening = screen(project(region=code, **changes), context, P23)
    return next(f.outcome for f in screening.findings if f.rule == rule)


def test_a_published_red_month_fails_r07_from_the_first_of_the_next_month():
    publish_series(ANYANG, [(2024, 5, RED)])
    assert outcome("R07", date(2024, 5, 31)) == "PASS"
    assert outcome("R07", date(2024, 6, 1)) == "FAIL"


def test_an_unpublished_red_month_does_not_count():
    save_indicator_months([energy_row(ANYANG, 2024, 5, RED)])
    assert outcome("R07", date(2024, 7, 1)) == "PASS"


def test_r08_fails_after_three_published_red_months_and_passes_after_a_green_one():
    publish_series(ANYANG, [(2024, 3, RED), (2024, 4, RED), (2024, 5, RED)])
    assert outcome("R08", date(2024, 6, 1)) == "FAIL"
    publish_series(ANYANG, [(2024, 6, GREEN)])
    assert outcome("R08", date(2024, 7, 1)) == "PASS"
    assert outcome("R07", date(2024, 7, 1)) == "PASS"


def test_a_month_without_data_breaks_the_run_for_r08():
    publish_series(ANYANG, [(2024, 3, RED), (2024, 4, None), (2024, 5, RED), (2024, 6, RED)])
    assert outcome("R08", date(2024, 7, 1)) == "PASS"
    assert outcome("R07", date(2024, 7, 1)) == "FAIL"


def test_a_county_takes_its_citys_published_barometer():
    publish_series(ANYANG, [(2024, 3, RED), (2024, 4, RED), (2024, 5, RED)])
    assert outcome("R08", date(2024, 6, 1), code=HUAXIAN) == "FAIL"


def test_r08_reads_last_years_annual_result():
    record_annual_result(region(ANYANG), 2023, dual_control_met=False, pollutant_met=True)
    assert AnnualResult.objects.get(region__code=ANYANG, year=2023).dual_control_met is False
    assert outcome("R08", date(2024, 6, 1)) == "FAIL"
    assert outcome("R08", date(2024, 6, 1), livelihood=True) == "PASS"
    assert outcome("R08", date(2025, 6, 1)) == "PASS"  # 2024 not recorded: counts as met
