"""The case pages: scoping of every view and download, forms for the actions the user may
take now, stale forms that keep the input, filters and paging."""

from __future__ import annotations

import pytest
from django.urls import reverse

from screening.models import CaseState, Region, ReviewCase
from tests.conftest import make_user
from tests.factories import ProjectFactory, case_in_state, pdf_upload


@pytest.fixture
def cases(people, agency_county):
    """A 郑州 case with a file, and a 巩义 (province-direct county) case with a file."""
    zhengzhou = case_in_state(
        CaseState.RECTIFICATION_SUBMITTED,
        agency=people["agency"],
        city=people["city"],
        province=people["province"],
    )
    county_project = ProjectFactory(
        region=Region.objects.get(code="410181"), project_code="2401-410181-04-01-000077"
    )
    county = case_in_state(
        CaseState.RECTIFICATION_SUBMITTED,
        agency=agency_county,
        province=people["province"],
        project=county_project,
    )
    return {"own": zhengzhou, "county": county}


# persona → which of the cases it may see
VISIBLE = {
    "agency_a": {"own"},
    "city_reviewer_a": {"own"},
    "observer_a": {"own"},
    "agency_b": set(),
    "city_reviewer_b": set(),
    "agency_county": {"county"},
    "provincial_reviewer": {"own", "county"},
    "observer": {"own", "county"},
}


@pytest.mark.parametrize("persona", list(VISIBLE))
@pytest.mark.parametrize("which", ["own", "county"])
def test_case_page_and_download_are_scoped(client, persona, which, cases, request):
    client.force_login(request.getfixturevalue(persona))
    case = cases[which]
    attachment = case.attachments.get()
    may_see = which in VISIBLE[persona]
    page = client.get(reverse("screening:case", args=[case.pk]))
    download = client.get(reverse("screening:case_file", args=[case.pk, attachment.pk]))
    assert page.status_code == (200 if may_see else 404)
    assert download.status_code == (200 if may_see else 404)
    if may_see:
        assert download["Content-Disposition"].startswith("attachment")
        assert download["Content-Type"] == "application/pdf"
        assert b"".join(download.streaming_content).startswith(b"%PDF-")
    # Transitions are scoped as well: an invisible case cannot be acted on.
    post = client.post(
        reverse("screening:case_transition", args=[case.pk, "close"]),
        {"close-expected_state": case.state, "close-reason": "x"},
    )
    if not may_see:
        assert post.status_code == 404
    listing = client.get(reverse("screening:cases")).content.decode()
    assert (case.project.project_code in listing) == may_see


def test_a_file_of_another_case_is_not_served_through_a_visible_case(client, cases, agency_a):
    client.force_login(agency_a)
    other_file = cases["county"].attachments.get()
    response = client.get(reverse("screening:case_file", args=[cases["own"].pk, other_file.pk]))
    assert response.status_code == 404


def test_anonymous_users_are_sent_to_sign_in(client, cases):
    response = client.get(reverse("screening:case", args=[cases["own"].pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_page_shows_findings_clauses_and_only_the_users_forms(client, people):
    case = case_in_state(CaseState.SUBMITTED, agency=people["agency"])
    client.force_login(people["city"])
    body = client.get(reverse("screening:case", args=[case.pk])).content.decode()
    assert "R13" in body and "(四)3" in body
    assert case.findings[0]["message_zh"] in body
    assert 'id="action-forward"' in body and 'id="action-return_for_info"' in body
    assert 'id="action-approve"' not in body
    client.force_login(people["province"])
    body = client.get(reverse("screening:case", args=[case.pk])).content.decode()
    assert "action-" not in body


def test_findings_are_explained_in_english_when_the_ui_is_english(client, people):
    case = case_in_state(CaseState.SUBMITTED, agency=people["agency"])
    client.force_login(people["city"])
    client.cookies["django_language"] = "en"
    body = client.get(reverse("screening:case", args=[case.pk])).content.decode()
    assert case.findings[-1]["message_en"] in body


def test_observers_read_but_cannot_act(client, people, observer):
    case = case_in_state(CaseState.PROVINCIAL_REVIEW, agency=people["agency"], city=people["city"])
    client.force_login(observer)
    body = client.get(reverse("screening:case", args=[case.pk])).content.decode()
    assert "action-" not in body
    response = client.post(
        reverse("screening:case_transition", args=[case.pk, "approve"]),
        {"approve-expected_state": case.state},
    )
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.state == CaseState.PROVINCIAL_REVIEW


def test_a_transition_through_the_form(client, people):
    case = case_in_state(CaseState.SUBMITTED, agency=people["agency"])
    client.force_login(people["city"])
    response = client.post(
        reverse("screening:case_transition", args=[case.pk, "forward"]),
        {"forward-expected_state": "submitted", "forward-opinion": "同意上报"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.PROVINCIAL_REVIEW
    assert case.events.last().comment == "同意上报"


def test_a_stale_form_says_the_case_changed_and_keeps_the_input(client, people):
    case = case_in_state(CaseState.PROVINCIAL_REVIEW, agency=people["agency"], city=people["city"])
    other = make_user("province_2", "provincial_reviewer", "410000")
    # Both reviewers open the page; the other one rejects first.
    from screening.cases import services as workflow

    workflow.reject_case(ReviewCase.objects.get(pk=case.pk), acting_user=other, reason="否")
    client.force_login(people["province"])
    typed = "经审查，同意该项目，请按程序办理后续手续。"
    response = client.post(
        reverse("screening:case_transition", args=[case.pk, "approve"]),
        {"approve-expected_state": "provincial_review", "approve-comment": typed},
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "changed by someone else" in body or "已被他人" in body
    assert typed in body  # nothing the user typed is lost
    case.refresh_from_db()
    assert case.state == CaseState.REJECTED


def test_a_refused_guard_re_renders_with_the_reason_and_the_input(client, people):
    case = case_in_state(
        CaseState.PROVINCIAL_REVIEW,
        agency=people["agency"],
        city=people["city"],
        non_compliant=True,
    )
    client.force_login(people["province"])
    response = client.post(
        reverse("screening:case_transition", args=[case.pk, "approve"]),
        {"approve-expected_state": "provincial_review", "approve-comment": "我的意见"},
    )
    assert response.status_code == 400
    assert "我的意见" in response.content.decode()


def test_invalid_input_keeps_the_input_and_changes_nothing(client, people):
    case = case_in_state(CaseState.PROVINCIAL_REVIEW, agency=people["agency"], city=people["city"])
    client.force_login(people["province"])
    response = client.post(
        reverse("screening:case_transition", args=[case.pk, "order_rectification"]),
        {
            "order_rectification-expected_state": "provincial_review",
            "order_rectification-disposition": "DEFER",
            "order_rectification-deadline": "2000-01-01",
            "order_rectification-comment": "需整改",
        },
    )
    assert response.status_code == 400
    assert "需整改" in response.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.PROVINCIAL_REVIEW


def test_an_unknown_action_or_garbage_is_a_404_not_a_500(client, people):
    case = case_in_state(CaseState.SUBMITTED, agency=people["agency"])
    client.force_login(people["city"])
    assert (
        client.post(reverse("screening:case_transition", args=[case.pk, "explode"])).status_code
        == 404
    )
    assert client.get(reverse("screening:case_new") + "?project=abc").status_code == 404
    response = client.get(reverse("screening:cases") + "?state=nonsense&page=zz")
    assert response.status_code == 200


def test_evidence_upload_through_the_form(client, people):
    case = case_in_state(
        CaseState.RECTIFYING,
        agency=people["agency"],
        city=people["city"],
        province=people["province"],
    )
    client.force_login(people["agency"])
    response = client.post(
        reverse("screening:case_transition", args=[case.pk, "submit_rectification"]),
        {
            "submit_rectification-expected_state": "rectifying",
            "submit_rectification-files": [pdf_upload("证据1.pdf"), pdf_upload("证据2.pdf")],
        },
    )
    assert response.status_code == 302
    assert sorted(case.attachments.values_list("original_name", flat=True)) == [
        "证据1.pdf",
        "证据2.pdf",
    ]


def test_an_agency_opens_a_case_from_a_project(client, agency_a, agency_b):
    project = ProjectFactory()
    client.force_login(agency_b)
    assert client.get(reverse("screening:case_new") + f"?project={project.pk}").status_code == 404
    client.force_login(agency_a)
    page = client.get(reverse("screening:case_new") + f"?project={project.pk}")
    assert page.status_code == 200
    response = client.post(reverse("screening:case_new"), {"project": project.pk})
    case = ReviewCase.objects.get(project=project)
    assert response["Location"] == reverse("screening:case", args=[case.pk])
    again = client.post(reverse("screening:case_new"), {"project": project.pk})
    assert again.status_code == 409


def test_my_queue_lists_what_waits_for_me(client, people):
    waiting = case_in_state(CaseState.SUBMITTED, agency=people["agency"])
    later = case_in_state(CaseState.PROVINCIAL_REVIEW, agency=people["agency"], city=people["city"])
    client.force_login(people["city"])
    body = client.get(reverse("screening:my_queue")).content.decode()
    assert waiting.project.project_code in body and later.project.project_code not in body
    client.force_login(people["province"])
    body = client.get(reverse("screening:my_queue")).content.decode()
    assert later.project.project_code in body and waiting.project.project_code not in body


def test_filters_and_overdue(client, people):
    fine = case_in_state(CaseState.SUBMITTED, agency=people["agency"])
    late = case_in_state(
        CaseState.PROVINCIAL_REVIEW,
        agency=people["agency"],
        city=people["city"],
        non_compliant=True,
    )
    ReviewCase.objects.filter(pk=late.pk).update(due_date="2020-01-02")
    client.force_login(people["province"])

    def codes(query: str) -> set[str]:
        body = client.get(reverse("screening:cases") + query).content.decode()
        return {c.project.project_code for c in (fine, late) if c.project.project_code in body}

    assert codes("") == {fine.project.project_code, late.project.project_code}
    assert codes("?overdue=on") == {late.project.project_code}
    assert codes("?state=submitted") == {fine.project.project_code}
    assert codes("?verdict=NON_COMPLIANT") == {late.project.project_code}
    assert codes("?disposition=PROCEED") == {fine.project.project_code}
    assert codes("?region=410300") == set()
    assert codes("?sector=化工&region=410100") == {
        fine.project.project_code,
        late.project.project_code,
    }
    body = client.get(reverse("screening:cases") + "?overdue=on").content.decode()
    assert "overdue-badge" in body


def test_the_list_pages_and_its_queries_do_not_grow_with_rows(
    client, people, django_assert_max_num_queries
):
    for _ in range(30):
        case_in_state(CaseState.SUBMITTED, agency=people["agency"])
    client.force_login(people["province"])
    with django_assert_max_num_queries(12):
        first = client.get(reverse("screening:cases"))
    assert "?page=2" in first.content.decode()
    assert client.get(reverse("screening:cases") + "?page=2").status_code == 200


def test_the_workflow_diagram_is_drawn_from_the_machine(client, agency_a):
    client.force_login(agency_a)
    body = client.get(reverse("screening:workflow_diagram")).content.decode()
    assert body.count("<svg") == 1 and "<script" not in body.split("<footer>")[0]
    for state in CaseState:
        assert f'class="state {state.value}"' in body
    field = ReviewCase._meta.get_field("state")
    edges = sum(
        len(getattr(t.target, "allowed_states", [t.target]))
        for t in field.get_all_transitions(ReviewCase)
    )
    assert body.count('class="edge ') == edges
