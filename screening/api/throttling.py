"""Rate limits per API token (DRF throttling keyed by the token's id).

Counters live in the `throttle` cache, shared by every process (Redis, else a database table),
so the limit holds however many workers serve the API. Rates come from
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] and are read on every request, so a settings override
takes effect at once: `api_token` per token, `api_user` per signed-in user
(browser session), `api_anon` per address.
"""

from __future__ import annotations

from django.core.cache import caches
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from accounts.models import ApiToken


class ApiRateThrottle(SimpleRateThrottle):
    """One bucket per token, per session user, or per client address."""

    scope = "api_token"

    def __init__(self) -> None:  # the rate is chosen per request, not at construction
        # Counters every web process shares (Redis, or the database cache table): settings.py.
        self.cache = caches["throttle"]

    def _scope_and_ident(self, request: Request) -> tuple[str, str]:
        if isinstance(request.auth, ApiToken):
            return "api_token", str(request.auth.pk)
        if request.user and request.user.is_authenticated:
            return "api_user", str(request.user.pk)
        return "api_anon", self.get_ident(request)

    def get_cache_key(self, request: Request, view) -> str:
        scope, ident = self._scope_and_ident(request)
        return self.cache_format % {"scope": scope, "ident": ident}

    def allow_request(self, request: Request, view) -> bool:
        self.scope, _ident = self._scope_and_ident(request)
        self.rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)
