"""The one place that answers what a user may see and do, by role and region.

Scope: a user sees the regions they belong to and every region that reports to one of them
(the review line, `Region.reports_to`), so the province sees everything and a city sees itself
and the counties it reviews, but not the 省直管县 inside its borders, which report to the
province.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import Role
from screening.models import CaseEvent, CaseState, LedgerUpload, Region, ReviewCase

if TYPE_CHECKING:
    from accounts.models import User

REVIEWER_ROLES = frozenset({Role.CITY_REVIEWER, Role.PROVINCIAL_REVIEWER})


def _expand_review_line(root_ids: set[int]) -> frozenset[int]:
    reporting: dict[int | None, list[int]] = defaultdict(list)
    for region_id, reports_to_id in Region.objects.values_list("id", "reports_to_id"):
        reporting[reports_to_id].append(region_id)
    seen: set[int] = set()
    stack = list(root_ids)
    while stack:
        region_id = stack.pop()
        if region_id in seen:
            continue
        seen.add(region_id)
        stack.extend(reporting.get(region_id, ()))
    return frozenset(seen)


def region_scope_ids(region: Region) -> frozenset[int]:
    """The region and every region that reports to it: the scope of its ledger and reports."""
    return _expand_review_line({region.pk})


def scope_region_ids(user: User) -> frozenset[int]:
    """Ids of every region the user may see; empty for anonymous users. Cached on the user."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_scope_region_ids", None)
    if cached is not None:
        return cached
    if user.is_administrator:
        ids = frozenset(Region.objects.values_list("id", flat=True))
    else:
        ids = _expand_review_line(set(user.regions.values_list("id", flat=True)))
    user._scope_region_ids = ids
    return ids


def regions_visible_to(user: User) -> QuerySet[Region]:
    return Region.objects.filter(id__in=scope_region_ids(user))


def may_see_region(user: User, region: Region | int) -> bool:
    region_id = region if isinstance(region, int) else region.pk
    return region_id in scope_region_ids(user)


def get_region_for_user(user: User, code: str) -> Region:
    """The region with this code, or 404 when it does not exist or is outside the user's scope."""
    region = Region.objects.filter(code=code).first()
    if region is None or not may_see_region(user, region):
        raise Http404
    return region


def scoped(queryset: QuerySet, user: User, region_field: str = "region") -> QuerySet:
    """Restrict any queryset with a region foreign key to the user's scope."""
    return queryset.filter(**{f"{region_field}_id__in": scope_region_ids(user)})


def is_province_user(user: User) -> bool:
    """Belongs to the province itself (or administers): sees and decides province-wide.
    Cached on the user together with the scope (asked several times for each case page):
    whatever clears the cached scope clears this too."""
    if user.is_administrator:
        return True
    if not user.is_authenticated:
        return False
    scope = getattr(user, "_scope_region_ids", None)
    cached = getattr(user, "_province_of_scope", None)
    if scope is not None and cached is not None and cached[0] is scope:
        return cached[1]
    province = user.regions.filter(level="province").exists()
    if scope is not None:
        user._province_of_scope = (scope, province)
    return province


# --- What a role may do -------------------------------------------------------------------


def can_upload_ledger(user: User, region: Region) -> bool:
    """Agencies keep the ledgers of their own regions; administrators may too."""
    if not region.is_project_region:
        return False
    return (user.role == Role.AGENCY or user.is_administrator) and may_see_region(user, region)


def uploadable_regions(user: User) -> list[Region]:
    """The project regions whose ledger the user keeps (the upload form's and API's choice)."""
    return [
        region
        for region in regions_visible_to(user).filter(is_project_region=True)
        if can_upload_ledger(user, region)
    ]


def keeps_ledgers(user: User) -> bool:
    """Agencies keep ledgers (administrators may too): the only roles that upload one."""
    return user.role == Role.AGENCY or user.is_administrator


def get_upload_for_user(user: User, pk: int) -> LedgerUpload:
    """A ledger upload of a region the user sees, or 404."""
    upload = LedgerUpload.objects.select_related("region", "uploaded_by").filter(pk=pk).first()
    if upload is None or not may_see_region(user, upload.region_id):
        raise Http404
    return upload


def may_confirm_upload(upload: LedgerUpload, user: User) -> bool:
    """Whoever uploaded the file confirms it, while they still keep the region's ledger."""
    return user.pk == upload.uploaded_by_id and can_upload_ledger(user, upload.region)


def may_roll_back(user: User) -> bool:
    """Rolling back an applied upload is for administrators and provincial reviewers."""
    return user.is_administrator or (
        user.role == Role.PROVINCIAL_REVIEWER and is_province_user(user)
    )


def can_upload_project_energy(user: User) -> bool:
    """The provincial reviewer, and agencies for the projects of their own regions."""
    return can_manage_indicators(user) or (
        user.role == Role.AGENCY and bool(scope_region_ids(user))
    )


def can_manage_indicators(user: User) -> bool:
    """Entering and publishing the monthly barometer is the provincial reviewer's job (SPEC §6)."""
    return user.is_administrator or (
        user.role == Role.PROVINCIAL_REVIEWER and is_province_user(user)
    )


def can_view_rule_sets(user: User) -> bool:
    return user.is_authenticated


def is_read_only(user: User) -> bool:
    return user.role == Role.OBSERVER and not user.is_administrator


# --- The capacity-replacement registry (issue 17) ------------------------------------------


def can_edit_registry(user: User, region: Region | int) -> bool:
    """Sources and plans are entered by agencies for their own regions and by the provincial
    reviewer (and administrators) for any region, the same scoping as the ledger."""
    if user.is_administrator:
        return True
    if user.role == Role.PROVINCIAL_REVIEWER:
        return is_province_user(user)
    return user.role == Role.AGENCY and may_see_region(user, region)


def registry_editable_regions(user: User) -> list[Region]:
    """The project regions whose sources and plans the user may enter."""
    return [
        region
        for region in Region.objects.filter(is_project_region=True)
        if can_edit_registry(user, region)
    ]


def can_enter_registry(user: User) -> bool:
    """Whether the user may enter anything in the registry at all (shows the forms)."""
    return user.is_administrator or user.role in (Role.AGENCY, Role.PROVINCIAL_REVIEWER)


def can_publish_plans(user: User) -> bool:
    """Publishing a plan in the public list (公告) is the provincial reviewer's decision."""
    return user.is_administrator or (
        user.role == Role.PROVINCIAL_REVIEWER and is_province_user(user)
    )


def can_view_job_runs(user: User) -> bool:
    """The job page: administrators, and provincial reviewers read it (issue 15)."""
    return user.is_authenticated and (user.is_administrator or is_provincial_reviewer(user))


def can_view_registry_cross_checks(user: User) -> bool:
    """The cross-checks compare plans and sources across regions: province-wide users only."""
    return user.is_authenticated and is_province_user(user)


# --- Review cases (SPEC §2, §5) -------------------------------------------------------------------
# Who may see and move review cases (SPEC §2, §5), on top of permissions.py's region scope.
#
# Roles on a case: the agency of the case's region keeps and submits it; the city reviewer of its
# review line (the case's region is in their scope and they are not a province user) does the
# first review, except for regions that report straight to the province; provincial reviewers
# (members of the province) decide. Observers only read. The person who submitted a case never
# reviews it.

# Transitions that put a case before reviewers: whoever did them may not review that case.
SUBMITTING_TRANSITIONS = ("submit", "submit_rectification")

AGENCY_STATES = (CaseState.DRAFT, CaseState.RETURNED, CaseState.RECTIFYING)
CITY_STATES = (CaseState.SUBMITTED,)
PROVINCE_STATES = (
    CaseState.PROVINCIAL_REVIEW,
    CaseState.EVALUATION,
    CaseState.RECTIFICATION_SUBMITTED,
)


def skips_city_review(region: Region) -> bool:
    """The region's cases go straight to provincial review (济源, 航空港区, 省直管县)."""
    return region.skips_city_review


def _skipping_region_ids() -> list[int]:
    return list(Region.objects.filter(province_direct=True).values_list("pk", flat=True))


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def submitter_ids(case: ReviewCase) -> set[int]:
    """Everyone who submitted this case or its rectification evidence."""
    ids = set(
        CaseEvent.objects.filter(case=case, transition__in=SUBMITTING_TRANSITIONS).values_list(
            "actor_id", flat=True
        )
    )
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
    return (
        _active(user)
        and user.role == Role.CITY_REVIEWER
        and may_see_region(user, case.region_id)
        and not is_province_user(user)
        and not skips_city_review(case.region)
    )


def is_provincial_reviewer(user: User) -> bool:
    return _active(user) and user.role == Role.PROVINCIAL_REVIEWER and is_province_user(user)


# --- Permission callables of the transitions (case, user) -----------------------------------


def acts_as_agency(case: ReviewCase, user: User) -> bool:
    return is_case_agency(case, user)


def reviews_as_city(case: ReviewCase, user: User) -> bool:
    return is_case_city_reviewer(case, user) and not is_submitter(case, user)


def decides_as_province(case: ReviewCase, user: User) -> bool:
    return (
        is_provincial_reviewer(user)
        and may_see_region(user, case.region_id)
        and not is_submitter(case, user)
    )


# The agency's transitions; the others are the city reviewer's while the case waits for city
# review (CITY_STATES) and the provincial reviewer's otherwise.
AGENCY_TRANSITIONS = frozenset({"submit", "withdraw", "submit_rectification"})


def may_take_transition(case: ReviewCase, user: User, name: str) -> bool:
    """Whether the user may take the named transition on the case in its current state (the
    workflow's own rules of state and guards are the service's: screening/cases/services.py)."""
    if name in AGENCY_TRANSITIONS:
        return acts_as_agency(case, user)
    if case.state in CITY_STATES:
        return reviews_as_city(case, user)
    return decides_as_province(case, user)


def can_open_case(user: User, project) -> bool:
    """Agencies open review cases for projects of their own ledger."""
    return _active(user) and user.role == Role.AGENCY and may_see_region(user, project.region_id)


# --- Seeing cases ---------------------------------------------------------------------------


def cases_visible_to(user: User) -> QuerySet[ReviewCase]:
    return scoped(ReviewCase.objects.all(), user)


def get_case_for_user(user: User, pk: int) -> ReviewCase:
    """The case, or 404 when it does not exist or lies outside the user's regions."""
    case = (
        ReviewCase.objects.select_related("project", "region", "region__reports_to", "rule_set")
        .filter(pk=pk)
        .first()
    )
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
            region_id__in=_skipping_region_ids()
        )
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

    document = (
        DecisionDocument.objects.select_related("case", "region", "issued_by").filter(pk=pk).first()
    )
    if document is None or not _active(user) or not may_see_region(user, document.region_id):
        raise Http404
    return document


def may_correct_document(user: User, document) -> bool:
    """Provincial reviewers issue corrected versions (never the submitter of the case)."""
    if not is_provincial_reviewer(user) or not may_see_region(user, document.region_id):
        return False
    return document.case is None or not is_submitter(document.case, user)
