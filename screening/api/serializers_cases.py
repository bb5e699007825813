"""What the API returns and accepts for review cases: cases, attachments, events, the energy
headroom a decision reads, opening a case and taking a transition."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from screening.api.serializers_base import FindingSerializer, ModelSerializer, _codes, _url
from screening.cases.services import SERVICES
from screening.ids import MAX_ID
from screening.models import (
    CaseAttachment,
    CaseEvent,
    CaseState,
    EvaluationKind,
    ReviewCase,
)
from screening.rules.types import Disposition, Stage, Verdict

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
        fields = [
            "id",
            "url",
            "project",
            "project_code",
            "project_name",
            "region",
            "cycle",
            "state",
            "state_label",
            "verdict",
            "disposition",
            "due_date",
            "overdue",
            "opened_at",
            "submitted_at",
            "updated_at",
        ]

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
        return _url(self.context.get("request"), "case_file", attachment.case_id, attachment.pk)


class EventSerializer(ModelSerializer):
    """One step of the case's timeline."""

    actor = serializers.CharField(source="actor.username")
    attachments = AttachmentSerializer(many=True)

    class Meta:
        model = CaseEvent
        fields = [
            "id",
            "transition",
            "actor",
            "at",
            "from_state",
            "to_state",
            "comment",
            "data",
            "attachments",
        ]


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
    headroom_before_tce = serializers.DecimalField(max_digits=18, decimal_places=4, allow_null=True)
    new_energy_tce = serializers.DecimalField(max_digits=18, decimal_places=4, allow_null=True)
    headroom_after_tce = serializers.DecimalField(max_digits=18, decimal_places=4, allow_null=True)
    exceeds = serializers.BooleanField()


def energy_headroom_data(impact, user) -> dict:
    """The API's form of `warnings.budget_impact`: the same terms the case page shows, the
    approved projects outside the user's regions counted but not named."""
    from screening import permissions
    from screening.rules.headroom import committed_in_view

    h = impact.headroom
    view = committed_in_view(h, set(permissions.scope_region_ids(user)))
    return {
        "region": impact.region.code if impact.region else None,
        "year": h.year,
        "budget_known": h.budget_known,
        "annual_budget_tce": h.annual_budget_tce,
        "months_reported": h.months_reported,
        "used_to_date_tce": h.used_to_date_tce,
        "projected_use_tce": h.projected_use_tce,
        "committed": view.shown,
        "committed_elsewhere_count": view.hidden_count,
        "committed_tce": h.committed_tce,
        "headroom_before_tce": h.headroom_before_tce,
        "new_energy_tce": h.new_energy_tce,
        "headroom_after_tce": h.headroom_after_tce,
        "exceeds": h.exceeds,
    }


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
        fields = [
            *CaseSerializer.Meta.fields,
            "rule_set",
            "screened_as_of",
            "in_scope",
            "findings",
            "evaluation_kind",
            "ordered_disposition",
            "rectification_deadline",
            "decided_at",
            "timeline",
            "available_transitions",
            "blocked_transitions",
            "energy_headroom",
        ]

    @extend_schema_field(EnergyHeadroomSerializer(allow_null=True))
    def get_energy_headroom(self, case: ReviewCase) -> dict | None:
        """For a planned (拟建) project: what approving it does to the region's headroom."""
        from screening.early_warning.budgets import budget_impact

        if case.project.stage != Stage.PLANNED:
            return None
        impact = budget_impact(case.project)
        return EnergyHeadroomSerializer(
            energy_headroom_data(impact, self.context["request"].user)
        ).data

    @extend_schema_field(EventSerializer(many=True))
    def get_timeline(self, case: ReviewCase) -> list[dict]:
        events = (
            CaseEvent.objects.filter(case=case)
            .select_related("actor")
            .prefetch_related("attachments")
            .order_by("at", "id")
        )
        return EventSerializer(events, many=True, context=self.context).data

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_available_transitions(self, case: ReviewCase) -> list[str]:
        from screening.cases.services import available_transitions

        return available_transitions(case, self.context["request"].user)

    @extend_schema_field(BlockedSerializer(many=True))
    def get_blocked_transitions(self, case: ReviewCase) -> list[dict]:
        from screening.cases.services import blocked_transitions

        return [
            {"name": name, "reason": str(reason)}
            for name, reason in blocked_transitions(case, self.context["request"].user)
        ]


class CaseOpenSerializer(serializers.Serializer):
    project = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="Id of a project of your ledger."
    )


class TransitionInputSerializer(serializers.Serializer):
    """Input of a transition (JSON, or multipart when files are attached). Which fields a
    transition needs is SPEC §5's table: withdraw/reject/close `reason`; return_for_info and
    reject_rectification `comment`; forward `opinion`; request_evaluation `kind` and `scope`;
    complete_evaluation `result` and files; order_rectification `disposition` and `deadline`;
    submit_rectification files."""

    expected_state = serializers.ChoiceField(
        choices=CaseState.choices,
        required=False,
        help_text="The state you saw; a case changed meanwhile is refused with 409.",
    )
    comment = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    opinion = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    kind = serializers.ChoiceField(choices=EvaluationKind.choices, required=False)
    scope = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    result = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    disposition = serializers.ChoiceField(
        choices=[d.value for d in Disposition if d is not Disposition.NONE], required=False
    )
    deadline = serializers.DateField(
        required=False, allow_null=True, help_text="After today, within two years."
    )
    files = serializers.ListField(
        child=serializers.FileField(), required=False, help_text="Evidence files (multipart only)."
    )


TRANSITION_NAMES = sorted(SERVICES)
