"""R07 local red warning — (四)4: a planned project in a region whose latest counting
barometer month is red fails.
"""

from __future__ import annotations

from screening.rules.base import (
    FAIL,
    PASS,
    RED,
    Facts,
    counting_months,
    is_planned,
    month_label,
    one_finding,
)
from screening.rules.text import TIER_EN, TIER_ZH
from screening.rules.types import Finding

ID = "R07"
CLAUSE = "(四)4"
TITLE = (
    "所在地区能耗双控晴雨表红色预警（拟建）",
    "The region's dual-control barometer is red (planned projects)",
)
PARAMETERS: tuple[str, ...] = ()
applies = is_planned


def evaluate(f: Facts) -> tuple[Finding, ...]:
    months = counting_months(f.context)
    latest = months[-1] if months else None
    tier = latest.tier if latest is not None else None
    label = month_label(latest)
    values = {"latest_month": label, "tier": tier._value_ if tier is not None else None}
    if tier is RED:
        return one_finding(
            ID,
            FAIL,
            "(四)4",
            f"所在地区最新一期能耗双控晴雨表（{label}）为红色预警。",
            f"The region's latest energy dual-control barometer month ({label}) is red.",
            values,
        )
    if latest is None:
        zh = "所在地区尚无计入的能耗双控晴雨表月份，不属红色预警。"
        en = "The region has no barometer month counting yet, so it is not on red warning."
    else:
        zh = f"所在地区最新一期能耗双控晴雨表（{label}）为{TIER_ZH[tier]}，不属红色预警。"
        en = f"The region's latest barometer month ({label}) is {TIER_EN[tier]}, not red."
    return one_finding(ID, PASS, "(四)4", zh, en, values)
