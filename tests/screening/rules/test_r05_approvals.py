"""R05 approvals, clauses (四)3, (七), (九): one finding naming every problem."""

from __future__ import annotations

from datetime import date

from screening.rules.testing import only, run
from screening.rules.types import Outcome, Stage

BUILDING = {"stage": Stage.UNDER_CONSTRUCTION}


def test_complete_approvals_before_start_pass_clause_qi(p21):
    finding = only(run(p21, **BUILDING), "R05")
    assert finding.outcome is Outcome.PASS
    assert finding.clause == "(四)3, (七)"


def test_operating_projects_cite_clause_jiu(p21):
    assert only(run(p21, stage=Stage.OPERATING), "R05").clause == "(四)3, (九)"


def test_approvals_on_the_start_day_are_in_time(p21):
    same_day = date(2021, 4, 1)
    screening = run(p21, energy_review_date=same_day, eia_date=same_day, **BUILDING)
    assert only(screening, "R05").outcome is Outcome.PASS


def test_missing_energy_review_and_eia_are_both_named(p21):
    finding = only(run(p21, energy_review_ref=None, eia_ref=None, **BUILDING), "R05")
    assert finding.outcome is Outcome.FAIL
    assert finding.values["problems"] == ["no_energy_review", "no_eia"]
    assert "无节能审查" in finding.message_zh and "无环评" in finding.message_zh


def test_approvals_dated_after_start_fail(p21):
    late = date(2021, 4, 2)
    finding = only(run(p21, energy_review_date=late, eia_date=late, **BUILDING), "R05")
    assert finding.values["problems"] == ["energy_review_after_start", "eia_after_start"]
    assert "2021-04-02" in finding.message_zh and "2021-04-01" in finding.message_en


def test_without_a_start_date_only_the_references_are_checked(p21):
    screening = run(p21, start_date=None, eia_date=date(2030, 1, 1), **BUILDING)
    assert only(screening, "R05").outcome is Outcome.PASS


def test_planned_projects_are_not_checked(p21):
    assert only(run(p21, eia_ref=None), "R05") is None
