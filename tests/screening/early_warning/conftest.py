"""Helpers of the early-warning tests: region-months built from tiers, and the test URLs."""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal

from django.utils import timezone

from screening.context import month_counts_from
from screening.early_warning.barometer import IndicatorRow
from screening.early_warning.publishing import save_indicator_months
from screening.models import IndicatorMonth, Region

ANYANG = "410500"
HUAXIAN = "410526"  # 滑县: province-direct county inside 安阳, no barometer of its own


def energy_row(code: str, year: int, month: int, share: str, budget: str = "1200") -> IndicatorRow:
    """A region-month whose only figures are total energy = share × the pro-rated budget."""
    budget_d = Decimal(budget)
    used = budget_d * month / 12 * Decimal(share)
    return IndicatorRow(code, year, month, energy_total_tce=used, energy_budget_tce=budget_d)


RED, YELLOW, GREEN = "1.2", "1.05", "0.9"


def publish_series(code: str, months: list[tuple[int, int, str | None]], user=None):
    """Save and publish months given as (year, month, share or None for no data), each as if
    published on the morning of the day it starts to count (so past dates can be screened)."""
    rows = [
        energy_row(code, y, m, share) if share is not None else IndicatorRow(code, y, m)
        for y, m, share in months
    ]
    summary = save_indicator_months(rows, user=user, publish=True)
    backdate(code, [(y, m) for y, m, _s in months])
    return summary


def backdate(code: str, months) -> None:
    for year, month in months:
        published = timezone.make_aware(datetime.combine(month_counts_from(year, month), time(9)))
        IndicatorMonth.objects.filter(region__code=code, year=year, month=month).update(
            published_at=published
        )


def region(code: str) -> Region:
    return Region.objects.get(code=code)
