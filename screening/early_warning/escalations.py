"""Escalations of the barometer (SPEC §6): reminders and 区域节能评估限批 derived from a region's
published months, and what is in force on a day (`escalation_in_force`,
`restriction_in_force`: R08, the approve guard, the case page).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from django.utils import timezone
from django.utils.translation import gettext as _

from screening.context import ContextResolver, month_counts_from
from screening.early_warning.barometer import rule_set_for_month
from screening.models import (
    EscalationEnd,
    EscalationEvent,
    EscalationKind,
    IndicatorMonth,
    Region,
    RuleSet,
)
from screening.months import YearMonth, month_after, month_label
from screening.rules import barometer
from screening.rules.params import RuleParameters
from screening.rules.types import Tier
from screening.screen import parameters_of

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
        if previous is not None and here != month_after(*previous):
            close(month_after(*previous), EscalationEnd.GAP)
            run = []
        previous = here
        if tier != Tier.RED:
            close(here, EscalationEnd.NOT_RED if tier else EscalationEnd.NO_TIER)
            run = []
            continue
        run.append(here)
        level = barometer.escalation_for_run(len(run), params)
        if (
            level is barometer.Escalation.RESTRICTION
            and EscalationKind.RESTRICTION not in open_by_kind
        ):
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
    for indicator in (
        IndicatorMonth.objects.filter(region=region, published_at__isnull=False)
        .select_related("rule_set")
        .order_by("year", "month")
    ):
        rule_set = indicator.rule_set or rule_set_for_month(indicator.year, indicator.month)
        if rule_set is None:
            continue  # never tiered: cannot escalate
        tier = Tier(indicator.tier) if indicator.tier else None
        series.append((indicator.year, indicator.month, tier, parameters_of(rule_set)))
    return series


def sync_escalations(region: Region) -> list[EscalationEvent]:
    """Re-derive the region's escalation events from its published months and store them.

    Events are never deleted: one whose months were corrected away is marked withdrawn.
    The 限批 notices follow with `publishing.publish_escalations`, which callers use.
    """
    now = timezone.now()
    existing = {
        (e.kind, e.started_year, e.started_month): e
        for e in EscalationEvent.objects.filter(region=region)
    }
    kept: list[EscalationEvent] = []
    for episode in derive_episodes(_published_series(region)):
        key = (episode.kind, *episode.start)
        event = existing.pop(key, None) or EscalationEvent(
            region=region,
            kind=episode.kind,
            started_year=episode.start[0],
            started_month=episode.start[1],
        )
        ended = episode.end or (None, None)
        values = {
            "ended_year": ended[0],
            "ended_month": ended[1],
            "end_reason": episode.end_reason,
            "months": [month_label(*m) for m in episode.months],
        }
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
        params = {
            "region": self.series_region.name,
            "n": len(self.red_months),
            "months": "、".join(self.red_months),
        }
        if self.is_restriction:
            text = (
                _(
                    "%(region)s is under the regional energy-assessment restriction "
                    "(区域节能评估限批): %(n)s consecutive red barometer months (%(months)s). "
                    "No 拟建 two-high project can be approved until a published month is no "
                    "longer red."
                )
                % params
            )
        else:
            text = (
                _(
                    "%(region)s has been reminded (提醒): %(n)s consecutive red barometer "
                    "months (%(months)s); one more red month brings the restriction."
                )
                % params
            )
        if self.inherited:
            text += " " + _("(%(region)s has no barometer of its own and takes %(parent)s's.)") % {
                "region": self.region.name,
                "parent": self.series_region.name,
            }
        return text


def _series_region(region: Region, as_of: date) -> Region | None:
    """The region whose published months count for `region` at `as_of` (itself or a parent,
    never the province), as ContextResolver decides."""
    end_of_day = timezone.make_aware(datetime.combine(as_of, time.max))
    seen: set[int] = set()
    current: Region | None = region
    while current is not None and not current.is_province and current.pk not in seen:
        seen.add(current.pk)
        for year, month in IndicatorMonth.objects.filter(
            region=current, published_at__lte=end_of_day
        ).values_list("year", "month"):
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
    red = months[len(months) - run :]
    kind = (
        EscalationKind.RESTRICTION
        if level is barometer.Escalation.RESTRICTION
        else EscalationKind.REMINDER
    )
    threshold = (
        params.barometer_restriction_months
        if kind == EscalationKind.RESTRICTION
        else params.barometer_reminder_months
    )
    trigger = red[threshold - 1]
    event = EscalationEvent.objects.filter(
        region=series_region, kind=kind, started_year=trigger.year, started_month=trigger.month
    ).first()
    return EscalationInfo(
        region=region,
        series_region=series_region,
        kind=kind,
        red_months=tuple(month_label(m.year, m.month) for m in red),
        started=month_label(trigger.year, trigger.month),
        as_of=as_of,
        event=event,
    )


def restriction_in_force(region: Region, as_of: date | None = None) -> EscalationInfo | None:
    """区域节能评估限批 in force for the region on `as_of` (default today), or None.

    For the approve guard and the case page of 拟建 projects: `info.message()` says why the
    case cannot be approved.
    """
    info = escalation_in_force(region, as_of)
    return info if info is not None and info.is_restriction else None
