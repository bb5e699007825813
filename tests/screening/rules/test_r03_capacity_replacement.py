"""R03 capacity replacement, clause (四)2: retired : new capacity by family and key area."""

from __future__ import annotations

import pytest

from screening.rules.testing import context, only, run
from screening.rules.types import ConstructionType, Outcome, Sector, Stage

KEY_AREA = context(key_air_area=True)
ELSEWHERE = context(key_air_area=False)


def test_steel_elsewhere_needs_1_25_and_exactly_met_passes(p21):
    finding = only(run(p21, ELSEWHERE, new_capacity="100", replaced_capacity="125"), "R03")
    assert finding.outcome is Outcome.PASS
    assert finding.clause == "(四)2"
    assert finding.values["ratio_required"] == 1.25
    assert finding.values["strict"] is False
    assert finding.values["new_capacity"] == 100
    assert finding.values["replaced_capacity"] == 125
    assert "1.25" in finding.message_zh and "1.25" in finding.message_en


def test_steel_elsewhere_just_missed_fails(p21):
    finding = only(run(p21, ELSEWHERE, new_capacity="100", replaced_capacity="124.99"), "R03")
    assert finding.outcome is Outcome.FAIL
    assert finding.values["problems"] == ["ratio_not_met"]
    assert finding.values["replaced_capacity"] == 124.99


def test_steel_in_a_key_area_needs_1_5_so_1_25_fails(p21):
    finding = only(run(p21, KEY_AREA, new_capacity="100", replaced_capacity="125"), "R03")
    assert finding.outcome is Outcome.FAIL
    assert finding.values["ratio_required"] == 1.5
    assert finding.values["key_air_area"] is True
    assert only(run(p21, KEY_AREA, replaced_capacity="150"), "R03").outcome is Outcome.PASS


def test_blank_replaced_capacity_is_a_failure_not_missing_data(p21):
    finding = only(run(p21, replaced_capacity=None), "R03")
    assert finding.outcome is Outcome.FAIL
    assert finding.values["problems"] == ["no_replaced_capacity"]


def test_no_replacement_plan_fails_even_with_enough_capacity(p21):
    finding = only(run(p21, replacement_plan_ref=None, replaced_capacity="500"), "R03")
    assert finding.outcome is Outcome.FAIL
    assert finding.values["problems"] == ["no_replacement_plan"]


def test_every_problem_is_named_in_one_finding(p21):
    finding = only(run(p21, replacement_plan_ref=None, replaced_capacity="1"), "R03")
    assert finding.values["problems"] == ["no_replacement_plan", "ratio_not_met"]


def test_reduction_in_key_area_equal_is_not_enough_for_aluminium(p21):
    """电解铝 in key areas is 减量 (> 1 : 1): replacing exactly the new capacity fails."""
    aluminium = {"sector": Sector.NONFERROUS, "product": "电解铝", "unit_energy": "13000"}
    equal = only(run(p21, KEY_AREA, new_capacity="50", replaced_capacity="50", **aluminium), "R03")
    assert equal.outcome is Outcome.FAIL
    assert equal.values["strict"] is True
    more = only(
        run(p21, KEY_AREA, new_capacity="50", replaced_capacity="50.01", **aluminium), "R03"
    )
    assert more.outcome is Outcome.PASS
    # Revision 4, (四)5: 减量 outside key areas too.
    elsewhere = only(
        run(p21, ELSEWHERE, new_capacity="50", replaced_capacity="50", **aluminium), "R03"
    )
    assert elsewhere.outcome is Outcome.FAIL
    assert elsewhere.values["strict"] is True


def test_refining_1_to_1_passes_in_2021_and_fails_in_2023(p21, p23):
    """炼油: 等量 under henan-2021, 减量 under henan-2023 (2023 refining opinion)."""
    refinery = {
        "sector": Sector.PETROCHEMICAL,
        "product": "炼油",
        "unit_energy": "7.5",
        "new_capacity": "1000",
        "replaced_capacity": "1000",
    }
    assert only(run(p21, **refinery), "R03").outcome is Outcome.PASS
    failed = only(run(p23, **refinery), "R03")
    assert failed.outcome is Outcome.FAIL
    assert failed.values["strict"] is True
    assert only(run(p23, **{**refinery, "replaced_capacity": "1000.5"}), "R03").outcome is (
        Outcome.PASS
    )


def test_cement_key_area_2_to_1(p21):
    cement = {"sector": Sector.BUILDING_MATERIALS, "product": "水泥熟料", "unit_energy": "100"}
    assert only(run(p21, KEY_AREA, replaced_capacity="200", **cement), "R03").outcome is (
        Outcome.PASS
    )
    assert only(run(p21, KEY_AREA, replaced_capacity="199.99", **cement), "R03").outcome is (
        Outcome.FAIL
    )


def test_not_applicable_without_new_capacity_or_outside_the_table_or_when_operating(p21):
    assert only(run(p21, new_capacity="0", replaced_capacity=None), "R03") is None
    assert only(run(p21, new_capacity=None), "R03") is None
    assert only(run(p21, stage=Stage.OPERATING), "R03") is None
    methanol = {"sector": Sector.COAL_CHEMICAL, "product": "煤制甲醇", "unit_energy": "1400"}
    assert only(run(p21, **methanol), "R03") is None


def test_applies_while_under_construction(p21):
    building = run(p21, stage=Stage.UNDER_CONSTRUCTION, replaced_capacity="1")
    assert only(building, "R03").outcome is Outcome.FAIL


# -- Revision 4 ------------------------------------------------------------------------------


def test_flat_glass_outside_key_areas_is_reduction_clause_4_5(p21, p23):
    """(四)5, Henan reading: 平板玻璃 outside key areas must retire more than it builds."""
    glass = {
        "sector": Sector.BUILDING_MATERIALS,
        "product": "平板玻璃 (>800t/d)",
        "unit_energy": "8",
        "unit_energy_unit": "kgce/重量箱",
    }
    for params in (p21, p23):
        equal = only(
            run(params, ELSEWHERE, new_capacity="50", replaced_capacity="50", **glass), "R03"
        )
        assert equal.outcome is Outcome.FAIL and equal.values["strict"] is True
        assert "未超过" in equal.message_zh
        more = only(
            run(params, ELSEWHERE, new_capacity="50", replaced_capacity="50.01", **glass), "R03"
        )
        assert more.outcome is Outcome.PASS
        # In key areas the MIIT ratio 1.25 : 1 stays, reached inclusively.
        key = only(
            run(params, KEY_AREA, new_capacity="100", replaced_capacity="125", **glass), "R03"
        )
        assert key.outcome is Outcome.PASS and key.values["strict"] is False


@pytest.mark.parametrize(
    "sector",
    [
        Sector.STEEL,
        Sector.COKING,
        Sector.BUILDING_MATERIALS,
        Sector.NONFERROUS,
        Sector.PETROCHEMICAL,
    ],
)
@pytest.mark.parametrize(
    "kind", [ConstructionType.NEW, ConstructionType.REBUILD, ConstructionType.EXPANSION]
)
def test_b_blank_product_needs_info_clause_4_2(p21, p23, sector, kind):
    """R03 (b), (四)2: a blank product in a sector with replacement families is NEEDS_INFO,
    whatever the new capacity says (blank, 0 or more), at 拟建 and 在建, under both rule sets."""
    for params in (p21, p23):
        for stage in (Stage.PLANNED, Stage.UNDER_CONSTRUCTION):
            for capacity in (None, "0", "100"):
                finding = only(
                    run(
                        params,
                        sector=sector,
                        construction_type=kind,
                        stage=stage,
                        product=None,
                        new_capacity=capacity,
                    ),
                    "R03",
                )
                assert finding.outcome is Outcome.NEEDS_INFO
                assert finding.clause == "(四)2"
                assert finding.values["problems"] == ["no_product"]


def test_b_does_not_apply_to_upgrades_operating_projects_or_other_sectors_clause_4_2(p21):
    blank = {"product": None}
    assert only(run(p21, construction_type=ConstructionType.TECH_UPGRADE, **blank), "R03") is None
    assert only(run(p21, stage=Stage.OPERATING, **blank), "R03") is None
    for sector in (Sector.COAL_POWER, Sector.CHEMICAL, Sector.COAL_CHEMICAL):
        assert only(run(p21, sector=sector, **blank), "R03") is None


def test_b_the_blank_product_steel_project_no_longer_proceeds_clause_4_2(p21):
    """The issue's case: planned steel, adds capacity, replaces none, 否 to coal substitution,
    product blank: it used to come out COMPLIANT / PROCEED."""
    screening = run(
        p21,
        product=None,
        unit_energy=None,
        unit_energy_unit=None,
        replaced_capacity=None,
        replacement_plan_ref=None,
        coal_substitution=False,
    )
    assert screening.verdict.value == "NON_COMPLIANT"
    assert screening.disposition.value == "REJECT"
    assert only(screening, "R03").outcome is Outcome.NEEDS_INFO
    assert only(screening, "R04").outcome is Outcome.FAIL
    assert only(screening, "R10").outcome is Outcome.NEEDS_INFO
