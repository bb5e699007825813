"""Helpers of the workflow tests: red barometer months, missed targets, cases in a state."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from screening.models import AnnualResult, IndicatorMonth, Region


def previous_months(today: date, n: int) -> list[tuple[int, int]]:
    """The n calendar months before today's, oldest first (they all count today)."""
    months = []
    year, month = today.year, today.month
    for _ in range(n):
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        months.append((year, month))
    return list(reversed(months))


def publish_red_months(region_code: str, n: int) -> None:
    """Publish n consecutive red barometer months ending last month (区域节能评估限批 at 3)."""
    region = Region.objects.get(code=region_code)
    published = timezone.make_aware(
        datetime.combine(timezone.localdate() - timedelta(days=1), time(9))
    )
    for year, month in previous_months(timezone.localdate(), n):
        IndicatorMonth.objects.create(
            region=region, year=year, month=month, tier="red", published_at=published
        )


def record_missed_targets(
    region_code: str, *, dual_control: bool = False, pollutant: bool = True
) -> None:
    """Last year's results: by default the dual-control target missed, the pollutant one met
    (the arguments say whether each was met)."""
    AnnualResult.objects.create(
        region=Region.objects.get(code=region_code),
        year=timezone.localdate().year - 1,
        dual_control_met=dual_control,
        pollutant_met=pollutant,
    )


@pytest.fixture
def people(agency_a, city_reviewer_a, provincial_reviewer):
    """The three personas who move a 郑州 case through the whole workflow."""
    return {"agency": agency_a, "city": city_reviewer_a, "province": provincial_reviewer}


@pytest.fixture(autouse=True)
def english_reasons():
    """Assert on the English msgids of refusal reasons, whatever the catalogue holds."""
    from django.utils import translation

    with translation.override("en"):
        yield
