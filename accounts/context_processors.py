"""Navigation entries for the page header (every signed-in user sees every area; each page
shows only what the user's role and regions allow)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import Role

# (url name, label)
NAV_ITEMS = [
    ("screening:dashboard", _("Dashboard")),
    ("screening:ledger", _("Ledger")),
    ("screening:cases", _("Review cases")),
    ("screening:warnings", _("Early warning")),
    ("screening:reports", _("Reports")),
    ("screening:registry", _("Capacity replacement")),
    ("screening:rule_sets", _("Rule sets")),
    ("screening:regions", _("Cities and counties")),  # "Regions" is also a count (地区数)
]


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for name, label in NAV_ITEMS:
        url = reverse(name)
        items.append(
            {"url": url, "label": label, "active": request.path.startswith(url) and url != "/"}
        )
    return {"nav_items": items, "user_role_label": Role(user.role).label}
