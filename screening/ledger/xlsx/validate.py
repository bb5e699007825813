"""Validate a ledger workbook cell by cell into ProjectInput rows and a complete error list.

Entry point: `validate_workbook(path, reference, limits)`: the headers, the hints, the rows
known by their raw digest, and runs of rows handed to `row_validator`. Every rule of SPEC §3
lives in `row_validator` (the rules across cells and rows), in `parsers` (each column's parser,
compiled once per file, so the per-cell work is one call) or in the generic parsers of
`cleaning`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from operator import itemgetter
from pathlib import Path

from screening.gc_pause import gc_paused
from screening.ledger.xlsx import template
from screening.ledger.xlsx.cleaning import (
    RawCell,
    cell_text,
    display_value,
    fold,
    match_headers,
)
from screening.ledger.xlsx.known_rows import KnownRow, KnownRows
from screening.ledger.xlsx.parsers import compile_parser
from screening.ledger.xlsx.problems import CellError, cell_error
from screening.ledger.xlsx.reader import read_sheet
from screening.ledger.xlsx.reference import (
    LedgerReference,
)
from screening.ledger.xlsx.row_validator import Plan, RowValidator
from screening.ledger.xlsx.safety import Limits
from screening.ledger.xlsx.template import COLUMNS
from screening.rules.types import ProjectInput


@dataclass(frozen=True)
class Hint:
    """Orientation shown beside the errors, never instead of them (issue 15): what to fix
    first. `kind` "title_rows": the headers sit on sheet row `row` (2–5) under a title;
    "total_row": row `row` is a 合计/总计/小计 row. The texts are rendered by the caller."""

    kind: str
    row: int
    sheet: str = ""
    title: str = ""  # the first text of row 1 ("" when row 1 is blank)


HINT_TITLE_ROWS = "title_rows"
HINT_TOTAL_ROW = "total_row"


@dataclass
class LedgerValidation:
    """The outcome of validating one ledger file (nothing is stored)."""

    sheet_name: str = ""
    ignored_columns: tuple[str, ...] = ()
    header_errors: list[CellError] = field(default_factory=list)
    rows: list[tuple[int, ProjectInput]] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)  # cell errors, by row then column
    column_positions: dict[str, int] = field(default_factory=dict)  # header → sheet column (1-)
    header_error_columns: dict[str, tuple[int, ...]] = field(default_factory=dict)  # 1-based
    data_rows: int = 0  # rows with some template value (blank rows are skipped)
    invalid_rows: int = 0
    hints: list[Hint] = field(default_factory=list)  # beside the errors, not part of them

    @property
    def valid_rows(self) -> int:
        return len(self.rows)

    @property
    def all_errors(self) -> list[CellError]:
        """Header errors (row 1) then cell errors: what screen_ledger reports."""
        return [*self.header_errors, *self.errors]

    @property
    def ok(self) -> bool:
        return not self.header_errors and not self.errors


# ---------------------------------------------------------------------------- workbook


def validate_workbook(
    path: str | Path,
    reference: LedgerReference,
    limits: Limits | None = None,
    known_rows: KnownRows | None = None,
) -> LedgerValidation:
    """Check, read and validate a ledger file. Raises UnsafeWorkbook for refusals.

    With `known_rows`, a row whose cells are those of a stored row (known_rows.py) is kept as
    that KnownRow without being validated again, and every valid row's raw digest is
    collected in `known_rows.digests`."""
    result, valid_rows = iter_workbook(path, reference, limits, known_rows)
    # Every row is kept: the collector's passes over the growing list would cost more than
    # they find (reading and validating make no cycles), as when screening (batch.py).
    with gc_paused():
        result.rows.extend(valid_rows)
    return result


def iter_workbook(
    path: str | Path,
    reference: LedgerReference,
    limits: Limits | None = None,
    known_rows: KnownRows | None = None,
) -> tuple[LedgerValidation, Iterator[tuple[int, ProjectInput | KnownRow]]]:
    """Like validate_workbook, but the valid rows are yielded, not kept, so a caller can
    screen and write each one and keep memory flat. `result` holds the header errors at once;
    its cell errors and counts are complete once the iterator is exhausted. Reading may still
    raise UnsafeWorkbook while iterating (the row limit is enforced as rows are read)."""
    reading = read_sheet(path, limits or Limits())
    result = LedgerValidation(sheet_name=reading.sheet_name)
    matched = match_headers(reading.header, COLUMNS)
    result.ignored_columns = matched.ignored_columns
    offset = reading.first_column
    result.column_positions = {
        template.BY_KEY[key].header: offset + position + 1
        for key, position in matched.positions.items()
    }
    if matched.problems:
        for header, found, places in matched.problems:
            column = template.BY_HEADER[header]
            sheet_columns = tuple(offset + place for place in places)
            result.header_error_columns[header] = sheet_columns
            shown = header if sheet_columns else ""
            result.header_errors.append(
                cell_error(
                    1,
                    header,
                    column.label_en,
                    shown,
                    found,
                    column_number=column.number,
                    sheet_column=sheet_columns[0] if sheet_columns else None,
                )
            )
        rows = iter(reading.rows)
        below = _header_below_title(rows, len(matched.positions))
        if below is not None:  # beside the header errors, which stay as SPEC §3 lists them
            title = next((display_value(cell) for cell in reading.header if cell != ""), "")
            result.hints.append(Hint(HINT_TITLE_ROWS, below, reading.sheet_name, title[:200]))
        for _ in rows:  # still enforce the row limit: a refusal outranks errors
            pass
        return result, iter(())
    plans = [
        Plan(
            column,
            matched.positions[column.key],
            offset + matched.positions[column.key] + 1,
            compile_parser(column, reference),
        )
        for column in COLUMNS
    ]
    return result, _valid_rows(reading.rows, RowValidator(plans, reference), result, known_rows)


_BATCH_ROWS = 1024  # rows validated column by column at a time
HEADER_SEARCH_ROWS = 5  # headers found on rows 2–5 under a title: a hint (issue 15)


def _header_below_title(
    rows: Iterator[tuple[int, list[RawCell]]], matched_in_row_1: int
) -> int | None:
    """The sheet row (2–5) holding the template headers when row 1 does not (a title above
    them), or None. Consumes rows up to that row from `rows`."""
    if matched_in_row_1 * 2 >= len(COLUMNS):
        return None  # row 1 is the header row, with some headers wrong: the errors say which
    for row_number, cells in rows:
        if row_number > HEADER_SEARCH_ROWS:
            return None
        if len(match_headers(cells, COLUMNS).positions) * 2 >= len(COLUMNS):
            return row_number
    return None


def _valid_rows(
    rows: Iterable[tuple[int, list[RawCell]]],
    validator: RowValidator,
    result: LedgerValidation,
    known_rows: KnownRows | None = None,
) -> Iterator[tuple[int, ProjectInput | KnownRow]]:
    rows = iter(rows)
    while batch := list(islice(rows, _BATCH_ROWS)):
        if known_rows is None:
            yield from _batch_rows(batch, validator, result)
        else:
            yield from _known_batch_rows(batch, validator, result, known_rows)


def _known_batch_rows(
    batch: list[tuple[int, list[RawCell]]],
    validator: RowValidator,
    result: LedgerValidation,
    known_rows: KnownRows,
) -> Iterator[tuple[int, ProjectInput | KnownRow]]:
    """_batch_rows, keeping rows whose cells are a stored row's as that KnownRow unvalidated.

    A known row is taken only when its code is on no other row of the file met so far or of
    this batch: the duplicate-code rule then reads exactly as when every row is validated
    (the row holds its code first; a later row with the code is the duplicate)."""
    width, pick, seen = validator.width, validator.pick, validator.first_row_of_code
    digests: list[str | None] = []
    hits: dict[int, KnownRow] = {}
    for at, (_row_number, cells) in enumerate(batch):
        picked = pick(cells if len(cells) >= width else [*cells, *[""] * (width - len(cells))])
        digest = known_rows.digest(picked)
        digests.append(digest)
        known = known_rows.known.get(digest) if digest is not None else None
        if known is not None:
            hits[at] = known
    if hits:
        others = {
            _code_key(pick_code)
            for at, (_n, cells) in enumerate(batch)
            if at not in hits and (pick_code := validator.raw_code(cells)) != ""
        }
        taken: set[str] = set()
        for at, known in list(hits.items()):
            code = known.project_code
            if code in seen or code in others or code in taken:
                del hits[at]
            else:
                taken.add(code)
        for at, known in hits.items():
            seen[known.project_code] = batch[at][0]
    at_of = {row_number: at for at, (row_number, _cells) in enumerate(batch)}
    found: list[tuple[int, ProjectInput | KnownRow]] = [
        (batch[at][0], known) for at, known in hits.items()
    ]
    result.data_rows += len(hits)
    rest = [item for at, item in enumerate(batch) if at not in hits] if hits else batch
    found.extend(_batch_rows(rest, validator, result))
    if hits:
        found.sort(key=itemgetter(0))
    collected = known_rows.digests
    for row_number, row in found:
        digest = digests[at_of[row_number]]
        if digest is not None:
            collected[row.project_code] = digest
    return iter(found)


def _code_key(raw: RawCell) -> str:
    """The text a project-code cell is compared on for duplicates (as _row_rules does)."""
    if raw.__class__ is not str:
        return ""
    return fold(cell_text(raw, 10**9) or "")


def _batch_rows(
    batch: list[tuple[int, list[RawCell]]], validator: RowValidator, result: LedgerValidation
) -> list[tuple[int, ProjectInput]]:
    """Validate a run of rows: its errors and hints go into `result`; its valid rows are
    returned."""
    outcome = validator.validate_batch(batch)
    result.data_rows += outcome.data_rows
    if outcome.invalid:
        result.invalid_rows += len(outcome.invalid)
        for row_number, errors, cells in outcome.invalid:
            result.errors.extend(errors)
            if validator.is_total_row(cells):
                result.hints.append(Hint(HINT_TOTAL_ROW, row_number))
    return outcome.valid
