"""Review time limits and rectification deadlines, counted in Chinese working days.

Working days follow the State Council's holiday notices as shipped in the `chinesecalendar`
package: statutory holidays are off, make-up days (调休上班, e.g. a Saturday) are working days.
For a year the package has no data for yet, Monday to Friday are counted and the result is
marked as an estimate: a deadline is never refused because next year's notice is not out.
"""

from __future__ import annotations

import logging
from bisect import bisect_right
from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar
from django.conf import settings

log = logging.getLogger(__name__)

# PRODUCT DEFAULTS, NOT POLICY: working days a case may wait in each stage before it is marked
# overdue. The action plan sets no such limits; these are what the product ships with so that
# overdue review is visible at all. The province overrides them with a REVIEW_TIME_LIMITS dict
# in the settings (same keys: case states). States absent here have no time limit; the
# rectification deadline is set by the provincial reviewer on each case instead.
DEFAULT_REVIEW_TIME_LIMITS: dict[str, int] = {
    "submitted": 10,  # city review (市级审核)
    "returned": 15,  # the agency supplies what was asked for (补充材料)
    "provincial_review": 20,  # provincial review (省级审核)
    "evaluation": 30,  # window guidance or third-party evaluation (窗口指导/第三方评估)
    "rectification_submitted": 10,  # checking the rectification evidence
}


def review_time_limits() -> dict[str, int]:
    """The limits in force: the product defaults overridden by settings.REVIEW_TIME_LIMITS."""
    return {**DEFAULT_REVIEW_TIME_LIMITS, **settings.REVIEW_TIME_LIMITS}


def calendar_is_known(day: date) -> bool:
    """Whether the holiday notices for `day`'s year are in the calendar package."""
    try:
        chinese_calendar.is_workday(day)
    except NotImplementedError:
        return False
    return True


@lru_cache(maxsize=8192)
def is_working_day(day: date) -> bool:
    """A Chinese working day: not a holiday, or a make-up day; Mon–Fri in years not yet known.

    Cached: the answer only depends on the day and the installed calendar package (a case list
    counts the working days up to every case's due date, dozens of days per row)."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def add_working_days(start: date, days: int) -> date:
    """The `days`-th working day after `start` (start itself is not counted)."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def _weekdays_through(day: date) -> int:
    """Monday–Friday days from 0001-01-01 (a Monday, ordinal 1) up to and including `day`."""
    weeks, rest = divmod(day.toordinal(), 7)
    return weeks * 5 + min(rest, 5)


@lru_cache(maxsize=1)
def _calendar_exceptions() -> tuple[list[date], list[date]]:
    """The calendar table's exceptions to Monday–Friday, sorted: holidays falling on a weekday,
    and make-up working days (调休上班) falling on a weekend."""
    from chinese_calendar.constants import holidays, workdays

    days_off = sorted(day for day in holidays if day.weekday() < 5 and day not in workdays)
    days_on = sorted(day for day in workdays if day.weekday() >= 5)
    return days_off, days_on


def _count_in(days: list[date], start: date, end: date) -> int:
    """How many of the sorted `days` lie after `start`, up to and including `end`."""
    return bisect_right(days, end) - bisect_right(days, start)


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end`; negative when `end` is earlier.

    Costs the same whatever the distance (issue 13 item 9: a deadline in 9999 once took a
    minute per page): whole weeks are counted arithmetically, then the calendar table's
    holidays and make-up days in the range are found by bisection. Years the table does not
    cover have no exceptions, so they count Monday–Friday, as is_working_day does."""
    if end < start:
        return -working_days_between(end, start)
    days_off, days_on = _calendar_exceptions()
    return (
        _weekdays_through(end)
        - _weekdays_through(start)
        - _count_in(days_off, start, end)
        + _count_in(days_on, start, end)
    )


def review_due_date(state: str, entered: date) -> date | None:
    """When a case that entered `state` on `entered` becomes overdue; None if untimed."""
    limit = review_time_limits().get(str(state))
    if limit is None:
        return None
    return add_working_days(entered, limit)


def days_left(due: date, today: date) -> int:
    """Working days left until `due` (0 = due today); negative = working days overdue."""
    return working_days_between(today, due)
