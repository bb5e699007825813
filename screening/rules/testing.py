"""Builders for tests and benches: a compliant planned steel project, its context, helpers.

Each test changes only what its boundary is about, so a failure points at one rule. Lives in
the package (not under tests/) so tests, benches and the Django side can all import it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

from screening.rules.engine import screen
from screening.rules.params import RuleParameters, load_rule_set_file
from screening.rules.types import (
    BarometerMonth,
    ConstructionType,
    Finding,
    ProjectInput,
    Screening,
    ScreeningContext,
    Sector,
    Stage,
    TechClass,
    Tier,
)

RULE_SETS = Path(__file__).resolve().parents[2] / "fixtures" / "rule_sets"
D = Decimal


def load(name: str) -> RuleParameters:
    return load_rule_set_file(str(RULE_SETS / f"{name}.json"))


BASE_PROJECT = ProjectInput(
    project_code="2104-410100-04-01-123456",
    name="某钢铁公司炼铁项目",
    enterprise="某钢铁有限公司",
    uscc="91110000600037341L",
    region="410500",
    sector=Sector.STEEL,
    product="高炉工序",
    construction_type=ConstructionType.NEW,
    stage=Stage.PLANNED,
    annual_energy_tce=D("20000"),
    new_energy_tce=D("20000"),
    coal_tonnes=D("15000"),
    new_capacity=D("100"),
    capacity_unit="万吨/年",
    replaced_capacity=D("150"),
    replacement_plan_ref="豫工信产业〔2021〕1号",
    unit_energy=D("361"),
    unit_energy_unit="kgce/t",
    tech_class=TechClass.PERMITTED,
    energy_review_ref="豫发改环资〔2021〕1号",
    energy_review_date=date(2021, 3, 1),
    eia_ref="豫环审〔2021〕1号",
    eia_date=date(2021, 3, 10),
    approval_ref="2104-410500-04-01-123456",
    policy_fit=True,
    pollutant_control=True,
    coal_substitution=True,
    pollutant_reduction=True,
    energy_rights_tce=D("20000"),
    livelihood=False,
    last_energy_diagnosis=date(2021, 1, 1),
    last_cleaner_production=date(2021, 1, 1),
    start_date=date(2021, 4, 1),
)
BASE_CONTEXT = ScreeningContext(as_of=date(2022, 6, 30), key_air_area=False, non_attainment=True)


def project(**changes) -> ProjectInput:
    """The compliant planned steel project with `changes` (Decimals may be given as text)."""
    for key, value in changes.items():
        if isinstance(value, str | int) and not isinstance(value, bool):
            if key.endswith(("_tce", "_capacity", "unit_energy", "investment", "coal_tonnes")):
                changes[key] = D(str(value))
    return replace(BASE_PROJECT, **changes)


def context(**changes) -> ScreeningContext:
    return replace(BASE_CONTEXT, **changes)


def months(*tiers: Tier | None, last: tuple[int, int] = (2022, 5)) -> tuple[BarometerMonth, ...]:
    """Consecutive months ending at `last` (oldest first) with the given tiers."""
    year, month = last
    out = []
    for tier in reversed(tiers):
        out.append(BarometerMonth(year, month, tier))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return tuple(reversed(out))


def run(params: RuleParameters, ctx: ScreeningContext | None = None, **changes) -> Screening:
    return screen(project(**changes), ctx or BASE_CONTEXT, params)


def findings_of(screening: Screening, rule: str) -> list[Finding]:
    return [f for f in screening.findings if f.rule == rule]


def only(screening: Screening, rule: str) -> Finding | None:
    """The single finding of `rule`, or None when the rule did not apply (NA is omitted)."""
    found = findings_of(screening, rule)
    assert len(found) <= 1, found
    return found[0] if found else None
