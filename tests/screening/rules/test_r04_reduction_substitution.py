"""R04 reduction substitution, clause (四)5: coal substitution and pollutant reduction."""

from __future__ import annotations

from screening.rules.testing import only, run
from screening.rules.types import Outcome, Sector, Stage


def test_both_carried_out_passes(p21):
    finding = only(run(p21), "R04")
    assert finding.outcome is Outcome.PASS
    assert finding.clause == "(四)5"


def test_a_no_fails_even_when_the_other_is_blank(p21):
    finding = only(run(p21, coal_substitution=False, pollutant_reduction=None), "R04")
    assert finding.outcome is Outcome.FAIL
    assert finding.values == {
        "family": "高炉工序",
        "coal_substitution": False,
        "pollutant_reduction": None,
    }


def test_a_blank_needs_info(p21):
    assert only(run(p21, pollutant_reduction=None), "R04").outcome is Outcome.NEEDS_INFO
    assert only(run(p21, coal_substitution=None), "R04").outcome is Outcome.NEEDS_INFO


def test_coking_is_not_in_the_reduction_families(p21):
    coke = {"sector": Sector.COKING, "product": "焦炭 (顶装焦炉)", "unit_energy": "110"}
    assert only(run(p21, coal_substitution=False, **coke), "R04") is None


def test_operating_projects_are_not_checked(p21):
    assert only(run(p21, stage=Stage.OPERATING, coal_substitution=False), "R04") is None
