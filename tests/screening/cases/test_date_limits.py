"""Every date a person enters falls in a sensible window (issue 13 item 9), with a clear message
and nothing changed: a rectification deadline within two years of today, a screening date
between 1990-01-01 and two years ahead, a report or indicator month not after this month."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from screening import date_limits
from screening.cases import services as workflow
from screening.cases.refusals import TransitionRefused
from screening.models import CaseState, IndicatorMonth, Report
from tests.api.conftest import error_of, token_client
from tests.factories import case_in_state

TODAY = date(2026, 12, 4)


# --- The windows (pure) ----------------------------------------------------------------------


def test_a_deadline_is_after_today_and_at_most_two_years_away():
    assert date_limits.deadline_problem(TODAY + timedelta(days=1), TODAY) is None
    assert date_limits.deadline_problem(date(2028, 12, 4), TODAY) is None
    assert "after today" in date_limits.deadline_problem(TODAY, TODAY)
    assert "2028-12-04" in date_limits.deadline_problem(date(2028, 12, 5), TODAY)
    assert date_limits.deadline_problem(date(9999, 12, 31), TODAY)


def test_two_years_after_29_february_is_28_february():
    assert date_limits.latest_deadline(date(2028, 2, 29)) == date(2030, 2, 28)


def test_a_screening_date_lies_between_1990_and_two_years_ahead():
    assert date_limits.as_of_problem(date(1990, 1, 1), TODAY) is None
    assert date_limits.as_of_problem(date(2028, 12, 4), TODAY) is None
    assert date_limits.as_of_problem(date(1989, 12, 31), TODAY)
    assert date_limits.as_of_problem(date(2028, 12, 5), TODAY)
    assert date_limits.as_of_problem(date(9999, 12, 31), TODAY)


def test_a_month_is_not_after_this_month():
    assert date_limits.month_problem(2026, 12, TODAY) is None
    assert date_limits.month_problem(1990, 1, TODAY) is None
    assert "2026-12" in date_limits.month_problem(2027, 1, TODAY)
    assert date_limits.month_problem(1989, 12, TODAY)


# --- Where people enter them -----------------------------------------------------------------


def _too_far() -> str:
    return (date_limits.latest_deadline(timezone.localdate()) + timedelta(days=1)).isoformat()


@pytest.mark.parametrize("far", ["9999-12-31", "too far"])
def test_the_service_refuses_a_far_deadline_and_changes_nothing(people, far):
    """Issue 13 item 9: order_rectification accepted 9999-12-31 and hung every case page."""
    far = date.fromisoformat(_too_far() if far == "too far" else far)
    case = case_in_state(CaseState.PROVINCIAL_REVIEW, agency=people["agency"], city=people["city"])
    with pytest.raises(TransitionRefused) as info:
        workflow.order_rectification(
            case, acting_user=people["province"], disposition="DEFER", deadline=far
        )
    assert info.value.code == "invalid" and "two years" in str(info.value.reason)
    case.refresh_from_db()
    assert case.state == CaseState.PROVINCIAL_REVIEW and case.rectification_deadline is None


def test_the_last_day_of_the_window_is_accepted(people):
    case = case_in_state(CaseState.PROVINCIAL_REVIEW, agency=people["agency"], city=people["city"])
    latest = date_limits.latest_deadline(timezone.localdate())
    workflow.order_rectification(
        case, acting_user=people["province"], disposition="DEFER", deadline=latest
    )
    assert case.rectification_deadline == latest


@pytest.mark.parametrize(
    "transition,state,body",
    [
        ("order_rectification", CaseState.PROVINCIAL_REVIEW, {"disposition": "DEFER"}),
        ("reject_rectification", CaseState.RECTIFICATION_SUBMITTED, {"comment": "不到位"}),
    ],
)
def test_the_api_refuses_a_deadline_of_9999(people, transition, state, body):
    case = case_in_state(
        state, agency=people["agency"], city=people["city"], province=people["province"]
    )
    response = token_client(people["province"]).post(
        f"/api/cases/{case.pk}/transitions/{transition}/",
        {"expected_state": state, "deadline": "9999-12-31", **body},
        format="json",
    )
    assert response.status_code == 400
    error = error_of(response)
    assert any("two years" in d["message"] for d in error["details"]), error
    case.refresh_from_db()
    assert case.state == state


def test_the_case_form_refuses_a_far_deadline_and_offers_only_the_window(client, people):
    case = case_in_state(CaseState.PROVINCIAL_REVIEW, agency=people["agency"], city=people["city"])
    client.force_login(people["province"])
    page = client.get(reverse("screening:case", args=[case.pk])).content.decode()
    latest = date_limits.latest_deadline(timezone.localdate()).isoformat()
    assert f'max="{latest}"' in page
    client.cookies["django_language"] = "en"  # the switch, not the browser (issue 15)
    response = client.post(
        reverse("screening:case_transition", args=[case.pk, "order_rectification"]),
        {
            "order_rectification-expected_state": "provincial_review",
            "order_rectification-disposition": "RECTIFY",
            "order_rectification-deadline": "9999-12-31",
        },
    )
    assert response.status_code == 400
    assert "within two years" in response.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.PROVINCIAL_REVIEW


@pytest.mark.parametrize("as_of", ["9999-12-31", "1900-01-01"])
def test_the_api_refuses_a_screening_date_out_of_the_window(agency_a, as_of):
    response = token_client(agency_a).post(
        "/api/screening/", {"as_of": as_of, "project": {}}, format="json"
    )
    assert response.status_code == 400
    assert "as_of" in {d["field"] for d in error_of(response)["details"]}


def test_a_report_of_a_month_that_has_not_begun_is_refused(client, provincial_reviewer):
    today = timezone.localdate()
    next_month = (today.replace(day=28) + timedelta(days=5)).strftime("%Y-%m")
    client.force_login(provincial_reviewer)
    client.cookies["django_language"] = "en"  # the switch, not the browser (issue 15)
    response = client.post(
        reverse("screening:report_generate"),
        {"kind": "monthly_report", "region": "410000", "month": next_month},
        follow=True,
    )
    assert "must not be after this month" in response.content.decode()
    assert not Report.objects.exists()


def test_the_indicator_form_refuses_a_future_month(client, provincial_reviewer):
    today = timezone.localdate()
    client.force_login(provincial_reviewer)
    client.cookies["django_language"] = "en"  # the switch, not the browser (issue 15)
    response = client.post(
        reverse("screening:indicator_new"),
        {
            "region": "410100",
            "month": f"{today.year + 1}-01",
            "energy_total_tce": "660",
            "energy_budget_tce": "1,200",
        },
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"month"}
    assert IndicatorMonth.objects.count() == 0


def test_an_api_upload_refuses_a_screening_date_out_of_the_window(agency_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = token_client(agency_a).post(
        "/api/ledger/uploads/",
        {
            "region": "410100",
            "as_of": "9999-12-31",
            "file": SimpleUploadedFile("l.xlsx", b"PK\x03\x04"),
        },
        format="multipart",
    )
    assert response.status_code == 400
    assert "as_of" in {d["field"] for d in error_of(response)["details"]}
