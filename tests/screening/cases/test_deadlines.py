"""Working days follow China's holiday notices: Spring Festival off, make-up days on."""

import random
from datetime import date, timedelta

import pytest
from django.utils import timezone

from screening.cases import deadlines
from screening.models import CaseState
from tests.factories import case_in_state


def test_the_spring_festival_week_is_not_counted():
    # 2024: 春节 10–17 February off; Sunday 4 and Sunday 18 February are make-up working days.
    assert deadlines.add_working_days(date(2024, 2, 8), 1) == date(2024, 2, 9)
    assert deadlines.add_working_days(date(2024, 2, 9), 1) == date(2024, 2, 18)
    assert deadlines.add_working_days(date(2024, 2, 9), 2) == date(2024, 2, 19)
    assert deadlines.working_days_between(date(2024, 2, 9), date(2024, 2, 19)) == 2


def test_a_make_up_saturday_is_a_working_day():
    # 2024 劳动节: Saturday 11 May is worked in lieu of the holiday.
    assert deadlines.is_working_day(date(2024, 5, 11))
    assert not deadlines.is_working_day(date(2024, 5, 1))
    assert deadlines.add_working_days(date(2024, 5, 10), 1) == date(2024, 5, 11)
    assert deadlines.add_working_days(date(2024, 4, 30), 1) == date(2024, 5, 6)


def test_ten_working_days_across_the_national_day_holiday():
    # 2024 国庆: 1–7 October off; Sunday 29 September and Saturday 12 October worked.
    assert deadlines.add_working_days(date(2024, 9, 27), 10) == date(2024, 10, 16)


def test_days_left_and_overdue():
    assert deadlines.days_left(date(2024, 2, 19), date(2024, 2, 9)) == 2
    assert deadlines.days_left(date(2024, 2, 9), date(2024, 2, 9)) == 0
    assert deadlines.days_left(date(2024, 2, 9), date(2024, 2, 19)) == -2


def test_years_without_a_holiday_notice_count_monday_to_friday():
    far = date(2099, 6, 5)  # a Friday
    assert not deadlines.calendar_is_known(far)
    assert deadlines.add_working_days(far, 1) == date(2099, 6, 8)


def test_the_limits_are_product_defaults_that_settings_override(settings):
    assert deadlines.review_time_limits()["submitted"] == 10
    settings.REVIEW_TIME_LIMITS = {"submitted": 3}
    assert deadlines.review_time_limits()["submitted"] == 3
    assert deadlines.review_time_limits()["provincial_review"] == 20


def test_a_submitted_case_is_due_after_the_city_review_limit(agency_a):
    case = case_in_state(CaseState.SUBMITTED, agency=agency_a)
    assert case.due_date == deadlines.add_working_days(timezone.localdate(), 10)
    assert not case.is_overdue


def test_a_case_past_its_due_date_is_overdue_and_a_final_one_never(people):
    case = case_in_state(CaseState.SUBMITTED, agency=people["agency"])
    type(case).objects.filter(pk=case.pk).update(due_date=timezone.localdate() - timedelta(days=1))
    case.refresh_from_db()
    assert case.is_overdue
    approved = case_in_state(
        CaseState.APPROVED,
        agency=people["agency"],
        city=people["city"],
        province=people["province"],
    )
    type(case).objects.filter(pk=approved.pk).update(due_date=date(2000, 1, 1))
    approved.refresh_from_db()
    assert not approved.is_overdue


@pytest.mark.parametrize("negative", [-1])
def test_negative_day_counts_are_refused(negative):
    with pytest.raises(ValueError):
        deadlines.add_working_days(date(2024, 1, 1), negative)


def _stepwise_working_days(start: date, end: date) -> int:
    """The reference count: one day at a time (what working_days_between did before)."""
    sign, low, high = (1, start, end) if start <= end else (-1, end, start)
    count, day = 0, low
    while day < high:
        day += timedelta(days=1)
        count += deadlines.is_working_day(day)
    return sign * count


def test_the_working_day_count_matches_the_day_by_day_count_on_random_ranges():
    """Issue 13 item 9: the arithmetic count (whole weeks, holidays from the calendar table)
    gives exactly the day-by-day count, across holidays, make-up days and uncovered years."""
    rng = random.Random(13)
    for _ in range(400):
        start = date(2002, 1, 1) + timedelta(days=rng.randrange(365 * 28))
        end = start + timedelta(days=rng.randrange(-800, 800))
        assert deadlines.working_days_between(start, end) == _stepwise_working_days(start, end), (
            start,
            end,
        )


def test_the_working_day_count_matches_around_each_holiday_and_make_up_day():
    from chinese_calendar.constants import holidays, workdays

    for special in sorted({*holidays, *workdays})[::7]:
        for start_offset, end_offset in ((-1, 0), (0, 1), (-3, 3), (-10, 20)):
            start = special + timedelta(days=start_offset)
            end = special + timedelta(days=end_offset)
            assert deadlines.working_days_between(start, end) == _stepwise_working_days(
                start, end
            ), (start, end)


def test_a_deadline_in_9999_is_counted_without_stepping_through_the_days():
    """Issue 13 item 9: 9999-12-31 once made every case page count millions of days."""
    today = date(2026, 12, 4)
    far = date(9999, 12, 31)
    left = deadlines.days_left(far, today)
    # Up to the table's last year its days, after it Monday–Friday: checked in two pieces.
    from chinese_calendar.constants import holidays

    end_of_table = date(max(holidays).year, 12, 31)
    assert left == _stepwise_working_days(today, end_of_table) + deadlines._weekdays_through(
        far
    ) - deadlines._weekdays_through(end_of_table)
    assert deadlines.days_left(today, far) == -left
    assert deadlines.working_days_between(date(1, 1, 1), far) > 2_600_000


def test_counting_working_days_does_not_step_through_the_days():
    """Issue 13 item 9: the cost is the same whatever the distance. Day-by-day counting asked
    is_working_day once per day (73,000 times for 200 years); the count now asks it nothing."""
    deadlines.is_working_day.cache_clear()
    deadlines.working_days_between(date(2000, 1, 1), date(2200, 1, 1))
    info = deadlines.is_working_day.cache_info()
    assert info.hits + info.misses == 0
