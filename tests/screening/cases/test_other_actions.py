"""Inputs each action needs (SPEC §5 "needs"): refused with a reason when missing, nothing
changed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from screening.cases import services as workflow
from screening.cases.refusals import TransitionRefused
from screening.models import CaseState, Project
from tests.factories import case_in_state, pdf_upload


def refused(call, case, state):
    with pytest.raises(TransitionRefused) as info:
        call()
    case.refresh_from_db()
    assert case.state == state
    return info.value


@pytest.mark.parametrize(
    "action,kwargs,state",
    [
        (workflow.withdraw_case, {"reason": "  "}, CaseState.DRAFT),
        (workflow.return_case, {"comment": ""}, CaseState.SUBMITTED),
        (workflow.forward_case, {"opinion": ""}, CaseState.SUBMITTED),
        (
            workflow.request_evaluation,
            {"kind": "window_guidance", "scope": ""},
            CaseState.PROVINCIAL_REVIEW,
        ),
        (
            workflow.request_evaluation,
            {"kind": "astrology", "scope": "x"},
            CaseState.PROVINCIAL_REVIEW,
        ),
        (workflow.complete_evaluation, {"result": "ok", "files": []}, CaseState.EVALUATION),
        (workflow.reject_case, {"reason": ""}, CaseState.PROVINCIAL_REVIEW),
        (
            workflow.order_rectification,
            {"disposition": "DEFER", "deadline": None},
            CaseState.PROVINCIAL_REVIEW,
        ),
        (
            workflow.order_rectification,
            {"disposition": "", "deadline": "later"},
            CaseState.PROVINCIAL_REVIEW,
        ),
        (
            workflow.order_rectification,
            {"disposition": "DEFER", "deadline": "today"},
            CaseState.PROVINCIAL_REVIEW,
        ),
        (workflow.submit_rectification, {"files": []}, CaseState.RECTIFYING),
        (workflow.reject_rectification, {"comment": ""}, CaseState.RECTIFICATION_SUBMITTED),
        (workflow.close_case, {"reason": ""}, CaseState.RECTIFYING),
    ],
)
def test_it_refuses_missing_input(action, kwargs, state, people):
    today = timezone.localdate()
    dates = {"later": today + timedelta(days=10), "today": today}
    kwargs = {k: dates.get(v, v) if isinstance(v, str) else v for k, v in kwargs.items()}
    case = case_in_state(
        state, agency=people["agency"], city=people["city"], province=people["province"]
    )
    actor = {
        CaseState.DRAFT: "agency",
        CaseState.SUBMITTED: "city",
        CaseState.RECTIFYING: "agency" if action is workflow.submit_rectification else "province",
    }.get(state, "province")
    refusal = refused(lambda: action(case, acting_user=people[actor], **kwargs), case, state)
    assert refusal.code == "invalid" and str(refusal.reason)


def test_rectification_ordered_then_verified_with_a_fresh_compliant_screening(people):
    case = case_in_state(
        CaseState.PROVINCIAL_REVIEW,
        agency=people["agency"],
        city=people["city"],
        non_compliant=True,
    )
    deadline = timezone.localdate() + timedelta(days=40)
    workflow.order_rectification(
        case, acting_user=people["province"], disposition="REJECT", deadline=deadline
    )
    assert case.due_date == deadline and case.ordered_disposition == "REJECT"
    workflow.submit_rectification(case, acting_user=people["agency"], files=[pdf_upload()])
    # Still non-compliant in the ledger: the rectification cannot be accepted.
    info = refused(
        lambda: workflow.verify_rectification(case, acting_user=people["province"]),
        case,
        CaseState.RECTIFICATION_SUBMITTED,
    )
    assert info.code == "guard" and "fresh screening" in info.reason
    # The agency fixes the ledger; a fresh screening is COMPLIANT and frozen on the case.
    Project.objects.filter(pk=case.project_id).update(policy_fit=True)
    case.project.refresh_from_db()
    workflow.verify_rectification(case, acting_user=people["province"])
    assert case.state == CaseState.APPROVED and case.verdict == "COMPLIANT"
    assert case.events.last().screening["verdict"] == "COMPLIANT"


def test_rejecting_a_rectification_may_move_the_deadline(people):
    case = case_in_state(
        CaseState.RECTIFICATION_SUBMITTED,
        agency=people["agency"],
        city=people["city"],
        province=people["province"],
    )
    later = timezone.localdate() + timedelta(days=120)
    workflow.reject_rectification(
        case, acting_user=people["province"], comment="不到位", deadline=later
    )
    assert case.state == CaseState.RECTIFYING
    assert case.rectification_deadline == later == case.due_date


def test_rejecting_a_rectification_keeps_the_deadline_by_default(people):
    case = case_in_state(
        CaseState.RECTIFICATION_SUBMITTED,
        agency=people["agency"],
        city=people["city"],
        province=people["province"],
    )
    before = case.rectification_deadline
    workflow.reject_rectification(case, acting_user=people["province"], comment="不到位")
    assert case.rectification_deadline == before == case.due_date


def test_stale_expected_state_is_a_conflict(people):
    case = case_in_state(CaseState.SUBMITTED, agency=people["agency"])
    info = refused(
        lambda: workflow.forward_case(
            case, acting_user=people["city"], opinion="同意", expected_state="draft"
        ),
        case,
        CaseState.SUBMITTED,
    )
    assert info.code == "conflict"
