"""Pieces shared by the API views: the .xlsx renderer and the documented error responses."""

from __future__ import annotations

import json

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework.renderers import BaseRenderer

from screening.api.serializers_base import ErrorSerializer

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class XlsxRenderer(BaseRenderer):
    """Lets clients ask for .xlsx downloads by Accept; errors are still JSON."""

    media_type = XLSX_TYPE
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if isinstance(data, bytes):
            return data
        return json.dumps(data, ensure_ascii=False, default=str).encode("utf-8")


def error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


ERRORS_READ = {
    401: error("Not signed in / invalid or revoked token."),
    404: error("Does not exist or is outside your regions."),
    429: error("Rate limit of the token reached."),
}
ERRORS_LIST = {400: error("A filter value is not valid."), **ERRORS_READ}
ERRORS_WRITE = {
    400: error("Invalid input."),
    403: error("Not allowed for your role."),
    **ERRORS_READ,
}
XLSX_RESPONSE = OpenApiResponse(OpenApiTypes.BINARY, description="An .xlsx workbook.")
