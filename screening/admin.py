from django import forms
from django.contrib import admin

from screening.models import (
    AnnualResult,
    IndicatorMonth,
    IssuingOffice,
    Region,
    RegionAttribute,
    RuleSet,
)
from screening.reference_data import validate_rule_set_document


class RegionAttributeInline(admin.TabularInline):
    model = RegionAttribute
    extra = 0


class IssuingOfficeInline(admin.StackedInline):
    """The region's document settings: office name, number prefix, copy-to (issue 18)."""

    model = IssuingOffice
    extra = 1  # the settings form is there to fill, not behind "add another"
    max_num = 1


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent", "reports_to", "is_project_region")
    list_filter = ("level", "is_project_region")
    search_fields = ("code", "name", "name_en")
    inlines = [RegionAttributeInline, IssuingOfficeInline]


class RuleSetForm(forms.ModelForm):
    """A new rule set must drive the engine: its parameters are checked before saving."""

    class Meta:
        model = RuleSet
        fields = ["name", "title_zh", "title_en", "effective_from", "parameters"]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        document = {
            "name": cleaned.get("name"),
            "title_zh": cleaned.get("title_zh", ""),
            "title_en": cleaned.get("title_en", ""),
            "effective_from": cleaned["effective_from"].isoformat(),
            "parameters": cleaned.get("parameters"),
        }
        try:
            validate_rule_set_document(document)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return cleaned


@admin.register(RuleSet)
class RuleSetAdmin(admin.ModelAdmin):
    form = RuleSetForm
    list_display = ("name", "effective_from", "title_zh", "created_at")
    search_fields = ("name", "title_zh", "title_en")

    def get_readonly_fields(self, request, obj=None):
        # A rule set that screenings cite is never edited in place: add a new one instead.
        return ("name", "effective_from", "parameters") if obj is not None else ()

    def get_changeform_initial_data(self, request):
        """A new rule set starts as a copy of the one in force, to be edited."""
        from django.utils import timezone

        current = RuleSet.in_force(timezone.localdate())
        initial = super().get_changeform_initial_data(request)
        if current is not None:
            initial.setdefault("parameters", current.parameters)
        return initial


@admin.register(IndicatorMonth)
class IndicatorMonthAdmin(admin.ModelAdmin):
    list_display = ("region", "year", "month", "tier", "published_at")
    list_filter = ("tier", "year", "region")


@admin.register(AnnualResult)
class AnnualResultAdmin(admin.ModelAdmin):
    list_display = ("region", "year", "dual_control_met", "pollutant_met", "recorded_at")
    list_filter = ("year",)


# --- Review workflow (issue 5): read-mostly; states change only through the services. ---
from screening.models import CaseAttachment, CaseEvent, ReviewCase  # noqa: E402


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    fields = ("at", "transition", "actor", "from_state", "to_state", "comment")
    readonly_fields = fields


@admin.register(ReviewCase)
class ReviewCaseAdmin(admin.ModelAdmin):
    list_display = ("project", "cycle", "region", "state", "verdict", "due_date", "updated_at")
    list_filter = ("state", "verdict", "region")
    search_fields = ("project__project_code", "project__name")
    readonly_fields = [f.name for f in ReviewCase._meta.fields]
    inlines = [CaseEventInline]

    def has_add_permission(self, request) -> bool:
        return False  # cases are opened by agencies through the workflow


@admin.register(CaseAttachment)
class CaseAttachmentAdmin(admin.ModelAdmin):
    list_display = ("original_name", "case", "size", "uploaded_by", "uploaded_at")
    readonly_fields = [f.name for f in CaseAttachment._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


# --- Scheduled jobs, reports and digests (issue 7) --------------------------------------------
from screening.models import DigestDelivery, JobRun, Report  # noqa: E402


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("kind", "region", "year", "month", "language", "status", "size", "finished_at")
    list_filter = ("kind", "status", "year", "language")
    search_fields = ("region__name", "region__code")
    readonly_fields = (
        "file",
        "size",
        "summary",
        "error",
        "claim_token",
        "lease_until",
        "attempts",
        "started_at",
        "finished_at",
        "created_at",
    )


@admin.register(DigestDelivery)
class DigestDeliveryAdmin(admin.ModelAdmin):
    """Deleting an `uncertain` row lets the next run send that digest again."""

    list_display = ("user", "frequency", "period", "status", "items", "sent_at", "attempts")
    list_filter = ("frequency", "status", "period")
    search_fields = ("user__username", "user__email")
    readonly_fields = ("claim_token", "lease_until", "claimed_at", "sent_at", "message_id", "error")


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    list_display = ("job", "status", "started_at", "finished_at", "worker")
    list_filter = ("job", "status")
    readonly_fields = (
        "job",
        "arguments",
        "task_id",
        "worker",
        "status",
        "started_at",
        "finished_at",
        "result",
        "error",
    )


# --- Early warning (issue 6) ---------------------------------------------------------------
from screening.models import EscalationEvent, ProjectEnergyMonth  # noqa: E402


@admin.register(EscalationEvent)
class EscalationEventAdmin(admin.ModelAdmin):
    list_display = ("region", "kind", "started", "ended", "end_reason", "created_at")
    list_filter = ("kind", "end_reason")
    readonly_fields = ("months", "created_at", "ended_at")


@admin.register(ProjectEnergyMonth)
class ProjectEnergyMonthAdmin(admin.ModelAdmin):
    list_display = ("project", "year", "month", "actual_tce", "cumulative_tce", "tier")
    list_filter = ("tier", "year")
    search_fields = ("project__project_code", "project__name")


# --- Decision documents (issue 18) -------------------------------------------------------------
from screening.models import DecisionDocument  # noqa: E402


@admin.register(DecisionDocument)
class DecisionDocumentAdmin(admin.ModelAdmin):
    """Issued documents are kept as issued: read-only here; corrections are new versions."""

    list_display = ("number", "version", "kind", "title", "region", "issued_at")
    list_filter = ("kind", "year")
    search_fields = ("number", "title")
    readonly_fields = [f.name for f in DecisionDocument._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
