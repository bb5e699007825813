"""Small helpers the rules share to state values in messages and in JSON-ready `values`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from screening.rules.types import ConstructionType, Sector, Stage, TechClass, Tier

SECTOR_EN = {
    Sector.COAL_POWER: "coal power",
    Sector.PETROCHEMICAL: "petrochemicals",
    Sector.CHEMICAL: "chemicals",
    Sector.COAL_CHEMICAL: "coal chemicals",
    Sector.STEEL: "steel",
    Sector.COKING: "coking",
    Sector.BUILDING_MATERIALS: "building materials",
    Sector.NONFERROUS: "non-ferrous metals",
    Sector.DATA_CENTER: "data centre",
    Sector.OTHER: "other",
}
STAGE_EN = {
    Stage.PLANNED: "planned",
    Stage.UNDER_CONSTRUCTION: "under construction",
    Stage.OPERATING: "operating",
}
TYPE_EN = {
    ConstructionType.NEW: "new build",
    ConstructionType.REBUILD: "rebuild",
    ConstructionType.EXPANSION: "expansion",
    ConstructionType.TECH_UPGRADE: "technical upgrade",
}
TECH_EN = {
    TechClass.ENCOURAGED: "encouraged",
    TechClass.PERMITTED: "permitted",
    TechClass.RESTRICTED: "restricted",
    TechClass.ELIMINATED: "eliminated",
}
TIER_ZH = {Tier.RED: "红色", Tier.YELLOW: "黄色", Tier.GREEN: "绿色", None: "无等级"}
TIER_EN = {Tier.RED: "red", Tier.YELLOW: "yellow", Tier.GREEN: "green", None: "untiered"}


def _decimal_text(value: Decimal | int) -> str:
    whole = int(value)
    if whole == value:
        return f"{whole:,}"
    return f"{value.normalize():,f}"


def _decimal_json(value: Decimal | int) -> int | float:
    whole = int(value)
    return whole if whole == value else float(value)


class _Memo(dict):
    """number → what `make` makes of it, kept for the numbers a ledger repeats (thresholds,
    ratios, common figures); blank (None) → `blank`.

    Looked up by subscription, so `num(x)` below is one C call rather than a Python function
    and a cache wrapper (a finding states several numbers, twice). Keys compare by value, so
    Decimal("1.50"), Decimal("1.5") and 1 share an entry, as they did under lru_cache: both
    texts depend only on the numeric value. Emptied, rather than evicted one by one, once it
    holds `LIMIT` numbers.
    """

    LIMIT = 16_384
    __slots__ = ("make", "blank")

    def __init__(self, make, blank) -> None:
        super().__init__()
        self.make, self.blank = make, blank

    def __missing__(self, value):
        if len(self) >= self.LIMIT:
            self.clear()
        made = self[value] = self.blank if value is None else self.make(value)
        return made


_TEXTS = _Memo(_decimal_text, "—")
_JSON_NUMBERS = _Memo(_decimal_json, None)

# num(value): a number as an officer writes it: grouped thousands, no trailing zeros; blank
# (None) as '—'. Takes a Decimal, an int or None.
num: Callable[[Decimal | int | None], str] = _TEXTS.__getitem__
# jnum(value): a Decimal for JSON: int when integral, else float; blank stays None (JSON null).
jnum: Callable[[Decimal | int | None], int | float | None] = _JSON_NUMBERS.__getitem__
# For a value known not to be blank: the same (once functions without the blank check).
decimal_text = num
decimal_json = jnum


def jdate(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def ratio_text(ratio: Decimal, strict: bool) -> str:
    """'≥ 1.5 : 1', or '> 1 : 1' for 减量 (retired capacity must exceed new capacity)."""
    return f"{'>' if strict else '≥'} {num(ratio)} : 1"


def ratio_text_zh(ratio: Decimal, strict: bool) -> str:
    """'不低于1.5:1', or '大于1:1（减量置换）'."""
    return f"大于{num(ratio)}:1（减量置换）" if strict else f"不低于{num(ratio)}:1"
