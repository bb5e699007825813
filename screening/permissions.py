"""The one place that answers what a user may see and do, by role and region.

Scope: a user sees the regions they belong to and every region that reports to one of them
(the review line, `Region.reports_to`), so the province sees everything and a city sees itself
and the counties it reviews, but not the 省直管县 inside its borders, which report to the
province.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import Role
from screening.models import Region

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


def can_enter_registry(user: User) -> bool:
    """Whether the user may enter anything in the registry at all (shows the forms)."""
    return user.is_administrator or user.role in (Role.AGENCY, Role.PROVINCIAL_REVIEWER)


def can_publish_plans(user: User) -> bool:
    """Publishing a plan in the public list (公告) is the provincial reviewer's decision."""
    return user.is_administrator or (
        user.role == Role.PROVINCIAL_REVIEWER and is_province_user(user))


def can_view_registry_cross_checks(user: User) -> bool:
    """The cross-checks compare plans and sources across regions: province-wide users only."""
    return user.is_authenticated and is_province_user(user)
