"""The ledger (台账): projects, their change history, uploads and their latest screening."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from screening.labels import DISPOSITION_CHOICES, VERDICT_CHOICES
from screening.rules.types import ConstructionType, Sector, Stage, TechClass


def _choices(enum_cls) -> list[tuple[str, str]]:
    return [(member.value, member.value) for member in enum_cls]


NUMBER_DECIMAL_PLACES = 10


def _number(null: bool = True) -> models.DecimalField:
    # Ledger numbers are at most 10^12 in magnitude (SPEC §3); values are kept to 10 decimals.
    return models.DecimalField(
        max_digits=24, decimal_places=NUMBER_DECIMAL_PLACES, null=null, blank=null
    )


def _text(max_length: int = 1000) -> models.CharField:
    return models.CharField(max_length=max_length, null=True, blank=True)


class ProjectStatus(models.TextChoices):
    ACTIVE = "active", _("In the ledger")
    REMOVED = "removed", _("Left the ledger")


class RemovalReason(models.TextChoices):
    IN_OPERATION = "in_operation", _("Now in operation (moved to operating)")
    SHUT_DOWN = "shut_down", _("Shut down")
    CANCELLED = "cancelled", _("Cancelled")
    REPORTED_IN_ERROR = "reported_in_error", _("Reported in error")
    OTHER = "other", _("Other")


class Project(models.Model):
    """One project of a region's ledger: the current values of its ledger row and its latest
    screening. A project code belongs to one region."""

    region = models.ForeignKey(
        "screening.Region", on_delete=models.PROTECT, related_name="projects"
    )
    status = models.CharField(
        max_length=16, choices=ProjectStatus.choices, default=ProjectStatus.ACTIVE
    )
    # Ledger columns, in template order (SPEC §3).
    project_code = models.CharField(_("project code"), max_length=32, unique=True)
    name = models.CharField(_("project name"), max_length=1000)
    enterprise = models.CharField(_("enterprise"), max_length=1000)
    uscc = models.CharField(_("unified social credit code"), max_length=18)
    sector = models.CharField(_("sector"), max_length=16, choices=_choices(Sector))
    product = _text(200)
    construction_type = models.CharField(max_length=16, choices=_choices(ConstructionType))
    stage = models.CharField(max_length=16, choices=_choices(Stage))
    annual_energy_tce = _number(null=False)
    new_energy_tce = _number()
    coal_tonnes = _number()
    new_capacity = _number()
    capacity_unit = _text()
    replaced_capacity = _number()
    replacement_plan_ref = _text()
    unit_energy = _number()
    unit_energy_unit = _text()
    tech_class = models.CharField(max_length=16, choices=_choices(TechClass))
    energy_review_ref = _text()
    energy_review_date = models.DateField(null=True, blank=True)
    eia_ref = _text()
    eia_date = models.DateField(null=True, blank=True)
    approval_ref = _text()
    policy_fit = models.BooleanField()
    pollutant_control = models.BooleanField(null=True, blank=True)
    coal_substitution = models.BooleanField(null=True, blank=True)
    pollutant_reduction = models.BooleanField(null=True, blank=True)
    energy_rights_tce = _number()
    livelihood = models.BooleanField(default=False)
    last_energy_diagnosis = models.DateField(null=True, blank=True)
    last_cleaner_production = models.DateField(null=True, blank=True)
    start_date = models.DateField(null=True, blank=True)
    operation_date = models.DateField(null=True, blank=True)
    investment = _number()
    remarks = _text(4000)
    # Latest screening (recomputed on every change and on re-screening).
    in_scope = models.BooleanField(null=True, db_index=True)
    verdict = models.CharField(max_length=16, choices=VERDICT_CHOICES, blank=True)
    disposition = models.CharField(max_length=24, choices=DISPOSITION_CHOICES, blank=True)
    screened_rule_set = models.CharField(max_length=64, blank=True)
    screened_as_of = models.DateField(null=True, blank=True)
    findings = models.JSONField(default=list, blank=True)
    # Fingerprints for re-uploads (screening/ledger/digest.py): of the ledger row as stored, and
    # of what its screening was made under (rule set, engine, region context, date). Blank when
    # unknown (written by something other than an upload): the row is then compared in full.
    row_digest = models.CharField(max_length=32, blank=True, default="")
    # And of the file's cells the row was read from, before cleaning (issue 19): the same cells
    # under the same reference data and validation code need no validating again.
    raw_digest = models.CharField(max_length=32, blank=True, default="")
    screening_key = models.CharField(max_length=32, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    last_upload = models.ForeignKey(
        "screening.LedgerUpload", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    removal_reason = models.CharField(max_length=32, choices=RemovalReason.choices, blank=True)
    removal_note = models.CharField(max_length=500, blank=True)

    class Meta:
        # By code alone: the unique index serves a page of 100,000 projects without a sort.
        ordering = ["project_code"]
        indexes = [
            models.Index(fields=["region", "status"]),
            # The dashboard's counts and the list's 两高 filter: read from this index alone.
            models.Index(
                fields=["region", "verdict", "disposition", "sector"],
                condition=models.Q(status="active", in_scope=True),
                name="project_two_high_counts",
            ),
            # "Largest energy use first" without sorting the whole ledger.
            models.Index(fields=["annual_energy_tce"], name="project_energy"),
            # The list's filters province-wide. Declared here rather than with db_index=True,
            # which on PostgreSQL adds a second, LIKE-only index to each text column: nothing
            # filters these codes by prefix, and every ledger upload paid for them.
            *(
                models.Index(fields=[name], name=f"project_{name}")
                for name in ("status", "sector", "stage", "verdict", "disposition")
            ),
        ]
        # On PostgreSQL, migration 0003 also adds trigram indexes for the text search
        # (project_filters.ProjectFilter.search); SQLite scans.
        verbose_name = _("project")
        verbose_name_plural = _("projects")

    def __str__(self) -> str:
        return f"{self.project_code} {self.name}"


class UploadStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    VALIDATING = "validating", _("Validating")
    INVALID = "invalid", _("Has errors")
    REFUSED = "refused", _("Refused (file cannot be read safely)")
    PREVIEW = "preview", _("Ready to confirm")
    APPLYING = "applying", _("Applying")
    APPLIED = "applied", _("Applied")
    FAILED = "failed", _("Failed")
    SUPERSEDED = "superseded", _("Not confirmed")
    ROLLED_BACK = "rolled_back", _("Rolled back")


class UploadScope(models.TextChoices):
    """What an upload does to the region's ledger (issue 15)."""

    FULL = "full", _("Full ledger (replaces the region's ledger)")
    ADD_UPDATE = "add_update", _("Add or update only")


class LedgerUpload(models.Model):
    """One uploaded ledger file for one region: kept with who, when, what it did."""

    region = models.ForeignKey("screening.Region", on_delete=models.PROTECT, related_name="uploads")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ledger_uploads"
    )
    file = models.FileField(upload_to="uploads/%Y/%m/")
    original_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(default=0)
    status = models.CharField(
        max_length=16, choices=UploadStatus.choices, default=UploadStatus.RECEIVED, db_index=True
    )
    # Full: projects of the ledger missing from the file leave it (with a reason); add or
    # update: the file's rows are created or updated and nothing leaves the ledger.
    scope = models.CharField(
        _("upload mode"), max_length=16, choices=UploadScope.choices, default=UploadScope.FULL
    )
    sheet_name = models.CharField(_("sheet read"), max_length=255, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)  # percent, for the progress bar
    message = models.TextField(blank=True)  # refusal reason or failure
    data_rows = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)  # the first errors, for the page
    # Orientation beside the errors, never instead of them: {kind, row, message_zh, message_en}
    hints = models.JSONField(default=list, blank=True)
    ignored_columns = models.JSONField(default=list, blank=True)
    annotated_file = models.FileField(upload_to="annotated/%Y/%m/", blank=True)
    preview = models.JSONField(default=dict, blank=True)  # new / changed / unchanged / missing
    summary = models.JSONField(default=dict, blank=True)  # counts once applied
    as_of = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rolled_back_at = models.DateTimeField(null=True, blank=True)
    rolled_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rollback_reason = models.TextField(_("reason for the rollback"), blank=True)
    job_id = models.CharField(max_length=64, blank=True)
    # Set when the apply job is queued; the upload stays "preview" until the job's single
    # transaction commits, so a job that dies leaves the ledger as it was and can be retried.
    apply_requested_at = models.DateTimeField(null=True, blank=True)
    missing_reasons = models.JSONField(default=dict, blank=True)
    # What the file was validated and applied against (ledger_import.file_fingerprint): an
    # identical file uploaded later, against the same, is previewed without reading it again.
    fingerprint = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("ledger upload")
        verbose_name_plural = _("ledger uploads")

    def __str__(self) -> str:
        return f"{self.region} {self.original_name} ({self.get_status_display()})"

    @property
    def status_label(self) -> str:
        """The status in words; a file in another format is "not an .xlsx workbook", not a
        file that "cannot be read safely" (issue 15)."""
        if self.status == UploadStatus.REFUSED and any(e.get("not_xlsx") for e in self.errors):
            return str(_("Refused: not an .xlsx workbook"))
        return str(self.get_status_display())


class ChangeKind(models.TextChoices):
    CREATED = "created", _("Added")
    UPDATED = "updated", _("Changed")
    REMOVED = "removed", _("Left the ledger")
    RESTORED = "restored", _("Back in the ledger")
    ROLLED_BACK = "rolled_back", _("Upload rolled back")


class ProjectChange(models.Model):
    """One change of one project, kept for good: who, when, which upload, old → new per field."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="changes")
    upload = models.ForeignKey(
        LedgerUpload, null=True, blank=True, on_delete=models.PROTECT, related_name="changes"
    )
    kind = models.CharField(max_length=16, choices=ChangeKind.choices)
    changes = models.JSONField(default=dict)  # {field: [old, new]}
    reason = models.CharField(max_length=32, blank=True)
    note = models.CharField(max_length=500, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("project change")
        verbose_name_plural = _("project changes")

    def __str__(self) -> str:
        return f"{self.project_id} {self.kind} {self.changed_at:%Y-%m-%d}"


class ScreeningChange(models.Model):
    """A stored project's latest screening changed without a ledger upload, because the rules
    were revised (规则修订): when, why, and verdict and disposition before → after. Shown on the
    project page; the upload history records nothing for it."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="screening_changes")
    # A rule revision's label, e.g. "2026-12" (SPEC "Revision 4 (2026-12)").
    revision = models.CharField(_("rule revision"), max_length=32)
    rule_set = models.CharField(max_length=64)
    as_of = models.DateField(null=True, blank=True)
    verdict_before = models.CharField(max_length=16, choices=VERDICT_CHOICES, blank=True)
    verdict_after = models.CharField(max_length=16, choices=VERDICT_CHOICES, blank=True)
    disposition_before = models.CharField(max_length=24, choices=DISPOSITION_CHOICES, blank=True)
    disposition_after = models.CharField(max_length=24, choices=DISPOSITION_CHOICES, blank=True)
    # [{"rule": "R03", "before": "PASS" | null, "after": "NEEDS_INFO" | null}, …]
    rules = models.JSONField(default=list, blank=True)
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "revision"], name="one_screening_change_per_project_revision"
            ),
        ]
        verbose_name = _("screening change (rule revision)")
        verbose_name_plural = _("screening changes (rule revisions)")

    def __str__(self) -> str:
        return f"{self.project_id} {self.revision}"
