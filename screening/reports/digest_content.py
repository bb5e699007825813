"""What a digest says (SPEC §7): the period it covers and, for one user, the entries of their own
regions — cases waiting for them, overdue items, regions that changed tier or escalated,
project energy warnings, diagnoses due, their uploads — with the headline and the monthly
reports attached. Sending (exactly once) is `digests.py`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import DigestFrequency, User
from screening import briefing, months
from screening.labels import DISPOSITION_LABELS, disposition_label
from screening.models import (
    CaseState,
    EscalationEnd,
    EscalationEvent,
    EscalationKind,
    LedgerUpload,
    Region,
    ReportKind,
    UploadStatus,
)
from screening.permissions import cases_waiting_for, scope_region_ids
from screening.reports import monthly as reports
from screening.rules.types import Tier


def routine_limit() -> int:
    """Routine lines a digest lists before "and N more routine changes" (restrictions,
    reminders, overdue cases and red energy warnings are never cut)."""
    return settings.DIGEST_ROUTINE_LIMIT


def max_attachment_bytes() -> int:
    return settings.DIGEST_MAX_ATTACHMENT_BYTES


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


# --- Content ----------------------------------------------------------------------------------


def absolute(name: str, *args: Any) -> str:
    """An absolute link (SITE_URL) to a page; the site's home if the page does not exist yet."""
    base = settings.SITE_URL.rstrip("/")
    try:
        return base + reverse(name, args=args)
    except NoReverseMatch:
        return base + "/"


@dataclass
class DigestContent:
    """Everything one user's digest says: the headline, then the detail by weight. Nothing is
    sent when the detail is empty (a restriction merely still in force is not news)."""

    user: User
    period: Period
    language: str = ""
    scope: str = ""
    headline: list[briefing.HeadlineLine] = field(default_factory=list)
    detail: briefing.Detail = field(default_factory=lambda: briefing.Detail([]))
    more_url: str = ""
    subject: str = ""
    attachments: list[tuple[str, bytes, str]] = field(default_factory=list)
    report_links: list[str] = field(default_factory=list)

    @property
    def sections(self) -> list[briefing.BriefSection]:
        return self.detail.sections

    @property
    def item_count(self) -> int:
        return self.detail.total

    @property
    def is_empty(self) -> bool:
        return self.item_count == 0


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


def _queue(
    user: User, today: date, language: str, listed: set[int]
) -> tuple[list[briefing.Entry], int, int]:
    """The cases waiting for the user that the overdue section does not already list, how
    many cases wait for the user in all, and how many of those are overdue."""
    entries, waiting, overdue = [], 0, 0
    for case in (
        cases_waiting_for(user).select_related("project", "region").order_by("due_date", "pk")
    ):
        waiting += 1
        parts = [str(CaseState(case.state).label)]
        late = bool(case.due_date and case.due_date < today)
        if case.due_date:
            parts.append(_("due %(date)s") % {"date": case.due_date.isoformat()})
        if case.state == CaseState.RECTIFYING and case.rectification_deadline:
            parts.append(
                _("rectification deadline %(date)s")
                % {"date": case.rectification_deadline.isoformat()}
            )
            late = late or case.rectification_deadline < today
        overdue += late
        if case.pk in listed:
            continue
        entries.append(
            briefing.Entry(
                "queue",
                case.region.display_name(language),
                f"{case.project.project_code} {case.project.name}",
                " · ".join(parts),
                absolute("screening:case", case.pk),
                (case.due_date or date.max, case.pk),
            )
        )
    return entries, waiting, overdue


def _upload_entries(user: User, period: Period, language: str) -> list[briefing.Entry]:
    """The user's own uploads of the period that did not go through."""
    entries = []
    for upload in (
        LedgerUpload.objects.filter(
            uploaded_by=user,
            created_at__gte=period.since,
            created_at__lt=period.until,
            status__in=[UploadStatus.INVALID, UploadStatus.REFUSED, UploadStatus.FAILED],
        )
        .select_related("region")
        .order_by("created_at", "pk")
    ):
        detail = str(UploadStatus(upload.status).label)
        if upload.status == UploadStatus.INVALID:
            detail = ngettext(
                "%(count)s error in the file", "%(count)s errors in the file", upload.error_count
            ) % {"count": f"{upload.error_count:,}"}
        entries.append(
            briefing.Entry(
                "uploads",
                upload.region.display_name(language),
                upload.original_name,
                detail,
                absolute("screening:upload", upload.pk),
                (upload.created_at,),
            )
        )
    return entries


def _dispositions(projects: list) -> tuple[tuple[str, int], ...]:
    """Dispositions of these projects with their counts, most severe first."""
    counts = Counter(p.disposition for p in projects)
    return tuple(
        (str(label), counts[code]) for code, label in DISPOSITION_LABELS.items() if counts[code]
    )


def headline_links() -> dict[str, str]:
    """Where each headline figure opens in the product: the filtered list behind it."""
    projects = absolute("screening:projects")
    cases = absolute("screening:cases")
    return {
        "restrictions": absolute("screening:alerts"),
        "reminders": absolute("screening:alerts"),
        "non_compliant": projects
        + "?"
        + urlencode({"in_scope": "true", "verdict": "NON_COMPLIANT", "status": "active"}),
        "waiting": absolute("screening:my_queue"),
        "overdue": f"{cases}?{urlencode({'overdue': 'on'})}",
        "energy": absolute("screening:project_energy"),
    }


def collect_digest(user: User, period: Period, cache: ScopeCache | None = None) -> DigestContent:
    """What `user`'s digest for `period` says, for the user's own regions only."""
    cache = cache or ScopeCache(period)
    language = translation.get_language() or settings.LANGUAGE_CODE
    ids = scope_region_ids(user)
    content = DigestContent(user, period, language)
    if not ids:
        return content
    facts: ScopeFacts = cache.get(ids, "facts", lambda: scope_facts(ids, period, language))
    entries = list(facts.entries)
    waiting: int | None = None
    waiting_overdue = 0
    wanted = briefing.sections_for(user.role)
    if "queue" in wanted:
        queue, waiting, waiting_overdue = _queue(
            user, period.today, language, {item.case_id for item in facts.overdue}
        )
        entries += queue
    if "uploads" in wanted:
        entries += _upload_entries(user, period, language)
    content.detail = briefing.compose(entries, user.role, routine_limit())
    content.headline = briefing.headline(
        briefing.Facts(
            restrictions_new=facts.restrictions_new,
            restrictions_in_force=facts.restrictions_in_force,
            reminders_new=facts.reminders_new,
            reminders_in_force=facts.reminders_in_force,
            non_compliant_new=len(facts.non_compliant),
            dispositions=_dispositions(facts.non_compliant),
            waiting=waiting,
            waiting_overdue=waiting_overdue,
            overdue=len(facts.overdue),
            overdue_max_days=max((i.working_days_overdue for i in facts.overdue), default=0),
            energy_red=facts.energy_red,
            energy_yellow=facts.energy_yellow,
        ),
        headline_links(),
    )
    content.more_url = absolute("screening:alerts")
    content.scope = "、".join(r.display_name(language) for r in report_scopes_of(user))
    fallback = _("Two-high digest (%(frequency)s, %(period)s)") % {
        "frequency": DigestFrequency(period.frequency).label,
        "period": period.key,
    }
    content.subject = briefing.subject(content.scope, content.headline, fallback)
    return content


def user_language(user: User) -> str:
    """The language the person chose for their e-mails, else the site's (Chinese)."""
    return user.language or settings.LANGUAGE_CODE


def report_scopes_of(user: User) -> list[Region]:
    """The regions whose report is the user's own: the province for administrators, else the
    user's regions that no other of their regions already covers."""
    if user.is_administrator:
        return list(Region.objects.filter(level="province"))
    own = list(user.regions.all().order_by("code"))
    covered: set[int] = set()
    for region in own:
        covered |= reports.region_scope_ids(region) - {region.pk}
    return [region for region in own if region.pk not in covered]


def attach_monthly_reports(content: DigestContent, language: str) -> None:
    """Attach the month's report of each of the user's scopes (produced now if missing)."""
    if content.period.report_month is None:
        return
    year, month = content.period.report_month
    for region in report_scopes_of(content.user):
        report = reports.ready_report(
            ReportKind.MONTHLY_REPORT, region, year, month, language
        ) or reports.ready_report(ReportKind.MONTHLY_REPORT, region, year, month)
        if report is None:
            report = reports.generate_monthly_report(region, year, month, language)
        if report is None or not report.file:  # being produced elsewhere right now
            content.report_links.append(absolute("screening:reports"))
            continue
        if report.size > max_attachment_bytes():
            content.report_links.append(absolute("screening:report_download", report.pk))
            continue
        with report.file.open("rb") as handle:
            data = handle.read()
        name = _("Monthly alert report") + f"-{region.display_name(language)}-{year}-{month:02d}"
        content.attachments.append((f"{name}.xlsx", data, reports.XLSX))
