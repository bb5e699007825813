"""What the regions of one scope say in one digest period, whoever reads it (SPEC §7): the
period a digest covers, then the entries of those regions — escalations, overdue items, project
energy warnings, new non-compliant projects, tier changes, diagnoses due — and the facts the
headline counts. One user's digest is assembled from these in `digest_content.py`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import DigestFrequency
from screening import briefing, months
from screening.labels import disposition_label
from screening.models import EscalationEnd, EscalationEvent, EscalationKind, Region
from screening.reports import monthly as reports
from screening.rules.types import Tier

# --- Periods ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """What one digest covers: its key (unique per user and frequency) and the window in
    which changes (tier changes, escalations, energy warnings) are news."""

    frequency: str
    key: str
    since: datetime
    until: datetime
    today: date
    report_month: tuple[int, int] | None = None  # the monthly digest attaches this report


def period_for(frequency: str, on: date | None = None) -> Period:
    """The period a digest sent on `on` (local date, default today) belongs to.

    daily: that day, news of the day before; weekly: that ISO week, news of the 7 days before;
    monthly: the month before, news of that month (sent on the 1st with its report).
    """
    on = on or timezone.localdate()
    if frequency == DigestFrequency.DAILY:
        return Period(
            frequency, on.isoformat(), reports.aware(on - timedelta(days=1)), reports.aware(on), on
        )
    if frequency == DigestFrequency.WEEKLY:
        iso_year, week, _weekday = on.isocalendar()
        return Period(
            frequency,
            f"{iso_year}-W{week:02d}",
            reports.aware(on - timedelta(days=7)),
            reports.aware(on),
            on,
        )
    if frequency == DigestFrequency.MONTHLY:
        year, month = months.month_before_day(on)
        return Period(
            frequency,
            f"{year}-{month:02d}",
            reports.aware(date(year, month, 1)),
            reports.aware(months.month_end(year, month)),
            on,
            report_month=(year, month),
        )
    raise ValueError(f"unknown digest frequency: {frequency!r}")


# --- The regions of a scope -------------------------------------------------------------------


def absolute(name: str, *args: Any) -> str:
    """An absolute link (SITE_URL) to a page; the site's home if the page does not exist yet."""
    base = settings.SITE_URL.rstrip("/")
    try:
        return base + reverse(name, args=args)
    except NoReverseMatch:
        return base + "/"


class ScopeCache:
    """Region-level facts computed once per scope, period and language while a run sends many
    digests (every province user shares one scope)."""

    def __init__(self, period: Period):
        self.period = period
        self._data: dict[tuple, Any] = {}

    def get(self, ids: frozenset[int], key: str, build) -> Any:
        cache_key = (ids, key, translation.get_language())
        if cache_key not in self._data:
            self._data[cache_key] = build()
        return self._data[cache_key]


@dataclass
class ScopeFacts:
    """What the regions of one scope say in one period, whoever reads it."""

    entries: list[briefing.Entry]
    restrictions_new: tuple[str, ...]
    restrictions_in_force: tuple[str, ...]
    reminders_new: tuple[str, ...]
    reminders_in_force: tuple[str, ...]
    non_compliant: list[Any]
    overdue: list[reports.OverdueItem]
    energy_red: int
    energy_yellow: int


def region_names(ids: Iterable[int], language: str) -> dict[int, str]:
    return {r.pk: r.display_name(language) for r in Region.objects.filter(pk__in=list(ids))}


def _escalation_entries(
    ids: frozenset[int], period: Period, language: str
) -> tuple[list[briefing.Entry], dict[str, list[str]]]:
    """Escalations that began or were lifted in the period, and the region names of those
    that began, by kind."""
    entries, started = [], {EscalationKind.RESTRICTION: [], EscalationKind.REMINDER: []}
    for event, what in reports.escalation_changes(ids, period.since, period.until):
        label = str(reports.ESCALATION_LABELS.get(event.kind, event.kind))
        name = event.region.display_name(language)
        text = (
            _("From %(start)s (red months: %(months)s)")
            if what == "started"
            else _("Lifted (%(start)s – %(end)s)")
        ) % {"start": event.started, "end": event.ended, "months": "、".join(event.months)}
        entries.append(
            briefing.Entry(
                "escalations",
                name,
                label,
                text,
                absolute("screening:warning_region", event.region.code),
                # a restriction before a reminder, a start before a lift
                (event.kind != EscalationKind.RESTRICTION, what != "started", event.started),
            )
        )
        if what == "started" and name not in started.setdefault(event.kind, []):
            started[event.kind].append(name)
    return entries, started


def _in_force(ids: frozenset[int], language: str) -> dict[str, list[str]]:
    """Region names under each kind of escalation now."""
    found: dict[str, list[str]] = {EscalationKind.RESTRICTION: [], EscalationKind.REMINDER: []}
    for event in (
        EscalationEvent.objects.filter(region_id__in=list(ids), ended_year__isnull=True)
        .exclude(end_reason=EscalationEnd.CORRECTED)
        .select_related("region")
        .order_by("region__code")
    ):
        name = event.region.display_name(language)
        if name not in found.setdefault(event.kind, []):
            found[event.kind].append(name)
    return found


def _overdue_entries(
    items: list[reports.OverdueItem], names: dict[int, str]
) -> list[briefing.Entry]:
    entries = []
    for item in items:
        what = (
            _("Rectification deadline passed")
            if item.kind == "rectification"
            else _("Review time limit passed")
        )
        region = names.get(item.region_id, item.region_name)
        entries.append(
            briefing.Entry(
                "overdue",
                region,
                f"{item.project_code} {item.project_name}",
                (
                    ngettext(
                        "%(what)s: due %(date)s, %(days)s working day overdue",
                        "%(what)s: due %(date)s, %(days)s working days overdue",
                        item.working_days_overdue,
                    )
                    if item.working_days_overdue
                    # due on a working day before a weekend or holiday that has not ended yet
                    else _("%(what)s: due %(date)s, overdue by less than a working day")
                )
                % {
                    "what": what,
                    "date": item.due_date.isoformat(),
                    "days": f"{item.working_days_overdue:,}",
                },
                absolute("screening:case", item.case_id),
                (item.due_date, item.case_id),
            )
        )
    return entries


def _energy_entries(ids: frozenset[int], period: Period, language: str) -> list[briefing.Entry]:
    """One line per project: its latest month reported in the period, red or yellow."""
    latest: dict[int, Any] = {}
    for row in reports.energy_warnings(ids, since=period.since, until=period.until):
        latest[row.project_id] = row  # ordered by month: the last one stays
    entries = []
    for row in latest.values():
        share = row.share_pct
        region = row.project.region.display_name(language)
        entries.append(
            briefing.Entry(
                "energy_red" if row.tier == Tier.RED else "energy_yellow",
                region,
                f"{row.project.project_code} {row.project.name}",
                _("%(month)s: %(tier)s, %(share)s %% of the approved energy to date")
                % {
                    "month": f"{row.year}-{row.month:02d}",
                    "tier": reports.tier_label(row.tier),
                    "share": f"{share:,.0f}" if share is not None else "—",
                },
                absolute("screening:project_energy_detail", row.project_id),
                (-(share or 0), row.project.project_code),
            )
        )
    return entries


def _non_compliant_entries(projects: list, language: str) -> list[briefing.Entry]:
    return [
        briefing.Entry(
            "non_compliant",
            p.region.display_name(language),
            f"{p.project_code} {p.name}",
            _("%(disposition)s · %(stage)s · %(sector)s")
            % {
                "disposition": disposition_label(p.disposition),
                "stage": p.stage,
                "sector": p.sector,
            },
            absolute("screening:project", p.pk),
            (p.project_code,),
        )
        for p in projects
    ]


def _tier_entries(ids: frozenset[int], period: Period, language: str) -> list[briefing.Entry]:
    """One line per region whose barometer tier moved with the months published in the
    period (briefing.tier_moves)."""
    names = region_names(
        {c.region_id for c in reports.tier_changes(ids, period.since, period.until)}, language
    )
    published = [
        briefing.PublishedMonth(
            names.get(c.region_id, c.region_name),
            absolute("screening:warning_region", c.region_code),
            c.year,
            c.month,
            c.tier,
            c.previous_tier,
        )
        for c in reports.tier_changes(ids, period.since, period.until)
    ]
    entries = []
    for move in briefing.tier_moves(published):
        month = (
            move.last_month
            if move.first_month == move.last_month
            else f"{move.first_month} – {move.last_month}"
        )
        if move.before is None:
            text = _("%(month)s: tier %(tier)s (first publication)") % {
                "month": month,
                "tier": reports.tier_label(move.tier),
            }
        else:
            text = _("%(month)s: tier %(tier)s (before: %(before)s)") % {
                "month": month,
                "tier": reports.tier_label(move.tier),
                "before": reports.tier_label(move.before),
            }
        entries.append(
            briefing.Entry("tiers", move.region, move.region, text, move.url, (move.last_month,))
        )
    return entries


def _diagnosis_entries(ids: frozenset[int], period: Period, language: str) -> list[briefing.Entry]:
    # A daily digest lists only diagnoses that became due with the day's screenings; the
    # weekly and monthly ones remind of all of them.
    since = period.since if period.frequency == DigestFrequency.DAILY else None
    names = {r.name: r.display_name(language) for r in Region.objects.filter(pk__in=ids)}
    entries = []
    for pk, code, name, region, diagnosis, cleaner in reports.diagnoses_due(
        ids, changed_since=since
    ):
        region = names.get(region, region)
        entries.append(
            briefing.Entry(
                "diagnoses",
                region,
                f"{code} {name}",
                _("Last energy diagnosis %(diagnosis)s, last cleaner-production audit %(cleaner)s")
                % {
                    "diagnosis": diagnosis or _("none on record"),
                    "cleaner": cleaner or _("none on record"),
                },
                absolute("screening:project", pk),
                (code,),
            )
        )
    return entries


def scope_facts(ids: frozenset[int], period: Period, language: str) -> ScopeFacts:
    """The region-level facts of a scope in a period (shared by everyone of that scope)."""
    names = region_names(ids, language)
    escalations, started = _escalation_entries(ids, period, language)
    in_force = _in_force(ids, language)
    overdue = reports.overdue_items(ids, period.today)
    non_compliant = reports.new_non_compliant(ids, period.since, period.until)
    energy = _energy_entries(ids, period, language)
    entries = [
        *escalations,
        *_overdue_entries(overdue, names),
        *energy,
        *_non_compliant_entries(non_compliant, language),
        *_tier_entries(ids, period, language),
        *_diagnosis_entries(ids, period, language),
    ]
    return ScopeFacts(
        entries,
        tuple(started[EscalationKind.RESTRICTION]),
        tuple(in_force[EscalationKind.RESTRICTION]),
        tuple(started[EscalationKind.REMINDER]),
        tuple(in_force[EscalationKind.REMINDER]),
        non_compliant,
        overdue,
        sum(e.section == "energy_red" for e in energy),
        sum(e.section == "energy_yellow" for e in energy),
    )
