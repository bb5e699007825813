"""R14's facts read in bulk: every registered plan with its live draws and their sources.

Three small queries per screening batch whatever its size (regions, plans, live draws with
their sources), read only when a row of the batch names a registered plan reference
(`LazyPlans`: before that, one query of the references alone).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from decimal import Decimal

from screening.gc_pause import gc_paused
from screening.models import CapacityDraw, PlanStatus, Region, ReplacementPlan
from screening.registry.checks import source_flags, source_number
from screening.rules.types import PlanFacts, SourceDrawFacts


def registered_keys() -> frozenset[str]:
    """The reference keys of every registered plan (withdrawn ones too)."""
    return frozenset(ReplacementPlan.objects.values_list("ref_key", flat=True))


def load_plan_facts() -> dict[str, PlanFacts]:
    """Every registered plan (withdrawn ones too: a row naming one must fail) by reference key."""
    region_code = dict(Region.objects.values_list("id", "code"))
    draws: dict[int, list[SourceDrawFacts]] = defaultdict(list)
    drawn_total: dict[int, Decimal] = defaultdict(Decimal)
    # Fetched whole rather than through a server-side cursor: a few tens of thousands of short
    # rows, read in one round trip.
    rows = list(
        CapacityDraw.objects.filter(returned_at__isnull=True)
        .order_by("plan_id", "id")
        .values_list(
            "plan_id",
            "amount",
            "source_id",
            "source__enterprise",
            "source__equipment",
            "source__region_id",
            "source__family",
            "source__capacity",
            "source__capacity_unit",
            "source__shutdown_date",
            "source__dismantled_date",
            "source__subsidised",
            "source__mandatory_elimination",
        )
    )
    for row in rows:
        drawn_total[row[2]] += row[1]
    # Each draw's facts are built once here, straight from its row (a named tuple made by
    # tuple.__new__ skips the Python-level __new__ of NamedTuple: 11,681 draws in the bench).
    make = tuple.__new__
    for (
        plan_id,
        amount,
        source_id,
        enterprise,
        equipment,
        source_region,
        source_family,
        capacity,
        source_unit,
        shutdown,
        dismantled,
        subsidised,
        eliminated,
    ) in rows:
        draws[plan_id].append(
            make(
                SourceDrawFacts,
                (
                    source_number(source_id),
                    enterprise,
                    equipment,
                    region_code.get(source_region, ""),
                    source_family,
                    capacity,
                    source_unit,
                    drawn_total[source_id],
                    amount,
                    shutdown,
                    dismantled,
                    source_flags(subsidised, eliminated),
                ),
            )
        )
    plans: dict[str, PlanFacts] = {}
    withdrawn = PlanStatus.WITHDRAWN.value
    no_draws: list = []
    for (
        pk,
        key,
        ref,
        status,
        region_id,
        family,
        new_capacity,
        unit,
    ) in ReplacementPlan.objects.values_list(
        "id", "ref_key", "ref", "status", "region_id", "family", "new_capacity", "capacity_unit"
    ):
        plans[key] = make(
            PlanFacts,
            (
                ref,
                status == withdrawn,
                region_code.get(region_id, ""),
                family,
                new_capacity,
                unit,
                tuple(draws.get(pk, no_draws)),
            ),
        )
    return plans


class LazyPlans(Mapping):
    """The registry's plans, loaded on the first lookup of a registered reference: a batch
    whose rows name no plan reference never reads the registry, and one whose rows name only
    unregistered ones reads the references alone (R14 does not apply to them)."""

    __slots__ = ("_plans", "_keys")

    def __init__(self) -> None:
        self._plans: dict[str, PlanFacts] | None = None
        self._keys: frozenset[str] | None = None

    def _loaded(self) -> dict[str, PlanFacts]:
        if self._plans is None:
            with gc_paused():
                self._plans = load_plan_facts()
        return self._plans

    def __getitem__(self, key: str) -> PlanFacts:
        return self._loaded()[key]

    def get(self, key, default=None):
        plans = self._plans
        if plans is None:
            keys = self._keys
            if keys is None:
                keys = self._keys = registered_keys()
            if key not in keys:
                return default
            plans = self._loaded()
        return plans.get(key, default)

    def __iter__(self) -> Iterator[str]:
        return iter(self._loaded())

    def __len__(self) -> int:
        return len(self._loaded())
