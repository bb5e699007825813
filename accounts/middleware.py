"""Chinese first (issue 15): the page language is the one the person chose with the switch
(its cookie, or the language kept on their account), else the site's — never the browser's
Accept-Language header, which on an English-language Windows would turn a 河南 officer's pages
English without their asking. The API (/api/) still reads Accept-Language: a program states
the language it wants there."""

from __future__ import annotations

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


def chosen_language(cookie: str | None, kept: str | None) -> str:
    """The language to show: the switch's cookie, then the account's, then the site's."""
    languages = dict(settings.LANGUAGES)
    for code in (cookie, kept):
        if code and code in languages:
            return code
    return settings.LANGUAGE_CODE


class ChosenLanguageMiddleware(LocaleMiddleware):
    """LocaleMiddleware without the Accept-Language guess (its responses still vary on the
    cookie, and it still activates per request)."""

    def process_request(self, request):
        if request.path_info.startswith("/api/"):
            # A program asks for its language with Accept-Language, as HTTP means it to.
            return super().process_request(request)
        code = chosen_language(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME), None)
        translation.activate(code)
        request.LANGUAGE_CODE = translation.get_language()

    def process_view(self, request, view_func, view_args, view_kwargs):
        # The account is known only after the authentication middleware: a person who chose
        # English on another browser reads English here too, until the switch says otherwise.
        if settings.LANGUAGE_COOKIE_NAME in request.COOKIES or request.path_info.startswith(
            "/api/"
        ):
            return None
        user = getattr(request, "user", None)
        kept = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        if kept:
            translation.activate(chosen_language(None, kept))
            request.LANGUAGE_CODE = translation.get_language()
        return None
