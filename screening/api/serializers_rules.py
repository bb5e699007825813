"""What the API returns about the barometer's months and the rule sets."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from screening.api.serializers_base import ModelSerializer, _url
from screening.models import (
    IndicatorMonth,
    RuleSet,
)

# --- Barometer and rule sets ----------------------------------------------------------------


class IndicatorMonthSerializer(ModelSerializer):
    """One region-month of the published barometer (能耗双控晴雨表)."""

    region = serializers.CharField(source="region.code")
    region_name = serializers.CharField(source="region.name")
    period = serializers.SerializerMethodField()
    rule_set = serializers.CharField(source="rule_set.name", allow_null=True, default=None)

    class Meta:
        model = IndicatorMonth
        fields = [
            "region",
            "region_name",
            "year",
            "month",
            "period",
            "intensity_change_pct",
            "intensity_target_pct",
            "energy_total_tce",
            "energy_budget_tce",
            "coal_tonnes",
            "coal_cap_tonnes",
            "intensity_tier",
            "energy_tier",
            "coal_tier",
            "tier",
            "rule_set",
            "published_at",
        ]

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
        return [
            {
                "id": key,
                "value": value.get("value"),
                "source": value.get("source", ""),
                "status": value.get("status", ""),
                "note": value.get("note", ""),
            }
            for key, value in sorted(rule_set.parameters.items())
            if isinstance(value, dict)
        ]
