"""The uploaded ledger returned with its errors marked: red cells, comments, an error sheet.

Two ways, chosen by size:
- up to `FULL_COPY_MAX_ROWS` data rows the uploaded workbook itself is loaded with openpyxl
  and annotated, so the user gets back their own file (formatting, other sheets, formulas);
  the ledger sheet's formulas are written as the values Excel saved with them, so the file
  uploads again exactly as the original did;
- above it, loading the whole workbook costs far more time and memory than the upload is
  worth (openpyxl keeps every cell as an object, ~20× the file), so a write-only copy of the
  ledger sheet's values is written instead, cell for cell at the same row and column, with
  the same fills and comments, plus the error sheet. Formatting and other sheets are not
  carried over in that case; the values the user typed are.

Header errors: a duplicated header marks each of its cells; missing headers are listed on
the error sheet and in a comment on cell A1. Hints (headers under a title row, 合计 rows) head
column F of the error sheet, beside its rows, which stay exactly the errors. Text that could
be taken for a formula is written as text (`xlsx_safe`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, time, timedelta
from pathlib import Path

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from screening.ledger.xlsx.cleaning import FORMULA_WITHOUT_VALUE
from screening.ledger.xlsx.layout import fit_rows, row_height, wrap_cells
from screening.ledger.xlsx.problems import CellError
from screening.ledger.xlsx.reader import read_sheet
from screening.ledger.xlsx.safety import Limits, inspect_workbook
from screening.ledger.xlsx.validate import LedgerValidation
from screening.ledger.xlsx.xlsx_safe import safe_row, set_value, text_safe_cell

FULL_COPY_MAX_ROWS = 20_000
ERROR_FILL = PatternFill(fill_type="solid", start_color="FFFF9999", end_color="FFFF9999")
AUTHOR = "两高项目筛查"
_SHEET_TITLES = {"zh": "错误清单", "en": "Errors"}
_ERROR_HEADERS = {"zh": ["行", "列", "值", "问题"], "en": ["Row", "Column", "Value", "Problem"]}
_MISSING_HEADERS = {"zh": "缺少表头：", "en": "Missing headers: "}
_HINTS_HEADER = {"zh": "提示（请先处理）", "en": "Hints (fix these first)"}


def write_annotated_workbook(
    src_path: str | Path,
    validation: LedgerValidation,
    out_path: str | Path,
    lang: str = "zh",
    *,
    full_copy_max_rows: int = FULL_COPY_MAX_ROWS,
    limits: Limits | None = None,
    hints: Sequence[str] = (),
) -> None:
    """Write the annotated workbook for `validation` of `src_path` to `out_path`. `hints`
    (texts in `lang`) head column F of the error sheet, beside the unchanged error rows."""
    notes = _cell_notes(validation.all_errors, lang)
    _header_notes(validation, lang, notes)
    missing = [error for error in validation.header_errors if error.sheet_column is None]
    if missing:
        text = _MISSING_HEADERS[lang] + "、".join(error.column for error in missing)
        notes[(1, 1)] = [text, *notes.get((1, 1), [])]
    if validation.data_rows <= full_copy_max_rows:
        try:
            _annotate_in_place(
                src_path, validation, out_path, lang, notes, limits or Limits(), hints
            )
            return
        except (ValueError, KeyError, TypeError):
            # openpyxl cannot load every file the safe reader accepts (a numeric cell holding
            # NaN, say): the user still gets the copy with the errors marked.
            pass
    _annotated_copy(src_path, validation, out_path, lang, notes, limits or Limits(), hints)


def _cell_notes(errors: list[CellError], lang: str) -> dict[tuple[int, int], list[str]]:
    notes: dict[tuple[int, int], list[str]] = defaultdict(list)
    for error in errors:
        if error.sheet_column is not None:
            notes[(error.row, error.sheet_column)].append(error.message(lang))
    return notes


def _header_notes(
    validation: LedgerValidation, lang: str, notes: dict[tuple[int, int], list[str]]
) -> None:
    """A duplicated header marks every cell it occupies, not only the first."""
    for error in validation.header_errors:
        for column in validation.header_error_columns.get(error.column, ())[1:]:
            notes[(1, column)].append(error.message(lang))


def _comment(messages: list[str]) -> Comment:
    comment = Comment("\n".join(messages), AUTHOR)
    comment.width = 320
    comment.height = 40 + 20 * len(messages)
    return comment


def _annotate_in_place(
    src_path: str | Path,
    validation: LedgerValidation,
    out_path: str | Path,
    lang: str,
    notes: dict[tuple[int, int], list[str]],
    limits: Limits,
    hints: Sequence[str] = (),
) -> None:
    workbook = openpyxl.load_workbook(src_path)
    sheet = workbook[validation.sheet_name]
    _keep_saved_values(src_path, sheet, limits)
    for (row, column), messages in notes.items():
        cell = sheet.cell(row=row, column=column)
        cell.fill = ERROR_FILL
        if cell.comment is not None:  # keep the user's own comment below ours
            messages = [*messages, "—", cell.comment.text]
        cell.comment = _comment(messages)
    error_sheet = workbook.create_sheet(_free_title(workbook.sheetnames, lang))
    _fill_error_sheet(error_sheet, validation, lang, write_only=False, hints=hints)
    workbook.save(out_path)


def _keep_saved_values(src_path: str | Path, sheet, limits: Limits) -> None:
    """Write each formula of the ledger sheet as the value Excel saved with it.

    openpyxl keeps a formula's text but not its saved result, and writes the formula without
    one: the annotated file, uploaded again, would then hold "formulas without a saved value"
    where the original held values. The ledger sheet gets the values, read as the reader reads
    them: a formula the reader found without a saved value stays a formula (it is marked and
    has nothing to keep); an empty text result becomes a blank. Other sheets keep their
    formulas, which Excel recalculates on opening.
    """
    formulas = {
        (cell.row, cell.column): cell
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    }
    if not formulas:
        return
    unsaved = {
        (row + 1, column + 1)
        for (row, column), raw in inspect_workbook(src_path, limits).markers.items()
        if raw is FORMULA_WITHOUT_VALUE
    }
    wanted_rows = {row for row, _column in formulas}
    saved_book = openpyxl.load_workbook(src_path, read_only=True, data_only=True)
    try:
        saved_sheet = saved_book[sheet.title]
        for row_number, values in enumerate(saved_sheet.iter_rows(values_only=True), start=1):
            if row_number not in wanted_rows:
                continue
            for column_number, value in enumerate(values, start=1):
                cell = formulas.get((row_number, column_number))
                if cell is not None and (row_number, column_number) not in unsaved:
                    set_value(cell, value)  # text that looks like a formula stays text
    finally:
        saved_book.close()


def _annotated_copy(
    src_path: str | Path,
    validation: LedgerValidation,
    out_path: str | Path,
    lang: str,
    notes: dict[tuple[int, int], list[str]],
    limits: Limits,
    hints: Sequence[str] = (),
) -> None:
    reading = read_sheet(src_path, limits)
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(validation.sheet_name or "台账")
    lead = [None] * reading.first_column

    row_notes: dict[int, list[tuple[int, list[str]]]] = defaultdict(list)
    for (row, column), messages in notes.items():
        row_notes[row].append((column, messages))

    def write(row_number: int, cells: list[object]) -> None:
        row = safe_row(sheet, lead + [_writable(value) for value in cells])
        for column, messages in row_notes.get(row_number, ()):
            _mark(sheet, row, column, messages)
        if any(isinstance(value, str) and "\n" in value for value in cells):
            row = wrap_cells(sheet, row)  # the user's multi-line text shows every line
            sheet.row_dimensions[row_number].height = row_height(row)
        sheet.append(row)

    write(1, reading.header)
    next_row = 2
    for row_number, cells in reading.rows:
        while next_row < row_number:  # keep the sheet's own row numbers
            sheet.append([])
            next_row += 1
        write(row_number, cells)
        next_row = row_number + 1
    error_sheet = workbook.create_sheet(_free_title([sheet.title], lang))
    _fill_error_sheet(error_sheet, validation, lang, write_only=True, hints=hints)
    workbook.save(out_path)


def _mark(sheet, row: list[object], column: int, messages: list[str]) -> None:
    """Turn position `column` (1-based) of a write-only row into a red, commented cell."""
    while len(row) < column:
        row.append(None)
    value = row[column - 1]
    cell = value if hasattr(value, "comment") else text_safe_cell(sheet, value)
    cell.fill = ERROR_FILL
    cell.comment = _comment(messages)
    row[column - 1] = cell


def _writable(value: object) -> object:
    """Raw reader values as openpyxl can write them; an unsaved formula becomes a blank
    (its text is not known to the reader), an Excel error value its code as text."""
    if value == "" or value is FORMULA_WITHOUT_VALUE:
        return None
    if isinstance(value, (str, int, float, bool, date, time, timedelta)):
        return value
    return str(value)


def _free_title(existing: list[str], lang: str) -> str:
    title = _SHEET_TITLES[lang]
    candidate, number = title, 2
    while candidate in existing:
        candidate, number = f"{title}{number}", number + 1
    return candidate


def _fill_error_sheet(
    sheet, validation: LedgerValidation, lang: str, *, write_only: bool, hints: Sequence[str] = ()
) -> None:
    header = _ERROR_HEADERS[lang]
    rows = [
        [error.row, error.column, error.value, error.message(lang)]
        for error in validation.all_errors
    ]
    widths: tuple[float | None, ...] = (None, 28, 30, 80)
    if hints:  # beside the error rows (A–D stay exactly the errors): F1 heads them
        header = [*header, None, _HINTS_HEADER[lang]]
        rows.extend([None] * 4 for _ in range(len(hints) - len(rows)))
        for row, text in zip(rows, hints, strict=False):
            row.extend((None, text))
        widths = (*widths, 4, 80)
    if write_only:
        for letter, width in zip("BCDEF", widths[1:], strict=False):
            sheet.column_dimensions[letter].width = width
        sheet.append(header)
        for row_index, values in enumerate(rows, start=2):
            row = wrap_cells(sheet, safe_row(sheet, values), widths)
            height = row_height(row, widths)
            if height is not None:
                sheet.row_dimensions[row_index].height = height
            sheet.append(row)
        return
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row_index, values in enumerate(rows, start=2):
        for column_index, value in enumerate(values, start=1):
            set_value(sheet.cell(row=row_index, column=column_index), value)
    for letter, width in zip("BCDEF", widths[1:], strict=False):
        sheet.column_dimensions[letter].width = width
    fit_rows(sheet, min_row=2)
