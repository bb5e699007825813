"""R14's facts read in bulk: every registered plan with its live draws and their sources.

Three small queries per screening batch whatever its size (regions, plans, live draws with
their sources), read only when a row of the batch names a plan reference (`LazyPlans`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from decimal import Decimal

from screening.gc_pause import gc_paused
from screening.models import CapacityDraw, PlanStatus, Region, ReplacementPlan
from screening.registry.checks import source_flags, source_number
from screening.rules.types import PlanFacts, SourceDrawFacts


def load_plan_facts() -> dict[str, PlanFacts]:
    """Every registered plan (withdrawn ones too: a row naming one must fail) by reference key."""
    region_code = dict(Region.objects.values_list("id", "code"))
    draws: dict[int, list[tuple]] = defaultdict(list)
    drawn_total: dict[int, Decimal] = defaultdict(Decimal)
    # Fetched whole rather than through a server-side cursor: a few tens of thousands of short
    # rows, read in one round trip.
    rows = list(CapacityDraw.objects.filter(returned_at__isnull=True)
                .order_by("plan_id", "id")
                .values_list("plan_id", "amount", "source_id", "source__enterprise",
                             "source__equipment", "source__region_id", "source__family",
                             "source__capacity", "source__capacity_unit",
                             "source__shutdown_date", "source__dismantled_date",
                             "source__subsidised", "source__mandatory_elimination"))
    for row in rows:
        draws[row[0]].append(row)
        drawn_total[row[2]] += row[1]
    plans: dict[str, PlanFacts] = {}
    withdrawn = PlanStatus.WITHDRAWN.value
    for pk, key, ref, status, region_id, family, new_capacity, unit in (
        ReplacementPlan.objects.values_list("id", "ref_key", "ref", "status", "region_id",
                                            "family", "new_capacity", "capacity_unit")
    ):
        plans[key] = PlanFacts(
            ref, status == withdrawn, region_code.get(region_id, ""), family, new_capacity,
            unit,
            tuple(
                SourceDrawFacts(
                    source_number(source_id), enterprise, equipment,
                    region_code.get(source_region, ""), source_family, capacity, source_unit,
                    drawn_total[source_id], amount, shutdown, dismantled,
                    source_flags(subsidised, eliminated))
                for (_plan, amount, source_id, enterprise, equipment, source_region,
                     source_family, capacity, source_unit, shutdown, dismantled, subsidised,
                     eliminated) in draws.get(pk, ())
            ),
        )
    return plans


class LazyPlans(Mapping):
    """The registry's plans, loaded on the first lookup: a batch whose rows name no plan
    reference never reads the registry."""

    __slots__ = ("_plans",)

    def __init__(self) -> None:
        self._plans: dict[str, PlanFacts] | None = None

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
            plans = self._loaded()
        return plans.get(key, default)

    def __iter__(self) -> Iterator[str]:
        return iter(self._loaded())

    def __len__(self) -> int:
        return len(self._loaded())
