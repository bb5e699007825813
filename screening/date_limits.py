"""The window each date a user enters must fall in (issue 13 item 9).

A date far outside any sensible range is a typing slip or an attack, never a plan: a
rectification deadline of 9999-12-31 once made every case page count millions of days. Every
form, API field and command that takes a date from a person checks it here, so the windows and
their messages live in one place. Ledger cells have their own range (SPEC §3, 1990–2100).

PRODUCT LIMITS, NOT POLICY: the plan sets no horizon for deadlines or screening dates; two
years leaves room for any rectification period a reviewer sets and still catches a slip.
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

HORIZON_YEARS = 2  # deadlines and screening dates: at most this many years after today
EARLIEST_DATE = date(1990, 1, 1)  # the earliest date of SPEC §3, for screening dates and months


def years_after(day: date, years: int) -> date:
    """The same calendar day `years` later (29 February → 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def latest_deadline(today: date) -> date:
    return years_after(today, HORIZON_YEARS)


def deadline_problem(deadline: date, today: date) -> str | None:
    """A deadline is after today and at most two years away."""
    if deadline <= today:
        return _("The deadline must be after today.")
    latest = latest_deadline(today)
    if deadline > latest:
        return _("The deadline must be within two years of today (at the latest %(date)s).") % {
            "date": latest.isoformat()
        }
    return None


def as_of_problem(as_of: date, today: date) -> str | None:
    """A screening date lies between 1990-01-01 and two years after today."""
    latest = years_after(today, HORIZON_YEARS)
    if not EARLIEST_DATE <= as_of <= latest:
        return _("The screening date must be between %(first)s and %(last)s.") % {
            "first": EARLIEST_DATE.isoformat(),
            "last": latest.isoformat(),
        }
    return None


def month_problem(year: int, month: int, today: date) -> str | None:
    """A report or indicator month lies between 1990-01 and this month (figures of a month that
    has not begun do not exist)."""
    if (year, month) > (today.year, today.month):
        return _("The month must not be after this month (%(month)s).") % {
            "month": f"{today.year}-{today.month:02d}"
        }
    if (year, month) < (EARLIEST_DATE.year, EARLIEST_DATE.month):
        return _("The month must not be before %(month)s.") % {"month": "1990-01"}
    return None
