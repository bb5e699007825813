"""Actions offered are actions allowed (issue 13 item 7): the pages ask the same functions as
the services; a rectification order offers only the dispositions of the project's stage (SPEC
§4 disposition table); a project that leaves the ledger under an open case is named in the
preview and flagged on the case page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from screening.cases import services as workflow
from screening.cases.forms import form_for, initial_for
from screening.cases.refusals import TransitionRefused
from screening.models import CaseState, ProjectStatus
from screening.rules.engine import dispositions_for_stage
from tests.factories import ProjectFactory, case_in_state

# --- Opening a review case --------------------------------------------------------------------


def test_an_administrator_is_not_offered_to_open_a_case_the_service_refuses(client, administrator):
    project = ProjectFactory()
    assert workflow.open_case_refusal(project, administrator) is not None
    with pytest.raises(TransitionRefused):
        workflow.open_case(project, acting_user=administrator)
    client.force_login(administrator)
    page = client.get(reverse("screening:project", args=[project.pk])).content.decode()
    assert reverse("screening:case_new") not in page


def test_the_agency_is_offered_it_until_a_case_is_open(client, agency_a):
    project = ProjectFactory()
    client.force_login(agency_a)
    url = reverse("screening:project", args=[project.pk])
    assert reverse("screening:case_new") in client.get(url).content.decode()
    workflow.open_case(project, acting_user=agency_a)
    assert reverse("screening:case_new") not in client.get(url).content.decode()


# --- Dispositions by stage (SPEC §4 table) -------------------------------------------------------


@pytest.mark.parametrize(
    "stage,offered",
    [
        ("拟建", ["REJECT", "DEFER"]),
        ("在建", ["STOP_AND_INVESTIGATE", "STOP_AND_RECTIFY"]),
        ("存量", ["CLOSE", "SUSPEND_PRODUCTION", "RECTIFY"]),
    ],
)
def test_a_rectification_order_offers_only_the_dispositions_of_the_stage(people, stage, offered):
    case = case_in_state(
        CaseState.PROVINCIAL_REVIEW, agency=people["agency"], city=people["city"], stage=stage
    )
    form = form_for("order_rectification", case, initial=initial_for("order_rectification", case))
    assert [value for value, _label in form.fields["disposition"].choices] == offered
    assert form.initial["disposition"] in offered
    assert [d.value for d in dispositions_for_stage(stage)] == offered


def test_the_page_of_a_planned_project_offers_neither_stop_work_nor_proceed(client, people):
    case = case_in_state(CaseState.PROVINCIAL_REVIEW, agency=people["agency"], city=people["city"])
    client.force_login(people["province"])
    page = client.get(reverse("screening:case", args=[case.pk])).content.decode()
    form = page.split('name="order_rectification-disposition"')[1].split("</select>")[0]
    assert 'value="DEFER"' in form and 'value="REJECT"' in form
    assert 'value="STOP_AND_RECTIFY"' not in form and 'value="PROCEED"' not in form


def test_the_service_refuses_a_disposition_of_another_stage(people):
    case = case_in_state(CaseState.PROVINCIAL_REVIEW, agency=people["agency"], city=people["city"])
    with pytest.raises(TransitionRefused) as refused:
        workflow.order_rectification(
            case,
            acting_user=people["province"],
            disposition="STOP_AND_RECTIFY",
            deadline=timezone.localdate() + timedelta(days=30),
        )
    assert refused.value.code == "invalid"
    case.refresh_from_db()
    assert case.state == CaseState.PROVINCIAL_REVIEW


def test_the_api_refuses_a_disposition_of_another_stage(client, people):
    case = case_in_state(CaseState.PROVINCIAL_REVIEW, agency=people["agency"], city=people["city"])
    client.force_login(people["province"])
    response = client.post(
        f"/api/cases/{case.pk}/transitions/order_rectification/",
        {
            "disposition": "PROCEED",
            "deadline": (timezone.localdate() + timedelta(days=30)).isoformat(),
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.state == CaseState.PROVINCIAL_REVIEW


# --- The case page of a project that left the ledger ---------------------------------------


def test_the_case_page_shows_that_its_project_left_the_ledger(client, people):
    case = case_in_state(CaseState.SUBMITTED, agency=people["agency"], city=people["city"])
    client.force_login(people["city"])
    url = reverse("screening:case", args=[case.pk])
    assert 'id="left-ledger"' not in client.get(url).content.decode()
    project = case.project
    project.status, project.removal_reason = ProjectStatus.REMOVED, "cancelled"
    project.save()
    page = client.get(url).content.decode()
    assert 'id="left-ledger"' in page
