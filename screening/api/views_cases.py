"""API endpoints of the review workflow: list, open, detail with timeline, transitions, files.

Transitions run through the same forms (input rules) and services (state, permission, guards,
audit) as the case page.

Status codes of a refused transition (TransitionRefused.code): forbidden → 403, invalid → 400,
guard → 422, not_allowed (the state does not allow it) → 409, conflict (the case changed
meanwhile, or `expected_state` is stale) → 409.
"""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from screening import permissions
from screening.api.common import ERRORS_LIST, ERRORS_READ, ERRORS_WRITE, error
from screening.api.errors import ApiError, form_errors
from screening.api.filters import CaseFilter, ScopedFilterBackend
from screening.api.serializers_cases import (
    TRANSITION_NAMES,
    CaseDetailSerializer,
    CaseOpenSerializer,
    CaseSerializer,
    TransitionInputSerializer,
)
from screening.cases import services as workflow
from screening.cases.forms import form_for
from screening.cases.refusals import TransitionRefused
from screening.models import CaseAttachment, Project, ReviewCase

STATUS_OF_REFUSAL = {
    "forbidden": 403,
    "invalid": 400,
    "guard": 422,
    "not_allowed": 409,
    "conflict": 409,
}


def refusal_error(refusal: TransitionRefused) -> ApiError:
    return ApiError(STATUS_OF_REFUSAL.get(refusal.code, 400), refusal.code, str(refusal.reason))


def _case(user, pk: int) -> ReviewCase:
    """The case, or 404 when it does not exist or lies outside the user's regions."""
    try:
        return permissions.get_case_for_user(user, pk)
    except Http404:
        raise ApiError(404, "not_found", _("Not found.")) from None


def _detail(case: ReviewCase, request: Request, code: int = 200) -> Response:
    case = permissions.get_case_for_user(request.user, case.pk)
    return Response(CaseDetailSerializer(case, context={"request": request}).data, status=code)


@extend_schema(tags=["cases"])
class CaseList(generics.ListAPIView):
    """Review cases of your regions (filters: region, state, sector, verdict, disposition,
    overdue, waiting=true for the cases waiting for you, project); POST opens a case."""

    serializer_class = CaseSerializer
    filter_backends = [ScopedFilterBackend]
    filterset_class = CaseFilter
    filterset_takes_user = True
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def get_queryset(self):
        return (
            permissions.cases_visible_to(self.request.user)
            .select_related("project", "region")
            .order_by("-updated_at", "-id")
        )

    @extend_schema(responses={200: CaseSerializer(many=True), **ERRORS_LIST})
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="cases_open",
        request=CaseOpenSerializer,
        responses={
            201: CaseDetailSerializer,
            409: error("The project already has an open case."),
            422: error("The project has left the ledger."),
            **ERRORS_WRITE,
        },
    )
    def post(self, request: Request) -> Response:
        body = CaseOpenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        project = (
            permissions.scoped(Project.objects, request.user)
            .select_related("region")
            .filter(pk=body.validated_data["project"])
            .first()
        )
        if project is None:
            raise ApiError(
                400,
                "invalid",
                _("The request is not valid."),
                [
                    {
                        "field": "project",
                        "code": "not_found",
                        "message": _("Unknown project, or not one of your regions."),
                    }
                ],
            )
        try:
            case = workflow.open_case(project, acting_user=request.user)
        except TransitionRefused as refusal:
            raise refusal_error(refusal) from None
        return _detail(case, request, status.HTTP_201_CREATED)


class CaseDetail(APIView):
    """One case: its frozen screening and findings, the timeline (every step with who, when,
    from, to, comment, attachments), and the transitions you may take now."""

    @extend_schema(
        operation_id="case", tags=["cases"], responses={200: CaseDetailSerializer, **ERRORS_READ}
    )
    def get(self, request: Request, pk: int) -> Response:
        return _detail(_case(request.user, pk), request)


def _form_input(
    request: Request, body: TransitionInputSerializer, case: ReviewCase
) -> tuple[dict, MultiValueDict]:
    """The checked input as the case page's form receives it."""
    data: dict[str, str] = {}
    for key, value in body.validated_data.items():
        if key == "files" or value is None:
            continue
        data[key] = value.isoformat() if hasattr(value, "isoformat") else str(value)
    data.setdefault("expected_state", case.state)
    files = MultiValueDict({"files": list(body.validated_data.get("files") or [])})
    return data, files


class CaseTransition(APIView):
    """Take one transition (SPEC §5) through the same service and guards as the case page.

    JSON, or multipart with `files`. Send `expected_state` (the state you saw) to be refused
    with 409 if someone moved the case meanwhile. Refusals: 400 invalid input, 403 not your
    action, 409 the state does not allow it or the case changed, 422 a guard of SPEC §5 is not
    met (e.g. approve of a case that is not COMPLIANT, or in a restricted region)."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        operation_id="case_transition",
        tags=["cases"],
        request=TransitionInputSerializer,
        parameters=[
            OpenApiParameter("name", OpenApiTypes.STR, OpenApiParameter.PATH, enum=TRANSITION_NAMES)
        ],
        responses={
            200: CaseDetailSerializer,
            409: error("The state does not allow it, or the case changed meanwhile."),
            422: error("A guard refuses (SPEC §5)."),
            **ERRORS_WRITE,
        },
    )
    def post(self, request: Request, pk: int, name: str) -> Response:
        if name not in workflow.SERVICES:
            raise ApiError(404, "not_found", _("Not found."))
        case = _case(request.user, pk)
        body = TransitionInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data, files = _form_input(request, body, case)
        form = form_for(name, case, data, files)
        if not form.is_valid():
            raise ApiError(400, "invalid", _("The request is not valid."), form_errors(form))
        kwargs = form.service_kwargs()
        if "expected_state" not in body.validated_data:
            kwargs["expected_state"] = None
        try:
            workflow.SERVICES[name](case, acting_user=request.user, **kwargs)
        except TransitionRefused as refusal:
            raise refusal_error(refusal) from None
        return _detail(case, request)


class CaseFile(APIView):
    """An evidence file of a case you may see."""

    renderer_classes = [JSONRenderer]

    @extend_schema(
        operation_id="case_file",
        tags=["cases"],
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The file as uploaded."
            ),
            **ERRORS_READ,
        },
    )
    def get(self, request: Request, pk: int, file_id: int) -> FileResponse:
        case = _case(request.user, pk)
        attachment = CaseAttachment.objects.filter(pk=file_id, case=case).first()
        if attachment is None:
            raise ApiError(404, "not_found", _("Not found."))
        try:
            handle = attachment.file.open("rb")
        except FileNotFoundError:
            raise ApiError(404, "not_found", _("Not found.")) from None
        return FileResponse(
            handle,
            as_attachment=True,
            filename=attachment.original_name,
            content_type=attachment.content_type,
        )
