"""The person who submitted a case never reviews it, whatever role they hold later."""

import pytest

from accounts.models import Role
from screening import permissions
from screening.cases import services as workflow
from screening.cases.refusals import TransitionRefused
from screening.models import CaseState, Region
from tests.factories import case_in_state, complete_an_evaluation


def promote(user, role, region_code):
    user.role = role
    user.save()
    user.regions.set([Region.objects.get(code=region_code)])
    user._scope_region_ids = None


def test_a_submitter_made_provincial_reviewer_cannot_decide_their_case(people):
    agency = people["agency"]
    case = case_in_state(CaseState.PROVINCIAL_REVIEW, agency=agency, city=people["city"])
    complete_an_evaluation(case, people["province"])
    promote(agency, Role.PROVINCIAL_REVIEWER, "410000")
    assert workflow.available_transitions(case, agency) == []
    for action in (workflow.approve_case, workflow.reject_case):
        with pytest.raises(TransitionRefused) as refused:
            action(
                case,
                acting_user=agency,
                **({"reason": "x"} if action is workflow.reject_case else {}),
            )
        assert refused.value.code == "forbidden"
        assert "You submitted this case" in refused.value.reason
    assert case not in permissions.cases_waiting_for(agency)
    # Another provincial reviewer can.
    assert "approve" in workflow.available_transitions(case, people["province"])


def test_a_submitter_made_city_reviewer_cannot_forward_their_case(people):
    agency = people["agency"]
    case = case_in_state(CaseState.SUBMITTED, agency=agency)
    promote(agency, Role.CITY_REVIEWER, "410100")
    with pytest.raises(TransitionRefused) as refused:
        workflow.forward_case(case, acting_user=agency, opinion="同意")
    assert "You submitted this case" in refused.value.reason
    assert not permissions.cases_waiting_for(agency).exists()
    assert permissions.cases_waiting_for(people["city"]).get() == case


def test_whoever_submitted_rectification_evidence_cannot_verify_it(people):
    case = case_in_state(
        CaseState.RECTIFICATION_SUBMITTED,
        agency=people["agency"],
        city=people["city"],
        province=people["province"],
    )
    promote(people["agency"], Role.PROVINCIAL_REVIEWER, "410000")
    with pytest.raises(TransitionRefused):
        workflow.verify_rectification(case, acting_user=people["agency"])


def test_city_reviewers_have_no_part_in_province_direct_cases(
    agency_county, city_reviewer_a, provincial_reviewer
):
    from tests.factories import ProjectFactory

    project = ProjectFactory(
        region=Region.objects.get(code="410181"), project_code="2401-410181-04-01-000002"
    )
    case = case_in_state(CaseState.PROVINCIAL_REVIEW, agency=agency_county, project=project)
    assert workflow.available_transitions(case, city_reviewer_a) == []
    assert permissions.cases_waiting_for(provincial_reviewer).get() == case
