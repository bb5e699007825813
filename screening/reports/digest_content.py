"""What a digest says (SPEC §7): for one user, the entries of their own regions — cases waiting
for them, overdue items, regions that changed tier or escalated, project energy warnings,
diagnoses due, their uploads — with the headline and the monthly reports attached. The period
and the entries every reader of a scope shares are `digest_scope.py`; sending (exactly once) is
`digests.py`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import DigestFrequency, User
from screening import briefing
from screening.labels import DISPOSITION_LABELS
from screening.models import CaseState, LedgerUpload, Region, ReportKind, UploadStatus
from screening.permissions import cases_waiting_for, scope_region_ids
from screening.reports import monthly as reports
from screening.reports.digest_scope import Period, ScopeCache, ScopeFacts, absolute, scope_facts


def routine_limit() -> int:
    """Routine lines a digest lists before "and N more routine changes" (restrictions,
    reminders, overdue cases and red energy warnings are never cut)."""
    return settings.DIGEST_ROUTINE_LIMIT


def max_attachment_bytes() -> int:
    return settings.DIGEST_MAX_ATTACHMENT_BYTES


# --- Content ----------------------------------------------------------------------------------


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
