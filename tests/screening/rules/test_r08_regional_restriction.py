"""R08 regional restriction, clause (十八): 3 red months running, or last year's targets missed."""

from __future__ import annotations

from screening.rules.testing import context, months, only, run
from screening.rules.types import BarometerMonth, Outcome, Stage, Tier

RED = Tier.RED


def test_three_red_months_at_the_end_restrict_the_region(p21):
    finding = only(run(p21, context(barometer=months(Tier.GREEN, RED, RED, RED))), "R08")
    assert finding.outcome is Outcome.FAIL
    assert finding.clause == "(十八)"
    assert finding.values["red_run_months"] == 3
    assert finding.values["reasons"] == ["regional_restriction"]


def test_two_red_months_only_remind(p21):
    finding = only(run(p21, context(barometer=months(Tier.GREEN, RED, RED))), "R08")
    assert finding.outcome is Outcome.PASS
    assert finding.values["red_run_months"] == 2


def test_a_month_without_tier_breaks_the_run(p21):
    finding = only(run(p21, context(barometer=months(RED, RED, None, RED, RED))), "R08")
    assert finding.outcome is Outcome.PASS
    assert finding.values["red_run_months"] == 2


def test_a_gap_month_missing_from_the_series_breaks_the_run(p21):
    series = (
        BarometerMonth(2022, 1, RED),
        BarometerMonth(2022, 2, RED),
        BarometerMonth(2022, 4, RED),
        BarometerMonth(2022, 5, RED),
    )
    assert only(run(p21, context(barometer=series)), "R08").values["red_run_months"] == 2


def test_a_run_across_the_new_year_counts(p21):
    series = months(RED, RED, RED, last=(2022, 1))
    ctx = context(barometer=series)
    assert only(run(p21, ctx), "R08").outcome is Outcome.FAIL


def test_reds_followed_by_a_green_month_lift_the_restriction(p21):
    ctx = context(barometer=months(RED, RED, RED, RED, Tier.GREEN))
    assert only(run(p21, ctx), "R08").outcome is Outcome.PASS


def test_missed_targets_suspend_approvals_clause_18(p21):
    for missed, reason in (
        ({"missed_dual_control_last_year": True}, "dual_control_missed"),
        ({"missed_pollutant_target_last_year": True}, "pollutant_target_missed"),
    ):
        finding = only(run(p21, context(**missed)), "R08")
        assert finding.outcome is Outcome.FAIL
        assert finding.values["reasons"] == [reason]


def test_livelihood_projects_are_not_exempt_from_the_pollutant_suspension_clause_18(p21, p23):
    """Revision 4, (十八): the livelihood exemption covers the 节能审查 suspension only; a
    missed pollutant-total target suspends EIA approvals of livelihood projects too."""
    for params in (p21, p23):
        finding = only(
            run(params, context(missed_pollutant_target_last_year=True), livelihood=True), "R08"
        )
        assert finding.outcome is Outcome.FAIL
        assert finding.values["reasons"] == ["pollutant_target_missed"]
        assert "环评审批" in finding.message_zh
        both = only(
            run(
                params,
                context(missed_pollutant_target_last_year=True, missed_dual_control_last_year=True),
                livelihood=True,
            ),
            "R08",
        )
        assert both.values["reasons"] == ["pollutant_target_missed"]


def test_livelihood_projects_are_exempt_from_missed_targets(p21):
    finding = only(run(p21, context(missed_dual_control_last_year=True), livelihood=True), "R08")
    assert finding.outcome is Outcome.PASS
    assert finding.values["livelihood"] is True


def test_livelihood_projects_are_not_exempt_from_the_restriction(p21):
    ctx = context(barometer=months(RED, RED, RED), missed_pollutant_target_last_year=True)
    finding = only(run(p21, ctx, livelihood=True), "R08")
    assert finding.outcome is Outcome.FAIL
    assert finding.values["reasons"] == ["regional_restriction", "pollutant_target_missed"]


def test_both_reasons_in_one_finding(p21):
    ctx = context(barometer=months(RED, RED, RED), missed_dual_control_last_year=True)
    assert only(run(p21, ctx), "R08").values["reasons"] == [
        "regional_restriction",
        "dual_control_missed",
    ]


def test_only_planned_projects(p21):
    ctx = context(barometer=months(RED, RED, RED))
    assert only(run(p21, ctx, stage=Stage.OPERATING), "R08") is None
