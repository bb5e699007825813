"""R15 key-area capacity ban, 2021 pollution-control opinion (七): no new 氧化铝 or 煤化工
capacity in a key air-pollution control area (revision 4, every rule set from henan-2021)."""

from __future__ import annotations

import pytest

from screening.rules.engine import screen
from screening.rules.testing import context, only, project, run
from screening.rules.types import ConstructionType, Disposition, Outcome, Sector, Stage, Verdict

KEY_AREA = context(key_air_area=True)
ELSEWHERE = context(key_air_area=False)
ALUMINA = {
    "sector": Sector.NONFERROUS,
    "product": "氧化铝",
    "unit_energy": None,
    "unit_energy_unit": None,
    "replaced_capacity": None,
    "replacement_plan_ref": None,
}
METHANOL = {"sector": Sector.COAL_CHEMICAL, "product": "煤制甲醇", "unit_energy": "1400"}
COAL_CHEMICAL_BLANK = {"sector": Sector.COAL_CHEMICAL, "product": None, "unit_energy": None}


@pytest.mark.parametrize("kind", [ALUMINA, METHANOL, COAL_CHEMICAL_BLANK])
def test_new_capacity_in_a_key_area_fails_opinion_2021_7(p21, p23, kind):
    for params in (p21, p23):
        screening = run(params, KEY_AREA, new_capacity="0.01", **kind)
        finding = only(screening, "R15")
        assert finding.outcome is Outcome.FAIL
        assert finding.clause == "2021 pollution-control opinion (七)"
        assert "重点区域严禁新增氧化铝、煤化工产能" in finding.message_zh
        assert finding.values["key_air_area"] is True
        assert screening.verdict is Verdict.NON_COMPLIANT
        # An ordinary FAIL: the planned project is rejected, not deferred.
        assert screening.disposition is Disposition.REJECT


@pytest.mark.parametrize("kind", [ALUMINA, METHANOL])
def test_no_new_capacity_no_finding_opinion_2021_7(p21, kind):
    for capacity in ("0", None):
        assert only(run(p21, KEY_AREA, new_capacity=capacity, **kind), "R15") is None


@pytest.mark.parametrize("kind", [ALUMINA, METHANOL])
def test_outside_key_areas_no_finding_opinion_2021_7(p21, p23, kind):
    for params in (p21, p23):
        assert only(run(params, ELSEWHERE, new_capacity="100", **kind), "R15") is None


@pytest.mark.parametrize("stage", [Stage.UNDER_CONSTRUCTION, Stage.OPERATING])
def test_only_planned_projects_opinion_2021_7(p21, stage):
    assert only(run(p21, KEY_AREA, stage=stage, new_capacity="100", **METHANOL), "R15") is None


def test_other_families_and_sectors_are_left_to_r03_opinion_2021_7(p21):
    """Steel, coking, clinker, glass and aluminium are held by R03's ratios above 1 : 1."""
    assert only(run(p21, KEY_AREA, new_capacity="100"), "R15") is None
    aluminium = {"sector": Sector.NONFERROUS, "product": "电解铝", "unit_energy": "13000"}
    assert only(run(p21, KEY_AREA, new_capacity="100", **aluminium), "R15") is None
    ammonia_chemical = {
        "sector": Sector.CHEMICAL,
        "product": "合成氨 (天然气)",
        "unit_energy": "1000",
    }
    assert only(run(p21, KEY_AREA, new_capacity="100", **ammonia_chemical), "R15") is None
    ammonia_coal = {**ammonia_chemical, "sector": Sector.COAL_CHEMICAL}
    assert (
        only(run(p21, KEY_AREA, new_capacity="100", **ammonia_coal), "R15").outcome is Outcome.FAIL
    )


def test_out_of_scope_projects_are_not_checked_opinion_2021_7(p21):
    assert (
        only(run(p21, KEY_AREA, annual_energy_tce="9999", new_capacity="100", **METHANOL), "R15")
        is None
    )


def test_technical_upgrades_adding_capacity_are_banned_too_opinion_2021_7(p21):
    """(七) bans new capacity whatever the construction type."""
    finding = only(
        run(
            p21,
            KEY_AREA,
            construction_type=ConstructionType.TECH_UPGRADE,
            new_capacity="1",
            **METHANOL,
        ),
        "R15",
    )
    assert finding.outcome is Outcome.FAIL


def test_r15_is_listed_last(p21):
    screening = run(p21, KEY_AREA, new_capacity="100", **METHANOL)
    assert [f.rule for f in screening.findings][-2:] == ["R13", "R15"]


def test_a_rule_set_without_the_ban_parameter_does_not_apply_r15(p21):
    from dataclasses import replace

    params = replace(p21, key_area_capacity_ban=None)
    assert only(screen(project(new_capacity="100", **METHANOL), KEY_AREA, params), "R15") is None
