"""Display labels of the screening outcomes, in one place (English msgids; the Chinese terms
of SPEC §4 come from the catalogue). Models, forms, pages, reports and e-mails use these."""

from __future__ import annotations

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

VERDICT_LABELS = {
    "NOT_IN_SCOPE": _("Not in scope"),
    "NON_COMPLIANT": _("Non-compliant"),
    "INCOMPLETE": _("Incomplete"),
    "COMPLIANT": _("Compliant"),
}
DISPOSITION_LABELS = {
    "CLOSE": _("Close down by law"),
    "STOP_AND_INVESTIGATE": _("Stop construction and investigate"),
    "STOP_AND_RECTIFY": _("Stop work and rectify"),
    "SUSPEND_PRODUCTION": _("Suspend production for upgrading"),
    "RECTIFY": _("Upgrade within a time limit"),
    "REJECT": _("Do not approve"),
    "DEFER": _("Defer approval"),
    "REQUEST_INFO": _("Request more information"),
    "PROCEED": _("Proceed"),
    "NONE": _("No action"),
}
OUTCOME_LABELS = {
    "PASS": _("Pass"),
    "FAIL": _("Fail"),
    "NEEDS_INFO": _("Needs information"),
    "WARN": _("Warning"),
    "INFO": _("Information"),
    "NA": _("Not applicable"),
}
TIER_LABELS = {
    "red": _("Red"),
    "yellow": _("Yellow"),
    "green": _("Green"),
    "": _("No data"),
}
NOT_SCREENED = _("Not screened")

VERDICT_CHOICES = list(VERDICT_LABELS.items())
DISPOSITION_CHOICES = list(DISPOSITION_LABELS.items())


def verdict_label(code: str | None) -> str:
    return str(VERDICT_LABELS.get(code or "", NOT_SCREENED if not code else code))


def disposition_label(code: str | None) -> str:
    return str(DISPOSITION_LABELS.get(code or "NONE", code))


def outcome_label(code: str | None) -> str:
    return str(OUTCOME_LABELS.get(code or "", code or ""))


def request_language() -> str:
    """ "en" when the active language is English, else "zh" (the two languages of the pages)."""
    return "en" if (get_language() or "").startswith("en") else "zh"
