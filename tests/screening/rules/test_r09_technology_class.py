"""R09 technology class, clause (十一): eliminated and restricted technology."""

from __future__ import annotations

import pytest

from screening.rules.testing import only, run
from screening.rules.types import ConstructionType, Outcome, Stage, TechClass

UPGRADE = {"tech_class": TechClass.RESTRICTED, "construction_type": ConstructionType.TECH_UPGRADE}


@pytest.mark.parametrize("stage", list(Stage))
def test_eliminated_technology_fails_at_every_stage(p21, stage):
    finding = only(run(p21, stage=stage, tech_class=TechClass.ELIMINATED), "R09")
    assert finding.outcome is Outcome.FAIL
    assert finding.clause == "(十一)"


def test_restricted_technology_in_a_planned_new_build_fails(p21):
    assert only(run(p21, tech_class=TechClass.RESTRICTED), "R09").outcome is Outcome.FAIL


@pytest.mark.parametrize("stage", [Stage.UNDER_CONSTRUCTION, Stage.OPERATING])
def test_restricted_technology_beyond_planning_passes_r09(p21, stage):
    assert only(run(p21, stage=stage, tech_class=TechClass.RESTRICTED), "R09").outcome is (
        Outcome.PASS
    )


def test_a_restricted_upgrade_may_only_lower_energy_use(p21):
    adds = only(run(p21, new_energy_tce="0.01", **UPGRADE), "R09")
    assert adds.outcome is Outcome.FAIL
    assert adds.values["new_energy_tce"] == 0.01
    assert only(run(p21, new_energy_tce="0", **UPGRADE), "R09").outcome is Outcome.PASS
    assert only(run(p21, new_energy_tce=None, **UPGRADE), "R09").outcome is Outcome.NEEDS_INFO


def test_the_upgrade_rule_applies_at_every_stage(p21):
    screening = run(p21, stage=Stage.OPERATING, new_energy_tce="5", **UPGRADE)
    assert only(screening, "R09").outcome is Outcome.FAIL


@pytest.mark.parametrize("tech", [TechClass.ENCOURAGED, TechClass.PERMITTED])
def test_encouraged_and_permitted_pass(p21, tech):
    assert only(run(p21, tech_class=tech), "R09").outcome is Outcome.PASS
