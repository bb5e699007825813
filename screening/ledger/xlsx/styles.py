"""Exports that open ready to read (issue 15): each column as wide as its contents need, a
styled header row that stays in view (frozen), an autofilter on it, dates shown as dates and
codes kept as text (Excel would turn a long digit string into 9.1E+17).

For write-only sheets, streamed row by row: `ExportSheet` sets the widths and the header
before the first row, gives the cells of date and code columns their format (one style
prepared per column and copied, so 100,000 rows register nothing), and sets the autofilter
over the rows written when it is closed.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from copy import copy
from dataclasses import dataclass
from enum import StrEnum

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from screening.ledger.xlsx.layout import display_width

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_BORDER = Border(bottom=Side(style="thin", color="8EA9C1"))
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="center", horizontal="center")
TEXT_FORMAT = "@"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
MAX_WIDTH = 60


class Shape(StrEnum):
    """What a column holds, for its format and width."""

    TEXT = "text"
    LONG_TEXT = "long text"  # names, enterprises, remarks
    CODE = "code"  # project codes, credit codes, document numbers: always text
    DATE = "date"
    DATETIME = "datetime"
    NUMBER = "number"


_MIN_WIDTH = {
    Shape.TEXT: 10,
    Shape.LONG_TEXT: 30,
    Shape.CODE: 22,
    Shape.DATE: 12,
    Shape.DATETIME: 17,
    Shape.NUMBER: 12,
}
# Numbers keep Excel's General format: a pattern such as #,##0.#### shows 12000 as "12,000."
# in Excel, and one pattern per value would cost a style lookup per cell.
_FORMAT = {Shape.CODE: TEXT_FORMAT, Shape.DATE: DATE_FORMAT, Shape.DATETIME: DATETIME_FORMAT}


@dataclass(frozen=True)
class ExportColumn:
    header: str
    shape: Shape = Shape.TEXT
    width: float | None = None  # None: from the header and the shape


def column_width(column: ExportColumn) -> float:
    if column.width is not None:
        return column.width
    return min(MAX_WIDTH, max(_MIN_WIDTH[column.shape], display_width(column.header) + 4))


class ExportSheet:
    """A write-only worksheet laid out for reading: `append` rows, then `close`."""

    def __init__(self, sheet, columns: Sequence[ExportColumn]):
        self.sheet = sheet
        self.columns = list(columns)
        self.rows = 0
        for index, column in enumerate(self.columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = column_width(column)
        sheet.freeze_panes = "A2"
        sheet.append([self._header_cell(column.header) for column in self.columns])
        # Per formatted column, a style made once and copied into each of its cells.
        self._styles = {}
        for index, column in enumerate(self.columns):
            number_format = _FORMAT.get(column.shape)
            if number_format is not None:
                cell = WriteOnlyCell(sheet)
                cell.number_format = number_format
                self._styles[index] = cell._style

    def _header_cell(self, header: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.sheet, header)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.border, cell.alignment = HEADER_BORDER, HEADER_ALIGNMENT
        return cell

    def cells(self, values: Iterable[object]) -> list:
        """The row's values, those of date and code columns as formatted cells."""
        row = list(values)
        for index, style in self._styles.items():
            if index >= len(row):
                continue
            value = row[index]
            if value is None or value == "":
                continue
            if isinstance(value, Cell):
                value.number_format = _FORMAT[self.columns[index].shape]
                continue
            if isinstance(value, datetime.datetime) and value.tzinfo is not None:
                value = value.replace(tzinfo=None)  # Excel has no time zones
            cell = WriteOnlyCell(self.sheet, value)
            cell._style = copy(style)
            row[index] = cell
        return row

    def append(self, values: Iterable[object], *, height: float | None = None) -> None:
        if height is not None:
            self.sheet.row_dimensions[self.rows + 2].height = height
        self.sheet.append(self.cells(values))
        self.rows += 1

    def close(self) -> None:
        """The autofilter over the header and every row written."""
        last = get_column_letter(max(len(self.columns), 1))
        self.sheet.auto_filter.ref = f"A1:{last}{self.rows + 1}"
