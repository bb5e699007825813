"""The state machine as a matrix: every state × every transition × every role.

The transitions and states come from the machine itself; what is expected comes from SPEC §5's
table, written out below independently, so a change to either shows up here.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from screening.cases import services as workflow
from screening.cases.refusals import TransitionRefused
from screening.models import CaseState, ReviewCase
from tests.factories import case_in_state, complete_an_evaluation, pdf_upload

S = CaseState
MACHINE = ReviewCase._meta.get_field("state")
MACHINE_TRANSITIONS = sorted({t.name for t in MACHINE.get_all_transitions(ReviewCase)})

# SPEC §5: transition → {source state: role who may take it}.
SPEC = {
    "submit": {S.DRAFT: "agency", S.RETURNED: "agency"},
    "withdraw": {S.DRAFT: "agency", S.SUBMITTED: "agency", S.RETURNED: "agency"},
    "return_for_info": {S.SUBMITTED: "city", S.PROVINCIAL_REVIEW: "province"},
    "forward": {S.SUBMITTED: "city"},
    "request_evaluation": {S.PROVINCIAL_REVIEW: "province"},
    "complete_evaluation": {S.EVALUATION: "province"},
    "approve": {S.PROVINCIAL_REVIEW: "province"},
    "reject": {S.PROVINCIAL_REVIEW: "province"},
    "order_rectification": {S.PROVINCIAL_REVIEW: "province"},
    "submit_rectification": {S.RECTIFYING: "agency"},
    "verify_rectification": {S.RECTIFICATION_SUBMITTED: "province"},
    "reject_rectification": {S.RECTIFICATION_SUBMITTED: "province"},
    "close": {S.RECTIFYING: "province", S.RECTIFICATION_SUBMITTED: "province"},
}
TARGET = {
    "submit": S.SUBMITTED,
    "withdraw": S.WITHDRAWN,
    "return_for_info": S.RETURNED,
    "forward": S.PROVINCIAL_REVIEW,
    "request_evaluation": S.EVALUATION,
    "complete_evaluation": S.PROVINCIAL_REVIEW,
    "approve": S.APPROVED,
    "reject": S.REJECTED,
    "order_rectification": S.RECTIFYING,
    "submit_rectification": S.RECTIFICATION_SUBMITTED,
    "verify_rectification": S.APPROVED,
    "reject_rectification": S.RECTIFYING,
    "close": S.CLOSED,
}
# Persona fixture → the role it plays on a 郑州 case (None: none, it is another city's user).
PERSONAS = {
    "agency_a": "agency",
    "city_reviewer_a": "city",
    "provincial_reviewer": "province",
    "observer": None,
    "observer_a": None,
    "agency_b": None,
    "city_reviewer_b": None,
    "agency_county": None,
}


def valid_input(name: str) -> dict:
    later = timezone.localdate() + timedelta(days=30)
    return {
        "withdraw": {"reason": "项目取消"},
        "return_for_info": {"comment": "补充材料"},
        "forward": {"opinion": "同意"},
        "request_evaluation": {"kind": "third_party", "scope": "能效水平"},
        "complete_evaluation": {"result": "评估通过", "files": [pdf_upload()]},
        "reject": {"reason": "不符合"},
        "order_rectification": {"disposition": "DEFER", "deadline": later},
        "submit_rectification": {"files": [pdf_upload()]},
        "reject_rectification": {"comment": "整改不到位"},
        "close": {"reason": "已关停"},
    }.get(name, {})


class RolledBack(Exception):
    """Undo a transition that succeeded, so the next one starts from the same state."""


def test_the_machine_has_exactly_the_transitions_and_sources_of_the_spec():
    assert MACHINE_TRANSITIONS == sorted(SPEC)
    for name in MACHINE_TRANSITIONS:
        sources = {t.source for t in MACHINE.get_all_transitions(ReviewCase) if t.name == name}
        assert sources == {str(s) for s in SPEC[name]}, name


@pytest.mark.parametrize("state", list(CaseState))
@pytest.mark.parametrize("persona", list(PERSONAS))
def test_state_transition_role_matrix(
    state, persona, request, agency_a, city_reviewer_a, provincial_reviewer
):
    user = request.getfixturevalue(persona)
    case = case_in_state(state, agency=agency_a, city=city_reviewer_a, province=provincial_reviewer)
    if state == CaseState.PROVINCIAL_REVIEW:
        complete_an_evaluation(case, provincial_reviewer)  # (十一): approve needs it (拟建)
    role = PERSONAS[persona]
    expected_available = {
        name for name, who in SPEC.items() if role is not None and who.get(state) == role
    }
    assert set(workflow.available_transitions(case, user)) == expected_available

    for name in MACHINE_TRANSITIONS:
        allowed = name in expected_available
        try:
            with transaction.atomic():
                workflow.SERVICES[name](case, acting_user=user, **valid_input(name))
                assert allowed, f"{persona} could {name} in {state}"
                assert case.state == TARGET[name]
                raise RolledBack
        except RolledBack:
            pass
        except TransitionRefused as refusal:
            assert not allowed, f"{persona} could not {name} in {state}: {refusal.reason}"
            expected_code = "not_allowed" if state not in SPEC[name] else "forbidden"
            assert refusal.code == expected_code, (name, refusal.reason)
            assert str(refusal.reason)
        case.refresh_from_db()
        case.forget_derived()
        assert case.state == state  # nothing changed, whatever happened
