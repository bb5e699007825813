"""Working days follow China's holiday notices: Spring Festival off, make-up days on."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from screening import deadlines
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
    type(case).objects.filter(pk=case.pk).update(due_date=timezone.localdate()
                                                  - timedelta(days=1))
    case.refresh_from_db()
    assert case.is_overdue
    approved = case_in_state(CaseState.APPROVED, agency=people["agency"], city=people["city"],
                             province=people["province"])
    type(case).objects.filter(pk=approved.pk).update(due_date=date(2000, 1, 1))
    approved.refresh_from_db()
    assert not approved.is_overdue


@pytest.mark.parametrize("negative", [-1])
def test_negative_day_counts_are_refused(negative):
    with pytest.raises(ValueError):
        deadlines.add_working_days(date(2024, 1, 1), negative)
