"""E-mail digests (SPEC §7): one e-mail per subscriber and period with what concerns them in
their own regions — cases waiting for them, overdue items, regions that changed tier or
escalated, project energy warnings, diagnoses due — and nothing when there is nothing to say.

Exactly once: each (user, frequency, period) is claimed in a DigestDelivery row before it is
built (the insert, or a conditional update taking over an expired claim), marked `sending`
just before the SMTP transaction and `sent` after it. A rerun sends what is missing; it never
resends a delivery that may already have reached the server (`uncertain`). What a digest
says is built in `digest_content.py` and `digest_scope.py`.
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from accounts.models import DigestFrequency, User
from screening.models import DigestDelivery, DigestStatus
from screening.reports.digest_content import (
    DigestContent,
    attach_monthly_reports,
    collect_digest,
    user_language,
)
from screening.reports.digest_scope import Period, ScopeCache, absolute, period_for

log = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "two-high.digest.unsubscribe"
FREQUENCIES = (DigestFrequency.DAILY, DigestFrequency.WEEKLY, DigestFrequency.MONTHLY)


def digest_lease() -> timedelta:
    return timedelta(seconds=settings.DIGEST_CLAIM_LEASE_SECONDS)


# --- Subscriptions ----------------------------------------------------------------------------


def subscribers(frequency: str):
    """Active users with an e-mail address who chose this frequency."""
    return (
        User.objects.filter(is_active=True, digest_frequency=frequency)
        .exclude(email="")
        .order_by("pk")
    )


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
        "user": user,
        "period": period,
        "sections": content.sections,
        "headline": content.headline,
        "tail": content.detail.tail,
        "more_url": content.more_url,
        "tail_summary": content.detail.tail_summary,
        "subject": content.subject,
        "scope": content.scope,
        "language": content.language or translation.get_language(),
        "frequency_label": DigestFrequency(period.frequency).label,
        "unsubscribe_url": unsubscribe_url,
        "settings_url": absolute("screening:digest_subscription"),
        "report_links": content.report_links,
        "attachments": content.attachments,
        "site_url": settings.SITE_URL,
    }
    subject = " ".join(render_to_string("emails/digest-subject.txt", context).split())
    body = render_to_string("emails/digest-body.txt", context)
    html = render_to_string("emails/digest-body.html", context)
    message = EmailMultiAlternatives(
        subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        [user.email],
        connection=connection,
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Message-ID": message_id(user, period),
            "Auto-Submitted": "auto-generated",
        },
    )
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
            DigestDelivery.objects.create(
                user=user,
                frequency=period.frequency,
                period=period.key,
                status=DigestStatus.CLAIMED,
                claim_token=token,
                lease_until=lease,
                attempts=1,
                claimed_at=now,
            )
        return token
    except IntegrityError:
        pass
    taken = (
        DigestDelivery.objects.filter(user=user, frequency=period.frequency, period=period.key)
        .filter(Q(status=DigestStatus.CLAIMED, lease_until__lt=now) | Q(status=DigestStatus.FAILED))
        .update(
            status=DigestStatus.CLAIMED,
            claim_token=token,
            lease_until=lease,
            claimed_at=now,
            attempts=F("attempts") + 1,
            error="",
        )
    )
    return token if taken == 1 else None


def _mine(user: User, period: Period, token: str):
    return DigestDelivery.objects.filter(
        user=user, frequency=period.frequency, period=period.key, claim_token=token
    )


def mark_interrupted_sends(frequency: str | None = None) -> int:
    """Deliveries whose worker died while the SMTP server had the message: never resent."""
    rows = DigestDelivery.objects.filter(
        status=DigestStatus.SENDING, lease_until__lt=timezone.now()
    )
    if frequency:
        rows = rows.filter(frequency=frequency)
    count = rows.update(status=DigestStatus.UNCERTAIN)
    if count:
        log.warning("%d digest(s) were interrupted while being sent; not resent", count)
    return count


def deliver_digest(
    user: User, period: Period, *, connection=None, cache: ScopeCache | None = None
) -> str:
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
    if (
        _mine(user, period, token)
        .filter(status=DigestStatus.CLAIMED)
        .update(
            status=DigestStatus.SENDING,
            lease_until=timezone.now() + digest_lease(),
            items=content.item_count,
            message_id=message_id(user, period),
        )
        != 1
    ):
        return "lost"
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as error:
        # Refused or unreachable: nothing was delivered, a rerun may try again. The connection
        # may be broken: the next message opens a fresh one.
        if connection is not None:
            connection.close()
        _mine(user, period, token).update(
            status=DigestStatus.FAILED,
            lease_until=None,
            error=f"{type(error).__name__}: {error}"[:2000],
        )
        log.warning("digest for user %s not sent: %s", user.pk, error)
        return "failed"
    _mine(user, period, token).update(
        status=DigestStatus.SENT, sent_at=timezone.now(), lease_until=None
    )
    return "sent"


def send_digests(
    frequency: str, on: date | None = None, user_ids: Iterable[int] | None = None
) -> dict[str, Any]:
    """Send every due digest of this frequency for the period of `on` (default today).
    Safe to run twice or in parallel: each digest is claimed first. Returns counts."""
    period = period_for(frequency, on)
    uncertain = mark_interrupted_sends(frequency)
    users = subscribers(frequency)
    if user_ids is not None:
        users = users.filter(pk__in=list(user_ids))
    counts: dict[str, Any] = {"frequency": frequency, "period": period.key, "uncertain": uncertain}
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
