"""Early warning (预警, SPEC §6): the regional barometer (能耗双控晴雨表) and its escalations,
annual target results, project energy-use warnings (两高项目用能预警) and the other alerts.

Tier logic lives in the pure engine (`screening.rules.barometer`) and its thresholds in the rule
set; this module stores, publishes and reads. Public functions other parts call:

* `restriction_in_force(region, as_of)` — 区域节能评估限批 as screening sees it on a day
  (R08, the approve guard, the case page); `escalation_in_force` also returns reminders.
* `budget_impact(project, as_of)`, `headroom_by_region(regions, as_of)` — the region's energy
  headroom for the year (能耗空间) and what approving a project does to it.
* `save_indicator_months`, `publish_months`, `record_annual_result`, `save_project_energy`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from screening.context import ContextResolver, month_counts_from
from screening.models import (
    AnnualResult,
    EscalationEnd,
    EscalationEvent,
    EscalationKind,
    IndicatorMonth,
    IndicatorSource,
    Project,
    ProjectEnergyMonth,
    ProjectStatus,
    Region,
    RuleSet,
)
from screening.rules import barometer
from screening.rules.headroom import CommittedProject, EnergyHeadroom, energy_headroom
from screening.rules.params import RuleParameters
from screening.rules.types import ConstructionType, Stage, Tier
from screening.screen import parameters_of

INDICATOR_FIELDS = ("intensity_change_pct", "intensity_target_pct", "energy_total_tce",
                    "energy_budget_tce", "coal_tonnes", "coal_cap_tonnes")
TIER_FIELDS = ("intensity_tier", "energy_tier", "coal_tier", "tier")

YearMonth = tuple[int, int]


def month_label(year: int, month: int) -> str:
    return f"{year}-{month:02d}"


def previous_month(year: int, month: int) -> YearMonth:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def next_month(year: int, month: int) -> YearMonth:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def last_months(year: int, month: int, count: int) -> list[YearMonth]:
    """The `count` calendar months ending with (year, month), oldest first."""
    months = [(year, month)]
    while len(months) < count:
        months.append(previous_month(*months[-1]))
    return months[::-1]


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
    intensity = barometer.intensity_tier(values.intensity_change_pct,
                                         values.intensity_target_pct, params)
    energy = barometer.total_energy_tier(values.energy_total_tce, values.energy_budget_tce,
                                         month, params)
    coal = barometer.coal_tier(values.coal_tonnes, values.coal_cap_tonnes, month, params)
    overall = barometer.dual_control_tier(intensity, energy)
    return {"intensity_tier": intensity or "", "energy_tier": energy or "",
            "coal_tier": coal or "", "tier": overall or ""}


def recompute_tiers(indicator: IndicatorMonth) -> bool:
    """Set the month's tiers from its inputs under its month's rule set; True if any changed.

    Raises WarningRefused when no rule set is in force for the month.
    """
    rule_set = rule_set_for_month(indicator.year, indicator.month)
    if rule_set is None:
        raise WarningRefused(no_rule_set_message(indicator.year, indicator.month))
    tiers = tiers_of(indicator, indicator.month, parameters_of(rule_set))
    changed = indicator.rule_set_id != rule_set.pk or any(
        getattr(indicator, name) != value for name, value in tiers.items())
    for name, value in tiers.items():
        setattr(indicator, name, value)
    indicator.rule_set = rule_set
    return changed


def no_rule_set_message(year: int, month: int) -> str:
    return _("No rule set is in force on %(date)s, when month %(month)s starts to count: its "
             "tiers cannot be computed.") % {
        "date": month_counts_from(year, month).isoformat(), "month": month_label(year, month)}


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
            "date": EARLIEST_PUBLICATION.isoformat()}
    return None


def month_ended_by(year: int, month: int, published_on: date) -> bool:
    """Whether month M had ended on `published_on`: it can be published from the 1st of M+1
    (the day it starts to count), never while it runs."""
    return published_on >= month_counts_from(year, month)


def month_not_ended_message(year: int, month: int, published_on: date) -> str:
    return _("Month %(month)s had not ended on %(date)s: it cannot have been published then "
             "(at the earliest on %(first)s).") % {
        "month": month_label(year, month), "date": published_on.isoformat(),
        "first": month_counts_from(year, month).isoformat()}


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


def _as_stored(value: Decimal | int | None) -> Decimal | None:
    # Stored with 4 decimals: compare at that precision so re-loading a file changes nothing.
    return None if value is None else Decimal(value).quantize(Decimal("0.0001"))


@transaction.atomic
def save_indicator_months(
    rows: Iterable[IndicatorRow], *, user=None, source: str = IndicatorSource.FORM,
    publish: bool = False, published_on: date | None = None,
) -> SaveSummary:
    """Create or update region-months from their figures, recompute their tiers, optionally
    publish them, and re-derive the regions' escalations. All or nothing.

    A correction of a month already published takes effect at once (it stays published, with
    its first publication date) so that fixing a figure never opens a gap in the series.
    `published_on` records history: every month is published on that day (each must have
    ended by then); a month already published later moves back to it, never forward (a later
    date would quietly lift what it restricted in between).
    """
    rows = list(rows)
    if published_on is not None:
        if not publish:
            raise WarningRefused(_("A publication date is given only with publishing."))
        problem = publication_date_problem(published_on)
        if problem:
            raise WarningRefused(problem)
        for row in rows:
            if not month_ended_by(row.year, row.month, published_on):
                raise WarningRefused(month_not_ended_message(row.year, row.month,
                                                             published_on))
    regions = {r.code: r for r in Region.objects.filter(code__in={r.region_code for r in rows})}
    summary = SaveSummary()
    now = publication_moment(published_on) if published_on is not None else timezone.now()
    for row in rows:
        region = regions[row.region_code]
        indicator = (IndicatorMonth.objects.select_for_update()
                     .filter(region=region, year=row.year, month=row.month).first())
        created = indicator is None
        if created:
            indicator = IndicatorMonth(region=region, year=row.year, month=row.month)
        inputs_changed = False
        for name in INDICATOR_FIELDS:
            new = _as_stored(getattr(row, name))
            if created or _as_stored(getattr(indicator, name)) != new:
                inputs_changed = inputs_changed or not created
                setattr(indicator, name, new)
        tiers_changed = recompute_tiers(indicator)
        newly_published = publish and (indicator.published_at is None or (
            published_on is not None and indicator.published_at > now))
        if newly_published:
            indicator.published_at, indicator.published_by = now, user
            summary.published += 1
        if created or inputs_changed or tiers_changed or newly_published:
            indicator.source, indicator.entered_by = source, user
            indicator.save()
        if created:
            summary.created += 1
        elif inputs_changed or tiers_changed:
            summary.changed += 1
        else:
            summary.unchanged += 1
        summary.months.append(f"{region.name} {month_label(row.year, row.month)}")
        summary.regions.add(region.pk)
    for region_id in summary.regions:
        sync_escalations(Region.objects.get(pk=region_id))
    return summary


@transaction.atomic
def publish_months(indicators: QuerySet[IndicatorMonth], *, user) -> int:
    """Publish the given unpublished region-months: from then on R07/R08 and the guards read
    them (from the 1st of the following month). Returns how many were published."""
    pending = list(indicators.select_for_update().filter(published_at__isnull=True))
    now = timezone.now()
    for indicator in pending:
        indicator.published_at, indicator.published_by = now, user
    IndicatorMonth.objects.bulk_update(pending, ["published_at", "published_by"])
    for region_id in {i.region_id for i in pending}:
        sync_escalations(Region.objects.get(pk=region_id))
    return len(pending)


# --- Escalations ---------------------------------------------------------------------------

@dataclass
class Episode:
    """A derived escalation: kind, the month that started it, the month that ended it."""

    kind: str
    start: YearMonth
    months: list[YearMonth]
    end: YearMonth | None = None
    end_reason: str = ""


def derive_episodes(
    series: Sequence[tuple[int, int, Tier | None, RuleParameters]],
) -> list[Episode]:
    """Reminders and restrictions from a region's published months (oldest first).

    Each month is judged with its own rule set's counts. A month not red, without a tier, or a
    calendar month missing between two published months ends what is open ((十八): "until a
    published month is no longer red"); a reminder ends when it becomes a restriction.
    """
    episodes: list[Episode] = []
    run: list[YearMonth] = []
    open_by_kind: dict[str, Episode] = {}
    previous: YearMonth | None = None

    def close(at: YearMonth, reason: str) -> None:
        for episode in open_by_kind.values():
            episode.end, episode.end_reason = at, reason
        open_by_kind.clear()

    for year, month, tier, params in series:
        here = (year, month)
        if previous is not None and here != next_month(*previous):
            close(next_month(*previous), EscalationEnd.GAP)
            run = []
        previous = here
        if tier != Tier.RED:
            close(here, EscalationEnd.NOT_RED if tier else EscalationEnd.NO_TIER)
            run = []
            continue
        run.append(here)
        level = barometer.escalation_for_run(len(run), params)
        if level is barometer.Escalation.RESTRICTION and EscalationKind.RESTRICTION \
                not in open_by_kind:
            reminder = open_by_kind.pop(EscalationKind.REMINDER, None)
            if reminder is not None:
                reminder.end, reminder.end_reason = here, EscalationEnd.ESCALATED
            episode = Episode(EscalationKind.RESTRICTION, here, [])
            episodes.append(episode)
            open_by_kind[EscalationKind.RESTRICTION] = episode
        elif level is barometer.Escalation.REMINDER and not open_by_kind:
            episode = Episode(EscalationKind.REMINDER, here, [])
            episodes.append(episode)
            open_by_kind[EscalationKind.REMINDER] = episode
        for episode in open_by_kind.values():
            episode.months = list(run)
    return episodes


def _published_series(region: Region) -> list[tuple[int, int, Tier | None, RuleParameters]]:
    series = []
    for indicator in (IndicatorMonth.objects.filter(region=region, published_at__isnull=False)
                      .select_related("rule_set").order_by("year", "month")):
        rule_set = indicator.rule_set or rule_set_for_month(indicator.year, indicator.month)
        if rule_set is None:
            continue  # never tiered: cannot escalate
        tier = Tier(indicator.tier) if indicator.tier else None
        series.append((indicator.year, indicator.month, tier, parameters_of(rule_set)))
    return series


def sync_escalations(region: Region) -> list[EscalationEvent]:
    """Re-derive the region's escalation events from its published months and store them.

    Events are never deleted: one whose months were corrected away is marked withdrawn.
    """
    now = timezone.now()
    existing = {(e.kind, e.started_year, e.started_month): e
                for e in EscalationEvent.objects.filter(region=region)}
    kept: list[EscalationEvent] = []
    for episode in derive_episodes(_published_series(region)):
        key = (episode.kind, *episode.start)
        event = existing.pop(key, None) or EscalationEvent(
            region=region, kind=episode.kind, started_year=episode.start[0],
            started_month=episode.start[1])
        ended = episode.end or (None, None)
        values = {"ended_year": ended[0], "ended_month": ended[1],
                  "end_reason": episode.end_reason,
                  "months": [month_label(*m) for m in episode.months]}
        if event.pk is None or any(getattr(event, k) != v for k, v in values.items()):
            for name, value in values.items():
                setattr(event, name, value)
            event.ended_at = now if episode.end else None
            event.save()
        kept.append(event)
    for event in existing.values():
        if event.end_reason != EscalationEnd.CORRECTED:
            event.end_reason, event.ended_at = EscalationEnd.CORRECTED, now
            if event.ended_year is None:
                event.ended_year, event.ended_month = event.started_year, event.started_month
            event.save()
    from screening.documents.services import sync_restriction_notices

    sync_restriction_notices(region)  # 限批 notices and their lifting (issue 18)
    return kept


@dataclass(frozen=True)
class EscalationInfo:
    """An escalation in force for a region on a day, as screening sees it (SPEC §4, §6)."""

    region: Region  # the region asked about
    series_region: Region  # whose published months it comes from (itself or a parent)
    kind: str
    red_months: tuple[str, ...]  # the consecutive red months, oldest first
    started: str  # the month that triggered it
    as_of: date
    event: EscalationEvent | None = None

    @property
    def inherited(self) -> bool:
        return self.series_region.pk != self.region.pk

    @property
    def is_restriction(self) -> bool:
        return self.kind == EscalationKind.RESTRICTION

    def message(self) -> str:
        """Why projects of the region cannot be approved (or why it was reminded)."""
        params = {"region": self.series_region.name, "n": len(self.red_months),
                  "months": "、".join(self.red_months)}
        if self.is_restriction:
            text = _("%(region)s is under the regional energy-assessment restriction "
                     "(区域节能评估限批): %(n)s consecutive red barometer months (%(months)s). "
                     "No 拟建 two-high project can be approved until a published month is no "
                     "longer red.") % params
        else:
            text = _("%(region)s has been reminded (提醒): %(n)s consecutive red barometer "
                     "months (%(months)s); one more red month brings the restriction.") % params
        if self.inherited:
            text += " " + _("(%(region)s has no barometer of its own and takes %(parent)s's.)") % {
                "region": self.region.name, "parent": self.series_region.name}
        return text


def _series_region(region: Region, as_of: date) -> Region | None:
    """The region whose published months count for `region` at `as_of` (itself or a parent,
    never the province), as ContextResolver decides."""
    end_of_day = timezone.make_aware(datetime.combine(as_of, time.max))
    seen: set[int] = set()
    current: Region | None = region
    while current is not None and not current.is_province and current.pk not in seen:
        seen.add(current.pk)
        for year, month in (IndicatorMonth.objects
                            .filter(region=current, published_at__lte=end_of_day)
                            .values_list("year", "month")):
            if month_counts_from(year, month) <= as_of:
                return current
        current = current.parent
    return None


def _params_at(as_of: date) -> RuleParameters | None:
    rule_set = RuleSet.in_force(as_of) or RuleSet.objects.order_by("effective_from").first()
    return parameters_of(rule_set) if rule_set is not None else None


def escalation_in_force(region: Region, as_of: date | None = None) -> EscalationInfo | None:
    """The reminder or restriction in force for the region on `as_of` (default today), read
    from the published barometer exactly as R08 reads it; None when neither is."""
    as_of = as_of or timezone.localdate()
    params = _params_at(as_of)
    if params is None or region.is_province:
        return None
    months = ContextResolver(as_of).for_region(region.code).barometer
    run = barometer.red_run_at_end(months)
    level = barometer.escalation_for_run(run, params)
    if level is barometer.Escalation.NONE:
        return None
    series_region = _series_region(region, as_of) or region
    red = months[len(months) - run:]
    kind = (EscalationKind.RESTRICTION if level is barometer.Escalation.RESTRICTION
            else EscalationKind.REMINDER)
    threshold = (params.barometer_restriction_months if kind == EscalationKind.RESTRICTION
                 else params.barometer_reminder_months)
    trigger = red[threshold - 1]
    event = EscalationEvent.objects.filter(
        region=series_region, kind=kind, started_year=trigger.year,
        started_month=trigger.month).first()
    return EscalationInfo(
        region=region, series_region=series_region, kind=kind,
        red_months=tuple(month_label(m.year, m.month) for m in red),
        started=month_label(trigger.year, trigger.month), as_of=as_of, event=event)


def restriction_in_force(region: Region, as_of: date | None = None) -> EscalationInfo | None:
    """区域节能评估限批 in force for the region on `as_of` (default today), or None.

    For the approve guard and the case page of 拟建 projects: `info.message()` says why the
    case cannot be approved.
    """
    info = escalation_in_force(region, as_of)
    return info if info is not None and info.is_restriction else None


# --- Annual results ------------------------------------------------------------------------

@transaction.atomic
def record_annual_result(region: Region, year: int, *, dual_control_met: bool,
                         pollutant_met: bool, user=None) -> AnnualResult:
    """Record whether the region met a year's energy dual-control and pollutant-total targets
    (R08 reads the year before the screening date's)."""
    if region.is_province:
        raise WarningRefused(_("Annual results are recorded per city or county, not for the "
                               "province: the province's figures are not a city's."))
    today = timezone.localdate()
    if not 2000 <= year <= today.year:
        raise WarningRefused(_("The year must be between 2000 and %(year)s.") % {
            "year": today.year})
    result, _created = AnnualResult.objects.update_or_create(
        region=region, year=year,
        defaults={"dual_control_met": dual_control_met, "pollutant_met": pollutant_met,
                  "recorded_by": user})
    return result


# --- The region's energy headroom (能耗空间) and what approving a project does to it --------

@dataclass(frozen=True)
class BudgetImpact:
    """The headroom of the region whose budget applies (the project's own, else the nearest
    parent's, never the province's), with every term; `region` is None when no region on the
    chain has a published budget for the year (the budget is unknown)."""

    region: Region | None
    tier: str
    headroom: EnergyHeadroom

    @property
    def exceeds(self) -> bool:
        return self.headroom.exceeds


def new_energy_of(project: Project) -> Decimal | None:
    """新增能源消费量 as R11 reads it: the figure given, else E for a 新建 project."""
    if project.new_energy_tce is not None:
        return project.new_energy_tce
    if project.construction_type == ConstructionType.NEW:
        return project.annual_energy_tce
    return None


def _counting_months(regions: Iterable[Region], as_of: date) -> dict[int, list[IndicatorMonth]]:
    """Published months of `as_of`'s year counting at `as_of`, latest first, per region."""
    end_of_day = timezone.make_aware(datetime.combine(as_of, time.max))
    months: dict[int, list[IndicatorMonth]] = defaultdict(list)
    for indicator in (IndicatorMonth.objects
                      .filter(region__in=list(regions), year=as_of.year,
                              published_at__lte=end_of_day)
                      .order_by("-month")):
        if month_counts_from(indicator.year, indicator.month) <= as_of:
            months[indicator.region_id].append(indicator)
    return months


def _committed_projects(as_of: date, exclude_project_id: int | None = None
                        ) -> list[tuple[int, CommittedProject]]:
    """(region id, project) for every project approved this year up to `as_of` that is still on
    a ledger and not yet operating (stage not 存量, no operation date on or before `as_of`)."""
    from screening.models import CaseState, ReviewCase

    year_start = timezone.make_aware(datetime.combine(date(as_of.year, 1, 1), time.min))
    end_of_day = timezone.make_aware(datetime.combine(as_of, time.max))
    cases = (ReviewCase.objects
             .filter(state=CaseState.APPROVED, decided_at__gte=year_start,
                     decided_at__lte=end_of_day, project__status=ProjectStatus.ACTIVE)
             .exclude(project__stage=Stage.OPERATING)
             .exclude(project__operation_date__lte=as_of)
             .select_related("project", "project__region")
             .order_by("project_id", "-decided_at"))
    if exclude_project_id is not None:
        cases = cases.exclude(project_id=exclude_project_id)
    seen: set[int] = set()
    committed: list[tuple[int, CommittedProject]] = []
    for case in cases:
        if case.project_id in seen:  # approved again in a later cycle: count it once
            continue
        seen.add(case.project_id)
        project = case.project
        committed.append((project.region_id, CommittedProject(
            project_id=project.pk, project_code=project.project_code, name=project.name,
            region_id=project.region_id, region_name=project.region.name, case_id=case.pk,
            approved_on=timezone.localdate(case.decided_at),
            new_energy_tce=new_energy_of(project))))
    return committed


def _within(region_id: int, ancestor_id: int, parents: dict[int, int | None]) -> bool:
    seen: set[int] = set()
    current: int | None = region_id
    while current is not None and current not in seen:
        if current == ancestor_id:
            return True
        seen.add(current)
        current = parents.get(current)
    return False


def headroom_by_region(regions: Sequence[Region], as_of: date | None = None,
                       project: Project | None = None) -> dict[int, BudgetImpact]:
    """The energy headroom of each region for `as_of`'s year, from its own published figures
    (a region without a budget of its own is left out, unless `project` is given: then the
    single region is the project's and its chain of parents is searched). Three queries,
    whatever the number of regions."""
    as_of = as_of or timezone.localdate()
    parents = dict(Region.objects.values_list("id", "parent_id"))
    by_id = {r.pk: r for r in Region.objects.all()} if project is not None else {
        r.pk: r for r in regions}
    chains: dict[int, list[int]] = {}
    for region in regions:
        chain, current = [], region.pk
        while current is not None and current not in chain:
            chain.append(current)
            current = parents.get(current) if project is not None else None
        chains[region.pk] = [pk for pk in chain if not by_id[pk].is_province]
    months = _counting_months([by_id[pk] for chain in chains.values() for pk in chain], as_of)
    committed = _committed_projects(as_of, project.pk if project is not None else None)
    own_energy = new_energy_of(project) if project is not None else None
    result: dict[int, BudgetImpact] = {}
    for region in regions:
        source = next((pk for pk in chains[region.pk]
                       if any(m.energy_budget_tce is not None for m in months.get(pk, ()))),
                      None)
        if source is None:
            if project is not None:
                result[region.pk] = BudgetImpact(None, "", energy_headroom(
                    year=as_of.year, annual_budget_tce=None, months_reported=None,
                    used_to_date_tce=None, committed=[], new_energy_tce=own_energy))
            continue
        own = months[source]
        budget_month = next(m for m in own if m.energy_budget_tce is not None)
        used_month = next((m for m in own if m.energy_total_tce is not None), None)
        result[region.pk] = BudgetImpact(by_id[source], budget_month.energy_tier, energy_headroom(
            year=as_of.year, annual_budget_tce=budget_month.energy_budget_tce,
            months_reported=used_month.month if used_month else None,
            used_to_date_tce=used_month.energy_total_tce if used_month else None,
            committed=[p for region_id, p in committed if _within(region_id, source, parents)],
            new_energy_tce=own_energy))
    return result


def budget_impact(project: Project, as_of: date | None = None) -> BudgetImpact:
    """What approving the project would do to its region's energy headroom for `as_of`'s year:
    the budget of the nearest region on its chain with a published one, minus projected use,
    minus the projects approved this year in that region and its sub-regions, minus this one."""
    return headroom_by_region([project.region], as_of, project=project)[project.region_id]


# --- Project energy-use warnings ------------------------------------------------------------

@dataclass(frozen=True)
class ProjectEnergyRow:
    """One row of the project energy upload: a project's actual energy use in one month."""

    project_code: str
    year: int
    month: int
    actual_tce: Decimal


def operating_two_high(queryset: QuerySet[Project] | None = None) -> QuerySet[Project]:
    """Operating (存量) 两高 projects of the ledger: those the energy-use warning watches."""
    queryset = Project.objects.all() if queryset is None else queryset
    return queryset.filter(status=ProjectStatus.ACTIVE, in_scope=True, stage=Stage.OPERATING)


def recompute_project_year(project: Project, year: int) -> None:
    """Cumulative use and tier of each reported month of the project's year.

    Months elapsed = the month's number; a month not reported adds nothing (a gap can hide a
    warning but never raise a false one).
    """
    cumulative = Decimal(0)
    reported = 0
    changed: list[ProjectEnergyMonth] = []
    for entry in (ProjectEnergyMonth.objects.filter(project=project, year=year)
                  .order_by("month")):
        cumulative += entry.actual_tce
        reported += 1
        rule_set = rule_set_for_month(year, entry.month) or RuleSet.in_force(
            timezone.localdate())
        tier = ""
        if rule_set is not None:
            tier = barometer.project_energy_tier(
                cumulative, project.annual_energy_tce, entry.month,
                parameters_of(rule_set)) or ""
        entry.cumulative_tce, entry.months_reported = cumulative, reported
        entry.approved_annual_tce, entry.tier, entry.rule_set = (
            project.annual_energy_tce, tier, rule_set)
        changed.append(entry)
    ProjectEnergyMonth.objects.bulk_update(
        changed, ["cumulative_tce", "months_reported", "approved_annual_tce", "tier",
                  "rule_set"])


@transaction.atomic
def save_project_energy(rows: Iterable[ProjectEnergyRow], *, user=None) -> SaveSummary:
    """Store monthly actual energy use of projects (rows already checked) and recompute their
    warnings. All or nothing; re-loading the same figures changes nothing."""
    rows = list(rows)
    projects = {p.project_code: p for p in
                Project.objects.filter(project_code__in={r.project_code for r in rows})}
    summary = SaveSummary()
    touched: set[tuple[int, int]] = set()
    for row in rows:
        project = projects[row.project_code]
        actual = _as_stored(row.actual_tce)
        entry, created = ProjectEnergyMonth.objects.get_or_create(
            project=project, year=row.year, month=row.month,
            defaults={"actual_tce": actual, "entered_by": user})
        if created:
            summary.created += 1
        elif entry.actual_tce != actual:
            entry.actual_tce, entry.entered_by = actual, user
            entry.save(update_fields=["actual_tce", "entered_by", "updated_at"])
            summary.changed += 1
        else:
            summary.unchanged += 1
        touched.add((project.pk, row.year))
        summary.regions.add(project.region_id)
    for project_id, year in touched:
        recompute_project_year(Project.objects.get(pk=project_id), year)
    return summary


def latest_project_warnings(projects: QuerySet[Project]) -> list[ProjectEnergyMonth]:
    """Each watched project's latest reported month, red first, then yellow, then the rest."""
    latest: dict[int, ProjectEnergyMonth] = {}
    for entry in (ProjectEnergyMonth.objects
                  .filter(project__in=operating_two_high(projects))
                  .select_related("project", "project__region")
                  .order_by("project_id", "year", "month")):
        latest[entry.project_id] = entry
    order = {Tier.RED: 0, Tier.YELLOW: 1, Tier.GREEN: 2}
    return sorted(latest.values(), key=lambda e: (order.get(e.tier, 3),
                                                  e.project.project_code))


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


def barometer_grid(regions: Sequence[Region], months: Sequence[YearMonth], *,
                   published_only: bool = True) -> dict[int, list[MonthCell]]:
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
    has_own = set(IndicatorMonth.objects.filter(published_at__isnull=False)
                  .values_list("region_id", flat=True).distinct())
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
        while (source is not None and source not in has_own and source not in provinces
               and source not in seen):
            seen.add(source)
            source = parents.get(source)
        if source is None or source in provinces or source not in has_own:
            source = region.pk
        cells = []
        for year, month in months:
            indicator = by_region.get(source, {}).get((year, month))
            cells.append(MonthCell(
                year, month, tier=indicator.tier if indicator else "",
                published=bool(indicator and indicator.published_at),
                inherited_from=names[source] if source != region.pk and indicator else "",
                indicator=indicator))
        grid[region.pk] = cells
    return grid


def reference_month(today: date | None = None) -> YearMonth:
    """The month whose barometer counts today: the calendar month before `today`."""
    today = today or timezone.localdate()
    return previous_month(today.year, today.month)


def parse_month(text: str | None) -> YearMonth | None:
    """'YYYY-MM' → (year, month), or None when blank or malformed."""
    if not text:
        return None
    parts = text.strip().split("-")
    if len(parts) != 2 or not all(p.isascii() and p.isdigit() for p in parts):
        return None
    year, month = int(parts[0]), int(parts[1])
    if not (1990 <= year <= 2100 and 1 <= month <= 12):
        return None
    return year, month


# --- Other alerts ----------------------------------------------------------------------------

@dataclass
class Alerts:
    """Everything that needs attention in a user's regions (SPEC §6 "Other alerts")."""

    rectification_overdue: list = field(default_factory=list)  # ReviewCase
    review_overdue: list = field(default_factory=list)  # ReviewCase
    diagnoses_due: list = field(default_factory=list)  # Project
    energy_warnings: list = field(default_factory=list)  # ProjectEnergyMonth, red/yellow
    escalations: list = field(default_factory=list)  # EscalationEvent in force

    @property
    def total(self) -> int:
        return (len(self.rectification_overdue) + len(self.review_overdue)
                + len(self.diagnoses_due) + len(self.energy_warnings) + len(self.escalations))


def overdue_cases(region_ids: Iterable[int], today: date) -> tuple[list, list]:
    """Open cases past their rectification deadline, and past their stage's review limit.

    Reads the workflow's models (screening/models/workflow.py): the due date of the current
    stage is kept on the case.
    """
    from screening.models import FINAL_STATES, CaseState, ReviewCase

    open_cases = (ReviewCase.objects.filter(region_id__in=list(region_ids))
                  .exclude(state__in=list(FINAL_STATES))
                  .select_related("project", "region").order_by("due_date", "pk"))
    rectification = list(open_cases.filter(state=CaseState.RECTIFYING,
                                           rectification_deadline__lt=today))
    review = list(open_cases.exclude(state=CaseState.RECTIFYING).filter(due_date__lt=today))
    return rectification, review


def diagnoses_due(projects: QuerySet[Project]) -> list[Project]:
    """存量 projects whose latest screening has R12 at WARN (节能诊断/清洁生产审核 due)."""
    due = []
    for project in (projects.filter(status=ProjectStatus.ACTIVE, stage=Stage.OPERATING)
                    .select_related("region").order_by("region__code", "project_code")):
        if any(f.get("rule") == "R12" and f.get("outcome") == "WARN" for f in project.findings):
            due.append(project)
    return due


def alerts_for(user, today: date | None = None) -> Alerts:
    """The alerts of the user's regions on `today`."""
    from screening import permissions

    today = today or timezone.localdate()
    region_ids = permissions.scope_region_ids(user)
    projects = Project.objects.filter(region_id__in=region_ids)
    rectification, review = overdue_cases(region_ids, today)
    return Alerts(
        rectification_overdue=rectification,
        review_overdue=review,
        diagnoses_due=diagnoses_due(projects),
        energy_warnings=[w for w in latest_project_warnings(projects)
                         if w.tier in (Tier.RED, Tier.YELLOW)],
        escalations=list(EscalationEvent.objects.filter(region_id__in=region_ids,
                                                        ended_year__isnull=True)
                         .exclude(end_reason=EscalationEnd.CORRECTED)
                         .select_related("region")),
    )
