"""API endpoints of the ledger: upload (validate or apply), poll, apply, files, template,
export. They call the same services as the web pages (receive_upload, then
screening/ledger/actions.py: start_validation, confirm_upload), so the API and the browser
behave alike."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.db import transaction
from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from screening import permissions
from screening.api.common import (
    ERRORS_LIST,
    ERRORS_READ,
    ERRORS_WRITE,
    XLSX_RESPONSE,
    XLSX_TYPE,
    XlsxRenderer,
    error,
)
from screening.api.errors import ApiError
from screening.api.filters import ScopedFilterBackend, UploadFilter
from screening.api.serializers_ledger import (
    ApplySerializer,
    UploadCreateSerializer,
    UploadDetailSerializer,
    UploadSerializer,
)
from screening.ledger.actions import (
    NotTheUploader,
    confirm_upload,
    runs_in_background,
    start_validation,
)
from screening.ledger.filters import ProjectFilter
from screening.ledger.services import UploadRefused, receive_upload
from screening.models import LedgerUpload, Project, RemovalReason, UploadStatus
from screening.screen import NoRuleSetInForce, rule_set_for

RENDERERS = [JSONRenderer, XlsxRenderer]


def visible_upload(user, pk: int) -> LedgerUpload:
    """The upload, or 404 when it does not exist or lies outside the user's regions."""
    try:
        return permissions.get_upload_for_user(user, pk)
    except Http404:
        raise ApiError(404, "not_found", _("Not found.")) from None


def _detail(
    upload: LedgerUpload, request: Request, code: int = 200, headers: dict | None = None
) -> Response:
    upload.refresh_from_db()
    return Response(
        UploadDetailSerializer(upload, context={"request": request}).data,
        status=code,
        headers=headers,
    )


def missing_reasons_for(
    upload: LedgerUpload, given: dict, default: str | None
) -> dict[str, tuple[str, str]]:
    """A reason for every project the preview lists as missing, or 400 naming the others."""
    reasons: dict[str, tuple[str, str]] = {}
    problems = []
    for item in (upload.preview or {}).get("missing", []):
        code = item["code"]
        entry = given.get(code) or ({"reason": default, "note": ""} if default else None)
        if entry is None or entry.get("reason") not in RemovalReason.values:
            problems.append(
                {
                    "field": f"missing_reasons.{code}",
                    "code": "required",
                    "message": _(
                        "Give a reason for project %(code)s, which is missing from the file."
                    )
                    % {"code": code},
                }
            )
            continue
        reasons[code] = (entry["reason"], (entry.get("note") or "")[:500])
    if problems:
        raise ApiError(
            400,
            "missing_reasons",
            _("Choose a reason for every project missing from the file."),
            problems,
        )
    return reasons


def apply_previewed(upload: LedgerUpload, user, reasons: dict) -> bool:
    """Confirm a previewed upload (the service applies a small one now, queues a large one);
    True when queued."""
    try:
        return confirm_upload(upload, user, reasons)
    except NotTheUploader as refusal:
        raise ApiError(403, "forbidden", refusal.message) from None
    except UploadRefused as refusal:
        raise ApiError(409, "refused", refusal.message) from None


@extend_schema(tags=["ledger"])
class UploadList(generics.ListAPIView):
    """Ledger uploads of your regions, newest first (filter by region, status); POST a new one.

    POST (multipart): `file`, `region` (code), `mode` validate|apply, optional `as_of`,
    `scope` full|add_update (full: projects missing from the file leave the ledger;
    add_update: nothing is removed) and `missing_reason`. Small files are validated at once:
    201 with the upload (status invalid with its errors and annotated workbook, or preview;
    with mode=apply, applied). Files over LEDGER_BACKGROUND_BYTES run in the background: 202
    with the upload to poll (Location)."""

    serializer_class = UploadSerializer
    filter_backends = [ScopedFilterBackend]
    filterset_class = UploadFilter
    filterset_takes_user = True
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self):
        return (
            permissions.scoped(LedgerUpload.objects, self.request.user)
            .select_related("region", "uploaded_by")
            .order_by("-created_at", "-id")
        )

    @extend_schema(responses={200: UploadSerializer(many=True), **ERRORS_LIST})
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="ledger_uploads_create",
        request={"multipart/form-data": UploadCreateSerializer},
        responses={
            201: UploadDetailSerializer,
            202: OpenApiResponse(
                UploadDetailSerializer, description="Large file: validating in the background."
            ),
            409: error("The upload could not be applied (see message)."),
            422: error("No rule set is in force on as_of."),
            **ERRORS_WRITE,
        },
    )
    def post(self, request: Request) -> Response:
        user = request.user
        if not permissions.keeps_ledgers(user):
            raise ApiError(403, "forbidden", _("Only agency uploaders keep ledgers."))
        body = UploadCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        region = {r.code: r for r in permissions.uploadable_regions(user)}.get(data["region"])
        if region is None:
            raise ApiError(
                400,
                "invalid",
                _("The request is not valid."),
                [
                    {
                        "field": "region",
                        "code": "invalid",
                        "message": _("Unknown region, or not one whose ledger you keep."),
                    }
                ],
            )
        file = data["file"]
        if file.size == 0:
            raise ApiError(
                400,
                "invalid",
                _("The file is empty."),
                [{"field": "file", "code": "empty", "message": _("The file is empty.")}],
            )
        try:
            rule_set_for(data.get("as_of") or timezone.localdate())
            upload = receive_upload(
                user,
                region,
                file,
                file.name or "ledger.xlsx",
                data.get("as_of"),
                scope=data["scope"],
            )
        except UploadRefused as refusal:
            raise ApiError(400, "refused", refusal.message) from None
        except NoRuleSetInForce as refusal:
            raise ApiError(422, "no_rule_set", refusal.user_message()) from None
        location = {"Location": request.build_absolute_uri(reverse("api:upload", args=[upload.pk]))}
        apply = data["mode"] == "apply"
        default = data.get("missing_reason")
        if runs_in_background(upload):
            if apply:
                from screening.api.tasks import validate_then_apply_task

                transaction.on_commit(
                    lambda: validate_then_apply_task.delay(upload.pk, default or "")
                )
            else:
                start_validation(upload)
            return _detail(upload, request, status.HTTP_202_ACCEPTED, location)
        start_validation(upload)
        upload.refresh_from_db()
        if apply and upload.status == UploadStatus.PREVIEW:
            reasons = missing_reasons_for(upload, {}, default)
            apply_previewed(upload, user, reasons)
        return _detail(upload, request, status.HTTP_201_CREATED, location)


class UploadDetail(APIView):
    """One upload: status and progress (poll this while `in_progress`), the error list in your
    language, the preview (new, changed field by field, unchanged, missing) and links to the
    original and the annotated workbook."""

    @extend_schema(
        operation_id="ledger_upload",
        tags=["ledger"],
        responses={200: UploadDetailSerializer, **ERRORS_READ},
    )
    def get(self, request: Request, pk: int) -> Response:
        return _detail(visible_upload(request.user, pk), request)


class UploadApply(APIView):
    """Confirm a previewed upload: apply it to the ledger, all or nothing.

    Every project of the region's ledger missing from the file needs a reason
    (`missing_reasons` by code, or one `missing_reason` for all). Only the uploader may apply.
    200 when applied; 202 when a large upload was queued (poll the upload)."""

    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @extend_schema(
        operation_id="ledger_upload_apply",
        tags=["ledger"],
        request=ApplySerializer,
        responses={
            200: UploadDetailSerializer,
            202: UploadDetailSerializer,
            409: error("Not in preview, already applied, or the ledger changed since the preview."),
            **ERRORS_WRITE,
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        upload = visible_upload(request.user, pk)
        body = ApplySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if not permissions.may_confirm_upload(upload, request.user):
            raise ApiError(
                403, "forbidden", _("Only the person who uploaded the file can confirm it.")
            )
        if upload.status != UploadStatus.PREVIEW:
            raise ApiError(
                409,
                "refused",
                _("This upload cannot be applied now (status: %(status)s).")
                % {"status": upload.get_status_display()},
            )
        reasons = missing_reasons_for(
            upload,
            body.validated_data.get("missing_reasons", {}),
            body.validated_data.get("missing_reason"),
        )
        queued = apply_previewed(upload, request.user, reasons)
        return _detail(upload, request, status.HTTP_202_ACCEPTED if queued else 200)


def _file_response(upload: LedgerUpload, annotated: bool) -> FileResponse:
    stored = upload.annotated_file if annotated else upload.file
    if not stored:
        raise ApiError(404, "not_found", _("Not found."))
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise ApiError(404, "not_found", _("Not found.")) from None
    name = upload.original_name.rsplit(".", 1)[0]
    filename = f"{name}-{_('errors')}.xlsx" if annotated else upload.original_name
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_TYPE)


class UploadOriginalFile(APIView):
    """The uploaded workbook as it was received."""

    renderer_classes = RENDERERS

    @extend_schema(
        operation_id="ledger_upload_original",
        tags=["ledger"],
        responses={(200, XLSX_TYPE): XLSX_RESPONSE, **ERRORS_READ},
    )
    def get(self, request: Request, pk: int) -> FileResponse:
        return _file_response(visible_upload(request.user, pk), annotated=False)


class UploadAnnotatedFile(APIView):
    """The uploaded workbook annotated: bad cells red with a comment, plus an error sheet
    (only for uploads with errors)."""

    renderer_classes = RENDERERS

    @extend_schema(
        operation_id="ledger_upload_annotated",
        tags=["ledger"],
        responses={(200, XLSX_TYPE): XLSX_RESPONSE, **ERRORS_READ},
    )
    def get(self, request: Request, pk: int) -> FileResponse:
        return _file_response(visible_upload(request.user, pk), annotated=True)


def _temporary_xlsx(write) -> object:
    """Run `write(path)` into a temporary file and hand back an open handle to its bytes."""
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as out:
        write(Path(out.name))
        handle.write(Path(out.name).read_bytes())
    handle.seek(0)
    return handle


class LedgerTemplate(APIView):
    """The blank ledger template (.xlsx) of the rule set in force today."""

    renderer_classes = RENDERERS

    @extend_schema(
        operation_id="ledger_template",
        tags=["ledger"],
        responses={
            (200, XLSX_TYPE): XLSX_RESPONSE,
            422: error("No rule set is in force today."),
            **ERRORS_READ,
        },
    )
    def get(self, request: Request) -> FileResponse:
        from screening.ledger.export import write_template

        try:
            rule_set = rule_set_for(timezone.localdate())
        except NoRuleSetInForce as refusal:
            raise ApiError(422, "no_rule_set", refusal.user_message()) from None
        handle = _temporary_xlsx(lambda path: write_template(path, rule_set))
        return FileResponse(
            handle,
            as_attachment=True,
            filename=f"两高项目台账模板-{rule_set.name}.xlsx",
            content_type=XLSX_TYPE,
        )


class LedgerExport(APIView):
    """Your regions' projects as a ledger workbook in the template's column order, with the
    project list's filters."""

    renderer_classes = RENDERERS
    filter_backends = [ScopedFilterBackend]
    filterset_class = ProjectFilter
    filterset_takes_user = True

    @extend_schema(
        operation_id="ledger_export",
        tags=["ledger"],
        responses={(200, XLSX_TYPE): XLSX_RESPONSE, **ERRORS_LIST},
    )
    def get(self, request: Request) -> FileResponse:
        from screening.ledger.export import export_ledger

        queryset = permissions.scoped(Project.objects, request.user)
        for backend in self.filter_backends:
            queryset = backend().filter_queryset(request, queryset, self)
        handle = _temporary_xlsx(lambda path: export_ledger(None, path, queryset=queryset))
        stamp = timezone.localdate().strftime("%Y%m%d")
        return FileResponse(
            handle,
            as_attachment=True,
            filename=f"两高项目台账-{stamp}.xlsx",
            content_type=XLSX_TYPE,
        )
