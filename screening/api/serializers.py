"""What the API returns and accepts. Messages of findings and errors come in the request's
language; both languages stay available as `message_zh` / `message_en`."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from screening import date_limits
from screening.cases.services import SERVICES
from screening.ids import MAX_ID
from screening.ledger.services import lang
from screening.models import (
    CaseAttachment,
    CaseEvent,
    CaseState,
    EvaluationKind,
    IndicatorMonth,
    LedgerUpload,
    Project,
    RemovalReason,
    ReviewCase,
    RuleSet,
    UploadScope,
    UploadStatus,
)
from screening.rules.types import ConstructionType, Disposition, Sector, Stage, TechClass, Verdict


def _url(request, name: str, *args) -> str:
    path = reverse(f"api:{name}", args=args)
    return request.build_absolute_uri(path) if request is not None else path


def _message(item: dict) -> str:
    if lang() == "en":
        return item.get("message_en") or item.get("message_zh", "")
    return item.get("message_zh") or item.get("message_en", "")


# --- Shared pieces --------------------------------------------------------------------------

def _codes(enum_cls, *, exclude=()) -> serializers.ChoiceField:
    """A read-only code field of an engine enum: the code only, whatever the model's labels
    (labels are translated; the schema names one enum per set of codes)."""
    return serializers.ChoiceField(choices=[m.value for m in enum_cls if m not in exclude],
                                   allow_blank=True, allow_null=True, read_only=True)


class ModelSerializer(serializers.ModelSerializer):
    """Decimals as plain strings without trailing zeros ("50000", not "50000.0000000000")."""

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if field_class is serializers.DecimalField:
            kwargs["normalize_output"] = True
        return field_class, kwargs


class FindingSerializer(serializers.Serializer):
    """One rule's result: rule id, outcome, the clause behind it, the values it used."""

    rule = serializers.CharField()
    outcome = serializers.CharField()
    clause = serializers.CharField()
    message = serializers.SerializerMethodField()
    message_zh = serializers.CharField()
    message_en = serializers.CharField()
    values = serializers.DictField()

    @extend_schema_field(OpenApiTypes.STR)
    def get_message(self, finding: dict) -> str:
        return _message(finding)


class ErrorDetailSerializer(serializers.Serializer):
    field = serializers.CharField(required=False)
    code = serializers.CharField(required=False)
    message = serializers.CharField()


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    details = serializers.ListField(child=serializers.DictField())


class ErrorSerializer(serializers.Serializer):
    """The one error shape: {"error": {"code", "message", "details"}}."""

    error = ErrorBodySerializer()


class RegionRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField()


# --- Me -------------------------------------------------------------------------------------

class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField()
    role = serializers.CharField()
    role_label = serializers.CharField()
    regions = RegionRefSerializer(many=True)
    upload_regions = serializers.ListField(child=serializers.CharField(),
                                           help_text="Region codes the user may upload for.")
    token = serializers.DictField(allow_null=True,
                                  help_text="The token used for this request, if any.")


# --- Projects -------------------------------------------------------------------------------

class ProjectSerializer(ModelSerializer):
    """A project of the ledger with its latest screening's verdict."""

    region = serializers.CharField(source="region.code")
    region_name = serializers.CharField(source="region.name")
    sector = _codes(Sector)
    construction_type = _codes(ConstructionType)
    stage = _codes(Stage)
    verdict = _codes(Verdict)
    disposition = _codes(Disposition)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Project
        fields = ["id", "url", "project_code", "name", "enterprise", "region", "region_name",
                  "sector", "product", "construction_type", "stage", "annual_energy_tce",
                  "status", "in_scope", "verdict", "disposition", "screened_rule_set",
                  "screened_as_of", "updated_at"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, project: Project) -> str:
        return _url(self.context.get("request"), "project", project.pk)


class ScreeningSerializer(serializers.Serializer):
    rule_set = serializers.CharField()
    as_of = serializers.DateField(allow_null=True)
    in_scope = serializers.BooleanField(allow_null=True)
    verdict = serializers.CharField()
    disposition = serializers.CharField()
    findings = FindingSerializer(many=True)


class CaseRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    cycle = serializers.IntegerField()
    state = serializers.CharField()
    url = serializers.URLField()


class ProjectDetailSerializer(ProjectSerializer):
    """Every ledger field, the latest screening with its findings, and the project's cases."""

    tech_class = _codes(TechClass)
    screening = serializers.SerializerMethodField()
    cases = serializers.SerializerMethodField()

    class Meta(ProjectSerializer.Meta):
        fields = [*ProjectSerializer.Meta.fields, "uscc", "new_energy_tce", "coal_tonnes",
                  "new_capacity", "capacity_unit", "replaced_capacity",
                  "replacement_plan_ref", "unit_energy", "unit_energy_unit", "tech_class",
                  "energy_review_ref", "energy_review_date", "eia_ref", "eia_date",
                  "approval_ref", "policy_fit", "pollutant_control", "coal_substitution",
                  "pollutant_reduction", "energy_rights_tce", "livelihood",
                  "last_energy_diagnosis", "last_cleaner_production", "start_date",
                  "operation_date", "investment", "remarks", "removal_reason", "removal_note",
                  "created_at", "screening", "cases"]

    @extend_schema_field(ScreeningSerializer)
    def get_screening(self, project: Project) -> dict:
        return ScreeningSerializer({
            "rule_set": project.screened_rule_set, "as_of": project.screened_as_of,
            "in_scope": project.in_scope, "verdict": project.verdict,
            "disposition": project.disposition, "findings": project.findings}).data

    @extend_schema_field(CaseRefSerializer(many=True))
    def get_cases(self, project: Project) -> list[dict]:
        request = self.context.get("request")
        return [{"id": c.pk, "cycle": c.cycle, "state": c.state,
                 "url": _url(request, "case", c.pk)}
                for c in project.cases.order_by("cycle")]


# --- Ledger uploads -------------------------------------------------------------------------

class CellErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True)
    column = serializers.CharField()
    value = serializers.CharField()
    message = serializers.CharField()


class UploadHintSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["title_rows", "total_row"])
    row = serializers.IntegerField()
    message = serializers.CharField()


class UploadLinksSerializer(serializers.Serializer):
    self = serializers.URLField()
    original_file = serializers.URLField()
    annotated_file = serializers.URLField(allow_null=True)
    apply = serializers.URLField(allow_null=True)


class UploadSerializer(ModelSerializer):
    """A ledger upload and, while it runs in the background, its progress (the job to poll)."""

    region = serializers.CharField(source="region.code")
    uploaded_by = serializers.CharField(source="uploaded_by.username")
    status_label = serializers.CharField()
    in_progress = serializers.SerializerMethodField()
    links = serializers.SerializerMethodField()

    class Meta:
        model = LedgerUpload
        fields = ["id", "region", "original_name", "size", "sha256", "uploaded_by",
                  "created_at", "as_of", "scope", "status", "status_label", "in_progress",
                  "progress", "message", "sheet_name", "data_rows", "error_count", "applied_at",
                  "links"]

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_in_progress(self, upload: LedgerUpload) -> bool:
        return upload.status in (UploadStatus.RECEIVED, UploadStatus.VALIDATING,
                                 UploadStatus.APPLYING) or (
            upload.status == UploadStatus.PREVIEW and upload.apply_requested_at is not None)

    @extend_schema_field(UploadLinksSerializer)
    def get_links(self, upload: LedgerUpload) -> dict:
        request = self.context.get("request")
        return {
            "self": _url(request, "upload", upload.pk),
            "original_file": _url(request, "upload_original", upload.pk),
            "annotated_file": (_url(request, "upload_annotated", upload.pk)
                               if upload.annotated_file else None),
            "apply": (_url(request, "upload_apply", upload.pk)
                      if upload.status == UploadStatus.PREVIEW else None),
        }


class UploadDetailSerializer(UploadSerializer):
    """The upload with its errors (in the request's language), preview and summary."""

    errors = serializers.SerializerMethodField()
    errors_shown = serializers.SerializerMethodField()
    hints = serializers.SerializerMethodField()

    class Meta(UploadSerializer.Meta):
        fields = [*UploadSerializer.Meta.fields, "errors", "errors_shown", "hints",
                  "ignored_columns", "preview", "summary"]

    @extend_schema_field(CellErrorSerializer(many=True))
    def get_errors(self, upload: LedgerUpload) -> list[dict]:
        return [{"row": e.get("row"), "column": e.get("column", ""),
                 "value": e.get("value", ""), "message": _message(e)} for e in upload.errors]

    @extend_schema_field(OpenApiTypes.INT)
    def get_errors_shown(self, upload: LedgerUpload) -> int:
        return len(upload.errors)

    @extend_schema_field(UploadHintSerializer(many=True))
    def get_hints(self, upload: LedgerUpload) -> list[dict]:
        """What to fix first, beside `errors` (never instead of them): headers under a title
        row, 合计 rows."""
        return [{"kind": h.get("kind", ""), "row": h.get("row"), "message": _message(h)}
                for h in upload.hints]


def _as_of_in_window(value: date) -> None:
    problem = date_limits.as_of_problem(value, timezone.localdate())
    if problem:
        raise serializers.ValidationError(problem)


class UploadCreateSerializer(serializers.Serializer):
    """Multipart: the .xlsx file, the region it is the ledger of, and what to do."""

    file = serializers.FileField(help_text="The ledger workbook (.xlsx).")
    region = serializers.CharField(max_length=6, help_text="6-digit code of the region.")
    mode = serializers.ChoiceField(choices=["validate", "apply"], default="validate",
                                   help_text="validate: check and preview only; apply: apply "
                                             "at once when the file is valid.")
    as_of = serializers.DateField(required=False, help_text="Screening date (default today).",
                                  validators=[_as_of_in_window])
    scope = serializers.ChoiceField(
        choices=UploadScope.choices, default=UploadScope.FULL,
        help_text="full: the file is the region's whole ledger (projects missing from it leave "
                  "the ledger, each with a reason); add_update: rows are created or updated, "
                  "nothing is removed.")
    missing_reason = serializers.ChoiceField(
        choices=RemovalReason.choices, required=False,
        help_text="With mode=apply: reason for every project missing from the file.")


class MissingReasonSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=RemovalReason.choices)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ApplySerializer(serializers.Serializer):
    """Reasons for the projects of the region's ledger that the file no longer lists."""

    missing_reasons = serializers.DictField(child=MissingReasonSerializer(), required=False,
                                            default=dict,
                                            help_text="{project code: {reason, note}}")
    missing_reason = serializers.ChoiceField(
        choices=RemovalReason.choices, required=False,
        help_text="Reason for every missing project not listed in missing_reasons.")


# --- Screening one payload ------------------------------------------------------------------

class ScreenRequestSerializer(serializers.Serializer):
    project = serializers.DictField(
        help_text="One ledger row: {template header or field key: value}; strings are text "
                  "cells, numbers numeric cells, null blank.")
    as_of = serializers.DateField(required=False, help_text="Screening date (default today).",
                                  validators=[_as_of_in_window])
    rule_set = serializers.CharField(required=False, max_length=64,
                                     help_text="A rule set by name (default: the one in "
                                               "force on as_of).")


class ScreenResultSerializer(serializers.Serializer):
    rule_set = serializers.CharField()
    as_of = serializers.DateField()
    ignored_columns = serializers.ListField(child=serializers.CharField())
    project_code = serializers.CharField()
    region = serializers.CharField()
    in_scope = serializers.BooleanField()
    verdict = serializers.CharField()
    disposition = serializers.CharField()
    findings = FindingSerializer(many=True)


# --- Review cases ---------------------------------------------------------------------------

class CaseSerializer(ModelSerializer):
    """A review case in lists."""

    project = serializers.IntegerField(source="project_id")
    project_code = serializers.CharField(source="project.project_code")
    project_name = serializers.CharField(source="project.name")
    region = serializers.CharField(source="region.code")
    state_label = serializers.CharField(source="get_state_display")
    verdict = _codes(Verdict)
    disposition = _codes(Disposition)
    overdue = serializers.BooleanField(source="is_overdue")
    url = serializers.SerializerMethodField()

    class Meta:
        model = ReviewCase
        fields = ["id", "url", "project", "project_code", "project_name", "region", "cycle",
                  "state", "state_label", "verdict", "disposition", "due_date", "overdue",
                  "opened_at", "submitted_at", "updated_at"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, case: ReviewCase) -> str:
        return _url(self.context.get("request"), "case", case.pk)


class AttachmentSerializer(ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = CaseAttachment
        fields = ["id", "original_name", "content_type", "size", "sha256", "uploaded_at", "url"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, attachment: CaseAttachment) -> str:
        return _url(self.context.get("request"), "case_file", attachment.case_id,
                    attachment.pk)


class EventSerializer(ModelSerializer):
    """One step of the case's timeline."""

    actor = serializers.CharField(source="actor.username")
    attachments = AttachmentSerializer(many=True)

    class Meta:
        model = CaseEvent
        fields = ["id", "transition", "actor", "at", "from_state", "to_state", "comment",
                  "data", "attachments"]


class BlockedSerializer(serializers.Serializer):
    name = serializers.CharField()
    reason = serializers.CharField()


class CommittedProjectSerializer(serializers.Serializer):
    project = serializers.IntegerField(source="project_id")
    project_code = serializers.CharField()
    name = serializers.CharField()
    region_name = serializers.CharField()
    case = serializers.IntegerField(source="case_id", allow_null=True)
    approved_on = serializers.DateField()
    new_energy_tce = serializers.DecimalField(max_digits=18, decimal_places=4, allow_null=True)


class EnergyHeadroomSerializer(serializers.Serializer):
    """The region's energy headroom (能耗空间) with every term; null figures are unknown."""

    region = serializers.CharField(allow_null=True)
    year = serializers.IntegerField()
    budget_known = serializers.BooleanField()
    annual_budget_tce = serializers.DecimalField(max_digits=18, decimal_places=4, allow_null=True)
    months_reported = serializers.IntegerField(allow_null=True)
    used_to_date_tce = serializers.DecimalField(max_digits=18, decimal_places=4, allow_null=True)
    projected_use_tce = serializers.DecimalField(max_digits=18, decimal_places=4, allow_null=True)
    committed = CommittedProjectSerializer(many=True)
    committed_elsewhere_count = serializers.IntegerField()
    committed_tce = serializers.DecimalField(max_digits=18, decimal_places=4)
    headroom_before_tce = serializers.DecimalField(max_digits=18, decimal_places=4,
                                                   allow_null=True)
    new_energy_tce = serializers.DecimalField(max_digits=18, decimal_places=4, allow_null=True)
    headroom_after_tce = serializers.DecimalField(max_digits=18, decimal_places=4,
                                                  allow_null=True)
    exceeds = serializers.BooleanField()


def energy_headroom_data(impact, user) -> dict:
    """The API's form of `warnings.budget_impact`: the same terms the case page shows, the
    approved projects outside the user's regions counted but not named."""
    from screening import permissions
    from screening.rules.headroom import committed_in_view

    h = impact.headroom
    view = committed_in_view(h, set(permissions.scope_region_ids(user)))
    return {"region": impact.region.code if impact.region else None, "year": h.year,
            "budget_known": h.budget_known, "annual_budget_tce": h.annual_budget_tce,
            "months_reported": h.months_reported, "used_to_date_tce": h.used_to_date_tce,
            "projected_use_tce": h.projected_use_tce, "committed": view.shown,
            "committed_elsewhere_count": view.hidden_count, "committed_tce": h.committed_tce,
            "headroom_before_tce": h.headroom_before_tce, "new_energy_tce": h.new_energy_tce,
            "headroom_after_tce": h.headroom_after_tce, "exceeds": h.exceeds}


class CaseDetailSerializer(CaseSerializer):
    """The case with its frozen screening, its timeline and what the user may do now."""

    rule_set = serializers.CharField(source="rule_set.name", allow_null=True, default=None)
    findings = FindingSerializer(many=True)
    ordered_disposition = _codes(Disposition)
    timeline = serializers.SerializerMethodField()
    available_transitions = serializers.SerializerMethodField()
    blocked_transitions = serializers.SerializerMethodField()
    energy_headroom = serializers.SerializerMethodField()

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "rule_set", "screened_as_of", "in_scope",
                  "findings", "evaluation_kind", "ordered_disposition",
                  "rectification_deadline", "decided_at", "timeline",
                  "available_transitions", "blocked_transitions", "energy_headroom"]

    @extend_schema_field(EnergyHeadroomSerializer(allow_null=True))
    def get_energy_headroom(self, case: ReviewCase) -> dict | None:
        """For a planned (拟建) project: what approving it does to the region's headroom."""
        from screening.early_warning.services import budget_impact

        if case.project.stage != "拟建":
            return None
        impact = budget_impact(case.project)
        return EnergyHeadroomSerializer(
            energy_headroom_data(impact, self.context["request"].user)).data

    @extend_schema_field(EventSerializer(many=True))
    def get_timeline(self, case: ReviewCase) -> list[dict]:
        events = (CaseEvent.objects.filter(case=case).select_related("actor")
                  .prefetch_related("attachments").order_by("at", "id"))
        return EventSerializer(events, many=True, context=self.context).data

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_available_transitions(self, case: ReviewCase) -> list[str]:
        from screening.cases.services import available_transitions

        return available_transitions(case, self.context["request"].user)

    @extend_schema_field(BlockedSerializer(many=True))
    def get_blocked_transitions(self, case: ReviewCase) -> list[dict]:
        from screening.cases.services import blocked_transitions

        return [{"name": name, "reason": str(reason)}
                for name, reason in blocked_transitions(case, self.context["request"].user)]


class CaseOpenSerializer(serializers.Serializer):
    project = serializers.IntegerField(min_value=1, max_value=MAX_ID,
                                       help_text="Id of a project of your ledger.")


class TransitionInputSerializer(serializers.Serializer):
    """Input of a transition (JSON, or multipart when files are attached). Which fields a
    transition needs is SPEC §5's table: withdraw/reject/close `reason`; return_for_info and
    reject_rectification `comment`; forward `opinion`; request_evaluation `kind` and `scope`;
    complete_evaluation `result` and files; order_rectification `disposition` and `deadline`;
    submit_rectification files."""

    expected_state = serializers.ChoiceField(
        choices=CaseState.choices, required=False,
        help_text="The state you saw; a case changed meanwhile is refused with 409.")
    comment = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    opinion = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    kind = serializers.ChoiceField(choices=EvaluationKind.choices, required=False)
    scope = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    result = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    disposition = serializers.ChoiceField(
        choices=[d.value for d in Disposition if d is not Disposition.NONE], required=False)
    deadline = serializers.DateField(required=False, allow_null=True,
                                     help_text="After today, within two years.")
    files = serializers.ListField(child=serializers.FileField(), required=False,
                                  help_text="Evidence files (multipart only).")


TRANSITION_NAMES = sorted(SERVICES)


# --- Barometer and rule sets ----------------------------------------------------------------

class IndicatorMonthSerializer(ModelSerializer):
    """One region-month of the published barometer (能耗双控晴雨表)."""

    region = serializers.CharField(source="region.code")
    region_name = serializers.CharField(source="region.name")
    period = serializers.SerializerMethodField()
    rule_set = serializers.CharField(source="rule_set.name", allow_null=True, default=None)

    class Meta:
        model = IndicatorMonth
        fields = ["region", "region_name", "year", "month", "period", "intensity_change_pct",
                  "intensity_target_pct", "energy_total_tce", "energy_budget_tce",
                  "coal_tonnes", "coal_cap_tonnes", "intensity_tier", "energy_tier",
                  "coal_tier", "tier", "rule_set", "published_at"]

    @extend_schema_field(OpenApiTypes.STR)
    def get_period(self, row: IndicatorMonth) -> str:
        return f"{row.year}-{row.month:02d}"


class ParameterSerializer(serializers.Serializer):
    id = serializers.CharField()
    value = serializers.JSONField()
    source = serializers.CharField(allow_blank=True)
    status = serializers.CharField(allow_blank=True)
    note = serializers.CharField(allow_blank=True)


class RuleSetSerializer(ModelSerializer):
    """A rule set: name, effective date, whether in force today."""

    in_force = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = RuleSet
        fields = ["name", "url", "title_zh", "title_en", "effective_from", "in_force"]

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_in_force(self, rule_set: RuleSet) -> bool:
        current = self.context.get("in_force")
        if current is None:
            current = RuleSet.in_force(timezone.localdate())
        return current is not None and current.pk == rule_set.pk

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, rule_set: RuleSet) -> str:
        return _url(self.context.get("request"), "rule_set", rule_set.name)


class RuleSetDetailSerializer(RuleSetSerializer):
    """The rule set with every parameter, its value and its source."""

    parameters = serializers.SerializerMethodField()

    class Meta(RuleSetSerializer.Meta):
        fields = [*RuleSetSerializer.Meta.fields, "parameters"]

    @extend_schema_field(ParameterSerializer(many=True))
    def get_parameters(self, rule_set: RuleSet) -> list[dict]:
        return [{"id": key, "value": value.get("value"), "source": value.get("source", ""),
                 "status": value.get("status", ""), "note": value.get("note", "")}
                for key, value in sorted(rule_set.parameters.items())
                if isinstance(value, dict)]
