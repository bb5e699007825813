"""Approving: each guard of SPEC §5 refuses with its own reason, checked at approval time."""

from datetime import date

import pytest

from screening.cases import services as workflow
from screening.cases.refusals import TransitionRefused
from screening.models import CaseState, Project
from tests.factories import ProjectFactory, case_in_state, complete_an_evaluation, pdf_upload
from tests.screening.cases.conftest import publish_red_months, record_missed_targets


def in_review(people, *, evaluated: bool = True, **project_fields):
    """A case under provincial review; a planned one with its evaluation done unless told."""
    case = case_in_state(
        CaseState.PROVINCIAL_REVIEW, agency=people["agency"], city=people["city"], **project_fields
    )
    if evaluated and case.is_planned:
        complete_an_evaluation(case, people["province"])
    return case


def refusal_of_approve(case, user) -> TransitionRefused:
    with pytest.raises(TransitionRefused) as refused:
        workflow.approve_case(case, acting_user=user)
    case.refresh_from_db()
    assert case.state == CaseState.PROVINCIAL_REVIEW
    return refused.value


def test_a_compliant_case_is_approved(people):
    case = in_review(people)
    workflow.approve_case(case, acting_user=people["province"], comment="同意")
    assert case.state == CaseState.APPROVED
    assert case.decided_by == people["province"]


def test_it_refuses_when_the_frozen_screening_is_not_compliant(people):
    case = in_review(people, non_compliant=True)
    refusal = refusal_of_approve(case, people["province"])
    assert refusal.code == "guard" and "compliant" in refusal.reason


def test_it_refuses_when_the_region_is_restricted_at_approval_time(people):
    case = in_review(people)  # screened COMPLIANT: no red months yet
    publish_red_months("410100", 3)
    refusal = refusal_of_approve(case, people["province"])
    assert "区域节能评估限批" in refusal.reason


def test_two_red_months_are_not_yet_a_restriction(people):
    case = in_review(people)
    publish_red_months("410100", 2)
    workflow.approve_case(case, acting_user=people["province"])
    assert case.state == CaseState.APPROVED


def test_it_refuses_when_the_region_missed_last_years_targets(people):
    case = in_review(people)
    record_missed_targets("410100")
    refusal = refusal_of_approve(case, people["province"])
    assert "last year's energy dual-control target" in refusal.reason


def test_a_missed_pollutant_target_refuses_even_a_livelihood_project_clause_18(people):
    """Revision 4, (十八): the livelihood exemption covers the 节能审查 suspension only."""
    case = in_review(people, livelihood=True)
    record_missed_targets("410100", dual_control=True, pollutant=False)
    refusal = refusal_of_approve(case, people["province"])
    assert "pollutant-total target" in refusal.reason


@pytest.mark.parametrize("stage", ["在建", "存量"])
def test_region_guards_apply_to_planned_projects_only_section_5(people, stage):
    """Revision 4: restriction and missed targets hold back 拟建 projects only, as R07/R08."""
    case = in_review(
        people,
        stage=stage,
        energy_review_ref="豫发改〔2024〕1号",
        energy_review_date=date(2024, 1, 5),
        eia_ref="豫环审〔2024〕1号",
        eia_date=date(2024, 1, 6),
        last_energy_diagnosis=date(2024, 1, 1),
        last_cleaner_production=date(2024, 1, 1),
    )
    assert not case.is_planned
    publish_red_months("410100", 3)
    record_missed_targets("410100", dual_control=False, pollutant=False)
    workflow.approve_case(case, acting_user=people["province"])
    assert case.state == CaseState.APPROVED


def test_every_planned_case_needs_a_completed_evaluation_clause_11(people):
    """Revision 4, (十一): no approval of a planned project before its evaluation, whether or
    not R03 applies."""
    province = people["province"]
    case = in_review(people, evaluated=False)
    assert not case.capacity_replacement_applies
    refusal = refusal_of_approve(case, province)
    assert refusal.code == "guard" and "(十一)" in refusal.reason
    complete_an_evaluation(case, province)
    workflow.approve_case(case, acting_user=province)
    assert case.state == CaseState.APPROVED


def test_a_project_under_construction_needs_no_evaluation_clause_11(people):
    case = in_review(
        people,
        evaluated=False,
        stage="在建",
        energy_review_ref="豫发改〔2024〕1号",
        energy_review_date=date(2024, 1, 5),
        eia_ref="豫环审〔2024〕1号",
        eia_date=date(2024, 1, 6),
    )
    workflow.approve_case(case, acting_user=people["province"])
    assert case.state == CaseState.APPROVED


def test_a_livelihood_project_is_approved_despite_missed_targets(people):
    case = in_review(people, livelihood=True)
    record_missed_targets("410100")
    workflow.approve_case(case, acting_user=people["province"])
    assert case.state == CaseState.APPROVED


def test_a_livelihood_project_is_still_refused_under_restriction(people):
    case = in_review(people, livelihood=True)
    publish_red_months("410100", 3)
    assert "区域节能评估限批" in refusal_of_approve(case, people["province"]).reason


def test_capacity_replacement_needs_a_completed_evaluation(people):
    province = people["province"]
    case = in_review(people, evaluated=False, capacity_replacement=True)
    assert case.capacity_replacement_applies
    refusal = refusal_of_approve(case, province)
    assert "(十一)" in refusal.reason
    workflow.request_evaluation(
        case, acting_user=province, kind="window_guidance", scope="产能置换方案"
    )
    workflow.complete_evaluation(
        case, acting_user=province, result="符合要求", files=[pdf_upload("评估报告.pdf")]
    )
    workflow.approve_case(case, acting_user=province)
    assert case.state == CaseState.APPROVED


def test_without_capacity_replacement_r03_does_not_apply(people):
    case = in_review(people)
    assert not case.capacity_replacement_applies


def test_the_page_lists_the_blocked_approval_with_its_reason(people):
    case = in_review(people, non_compliant=True)
    assert "approve" not in workflow.available_transitions(case, people["province"])
    blocked = dict(workflow.blocked_transitions(case, people["province"]))
    assert "compliant" in blocked["approve"]


def test_approval_reads_the_ledger_as_frozen_not_as_changed_since(people):
    case = in_review(people)
    Project.objects.filter(pk=case.project_id).update(policy_fit=False)
    workflow.approve_case(case, acting_user=people["province"])
    assert case.state == CaseState.APPROVED


def test_a_county_reporting_to_the_province_is_decided_by_the_province(
    agency_county, provincial_reviewer
):
    from screening.models import Region

    project = ProjectFactory(
        region=Region.objects.get(code="410181"), project_code="2401-410181-04-01-000009"
    )
    case = case_in_state(CaseState.PROVINCIAL_REVIEW, agency=agency_county, project=project)
    complete_an_evaluation(case, provincial_reviewer)
    workflow.approve_case(case, acting_user=provincial_reviewer)
    assert case.state == CaseState.APPROVED
