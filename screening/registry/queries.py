"""Reading the registry for pages, exports and the API: scoped lists, the cross-checks in a
fixed number of queries, and the public list of published plans."""

from __future__ import annotations

from datetime import date

from django.db.models import Case, Count, F, Prefetch, Q, QuerySet, Sum, Value, When
from django.utils import timezone

from screening import permissions
from screening.models import (
    CapacitySource,
    PlanStatus,
    Project,
    ProjectStatus,
    ReplacementPlan,
)
from screening.registry.checks import (
    CrossChecks,
    CrossRegionDraw,
    LedgerRow,
    PlanRow,
    Risk,
    SourceRow,
    ledger_mismatches,
    shared_source,
    sort_shared,
    source_flags,
)
from screening.registry.facts import converted_rows, live_draws
from screening.rules.params import family_of
from screening.screen import NoRuleSetInForce, gc_paused, parameters_of, rule_set_for

# The families of R03's replacement table, used when no rule set is in force yet.
_FALLBACK_FAMILIES = (
    "高炉工序",
    "转炉工序",
    "电弧炉冶炼",
    "焦炭",
    "水泥熟料",
    "平板玻璃",
    "电解铝",
    "炼油",
)


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
        return parameters_of(
            rule_set_for(as_of or timezone.localdate())
        ).replacement_source_ineligible
    except NoRuleSetInForce:
        return frozenset()


def sources_visible_to(user) -> QuerySet[CapacitySource]:
    return permissions.scoped(CapacitySource.objects, user).select_related("region")


def plans_visible_to(user) -> QuerySet[ReplacementPlan]:
    return permissions.scoped(ReplacementPlan.objects, user).select_related("region")


_SOURCE_COLUMNS = (
    "id",
    "region__code",
    "enterprise",
    "equipment",
    "family",
    "capacity",
    "capacity_unit",
    "shutdown_date",
    "dismantled_date",
    "subsidised",
    "mandatory_elimination",
)
_PLAN_COLUMNS = (
    "id",
    "ref",
    "region__code",
    "family",
    "new_capacity",
    "capacity_unit",
    "project_codes",
)


def _source_row(values) -> SourceRow:
    (
        pk,
        region,
        enterprise,
        equipment,
        family,
        capacity,
        unit,
        shutdown,
        dismantled,
        subsidised,
        eliminated,
    ) = values
    return SourceRow(
        pk,
        region,
        enterprise,
        equipment,
        family,
        capacity,
        unit,
        shutdown,
        dismantled,
        source_flags(subsidised, eliminated),
    )


def _plan_row(values) -> PlanRow:
    pk, ref, region, family, new_capacity, unit, codes = values
    return PlanRow(pk, ref, region, family, new_capacity, unit, tuple(codes or ()))


def cross_checks_now(as_of: date | None = None, limit: int | None = None) -> CrossChecks:
    """See _cross_checks; the cyclic garbage collector is paused meanwhile (tens of thousands
    of small rows and no cycles: its passes would cost as much as the work)."""
    with gc_paused():
        return _cross_checks(as_of, limit)


def _cross_checks(as_of: date | None, limit: int | None) -> CrossChecks:
    """The three cross-checks province-wide, over the live draws of registered plans, each
    sorted by risk; with `limit`, only the first items of each list are built in full (the
    page), and `counts` gives every list's length. Aggregates are computed by the database, so
    the work does not grow with what is not shown, except the ledger comparison."""
    as_of = as_of or timezone.localdate()
    ineligible = ineligible_reasons(as_of)
    active = live_draws().filter(plan__status=PlanStatus.ACTIVE)
    checks = CrossChecks()

    # Sources drawn by more than one plan, with their totals: one grouped query.
    shared = (
        active.values(*(f"source__{c}" for c in _SOURCE_COLUMNS))
        .annotate(
            plans=Count("plan_id", distinct=True),
            regions=Count("plan__region_id", distinct=True),
            drawn=Sum("amount"),
        )
        .filter(plans__gt=1)
        .order_by()
        .values_list(*(f"source__{c}" for c in _SOURCE_COLUMNS), "plans", "regions", "drawn")
    )
    columns = len(_SOURCE_COLUMNS)
    items = sort_shared(
        [
            shared_source(_source_row(row[:columns]), plans, regions, drawn, ineligible, as_of)
            for *row, plans, regions, drawn in converted_rows(shared)
        ]
    )
    checks.counts["shared"] = len(items)
    checks.shared_sources = items[:limit] if limit is not None else items
    if checks.shared_sources:
        shown = {item.source.id: item for item in checks.shared_sources}
        rows = (
            active.filter(source_id__in=list(shown))
            .order_by("source_id", "id")
            .values_list("source_id", "amount", *(f"plan__{c}" for c in _PLAN_COLUMNS))
        )
        for source_id, amount, *plan in rows:
            shown[source_id].draws.append((_plan_row(plan), amount))

    # Sources serving a plan of another region: allowed, listed, largest first.
    elsewhere = active.exclude(source__region_id=F("plan__region_id"))
    cross = elsewhere.annotate(
        risk=Case(When(~Q(source__family=F("plan__family")), then=Value(2)), default=Value(1))
    ).order_by("-risk", "-amount", "source_id", "plan_id")
    cross = cross[:limit] if limit is not None else cross
    for amount, risk, *rest in converted_rows(
        cross.values_list(
            "amount",
            "risk",
            *(f"source__{c}" for c in _SOURCE_COLUMNS),
            *(f"plan__{c}" for c in _PLAN_COLUMNS),
        )
    ):
        source, plan = _source_row(rest[:columns]), _plan_row(rest[columns:])
        checks.cross_region.append(CrossRegionDraw(source, plan, amount, Risk(risk)))
    # With a limit, the full count is a plain count: cheaper than a window over every row
    # carried along with the shown ones.
    checks.counts["cross"] = len(checks.cross_region) if limit is None else elsewhere.count()

    # Plans whose projects' ledger figures disagree: matched on the folded reference, so in
    # Python, over the registered plans and the ledger rows that name any plan.
    drawn_by_plan = dict(
        converted_rows(
            active.values("plan_id")
            .annotate(total=Sum("amount"))
            .order_by()
            .values_list("plan_id", "total")
        )
    )
    plans = [
        _plan_row(values)
        for values in converted_rows(
            ReplacementPlan.objects.filter(status=PlanStatus.ACTIVE).values_list(*_PLAN_COLUMNS)
        )
    ]
    families: dict[str, str] = {}
    ledger = [
        LedgerRow(
            code,
            ref,
            new_capacity,
            replaced,
            None
            if not product
            else families.get(product) or families.setdefault(product, family_of(product)),
        )
        for code, ref, new_capacity, replaced, product in converted_rows(
            Project.objects.filter(status=ProjectStatus.ACTIVE, replacement_plan_ref__isnull=False)
            .exclude(replacement_plan_ref="")
            .values_list(
                "project_code",
                "replacement_plan_ref",
                "new_capacity",
                "replaced_capacity",
                "product",
            )
            .order_by()
        )
    ]
    mismatches = ledger_mismatches(plans, drawn_by_plan, ledger)
    checks.counts["mismatches"] = len(mismatches)
    checks.ledger_mismatches = mismatches[:limit] if limit is not None else mismatches
    return checks


def published_plans() -> QuerySet[ReplacementPlan]:
    """Registered plans the provincial reviewer published (公告), newest first, with their live
    draws and sources."""
    return (
        ReplacementPlan.objects.filter(status=PlanStatus.ACTIVE, published_at__isnull=False)
        .select_related("region")
        .prefetch_related(
            Prefetch(
                "draws",
                queryset=live_draws().select_related("source", "source__region").order_by("id"),
                to_attr="live_draws",
            )
        )
        .order_by("-published_at", "-id")
    )
