"""Small helpers the rules share to state values in messages and in JSON-ready `values`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache

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


@lru_cache(maxsize=8192)
def _decimal_text(value: Decimal) -> str:
    # Cached: thresholds and common figures recur on every row of a ledger.
    whole = int(value)
    if whole == value:
        return f"{whole:,}"
    return f"{value.normalize():,f}"


def num(value: Decimal | int | None) -> str:
    """A number as an officer writes it: grouped thousands, no trailing zeros; blank as '—'."""
    if value is None:
        return "—"
    if isinstance(value, int):
        return f"{value:,}"
    return _decimal_text(value)


def jnum(value: Decimal | None) -> int | float | None:
    """A Decimal for JSON: int when integral, else float; blank stays None (JSON null)."""
    if value is None:
        return None
    return _decimal_json(value)


@lru_cache(maxsize=8192)
def _decimal_json(value: Decimal) -> int | float:
    whole = int(value)
    return whole if whole == value else float(value)


# For a value known not to be blank (nor an int): `num` and `jnum` without their checks.
decimal_text = _decimal_text
decimal_json = _decimal_json


def jdate(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def ratio_text(ratio: Decimal, strict: bool) -> str:
    """'≥ 1.5 : 1', or '> 1 : 1' for 减量 (retired capacity must exceed new capacity)."""
    return f"{'>' if strict else '≥'} {num(ratio)} : 1"


def ratio_text_zh(ratio: Decimal, strict: bool) -> str:
    """'不低于1.5:1', or '大于1:1（减量置换）'."""
    return f"大于{num(ratio)}:1（减量置换）" if strict else f"不低于{num(ratio)}:1"
