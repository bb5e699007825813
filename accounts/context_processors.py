"""Navigation entries for the page header, by role."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .models import Role

# (url name, label, roles that see it; None = every signed-in user)
NAV_ITEMS = [
    ("screening:dashboard", _("Dashboard"), None),
    ("screening:ledger", _("Ledger"), None),
    ("screening:cases", _("Review cases"), None),
    ("screening:warnings", _("Early warning"), None),
    ("screening:reports", _("Reports"), None),
    ("screening:registry", _("Capacity replacement"), None),
    ("screening:rule_sets", _("Rule sets"), None),
    ("screening:regions", _("Regions"), None),
]


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for name, label, roles in NAV_ITEMS:
        if roles is not None and user.role not in roles and not user.is_administrator:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue  # an area not built yet
        items.append({"url": url, "label": label,
                      "active": request.path.startswith(url) and url != "/"})
    return {"nav_items": items, "user_role_label": Role(user.role).label}
