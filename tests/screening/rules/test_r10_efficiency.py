"""R10 efficiency, clauses (十七), 2030 plan 三(三)6, (九): 标杆 / 基准 by stage."""

from __future__ import annotations

import pytest

from screening.rules.testing import only, run
from screening.rules.types import Outcome, Sector, Stage

PLANNED, BUILDING, OPERATING = Stage.PLANNED, Stage.UNDER_CONSTRUCTION, Stage.OPERATING


def outcome(p21, stage, unit_energy, product="高炉工序"):
    return only(run(p21, stage=stage, product=product, unit_energy=unit_energy), "R10").outcome


def test_planned_exactly_at_benchmark_passes_clause_shiqi(p21):
    finding = only(run(p21, unit_energy="361"), "R10")
    assert finding.outcome is Outcome.PASS
    assert finding.clause == "(十七)"
    assert finding.values == {
        "product": "高炉工序",
        "stage": "拟建",
        "unit_energy": 361,
        "unit": "kgce/t",
        "benchmark": 361,
        "baseline": 435,
    }


def test_planned_just_above_benchmark_fails(p21):
    assert outcome(p21, PLANNED, "361.01") is Outcome.FAIL


def test_building_exactly_at_baseline_passes_and_above_fails(p21):
    assert outcome(p21, BUILDING, "435") is Outcome.PASS
    assert outcome(p21, BUILDING, "435.01") is Outcome.FAIL
    assert only(run(p21, stage=BUILDING), "R10").clause == "2030 plan 三(三)6"


@pytest.mark.parametrize(
    ("unit_energy", "expected"),
    [
        ("361", Outcome.PASS),
        ("361.01", Outcome.WARN),
        ("435", Outcome.WARN),
        ("435.01", Outcome.FAIL),
    ],
)
def test_operating_against_both_levels(p21, unit_energy, expected):
    assert outcome(p21, OPERATING, unit_energy) is expected


@pytest.mark.parametrize(
    ("stage", "unit_energy", "expected"),
    [
        (PLANNED, "-30", Outcome.PASS),
        (PLANNED, "-29.99", Outcome.FAIL),
        (PLANNED, "-31", Outcome.PASS),
        (BUILDING, "-10", Outcome.PASS),
        (BUILDING, "-9.99", Outcome.FAIL),
        (OPERATING, "-30", Outcome.PASS),
        (OPERATING, "-20", Outcome.WARN),
        (OPERATING, "-10", Outcome.WARN),
        (OPERATING, "0", Outcome.FAIL),
    ],
)
def test_converter_values_are_negative_and_lower_is_still_better(p21, stage, unit_energy, expected):
    """转炉工序: 标杆 −30, 基准 −10 kgce/t."""
    assert outcome(p21, stage, unit_energy, product="转炉工序") is expected


def test_blank_unit_energy_needs_info(p21):
    finding = only(run(p21, unit_energy=None), "R10")
    assert finding.outcome is Outcome.NEEDS_INFO
    assert finding.values["unit_energy"] is None


@pytest.mark.parametrize("stage", [PLANNED, BUILDING, OPERATING])
def test_a_blank_product_needs_info_clause_17(p21, p23, stage):
    """Revision 4: a blank product has nothing to compare with, and must not pass."""
    for params in (p21, p23):
        finding = only(run(params, product=None, unit_energy=None, stage=stage), "R10")
        assert finding.outcome is Outcome.NEEDS_INFO
        assert finding.values["product"] is None
        assert "未填产品/工序" in finding.message_zh


def test_a_blank_product_in_coal_power_has_no_finding_clause_17(p21, p23):
    """煤电 has no benchmark row, so a blank product there is nothing to compare."""
    for params in (p21, p23):
        assert (
            only(run(params, sector=Sector.COAL_POWER, product=None, unit_energy=None), "R10")
            is None
        )


def test_a_full_width_key_finds_its_row(p21):
    finding = only(run(p21, product="电弧炉冶炼（≥50t）", unit_energy="61"), "R10")
    assert finding.outcome is Outcome.PASS
    assert finding.values["product"] == "电弧炉冶炼 (≥50t)"


def test_a_product_without_a_benchmark_row_has_no_finding_clause_17(p21, p23):
    """氧化铝 is a product (有色) without a benchmark row: R10 does not apply."""
    for params in (p21, p23):
        assert (
            only(
                run(
                    params,
                    sector=Sector.NONFERROUS,
                    product="氧化铝",
                    unit_energy="300",
                    unit_energy_unit="kgce/t",
                ),
                "R10",
            )
            is None
        )
