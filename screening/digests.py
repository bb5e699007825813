"""E-mail digests (SPEC §7): one e-mail per subscriber and period with what concerns them in
their own regions — cases waiting for them, overdue items, regions that changed tier or
escalated, project energy warnings, diagnoses due — and nothing when there is nothing to say.

Exactly once: each (user, frequency, period) is claimed in a DigestDelivery row before it is
built (the insert, or a conditional update taking over an expired claim), marked `sending`
just before the SMTP transaction and `sent` after it. A rerun sends what is missing; it never
resends a delivery that may already have reached the server (`uncertain`).
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import DigestFrequency, User

from . import reports
from .models import CaseState, DigestDelivery, DigestStatus, Region, ReportKind
from .permissions import scope_region_ids
from .permissions_cases import cases_waiting_for

log = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "two-high.digest.unsubscribe"
FREQUENCIES = (DigestFrequency.DAILY, DigestFrequency.WEEKLY, DigestFrequency.MONTHLY)


def section_limit() -> int:
    """Items listed per section; the rest are counted with a link to the full list."""
    return getattr(settings, "DIGEST_SECTION_LIMIT", 50)


def digest_lease() -> timedelta:
    return timedelta(seconds=getattr(settings, "DIGEST_CLAIM_LEASE_SECONDS", 600))


def max_attachment_bytes() -> int:
    return getattr(settings, "DIGEST_MAX_ATTACHMENT_BYTES", 15_000_000)


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
        return Period(frequency, on.isoformat(), reports.aware(on - timedelta(days=1)),
                      reports.aware(on), on)
    if frequency == DigestFrequency.WEEKLY:
        iso_year, week, _weekday = on.isocalendar()
        return Period(frequency, f"{iso_year}-W{week:02d}",
                      reports.aware(on - timedelta(days=7)), reports.aware(on), on)
    if frequency == DigestFrequency.MONTHLY:
        year, month = reports.previous_month(on)
        return Period(frequency, f"{year}-{month:02d}", reports.aware(date(year, month, 1)),
                      reports.aware(reports.month_end(year, month)), on,
                      report_month=(year, month))
    raise ValueError(f"unknown digest frequency: {frequency!r}")


# --- Subscriptions ----------------------------------------------------------------------------

def subscribers(frequency: str):
    """Active users with an e-mail address who chose this frequency."""
    return (User.objects.filter(is_active=True, digest_frequency=frequency)
            .exclude(email="").order_by("pk"))


def set_frequency(user: User, frequency: str) -> None:
    if frequency not in DigestFrequency.values:
        raise ValueError(f"unknown digest frequency: {frequency!r}")
    User.objects.filter(pk=user.pk).update(digest_frequency=frequency)
    user.digest_frequency = frequency


def unsubscribe_token(user: User) -> str:
    return signing.dumps({"u": user.pk}, salt=UNSUBSCRIBE_SALT, compress=True)


def user_for_unsubscribe_token(token: str) -> User | None:
    """The user a (signed) unsubscribe link was made for; None if tampered with."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return User.objects.filter(pk=data.get("u")).first() if isinstance(data, dict) else None


def unsubscribe(token: str) -> User | None:
    """Turn the digest off for the user of a valid link (idempotent)."""
    user = user_for_unsubscribe_token(token)
    if user is not None:
        set_frequency(user, DigestFrequency.OFF)
    return user


# --- Content ----------------------------------------------------------------------------------

def absolute(name: str, *args: Any) -> str:
    """An absolute link (SITE_URL) to a page; the site's home if the page does not exist yet."""
    base = settings.SITE_URL.rstrip("/")
    try:
        return base + reverse(name, args=args)
    except NoReverseMatch:
        return base + "/"


@dataclass
class Item:
    title: str
    detail: str
    url: str


@dataclass
class Section:
    key: str
    title: str
    items: list[Item]
    total: int
    more_url: str = ""

    @property
    def more(self) -> int:
        return self.total - len(self.items)


@dataclass
class DigestContent:
    """Everything one user's digest says; empty → nothing is sent."""

    user: User
    period: Period
    sections: list[Section] = field(default_factory=list)
    attachments: list[tuple[str, bytes, str]] = field(default_factory=list)
    report_links: list[str] = field(default_factory=list)

    @property
    def item_count(self) -> int:
        return sum(section.total for section in self.sections)

    @property
    def is_empty(self) -> bool:
        return self.item_count == 0


def _section(key: str, title: str, items: Iterable[Item], more_url: str = "") -> Section | None:
    limit = section_limit()
    kept: list[Item] = []
    total = 0
    for item in items:
        total += 1
        if len(kept) < limit:
            kept.append(item)
    return Section(key, title, kept, total, more_url) if total else None


class ScopeCache:
    """Region-level sections computed once per scope and period while a run sends many
    digests (every province user shares one scope)."""

    def __init__(self, period: Period):
        self.period = period
        self._data: dict[tuple[frozenset[int], str], list[Item]] = {}

    def get(self, ids: frozenset[int], key: str, build) -> list[Item]:
        if (ids, key) not in self._data:
            self._data[(ids, key)] = list(build())
        return self._data[(ids, key)]


def _case_items(user: User) -> Iterable[Item]:
    for case in cases_waiting_for(user).select_related("project", "region").order_by(
            "due_date", "pk"):
        due = _(" · due %(date)s") % {"date": case.due_date.isoformat()} if case.due_date else ""
        yield Item(f"{case.project.project_code} {case.project.name}",
                   f"{case.region.name} · {CaseState(case.state).label}{due}",
                   absolute("screening:case", case.pk))


def _overdue_items(ids: frozenset[int], today: date) -> Iterable[Item]:
    for item in reports.overdue_items(ids, today):
        what = (_("Rectification deadline passed") if item.kind == "rectification"
                else _("Review time limit passed"))
        yield Item(f"{item.project_code} {item.project_name}",
                   _("%(what)s: due %(date)s, %(days)d working days overdue (%(region)s)") % {
                       "what": what, "date": item.due_date.isoformat(),
                       "days": item.working_days_overdue, "region": item.region_name},
                   absolute("screening:case", item.case_id))


def _region_items(ids: frozenset[int], period: Period) -> Iterable[Item]:
    for change in reports.tier_changes(ids, period.since, period.until):
        before = (reports.tier_label(change.previous_tier) if change.previous_tier is not None
                  else _("none"))
        yield Item(change.region_name,
                   _("%(month)s: tier %(tier)s (before: %(before)s)") % {
                       "month": f"{change.year}-{change.month:02d}",
                       "tier": reports.tier_label(change.tier), "before": before},
                   absolute("screening:warning_region", change.region_code))
    for event, what in reports.escalation_changes(ids, period.since, period.until):
        label = str(reports.ESCALATION_LABELS.get(event.kind, event.kind))
        text = (_("%(kind)s from %(start)s (red months: %(months)s)") if what == "started"
                else _("%(kind)s lifted (%(start)s – %(end)s)")) % {
            "kind": label, "start": event.started, "end": event.ended,
            "months": "、".join(event.months)}
        yield Item(event.region.name, text,
                   absolute("screening:warning_region", event.region.code))


def _energy_items(ids: frozenset[int], period: Period) -> Iterable[Item]:
    for row in reports.energy_warnings(ids, since=period.since, until=period.until):
        share = row.share_pct
        yield Item(f"{row.project.project_code} {row.project.name}",
                   _("%(month)s: %(tier)s, %(share)s %% of the approved energy (%(region)s)") % {
                       "month": f"{row.year}-{row.month:02d}",
                       "tier": reports.tier_label(row.tier),
                       "share": f"{share:.0f}" if share is not None else "—",
                       "region": row.project.region.name},
                   absolute("screening:project_energy_detail", row.project_id))


def _diagnosis_items(ids: frozenset[int], period: Period) -> Iterable[Item]:
    # A daily digest lists only diagnoses that became due with the day's screenings; the
    # weekly and monthly ones remind of all of them.
    since = period.since if period.frequency == DigestFrequency.DAILY else None
    for pk, code, name, region, diagnosis, cleaner in reports.diagnoses_due(
            ids, changed_since=since):
        yield Item(f"{code} {name}",
                   _("%(region)s · last energy diagnosis %(diagnosis)s, last cleaner-production "
                     "audit %(cleaner)s") % {
                       "region": region, "diagnosis": diagnosis or "—", "cleaner": cleaner or "—"},
                   absolute("screening:project", pk))


SECTION_TITLES = {
    "cases": gettext_lazy("Cases waiting for you"),
    "overdue": gettext_lazy("Overdue"),
    "regions": gettext_lazy("Regions that changed tier or escalated"),
    "energy": gettext_lazy("Project energy-use warnings"),
    "diagnoses": gettext_lazy("Energy diagnoses due"),
}


def collect_digest(user: User, period: Period, cache: ScopeCache | None = None
                   ) -> DigestContent:
    """What `user`'s digest for `period` says, for the user's own regions only."""
    cache = cache or ScopeCache(period)
    ids = scope_region_ids(user)
    content = DigestContent(user, period)
    if not ids:
        return content
    sections = [
        _section("cases", str(SECTION_TITLES["cases"]), _case_items(user),
                 absolute("screening:my_queue")),
        _section("overdue", str(SECTION_TITLES["overdue"]),
                 cache.get(ids, "overdue", lambda: _overdue_items(ids, period.today)),
                 absolute("screening:alerts")),
        _section("regions", str(SECTION_TITLES["regions"]),
                 cache.get(ids, "regions", lambda: _region_items(ids, period)),
                 absolute("screening:warnings")),
        _section("energy", str(SECTION_TITLES["energy"]),
                 cache.get(ids, "energy", lambda: _energy_items(ids, period)),
                 absolute("screening:project_energy")),
        _section("diagnoses", str(SECTION_TITLES["diagnoses"]),
                 cache.get(ids, "diagnoses", lambda: _diagnosis_items(ids, period)),
                 absolute("screening:alerts")),
    ]
    content.sections = [s for s in sections if s is not None]
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
        report = reports.ready_report(ReportKind.MONTHLY_REPORT, region, year, month, language) \
            or reports.ready_report(ReportKind.MONTHLY_REPORT, region, year, month)
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


# --- Rendering and sending ------------------------------------------------------------------

def message_id(user: User, period: Period) -> str:
    """A stable Message-ID per delivery, so a mail log shows which digest a message was."""
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<digest-{user.pk}-{period.frequency}-{period.key}@{domain}>"


def build_message(content: DigestContent, connection=None) -> EmailMultiAlternatives:
    """The digest e-mail: HTML with a plain-text part, unsubscribe headers, attachments."""
    user, period = content.user, content.period
    unsubscribe_url = absolute("screening:digest_unsubscribe", unsubscribe_token(user))
    context = {
        "user": user, "period": period, "sections": content.sections,
        "frequency_label": DigestFrequency(period.frequency).label,
        "unsubscribe_url": unsubscribe_url,
        "settings_url": absolute("screening:digest_subscription"),
        "report_links": content.report_links, "attachments": content.attachments,
        "site_url": settings.SITE_URL,
    }
    subject = " ".join(render_to_string("emails/digest-subject.txt", context).split())
    body = render_to_string("emails/digest-body.txt", context)
    html = render_to_string("emails/digest-body.html", context)
    message = EmailMultiAlternatives(
        subject, body, settings.DEFAULT_FROM_EMAIL, [user.email], connection=connection,
        headers={"List-Unsubscribe": f"<{unsubscribe_url}>",
                 "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                 "Message-ID": message_id(user, period),
                 "Auto-Submitted": "auto-generated"})
    message.attach_alternative(html, "text/html")
    for name, data, mimetype in content.attachments:
        message.attach(name, data, mimetype)
    return message


def claim_digest(user: User, period: Period) -> str | None:
    """Claim the (user, period) digest: a token, or None when it is sent, empty, uncertain or
    held by a live claim elsewhere."""
    now = timezone.now()
    token = uuid.uuid4().hex
    lease = now + digest_lease()
    try:
        with transaction.atomic():
            DigestDelivery.objects.create(user=user, frequency=period.frequency,
                                          period=period.key, status=DigestStatus.CLAIMED,
                                          claim_token=token, lease_until=lease, attempts=1,
                                          claimed_at=now)
        return token
    except IntegrityError:
        pass
    taken = DigestDelivery.objects.filter(
        user=user, frequency=period.frequency, period=period.key).filter(
        Q(status=DigestStatus.CLAIMED, lease_until__lt=now) | Q(status=DigestStatus.FAILED)
    ).update(status=DigestStatus.CLAIMED, claim_token=token, lease_until=lease,
             claimed_at=now, attempts=F("attempts") + 1, error="")
    return token if taken == 1 else None


def _mine(user: User, period: Period, token: str):
    return DigestDelivery.objects.filter(user=user, frequency=period.frequency,
                                         period=period.key, claim_token=token)


def mark_interrupted_sends(frequency: str | None = None) -> int:
    """Deliveries whose worker died while the SMTP server had the message: never resent."""
    rows = DigestDelivery.objects.filter(status=DigestStatus.SENDING,
                                         lease_until__lt=timezone.now())
    if frequency:
        rows = rows.filter(frequency=frequency)
    count = rows.update(status=DigestStatus.UNCERTAIN)
    if count:
        log.warning("%d digest(s) were interrupted while being sent; not resent", count)
    return count


def deliver_digest(user: User, period: Period, *, connection=None,
                   cache: ScopeCache | None = None) -> str:
    """Send `user`'s digest for `period` at most once. Returns what happened: sent, empty,
    skipped (claimed elsewhere or done), lost (our claim was taken over) or failed."""
    token = claim_digest(user, period)
    if token is None:
        return "skipped"
    language = user_language(user)
    with translation.override(language):
        content = collect_digest(user, period, cache)
        if content.is_empty:
            _mine(user, period, token).update(status=DigestStatus.EMPTY, lease_until=None)
            return "empty"
        attach_monthly_reports(content, language)
        message = build_message(content, connection)
    # The last point at which a crash is known not to have sent anything.
    if _mine(user, period, token).filter(status=DigestStatus.CLAIMED).update(
            status=DigestStatus.SENDING, lease_until=timezone.now() + digest_lease(),
            items=content.item_count, message_id=message_id(user, period)) != 1:
        return "lost"
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as error:
        # Refused or unreachable: nothing was delivered, a rerun may try again. The connection
        # may be broken: the next message opens a fresh one.
        if connection is not None:
            connection.close()
        _mine(user, period, token).update(status=DigestStatus.FAILED, lease_until=None,
                                          error=f"{type(error).__name__}: {error}"[:2000])
        log.warning("digest for user %s not sent: %s", user.pk, error)
        return "failed"
    _mine(user, period, token).update(status=DigestStatus.SENT, sent_at=timezone.now(),
                                      lease_until=None)
    return "sent"


def send_digests(frequency: str, on: date | None = None,
                 user_ids: Iterable[int] | None = None) -> dict[str, Any]:
    """Send every due digest of this frequency for the period of `on` (default today).
    Safe to run twice or in parallel: each digest is claimed first. Returns counts."""
    period = period_for(frequency, on)
    uncertain = mark_interrupted_sends(frequency)
    users = subscribers(frequency)
    if user_ids is not None:
        users = users.filter(pk__in=list(user_ids))
    counts: dict[str, Any] = {"frequency": frequency, "period": period.key,
                              "uncertain": uncertain}
    cache = ScopeCache(period)
    connection = get_connection()
    connection.open()
    try:
        for user in users.iterator(chunk_size=500):
            outcome = deliver_digest(user, period, connection=connection, cache=cache)
            counts[outcome] = counts.get(outcome, 0) + 1
    finally:
        connection.close()
    return counts
