"""Who may see and move review cases (SPEC §2, §5), on top of permissions.py's region scope.

Roles on a case: the agency of the case's region keeps and submits it; the city reviewer of its
review line (the case's region is in their scope and they are not a province user) does the
first review, except for regions that report straight to the province; provincial reviewers
(members of the province) decide. Observers only read. The person who submitted a case never
reviews it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import Role
from screening.models import CaseEvent, CaseState, Region, ReviewCase
from screening.permissions import is_province_user, may_see_region, scope_region_ids, scoped

if TYPE_CHECKING:
    from accounts.models import User

# Transitions that put a case before reviewers: whoever did them may not review that case.
SUBMITTING_TRANSITIONS = ("submit", "submit_rectification")

AGENCY_STATES = (CaseState.DRAFT, CaseState.RETURNED, CaseState.RECTIFYING)
CITY_STATES = (CaseState.SUBMITTED,)
PROVINCE_STATES = (CaseState.PROVINCIAL_REVIEW, CaseState.EVALUATION,
                   CaseState.RECTIFICATION_SUBMITTED)


def skips_city_review(region: Region) -> bool:
    """The region's cases go straight to provincial review (济源, 航空港区, 省直管县)."""
    return region.skips_city_review


def _skipping_region_ids() -> list[int]:
    return list(Region.objects.filter(province_direct=True).values_list("pk", flat=True))


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def submitter_ids(case: ReviewCase) -> set[int]:
    """Everyone who submitted this case or its rectification evidence."""
    ids = set(CaseEvent.objects.filter(case=case, transition__in=SUBMITTING_TRANSITIONS)
              .values_list("actor_id", flat=True))
    if case.submitted_by_id:
        ids.add(case.submitted_by_id)
    return ids


def is_submitter(case: ReviewCase, user: User) -> bool:
    return user.pk in submitter_ids(case)


def is_case_agency(case: ReviewCase, user: User) -> bool:
    """An agency uploader whose regions cover the case's region."""
    return _active(user) and user.role == Role.AGENCY and may_see_region(user, case.region_id)


def is_case_city_reviewer(case: ReviewCase, user: User) -> bool:
    """A city reviewer on the case's review line (never for province-direct regions)."""
    return (_active(user) and user.role == Role.CITY_REVIEWER
            and may_see_region(user, case.region_id) and not is_province_user(user)
            and not skips_city_review(case.region))


def is_provincial_reviewer(user: User) -> bool:
    return (_active(user) and user.role == Role.PROVINCIAL_REVIEWER
            and is_province_user(user))


# --- Permission callables of the transitions (case, user) -----------------------------------

def acts_as_agency(case: ReviewCase, user: User) -> bool:
    return is_case_agency(case, user)


def reviews_as_city(case: ReviewCase, user: User) -> bool:
    return is_case_city_reviewer(case, user) and not is_submitter(case, user)


def decides_as_province(case: ReviewCase, user: User) -> bool:
    return (is_provincial_reviewer(user) and may_see_region(user, case.region_id)
            and not is_submitter(case, user))


def can_open_case(user: User, project) -> bool:
    """Agencies open review cases for projects of their own ledger."""
    return (_active(user) and user.role == Role.AGENCY
            and may_see_region(user, project.region_id))


# --- Seeing cases ---------------------------------------------------------------------------

def cases_visible_to(user: User) -> QuerySet[ReviewCase]:
    return scoped(ReviewCase.objects.all(), user)


def get_case_for_user(user: User, pk: int) -> ReviewCase:
    """The case, or 404 when it does not exist or lies outside the user's regions."""
    case = (ReviewCase.objects.select_related("project", "region", "region__reports_to",
                                              "rule_set")
            .filter(pk=pk).first())
    if case is None or not may_see_region(user, case.region_id):
        raise Http404
    return case


def cases_waiting_for(user: User) -> QuerySet[ReviewCase]:
    """Cases in a state where this user is the one to act (my queue)."""
    visible = ReviewCase.objects.filter(region_id__in=scope_region_ids(user))
    if not _active(user):
        return visible.none()
    if user.role == Role.AGENCY:
        return visible.filter(state__in=AGENCY_STATES)
    if user.role == Role.CITY_REVIEWER and not is_province_user(user):
        waiting = visible.filter(state__in=CITY_STATES).exclude(
            region_id__in=_skipping_region_ids())
    elif is_provincial_reviewer(user):
        waiting = visible.filter(state__in=PROVINCE_STATES)
    else:
        return visible.none()
    # Separation of duties: nobody reviews what they submitted.
    mine = CaseEvent.objects.filter(actor=user, transition__in=SUBMITTING_TRANSITIONS)
    return waiting.exclude(Q(submitted_by=user) | Q(pk__in=mine.values("case_id")))


# --- Decision documents (issue 18) ----------------------------------------------------------

def get_document_for_user(user: User, pk: int):
    """A decision document of a case or a region the user sees, or 404."""
    from screening.models import DecisionDocument

    document = (DecisionDocument.objects.select_related("case", "region", "issued_by")
                .filter(pk=pk).first())
    if document is None or not _active(user) or not may_see_region(user, document.region_id):
        raise Http404
    return document


def may_correct_document(user: User, document) -> bool:
    """Provincial reviewers issue corrected versions (never the submitter of the case)."""
    if not is_provincial_reviewer(user) or not may_see_region(user, document.region_id):
        return False
    return document.case is None or not is_submitter(document.case, user)
