"""R14's facts read in bulk: every registered plan with its live draws and their sources.

Three small queries per screening batch whatever its size (live draws, the sources they draw
on, plans; the last two with their region's code), read only when a row of the batch names a
registered plan reference (`LazyPlans`: before that, one query of the references alone).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from datetime import date
from decimal import Decimal

from django.core.exceptions import EmptyResultSet
from django.db.models import QuerySet

from screening.gc_pause import gc_paused
from screening.models import CapacityDraw, CapacitySource, PlanStatus, ReplacementPlan
from screening.registry.checks import source_flags, source_number
from screening.rules.types import PlanFacts, SourceDrawFacts


def registered_keys() -> frozenset[str]:
    """The reference keys of every registered plan (withdrawn ones too)."""
    return frozenset(ReplacementPlan.objects.values_list("ref_key", flat=True))


_IMMUTABLE = (str, int, float, Decimal, bool, date, type(None))


def converted_rows(queryset: QuerySet) -> list[tuple]:
    """The rows of a `values_list()` queryset, exactly as iterating it gives them, fetched in
    one round trip; Django's converters (Decimal quantizing, dates, booleans on SQLite) run
    once per distinct value of a column rather than once per cell: capacities, amounts, dates
    and flags repeat across thousands of rows. A converted value that is not of an immutable
    type (a JSON list, say) is never shared between rows. (Equal raw values of different
    types, 1 and 1.0, convert alike: the converters map them to equal Decimals, bools.)"""
    compiler = queryset.query.get_compiler(using=queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:  # e.g. pk__in=[]: nothing to ask the database
        return []
    fields = [column[0] for column in compiler.select[: compiler.col_count]]
    converters = compiler.get_converters(fields)
    connection = compiler.connection
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not converters or not rows:
        return [tuple(row) for row in rows]
    columns = [list(column) for column in zip(*rows, strict=True)]
    for position, (functions, expression) in converters.items():
        column = columns[position]

        def convert(raw, functions=functions, expression=expression):
            for function in functions:
                raw = function(raw, expression, connection)
            return raw

        memo = {}
        for raw in set(column):
            value = convert(raw)
            if not isinstance(value, _IMMUTABLE):
                columns[position] = [convert(raw) for raw in column]  # each row its own
                break
            memo[raw] = value
        else:
            columns[position] = list(map(memo.__getitem__, column))
    return list(zip(*columns, strict=True))


def live_draws() -> QuerySet[CapacityDraw]:
    """The draws still held (a withdrawn plan's draws are returned, never deleted)."""
    return CapacityDraw.objects.filter(returned_at__isnull=True)


def load_plan_facts() -> dict[str, PlanFacts]:
    """Every registered plan (withdrawn ones too: a row naming one must fail) by reference key."""
    live = live_draws()
    # The live draws alone (ordered by id: each plan's draws keep their order), then each
    # source they draw on once: cheaper than joining the source's columns onto every draw.
    draw_rows = converted_rows(live.order_by("id").values_list("plan_id", "amount", "source_id"))
    drawn_total: dict[int, Decimal] = defaultdict(Decimal)
    for _plan, amount, source_id in draw_rows:
        drawn_total[source_id] += amount
    # A named tuple made by tuple.__new__ skips the Python-level __new__ of NamedTuple
    # (11,681 draws in the bench).
    make = tuple.__new__
    # Each source's part of a draw's facts, built once per source: (number, enterprise,
    # equipment, region, family, capacity, unit, drawn total) and (shut down, dismantled,
    # flags); the amount goes between them.
    sources: dict[int, tuple[tuple, tuple]] = {}
    for (
        pk,
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
    ) in converted_rows(
        CapacitySource.objects.filter(pk__in=live.values("source_id"))
        .order_by()
        .values_list(
            "id",
            "enterprise",
            "equipment",
            "region__code",
            "family",
            "capacity",
            "capacity_unit",
            "shutdown_date",
            "dismantled_date",
            "subsidised",
            "mandatory_elimination",
        )
    ):
        sources[pk] = (
            (
                source_number(pk),
                enterprise,
                equipment,
                source_region,
                source_family,
                capacity,
                source_unit,
                drawn_total[pk],
            ),
            (shutdown, dismantled, source_flags(subsidised, eliminated)),
        )
    draws: dict[int, list[SourceDrawFacts]] = {}
    for plan_id, amount, source_id in draw_rows:
        head, tail = sources[source_id]
        facts = make(SourceDrawFacts, (*head, amount, *tail))
        plan_draws = draws.get(plan_id)
        if plan_draws is None:
            draws[plan_id] = [facts]
        else:
            plan_draws.append(facts)
    plans: dict[str, PlanFacts] = {}
    withdrawn = PlanStatus.WITHDRAWN.value
    no_draws: tuple = ()
    for (
        pk,
        key,
        ref,
        status,
        region,
        family,
        new_capacity,
        unit,
    ) in converted_rows(
        ReplacementPlan.objects.order_by().values_list(  # looked up by key only: no order
            "id",
            "ref_key",
            "ref",
            "status",
            "region__code",
            "family",
            "new_capacity",
            "capacity_unit",
        )
    ):
        plan_draws = draws.get(pk)
        plans[key] = make(
            PlanFacts,
            (
                ref,
                status == withdrawn,
                region,
                family,
                new_capacity,
                unit,
                tuple(plan_draws) if plan_draws is not None else no_draws,
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
