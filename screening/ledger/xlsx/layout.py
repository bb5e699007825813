"""Multi-line cells that show every line (issue 13): wrapped text and row heights.

Excel, WPS and LibreOffice show a cell holding line breaks on one line unless the cell wraps,
and a wrapped cell only shows its lines if the row is tall enough; none of them reliably
recomputes row heights when opening a file. Every workbook the product writes therefore marks
such cells as wrapped and sets the row's height from the number of lines, counting a CJK
character as two columns of width (as the spreadsheet programs do).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from copy import copy
from weakref import WeakKeyDictionary

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

WRAP = Alignment(wrap_text=True, vertical="top")
LINE_POINTS = 15.0  # one line of the default 11-point font
MAX_ROW_POINTS = 409.0  # the largest row height Excel accepts
DEFAULT_WIDTH = 8.43  # Excel's default column width, in characters
_NARROW_NON_ASCII = re.compile("[\u0080-\u2e7f]")  # non-ASCII below the CJK blocks


def display_width(text: str) -> int:
    """Columns the text takes: wide and full-width characters count two. ASCII text is
    counted directly and CJK text from its UTF-8 length (a CJK character is three bytes), so
    that a 100,000-row report does not look up every character."""
    if text.isascii():
        return len(text)
    if not _NARROW_NON_ASCII.search(text):
        return (len(text.encode("utf-8")) + len(text)) // 2  # 1 byte → 1, 3 bytes → 2
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def line_count(text: str, width: float | None) -> int:
    """Lines the text takes in a wrapped cell `width` characters wide (None: only its own
    line breaks count)."""
    parts = text.split("\n")
    if width is None:
        return len(parts)
    usable = max(width - 1, 1)  # the cell's padding
    return sum(max(1, math.ceil(display_width(part) / usable)) for part in parts)


def needs_wrap(value: object, width: float | None) -> bool:
    if not isinstance(value, str):
        return False
    if "\n" in value:
        return True
    # 2 × len bounds the width: most cells are decided without measuring them.
    return width is not None and 2 * len(value) > width and display_width(value) > width


_WRAPPED_STYLE: WeakKeyDictionary = WeakKeyDictionary()  # sheet → style of a wrapped cell


def _wrapped(ws, value: object) -> Cell:
    """A wrapped cell; a plain value takes a copy of the sheet's wrapped style (registering
    the alignment with the workbook once, not once a row)."""
    if isinstance(value, Cell):
        value.alignment = WRAP
        return value
    cell = WriteOnlyCell(ws, value)
    style = _WRAPPED_STYLE.get(ws)
    if style is None:
        cell.alignment = WRAP
        _WRAPPED_STYLE[ws] = copy(cell._style)
    else:
        cell._style = copy(style)
    return cell


def fit_row(
    ws, values: Iterable[object], widths: Sequence[float | None] = ()
) -> tuple[list, float | None]:
    """`wrap_cells` and `row_height` in one pass (each text measured at most once): the
    write-only row and the height it needs (None: one line)."""
    row = list(values)
    lines = 1
    count_widths = len(widths)
    for index, value in enumerate(row):
        if type(value) is str:
            text = value
        elif isinstance(value, Cell) and isinstance(value.value, str):
            text = value.value
        else:
            continue
        width = widths[index] if index < count_widths else None
        if "\n" not in text and (width is None or 2 * len(text) < width):
            continue  # one line for sure (a character is at most two columns)
        count = line_count(text, width)
        if count > 1:
            lines = max(lines, count)
            row[index] = _wrapped(ws, value)
    if lines == 1:
        return row, None
    return row, min(lines * LINE_POINTS, MAX_ROW_POINTS)


def row_height(values: Sequence[object], widths: Sequence[float | None] = ()) -> float | None:
    """The height that shows every line of the row's text cells; None when one line does."""
    lines = 1
    for index, value in enumerate(values):
        text = value.value if isinstance(value, Cell) else value
        if isinstance(text, str):
            width = widths[index] if index < len(widths) else None
            lines = max(lines, line_count(text, width))
    if lines == 1:
        return None
    return min(lines * LINE_POINTS, MAX_ROW_POINTS)


def wrap_cells(ws, values: Iterable[object], widths: Sequence[float | None] = ()) -> list:
    """A write-only row with every cell that needs it made a wrapped cell (a cell already
    made keeps its style and gains the wrap)."""
    row = []
    for index, value in enumerate(values):
        width = widths[index] if index < len(widths) else None
        text = value.value if isinstance(value, Cell) else value
        if needs_wrap(text, width):
            cell = value if isinstance(value, Cell) else WriteOnlyCell(ws, value)
            cell.alignment = WRAP
            value = cell
        row.append(value)
    return row


def fit_rows(ws, min_row: int = 1) -> None:
    """For a worksheet held in memory (not write-only): wrap every text cell with a line break
    or wider than its column, and give each such row the height that shows it."""
    widths: dict[int, float] = {}
    for row in ws.iter_rows(min_row=min_row):
        values = []
        for cell in row:
            column = cell.column
            if column not in widths:
                dimension = ws.column_dimensions.get(get_column_letter(column))
                widths[column] = (
                    dimension.width if dimension is not None and dimension.width else DEFAULT_WIDTH
                )
            value = cell.value
            if needs_wrap(value, widths[column]):
                cell.alignment = Alignment(
                    wrap_text=True, vertical="top", horizontal=cell.alignment.horizontal
                )
            values.append((value, widths[column]))
        height = row_height([v for v, _w in values], [w for _v, w in values])
        if height is not None and row:
            ws.row_dimensions[row[0].row].height = height
