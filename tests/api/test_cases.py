"""Review cases: list, open, detail with timeline, and transitions through the services."""

from __future__ import annotations

from screening.models import CaseEvent, CaseState, ReviewCase
from tests.api.conftest import error_of
from tests.factories import ProjectFactory, case_in_state, complete_an_evaluation, pdf_upload

CASES = "/api/cases/"


def act(api, case, name, **data):
    return api.post(f"{CASES}{case.pk}/transitions/{name}/", data, format="json")


def test_an_agency_opens_and_submits_a_case(api_for, agency_a):
    project = ProjectFactory()
    api = api_for(agency_a)
    opened = api.post(CASES, {"project": project.pk}, format="json")
    assert opened.status_code == 201
    body = opened.json()
    assert body["state"] == "draft" and "submit" in body["available_transitions"]
    case = ReviewCase.objects.get()
    submitted = act(api, case, "submit", expected_state="draft", comment="请审核")
    assert submitted.status_code == 200
    body = submitted.json()
    assert body["state"] == "submitted" and body["verdict"] == "COMPLIANT"
    assert [e["transition"] for e in body["timeline"]] == ["open", "submit"]
    assert body["timeline"][1]["comment"] == "请审核"
    assert body["findings"] and body["rule_set"]


def test_a_second_open_case_for_a_project_is_a_409(api_for, agency_a):
    project = ProjectFactory()
    api = api_for(agency_a)
    api.post(CASES, {"project": project.pk}, format="json")
    response = api.post(CASES, {"project": project.pk}, format="json")
    assert response.status_code == 409 and error_of(response)["code"] == "conflict"


def test_only_an_agency_of_the_region_opens_a_case(api_for, agency_b, city_reviewer_a):
    project = ProjectFactory()
    response = api_for(agency_b).post(CASES, {"project": project.pk}, format="json")
    assert response.status_code == 400  # not a project agency_b can see
    response = api_for(city_reviewer_a).post(CASES, {"project": project.pk}, format="json")
    assert response.status_code == 403 and error_of(response)["code"] == "forbidden"


def test_the_list_is_scoped_filtered_and_has_my_queue(api_for, agency_a, agency_b, city_reviewer_a):
    waiting = case_in_state(CaseState.SUBMITTED, agency=agency_a)
    draft = case_in_state(CaseState.DRAFT, agency=agency_a)
    api = api_for(city_reviewer_a)
    assert {c["id"] for c in api.get(CASES).json()["results"]} == {waiting.pk, draft.pk}
    assert [c["id"] for c in api.get(CASES, {"waiting": "true"}).json()["results"]] == [waiting.pk]
    assert [c["id"] for c in api.get(CASES, {"state": "draft"}).json()["results"]] == [draft.pk]
    assert api_for(agency_b).get(CASES).json()["count"] == 0
    assert api.get(CASES, {"state": "nonsense"}).status_code == 400


def test_the_detail_has_the_timeline_with_attachments(
    api_for, agency_a, city_reviewer_a, provincial_reviewer
):
    case = case_in_state(
        CaseState.RECTIFICATION_SUBMITTED,
        agency=agency_a,
        city=city_reviewer_a,
        province=provincial_reviewer,
    )
    body = api_for(provincial_reviewer).get(f"{CASES}{case.pk}/").json()
    steps = [e["transition"] for e in body["timeline"]]
    assert steps == ["open", "submit", "forward", "order_rectification", "submit_rectification"]
    assert body["timeline"][3]["data"]["disposition"] == "DEFER"
    attachment = body["timeline"][4]["attachments"][0]
    download = api_for(provincial_reviewer).get(attachment["url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert set(body["available_transitions"]) >= {"reject_rectification", "close"}


def test_the_city_forwards_and_the_province_approves(
    api_for, agency_a, city_reviewer_a, provincial_reviewer
):
    case = case_in_state(CaseState.SUBMITTED, agency=agency_a)
    assert (
        act(api_for(city_reviewer_a), case, "forward", opinion="同意").json()["state"]
        == "provincial_review"
    )
    case.refresh_from_db()
    complete_an_evaluation(case, provincial_reviewer)  # (十一): every 拟建 case (revision 4)
    response = act(
        api_for(provincial_reviewer), case, "approve", expected_state="provincial_review"
    )
    assert response.status_code == 200 and response.json()["state"] == "approved"


def test_a_stale_expected_state_is_a_409_and_nothing_changes(api_for, agency_a, city_reviewer_a):
    case = case_in_state(CaseState.SUBMITTED, agency=agency_a)
    response = act(
        api_for(city_reviewer_a), case, "forward", opinion="同意", expected_state="draft"
    )
    assert response.status_code == 409 and error_of(response)["code"] == "conflict"
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED
    assert CaseEvent.objects.filter(case=case).count() == 2


def test_a_transition_the_state_does_not_allow_is_a_409(api_for, agency_a, provincial_reviewer):
    case = case_in_state(CaseState.DRAFT, agency=agency_a)
    response = act(api_for(provincial_reviewer), case, "approve")
    assert response.status_code == 409 and error_of(response)["code"] == "not_allowed"


def test_someone_elses_action_is_a_403(api_for, agency_a, observer, provincial_reviewer):
    case = case_in_state(CaseState.SUBMITTED, agency=agency_a)
    for user in (observer, provincial_reviewer):  # 郑州 has city review first
        response = act(api_for(user), case, "forward", opinion="同意")
        assert response.status_code == 403, user.username
        assert error_of(response)["code"] == "forbidden"


def test_a_guard_refusal_is_a_422(api_for, agency_a, city_reviewer_a, provincial_reviewer):
    case = case_in_state(
        CaseState.PROVINCIAL_REVIEW, agency=agency_a, city=city_reviewer_a, non_compliant=True
    )
    response = act(api_for(provincial_reviewer, language="en"), case, "approve")
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "guard" and "compliant" in error["message"]


def test_missing_input_is_a_400_naming_the_field(api_for, agency_a):
    case = case_in_state(CaseState.DRAFT, agency=agency_a)
    response = act(api_for(agency_a), case, "withdraw")
    assert response.status_code == 400
    assert error_of(response)["details"][0]["field"] == "reason"
    response = act(api_for(agency_a), case, "withdraw", reason="x", expected_state="bogus")
    assert response.status_code == 400


def test_an_unknown_transition_is_a_404(api_for, agency_a):
    case = case_in_state(CaseState.DRAFT, agency=agency_a)
    assert act(api_for(agency_a), case, "teleport").status_code == 404


def test_rectification_evidence_is_sent_as_multipart(
    api_for, agency_a, city_reviewer_a, provincial_reviewer
):
    case = case_in_state(
        CaseState.RECTIFYING, agency=agency_a, city=city_reviewer_a, province=provincial_reviewer
    )
    api = api_for(agency_a)
    without = api.post(
        f"{CASES}{case.pk}/transitions/submit_rectification/",
        {"comment": "整改完成"},
        format="multipart",
    )
    assert without.status_code == 400
    response = api.post(
        f"{CASES}{case.pk}/transitions/submit_rectification/",
        {"comment": "整改完成", "files": [pdf_upload()], "expected_state": "rectifying"},
        format="multipart",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["state"] == "rectification_submitted"
    assert body["timeline"][-1]["attachments"][0]["original_name"] == "整改报告.pdf"


def test_a_case_of_another_region_does_not_exist_for_me(api_for, agency_a, agency_b):
    case = case_in_state(CaseState.DRAFT, agency=agency_a)
    assert api_for(agency_b).get(f"{CASES}{case.pk}/").status_code == 404
    assert act(api_for(agency_b), case, "withdraw", reason="x").status_code == 404
    case.refresh_from_db()
    assert case.state == CaseState.DRAFT
