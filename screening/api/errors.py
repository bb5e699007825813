"""One error shape for every API response that is not a success:

    {"error": {"code": "...", "message": "...", "details": [...]}}

`message` is in the request's language (Accept-Language: zh-hans or en); `details` lists
field problems ({"field", "code", "message"}), cell errors or other specifics.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views import csrf, defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

# DRF's own codes, renamed where ours read better.
_CODES = {
    "permission_denied": "forbidden",
    "not_found": "not_found",
    "not_authenticated": "not_authenticated",
    "authentication_failed": "authentication_failed",
    "method_not_allowed": "method_not_allowed",
    "not_acceptable": "not_acceptable",
    "unsupported_media_type": "unsupported_media_type",
    "throttled": "throttled",
    "parse_error": "parse_error",
}


class ApiError(exceptions.APIException):
    """An API refusal with its own code, message and details (rendered in the error shape)."""

    def __init__(
        self, status_code: int, code: str, message: str, details: list | None = None
    ) -> None:
        super().__init__(detail=message, code=code)
        self.status_code = status_code
        self.error_code = code
        self.message = message
        self.details = details or []


def payload(code: str, message: str, details: list | None = None) -> dict:
    return {"error": {"code": code, "message": str(message), "details": details or []}}


def flatten(detail: Any, field: str = "") -> list[dict]:
    """DRF validation detail (nested dicts and lists) as a flat list of field problems."""
    if isinstance(detail, dict):
        items: list[dict] = []
        for key, value in detail.items():
            name = str(key) if key != "non_field_errors" else ""
            items.extend(flatten(value, f"{field}.{name}" if field and name else field or name))
        return items
    if isinstance(detail, list):
        items = []
        for index, value in enumerate(detail):
            if isinstance(value, dict | list):
                items.extend(flatten(value, f"{field}[{index}]" if field else str(index)))
            else:
                items.extend(flatten(value, field))
        return items
    code = getattr(detail, "code", None) or "invalid"
    return [{"field": field, "code": str(code), "message": str(detail)}]


def form_errors(form) -> list[dict]:
    """A Django form's errors as field problems."""
    return [
        {
            "field": "" if name == "__all__" else name,
            "code": error.get("code") or "invalid",
            "message": error["message"],
        }
        for name, errors in form.errors.get_json_data().items()
        for error in errors
    ]


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's handler, with every error in the one shape. Unknown exceptions stay 500s."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, ApiError):
        response.data = payload(exc.error_code, exc.message, exc.details)
    elif isinstance(exc, exceptions.ValidationError):
        response.data = payload("invalid", _("The request is not valid."), flatten(exc.detail))
    elif isinstance(exc, exceptions.Throttled):
        response.data = payload(
            "throttled", str(exc.detail), [{"wait_seconds": int(exc.wait or 0)}]
        )
    else:
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        code = code if isinstance(code, str) else "error"
        response.data = payload(_CODES.get(code, code), str(getattr(exc, "detail", "")))
    return response


def not_found(request: HttpRequest, *args, **kwargs) -> JsonResponse:
    """Any /api/ address that matches no endpoint."""
    return JsonResponse(
        payload("not_found", exceptions.NotFound.default_detail),
        status=status.HTTP_404_NOT_FOUND,
        json_dumps_params={"ensure_ascii": False},
    )


# --- Errors Django answers before (or instead of) an API view ---------------------------------
# config/urls.py names these as its handler400/403/404/500 and settings.CSRF_FAILURE_VIEW: under
# /api/ they answer in the error shape, everywhere else with the site's pages.


def is_api_request(request: HttpRequest) -> bool:
    return request.path_info == "/api" or request.path_info.startswith("/api/")


def error_response(code: str, message: str, status_code: int) -> JsonResponse:
    return JsonResponse(
        payload(code, message), status=status_code, json_dumps_params={"ensure_ascii": False}
    )


def bad_request(request: HttpRequest, exception: Exception | None = None):
    """Too many files or fields, a malformed body or host: refused before any view ran."""
    if not is_api_request(request):
        return defaults.bad_request(request, exception)
    return error_response(
        "bad_request",
        _("The request could not be read: too many files or fields, or a malformed body."),
        400,
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None):
    if not is_api_request(request):
        return defaults.permission_denied(request, exception)
    return error_response("forbidden", exceptions.PermissionDenied.default_detail, 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None):
    if not is_api_request(request):
        return defaults.page_not_found(request, exception)
    return error_response("not_found", exceptions.NotFound.default_detail, 404)


def server_error(request: HttpRequest):
    if not is_api_request(request):
        return defaults.server_error(request)
    return error_response(
        "server_error", _("An unexpected error occurred on the server; it has been logged."), 500
    )


def csrf_failure(request: HttpRequest, reason: str = ""):
    """A signed-in browser session posted without the CSRF token."""
    if not is_api_request(request):
        return csrf.csrf_failure(request, reason)
    return error_response(
        "csrf_failed",
        _("CSRF check failed: send the CSRF token with a browser session, or use an API token."),
        403,
    )
