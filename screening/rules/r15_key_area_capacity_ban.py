"""R15 key-area capacity ban — 2021 pollution-control opinion (七): no new alumina or
coal-chemical capacity in a key air-pollution control area (planned projects).
"""

from __future__ import annotations

from screening.rules.base import FAIL, PLANNED, Facts, one_finding
from screening.rules.text import SECTOR_EN, jnum, num
from screening.rules.types import Finding

ID = "R15"
CLAUSE = "2021 pollution-control opinion (七)"
TITLE = (
    "重点区域严禁新增氧化铝、煤化工产能（拟建）",
    "No new alumina or coal-chemical capacity in key air-pollution areas (planned)",
)
PARAMETERS: tuple[str, ...] = ("key_area_capacity_ban", "products_without_benchmark")


def applies(f: Facts) -> bool:
    p, ban = f.project, f.params.key_area_capacity_ban
    return (
        ban is not None
        and p.stage is PLANNED
        and p.new_capacity is not None
        and p.new_capacity > 0
        and f.context.key_air_area
        and ban.covers(f.family, p.sector._value_)
    )


def evaluate(f: Facts) -> tuple[Finding, ...]:
    p = f.project
    what_zh = f.family if f.family and f.family != p.sector._value_ else p.sector._value_
    unit = p.capacity_unit or ""
    return one_finding(
        ID,
        FAIL,
        CLAUSE,
        f"重点区域严禁新增氧化铝、煤化工产能：本项目（{p.sector}，{what_zh}）位于大气污染防治重点区域，"
        f"新增产能{num(p.new_capacity)}{unit}。",
        f"No new alumina or coal-chemical capacity is allowed in a key air-pollution control "
        f"area: this {SECTOR_EN[p.sector]} project adds {num(p.new_capacity)}"
        f"{' ' + unit if unit else ''} there.",
        {
            "family": f.family,
            "sector": p.sector._value_,
            "key_air_area": True,
            "new_capacity": jnum(p.new_capacity),
            "capacity_unit": p.capacity_unit,
        },
    )
