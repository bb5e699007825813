"""Escalation across months: 2 red → reminder, 3 → 区域节能评估限批 until a published month is
no longer red; a month with no data, or one never published, breaks the run (clause (十八))."""

from datetime import date

import pytest

from screening.early_warning.escalations import escalation_in_force, restriction_in_force
from screening.early_warning.publishing import publish_months, save_indicator_months
from screening.models import EscalationEnd, EscalationEvent, IndicatorMonth
from tests.screening.early_warning.conftest import (
    ANYANG,
    GREEN,
    HUAXIAN,
    RED,
    backdate,
    energy_row,
    publish_series,
    region,
)

pytestmark = pytest.mark.django_db


def events():
    return list(
        EscalationEvent.objects.filter(region__code=ANYANG)
        .order_by("started_year", "started_month", "kind")
        .values_list(
            "kind", "started_year", "started_month", "ended_year", "ended_month", "end_reason"
        )
    )


def test_two_red_months_bring_a_reminder_and_three_the_restriction():
    publish_series(ANYANG, [(2024, 1, RED), (2024, 2, RED)])
    assert events() == [("reminder", 2024, 2, None, None, "")]
    info = escalation_in_force(region(ANYANG), date(2024, 3, 1))
    assert info.kind == "reminder" and info.red_months == ("2024-01", "2024-02")
    assert restriction_in_force(region(ANYANG), date(2024, 3, 1)) is None

    publish_series(ANYANG, [(2024, 3, RED)])
    assert events() == [
        ("reminder", 2024, 2, 2024, 3, EscalationEnd.ESCALATED),
        ("restriction", 2024, 3, None, None, ""),
    ]
    info = restriction_in_force(region(ANYANG), date(2024, 4, 1))
    assert info.red_months == ("2024-01", "2024-02", "2024-03")
    assert info.started == "2024-03" and info.event is not None
    assert "区域节能评估限批" in info.message()
    # Month M counts from the 1st of M+1: on 31 March only two red months count.
    assert restriction_in_force(region(ANYANG), date(2024, 3, 31)) is None


def test_the_restriction_holds_through_more_red_months_and_ends_on_a_green_one():
    publish_series(ANYANG, [(2024, m, RED) for m in range(1, 6)])
    assert restriction_in_force(region(ANYANG), date(2024, 6, 1)) is not None
    publish_series(ANYANG, [(2024, 6, GREEN)])
    assert restriction_in_force(region(ANYANG), date(2024, 7, 1)) is None
    assert events()[-1] == ("restriction", 2024, 3, 2024, 6, EscalationEnd.NOT_RED)
    # It was still in force during June (May counted).
    assert restriction_in_force(region(ANYANG), date(2024, 6, 30)) is not None


def test_a_month_with_no_data_breaks_the_run():
    publish_series(
        ANYANG, [(2024, 1, RED), (2024, 2, RED), (2024, 3, None), (2024, 4, RED), (2024, 5, RED)]
    )
    assert events() == [
        ("reminder", 2024, 2, 2024, 3, EscalationEnd.NO_TIER),
        ("reminder", 2024, 5, None, None, ""),
    ]
    assert restriction_in_force(region(ANYANG), date(2024, 6, 1)) is None


def test_a_month_never_published_breaks_the_run_once_a_later_one_is_published():
    publish_series(ANYANG, [(2024, 1, RED), (2024, 2, RED), (2024, 3, RED)])
    save_indicator_months([energy_row(ANYANG, 2024, 4, RED)])  # entered, not published
    publish_series(ANYANG, [(2024, 5, RED)])
    assert events() == [
        ("reminder", 2024, 2, 2024, 3, EscalationEnd.ESCALATED),
        ("restriction", 2024, 3, 2024, 4, EscalationEnd.GAP),
    ]
    assert restriction_in_force(region(ANYANG), date(2024, 6, 1)) is None
    # Publishing April closes the gap: one run of five red months again.
    publish_months(
        IndicatorMonth.objects.filter(region__code=ANYANG, year=2024, month=4), user=None
    )
    backdate(ANYANG, [(2024, 4)])
    assert events() == [
        ("reminder", 2024, 2, 2024, 3, EscalationEnd.ESCALATED),
        ("restriction", 2024, 3, None, None, ""),
    ]
    assert restriction_in_force(region(ANYANG), date(2024, 6, 1)).red_months == (
        "2024-01",
        "2024-02",
        "2024-03",
        "2024-04",
        "2024-05",
    )


def test_unpublished_months_do_not_escalate():
    save_indicator_months([energy_row(ANYANG, 2024, m, RED) for m in (1, 2, 3)])
    assert events() == []
    assert restriction_in_force(region(ANYANG), date(2024, 6, 1)) is None


def test_a_correction_that_removes_a_red_month_withdraws_the_escalation():
    publish_series(ANYANG, [(2024, 1, RED), (2024, 2, RED), (2024, 3, RED)])
    publish_series(ANYANG, [(2024, 2, GREEN)])
    kinds = {(k, reason) for k, _y, _m, _ey, _em, reason in events()}
    assert kinds == {
        ("reminder", EscalationEnd.CORRECTED),
        ("restriction", EscalationEnd.CORRECTED),
    }
    assert restriction_in_force(region(ANYANG), date(2024, 4, 1)) is None


def test_a_county_without_its_own_barometer_is_restricted_with_its_city():
    publish_series(ANYANG, [(2024, 1, RED), (2024, 2, RED), (2024, 3, RED)])
    info = restriction_in_force(region(HUAXIAN), date(2024, 4, 1))
    assert info is not None and info.inherited
    assert info.series_region.code == ANYANG
    assert "滑县" in info.message()


def test_the_province_itself_is_never_restricted():
    assert restriction_in_force(region("410000"), date(2024, 4, 1)) is None
