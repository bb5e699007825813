"""Scheduled jobs (SPEC §7): kept reports and ledger exports, digest deliveries, job runs.

Every row here is a claim on work as well as its record: a report or a digest is claimed by a
conditional update (or the insert that creates it) before it is produced, with a lease, so a
job run twice, two workers or a worker killed midway never produce it twice, and a rerun takes
over a claim whose lease has run out.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def report_path(instance: Report, filename: str) -> str:
    # Private storage (MEDIA_ROOT is never served): a random name, the download view names it.
    return f"reports/{instance.year}/{instance.month:02d}/{uuid.uuid4().hex}.xlsx"


class ReportKind(models.TextChoices):
    MONTHLY_REPORT = "monthly_report", _("Monthly alert report")
    LEDGER_EXPORT = "ledger_export", _("Ledger export")


class ReportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Being produced")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class Report(models.Model):
    """One kept file for one scope and month: the monthly alert report (月度预警报告) or the
    monthly ledger export (台账导出) of a region and every region reporting to it.

    One row per (kind, region, month, language): a rerun replaces a failed file, never adds a
    second one.
    """

    kind = models.CharField(_("kind"), max_length=24, choices=ReportKind.choices)
    region = models.ForeignKey(
        "screening.Region",
        verbose_name=_("scope"),
        on_delete=models.PROTECT,
        related_name="reports",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    language = models.CharField(_("language"), max_length=8, default="zh-hans")
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ReportStatus.choices,
        default=ReportStatus.PENDING,
        db_index=True,
    )
    file = models.FileField(_("file"), upload_to=report_path, max_length=255, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)  # counts shown on the list page
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # The claim: whoever holds `claim_token` until `lease_until` produces the file.
    claim_token = models.CharField(max_length=32, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-year", "-month", "kind", "region__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "region", "year", "month", "language"],
                name="one_report_per_scope_month",
            ),
        ]
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.region} {self.period}"

    @property
    def period(self) -> str:
        return f"{self.year}-{self.month:02d}"


class DigestStatus(models.TextChoices):
    CLAIMED = "claimed", _("Claimed")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    EMPTY = "empty", _("Nothing to say")
    UNCERTAIN = "uncertain", _("Interrupted while sending")
    FAILED = "failed", _("Failed")


class DigestDelivery(models.Model):
    """The one digest e-mail of one user for one period (a day, an ISO week or a month).

    claimed → sending → sent (or empty when there was nothing to say). A claim whose lease ran
    out before sending began is taken over by a rerun; one interrupted while the SMTP server
    held the message is marked uncertain and never resent automatically, since it may have
    been delivered (an administrator may delete the row to have it sent again).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_deliveries"
    )
    frequency = models.CharField(_("frequency"), max_length=16)
    period = models.CharField(_("period"), max_length=16)  # 2025-06-03, 2025-W23, 2025-05
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=DigestStatus.choices,
        default=DigestStatus.CLAIMED,
        db_index=True,
    )
    claim_token = models.CharField(max_length=32, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    message_id = models.CharField(max_length=255, blank=True)
    items = models.PositiveIntegerField(_("items"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-claimed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "frequency", "period"], name="one_digest_per_user_period"
            ),
        ]
        verbose_name = _("digest delivery")
        verbose_name_plural = _("digest deliveries")

    def __str__(self) -> str:
        return f"{self.user} {self.frequency} {self.period} {self.status}"


class JobStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class JobRun(models.Model):
    """One run of one scheduled or on-demand job, for the administrators' job page."""

    job = models.CharField(_("job"), max_length=64, db_index=True)
    arguments = models.JSONField(default=dict, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    worker = models.CharField(max_length=255, blank=True)  # host and process id
    status = models.CharField(
        _("result"),
        max_length=16,
        choices=JobStatus.choices,
        default=JobStatus.RUNNING,
        db_index=True,
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")

    def __str__(self) -> str:
        return f"{self.job} {self.started_at:%Y-%m-%d %H:%M} {self.status}"

    @property
    def is_abandoned(self) -> bool:
        """Still 'running' long after any task could: its worker died without a word."""
        if self.status != JobStatus.RUNNING:
            return False
        limit = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
        return timezone.now() - self.started_at > limit


# --- Digest subscription defaults by role -----------------------------------------------------

# Reviewers act on queues, so they hear daily; agencies weekly (their ledgers and cases move
# slower); observers read the monthly picture; administrators opt in.
ROLE_DEFAULT_FREQUENCY = {
    "agency": "weekly",
    "city_reviewer": "daily",
    "provincial_reviewer": "daily",
    "observer": "monthly",
    "admin": "off",
}


def apply_role_default_frequency(
    sender, instance, created: bool, raw: bool = False, **kwargs
) -> None:
    """A new user who was given the field's plain default gets their role's default instead."""
    if not created or raw:
        return
    field_default = sender._meta.get_field("digest_frequency").get_default()
    wanted = ROLE_DEFAULT_FREQUENCY.get(instance.role, field_default)
    if instance.digest_frequency == field_default and wanted != field_default:
        sender.objects.filter(pk=instance.pk).update(digest_frequency=wanted)
        instance.digest_frequency = wanted


post_save.connect(
    apply_role_default_frequency,
    sender=settings.AUTH_USER_MODEL,
    dispatch_uid="two-high-digest-role-default",
)
