"""Verdict and recommended disposition (处置建议) follow from the findings (SPEC §4 tables)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screening.rules import screen
from screening.rules.rulebook import RULES
from screening.rules.testing import context, load, months, run
from screening.rules.types import (
    BarometerMonth,
    ConstructionType,
    Disposition,
    Outcome,
    ProjectInput,
    Screening,
    ScreeningContext,
    Sector,
    Stage,
    TechClass,
    Tier,
    Verdict,
)

BUILDING, OPERATING = Stage.UNDER_CONSTRUCTION, Stage.OPERATING
RED = Tier.RED


# -- one example per disposition ----------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "ctx", "expected"),
    [
        ({"stage": OPERATING, "tech_class": TechClass.ELIMINATED}, None, Disposition.CLOSE),
        ({"stage": BUILDING, "eia_ref": None}, None, Disposition.STOP_AND_INVESTIGATE),
        (
            {"stage": BUILDING, "eia_date": date(2021, 5, 1)},
            None,
            Disposition.STOP_AND_INVESTIGATE,
        ),
        (
            {"stage": BUILDING, "eia_ref": None, "unit_energy": Decimal(500)},
            None,
            Disposition.STOP_AND_INVESTIGATE,
        ),
        ({"stage": BUILDING, "energy_review_ref": None}, None, Disposition.STOP_AND_RECTIFY),
        ({"stage": BUILDING, "unit_energy": Decimal(500)}, None, Disposition.STOP_AND_RECTIFY),
        ({"stage": OPERATING, "eia_ref": None}, None, Disposition.SUSPEND_PRODUCTION),
        ({"stage": OPERATING, "policy_fit": False}, None, Disposition.SUSPEND_PRODUCTION),
        (
            {
                "stage": OPERATING,
                "tech_class": TechClass.RESTRICTED,
                "construction_type": ConstructionType.TECH_UPGRADE,
                "new_energy_tce": Decimal(1),
            },
            None,
            Disposition.SUSPEND_PRODUCTION,
        ),
        ({"stage": OPERATING, "unit_energy": Decimal(500)}, None, Disposition.RECTIFY),
        ({"energy_rights_tce": None}, None, Disposition.REJECT),
        ({"energy_rights_tce": None}, context(barometer=months(RED)), Disposition.REJECT),
        ({}, context(barometer=months(RED)), Disposition.DEFER),
        ({}, context(missed_dual_control_last_year=True), Disposition.DEFER),
        ({}, context(barometer=months(RED, RED, RED)), Disposition.DEFER),
        ({"unit_energy": None}, None, Disposition.REQUEST_INFO),
        ({}, None, Disposition.PROCEED),
        ({"stage": OPERATING, "last_energy_diagnosis": None}, None, Disposition.PROCEED),
        ({"annual_energy_tce": Decimal("9999.99")}, None, Disposition.NONE),
    ],
)
def test_each_disposition(p21, changes, ctx, expected):
    assert run(p21, ctx, **changes).disposition is expected


def test_verdicts(p21):
    assert run(p21).verdict is Verdict.COMPLIANT
    assert run(p21, unit_energy=None).verdict is Verdict.INCOMPLETE
    assert run(p21, unit_energy=None, policy_fit=False).verdict is Verdict.NON_COMPLIANT
    assert run(p21, annual_energy_tce="100").verdict is Verdict.NOT_IN_SCOPE


# -- properties over random projects ------------------------------------------------------

PARAMS = load("henan-2021")
PARAMS_2023 = load("henan-2023")
SEVERITY = [
    Disposition.CLOSE,
    Disposition.STOP_AND_INVESTIGATE,
    Disposition.STOP_AND_RECTIFY,
    Disposition.SUSPEND_PRODUCTION,
    Disposition.RECTIFY,
    Disposition.REJECT,
    Disposition.DEFER,
    Disposition.REQUEST_INFO,
    Disposition.PROCEED,
]
RULE_ORDER = [rule.id for rule in RULES]  # R01 … R15, as the rulebook lists them

boundary = st.sampled_from(["0", "0.01", "4999.99", "5000", "9999.99", "10000", "10000.01"])
amount = st.one_of(
    boundary.map(Decimal),
    st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False),
)
maybe = st.none().__or__
dates = st.dates(min_value=date(2015, 1, 1), max_value=date(2025, 12, 31))
products = st.sampled_from([None, *PARAMS.products, "焦炭（捣固焦炉）", "海绵铁"])


@st.composite
def projects(draw) -> ProjectInput:
    product = draw(products)
    spec = PARAMS.product(product)
    if spec is not None and draw(st.booleans()):
        # Land on and around the two levels often.
        unit_energy = draw(st.sampled_from([spec.benchmark, spec.baseline])) + draw(
            st.sampled_from([Decimal("-0.01"), Decimal(0), Decimal("0.01")])
        )
    else:
        unit_energy = draw(maybe(st.decimals(-100, 20000, places=2, allow_nan=False)))
    return ProjectInput(
        project_code="2104-410100-04-01-000001",
        name="p",
        enterprise="e",
        uscc="91110000600037341L",
        region="410100",
        sector=draw(st.sampled_from(list(Sector))),
        product=product,
        construction_type=draw(st.sampled_from(list(ConstructionType))),
        stage=draw(st.sampled_from(list(Stage))),
        annual_energy_tce=draw(amount),
        new_energy_tce=draw(maybe(amount)),
        new_capacity=draw(maybe(amount)),
        capacity_unit=draw(maybe(st.just("万吨/年"))),
        replaced_capacity=draw(maybe(amount)),
        replacement_plan_ref=draw(maybe(st.just("豫工信〔2021〕1号"))),
        unit_energy=unit_energy,
        tech_class=draw(st.sampled_from(list(TechClass))),
        energy_review_ref=draw(maybe(st.just("豫发改〔2021〕1号"))),
        energy_review_date=draw(maybe(dates)),
        eia_ref=draw(maybe(st.just("豫环审〔2021〕1号"))),
        eia_date=draw(maybe(dates)),
        policy_fit=draw(st.booleans()),
        pollutant_control=draw(maybe(st.booleans())),
        coal_substitution=draw(maybe(st.booleans())),
        pollutant_reduction=draw(maybe(st.booleans())),
        energy_rights_tce=draw(maybe(amount)),
        livelihood=draw(st.booleans()),
        last_energy_diagnosis=draw(maybe(dates)),
        last_cleaner_production=draw(maybe(dates)),
        start_date=draw(maybe(dates)),
    )


@st.composite
def contexts(draw) -> ScreeningContext:
    as_of = draw(st.dates(min_value=date(2021, 11, 15), max_value=date(2025, 12, 31)))
    series = []
    year, month = as_of.year, as_of.month
    for _ in range(draw(st.integers(0, 6))):
        step = draw(st.sampled_from([1, 1, 1, 2]))  # sometimes skip a calendar month
        for _ in range(step):
            year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        series.append(
            BarometerMonth(
                year, month, draw(st.sampled_from([RED, RED, Tier.YELLOW, Tier.GREEN, None]))
            )
        )
    return ScreeningContext(
        as_of=as_of,
        key_air_area=draw(st.booleans()),
        non_attainment=draw(st.booleans()),
        barometer=tuple(reversed(series)),
        missed_dual_control_last_year=draw(st.booleans()),
        missed_pollutant_target_last_year=draw(st.booleans()),
    )


def expected_verdict(screening: Screening) -> Verdict:
    outcomes = [f.outcome for f in screening.findings]
    if not screening.in_scope:
        return Verdict.NOT_IN_SCOPE
    if Outcome.FAIL in outcomes:
        return Verdict.NON_COMPLIANT
    if Outcome.NEEDS_INFO in outcomes:
        return Verdict.INCOMPLETE
    return Verdict.COMPLIANT


def expected_disposition(project: ProjectInput, screening: Screening) -> Disposition:
    """SPEC §4's disposition table read literally: every row that applies, most severe wins."""
    if screening.verdict is Verdict.NOT_IN_SCOPE:
        return Disposition.NONE
    failed = [f for f in screening.findings if f.outcome is Outcome.FAIL]
    failed_rules = {f.rule for f in failed}
    investigate = [
        f
        for f in failed
        if f.rule == "R05" and {"no_eia", "eia_after_start"} & set(f.values["problems"])
    ]
    stage = project.stage
    applies = set()
    if project.tech_class is TechClass.ELIMINATED and stage is Stage.OPERATING:
        applies.add(Disposition.CLOSE)
    if stage is Stage.UNDER_CONSTRUCTION and investigate:
        applies.add(Disposition.STOP_AND_INVESTIGATE)
    if stage is Stage.UNDER_CONSTRUCTION and [f for f in failed if f not in investigate]:
        applies.add(Disposition.STOP_AND_RECTIFY)
    if stage is Stage.OPERATING and failed_rules & {"R05", "R09", "R13"}:
        applies.add(Disposition.SUSPEND_PRODUCTION)
    if stage is Stage.OPERATING and failed_rules - {"R05", "R09", "R13"}:
        applies.add(Disposition.RECTIFY)
    if stage is Stage.PLANNED and failed_rules - {"R07", "R08"}:
        applies.add(Disposition.REJECT)
    if stage is Stage.PLANNED and failed_rules and failed_rules <= {"R07", "R08"}:
        applies.add(Disposition.DEFER)
    if screening.verdict is Verdict.INCOMPLETE:
        applies.add(Disposition.REQUEST_INFO)
    if screening.verdict is Verdict.COMPLIANT:
        applies.add(Disposition.PROCEED)
    return min(applies, key=SEVERITY.index)


def _json_ready(value) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and _json_ready(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_json_ready(v) for v in value)
    return value is None or type(value) in (bool, int, float, str)


@settings(max_examples=400, deadline=None)
@given(projects(), contexts(), st.sampled_from([PARAMS, PARAMS_2023]))
def test_verdict_and_disposition_follow_from_the_findings(project, ctx, params):
    screening = screen(project, ctx, params)
    assert screening.verdict is expected_verdict(screening)
    assert screening.disposition is expected_disposition(project, screening)


@settings(max_examples=300, deadline=None)
@given(projects(), contexts())
def test_findings_are_in_rule_order_json_ready_and_explained(project, ctx):
    screening = screen(project, ctx, PARAMS)
    rules = [f.rule for f in screening.findings]
    assert rules == sorted(rules, key=RULE_ORDER.index)
    assert all(rules.count(rule) == 1 for rule in set(rules) - {"R02"})
    assert rules.count("R02") <= 2
    for finding in screening.findings:
        assert finding.outcome is not Outcome.NA  # NA findings are left out
        assert finding.clause and finding.message_zh and finding.message_en
        assert _json_ready(finding.values), finding.values
        json.dumps(finding.values, ensure_ascii=False)
    if not screening.in_scope:
        assert set(rules) <= {"R02"}
    else:
        assert rules[0] == "R01"
        assert {"R09", "R13"} <= set(rules)
