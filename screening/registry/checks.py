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
from typing import NamedTuple

from screening.rules.r14_replacement_sources import plan_key

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


_FLAGS = {
    (subsidised, eliminated): frozenset(
        name
        for name, on in (("subsidised", subsidised), ("mandatory_elimination", eliminated))
        if on
    )
    for subsidised in (False, True)
    for eliminated in (False, True)
}


def source_flags(subsidised: bool, mandatory_elimination: bool) -> frozenset[str]:
    """A source's ineligibility flags, by the reason codes of the rule-set parameter
    `replacement_source_ineligible`."""
    return _FLAGS[bool(subsidised), bool(mandatory_elimination)]


def draw_fits(capacity: Decimal, drawn: Decimal, amount: Decimal) -> bool:
    """A draw fits when the source's live draws plus it stay within its capacity: exactly the
    capacity fits, one unit more does not."""
    return amount > 0 and drawn + amount <= capacity


def is_natural_person_code(uscc: str) -> bool:
    """True when a code may belong to a natural person: registration category 92 (个体工商户,
    GB 32100), an identity-card number, or anything that is not a valid organisation credit
    code (check character included). The public list never shows these."""
    from screening.ledger.xlsx.parsers import USCC_CHARSET, uscc_check_character

    code = (uscc or "").strip().upper()
    if len(code) != 18 or code[:2] == "92" or _looks_like_identity_card(code):
        return True
    if any(char not in USCC_CHARSET for char in code):
        return True
    return uscc_check_character(code[:17]) != code[17]


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _looks_like_identity_card(code: str) -> bool:
    """An 18-character resident identity-card number (GB 11643): 17 digits, a valid date of
    birth and its ISO 7064 check character."""
    if not code[:17].isdigit() or not (code[17].isdigit() or code[17] == "X"):
        return False
    try:
        date(int(code[6:10]), int(code[10:12]), int(code[12:14]))
    except ValueError:
        return False
    total = sum(int(char) * weight for char, weight in zip(code[:17], _ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11] == code[17]


def public_uscc(uscc: str) -> str:
    """The credit code as the public list shows it: blank for natural persons."""
    return "" if is_natural_person_code(uscc) else uscc


# -- cross-checks ---------------------------------------------------------------------------


class Risk(enum.IntEnum):
    """How urgently an officer should look at a cross-check item (higher first)."""

    LOW = 1
    MEDIUM = 2
    HIGH = 3


class SourceRow(NamedTuple):
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


class PlanRow(NamedTuple):
    id: int
    ref: str
    region: str
    family: str
    new_capacity: Decimal
    capacity_unit: str
    project_codes: tuple[str, ...]


class LedgerRow(NamedTuple):
    """A ledger project that names a plan reference (its figures as the agency typed them)."""

    project_code: str
    replacement_plan_ref: str
    new_capacity: Decimal | None
    replaced_capacity: Decimal | None
    family: str | None


@dataclass
class SharedSource:
    """A source drawn by more than one plan; `draws` are filled for the items shown."""

    source: SourceRow
    plans: int
    drawn: Decimal
    risk: Risk
    reasons: list[str]
    draws: list[tuple[PlanRow, Decimal]] = field(default_factory=list)


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
    """The three lists, each sorted by risk (then size); `counts` are the full lengths when
    the lists hold only the first items."""

    shared_sources: list[SharedSource] = field(default_factory=list)
    ledger_mismatches: list[LedgerMismatch] = field(default_factory=list)
    cross_region: list[CrossRegionDraw] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def shared_source(
    source: SourceRow,
    plans: int,
    regions: int,
    drawn: Decimal,
    ineligible: frozenset[str],
    as_of: date,
) -> SharedSource:
    """A source drawn by `plans` (≥ 2) plans in `regions` regions: high risk when the plans
    lie in several regions (the classic 一女多嫁), or the source is ineligible, not shut down
    by `as_of` or over-drawn; medium otherwise (sharing within capacity is allowed)."""
    reasons = []
    if regions > 1:
        reasons.append("plans_in_several_regions")
    if source.flags & ineligible:
        reasons.append("source_ineligible")
    if source.shutdown_date is None or source.shutdown_date > as_of:
        reasons.append("source_not_shut_down")
    if drawn > source.capacity:
        reasons.append("source_over_drawn")
    return SharedSource(source, plans, drawn, Risk.HIGH if reasons else Risk.MEDIUM, reasons)


def sort_shared(items: list[SharedSource]) -> list[SharedSource]:
    return sorted(items, key=lambda s: (-s.risk, -s.plans, -s.drawn, s.source.id))


def cross_region_risk(source_family: str, plan_family: str) -> Risk:
    """Drawing across regions is allowed; it is medium risk only when the families differ."""
    return Risk.MEDIUM if source_family != plan_family else Risk.LOW


def ledger_mismatches(
    plans: Iterable[PlanRow], drawn_by_plan: dict[int, Decimal], ledger: Iterable[LedgerRow]
) -> list[LedgerMismatch]:
    """Plans whose ledger rows disagree with them, sorted by risk, then number of problems."""
    by_key: dict[str, list[LedgerRow]] = defaultdict(list)
    for row in ledger:
        by_key[plan_key(row.replacement_plan_ref)].append(row)
    found = []
    for plan in plans:
        mismatch = ledger_mismatch(
            plan, drawn_by_plan.get(plan.id, Decimal(0)), by_key.get(plan_key(plan.ref), [])
        )
        if mismatch is not None:
            found.append(mismatch)
    found.sort(key=lambda m: (-m.risk, -len(m.problems), m.plan.ref))
    return found


def ledger_mismatch(plan: PlanRow, drawn: Decimal, rows: list[LedgerRow]) -> LedgerMismatch | None:
    """Problems between a plan and the ledger rows that name it (or that it names): high risk
    when the ledger claims more replaced capacity or more new capacity than the registry
    holds, or another product family; medium for other differences."""
    problems: list[dict] = []
    risk = Risk.MEDIUM
    if plan.project_codes:
        named = {row.project_code for row in rows}
        problems.extend(
            {"kind": "project_not_citing_plan", "project_code": code}
            for code in plan.project_codes
            if code not in named
        )
    if not rows:
        return LedgerMismatch(plan, drawn, problems, risk) if problems else None
    listed = plan.project_codes
    new_total = Decimal(0)
    replaced_total = Decimal(0)
    for row in rows:
        if row.project_code not in listed:
            problems.append({"kind": "project_not_in_plan", "project_code": row.project_code})
        if row.family is not None and row.family != plan.family:
            problems.append(
                {
                    "kind": "family_differs",
                    "project_code": row.project_code,
                    "ledger": row.family,
                    "registry": plan.family,
                }
            )
            risk = Risk.HIGH
        if row.new_capacity is not None:
            new_total += row.new_capacity
        if row.replaced_capacity is not None:
            replaced_total += row.replaced_capacity
    if replaced_total != drawn:
        # More retired capacity in the ledger than the plan holds is what let R03 pass.
        problems.append(
            {
                "kind": "replaced_differs",
                "project_code": "",
                "ledger": replaced_total,
                "registry": drawn,
            }
        )
        if replaced_total > drawn:
            risk = Risk.HIGH
    if new_total != plan.new_capacity:
        problems.append(
            {
                "kind": "new_capacity_differs",
                "project_code": "",
                "ledger": new_total,
                "registry": plan.new_capacity,
            }
        )
        if new_total > plan.new_capacity:
            risk = Risk.HIGH
    if not problems:
        return None
    return LedgerMismatch(plan, drawn, problems, risk)
