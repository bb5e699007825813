"""R07 local red warning, clause (四)4: the latest counting barometer month is red."""

from __future__ import annotations

from datetime import date

from screening.rules.testing import context, months, only, run
from screening.rules.types import BarometerMonth, Outcome, Stage, Tier


def test_latest_month_red_fails(p21):
    finding = only(run(p21, context(barometer=months(Tier.GREEN, Tier.RED))), "R07")
    assert finding.outcome is Outcome.FAIL
    assert finding.clause == "(四)4"
    assert finding.values == {"latest_month": "2022-05", "tier": "red"}


def test_red_then_yellow_passes(p21):
    finding = only(run(p21, context(barometer=months(Tier.RED, Tier.YELLOW))), "R07")
    assert finding.outcome is Outcome.PASS
    assert finding.values["tier"] == "yellow"


def test_no_month_or_an_untiered_month_passes(p21):
    assert only(run(p21, context(barometer=())), "R07").outcome is Outcome.PASS
    assert only(run(p21, context(barometer=months(Tier.RED, None))), "R07").outcome is (
        Outcome.PASS
    )


def test_the_month_of_as_of_does_not_count_yet(p21):
    """Month M counts from the 1st of M+1: June 2022 is ignored on 30 June 2022."""
    series = (BarometerMonth(2022, 5, Tier.GREEN), BarometerMonth(2022, 6, Tier.RED))
    ctx = context(as_of=date(2022, 6, 30), barometer=series)
    assert only(run(p21, ctx), "R07").values["latest_month"] == "2022-05"
    assert only(run(p21, context(as_of=date(2022, 7, 1), barometer=series)), "R07").outcome is (
        Outcome.FAIL
    )


def test_only_planned_projects(p21):
    red = context(barometer=months(Tier.RED))
    assert only(run(p21, red, stage=Stage.UNDER_CONSTRUCTION), "R07") is None
