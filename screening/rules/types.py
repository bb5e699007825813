"""Plain data that goes into and comes out of the screening engine.

No Django here: the engine is a pure function of these values, so it can be tested at
its boundaries, run on 100,000 rows a second's fraction each, and re-run under another
rule set.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import NamedTuple


class Sector(enum.StrEnum):
    COAL_POWER = "煤电"
    PETROCHEMICAL = "石化"
    CHEMICAL = "化工"
    COAL_CHEMICAL = "煤化工"
    STEEL = "钢铁"
    COKING = "焦化"
    BUILDING_MATERIALS = "建材"
    NONFERROUS = "有色"
    DATA_CENTER = "数据中心"
    OTHER = "其他"


class ConstructionType(enum.StrEnum):
    NEW = "新建"
    REBUILD = "改建"
    EXPANSION = "扩建"
    TECH_UPGRADE = "技术改造"


class Stage(enum.StrEnum):
    PLANNED = "拟建"
    UNDER_CONSTRUCTION = "在建"
    OPERATING = "存量"


class TechClass(enum.StrEnum):
    ENCOURAGED = "鼓励类"
    PERMITTED = "允许类"
    RESTRICTED = "限制类"
    ELIMINATED = "淘汰类"


class Outcome(enum.StrEnum):
    PASS = "PASS"
    FAIL = "FAIL"
    NEEDS_INFO = "NEEDS_INFO"
    WARN = "WARN"
    INFO = "INFO"
    NA = "NA"


class Verdict(enum.StrEnum):
    NOT_IN_SCOPE = "NOT_IN_SCOPE"
    NON_COMPLIANT = "NON_COMPLIANT"
    INCOMPLETE = "INCOMPLETE"
    COMPLIANT = "COMPLIANT"


class Disposition(enum.StrEnum):
    """Recommended disposition (处置建议); declared from most to least severe (SPEC §4)."""

    CLOSE = "CLOSE"
    STOP_AND_INVESTIGATE = "STOP_AND_INVESTIGATE"
    STOP_AND_RECTIFY = "STOP_AND_RECTIFY"
    SUSPEND_PRODUCTION = "SUSPEND_PRODUCTION"
    RECTIFY = "RECTIFY"
    REJECT = "REJECT"
    DEFER = "DEFER"
    REQUEST_INFO = "REQUEST_INFO"
    PROCEED = "PROCEED"
    NONE = "NONE"


class Tier(enum.StrEnum):
    """Barometer tier of a region-month (clause (十八)); no data means no tier (None)."""

    RED = "red"
    YELLOW = "yellow"
    GREEN = "green"


@dataclass(frozen=True, slots=True)
class ProjectInput:
    """One validated ledger row (台账), in the template's column order (SPEC §3).

    Text is cleaned, numbers are Decimal, dates are date, 是/否 are bool; None means blank.
    `region` is the 6-digit code of a project region.
    """

    project_code: str
    name: str
    enterprise: str
    uscc: str
    region: str
    sector: Sector
    product: str | None
    construction_type: ConstructionType
    stage: Stage
    annual_energy_tce: Decimal
    new_energy_tce: Decimal | None = None
    coal_tonnes: Decimal | None = None
    new_capacity: Decimal | None = None
    capacity_unit: str | None = None
    replaced_capacity: Decimal | None = None
    replacement_plan_ref: str | None = None
    unit_energy: Decimal | None = None
    unit_energy_unit: str | None = None
    tech_class: TechClass = TechClass.PERMITTED
    energy_review_ref: str | None = None
    energy_review_date: date | None = None
    eia_ref: str | None = None
    eia_date: date | None = None
    approval_ref: str | None = None
    policy_fit: bool = True
    pollutant_control: bool | None = None
    coal_substitution: bool | None = None
    pollutant_reduction: bool | None = None
    energy_rights_tce: Decimal | None = None
    livelihood: bool = False
    last_energy_diagnosis: date | None = None
    last_cleaner_production: date | None = None
    start_date: date | None = None
    operation_date: date | None = None
    investment: Decimal | None = None
    remarks: str | None = None


@dataclass(frozen=True, slots=True)
class BarometerMonth:
    """A published barometer month of one region: month M counts from the 1st of M+1."""

    year: int
    month: int
    tier: Tier | None


def _no_plans() -> Mapping[str, PlanFacts]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class ScreeningContext:
    """What the engine needs to know about the project's region on the screening date.

    Already resolved by the caller (fallback to parent regions, never to 河南省 itself):
    `barometer` holds the months that count at `as_of`, oldest first.
    Unknown annual results count as met.
    """

    as_of: date
    key_air_area: bool = False
    non_attainment: bool = False
    barometer: tuple[BarometerMonth, ...] = ()
    missed_dual_control_last_year: bool = False
    missed_pollutant_target_last_year: bool = False
    # The capacity-replacement registry's plans by reference key (registry.keys.plan_key),
    # read in bulk for a whole screening batch; R14 applies only to rows naming one of them.
    replacement_plans: Mapping[str, PlanFacts] = field(default_factory=_no_plans)


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule's result for one project, with the clause it rests on and the values used."""

    rule: str
    outcome: Outcome
    clause: str
    message_zh: str
    message_en: str
    values: dict = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Screening:
    """The whole screening of one project under one rule set on one day."""

    rule_set: str
    as_of: date
    in_scope: bool
    verdict: Verdict
    disposition: Disposition
    findings: tuple[Finding, ...]


class SourceDrawFacts(NamedTuple):
    """One live draw of a registered plan, with what R14 needs to know about its source.
    (A named tuple: the registry's facts are built by the thousand for each batch.)"""

    source_number: str
    enterprise: str
    equipment: str
    region: str
    family: str
    capacity: Decimal
    capacity_unit: str
    drawn_total: Decimal  # all live draws on the source, by every plan in every region
    amount: Decimal  # what this plan draws
    shutdown_date: date | None
    dismantled_date: date | None
    ineligibility: frozenset[str]  # the source's flags (rules.params.SOURCE_INELIGIBILITY_…)


class PlanFacts(NamedTuple):
    """A registered capacity-replacement plan as R14 reads it (issue 17)."""

    ref: str
    withdrawn: bool
    region: str
    family: str
    new_capacity: Decimal
    capacity_unit: str
    draws: tuple[SourceDrawFacts, ...] = ()
