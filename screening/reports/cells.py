"""Cells of the report workbooks: labels, fills and fonts, formula-safe write-only cells, rows
that wrap and grow to fit.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from weakref import WeakKeyDictionary

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill

from screening import display
from screening.labels import TIER_LABELS
from screening.ledger.xlsx.layout import fit_row
from screening.ledger.xlsx.xlsx_safe import looks_like_formula, set_value, text_safe_cell
from screening.models import EscalationKind
from screening.rules.types import Tier

# --- Labels (English msgids; Chinese from the catalogue) -------------------------------------

ESCALATION_LABELS = {
    EscalationKind.REMINDER: gettext_lazy("Reminder"),
    EscalationKind.RESTRICTION: gettext_lazy("Regional energy-assessment restriction"),
}
TIER_ORDER = ("red", "yellow", "green", "")
TIER_FILLS = {
    "red": PatternFill("solid", fgColor="FFE53935"),
    "yellow": PatternFill("solid", fgColor="FFFDD835"),
    "green": PatternFill("solid", fgColor="FF43A047"),
    "": PatternFill("solid", fgColor="FFBDBDBD"),
}
HEADER_FILL = PatternFill("solid", fgColor="FFDCE6F1")
BOLD = Font(bold=True)
TITLE_FONT = Font(bold=True, size=14)
HEADLINE_FONT = Font(bold=True, size=12, color="FF0B4F8A")
CRITICAL_FONT = Font(bold=True, color="FFC62828")
WRAP = Alignment(wrap_text=True, vertical="top")


def tier_label(code: str | None) -> str:
    return str(TIER_LABELS.get(code or "", code))


def is_english(language: str) -> bool:
    return language.lower().startswith("en")


# --- Formula-safe cells -----------------------------------------------------------------------
# Text that a spreadsheet could take for a formula (=, +, -, @, tab, CR) goes in as a string
# cell with the quote prefix (screening.ledger.xlsx.xlsx_safe, shared with the ledger export);
# characters XML cannot hold are dropped rather than failing the whole report.


def safe_value(ws, value: Any) -> Any:
    """A value as it goes into a write-only row: formula-looking text made a text cell."""
    if isinstance(value, str):
        if ILLEGAL_CHARACTERS_RE.search(value):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if looks_like_formula(value):
            return text_safe_cell(ws, value)
    return value


def safe_row(ws, values: Iterable[Any]) -> list[Any]:
    return [safe_value(ws, value) for value in values]


def styled(ws, value: Any, **style: Any) -> WriteOnlyCell:
    """A styled write-only cell, formula-safe like every other."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = set_value(WriteOnlyCell(ws), value)
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def header_row(ws, headers: Iterable[str]) -> list[WriteOnlyCell]:
    return [styled(ws, str(h), font=BOLD, fill=HEADER_FILL, alignment=WRAP) for h in headers]


def count_cell(ws, value: int | None, *, signed: bool = False) -> WriteOnlyCell:
    """A count with thousands separators ("—" when unknown); signed for a change."""
    if value is None:
        return styled(ws, "—", alignment=Alignment(horizontal="right"))
    return styled(ws, value, number_format="+#,##0;-#,##0;0" if signed else "#,##0")


def tier_cell(ws, tier: str | None, inherited_from: str = "") -> WriteOnlyCell:
    """A coloured tier; a tier taken from a parent region says so, as the dashboard does."""
    tier = tier or ""
    font = Font(color="FFFFFFFF", bold=True) if tier in (Tier.RED, Tier.GREEN) else None
    text = tier_label(tier)
    if tier and inherited_from:
        text = f"{text} ({_('from %(parent)s') % {'parent': inherited_from}})"
    cell = styled(ws, text, fill=TIER_FILLS[tier])
    if font is not None:
        cell.font = font
    return cell


_WIDTHS: WeakKeyDictionary = WeakKeyDictionary()  # write-only sheet → its column widths
_ROWS_WRITTEN: WeakKeyDictionary = WeakKeyDictionary()


def set_widths(ws, widths: Iterable[float]) -> None:
    from openpyxl.utils import get_column_letter

    widths = list(widths)
    _WIDTHS[ws] = widths
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width


def append_row(ws, values: Iterable[Any]) -> None:
    """Append a row to a write-only sheet: formula-safe, multi-line or over-wide text wrapped,
    and the row as tall as its longest cell (xlsx_layout)."""
    values = list(values)
    widths = _WIDTHS.get(ws, ())
    if sum(1 for v in values if v is not None and v != "") == 1:
        widths = ()  # a title alone on its row runs over the empty cells beside it
    row, height = fit_row(ws, safe_row(ws, values), widths)
    number = _ROWS_WRITTEN.get(ws, 0) + 1
    _ROWS_WRITTEN[ws] = number
    if height is not None:
        ws.row_dimensions[number].height = height
    ws.append(row)


# --- Findings in words -----------------------------------------------------------------------


def finding_line(finding: dict, english: bool) -> str:
    """One finding in words, in the report's language: 'R03 不通过：…（(四)2）' or
    'R03 Fail: … ((四)2)'. Call inside the report's language (the outcome label)."""
    label = display.rule_and_outcome(finding.get("rule"), finding.get("outcome"), english)
    message = (finding.get("message_en" if english else "message_zh") or "").strip()
    clause = finding.get("clause") or ""
    if english:
        line = (
            f"{finding.get('rule')} {label}: {message}"
            if message
            else f"{finding.get('rule')} {label}"
        )
        return f"{line} ({clause})" if clause else line
    line = (
        f"{finding.get('rule')} {label}：{message}" if message else f"{finding.get('rule')} {label}"
    )
    return f"{line}（{clause}）" if clause else line


def findings_text(findings: list, outcomes: tuple[str, ...], english: bool) -> tuple[str, str]:
    """The findings with these outcomes, one line each in words (`finding_line`), and their
    clauses."""
    lines, clauses = [], []
    for finding in findings or ():
        if finding.get("outcome") not in outcomes:
            continue
        clause = finding.get("clause") or ""
        lines.append(finding_line(finding, english))
        if clause and clause not in clauses:
            clauses.append(clause)
    return "\n".join(lines), "；".join(clauses) if not english else "; ".join(clauses)
