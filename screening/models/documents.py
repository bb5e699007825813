"""Decision documents (issue 18): the opinions and notices an officer signs, generated from a
case or a region's restriction, numbered per issuing office and year, kept for good.

A document is never rebuilt in place: a correction is a new version with the same number, and
the earlier version stays downloadable.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    """One template per kind (issue 18)."""

    APPROVAL = "approval", _("Review opinion")
    REJECTION = "rejection", _("Opinion not to approve")
    DEFERRAL = "deferral", _("Notice of deferred approval")
    RECTIFICATION_ORDER = "rectification_order", _("Rectification order")
    RECTIFICATION_ACCEPTANCE = "rectification_acceptance", _("Rectification acceptance opinion")
    RESTRICTION = "restriction", _("Notice of the regional energy-assessment restriction")
    RESTRICTION_LIFTED = (
        "restriction_lifted",
        _("Notice lifting the regional energy-assessment restriction"),
    )


class IssuingOffice(models.Model):
    """A region's document settings: the office that issues in its name (发文机关) and the
    prefix of its document numbers (发文机关代字); also the name a document addressed to the
    region's office uses (主送机关)."""

    region = models.OneToOneField(
        "screening.Region",
        verbose_name=_("region"),
        on_delete=models.CASCADE,
        related_name="issuing_office",
    )
    name = models.CharField(
        _("office name"),
        max_length=100,
        blank=True,
        help_text=_(
            "Full name of the office, e.g. the region's development and reform commission."
        ),
    )
    number_prefix = models.CharField(
        _("document number prefix"),
        max_length=40,
        blank=True,
        help_text=_("The part before 〔year〕 in its document numbers."),
    )
    copy_to = models.TextField(
        _("copy to"),
        blank=True,
        help_text=_("Offices that receive a copy of its documents (抄送), one per line."),
    )

    class Meta:
        verbose_name = _("issuing office")
        verbose_name_plural = _("issuing offices")

    def __str__(self) -> str:
        return self.name or str(self.region)


class DocumentCounter(models.Model):
    """The last document number an office issued in a year; locked while a number is taken,
    so numbers are unique and without gaps."""

    region = models.ForeignKey("screening.Region", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_serial = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year"], name="one_document_counter_per_office_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.year}: {self.last_serial}"


def document_path(instance: DecisionDocument, filename: str) -> str:
    return f"documents/{instance.year}/{uuid.uuid4().hex}.docx"


class DecisionDocument(models.Model):
    """One version of a decision document: its number, the facts it was built from, the text
    as built and the .docx file."""

    kind = models.CharField(_("kind"), max_length=32, choices=DocumentKind.choices)
    case = models.ForeignKey(
        "screening.ReviewCase",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    event = models.ForeignKey(
        "screening.CaseEvent",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    escalation = models.ForeignKey(
        "screening.EscalationEvent",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    region = models.ForeignKey(
        "screening.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="documents",
    )
    issuing_region = models.ForeignKey(
        "screening.Region", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    serial = models.PositiveIntegerField()
    number = models.CharField(_("document number"), max_length=80)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="correction"
    )
    correction_reason = models.TextField(_("reason for the correction"), blank=True)
    title = models.CharField(_("title"), max_length=300)
    facts = models.JSONField(default=dict)  # the builder's input, kept to build corrections
    content = models.JSONField(default=dict)  # the document as built (for the HTML view)
    file = models.FileField(upload_to=document_path, max_length=255)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["issued_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuing_region", "year", "serial", "version"],
                name="one_document_per_number_and_version",
            )
        ]
        verbose_name = _("decision document")
        verbose_name_plural = _("decision documents")

    def __str__(self) -> str:
        return f"{self.number} {self.title} v{self.version}"

    @property
    def is_current(self) -> bool:
        """False once a correction replaced this version."""
        return not hasattr(self, "correction")

    @property
    def download_name(self) -> str:
        suffix = f"（第{self.version}版）" if self.version > 1 else ""
        name = f"{self.number}{self.title}{suffix}.docx"
        return "".join("_" if c in '\\/:*?"<>|' else c for c in name)
