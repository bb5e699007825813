"""Calendar months as (year, month) pairs: naming, stepping and reading them.

Two ways of reading "YYYY-MM", for two kinds of caller:

* `parse_month(text)` — strict, for a month someone asked for on purpose (the report form, the
  `monthly_report` command, a task argument): exactly four digits, a dash, two digits; a
  ValueError with a message in the user's language otherwise.
* `month_or_none(text)` — forgiving, for a month taken from a page's query string or a form
  that falls back to a default: None when blank or malformed, never an error.

Two ways of stepping back a month, likewise: `month_before(year, month)` steps from a month,
`month_before_day(day)` is the month before the one a day falls in (what the report of the 1st
covers, the barometer's reference month).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

YearMonth = tuple[int, int]

EARLIEST_YEAR = 1990
LATEST_YEAR = 2100


def month_label(year: int, month: int) -> str:
    """(2025, 6) → '2025-06'."""
    return f"{year}-{month:02d}"


def month_key(year: int, month: int) -> int:
    """A sortable number for a month: (2025, 6) → 202506."""
    return year * 100 + month


def month_before(year: int, month: int) -> YearMonth:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def month_after(year: int, month: int) -> YearMonth:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def last_months(year: int, month: int, count: int) -> list[YearMonth]:
    """The `count` calendar months ending with (year, month), oldest first."""
    months = [(year, month)]
    while len(months) < count:
        months.append(month_before(*months[-1]))
    return months[::-1]


def month_end(year: int, month: int) -> date:
    """The first day after the month (its cut-off)."""
    return date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)


def month_before_day(day: date | None = None) -> YearMonth:
    """The month before `day`'s (local today's when None) month: what the report of the 1st
    covers and the month whose barometer counts on that day."""
    day = day or timezone.localdate()
    last = day.replace(day=1) - timedelta(days=1)
    return last.year, last.month


def month_or_none(text: str | None) -> YearMonth | None:
    """'YYYY-MM' (spaces around allowed, the month may have one digit) → (year, month); None
    when blank, malformed or outside 1990–2100."""
    if not text:
        return None
    parts = text.strip().split("-")
    if len(parts) != 2 or not all(p.isascii() and p.isdigit() for p in parts):
        return None
    year, month = int(parts[0]), int(parts[1])
    if not (EARLIEST_YEAR <= year <= LATEST_YEAR and 1 <= month <= 12):
        return None
    return year, month


def parse_month(text: str) -> YearMonth:
    """Exactly 'YYYY-MM' → (year, month); ValueError (a message in the user's language)
    otherwise."""
    year_text, sep, month_text = text.partition("-")
    if (
        not sep
        or len(year_text) != 4
        or len(month_text) != 2
        or not (year_text.isdigit() and month_text.isdigit())
    ):
        raise ValueError(_("A month is written YYYY-MM, e.g. 2025-06."))
    year, month = int(year_text), int(month_text)
    if not 1 <= month <= 12 or year < EARLIEST_YEAR:
        raise ValueError(_("A month is written YYYY-MM, e.g. 2025-06."))
    return year, month
