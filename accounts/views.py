"""Sign-in landing: each role starts on the page that fits its work; the language switch."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.views.i18n import set_language as django_set_language

from .models import Role

LANDING = {
    Role.AGENCY: "screening:ledger",
    Role.CITY_REVIEWER: "screening:dashboard",
    Role.PROVINCIAL_REVIEWER: "screening:dashboard",
    Role.OBSERVER: "screening:dashboard",
    Role.ADMIN: "screening:dashboard",
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    try:
        return redirect(reverse(LANDING.get(request.user.role, "screening:dashboard")))
    except NoReverseMatch:  # that area is not built yet
        return redirect("screening:dashboard")


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch (POST, CSRF-checked), also kept on the account: the e-mails
    a person gets (digests, case notices) are then written in the language they read."""
    response = django_set_language(request)
    if request.method == "POST" and request.user.is_authenticated:
        request.user.keep_language(request.POST.get("language", ""))
    return response
