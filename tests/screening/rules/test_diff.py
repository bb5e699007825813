"""What-if re-screening: what changes between two rule sets for one project."""

from __future__ import annotations

from screening.rules.diff import diff_screenings
from screening.rules.testing import run
from screening.rules.types import Disposition, Outcome, Sector, Verdict

REFINERY = {
    "sector": Sector.PETROCHEMICAL,
    "product": "炼油",
    "unit_energy": "7.5",
    "new_capacity": "1000",
    "replaced_capacity": "1000",
}


def test_refining_1_to_1_turns_non_compliant_under_2023(p21, p23):
    diff = diff_screenings(run(p21, **REFINERY), run(p23, **REFINERY))
    assert (diff.before_rule_set, diff.after_rule_set) == ("henan-2021", "henan-2023")
    assert diff.verdict_changed and diff.disposition_changed and diff.changed
    assert (diff.verdict_before, diff.verdict_after) == (
        Verdict.COMPLIANT,
        Verdict.NON_COMPLIANT,
    )
    assert (diff.disposition_before, diff.disposition_after) == (
        Disposition.PROCEED,
        Disposition.REJECT,
    )
    [change] = diff.outcome_changes
    assert (change.rule, change.before, change.after) == ("R03", Outcome.PASS, Outcome.FAIL)


def test_a_ratio_still_met_is_a_value_change_only(p21, p23):
    enough = {**REFINERY, "replaced_capacity": "2000"}
    diff = diff_screenings(run(p21, **enough), run(p23, **enough))
    assert not diff.changed
    assert diff.values_changed == ("R03",)


def test_a_rule_that_stops_applying_is_listed(p21):
    diff = diff_screenings(run(p21), run(p21, annual_energy_tce="9000"))
    keys = [(c.key, c.before, c.after) for c in diff.outcome_changes]
    assert ("R01", Outcome.INFO, None) in keys
    assert ("R02/key_energy_user", Outcome.INFO, Outcome.INFO) not in keys
    assert diff.in_scope_before and not diff.in_scope_after
    assert [c.rule for c in diff.outcome_changes] == sorted(c.rule for c in diff.outcome_changes)


def test_identical_screenings_have_no_changes(p21):
    diff = diff_screenings(run(p21), run(p21))
    assert not diff.changed and diff.outcome_changes == () and diff.values_changed == ()
