"""R13 policy fit, clauses (四)3, (五), (十二)."""

from __future__ import annotations

from screening.rules.testing import only, run
from screening.rules.types import Outcome


def test_policy_fit_passes_and_misfit_fails(p21):
    assert only(run(p21), "R13").outcome is Outcome.PASS
    finding = only(run(p21, policy_fit=False), "R13")
    assert finding.outcome is Outcome.FAIL
    assert finding.clause == "(四)3, (五), (十二)"
    assert finding.values == {"policy_fit": False}
