"""Write text into .xlsx cells so that it can never become a formula (SPEC §7, §9).

openpyxl turns any string starting with "=" into a formula, and Excel re-interprets cells
starting with "+", "-", "@", a tab or a carriage return when they are edited. Such text is
stored as a string cell with Excel's quote prefix (the cell shows the text as entered; the
value itself is not changed). Every export and the annotated error workbook use these helpers.
"""

from __future__ import annotations

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: object) -> bool:
    """Text that a spreadsheet could take for a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def set_value(cell: Cell | WriteOnlyCell, value: object) -> Cell | WriteOnlyCell:
    """Assign a value; formula-looking text is forced to a text cell."""
    cell.value = value
    if looks_like_formula(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def text_safe_cell(ws: Worksheet, value: object) -> WriteOnlyCell:
    """A write-only cell holding `value`, never a formula."""
    return set_value(WriteOnlyCell(ws), value)


def safe_row(ws: Worksheet, values: list[object]) -> list[object]:
    """A row for `ws.append` in write-only mode with formula-looking text guarded."""
    return [text_safe_cell(ws, value) if looks_like_formula(value) else value for value in values]
