"""What the API returns about the user, projects and their screening, and what it accepts to
screen one payload."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from screening.api.serializers_base import (
    FindingSerializer,
    ModelSerializer,
    RegionRefSerializer,
    _codes,
    _url,
)
from screening.api.serializers_ledger import _as_of_in_window
from screening.models import (
    Project,
)
from screening.rules.types import ConstructionType, Disposition, Sector, Stage, TechClass, Verdict

# --- Me -------------------------------------------------------------------------------------


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField()
    role = serializers.CharField()
    role_label = serializers.CharField()
    regions = RegionRefSerializer(many=True)
    upload_regions = serializers.ListField(
        child=serializers.CharField(), help_text="Region codes the user may upload for."
    )
    token = serializers.DictField(
        allow_null=True, help_text="The token used for this request, if any."
    )


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
        fields = [
            "id",
            "url",
            "project_code",
            "name",
            "enterprise",
            "region",
            "region_name",
            "sector",
            "product",
            "construction_type",
            "stage",
            "annual_energy_tce",
            "status",
            "in_scope",
            "verdict",
            "disposition",
            "screened_rule_set",
            "screened_as_of",
            "updated_at",
        ]

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
        fields = [
            *ProjectSerializer.Meta.fields,
            "uscc",
            "new_energy_tce",
            "coal_tonnes",
            "new_capacity",
            "capacity_unit",
            "replaced_capacity",
            "replacement_plan_ref",
            "unit_energy",
            "unit_energy_unit",
            "tech_class",
            "energy_review_ref",
            "energy_review_date",
            "eia_ref",
            "eia_date",
            "approval_ref",
            "policy_fit",
            "pollutant_control",
            "coal_substitution",
            "pollutant_reduction",
            "energy_rights_tce",
            "livelihood",
            "last_energy_diagnosis",
            "last_cleaner_production",
            "start_date",
            "operation_date",
            "investment",
            "remarks",
            "removal_reason",
            "removal_note",
            "created_at",
            "screening",
            "cases",
        ]

    @extend_schema_field(ScreeningSerializer)
    def get_screening(self, project: Project) -> dict:
        return ScreeningSerializer(
            {
                "rule_set": project.screened_rule_set,
                "as_of": project.screened_as_of,
                "in_scope": project.in_scope,
                "verdict": project.verdict,
                "disposition": project.disposition,
                "findings": project.findings,
            }
        ).data

    @extend_schema_field(CaseRefSerializer(many=True))
    def get_cases(self, project: Project) -> list[dict]:
        request = self.context.get("request")
        return [
            {"id": c.pk, "cycle": c.cycle, "state": c.state, "url": _url(request, "case", c.pk)}
            for c in project.cases.order_by("cycle")
        ]


# --- Screening one payload ------------------------------------------------------------------


class ScreenRequestSerializer(serializers.Serializer):
    project = serializers.DictField(
        help_text="One ledger row: {template header or field key: value}; strings are text "
        "cells, numbers numeric cells, null blank."
    )
    as_of = serializers.DateField(
        required=False, help_text="Screening date (default today).", validators=[_as_of_in_window]
    )
    rule_set = serializers.CharField(
        required=False,
        max_length=64,
        help_text="A rule set by name (default: the one in force on as_of).",
    )


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
