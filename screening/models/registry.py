"""The capacity-replacement registry (产能置换, clauses (四)2 and (十一); issue 17).

Retired capacity (退出产能) is registered once, as a source; replacement plans (产能置换方案)
draw amounts from sources. A source's `drawn` column is the sum of its live draws and a
database constraint keeps it within the source's capacity, so no code path can over-draw a
source, in any region, even under concurrency. Draws are never deleted: a withdrawn plan's
draws are marked returned, so the history of every draw stays.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


def _capacity(**extra) -> models.DecimalField:
    # Capacities in 万吨/年 or t/d, like the ledger's numbers: at most 10^12, 10 decimals.
    return models.DecimalField(max_digits=24, decimal_places=10, **extra)


class CapacitySource(models.Model):
    """One retired production line or unit whose capacity may serve replacement plans."""

    region = models.ForeignKey(
        "screening.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="capacity_sources",
    )
    enterprise = models.CharField(_("enterprise"), max_length=200)
    uscc = models.CharField(_("unified social credit code"), max_length=18)
    family = models.CharField(_("product family"), max_length=32)
    capacity = _capacity(verbose_name=_("capacity"))
    capacity_unit = models.CharField(_("capacity unit"), max_length=32)
    equipment = models.CharField(
        _("equipment"), max_length=200, help_text=_("For example 450m³ blast furnace.")
    )
    shutdown_date = models.DateField(_("shut-down date"), null=True, blank=True)
    dismantled_date = models.DateField(_("dismantled date"), null=True, blank=True)
    verification_ref = models.CharField(
        _("dismantling acceptance document"), max_length=200, blank=True
    )
    verification_date = models.DateField(_("acceptance date"), null=True, blank=True)
    verifier = models.CharField(_("verified by"), max_length=200, blank=True)
    subsidised = models.BooleanField(
        _("retired with public subsidies"),
        default=False,
        help_text=_("Capacity whose retirement received public subsidies or policy support."),
    )
    mandatory_elimination = models.BooleanField(
        _("on a mandatory-elimination list"),
        default=False,
        help_text=_("Capacity retired because it was on a list of obsolete capacity."),
    )
    eligibility_notes = models.TextField(_("eligibility notes"), blank=True)
    # The sum of the live (not returned) draws; kept by services.draw/return in the same
    # transaction, and bounded by the constraint below.
    drawn = _capacity(verbose_name=_("drawn"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["region__code", "enterprise", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gt=0), name="source_capacity_positive"),
            models.CheckConstraint(condition=Q(drawn__gte=0), name="source_drawn_not_negative"),
            # The registry's one hard rule: a source is never drawn beyond its capacity.
            models.CheckConstraint(
                condition=Q(drawn__lte=F("capacity")), name="source_drawn_within_capacity"
            ),
            models.UniqueConstraint(fields=["uscc", "equipment"], name="one_source_per_unit"),
        ]
        verbose_name = _("retired capacity")
        verbose_name_plural = _("retired capacity")

    def __str__(self) -> str:
        return f"{self.number} {self.enterprise} {self.equipment}"

    @property
    def number(self) -> str:
        """The source's registry number (退出产能编号), as written in the plans template."""
        return f"TC{self.pk:06d}"

    @property
    def available(self):
        return self.capacity - self.drawn


class PlanStatus(models.TextChoices):
    ACTIVE = "active", _("Registered")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ReplacementPlan(models.Model):
    """One capacity-replacement plan (产能置换方案): its reference, the capacity it builds, the
    projects it serves and (through its draws) the retired capacity it uses."""

    ref = models.CharField(_("plan reference"), max_length=200)
    # The reference as ledger rows are matched with it (screening.registry.keys.plan_key).
    ref_key = models.CharField(max_length=200, unique=True)
    plan_date = models.DateField(_("plan date"))
    region = models.ForeignKey(
        "screening.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="replacement_plans",
    )
    enterprise = models.CharField(_("enterprise"), max_length=200)
    uscc = models.CharField(_("unified social credit code"), max_length=18)
    family = models.CharField(_("product family"), max_length=32)
    new_capacity = _capacity(verbose_name=_("capacity built"))
    capacity_unit = models.CharField(_("capacity unit"), max_length=32)
    project_codes = models.JSONField(_("projects served"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.ACTIVE
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawal_reason = models.CharField(_("reason"), max_length=500, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-plan_date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(new_capacity__gt=0), name="plan_capacity_positive"),
        ]
        indexes = [models.Index(fields=["region", "status"], name="plan_region_status")]
        verbose_name = _("replacement plan")
        verbose_name_plural = _("replacement plans")

    def __str__(self) -> str:
        return self.ref

    @property
    def is_active(self) -> bool:
        return self.status == PlanStatus.ACTIVE


class CapacityDraw(models.Model):
    """An amount a plan draws from a source. Kept for good: returning it (plan withdrawn,
    draw released) sets `returned_at` and gives the amount back to the source."""

    plan = models.ForeignKey(ReplacementPlan, on_delete=models.PROTECT, related_name="draws")
    source = models.ForeignKey(CapacitySource, on_delete=models.PROTECT, related_name="draws")
    amount = _capacity(verbose_name=_("amount"))
    drawn_at = models.DateTimeField(auto_now_add=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    returned_at = models.DateTimeField(null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    return_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["drawn_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="draw_amount_positive"),
        ]
        indexes = [models.Index(fields=["source", "returned_at"], name="draw_source_live")]
        verbose_name = _("capacity draw")
        verbose_name_plural = _("capacity draws")

    def __str__(self) -> str:
        return f"{self.plan_id} ← {self.source_id}: {self.amount}"

    @property
    def is_live(self) -> bool:
        return self.returned_at is None


class RegistryUploadKind(models.TextChoices):
    SOURCES = "sources", _("Retired capacity")
    PLANS = "plans", _("Replacement plans and draws")


class RegistryUploadStatus(models.TextChoices):
    INVALID = "invalid", _("Has errors")
    REFUSED = "refused", _("Refused (file cannot be read safely)")
    PREVIEW = "preview", _("Ready to confirm")
    APPLIED = "applied", _("Applied")
    FAILED = "failed", _("Failed")


class RegistryUpload(models.Model):
    """One uploaded registry workbook (sources, or plans with their draws): validated, shown
    as a preview, applied in one transaction once confirmed, and kept."""

    kind = models.CharField(max_length=16, choices=RegistryUploadKind.choices)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(upload_to="registry/%Y/%m/")
    original_name = models.CharField(max_length=255)
    status = models.CharField(max_length=16, choices=RegistryUploadStatus.choices)
    message = models.TextField(blank=True)
    data_rows = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    annotated_file = models.FileField(upload_to="registry-annotated/%Y/%m/", blank=True)
    preview = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("registry upload")
        verbose_name_plural = _("registry uploads")

    def __str__(self) -> str:
        return f"{self.kind} {self.original_name} ({self.get_status_display()})"
