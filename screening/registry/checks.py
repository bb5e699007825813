"""Pure rules of the registry: draw arithmetic, the cross-checks and what the public list shows.

No Django: plain values in, plain values out, so each rule is testable at its boundary.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from ..rules.r14_replacement_sources import plan_key

__all__ = ["plan_key"]


def source_number(pk: int) -> str:
    """A source's registry number (退出产能编号)."""
    return f"TC{pk:06d}"


def parse_source_number(text: str) -> int | None:
    """The id in `TC000123` (or plain `123`), or None when it is not a source number."""
    text = text.strip().upper()
    if text.startswith("TC"):
        text = text[2:]
    return int(text) if text.isdigit() and 0 < len(text) <= 12 else None


def source_flags(subsidised: bool, mandatory_elimination: bool) -> frozenset[str]:
    """A source's ineligibility flags, by the reason codes of the rule-set parameter
    `replacement_source_ineligible`."""
    flags = set()
    if subsidised:
        flags.add("subsidised")
    if mandatory_elimination:
        flags.add("mandatory_elimination")
    return frozenset(flags)


def draw_fits(capacity: Decimal, drawn: Decimal, amount: Decimal) -> bool:
    """A draw fits when the source's live draws plus it stay within its capacity: exactly the
    capacity fits, one unit more does not."""
    return amount > 0 and drawn + amount <= capacity


def is_natural_person_code(uscc: str) -> bool:
    """True when a credit code belongs to a natural person's business: registration category 92
    (个体工商户, GB 32100), or anything that is not a credit code of an organisation (an
    identity-card number typed in its place). The public list never shows these."""
    code = (uscc or "").strip().upper()
    if len(code) != 18 or code[:2] == "92":
        return True
    return code[0] not in "123456789ANY" or not code[2:8].isdigit()


def public_uscc(uscc: str) -> str:
    """The credit code as the public list shows it: blank for natural persons."""
    return "" if is_natural_person_code(uscc) else uscc


# -- cross-checks ---------------------------------------------------------------------------


class Risk(enum.IntEnum):
    """How urgently an officer should look at a cross-check item (higher first)."""

    LOW = 1
    MEDIUM = 2
    HIGH = 3


@dataclass(frozen=True)
class SourceRow:
    id: int
    region: str
    enterprise: str
    equipment: str
    family: str
    capacity: Decimal
    capacity_unit: str
    shutdown_date: date | None
    dismantled_date: date | None
    flags: frozenset[str]

    @property
    def number(self) -> str:
        return source_number(self.id)


@dataclass(frozen=True)
class PlanRow:
    id: int
    ref: str
    region: str
    family: str
    new_capacity: Decimal
    capacity_unit: str
    project_codes: tuple[str, ...]


@dataclass(frozen=True)
class DrawRow:
    plan_id: int
    source_id: int
    amount: Decimal


@dataclass(frozen=True)
class LedgerRow:
    """A ledger project that names a plan reference (its figures as the agency typed them)."""

    project_code: str
    region: str
    replacement_plan_ref: str
    new_capacity: Decimal | None
    replaced_capacity: Decimal | None
    family: str | None


@dataclass
class SharedSource:
    """A source drawn by more than one plan."""

    source: SourceRow
    draws: list[tuple[PlanRow, Decimal]]
    drawn: Decimal
    risk: Risk
    reasons: list[str]


@dataclass
class LedgerMismatch:
    """A plan whose projects' ledger figures disagree with the registry."""

    plan: PlanRow
    drawn: Decimal
    problems: list[dict]
    risk: Risk


@dataclass
class CrossRegionDraw:
    """A source in one region serving a plan (and its projects) in another: allowed, listed."""

    source: SourceRow
    plan: PlanRow
    amount: Decimal
    risk: Risk


@dataclass
class CrossChecks:
    shared_sources: list[SharedSource] = field(default_factory=list)
    ledger_mismatches: list[LedgerMismatch] = field(default_factory=list)
    cross_region: list[CrossRegionDraw] = field(default_factory=list)


def cross_checks(sources: Iterable[SourceRow], plans: Iterable[PlanRow],
                 draws: Iterable[DrawRow], ledger: Iterable[LedgerRow],
                 ineligible: frozenset[str], as_of: date) -> CrossChecks:
    """The three cross-checks over the live draws of registered (not withdrawn) plans, each
    list sorted by risk, then by size."""
    source_by_id = {s.id: s for s in sources}
    plan_by_id = {p.id: p for p in plans}
    by_source: dict[int, list[tuple[PlanRow, Decimal]]] = defaultdict(list)
    drawn_by_plan: dict[int, Decimal] = defaultdict(Decimal)
    result = CrossChecks()
    for draw in draws:
        plan = plan_by_id.get(draw.plan_id)
        source = source_by_id.get(draw.source_id)
        if plan is None or source is None:
            continue
        by_source[source.id].append((plan, draw.amount))
        drawn_by_plan[plan.id] += draw.amount
        if source.region != plan.region:
            result.cross_region.append(CrossRegionDraw(
                source, plan, draw.amount,
                Risk.MEDIUM if source.family != plan.family else Risk.LOW))
    for source_id, plan_draws in by_source.items():
        if len({plan.id for plan, _ in plan_draws}) < 2:
            continue
        source = source_by_id[source_id]
        drawn = sum((amount for _, amount in plan_draws), Decimal(0))
        reasons = []
        if len({plan.region for plan, _ in plan_draws}) > 1:
            reasons.append("plans_in_several_regions")
        if source.flags & ineligible:
            reasons.append("source_ineligible")
        if source.shutdown_date is None or source.shutdown_date > as_of:
            reasons.append("source_not_shut_down")
        if drawn > source.capacity:
            reasons.append("source_over_drawn")
        risk = Risk.HIGH if reasons else Risk.MEDIUM
        result.shared_sources.append(SharedSource(source, plan_draws, drawn, risk, reasons))
    ledger_by_key: dict[str, list[LedgerRow]] = defaultdict(list)
    for row in ledger:
        ledger_by_key[plan_key(row.replacement_plan_ref)].append(row)
    for plan in plan_by_id.values():
        mismatch = _ledger_mismatch(plan, drawn_by_plan[plan.id], ledger_by_key.get(
            plan_key(plan.ref), []))
        if mismatch is not None:
            result.ledger_mismatches.append(mismatch)
    result.shared_sources.sort(key=lambda s: (-s.risk, -len(s.draws), -s.drawn, s.source.id))
    result.ledger_mismatches.sort(key=lambda m: (-m.risk, -len(m.problems), m.plan.ref))
    result.cross_region.sort(key=lambda c: (-c.risk, -c.amount, c.source.id, c.plan.id))
    return result


def _ledger_mismatch(plan: PlanRow, drawn: Decimal, rows: list[LedgerRow]
                     ) -> LedgerMismatch | None:
    """Problems between a plan and the ledger rows that name it (or that it names)."""
    problems: list[dict] = []
    risk = Risk.MEDIUM
    named = {row.project_code for row in rows}
    for code in plan.project_codes:
        if code not in named:
            problems.append({"kind": "project_not_citing_plan", "project_code": code})
    listed = set(plan.project_codes)
    new_total = Decimal(0)
    replaced_total = Decimal(0)
    for row in rows:
        if row.project_code not in listed:
            problems.append({"kind": "project_not_in_plan", "project_code": row.project_code})
        if row.family is not None and row.family != plan.family:
            problems.append({"kind": "family_differs", "project_code": row.project_code,
                             "ledger": row.family, "registry": plan.family})
            risk = Risk.HIGH
        new_total += row.new_capacity or 0
        replaced_total += row.replaced_capacity or 0
    if rows and replaced_total != drawn:
        # More retired capacity in the ledger than the plan holds is what let R03 pass.
        problems.append({"kind": "replaced_differs", "project_code": "",
                         "ledger": replaced_total, "registry": drawn})
        if replaced_total > drawn:
            risk = Risk.HIGH
    if rows and new_total != plan.new_capacity:
        problems.append({"kind": "new_capacity_differs", "project_code": "",
                         "ledger": new_total, "registry": plan.new_capacity})
        if new_total > plan.new_capacity:
            risk = Risk.HIGH
    if not problems:
        return None
    return LedgerMismatch(plan, drawn, problems, risk)
