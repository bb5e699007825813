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

calamine holds a sheet densely in memory (≈ 320 MB for 100,000 × 36 cells), so a plain sheet
(every file Excel, WPS, LibreOffice or openpyxl writes; see `WorkbookInspection.in_pieces`)
is read a run of whole rows at a time: each run is written with the workbook's own shared
strings and styles into a small stored workbook that calamine reads exactly as it would the
whole (tests/screening/ledger/test_ledger_pieces.py compares the two on every corpus file).
Other sheets are read whole, within the used-area limit of the safety checks.
"""

from __future__ import annotations

import collections
import itertools
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import python_calamine

from screening.ledger.xlsx.cleaning import RawCell, column_letter, normalise_header
from screening.ledger.xlsx.safety import (
    CHUNK,
    Limits,
    WorkbookInspection,
    inspect_workbook,
    refuse,
)
from screening.ledger.xlsx.template import SCREENING_HEADERS


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


def read_sheet(
    path: str | Path,
    limits: Limits | None = None,
    inspection: WorkbookInspection | None = None,
    piece_bytes: int | None = None,
) -> SheetReading:
    """Check the file (unless already inspected) and open its first visible worksheet.

    `piece_bytes`: the size of the runs of rows a plain sheet is read in (tests make it
    tiny); by default PIECE_BYTES, or the shared strings' size when larger, since they are
    parsed again with each piece."""
    limits = limits or Limits()
    inspection = inspection or inspect_workbook(path, limits)
    if inspection.in_pieces:
        size = piece_bytes or max(PIECE_BYTES, inspection.parts_bytes)
        pieces, first_column = _rows_in_pieces(Path(path), inspection, size), 0
    else:
        pieces, first_column = _rows_whole(Path(path), inspection)
    if inspection.markers:
        pieces = _runs(_with_markers(_rows(pieces), _by_row(inspection.markers, first_column)))
    first_piece = next(pieces, None)
    if first_piece and first_piece[0][0] == 0:
        header = _without_screening_columns(first_piece[0][1])
        first_piece = first_piece[1:]
    else:
        header = []
    if first_piece:
        pieces = itertools.chain([first_piece], pieces)
    _check_header_width(header, first_column, limits)
    return SheetReading(inspection.sheet_name, first_column, header, _data_rows(pieces, limits))


# The reader hands rows on a run at a time (a list of (row, cells), rows numbered from 0 =
# sheet row 1, in order), so the work per row is done in C or in one comprehension per run.
Run = list[tuple[int, list[RawCell]]]
_RUN_ROWS = 1024  # rows per run of a sheet read whole


def _rows(runs: Iterator[Run]) -> Iterator[tuple[int, list[RawCell]]]:
    for run in runs:
        yield from run


def _runs(rows: Iterator[tuple[int, list[RawCell]]]) -> Iterator[Run]:
    while run := list(itertools.islice(rows, _RUN_ROWS)):
        yield run


def _open_sheet(path: str, name: str) -> python_calamine.CalamineSheet:
    try:
        return python_calamine.CalamineWorkbook.from_path(path).get_sheet_by_name(name)
    except python_calamine.CalamineError as exc:
        raise refuse("bad_xml") from exc


def _rows_whole(path: Path, inspection: WorkbookInspection) -> tuple[Iterator[Run], int]:
    """The whole sheet at once (calamine holds it densely: bounded by the used-area limit).

    Runs of rows numbered from 0 = sheet row 1; cells from the first used column."""
    sheet = _open_sheet(str(path), inspection.sheet_name)
    start = sheet.start
    first_column = start[1] if start else 0
    return _runs(enumerate(sheet.iter_rows())), first_column


def _rows_in_pieces(path: Path, inspection: WorkbookInspection, piece_bytes: int) -> Iterator[Run]:
    """The sheet read a piece of whole rows at a time, so memory stays flat however long
    the sheet is; one run of rows per piece. Each piece is written, with the parts calamine
    needs, as a small stored workbook in a private temporary folder and read by calamine
    exactly as the whole would be (same styles, so the same dates; same shared strings).
    Rows come numbered from 0 = sheet row 1, cells from sheet column A; rows calamine sees
    no value in are left out.

    calamine parses a piece without holding the GIL, so one thread parses the next piece
    while this one cuts and writes the piece after it and the caller works on the rows of
    the last: at most two pieces are in flight (two files, one parsed sheet waiting).
    """
    member = inspection.sheet_member
    name = inspection.sheet_name
    with (
        tempfile.TemporaryDirectory(prefix="two-high-sheet-") as folder,
        zipfile.ZipFile(path) as archive,
    ):
        base = Path(folder, "base.xlsx")
        with zipfile.ZipFile(base, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
            for part in inspection.parts:
                with archive.open(part) as source, out.open(part, "w") as target:
                    shutil.copyfileobj(source, target, CHUNK)
        files = (Path(folder, "piece0.xlsx"), Path(folder, "piece1.xlsx"))
        parser = ThreadPoolExecutor(max_workers=1, thread_name_prefix="two-high-sheet")
        parsing: collections.deque[Future] = collections.deque()  # oldest first
        last = [-1]  # the last sheet row (0-based) read so far
        try:
            with archive.open(member) as stream:
                for number, (prefix, body) in enumerate(_row_runs(stream, piece_bytes)):
                    # The file of piece number - 2 is free: that piece was read below.
                    piece = files[number % 2]
                    shutil.copyfile(base, piece)
                    with zipfile.ZipFile(piece, "a") as out, out.open(member, "w") as target:
                        target.write(prefix)
                        target.write(body)
                        target.write(b"</sheetData></worksheet>")
                    del body
                    parsing.append(parser.submit(_parse_piece, str(piece), name))
                    if len(parsing) > 1 and (run := _piece_rows(parsing.popleft(), last)):
                        yield run
            while parsing:
                if run := _piece_rows(parsing.popleft(), last):
                    yield run
        finally:
            # On a refusal or when the caller stops early: let a parse under way finish
            # (it cannot be interrupted) before the folder goes.
            parser.shutdown(wait=True, cancel_futures=True)


def _parse_piece(piece: str, name: str) -> python_calamine.CalamineSheet:
    """calamine's parse of one piece (in the parsing thread; the file is closed after)."""
    try:
        with python_calamine.CalamineWorkbook.from_path(piece) as workbook:
            return workbook.get_sheet_by_name(name)
    except python_calamine.CalamineError as exc:
        raise refuse("bad_xml") from exc


def _piece_rows(parsing: Future, last: list[int]) -> Run:
    """The rows of one parsed piece; `last` holds the last sheet row read before it."""
    sheet = parsing.result()
    start = sheet.start
    if start is None:
        return []
    rows = sheet.to_python(skip_empty_area=True)
    del sheet  # frees calamine's copy before the rows are handed on
    top, pad = start[0], [""] * start[1]
    if top <= last[0]:
        # A row repeated or out of order across two pieces: calamine would merge them when
        # reading the whole sheet; refuse rather than misread.
        raise refuse("row_order", row=top + 1, after=last[0] + 1)
    last[0] = top + len(rows) - 1
    if pad:
        rows = [pad + cells for cells in rows]
    return list(zip(range(top, top + len(rows)), rows, strict=True))


# Of sheet XML: about 1,150 rows of the 36-column ledger. Smaller pieces were no slower (the
# rows are still in the CPU's caches when validated) and keep memory lower; with two pieces
# in flight (one parsed ahead) 2 MB peaks below what one 4 MB piece did; see bench/.
PIECE_BYTES = 2 * 1024 * 1024
_SHEET_DATA = re.compile(rb"<sheetData\s*(/?)>")
_CLOSE = b"</sheetData>"


def _row_runs(stream, piece_bytes: int) -> Iterator[tuple[bytes, bytearray]]:
    """Cut the sheet XML into (everything up to <sheetData>, a run of whole rows), each run
    at least `piece_bytes` long but the last. Only for sheets the inspection found plain:
    there "</row>" only ever closes a row."""
    buffer = bytearray()
    while (found := _SHEET_DATA.search(buffer)) is None:
        chunk = stream.read(CHUNK)
        if not chunk:
            return  # no rows at all
        buffer += chunk
    if found.group(1):
        return  # <sheetData/>
    prefix = bytes(buffer[: found.end()])
    del buffer[: found.end()]
    ended = False
    end = buffer.find(_CLOSE)
    if end >= 0:
        del buffer[end:]
        ended = True
    while True:
        while not ended and _cut(buffer, piece_bytes) < 0:
            chunk = stream.read(CHUNK)
            if not chunk:
                ended = True  # no </sheetData>: malformed, and calamine will say so
                break
            searched = max(0, len(buffer) - len(_CLOSE) + 1)
            buffer += chunk
            end = buffer.find(_CLOSE, searched)
            if end >= 0:
                del buffer[end:]
                ended = True
        cut = _cut(buffer, piece_bytes)
        if cut < 0:
            if buffer.strip():
                yield prefix, buffer
            return
        yield prefix, buffer[:cut]
        del buffer[:cut]


def _cut(buffer: bytearray, piece_bytes: int) -> int:
    """Where the first run of at least piece_bytes ends (after a "</row>"), or -1."""
    if len(buffer) < piece_bytes:
        return -1
    found = buffer.find(b"</row>", max(0, piece_bytes - len(b"</row>")))
    return found + len(b"</row>") if found >= 0 else -1


def _by_row(
    markers: dict[tuple[int, int], RawCell], first_column: int
) -> dict[int, dict[int, RawCell]]:
    """Markers by row, then by cell index (sheet column less the first column read)."""
    grouped: dict[int, dict[int, RawCell]] = {}
    for (row, col), marker in markers.items():
        grouped.setdefault(row, {})[col - first_column] = marker
    return grouped


def _with_markers(
    rows: Iterator[tuple[int, list[RawCell]]], markers: dict[int, dict[int, RawCell]]
) -> Iterator[tuple[int, list[RawCell]]]:
    """Overlay marker cells (formula without value, error), in row order; a row holding
    only markers, which calamine reads as blank or leaves out, is yielded too."""
    pending = sorted(markers)
    next_marked = 0
    for row, cells in rows:
        while next_marked < len(pending) and pending[next_marked] < row:
            marked = pending[next_marked]
            yield marked, _overlay([], markers[marked])
            next_marked += 1
        if next_marked < len(pending) and pending[next_marked] == row:
            cells = _overlay(cells, markers[row])
            next_marked += 1
        yield row, cells
    for marked in pending[next_marked:]:
        yield marked, _overlay([], markers[marked])


def _overlay(cells: list[RawCell], markers: dict[int, RawCell]) -> list[RawCell]:
    """Put marker cells where calamine read blanks; `markers` by cell index."""
    for index, marker in markers.items():
        if index < 0:
            continue  # left of every used column: no header there, so ignored anyway
        if index >= len(cells):
            cells = cells + [""] * (index + 1 - len(cells))
        cells[index] = marker
    return cells


def _without_screening_columns(header: list[RawCell]) -> list[RawCell]:
    """The header with the export's screening columns (筛查结论 …) blanked: not ledger data,
    so neither read nor listed as ignored when an exported file is uploaded again."""
    screening = {normalise_header(text) for text in SCREENING_HEADERS}
    return [
        "" if isinstance(cell, str) and normalise_header(cell) in screening else cell
        for cell in header
    ]


def _check_header_width(header: list[RawCell], first_column: int, limits: Limits) -> None:
    last = len(header)
    while last and header[last - 1] == "":
        last -= 1
    if first_column + last > limits.max_header_columns:
        raise refuse(
            "too_many_columns",
            column=column_letter(first_column + last),
            limit=limits.max_header_columns,
        )


def _data_rows(runs: Iterator[Run], limits: Limits) -> Iterator[tuple[int, list[RawCell]]]:
    """Non-empty rows below the header, numbered as in the sheet; enforces the row limit."""
    counted, limit = 0, limits.max_data_rows
    for run in runs:
        # A row with a truthy cell is not blank; otherwise it is when every cell is "".
        kept = [
            (row + 1, cells) for row, cells in run if any(cells) or cells.count("") != len(cells)
        ]
        counted += len(kept)
        if counted > limit:
            yield from kept[: len(kept) - (counted - limit)]
            raise refuse("too_many_rows", limit=limit)
        yield from kept
