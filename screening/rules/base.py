"""What every screening rule stands on: the project's facts, the Rule record, the finding
builder, and the few conditions and helpers several rules share.

A rule lives in its own module (`r01_scope` … `r15_key_area_capacity_ban`), declaring `ID`,
`CLAUSE`, `TITLE` (zh, en), `PARAMETERS` (the rule-set parameters it reads), `applies(facts)`
and `evaluate(facts)`; `rulebook` lists them in order. Thresholds, ratios and benchmarks come
only from RuleParameters; the stage, type and class names are the spec's fixed enumerations.

The rules run for every row of a ledger, each finding written in two languages, so they keep
to cheap operations: enum members as the module constants below (`Stage.PLANNED` is an
attribute lookup through the enum's metaclass), a member's plain value as `member._value_`
(not the `value` property, and not `f"{member}"`, which formats through str()), and each
number's text (`num`) and JSON value (`jnum`) taken once for both messages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from screening.rules.params import ProductSpec, RuleParameters
from screening.rules.types import (
    BarometerMonth,
    ConstructionType,
    Finding,
    Outcome,
    ProjectInput,
    ScreeningContext,
    Sector,
    Stage,
    TechClass,
    Tier,
)

PASS, FAIL, NEEDS_INFO, WARN, INFO = (
    Outcome.PASS,
    Outcome.FAIL,
    Outcome.NEEDS_INFO,
    Outcome.WARN,
    Outcome.INFO,
)
PLANNED, BUILDING, OPERATING = Stage.PLANNED, Stage.UNDER_CONSTRUCTION, Stage.OPERATING
NEW_BUILD, TECH_UPGRADE = ConstructionType.NEW, ConstructionType.TECH_UPGRADE
RESTRICTED, ELIMINATED = TechClass.RESTRICTED, TechClass.ELIMINATED
DATA_CENTER = Sector.DATA_CENTER
RED = Tier.RED
NEW_BUILD_STAGES = frozenset({PLANNED, BUILDING})
# (四)1 speaks of 新建、改扩建 projects; a technical upgrade is not one of them.
AIR_QUALITY_TYPES = frozenset(
    {ConstructionType.NEW, ConstructionType.REBUILD, ConstructionType.EXPANSION}
)


class Facts:
    """One project's inputs plus what every rule derives from them, computed once."""

    __slots__ = ("project", "context", "params", "product", "family", "in_scope")

    def __init__(
        self, project: ProjectInput, context: ScreeningContext, params: RuleParameters
    ) -> None:
        self.project = project
        self.context = context
        self.params = params
        self.product: ProductSpec | None = params.product(project.product)
        self.family: str | None = (
            self.product.family
            if self.product is not None
            else (params.family_of(project.product) if project.product else None)
        )
        self.in_scope = (
            project.sector in params.scope_sectors
            and project.annual_energy_tce >= params.scope_min_energy_tce
        )


@dataclass(frozen=True, slots=True)
class Rule:
    """One screening rule: id, clause, when it applies, what it finds, and what it is about
    (its title in both languages and the rule-set parameters it reads)."""

    id: str
    clause: str
    applies: Callable[[Facts], bool]
    evaluate: Callable[[Facts], tuple[Finding, ...]]
    needs_scope: bool = True
    title: tuple[str, str] = ("", "")
    parameters: tuple[str, ...] = ()
    # True when the rule can only apply to a row naming a replacement plan: the engine then
    # skips it, without a call, for the many rows that name none.
    needs_plan_ref: bool = False

    @classmethod
    def declared_by(cls, module) -> Rule:
        """The rule a rule module declares (ID, CLAUSE, TITLE, PARAMETERS, applies, evaluate;
        NEEDS_SCOPE is optional and true unless the module says otherwise; NEEDS_PLAN_REF
        is optional and false)."""
        return cls(
            module.ID,
            module.CLAUSE,
            module.applies,
            module.evaluate,
            needs_scope=getattr(module, "NEEDS_SCOPE", True),
            title=module.TITLE,
            parameters=module.PARAMETERS,
            needs_plan_ref=getattr(module, "NEEDS_PLAN_REF", False),
        )


_new_object = object.__new__
(
    _set_rule,
    _set_outcome,
    _set_clause,
    _set_message_zh,
    _set_message_en,
    _set_values,
) = (
    Finding.__dict__[name].__set__
    for name in ("rule", "outcome", "clause", "message_zh", "message_en", "values")
)


def one_finding(
    rule: str, outcome: Outcome, clause: str, zh: str, en: str, values: dict
) -> tuple[Finding, ...]:
    """One finding, as a 1-tuple.

    Built through the slot descriptors rather than the frozen dataclass's __init__ (which
    goes through object.__setattr__ per field): the result is an ordinary, equal Finding,
    made in half the time, and findings are the engine's hottest allocation.
    """
    finding = _new_object(Finding)
    _set_rule(finding, rule)
    _set_outcome(finding, outcome)
    _set_clause(finding, clause)
    _set_message_zh(finding, zh)
    _set_message_en(finding, en)
    _set_values(finding, values)
    return (finding,)


# -- when a rule applies: the conditions several rules share -----------------------------------


def always(_: Facts) -> bool:
    return True


def is_planned(f: Facts) -> bool:
    return f.project.stage is PLANNED


def is_operating(f: Facts) -> bool:
    return f.project.stage is OPERATING


# -- the barometer months R07 and R08 read ---------------------------------------------------


def counting_months(context: ScreeningContext) -> tuple[BarometerMonth, ...]:
    """The barometer months that count at `as_of`: month M only from the 1st of M+1.

    The caller already passes counting, published months; filtering again here is cheap and
    keeps a stray current month from being used early.
    """
    today = (context.as_of.year, context.as_of.month)
    months = context.barometer
    if months and (months[-1].year, months[-1].month) >= today:
        months = tuple(m for m in months if (m.year, m.month) < today)
    return months


def month_label(month: BarometerMonth | None) -> str | None:
    return f"{month.year:04d}-{month.month:02d}" if month is not None else None
