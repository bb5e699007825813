"""The data sections of a month in a scope, shared by the monthly report and the digests: overdue
items, escalations, tier changes, energy warnings, new non-compliant projects, ledger changes,
diagnoses due (R12), and the month's headline facts (`month_facts`, through
`screening.briefing`).

A scope is a region and every region reporting to it (the review line of `permissions.py`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from screening import briefing
from screening.cases import deadlines
from screening.early_warning.alerts import (
    DIAGNOSIS_OUTCOME,
    DIAGNOSIS_RULE,
    diagnosis_candidates,
    diagnosis_due,
)
from screening.labels import DISPOSITION_LABELS
from screening.models import (
    ChangeKind,
    EscalationEnd,
    EscalationEvent,
    EscalationKind,
    IndicatorMonth,
    Project,
    ProjectChange,
    ProjectEnergyMonth,
    ProjectStatus,
    Region,
)
from screening.months import month_end, month_key
from screening.permissions import region_scope_ids as _region_scope
from screening.rules.types import Tier, Verdict


def aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def region_scope_ids(region: Region) -> frozenset[int]:
    """The region and every region reporting to it: what its report and its members see."""
    return _region_scope(region)


def report_scopes() -> list[Region]:
    """The scopes a monthly report is produced for: the province and every region some active
    user belongs to (so every subscriber has their own scope's report)."""
    used = Region.objects.filter(members__is_active=True).values("pk")
    return list(
        Region.objects.filter(Q(level="province") | Q(pk__in=used)).distinct().order_by("code")
    )


# --- Data sections (shared by the report and the digests) -------------------------------------


@dataclass(frozen=True)
class OverdueItem:
    """An open review case past its review time limit or its rectification deadline."""

    case_id: int
    project_id: int
    project_code: str
    project_name: str
    region_name: str
    state: str
    kind: str  # "rectification" or "review"
    due_date: date
    working_days_overdue: int
    region_id: int = 0


def overdue_items(region_ids: Iterable[int], today: date) -> list[OverdueItem]:
    """Open cases in these regions past their rectification deadline or their stage's review
    time limit on `today` (early warning's definition, early_warning.alerts.overdue_cases)."""
    from screening.early_warning.alerts import overdue_cases

    rectification, review = overdue_cases(region_ids, today)
    items = [
        OverdueItem(
            case.pk,
            case.project_id,
            case.project.project_code,
            case.project.name,
            case.region.name,
            case.state,
            kind,
            due,
            deadlines.working_days_between(due, today),
            case.region_id,
        )
        for kind, cases in (("rectification", rectification), ("review", review))
        for case in cases
        for due in [case.rectification_deadline if kind == "rectification" else case.due_date]
    ]
    return sorted(items, key=lambda item: (item.due_date, item.case_id))


def escalations_in(year: int, month: int, region_ids: Iterable[int]) -> list[EscalationEvent]:
    """Escalations of these regions that were in force at some time in the month (started by
    then, not ended before it); withdrawn ones (corrected months) are left out."""
    key = month_key(year, month)
    events = (
        EscalationEvent.objects.filter(region_id__in=list(region_ids))
        .exclude(end_reason=EscalationEnd.CORRECTED)
        .select_related("region")
        .order_by("region__code", "started_year", "started_month", "kind")
    )
    return [
        e
        for e in events
        if month_key(e.started_year, e.started_month) <= key
        and (e.ended_year is None or month_key(e.ended_year, e.ended_month) >= key)
    ]


def escalation_changes(
    region_ids: Iterable[int], since: datetime, until: datetime
) -> list[tuple[EscalationEvent, str]]:
    """Escalations of these regions that began or were lifted in [since, until):
    (event, "started" | "ended")."""
    ids = list(region_ids)
    changes: list[tuple[EscalationEvent, str]] = []
    base = EscalationEvent.objects.filter(region_id__in=ids).select_related("region")
    for event in base.filter(created_at__gte=since, created_at__lt=until).exclude(
        end_reason=EscalationEnd.CORRECTED
    ):
        changes.append((event, "started"))
    for event in base.filter(ended_at__gte=since, ended_at__lt=until).exclude(
        end_reason__in=[EscalationEnd.CORRECTED, EscalationEnd.ESCALATED]
    ):
        changes.append((event, "ended"))
    changes.sort(key=lambda c: (c[0].region.code, c[0].started, c[1]))
    return changes


@dataclass(frozen=True)
class TierChange:
    """A newly published barometer month whose tier differs from the month before's."""

    region_id: int
    region_code: str
    region_name: str
    year: int
    month: int
    tier: str  # "" = no tier
    previous_tier: str | None  # None = no published month before


def tier_changes(region_ids: Iterable[int], since: datetime, until: datetime) -> list[TierChange]:
    """Barometer months of these regions published in [since, until) whose tier changed."""
    ids = list(region_ids)
    published = list(
        IndicatorMonth.objects.filter(
            region_id__in=ids, published_at__gte=since, published_at__lt=until
        )
        .select_related("region")
        .order_by("region__code", "year", "month")
    )
    if not published:
        return []
    earlier: dict[int, dict[int, str]] = defaultdict(dict)
    for region_id, year, month, tier in IndicatorMonth.objects.filter(
        region_id__in={m.region_id for m in published}, published_at__isnull=False
    ).values_list("region_id", "year", "month", "tier"):
        earlier[region_id][month_key(year, month)] = tier
    changes = []
    for row in published:
        months = earlier[row.region_id]
        before = [k for k in months if k < month_key(row.year, row.month)]
        previous = months[max(before)] if before else None
        if previous != row.tier:
            changes.append(
                TierChange(
                    row.region_id,
                    row.region.code,
                    row.region.name,
                    row.year,
                    row.month,
                    row.tier,
                    previous,
                )
            )
    return changes


def energy_warnings(
    region_ids: Iterable[int],
    *,
    year: int | None = None,
    month: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[ProjectEnergyMonth]:
    """Project energy-use warnings (两高项目用能预警, red or yellow) of projects in these
    regions: of one month, or entered in [since, until)."""
    rows = ProjectEnergyMonth.objects.filter(
        project__region_id__in=list(region_ids), tier__in=[Tier.RED, Tier.YELLOW]
    )
    if year is not None:
        rows = rows.filter(year=year, month=month)
    if since is not None:
        rows = rows.filter(updated_at__gte=since, updated_at__lt=until)
    return list(
        rows.select_related("project", "project__region").order_by(
            "project__region__code", "project__project_code", "year", "month"
        )
    )


def escalations_in_force_at(
    region_ids: Iterable[int], year: int, month: int
) -> list[EscalationEvent]:
    """Escalations of these regions in force at the end of the month (started by then and not
    ended by a later published month)."""
    key = month_key(year, month)
    return [
        e
        for e in escalations_in(year, month, region_ids)
        if e.ended_year is None or month_key(e.ended_year, e.ended_month) > key
    ]


def new_non_compliant(region_ids: Iterable[int], since: datetime, until: datetime) -> list[Project]:
    """Active 两高 projects of these regions that entered the ledger (added or back) in
    [since, until) and are non-compliant. The verdict has no history of its own, so a project
    already in the ledger that turns non-compliant on re-screening is not "new" here."""
    entered = ProjectChange.objects.filter(
        kind__in=[ChangeKind.CREATED, ChangeKind.RESTORED],
        changed_at__gte=since,
        changed_at__lt=until,
    ).values("project_id")
    return list(
        Project.objects.filter(
            region_id__in=list(region_ids),
            status=ProjectStatus.ACTIVE,
            in_scope=True,
            verdict=Verdict.NON_COMPLIANT,
            pk__in=entered,
        )
        .select_related("region")
        .order_by("region__code", "project_code")
    )


def ledger_changes(region_ids: Iterable[int], since: datetime, until: datetime) -> Counter:
    """Projects of these regions added, changed and removed in [since, until), by change kind
    (a project counted once per kind); rolled-back uploads are left out."""
    rows = (
        ProjectChange.objects.filter(
            project__region_id__in=list(region_ids), changed_at__gte=since, changed_at__lt=until
        )
        .exclude(kind=ChangeKind.ROLLED_BACK)
        .exclude(upload__rolled_back_at__isnull=False)
        .values_list("kind")
        .annotate(n=Count("project_id", distinct=True))
        .order_by()
    )
    return Counter(dict(rows))


def diagnoses_due(
    region_ids: Iterable[int], *, changed_since: datetime | None = None
) -> Iterator[tuple]:
    """Operating (存量) 两高 projects whose latest screening has R12 WARN (节能诊断到期):
    (id, project_code, name, region name, last diagnosis, last cleaner-production audit)."""
    rows = diagnosis_candidates(
        Project.objects.filter(region_id__in=list(region_ids)), in_scope_only=True
    )
    if changed_since is not None:
        rows = rows.filter(updated_at__gte=changed_since)
    if connection.vendor == "postgresql":
        # jsonb containment keeps the other 99 % of rows in the database.
        rows = rows.filter(
            findings__contains=[{"rule": DIAGNOSIS_RULE, "outcome": DIAGNOSIS_OUTCOME}]
        )
    for pk, code, name, region, diagnosis, cleaner, findings in (
        rows.order_by("region__code", "project_code")
        .values_list(
            "pk",
            "project_code",
            "name",
            "region__name",
            "last_energy_diagnosis",
            "last_cleaner_production",
            "findings",
        )
        .iterator(chunk_size=2000)
    ):
        if diagnosis_due(findings):
            yield pk, code, name, region, diagnosis, cleaner


# --- The month's headline (shared with the digests through screening.briefing) -------------


def month_facts(
    region_ids: frozenset[int], year: int, month: int, overdue_on: date | None, name
) -> briefing.Facts:
    """The headline facts of a month in these regions: escalations in force at its end (and
    those that began in it), projects that entered the ledger non-compliant in it, project
    energy warnings of the month, and cases overdue on `overdue_on` (None: not counted)."""
    restrictions, reminders = [], []
    new_restrictions, new_reminders = [], []
    for event in escalations_in_force_at(region_ids, year, month):
        started_now = (event.started_year, event.started_month) == (year, month)
        if event.kind == EscalationKind.RESTRICTION:
            restrictions.append(name(event.region))
            if started_now:
                new_restrictions.append(name(event.region))
        else:
            reminders.append(name(event.region))
            if started_now:
                new_reminders.append(name(event.region))
    projects = new_non_compliant(
        region_ids, aware(date(year, month, 1)), aware(month_end(year, month))
    )
    dispositions = Counter(p.disposition for p in projects)
    tiers = Counter(row.tier for row in energy_warnings(region_ids, year=year, month=month))
    overdue = overdue_items(region_ids, overdue_on) if overdue_on else []
    return briefing.Facts(
        restrictions_new=tuple(dict.fromkeys(new_restrictions)),
        restrictions_in_force=tuple(dict.fromkeys(restrictions)),
        reminders_new=tuple(dict.fromkeys(new_reminders)),
        reminders_in_force=tuple(dict.fromkeys(reminders)),
        non_compliant_new=len(projects),
        dispositions=tuple(
            (str(label), dispositions[code])
            for code, label in DISPOSITION_LABELS.items()
            if dispositions[code]
        ),
        overdue=len(overdue),
        overdue_max_days=max((item.working_days_overdue for item in overdue), default=0),
        energy_red=tiers["red"],
        energy_yellow=tiers["yellow"],
    )


def ledger_change_counts(region_ids: frozenset[int], year: int, month: int) -> tuple[int, int, int]:
    """Projects added (or back), changed and removed in the month."""
    counts = ledger_changes(region_ids, aware(date(year, month, 1)), aware(month_end(year, month)))
    return (
        counts[ChangeKind.CREATED] + counts[ChangeKind.RESTORED],
        counts[ChangeKind.UPDATED],
        counts[ChangeKind.REMOVED],
    )
