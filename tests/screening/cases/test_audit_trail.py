"""Every step is recorded for good: who, when, from, to, comment, attachments, screening."""

from datetime import timedelta

from django.utils import timezone

from screening.cases import services as workflow
from screening.cases.refusals import TransitionRefused
from screening.models import CaseEvent, CaseState
from tests.factories import case_in_state, pdf_upload


def test_a_full_journey_leaves_a_complete_trail(people):
    agency, city, province = people["agency"], people["city"], people["province"]
    case = case_in_state(CaseState.DRAFT, agency=agency, capacity_replacement=True)
    workflow.submit_case(case, acting_user=agency, comment="首次报送")
    workflow.return_case(case, acting_user=city, comment="请补充产能置换方案")
    workflow.submit_case(
        case, acting_user=agency, comment="已补充", files=[pdf_upload("置换方案.pdf")]
    )
    workflow.forward_case(case, acting_user=city, opinion="同意上报")
    workflow.request_evaluation(
        case, acting_user=province, kind="third_party", scope="产能置换及能效水平"
    )
    workflow.complete_evaluation(
        case, acting_user=province, result="评估通过", files=[pdf_upload("评估报告.pdf")]
    )
    deadline = timezone.localdate() + timedelta(days=30)
    workflow.order_rectification(
        case, acting_user=province, disposition="DEFER", deadline=deadline, comment="能效需提升"
    )
    workflow.submit_rectification(case, acting_user=agency, files=[pdf_upload("整改.pdf")])
    workflow.reject_rectification(case, acting_user=province, comment="证据不足")
    workflow.submit_rectification(case, acting_user=agency, files=[pdf_upload("整改2.pdf")])
    workflow.verify_rectification(case, acting_user=province, comment="验收通过")

    events = list(CaseEvent.objects.filter(case=case).order_by("at", "id"))
    assert [(e.transition, e.from_state, e.to_state) for e in events] == [
        ("open", "", "draft"),
        ("submit", "draft", "submitted"),
        ("return_for_info", "submitted", "returned"),
        ("submit", "returned", "submitted"),
        ("forward", "submitted", "provincial_review"),
        ("request_evaluation", "provincial_review", "evaluation"),
        ("complete_evaluation", "evaluation", "provincial_review"),
        ("order_rectification", "provincial_review", "rectifying"),
        ("submit_rectification", "rectifying", "rectification_submitted"),
        ("reject_rectification", "rectification_submitted", "rectifying"),
        ("submit_rectification", "rectifying", "rectification_submitted"),
        ("verify_rectification", "rectification_submitted", "approved"),
    ]
    actors = [e.actor.username for e in events]
    assert actors == [
        "agency_a",
        "agency_a",
        "city_a",
        "agency_a",
        "city_a",
        "province",
        "province",
        "province",
        "agency_a",
        "province",
        "agency_a",
        "province",
    ]
    assert all(e.at is not None for e in events)
    comments = {e.transition: e.comment for e in events}
    assert comments["forward"] == "同意上报"
    assert comments["request_evaluation"] == "产能置换及能效水平"
    assert events[5].data == {"kind": "third_party"}
    assert events[7].data == {"disposition": "DEFER", "deadline": deadline.isoformat()}
    # The screening snapshot is on every event after the first submit.
    for event in events[1:]:
        assert event.screening["verdict"] == "COMPLIANT"
        assert event.screening["rule_set"] and event.screening["findings"]
    files = {
        e.transition + str(i): [a.original_name for a in e.attachments.all()]
        for i, e in enumerate(events)
    }
    assert files["submit3"] == ["置换方案.pdf"]
    assert files["complete_evaluation6"] == ["评估报告.pdf"]
    assert files["submit_rectification8"] == ["整改.pdf"]
    assert case.attachments.count() == 4


def test_a_refused_action_writes_no_event(people):
    case = case_in_state(CaseState.SUBMITTED, agency=people["agency"])
    before = case.events.count()
    try:
        workflow.approve_case(case, acting_user=people["province"])
    except TransitionRefused:
        pass
    assert case.events.count() == before
