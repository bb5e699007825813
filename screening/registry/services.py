"""The registry's actions, one function each: views, the API, uploads, the demo and tests all
call these. Every refusal is a RegistryRefused with a message in the user's language, and
changes nothing."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from screening import permissions
from screening.models import (
    CapacityDraw,
    CapacitySource,
    PlanStatus,
    Project,
    ProjectStatus,
    Region,
    ReplacementPlan,
)
from screening.registry.checks import draw_fits, plan_key
from screening.rules.text import num

if TYPE_CHECKING:
    from accounts.models import User


class RegistryRefused(Exception):
    """An action the registry refuses; `str()` is the message for the user."""


@dataclass(frozen=True)
class SourceData:
    """The fields of a retired-capacity source as entered (cleaned by registry.validate)."""

    region: Region
    enterprise: str
    uscc: str
    family: str
    capacity: Decimal
    capacity_unit: str
    equipment: str
    shutdown_date: date | None = None
    dismantled_date: date | None = None
    verification_ref: str = ""
    verification_date: date | None = None
    verifier: str = ""
    subsidised: bool = False
    mandatory_elimination: bool = False
    eligibility_notes: str = ""


@dataclass(frozen=True)
class PlanData:
    """The fields of a replacement plan as entered (its draws are added with `draw`)."""

    region: Region
    ref: str
    plan_date: date
    enterprise: str
    uscc: str
    family: str
    new_capacity: Decimal
    capacity_unit: str
    project_codes: tuple[str, ...] = ()


def _require_editor(user: User, region: Region | int) -> None:
    if not permissions.can_edit_registry(user, region):
        raise RegistryRefused(_("You may not change the registry of this region."))


# -- sources --------------------------------------------------------------------------------


@transaction.atomic
def register_source(data: SourceData, *, user: User) -> CapacitySource:
    """Register one retired production line or unit (退出产能)."""
    _require_editor(user, data.region)
    if CapacitySource.objects.filter(uscc=data.uscc, equipment=data.equipment).exists():
        raise RegistryRefused(_("This equipment of this enterprise is already registered."))
    return CapacitySource.objects.create(created_by=user, **vars(data))


@transaction.atomic
def update_source(source: CapacitySource, data: SourceData, *, user: User) -> CapacitySource:
    """Correct a source (dates, acceptance, eligibility …); its capacity never below what is
    drawn from it."""
    locked = CapacitySource.objects.select_for_update().get(pk=source.pk)
    _require_editor(user, locked.region_id)
    _require_editor(user, data.region)
    if data.capacity < locked.drawn:
        raise RegistryRefused(
            _("The capacity cannot be less than the %(drawn)s already drawn from this source.")
            % {"drawn": num(locked.drawn)}
        )
    if (
        CapacitySource.objects.filter(uscc=data.uscc, equipment=data.equipment)
        .exclude(pk=locked.pk)
        .exists()
    ):
        raise RegistryRefused(_("This equipment of this enterprise is already registered."))
    for name, value in vars(data).items():
        setattr(locked, name, value)
    locked.save()
    return locked


# -- plans and draws ------------------------------------------------------------------------


@transaction.atomic
def register_plan(data: PlanData, *, user: User) -> ReplacementPlan:
    """Register a replacement plan (产能置换方案); draws are added to it one by one."""
    _require_editor(user, data.region)
    key = plan_key(data.ref)
    if not key:
        raise RegistryRefused(_("The plan reference is blank."))
    if ReplacementPlan.objects.filter(ref_key=key).exists():
        raise RegistryRefused(_("A plan with this reference is already registered."))
    fields = vars(data) | {"project_codes": list(dict.fromkeys(data.project_codes))}
    try:
        with transaction.atomic():
            plan = ReplacementPlan.objects.create(ref_key=key, created_by=user, **fields)
    except IntegrityError:  # the same reference registered at the same moment
        raise RegistryRefused(_("A plan with this reference is already registered.")) from None
    _rescreen_after_commit(plan)
    return plan


def draw(
    plan: ReplacementPlan, source: CapacitySource, amount: Decimal, *, user: User
) -> CapacityDraw:
    """Draw `amount` of a source's capacity for a plan. The source's row is locked and its
    `drawn` total is bounded by a database constraint, so two plans drawing the last capacity
    at once cannot both succeed: the second is refused with the amount still available."""
    with transaction.atomic():
        created = _draw(plan, source, amount, user=user)
    return created


def _draw(
    plan: ReplacementPlan, source: CapacitySource, amount: Decimal, *, user: User
) -> CapacityDraw:
    if amount is None or amount <= 0:
        raise RegistryRefused(_("The amount drawn must be greater than 0."))
    plan = ReplacementPlan.objects.select_for_update().get(pk=plan.pk)
    locked = CapacitySource.objects.select_for_update().get(pk=source.pk)
    _require_editor(user, plan.region_id)
    _require_editor(user, locked.region_id)
    if plan.status != PlanStatus.ACTIVE:
        raise RegistryRefused(_("The plan is withdrawn: nothing can be drawn for it."))
    if locked.family != plan.family:
        raise RegistryRefused(
            _("Source %(source)s is %(source_family)s capacity; the plan replaces %(family)s.")
            % {"source": locked.number, "source_family": locked.family, "family": plan.family}
        )
    if locked.capacity_unit != plan.capacity_unit:
        raise RegistryRefused(
            _("Source %(source)s is measured in %(source_unit)s, the plan in %(unit)s.")
            % {
                "source": locked.number,
                "source_unit": locked.capacity_unit,
                "unit": plan.capacity_unit,
            }
        )
    if not draw_fits(locked.capacity, locked.drawn, amount):
        raise _over_capacity(locked, amount)
    try:
        with transaction.atomic():
            updated = CapacitySource.objects.filter(pk=locked.pk).update(drawn=F("drawn") + amount)
    except IntegrityError:
        # The constraint source_drawn_within_capacity: only reachable if the lock was
        # bypassed (e.g. SQLite's lack of row locks); still a clear refusal.
        locked.refresh_from_db()
        raise _over_capacity(locked, amount) from None
    assert updated == 1
    created = CapacityDraw.objects.create(plan=plan, source=locked, amount=amount, drawn_by=user)
    _rescreen_after_commit(plan)
    return created


def _over_capacity(source: CapacitySource, amount: Decimal) -> RegistryRefused:
    return RegistryRefused(
        _(
            "Source %(source)s cannot give %(amount)s %(unit)s: of its %(capacity)s, %(drawn)s are "
            "already drawn by other plans and %(available)s remain."
        )
        % {
            "source": source.number,
            "amount": num(amount),
            "unit": source.capacity_unit,
            "capacity": num(source.capacity),
            "drawn": num(source.drawn),
            "available": num(source.capacity - source.drawn),
        }
    )


def _return(draws: Iterable[CapacityDraw], *, user: User, reason: str) -> int:
    """Give live draws back to their sources (sources locked in id order: no deadlock)."""
    live = [d for d in draws if d.returned_at is None]
    now = timezone.now()
    for source_id in sorted({d.source_id for d in live}):
        list(CapacitySource.objects.select_for_update().filter(pk=source_id))
    for item in live:
        CapacitySource.objects.filter(pk=item.source_id).update(drawn=F("drawn") - item.amount)
        item.returned_at, item.returned_by, item.return_reason = now, user, reason
        item.save(update_fields=["returned_at", "returned_by", "return_reason"])
    return len(live)


@transaction.atomic
def release_draw(item: CapacityDraw, *, user: User, reason: str) -> CapacityDraw:
    """Give one draw back to its source (a correction); the draw stays in the history."""
    if not reason.strip():
        raise RegistryRefused(_("Give a reason."))
    plan = ReplacementPlan.objects.select_for_update().get(pk=item.plan_id)
    _require_editor(user, plan.region_id)
    locked = CapacityDraw.objects.select_for_update().get(pk=item.pk)
    if locked.returned_at is not None:
        raise RegistryRefused(_("This draw was already returned."))
    _return([locked], user=user, reason=reason.strip())
    _rescreen_after_commit(plan)
    return locked


@transaction.atomic
def withdraw_plan(plan: ReplacementPlan, *, user: User, reason: str) -> ReplacementPlan:
    """Withdraw a plan: every live draw goes back to its source; the draws stay as history."""
    if not reason.strip():
        raise RegistryRefused(_("Give a reason."))
    locked = ReplacementPlan.objects.select_for_update().get(pk=plan.pk)
    _require_editor(user, locked.region_id)
    if locked.status != PlanStatus.ACTIVE:
        raise RegistryRefused(_("The plan is already withdrawn."))
    _return(locked.draws.select_for_update(), user=user, reason=reason.strip())
    locked.status = PlanStatus.WITHDRAWN
    locked.withdrawn_at, locked.withdrawn_by = timezone.now(), user
    locked.withdrawal_reason = reason.strip()
    locked.save(update_fields=["status", "withdrawn_at", "withdrawn_by", "withdrawal_reason"])
    _rescreen_after_commit(locked)
    return locked


@transaction.atomic
def publish_plan(plan: ReplacementPlan, *, user: User, publish: bool = True) -> ReplacementPlan:
    """Publish a registered plan in the public list (公告), or take it off again."""
    if not permissions.can_publish_plans(user):
        raise RegistryRefused(_("Only the provincial reviewer publishes plans."))
    locked = ReplacementPlan.objects.select_for_update().get(pk=plan.pk)
    if publish and locked.status != PlanStatus.ACTIVE:
        raise RegistryRefused(_("A withdrawn plan cannot be published."))
    locked.published_at = timezone.now() if publish else None
    locked.published_by = user if publish else None
    locked.save(update_fields=["published_at", "published_by"])
    return locked


# -- keeping the ledger's screenings current -----------------------------------------------


def projects_naming(plan: ReplacementPlan):
    """Active ledger projects that name the plan (its reference as written) or that it lists."""
    from django.db.models import Q

    return Project.objects.filter(
        Q(replacement_plan_ref=plan.ref) | Q(project_code__in=plan.project_codes),
        status=ProjectStatus.ACTIVE,
    )


def _rescreen_after_commit(plan: ReplacementPlan) -> None:
    """Screen again the projects that name a plan once its change is committed, so their
    latest screening shows R14 as the registry now stands."""

    def rescreen() -> None:
        from screening.screen import NoRuleSetInForce, rescreen_projects

        try:
            rescreen_projects(projects_naming(plan).select_related("region"))
        except NoRuleSetInForce:
            pass  # nothing is screened without a rule set; the next screening will show it

    transaction.on_commit(rescreen)
