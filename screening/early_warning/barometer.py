"""The regional barometer (能耗双控晴雨表, SPEC §6): tiers of a region-month, publication dates of
history, annual target results, and the barometer grid pages show.

Tier logic lives in the pure engine (`screening.rules.barometer`) and its thresholds in the rule
set; this module computes, stores and reads.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from screening.context import month_counts_from
from screening.models import AnnualResult, IndicatorMonth, Region, RuleSet
from screening.months import YearMonth, month_label
from screening.rules import barometer
from screening.rules.params import RuleParameters
from screening.screen import parameters_of

INDICATOR_FIELDS = (
    "intensity_change_pct",
    "intensity_target_pct",
    "energy_total_tce",
    "energy_budget_tce",
    "coal_tonnes",
    "coal_cap_tonnes",
)
TIER_FIELDS = ("intensity_tier", "energy_tier", "coal_tier", "tier")


class WarningRefused(Exception):
    """An early-warning action cannot be done; `message` says why in the user's language."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


# --- Tiers of the barometer ----------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorRow:
    """One region-month of the indicators template (SPEC §8); None = blank."""

    region_code: str
    year: int
    month: int
    intensity_change_pct: Decimal | None = None
    intensity_target_pct: Decimal | None = None
    energy_total_tce: Decimal | None = None
    energy_budget_tce: Decimal | None = None
    coal_tonnes: Decimal | None = None
    coal_cap_tonnes: Decimal | None = None


def rule_set_for_month(year: int, month: int) -> RuleSet | None:
    """The rule set whose thresholds judge month M: the one in force when M starts to count."""
    return RuleSet.in_force(month_counts_from(year, month))


def tiers_of(values, month: int, params: RuleParameters) -> dict[str, str]:
    """Tier of each indicator and the region-month's 能耗双控 tier `tier` ('' = no data,
    shown grey). Coal keeps its own tier beside it and counts for nothing else (revision 4)."""
    intensity = barometer.intensity_tier(
        values.intensity_change_pct, values.intensity_target_pct, params
    )
    energy = barometer.total_energy_tier(
        values.energy_total_tce, values.energy_budget_tce, month, params
    )
    coal = barometer.coal_tier(values.coal_tonnes, values.coal_cap_tonnes, month, params)
    overall = barometer.dual_control_tier(intensity, energy)
    return {
        "intensity_tier": intensity or "",
        "energy_tier": energy or "",
        "coal_tier": coal or "",
        "tier": overall or "",
    }


def recompute_tiers(indicator: IndicatorMonth) -> bool:
    """Set the month's tiers from its inputs under its month's rule set; True if any changed.

    Raises WarningRefused when no rule set is in force for the month.
    """
    rule_set = rule_set_for_month(indicator.year, indicator.month)
    if rule_set is None:
        raise WarningRefused(no_rule_set_message(indicator.year, indicator.month))
    tiers = tiers_of(indicator, indicator.month, parameters_of(rule_set))
    changed = indicator.rule_set_id != rule_set.pk or any(
        getattr(indicator, name) != value for name, value in tiers.items()
    )
    for name, value in tiers.items():
        setattr(indicator, name, value)
    indicator.rule_set = rule_set
    return changed


def no_rule_set_message(year: int, month: int) -> str:
    return _(
        "No rule set is in force on %(date)s, when month %(month)s starts to count: its "
        "tiers cannot be computed."
    ) % {"date": month_counts_from(year, month).isoformat(), "month": month_label(year, month)}


# --- Publication dates of history (SPEC §8 `--published-on`) ------------------------------

# A province starting with years of history records when those months were published; before
# this no barometer month of the plan's era can have been published.
EARLIEST_PUBLICATION = date(2000, 1, 1)


def publication_date_problem(published_on: date, today: date | None = None) -> str | None:
    """Why `published_on` cannot be recorded as a publication date (None when it can)."""
    today = today or timezone.localdate()
    if published_on > today:
        return _("The publication date must not be in the future.")
    if published_on < EARLIEST_PUBLICATION:
        return _("The publication date must not be before %(date)s.") % {
            "date": EARLIEST_PUBLICATION.isoformat()
        }
    return None


def month_ended_by(year: int, month: int, published_on: date) -> bool:
    """Whether month M had ended on `published_on`: it can be published from the 1st of M+1
    (the day it starts to count), never while it runs."""
    return published_on >= month_counts_from(year, month)


def month_not_ended_message(year: int, month: int, published_on: date) -> str:
    return _(
        "Month %(month)s had not ended on %(date)s: it cannot have been published then "
        "(at the earliest on %(first)s)."
    ) % {
        "month": month_label(year, month),
        "date": published_on.isoformat(),
        "first": month_counts_from(year, month).isoformat(),
    }


def publication_moment(published_on: date) -> datetime:
    """The start of the day, local time: a screening as of that day counts the month."""
    return timezone.make_aware(datetime.combine(published_on, time.min))


@dataclass
class SaveSummary:
    """What saving a batch of months did."""

    created: int = 0
    changed: int = 0
    unchanged: int = 0
    published: int = 0
    months: list[str] = field(default_factory=list)
    regions: set[int] = field(default_factory=set)


def as_stored(value: Decimal | int | None) -> Decimal | None:
    # Stored with 4 decimals: compare at that precision so re-loading a file changes nothing.
    return None if value is None else Decimal(value).quantize(Decimal("0.0001"))


# --- Annual results ------------------------------------------------------------------------


@transaction.atomic
def record_annual_result(
    region: Region, year: int, *, dual_control_met: bool, pollutant_met: bool, user=None
) -> AnnualResult:
    """Record whether the region met a year's energy dual-control and pollutant-total targets
    (R08 reads the year before the screening date's)."""
    if region.is_province:
        raise WarningRefused(
            _(
                "Annual results are recorded per city or county, not for the "
                "province: the province's figures are not a city's."
            )
        )
    today = timezone.localdate()
    if not 2000 <= year <= today.year:
        raise WarningRefused(
            _("The year must be between 2000 and %(year)s.") % {"year": today.year}
        )
    result, _created = AnnualResult.objects.update_or_create(
        region=region,
        year=year,
        defaults={
            "dual_control_met": dual_control_met,
            "pollutant_met": pollutant_met,
            "recorded_by": user,
        },
    )
    return result


# --- The barometer as pages show it ---------------------------------------------------------


@dataclass
class MonthCell:
    """One region's tier in one month as shown: own or inherited from a parent, or none."""

    year: int
    month: int
    tier: str = ""  # '' = no tier (grey)
    published: bool = False
    inherited_from: str = ""  # name of the parent region whose figures these are
    indicator: IndicatorMonth | None = None

    @property
    def label(self) -> str:
        return month_label(self.year, self.month)


def barometer_grid(
    regions: Sequence[Region], months: Sequence[YearMonth], *, published_only: bool = True
) -> dict[int, list[MonthCell]]:
    """Tier cells per region for the given months (oldest first).

    A region with no months of its own takes its nearest parent's (never the province's), as
    screening does.
    """
    wanted = set(months)
    years = {y for y, _m in months}
    by_region: dict[int, dict[YearMonth, IndicatorMonth]] = defaultdict(dict)
    filters = Q(year__in=years)
    if published_only:
        filters &= Q(published_at__isnull=False)
    has_own = set(
        IndicatorMonth.objects.filter(published_at__isnull=False)
        .values_list("region_id", flat=True)
        .distinct()
    )
    for indicator in IndicatorMonth.objects.filter(filters).select_related("region"):
        if (indicator.year, indicator.month) in wanted:
            by_region[indicator.region_id][(indicator.year, indicator.month)] = indicator
    parents = dict(Region.objects.values_list("id", "parent_id"))
    provinces = set(Region.objects.filter(level="province").values_list("id", flat=True))
    names = dict(Region.objects.values_list("id", "name"))
    grid: dict[int, list[MonthCell]] = {}
    for region in regions:
        source = region.pk
        seen: set[int] = set()
        while (
            source is not None
            and source not in has_own
            and source not in provinces
            and source not in seen
        ):
            seen.add(source)
            source = parents.get(source)
        if source is None or source in provinces or source not in has_own:
            source = region.pk
        cells = []
        for year, month in months:
            indicator = by_region.get(source, {}).get((year, month))
            cells.append(
                MonthCell(
                    year,
                    month,
                    tier=indicator.tier if indicator else "",
                    published=bool(indicator and indicator.published_at),
                    inherited_from=names[source] if source != region.pk and indicator else "",
                    indicator=indicator,
                )
            )
        grid[region.pk] = cells
    return grid
