"""Screening stored and uploaded rows reads the registry in bulk: R14 appears for rows naming a
registered plan, and the number of queries does not grow with the rows (issue 17). The rows
are in 安阳, a key air-pollution area on the date (1.5 : 1, so 150 for 100 new)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from screening.registry import services
from screening.rules.testing import BASE_PROJECT
from screening.rules.types import Outcome
from screening.screen import screen_inputs
from tests.screening.registry.helpers import make_plan, make_source

pytestmark = pytest.mark.django_db
D = Decimal


def _queries(rows) -> tuple[int, list]:
    with CaptureQueriesContext(connection) as captured:
        _rule_set, screenings = screen_inputs(rows, date(2022, 6, 30))
    return len(captured.captured_queries), screenings


def test_r14_comes_from_the_registry_with_a_fixed_number_of_queries(provincial_reviewer):
    source = make_source(provincial_reviewer, "410500", capacity=D("300"))
    plan = make_plan(provincial_reviewer, "410500")
    services.draw(plan, source, D("150"), user=provincial_reviewer)
    row = replace(BASE_PROJECT, replacement_plan_ref=plan.ref)
    few, (screening,) = _queries([row])
    (r14,) = [f for f in screening.findings if f.rule == "R14"]
    assert r14.outcome is Outcome.PASS
    assert r14.values["sources"][0]["source"] == source.number
    many, screenings = _queries(
        [replace(row, project_code=f"2104-410100-04-01-{i:06d}") for i in range(200)]
    )
    assert many == few
    assert all(any(f.rule == "R14" for f in s.findings) for s in screenings)


def test_rows_naming_no_registered_plan_do_not_read_the_registry(provincial_reviewer):
    """(四)2, R14: a row naming no plan reads nothing of the registry; one naming only an
    unregistered plan reads the registered references alone (issue 17: the no-match path is
    nearly free); only a registered one reads the plans and their draws."""
    plan = make_plan(provincial_reviewer, "410500")
    none, (blank,) = _queries([replace(BASE_PROJECT, replacement_plan_ref=None)])
    unregistered, (other,) = _queries(
        [replace(BASE_PROJECT, replacement_plan_ref="豫工信产业〔1999〕99号")]
    )
    registered, _ = _queries([replace(BASE_PROJECT, replacement_plan_ref=plan.ref)])
    assert unregistered == none + 1  # the registered references
    assert registered == unregistered + 3  # live draws, their sources, plans
    assert not [f for f in blank.findings + other.findings if f.rule == "R14"]


def test_withdrawing_the_plan_makes_r14_fail(provincial_reviewer):
    source = make_source(provincial_reviewer, "410500", capacity=D("300"))
    plan = make_plan(provincial_reviewer, "410500")
    services.draw(plan, source, D("150"), user=provincial_reviewer)
    services.withdraw_plan(plan, user=provincial_reviewer, reason="撤回")
    _, (screening,) = _queries([replace(BASE_PROJECT, replacement_plan_ref=plan.ref)])
    (r14,) = [f for f in screening.findings if f.rule == "R14"]
    assert r14.outcome is Outcome.FAIL and "plan_withdrawn" in r14.values["problems"]
