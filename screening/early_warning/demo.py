"""Demo barometer: a year of published indicators for every city (never for production).

安阳市 ends the year with four red months (区域节能评估限批 in force), 鹤壁市 with two (a
reminder), 濮阳市 had a restriction that a green month lifted, 开封市 has months missing and
blank indicators, 许昌市 ends with three months red on coal only (its 能耗双控 tier stays green:
no warning, no escalation; revision 4), the others are yellow or green.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from screening.early_warning.barometer import IndicatorRow
from screening.early_warning.publishing import save_indicator_months
from screening.models import IndicatorSource, Region
from screening.months import last_months, month_before_day

# Per city: the tier of each of the 12 months, oldest first (G/Y/R; "-" = not reported;
# "b" = reported with every figure but the target blank).
PATTERNS: dict[str, str] = {
    "410500": "GGYYGGYRRRRR",  # 安阳市: 限批
    "410600": "GGGGYGGGYYRR",  # 鹤壁市: reminder
    "410900": "GYRRRRGGYGGG",  # 濮阳市: restriction lifted by a green month
    "410200": "GG--GYb-GGbG",  # 开封市: gaps and blank figures
    "410800": "YYYYGYYYGYYY",  # 焦作市
    "410700": "GGYGGGYGGYGY",  # 新乡市
    "411300": "GGGGGGGGGYGG",  # 南阳市
    "411000": "GGGGGGGGGCCC",  # 许昌市: red on coal only (C), green on 能耗双控
}
DEFAULT_PATTERN = "GGGGGGGGGGGG"
FACTOR = {"G": Decimal("0.96"), "Y": Decimal("1.05"), "R": Decimal("1.16")}
INTENSITY = {"G": Decimal("-3.6"), "Y": Decimal("-1.2"), "R": Decimal("0.8")}


def _row(region: Region, year: int, month: int, mark: str, size: Decimal) -> IndicatorRow:
    budget = size * 1_000_000
    coal_cap = budget * Decimal("0.55")
    if mark == "b":  # reported, but only the target: no tier (grey)
        return IndicatorRow(region.code, year, month, intensity_target_pct=Decimal("3.0"))
    coal_mark = "R" if mark == "C" else mark
    mark = "G" if mark == "C" else mark  # coal red only: intensity and total energy green
    share = FACTOR[mark] * month / 12
    coal_share = FACTOR[coal_mark] * month / 12 * Decimal("0.98")
    return IndicatorRow(
        region.code,
        year,
        month,
        intensity_change_pct=INTENSITY[mark],
        intensity_target_pct=Decimal("3.0"),
        energy_total_tce=(budget * share).quantize(Decimal(1)),
        energy_budget_tce=budget,
        coal_tonnes=(coal_cap * coal_share).quantize(Decimal(1)),
        coal_cap_tonnes=coal_cap.quantize(Decimal(1)),
    )


@transaction.atomic
def seed_demo_indicators() -> int:
    """Write and publish the last 12 months of indicators for the 17 cities and 济源.

    Idempotent: running it again leaves the same figures. Returns the months written.
    """
    months = last_months(*month_before_day(timezone.localdate()), 12)
    publisher = User.objects.filter(username="province").first()
    rows = []
    for index, region in enumerate(Region.objects.filter(level="city").order_by("code")):
        pattern = PATTERNS.get(region.code, DEFAULT_PATTERN)
        size = Decimal(12 + (index * 7) % 23)  # million tce a year, varied per city
        for (year, month), mark in zip(months, pattern, strict=True):
            if mark != "-":
                rows.append(_row(region, year, month, mark, size))
    save_indicator_months(rows, user=publisher, source=IndicatorSource.DEMO, publish=True)
    return len(rows)
