"""Cost of the working-day count by distance: `python bench/working_days.py`.

Issue 13 item 9: a rectification deadline of 9999-12-31 made every case page count millions
of days. Prints the microseconds per `days_left` call for a week, a year, a century and up to
9999-12-31; the target is the same cost whatever the distance (within 2× of a week's).
"""

from __future__ import annotations

import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from screening.cases import deadlines  # noqa: E402


def per_call_us(today: date, due: date, calls: int = 20_000) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        deadlines.days_left(due, today)
    return (time.perf_counter() - started) / calls * 1e6


def main() -> None:
    today = date(2026, 12, 4)
    deadlines.days_left(today, today)  # loads the calendar table once
    figures = {
        label: per_call_us(today, due)
        for label, due in (
            ("1 week", today + timedelta(days=7)),
            ("1 year", today + timedelta(days=365)),
            ("100 years", date(2126, 12, 4)),
            ("to 9999-12-31", date(9999, 12, 31)),
        )
    }
    for label, micros in figures.items():
        print(f"days_left {label:>14}: {micros:6.2f} µs per call")
    ratio = figures["to 9999-12-31"] / figures["1 week"]
    print(f"9999-12-31 / 1 week: {ratio:.2f} × — target ≤ 2 ×: {'met' if ratio <= 2 else 'missed'}")


if __name__ == "__main__":
    main()
