"""Reading the registry for pages, exports and the API: scoped lists, the cross-checks in a
fixed number of queries, and the public list of published plans."""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from .. import permissions
from ..models import CapacityDraw, CapacitySource, PlanStatus, Project, ReplacementPlan
from ..rules.params import family_of
from ..screen import NoRuleSetInForce, parameters_of, rule_set_for
from .checks import (
    CrossChecks,
    DrawRow,
    LedgerRow,
    PlanRow,
    SourceRow,
    cross_checks,
    source_flags,
)

# The families of R03's replacement table, used when no rule set is in force yet.
_FALLBACK_FAMILIES = ("高炉工序", "转炉工序", "电弧炉冶炼", "焦炭", "水泥熟料", "平板玻璃",
                      "电解铝", "炼油")


def replacement_families(as_of: date | None = None) -> tuple[str, ...]:
    """The product families with replacement ratios in the rule set in force (R03's)."""
    try:
        params = parameters_of(rule_set_for(as_of or timezone.localdate()))
    except NoRuleSetInForce:
        return _FALLBACK_FAMILIES
    order = {family: i for i, family in enumerate(_FALLBACK_FAMILIES)}
    return tuple(sorted(params.replacement_rules, key=lambda f: (order.get(f, 99), f)))


def ineligible_reasons(as_of: date | None = None) -> frozenset[str]:
    try:
        return parameters_of(rule_set_for(as_of or timezone.localdate())
                             ).replacement_source_ineligible
    except NoRuleSetInForce:
        return frozenset()


def sources_visible_to(user) -> QuerySet[CapacitySource]:
    return permissions.scoped(CapacitySource.objects, user).select_related("region")


def plans_visible_to(user) -> QuerySet[ReplacementPlan]:
    return permissions.scoped(ReplacementPlan.objects, user).select_related("region")


def live_draws() -> QuerySet[CapacityDraw]:
    return CapacityDraw.objects.filter(returned_at__isnull=True)


def cross_checks_now(as_of: date | None = None) -> CrossChecks:
    """The three cross-checks province-wide, from four queries whatever the registry's size."""
    as_of = as_of or timezone.localdate()
    draws = [DrawRow(plan_id, source_id, amount) for plan_id, source_id, amount in
             live_draws().filter(plan__status=PlanStatus.ACTIVE)
             .values_list("plan_id", "source_id", "amount").iterator(chunk_size=5000)]
    source_ids = {d.source_id for d in draws}
    sources = [
        SourceRow(pk, region, enterprise, equipment, family, capacity, unit, shutdown,
                  dismantled, source_flags(subsidised, eliminated))
        for (pk, region, enterprise, equipment, family, capacity, unit, shutdown, dismantled,
             subsidised, eliminated) in CapacitySource.objects.filter(drawn__gt=0)
        .values_list("id", "region__code", "enterprise", "equipment", "family", "capacity",
                     "capacity_unit", "shutdown_date", "dismantled_date", "subsidised",
                     "mandatory_elimination").iterator(chunk_size=5000)
        if pk in source_ids
    ]
    plans = [
        PlanRow(pk, ref, region, family, new_capacity, unit, tuple(codes or ()))
        for pk, ref, region, family, new_capacity, unit, codes in ReplacementPlan.objects
        .filter(status=PlanStatus.ACTIVE)
        .values_list("id", "ref", "region__code", "family", "new_capacity", "capacity_unit",
                     "project_codes").iterator(chunk_size=5000)
    ]
    ledger = [
        LedgerRow(code, region, ref, new_capacity, replaced, family_of(product) if product
                  else None)
        for code, region, ref, new_capacity, replaced, product in Project.objects
        .filter(status="active", replacement_plan_ref__isnull=False)
        .exclude(replacement_plan_ref="")
        .values_list("project_code", "region__code", "replacement_plan_ref", "new_capacity",
                     "replaced_capacity", "product").order_by().iterator(chunk_size=5000)
    ]
    return cross_checks(sources, plans, draws, ledger, ineligible_reasons(as_of), as_of)


def published_plans() -> QuerySet[ReplacementPlan]:
    """Registered plans the provincial reviewer published (公告), newest first, with their live
    draws and sources."""
    return (ReplacementPlan.objects.filter(status=PlanStatus.ACTIVE, published_at__isnull=False)
            .select_related("region")
            .prefetch_related(Prefetch("draws", queryset=live_draws().select_related(
                "source", "source__region").order_by("id"), to_attr="live_draws"))
            .order_by("-published_at", "-id"))
