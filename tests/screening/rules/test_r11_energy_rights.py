"""R11 energy-use rights, clause (十五): new energy must be bought in full."""

from __future__ import annotations

from screening.rules.testing import only, run
from screening.rules.types import ConstructionType, Outcome, Stage


def test_rights_exactly_covering_new_energy_pass(p21):
    finding = only(run(p21, new_energy_tce="8000", energy_rights_tce="8000"), "R11")
    assert finding.outcome is Outcome.PASS
    assert finding.clause == "(十五)"
    assert finding.values == {
        "needed_tce": 8000,
        "needed_from": "new_energy_tce",
        "energy_rights_tce": 8000,
    }


def test_rights_just_short_fail(p21):
    finding = only(run(p21, new_energy_tce="8000", energy_rights_tce="7999.99"), "R11")
    assert finding.outcome is Outcome.FAIL
    assert "7,999.99" in finding.message_zh


def test_blank_rights_count_as_zero(p21):
    assert only(run(p21, energy_rights_tce=None), "R11").outcome is Outcome.FAIL
    zero_needed = only(run(p21, new_energy_tce="0", energy_rights_tce=None), "R11")
    assert zero_needed.outcome is Outcome.PASS


def test_a_new_build_without_new_energy_needs_its_whole_consumption(p21):
    finding = only(run(p21, new_energy_tce=None, energy_rights_tce="19999"), "R11")
    assert finding.outcome is Outcome.FAIL
    assert finding.values["needed_from"] == "annual_energy_tce"
    assert finding.values["needed_tce"] == 20000


def test_an_expansion_without_new_energy_needs_info(p21):
    kind = ConstructionType.EXPANSION
    finding = only(run(p21, construction_type=kind, new_energy_tce=None), "R11")
    assert finding.outcome is Outcome.NEEDS_INFO


def test_only_planned_projects(p21):
    assert only(run(p21, stage=Stage.UNDER_CONSTRUCTION, energy_rights_tce=None), "R11") is None
