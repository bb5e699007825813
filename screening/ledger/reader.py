"""Read the first visible worksheet with python-calamine, as sheet row number and raw cells.

Found by testing python-calamine 0.9.1 on real files (tests/screening/ledger/test_reader.py):
- the declared <dimension> is ignored both ways; the range is built from the cells present;
  cells without a value (styled blanks) are left out;
- `iter_rows()` starts at sheet row 1 (leading blank rows are yielded empty) but at the
  first used *column*: list index 0 is column `sheet.start[1]`;
- blank cells are "", every number is a float (1 → 1.0), booleans are bool, date-formatted
  cells are `date` (midnight) or `datetime`, time formats `time`, [h]:mm `timedelta`;
- error values (#N/A …) and formulas without a saved value both come back as "" —
  `safety.SheetScan` finds them in the XML and they are overlaid here as markers;
- a formula with a saved value reads as that value; merged cells as stored.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import python_calamine

from screening.ledger.cleaning import RawCell, column_letter
from screening.ledger.safety import Limits, WorkbookInspection, inspect_workbook, refuse


@dataclass
class SheetReading:
    """The ledger sheet: its header row, and its data rows as a one-shot iterator.

    Cell lists are indexed from sheet column `first_column` (0-based): cell i of a row is
    sheet column first_column + i.
    """

    sheet_name: str
    first_column: int
    header: list[RawCell]
    rows: Iterator[tuple[int, list[RawCell]]]


def read_sheet(path: str | Path, limits: Limits | None = None,
               inspection: WorkbookInspection | None = None) -> SheetReading:
    """Check the file (unless already inspected) and open its first visible worksheet."""
    limits = limits or Limits()
    inspection = inspection or inspect_workbook(path, limits)
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_name(inspection.sheet_name)
    except python_calamine.CalamineError as exc:
        raise refuse("bad_xml") from exc
    start = sheet.start
    first_column = start[1] if start else 0
    width = sheet.width if start else 0
    rows = iter(sheet.iter_rows())
    header = next(rows, [])
    header = _overlay(header, 0, first_column, _by_row(inspection.markers).get(0, {}))
    _check_header_width(header, first_column, limits)
    return SheetReading(inspection.sheet_name, first_column, header,
                        _data_rows(rows, inspection, first_column, width, limits))


def _by_row(markers: dict[tuple[int, int], RawCell]) -> dict[int, dict[int, RawCell]]:
    grouped: dict[int, dict[int, RawCell]] = {}
    for (row, col), marker in markers.items():
        grouped.setdefault(row, {})[col] = marker
    return grouped


def _overlay(cells: list[RawCell], row: int, first_column: int,
             markers: dict[int, RawCell]) -> list[RawCell]:
    """Put marker cells (formula without value, error) where calamine read blanks."""
    for col, marker in markers.items():
        index = col - first_column
        if index < 0:
            continue  # left of every used column: no header there, so ignored anyway
        if index >= len(cells):
            cells = cells + [""] * (index + 1 - len(cells))
        cells[index] = marker
    return cells


def _check_header_width(header: list[RawCell], first_column: int, limits: Limits) -> None:
    last = len(header)
    while last and header[last - 1] == "":
        last -= 1
    if first_column + last > limits.max_header_columns:
        raise refuse("too_many_columns", column=column_letter(first_column + last),
                     limit=limits.max_header_columns)


def _data_rows(rows: Iterator[list[RawCell]], inspection: WorkbookInspection,
               first_column: int, width: int, limits: Limits
               ) -> Iterator[tuple[int, list[RawCell]]]:
    """Non-empty rows below the header, numbered as in the sheet; enforces the row limit."""
    markers = _by_row(inspection.markers)
    markers.pop(0, None)
    counted = 0
    row_index = 0
    for row_index, cells in enumerate(rows, start=1):
        extra = markers.pop(row_index, None)
        if extra:
            cells = _overlay(cells, row_index, first_column, extra)
        elif cells.count("") == len(cells):
            continue
        counted += 1
        if counted > limits.max_data_rows:
            raise refuse("too_many_rows", limit=limits.max_data_rows)
        yield row_index + 1, cells
    # Markers below calamine's last row: a trailing row holding only such cells.
    for row in sorted(markers):
        counted += 1
        if counted > limits.max_data_rows:
            raise refuse("too_many_rows", limit=limits.max_data_rows)
        yield row + 1, _overlay([""] * width, row, first_column, markers[row])
