"""Pieces every API serializer shares: links, messages in the request's language, codes of a
choice, findings, errors and region references."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from screening.ledger.services import lang


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
    return serializers.ChoiceField(
        choices=[m.value for m in enum_cls if m not in exclude],
        allow_blank=True,
        allow_null=True,
        read_only=True,
    )


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
