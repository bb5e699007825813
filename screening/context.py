"""Reading the screening context of each region from the database as of a date (SPEC §4).

Fallbacks go up the chain of `parent` regions but never to 河南省 itself: the province's own
figures are not a city's. A handful of queries serve any number of projects.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time

from django.utils import timezone

from screening.models import (
    AnnualResult,
    IndicatorMonth,
    Region,
    RegionAttribute,
    RegionAttributeKind,
)
from screening.registry.facts import LazyPlans
from screening.rules.types import BarometerMonth, ScreeningContext, Tier


def month_counts_from(year: int, month: int) -> date:
    """A barometer month M counts from the first day of month M+1."""
    return date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)


class ContextResolver:
    """Builds ScreeningContext values for regions on one screening date."""

    def __init__(self, as_of: date, *, read_registry_now: bool = False):
        self.as_of = as_of
        regions = list(Region.objects.values_list("id", "code", "parent_id", "level"))
        self._id_by_code = {code: pk for pk, code, _parent, _level in regions}
        self._parent = {pk: parent for pk, _code, parent, _level in regions}
        self._province_ids = {pk for pk, _c, _p, level in regions if level == "province"}
        self._attributes: dict[tuple[int, str], bool] = {}
        for region_id, kind, value in (
            RegionAttribute.objects.filter(valid_from__lte=as_of)
            .exclude(valid_to__lt=as_of)
            .order_by("valid_from")
            .values_list("region_id", "attribute", "value")
        ):
            self._attributes[(region_id, kind)] = value  # the latest start wins
        end_of_day = timezone.make_aware(datetime.combine(as_of, time.max))
        months: dict[int, list[BarometerMonth]] = defaultdict(list)
        for region_id, year, month, tier in (
            IndicatorMonth.objects.filter(published_at__isnull=False, published_at__lte=end_of_day)
            .order_by("year", "month")
            .values_list("region_id", "year", "month", "tier")
        ):
            if month_counts_from(year, month) <= as_of:
                months[region_id].append(BarometerMonth(year, month, Tier(tier) if tier else None))
        self._months = {k: tuple(v) for k, v in months.items()}
        self._results = {
            region_id: (dual, pollutant)
            for region_id, dual, pollutant in AnnualResult.objects.filter(
                year=as_of.year - 1
            ).values_list("region_id", "dual_control_met", "pollutant_met")
        }
        self._cache: dict[str, ScreeningContext] = {}
        # One registry for the whole batch, read on its first use (R14, issue 17), or now when
        # the caller will screen while the connection streams a COPY (no query can run then).
        self._plans = LazyPlans()
        if read_registry_now:
            len(self._plans)

    def _chain(self, region_id: int):
        """The region, then its parents, stopping before the province."""
        seen = set()
        while region_id is not None and region_id not in self._province_ids:
            if region_id in seen:  # a loop in the data must not hang a screening
                return
            seen.add(region_id)
            yield region_id
            region_id = self._parent.get(region_id)

    def _attribute(self, region_id: int, kind: str) -> bool:
        for rid in self._chain(region_id):
            if (rid, kind) in self._attributes:
                return self._attributes[(rid, kind)]
        return False

    def for_region(self, code: str) -> ScreeningContext:
        if code in self._cache:
            return self._cache[code]
        region_id = self._id_by_code[code]
        barometer: tuple[BarometerMonth, ...] = ()
        for rid in self._chain(region_id):
            if rid in self._months:
                barometer = self._months[rid]
                break
        dual_met, pollutant_met = True, True  # unknown counts as met
        for rid in self._chain(region_id):
            if rid in self._results:
                dual_met, pollutant_met = self._results[rid]
                break
        context = ScreeningContext(
            as_of=self.as_of,
            key_air_area=self._attribute(region_id, RegionAttributeKind.KEY_AIR_AREA),
            non_attainment=self._attribute(region_id, RegionAttributeKind.NON_ATTAINMENT),
            barometer=barometer,
            missed_dual_control_last_year=not dual_met,
            missed_pollutant_target_last_year=not pollutant_met,
            replacement_plans=self._plans,
        )
        self._cache[code] = context
        return context
