"""API endpoints of decision documents: a case's documents and the .docx of one (issue 18)."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from screening import permissions
from screening.api.common import ERRORS_READ
from screening.api.errors import ApiError
from screening.documents.services import DOCX_TYPE
from screening.models import DecisionDocument


class DocumentSerializer(serializers.ModelSerializer):
    """One version of a decision document."""

    kind_label = serializers.CharField(source="get_kind_display")
    event = serializers.IntegerField(source="event_id", allow_null=True)
    previous = serializers.IntegerField(source="previous_id", allow_null=True)
    current = serializers.SerializerMethodField()
    blanks = serializers.SerializerMethodField()
    file = serializers.SerializerMethodField()

    class Meta:
        model = DecisionDocument
        fields = [
            "id",
            "kind",
            "kind_label",
            "number",
            "version",
            "title",
            "event",
            "previous",
            "current",
            "correction_reason",
            "issued_at",
            "blanks",
            "file",
        ]

    def get_current(self, document: DecisionDocument) -> bool:
        return document.is_current

    def get_blanks(self, document: DecisionDocument) -> list[str]:
        from screening.documents.document import Document

        return Document.from_dict(document.content).blanks

    def get_file(self, document: DecisionDocument) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("api:document_file", args=[document.pk])
        )


def _case(user, pk: int):
    try:
        return permissions.get_case_for_user(user, pk)
    except Http404:
        raise ApiError(404, "not_found", _("Not found.")) from None


@extend_schema(tags=["cases"])
class CaseDocumentList(APIView):
    """The decision documents of a case (every version, oldest first); blanks lists what the
    officer still has to fill in."""

    @extend_schema(
        operation_id="case_documents", responses={200: DocumentSerializer(many=True), **ERRORS_READ}
    )
    def get(self, request: Request, pk: int) -> Response:
        case = _case(request.user, pk)
        documents = case.documents.select_related("correction").order_by("issued_at", "id")
        return Response(DocumentSerializer(documents, many=True, context={"request": request}).data)


@extend_schema(tags=["cases"])
class DocumentFile(APIView):
    """The .docx of one decision document version you may see."""

    renderer_classes = [JSONRenderer]

    @extend_schema(
        operation_id="document_file",
        responses={
            (200, DOCX_TYPE): OpenApiResponse(
                OpenApiTypes.BINARY, description="The document as issued."
            ),
            **ERRORS_READ,
        },
    )
    def get(self, request: Request, pk: int) -> FileResponse:
        try:
            document = permissions.get_document_for_user(request.user, pk)
            handle = document.file.open("rb")
        except (Http404, FileNotFoundError):
            raise ApiError(404, "not_found", _("Not found.")) from None
        return FileResponse(
            handle, as_attachment=True, filename=document.download_name, content_type=DOCX_TYPE
        )
