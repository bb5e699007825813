"""The alerts page as one list (issue 15): every alert of the user's regions as a row of one
kind, filtered by kind, region and a search on the project, then paged. Built from
services.alerts_for, which already loads each kind in one query."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

KINDS = {
    "escalation": _("Escalations in force"),
    "rectification": _("Rectification deadlines passed"),
    "review": _("Review time limits passed"),
    "diagnosis": _("Energy diagnoses due (R12)"),
    "energy": _("Project energy-use warnings"),
}


@dataclass
class AlertRow:
    kind: str
    region_id: int | None
    region_name: str
    item: object  # EscalationEvent, ReviewCase, Project or ProjectEnergyMonth
    project: object = None  # the project concerned, when there is one

    @property
    def kind_label(self) -> str:
        return str(KINDS[self.kind])


class AlertFilterForm(forms.Form):
    """Every field optional; a bad value is not applied."""

    kind = forms.ChoiceField(label=_("Alert kind"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    q = forms.CharField(label=_("Search code or name"), required=False, max_length=100)

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All")), *KINDS.items()]
        self.fields["region"].choices = [("", _("All")), *((r.code, r.name) for r in regions)]


def alert_rows(alerts) -> list[AlertRow]:
    """The alerts in the page's order: escalations, then cases, diagnoses, energy."""
    rows = [AlertRow("escalation", e.region_id, e.region.name, e) for e in alerts.escalations]
    rows += [
        AlertRow("rectification", c.region_id, c.region.name, c, c.project)
        for c in alerts.rectification_overdue
    ]
    rows += [
        AlertRow("review", c.region_id, c.region.name, c, c.project) for c in alerts.review_overdue
    ]
    rows += [AlertRow("diagnosis", p.region_id, p.region.name, p, p) for p in alerts.diagnoses_due]
    rows += [
        AlertRow("energy", w.project.region_id, w.project.region.name, w, w.project)
        for w in alerts.energy_warnings
    ]
    return rows


def _matches(row: AlertRow, text: str) -> bool:
    project = row.project
    if project is None:
        return text in row.region_name.casefold()
    return (
        text in project.project_code.casefold()
        or text in project.name.casefold()
        or text in (project.enterprise or "").casefold()
    )


def filtered(
    rows: list[AlertRow], *, region_id: int | None = None, text: str = ""
) -> list[AlertRow]:
    """The rows of a region and matching a search (code, name or enterprise)."""
    text = text.strip().casefold()
    return [
        row
        for row in rows
        if (region_id is None or row.region_id == region_id) and (not text or _matches(row, text))
    ]


def counts_by_kind(rows: list[AlertRow]) -> list[tuple[str, str, int]]:
    """(kind, label, count) of every kind, in the page's order."""
    counted = {kind: 0 for kind in KINDS}
    for row in rows:
        counted[row.kind] += 1
    return [(kind, str(label), counted[kind]) for kind, label in KINDS.items()]
