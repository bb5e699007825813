"""R06 air quality, clause (四)1: new, rebuilt and expanded projects in non-attainment areas."""

from __future__ import annotations

from screening.rules.testing import context, only, run
from screening.rules.types import ConstructionType, Outcome, Stage

NON_ATTAINMENT = context(non_attainment=True)


def test_pollutant_control_yes_no_blank(p21):
    assert only(run(p21, NON_ATTAINMENT), "R06").outcome is Outcome.PASS
    assert only(run(p21, NON_ATTAINMENT, pollutant_control=False), "R06").outcome is Outcome.FAIL
    blank = only(run(p21, NON_ATTAINMENT, pollutant_control=None), "R06")
    assert blank.outcome is Outcome.NEEDS_INFO
    assert blank.clause == "(四)1"


def test_rebuild_and_expansion_are_checked_but_not_technical_upgrades(p21):
    for kind in (ConstructionType.REBUILD, ConstructionType.EXPANSION):
        screening = run(p21, NON_ATTAINMENT, construction_type=kind, pollutant_control=False)
        assert only(screening, "R06").outcome is Outcome.FAIL
    upgrade = run(
        p21,
        NON_ATTAINMENT,
        construction_type=ConstructionType.TECH_UPGRADE,
        pollutant_control=False,
    )
    assert only(upgrade, "R06") is None


def test_not_applicable_in_an_attainment_region_or_when_operating(p21):
    assert only(run(p21, context(non_attainment=False), pollutant_control=False), "R06") is None
    operating = run(p21, NON_ATTAINMENT, stage=Stage.OPERATING, pollutant_control=False)
    assert only(operating, "R06") is None
