"""Two guards on every request: the Content Security Policy and the request size limit.

Content Security Policy: every response says scripts and styles come from this site only.

No page has inline script or style (templates/static holds them). The API's interactive
documentation (Swagger UI, Redoc, served from drf-spectacular-sidecar) runs from our own
templates without inline script too; those libraries set styles from script and Redoc uses a
blob: worker, so their pages get CONTENT_SECURITY_POLICY_EXCEPTIONS for styles and workers
only, still with no other origin allowed.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _


def _header(directives: dict[str, str]) -> str:
    return "; ".join(f"{name} {value}".strip() for name, value in directives.items())


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.default = _header(settings.CONTENT_SECURITY_POLICY)
        self.exceptions = [
            (prefix, _header({**settings.CONTENT_SECURITY_POLICY, **extra}))
            for prefix, extra in settings.CONTENT_SECURITY_POLICY_EXCEPTIONS.items()
        ]

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            policy = self.default
            for prefix, relaxed in self.exceptions:
                if request.path.startswith(prefix):
                    policy = relaxed
            response["Content-Security-Policy"] = policy
        return response


class RequestSizeLimitMiddleware:
    """Refuse a request whose declared body is larger than the largest allowed upload before
    any of it is read (Django would otherwise spool a file of any size to disk first)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.LEDGER_MAX_FILE_BYTES + settings.REQUEST_BODY_MARGIN_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            message = _("The request is too large: files may be at most %(mb)d MB.") % {
                "mb": settings.LEDGER_MAX_FILE_BYTES // 1_000_000
            }
            from screening.api.errors import error_response, is_api_request

            if is_api_request(request):
                return error_response("too_large", message, 413)
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
