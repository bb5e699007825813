"""R14 置换来源核验, clause (四)2, (十一) (issue 17): a ledger row naming a registered plan is
checked against the registry, at each boundary. The compliant planned steel project (高炉工序,
100 万吨/年 new, outside key areas: ≥ 1.25 : 1, so 125 must be drawn) names plan
豫工信产业〔2021〕1号; as_of is 2022-06-30."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from types import MappingProxyType

import pytest

from screening.rules.engine import screen
from screening.rules.r14_replacement_sources import plan_key
from screening.rules.testing import BASE_PROJECT, context, load, only, project
from screening.rules.types import Disposition, Outcome, PlanFacts, SourceDrawFacts, Verdict

D = Decimal
AS_OF = date(2022, 6, 30)


@pytest.fixture(scope="module")
def params():
    return load("henan-2021")


def source(**changes) -> SourceDrawFacts:
    values = dict(
        source_number="TC000001",
        enterprise="某钢铁有限公司",
        equipment="1号450m³高炉",
        region="410500",
        family="高炉工序",
        capacity=D("200"),
        capacity_unit="万吨/年",
        drawn_total=D("125"),
        amount=D("125"),
        shutdown_date=date(2020, 12, 31),
        dismantled_date=date(2021, 3, 31),
        ineligibility=frozenset(),
    )
    values.update(changes)
    return SourceDrawFacts(**values)


def plan(*draws: SourceDrawFacts, **changes) -> PlanFacts:
    values = dict(
        ref=BASE_PROJECT.replacement_plan_ref,
        withdrawn=False,
        region="410500",
        family="高炉工序",
        new_capacity=D("100"),
        capacity_unit="万吨/年",
        draws=draws or (source(),),
    )
    values.update(changes)
    return PlanFacts(**values)


def r14(params, registered: PlanFacts | None = None, key_air_area: bool = False, **changes):
    plans = {} if registered is None else {plan_key(registered.ref): registered}
    ctx = context(replacement_plans=MappingProxyType(plans), key_air_area=key_air_area)
    screening = screen(project(**changes), ctx, params)
    return screening, only(screening, "R14")


def test_no_registered_plan_means_no_finding_and_an_unchanged_screening(params):
    """(四)2: R14 does not apply when no registered plan matches; the screening is the same."""
    before = screen(project(), context(), params)
    screening, finding = r14(params, plan(ref="豫工信产业〔2021〕999号"))
    assert finding is None
    assert screening == before
    assert r14(params, plan(), replacement_plan_ref=None)[1] is None


def test_exactly_the_ratio_passes_with_sources_and_amounts(params):
    """(四)2: 125 drawn for 100 new at ≥ 1.25 : 1 is enough."""
    _, finding = r14(params, plan())
    assert finding.outcome is Outcome.PASS
    assert finding.clause == "(四)2, (十一)"
    assert finding.values["drawn_capacity"] == 125
    assert finding.values["required_capacity"] == 125
    assert finding.values["sources"][0]["source"] == "TC000001"
    assert "TC000001" in finding.message_zh and "125" in finding.message_zh
    assert "TC000001" in finding.message_en


def test_one_unit_short_of_the_ratio_fails(params):
    """(四)2: 124.9 drawn for 100 new at ≥ 1.25 : 1 fails, even if the ledger says 150."""
    screening, finding = r14(params, plan(source(amount=D("124.9"), drawn_total=D("124.9"))))
    assert finding.outcome is Outcome.FAIL
    assert finding.values["problems"] == ["ratio_not_met"]
    assert only(screening, "R03").outcome is Outcome.PASS  # the ledger's figures alone pass
    assert screening.verdict is Verdict.NON_COMPLIANT
    assert screening.disposition is Disposition.REJECT


def test_the_key_area_ratio_applies_in_a_key_area(params):
    """(四)2: in a key air-pollution area 1.5 : 1, so 125 is short of 150."""
    _, finding = r14(params, plan(), key_air_area=True, replaced_capacity="150")
    assert finding.outcome is Outcome.FAIL
    assert finding.values["required_capacity"] == 150


def test_a_project_building_more_than_the_plan_counts_its_own_capacity(params):
    """(四)2: the row's larger new capacity is what must be replaced."""
    _, finding = r14(params, plan(), new_capacity="101", replaced_capacity="200")
    assert finding.outcome is Outcome.FAIL
    assert finding.values["capacity_built"] == 101


def test_an_over_drawn_source_fails(params):
    """(四)2: a source drawn beyond its capacity by all plans together (一女多嫁)."""
    _, finding = r14(params, plan(source(capacity=D("200"), drawn_total=D("200.0001"))))
    assert finding.outcome is Outcome.FAIL
    assert finding.values["problems"] == ["source_over_drawn"]
    assert (
        r14(params, plan(source(capacity=D("200"), drawn_total=D("200"))))[1].outcome
        is Outcome.PASS
    )


@pytest.mark.parametrize("flag", ["subsidised", "mandatory_elimination"])
def test_an_ineligible_source_fails_under_the_rule_set(params, flag):
    """(四)2 with the rule-set parameter replacement_source_ineligible."""
    _, finding = r14(params, plan(source(ineligibility=frozenset({flag}))))
    assert finding.outcome is Outcome.FAIL
    assert finding.values["problems"] == ["source_ineligible"]
    lenient = replace(params, replacement_source_ineligible=frozenset())
    assert r14(lenient, plan(source(ineligibility=frozenset({flag}))))[1].outcome is Outcome.PASS


def test_a_source_of_another_family_fails(params):
    """(四)2: 水泥熟料 capacity cannot replace a blast furnace."""
    _, finding = r14(params, plan(source(family="水泥熟料")))
    assert finding.outcome is Outcome.FAIL
    assert "source_other_family" in finding.values["problems"]


def test_a_plan_of_another_family_than_the_project_fails(params):
    _, finding = r14(params, plan(family="转炉工序", draws=(source(family="转炉工序"),)))
    assert finding.outcome is Outcome.FAIL
    assert "project_other_family" in finding.values["problems"]


def test_a_source_shut_down_after_as_of_fails_on_the_day_it_passes(params):
    """(四)2: shut down by as_of: the day itself is in time, the day after is not."""
    _, on_the_day = r14(params, plan(source(shutdown_date=AS_OF, dismantled_date=AS_OF)))
    assert on_the_day.outcome is Outcome.PASS
    _, late = r14(params, plan(source(shutdown_date=date(2022, 7, 1), dismantled_date=None)))
    assert late.outcome is Outcome.FAIL
    assert late.values["problems"] == ["source_not_shut_down"]
    _, never = r14(params, plan(source(shutdown_date=None, dismantled_date=None)))
    assert never.outcome is Outcome.FAIL


def test_a_source_not_yet_dismantled_warns(params):
    """(十一): shut down but not dismantled by as_of is an alert, not a breach."""
    screening, finding = r14(params, plan(source(dismantled_date=date(2022, 7, 1))))
    assert finding.outcome is Outcome.WARN
    assert finding.values["warnings"] == ["source_not_dismantled"]
    assert "TC000001" in finding.message_zh
    assert screening.verdict is Verdict.COMPLIANT


def test_a_withdrawn_plan_fails(params):
    """(四)2: a project naming a withdrawn plan has no replacement behind it."""
    _, finding = r14(params, plan(withdrawn=True, draws=()))
    assert finding.outcome is Outcome.FAIL
    assert finding.values["problems"] == ["plan_withdrawn", "ratio_not_met"]


def test_the_reference_matches_ignoring_width_and_white_space(params):
    _, finding = r14(params, plan(), replacement_plan_ref=" 豫工信产业〔２０２１〕 1号")
    assert finding is not None and finding.outcome is Outcome.PASS


def test_a_project_out_of_scope_gets_no_r14(params):
    _, finding = r14(params, plan(), annual_energy_tce="9999")
    assert finding is None
