"""Submitting a case: the screening is run and frozen on it; province-direct regions skip the
city; a ledger row without its required fields is refused."""

from datetime import date

import pytest

from screening.cases import services as workflow
from screening.cases.refusals import TransitionRefused
from screening.models import CaseState, Project, Region, RuleSet
from tests.factories import ProjectFactory, case_in_state


def test_it_screens_and_freezes_the_result_under_the_rule_set_in_force(agency_a):
    case = case_in_state(CaseState.DRAFT, agency=agency_a)
    workflow.submit_case(case, acting_user=agency_a)
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED
    assert case.verdict == "COMPLIANT" and case.disposition == "PROCEED"
    assert case.rule_set == RuleSet.in_force(date.today())
    assert [f["rule"] for f in case.findings][:2] == ["R01", "R02"]
    assert all(f["message_zh"] and f["message_en"] for f in case.findings)
    assert case.project_snapshot["project_code"] == case.project.project_code
    assert case.submitted_by == agency_a


def test_the_frozen_screening_does_not_follow_later_ledger_changes(agency_a):
    case = case_in_state(CaseState.SUBMITTED, agency=agency_a)
    Project.objects.filter(pk=case.project_id).update(policy_fit=False)
    case.refresh_from_db()
    assert case.verdict == "COMPLIANT"


@pytest.mark.parametrize("code", ["410181", "419001", "410173"])  # 巩义, 济源, 航空港区
def test_province_direct_regions_go_straight_to_provincial_review(code, db):
    from tests.conftest import make_user

    agency = make_user(f"agency_{code}", "agency", code)
    project = ProjectFactory(
        region=Region.objects.get(code=code), project_code=f"2401-{code}-04-01-000001"
    )
    case = case_in_state(CaseState.DRAFT, agency=agency, project=project)
    workflow.submit_case(case, acting_user=agency)
    assert case.state == CaseState.PROVINCIAL_REVIEW


def test_a_city_case_goes_to_city_review(agency_a):
    case = case_in_state(CaseState.SUBMITTED, agency=agency_a)
    assert case.state == CaseState.SUBMITTED


def test_it_refuses_when_required_ledger_fields_are_missing(agency_a):
    project = ProjectFactory(new_capacity=50, capacity_unit=None)  # 产能单位 required then
    case = case_in_state(CaseState.DRAFT, agency=agency_a, project=project)
    with pytest.raises(TransitionRefused) as refused:
        workflow.submit_case(case, acting_user=agency_a)
    assert refused.value.code == "guard"
    assert "产能单位" in refused.value.reason
    case.refresh_from_db()
    assert case.state == CaseState.DRAFT and case.verdict == ""


def test_it_refuses_a_project_that_left_the_ledger(agency_a):
    case = case_in_state(CaseState.DRAFT, agency=agency_a)
    Project.objects.filter(pk=case.project_id).update(status="removed")
    case.project.refresh_from_db()
    with pytest.raises(TransitionRefused) as refused:
        workflow.submit_case(case, acting_user=agency_a)
    assert "left the ledger" in refused.value.reason


def test_it_refuses_when_no_rule_set_is_in_force(agency_a):
    case = case_in_state(CaseState.DRAFT, agency=agency_a)
    for offset, rule_set in enumerate(RuleSet.objects.order_by("effective_from")):
        rule_set.effective_from = date(2999, 1, 1 + offset)
        rule_set.save()
    with pytest.raises(TransitionRefused) as refused:
        workflow.submit_case(case, acting_user=agency_a)
    assert "No rule set is in force" in refused.value.reason
    case.refresh_from_db()
    assert case.state == CaseState.DRAFT


def test_a_returned_case_is_screened_again_on_resubmit(people):
    case = case_in_state(CaseState.RETURNED, agency=people["agency"], city=people["city"])
    Project.objects.filter(pk=case.project_id).update(policy_fit=False)
    case.project.refresh_from_db()
    workflow.submit_case(case, acting_user=people["agency"])
    assert case.state == CaseState.SUBMITTED and case.verdict == "NON_COMPLIANT"
    assert case.events.filter(transition="submit").count() == 2


def test_one_open_case_per_project_and_cycles_count_up(people):
    case = case_in_state(
        CaseState.REJECTED,
        agency=people["agency"],
        city=people["city"],
        province=people["province"],
    )
    second = workflow.open_case(case.project, acting_user=people["agency"])
    assert second.cycle == 2
    with pytest.raises(TransitionRefused) as refused:
        workflow.open_case(case.project, acting_user=people["agency"])
    assert refused.value.code == "conflict"


def test_only_the_regions_agency_opens_a_case(agency_b, city_reviewer_a, observer):
    project = ProjectFactory()
    for user in (agency_b, city_reviewer_a, observer):
        with pytest.raises(TransitionRefused) as refused:
            workflow.open_case(project, acting_user=user)
        assert refused.value.code == "forbidden"
