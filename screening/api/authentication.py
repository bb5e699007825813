"""Personal API tokens: created and revoked on the profile page, shown once, kept hashed.

A token reads `th_<prefix>_<secret>`. The short public prefix finds the row; the SHA-256 of the
whole token proves it, so a stolen database does not give working tokens.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from accounts.models import ApiToken, User

TOKEN_START = "th_"
KEYWORDS = ("bearer", "token")
MAX_ACTIVE_TOKENS = 10
# last_used_at is written at most once a minute per token: no write on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def issue_token(user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token for the user; returns the row and the raw token (shown this once)."""
    while True:
        prefix = secrets.token_hex(4)
        if not ApiToken.objects.filter(prefix=prefix).exists():
            break
    raw = f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user, name=name.strip()[:100], prefix=prefix, token_hash=hash_token(raw)
    )
    return token, raw


def revoke_token(token: ApiToken) -> None:
    """Revoke a token for good (the row is kept with the time)."""
    if token.revoked_at is None:
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )


def find_token(raw: str) -> ApiToken | None:
    """The active token matching the raw text, or None."""
    if not raw.startswith(TOKEN_START) or len(raw) > 200:
        return None
    prefix, sep, _secret = raw[len(TOKEN_START) :].partition("_")
    if not sep or not prefix:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(prefix=prefix, revoked_at__isnull=True)
        .first()
    )
    if token is None or not hmac.compare_digest(token.token_hash, hash_token(raw)):
        return None
    return token


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer th_…` (or `Token th_…`); request.auth is the ApiToken."""

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower().decode("latin-1") not in KEYWORDS:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Give the token as: Authorization: Bearer <token>.")
            )
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked API token.")) from exc
        token = find_token(raw)
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked API token."))
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """The token as an HTTP bearer scheme in the OpenAPI schema."""

    target_class = "screening.api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "th_<prefix>_<secret>",
            "description": "A personal API token created on the profile page.",
        }
