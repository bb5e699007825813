"""The case list as a workbook (issue 15): one row per case, in the list's order, laid out
for reading (screening/ledger/xlsx/styles.py). One query, whatever the number of cases."""

from __future__ import annotations

from pathlib import Path

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from screening.labels import disposition_label, verdict_label
from screening.ledger.xlsx.styles import ExportColumn, ExportSheet, Shape
from screening.ledger.xlsx.xlsx_safe import looks_like_formula, text_safe_cell
from screening.models import FINAL_STATES, CaseState

FIELDS = (
    "project__project_code",
    "project__name",
    "project__enterprise",
    "project__uscc",
    "region__name",
    "project__sector",
    "cycle",
    "state",
    "verdict",
    "disposition",
    "due_date",
    "updated_at",
)


def columns() -> list[ExportColumn]:
    return [
        ExportColumn(_("Project code"), Shape.CODE),
        ExportColumn(_("Name"), Shape.LONG_TEXT),
        ExportColumn(_("Enterprise"), Shape.LONG_TEXT),
        ExportColumn(_("Unified social credit code"), Shape.CODE),
        ExportColumn(_("Region")),
        ExportColumn(_("Sector")),
        ExportColumn(_("Cycle"), width=8),
        ExportColumn(_("State"), width=16),
        ExportColumn(_("Verdict")),
        ExportColumn(_("Recommended disposition"), width=18),
        ExportColumn(_("Due"), Shape.DATE),
        ExportColumn(_("Overdue")),
        ExportColumn(_("Last change"), Shape.DATETIME),
    ]


def filter_words(case_filter) -> list[str]:
    """The filters in force, in words, for the file's name."""
    if not case_filter.is_bound or not case_filter.form.is_valid():
        return []
    data = case_filter.form.cleaned_data
    words: list[str] = []
    if data.get("region"):
        words.append(data["region"].name)
    if data.get("state"):
        words.append(str(CaseState(data["state"]).label))
    if data.get("sector"):
        words.append(data["sector"])
    if data.get("verdict"):
        words.append(verdict_label(data["verdict"]))
    if data.get("disposition"):
        words.append(disposition_label(data["disposition"]))
    if data.get("overdue"):
        words.append(_("Overdue"))
    if data.get("waiting"):
        words.append(_("Waiting for me"))
    if (data.get("q") or "").strip():
        words.append(data["q"].strip())
    return words


def export_cases(cases: QuerySet, out_path: Path) -> int:
    """Write the cases (in their order) to a workbook; returns the number of rows."""
    workbook = Workbook(write_only=True)
    sheet = ExportSheet(workbook.create_sheet(_("Review cases")[:31]), columns())
    states = dict(CaseState.choices)
    today = timezone.localdate()
    yes, no = _("Yes"), _("No")
    for (
        code,
        name,
        enterprise,
        uscc,
        region,
        sector,
        cycle,
        state,
        verdict,
        disposition,
        due,
        updated,
    ) in cases.values_list(*FIELDS).iterator(chunk_size=2000):
        overdue = due is not None and due < today and state not in FINAL_STATES
        values = [
            code,
            name,
            enterprise,
            uscc,
            region,
            sector,
            cycle,
            str(states[state]),
            verdict_label(verdict) if verdict else "",
            disposition_label(disposition) if disposition else "",
            due,
            yes if overdue else no,
            timezone.localtime(updated).replace(tzinfo=None) if updated else None,
        ]
        sheet.append(
            [text_safe_cell(sheet.sheet, v) if looks_like_formula(v) else v for v in values]
        )
    sheet.close()
    workbook.save(out_path)
    return sheet.rows
