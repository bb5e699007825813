"""The rulebook lists every rule module once, in order, and each module declares what the
rule-set page and the template's instructions show (issue 14: one module per rule)."""

from __future__ import annotations

import importlib
from dataclasses import replace
from pathlib import Path

import pytest

from screening.rules import rulebook
from screening.rules.base import Facts
from screening.rules.engine import screen
from screening.rules.testing import BASE_PROJECT, context

RULE_MODULES = sorted(path.stem for path in Path(rulebook.__file__).parent.glob("r[0-9][0-9]_*.py"))


def test_the_rulebook_lists_r01_to_r15_in_order():
    assert [rule.id for rule in rulebook.RULES] == [f"R{n:02d}" for n in range(1, 16)]
    assert [rule.id for rule in rulebook.OUT_OF_SCOPE_RULES] == ["R02"]  # (十五) out of scope too


@pytest.mark.parametrize("name", RULE_MODULES)
def test_each_rule_module_declares_its_rule_and_is_listed(name, p21, p23):
    module = importlib.import_module(f"screening.rules.{name}")
    assert module.ID == f"R{name[1:3]}"
    rule = rulebook.RULES_BY_ID[module.ID]
    assert (rule.clause, rule.applies, rule.evaluate) == (
        module.CLAUSE,
        module.applies,
        module.evaluate,
    )
    zh, en = rulebook.RULE_TITLES[module.ID]
    assert zh and en and zh != en
    for param_id in rulebook.RULE_PARAMETERS[module.ID]:  # each exists, with its source
        assert p21.source_of(param_id) is not None and p23.source_of(param_id) is not None


def test_every_rule_has_a_module():
    assert len(RULE_MODULES) == len(rulebook.RULES)


def test_only_r14_needs_a_plan_reference_and_rows_naming_none_skip_it(p23):
    """The engine does not ask R14 about the many rows naming no replacement plan (issue 17's
    bench: one call less per row); the findings are those of asking every rule."""
    assert [rule.id for rule in rulebook.RULES if rule.needs_plan_ref] == ["R14"]
    assert rulebook.PLAN_FREE_RULES == tuple(r for r in rulebook.RULES if r.id != "R14")
    ctx = context()
    for ref in (None, ""):
        row = replace(BASE_PROJECT, replacement_plan_ref=ref)
        facts = Facts(row, ctx, p23)
        asked = [f for rule in rulebook.RULES if rule.applies(facts) for f in rule.evaluate(facts)]
        assert list(screen(row, ctx, p23).findings) == asked
