"""What the API returns and accepts for ledger uploads."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from screening import date_limits
from screening.api.serializers_base import ModelSerializer, _message, _url
from screening.models import (
    LedgerUpload,
    RemovalReason,
    UploadScope,
    UploadStatus,
)

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
        fields = [
            "id",
            "region",
            "original_name",
            "size",
            "sha256",
            "uploaded_by",
            "created_at",
            "as_of",
            "scope",
            "status",
            "status_label",
            "in_progress",
            "progress",
            "message",
            "sheet_name",
            "data_rows",
            "error_count",
            "applied_at",
            "links",
        ]

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_in_progress(self, upload: LedgerUpload) -> bool:
        return upload.status in (
            UploadStatus.RECEIVED,
            UploadStatus.VALIDATING,
            UploadStatus.APPLYING,
        ) or (upload.status == UploadStatus.PREVIEW and upload.apply_requested_at is not None)

    @extend_schema_field(UploadLinksSerializer)
    def get_links(self, upload: LedgerUpload) -> dict:
        request = self.context.get("request")
        return {
            "self": _url(request, "upload", upload.pk),
            "original_file": _url(request, "upload_original", upload.pk),
            "annotated_file": (
                _url(request, "upload_annotated", upload.pk) if upload.annotated_file else None
            ),
            "apply": (
                _url(request, "upload_apply", upload.pk)
                if upload.status == UploadStatus.PREVIEW
                else None
            ),
        }


class UploadDetailSerializer(UploadSerializer):
    """The upload with its errors (in the request's language), preview and summary."""

    errors = serializers.SerializerMethodField()
    errors_shown = serializers.SerializerMethodField()
    hints = serializers.SerializerMethodField()

    class Meta(UploadSerializer.Meta):
        fields = [
            *UploadSerializer.Meta.fields,
            "errors",
            "errors_shown",
            "hints",
            "ignored_columns",
            "preview",
            "summary",
        ]

    @extend_schema_field(CellErrorSerializer(many=True))
    def get_errors(self, upload: LedgerUpload) -> list[dict]:
        return [
            {
                "row": e.get("row"),
                "column": e.get("column", ""),
                "value": e.get("value", ""),
                "message": _message(e),
            }
            for e in upload.errors
        ]

    @extend_schema_field(OpenApiTypes.INT)
    def get_errors_shown(self, upload: LedgerUpload) -> int:
        return len(upload.errors)

    @extend_schema_field(UploadHintSerializer(many=True))
    def get_hints(self, upload: LedgerUpload) -> list[dict]:
        """What to fix first, beside `errors` (never instead of them): headers under a title
        row, 合计 rows."""
        return [
            {"kind": h.get("kind", ""), "row": h.get("row"), "message": _message(h)}
            for h in upload.hints
        ]


def _as_of_in_window(value: date) -> None:
    problem = date_limits.as_of_problem(value, timezone.localdate())
    if problem:
        raise serializers.ValidationError(problem)


class UploadCreateSerializer(serializers.Serializer):
    """Multipart: the .xlsx file, the region it is the ledger of, and what to do."""

    file = serializers.FileField(help_text="The ledger workbook (.xlsx).")
    region = serializers.CharField(max_length=6, help_text="6-digit code of the region.")
    mode = serializers.ChoiceField(
        choices=["validate", "apply"],
        default="validate",
        help_text="validate: check and preview only; apply: apply at once when the file is valid.",
    )
    as_of = serializers.DateField(
        required=False, help_text="Screening date (default today).", validators=[_as_of_in_window]
    )
    scope = serializers.ChoiceField(
        choices=UploadScope.choices,
        default=UploadScope.FULL,
        help_text="full: the file is the region's whole ledger (projects missing from it leave "
        "the ledger, each with a reason); add_update: rows are created or updated, "
        "nothing is removed.",
    )
    missing_reason = serializers.ChoiceField(
        choices=RemovalReason.choices,
        required=False,
        help_text="With mode=apply: reason for every project missing from the file.",
    )


class MissingReasonSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=RemovalReason.choices)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ApplySerializer(serializers.Serializer):
    """Reasons for the projects of the region's ledger that the file no longer lists."""

    missing_reasons = serializers.DictField(
        child=MissingReasonSerializer(),
        required=False,
        default=dict,
        help_text="{project code: {reason, note}}",
    )
    missing_reason = serializers.ChoiceField(
        choices=RemovalReason.choices,
        required=False,
        help_text="Reason for every missing project not listed in missing_reasons.",
    )
