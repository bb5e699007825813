"""R04 reduction substitution, clause (四)3 (and (四)5): coal substitution and pollutant
reduction, required of every 两高 新建/改建/扩建 project at 拟建 or 在建 (revision 4)."""

from __future__ import annotations

import pytest

from screening.rules.testing import only, run
from screening.rules.types import ConstructionType, Outcome, Sector, Stage


def test_both_carried_out_passes_clause_4_3(p21):
    finding = only(run(p21), "R04")
    assert finding.outcome is Outcome.PASS
    assert finding.clause == "(四)3"


def test_a_no_fails_even_when_the_other_is_blank_clause_4_3(p21):
    finding = only(run(p21, coal_substitution=False, pollutant_reduction=None), "R04")
    assert finding.outcome is Outcome.FAIL
    assert finding.values == {
        "family": "高炉工序",
        "construction_type": "新建",
        "coal_substitution": False,
        "pollutant_reduction": None,
    }


def test_a_blank_needs_info_clause_4_3(p21):
    assert only(run(p21, pollutant_reduction=None), "R04").outcome is Outcome.NEEDS_INFO
    assert only(run(p21, coal_substitution=None), "R04").outcome is Outcome.NEEDS_INFO


@pytest.mark.parametrize(
    "sector, product, unit_energy",
    [
        (Sector.COKING, "焦炭 (顶装焦炉)", "110"),
        (Sector.COAL_CHEMICAL, "煤制甲醇", "1400"),
        (Sector.CHEMICAL, "电石", "805"),
        (Sector.PETROCHEMICAL, "乙烯", "590"),
        (Sector.NONFERROUS, "铜冶炼", "260"),
        (Sector.COAL_POWER, None, None),
        (Sector.STEEL, None, None),
    ],
)
def test_every_two_high_family_is_checked_clause_4_3(p21, p23, sector, product, unit_energy):
    """Revision 4: (四)3 names both for every 两高 project, not only the six (四)5 families."""
    for params in (p21, p23):
        for stage in (Stage.PLANNED, Stage.UNDER_CONSTRUCTION):
            finding = only(
                run(
                    params,
                    sector=sector,
                    product=product,
                    unit_energy=unit_energy,
                    stage=stage,
                    coal_substitution=False,
                ),
                "R04",
            )
            assert finding.outcome is Outcome.FAIL
            assert finding.values["family"] == (product.split(" ")[0] if product else None)


@pytest.mark.parametrize(
    "kind", [ConstructionType.NEW, ConstructionType.REBUILD, ConstructionType.EXPANSION]
)
def test_new_rebuilt_and_expanded_projects_are_checked_clause_4_3(p21, kind):
    assert (
        only(run(p21, construction_type=kind, pollutant_reduction=False), "R04").outcome
        is Outcome.FAIL
    )


def test_technical_upgrades_are_not_checked_clause_4_3(p21):
    assert (
        only(
            run(p21, construction_type=ConstructionType.TECH_UPGRADE, coal_substitution=False),
            "R04",
        )
        is None
    )


def test_operating_projects_are_not_checked(p21):
    assert only(run(p21, stage=Stage.OPERATING, coal_substitution=False), "R04") is None


def test_out_of_scope_projects_are_not_checked(p21):
    assert only(run(p21, annual_energy_tce="9999", coal_substitution=False), "R04") is None
