"""Sign-in landing: each role starts on the page that fits its work."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse

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
