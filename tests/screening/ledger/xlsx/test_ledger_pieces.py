"""Reading the sheet a piece of rows at a time gives exactly what reading it whole gives.

The reader (screening/ledger/reader.py) feeds calamine runs of whole rows so memory stays
flat; these tests read real files three ways — whole, in pieces of the shipped size, and one
row per piece — and compare every row and cell, over the whole hostile/odd corpus and over
files made to straddle piece boundaries.
"""

from __future__ import annotations

import dataclasses
import datetime
import tempfile
from pathlib import Path

import pytest

from screening.ledger.xlsx import reader
from screening.ledger.xlsx.cleaning import FORMULA_WITHOUT_VALUE, ExcelErrorValue
from screening.ledger.xlsx.safety import Limits, UnsafeWorkbook, inspect_workbook
from tests.corpus.generate import build, package, row_xml, shared_strings_xml, write_zip
from tests.corpus.generate import sheet_xml as generated_sheet
from tests.screening.ledger.xlsx.conftest import VALID_ROW, inline, rewrite_zip, sheet_xml

SHEET = "xl/worksheets/sheet1.xml"


def absolute(cells: list, first_column: int) -> list:
    """Cells from sheet column A, without trailing blanks: comparable across readings
    (NaN, which equals nothing, is compared by name)."""
    cells = [""] * first_column + ["NaN" if cell != cell else cell for cell in cells]
    while cells and cells[-1] == "":
        cells.pop()
    return cells


def reading(path: Path, *, in_pieces: bool, piece_bytes: int | None = None):
    """('ok', header, rows) or ('refused', code) for one way of reading the file."""
    try:
        inspection = inspect_workbook(path, Limits())
        if in_pieces and not inspection.in_pieces:
            return None  # the file is read whole anyway
        inspection = dataclasses.replace(inspection, in_pieces=in_pieces)
        read = reader.read_sheet(path, inspection=inspection, piece_bytes=piece_bytes)
        rows = [(n, absolute(cells, read.first_column)) for n, cells in read.rows]
        return "ok", absolute(read.header, read.first_column), rows
    except UnsafeWorkbook as refused:
        return "refused", refused.code


def assert_same_three_ways(path: Path, piece_bytes: int = 1) -> tuple:
    """Whole, in pieces of the shipped size, in tiny pieces (1 byte: a row each)."""
    whole = reading(path, in_pieces=False)
    for size in (None, piece_bytes):
        pieces = reading(path, in_pieces=True, piece_bytes=size)
        if pieces is not None:
            assert pieces == whole, f"piece size {size or reader.PIECE_BYTES}"
    return whole


_CORPUS = build(Path(tempfile.mkdtemp(prefix="pieces-corpus-")))


@pytest.mark.parametrize("entry", _CORPUS, ids=[entry.name for entry in _CORPUS])
def test_every_corpus_file_reads_the_same_in_pieces(entry):
    assert_same_three_ways(entry.path)


def test_openpyxl_files_are_read_in_pieces(write_ledger):
    path = write_ledger([VALID_ROW] * 3)
    assert inspect_workbook(path, Limits()).in_pieces


def test_a_long_ledger_straddling_many_pieces(write_ledger):
    rows = []
    for n in range(300):
        row = dict(VALID_ROW, 项目名称=f"项目{n}", 新增产能=n)
        if n % 11 == 0:
            row["节能审查日期"] = datetime.date(2020, 1 + n % 12, 1 + n % 28)
        if n % 7 == 0:
            row = {key: None for key in row}  # blank rows keep their numbers
        rows.append(row)
    path = write_ledger(rows)
    kind, header, read = assert_same_three_ways(path, piece_bytes=2_000)  # ~ 2 rows a piece
    assert kind == "ok" and len(read) == 300 - len(range(0, 300, 7))
    assert read[-1][0] == 301


def _hand_made(tmp_path, write_ledger, body: bytes, name: str = "hand.xlsx") -> Path:
    return rewrite_zip(write_ledger([]), tmp_path / name, replace={SHEET: sheet_xml(body)})


def test_marker_only_rows_between_pieces_are_kept(tmp_path, write_ledger):
    """A row holding only an error value or a formula without a saved value is read as a
    row with that marker, wherever the piece boundaries fall (calamine sees it as blank)."""
    body = (
        b'<row r="1">' + inline("A1", "h") + inline("B1", "i") + b"</row>"
        b'<row r="2"><c r="A2"><v>1</v></c></row>'
        b'<row r="3"><c r="B3" t="e"><v>#N/A</v></c></row>'
        b'<row r="5"><c r="A5"><f>SUM(A1)</f></c></row>'
        b'<row r="6"><c r="A6"><v>6</v></c></row>'
        b'<row r="9"><c r="B9" t="e"><v>#DIV/0!</v></c></row>'
    )
    path = _hand_made(tmp_path, write_ledger, body)
    kind, header, rows = assert_same_three_ways(path)
    assert header == ["h", "i"]
    assert rows == [
        (2, [1.0]),
        (3, ["", ExcelErrorValue("#N/A")]),
        (5, [FORMULA_WITHOUT_VALUE]),
        (6, [6.0]),
        (9, ["", ExcelErrorValue("#DIV/0!")]),
    ]


def test_a_row_out_of_order_across_pieces_is_refused_not_misread(tmp_path, write_ledger):
    body = (
        b'<row r="1">' + inline("A1", "h") + b"</row>"
        b'<row r="3"><c r="A3"><v>3</v></c></row>'
        b'<row r="2"><c r="A2"><v>2</v></c></row>'
    )
    path = _hand_made(tmp_path, write_ledger, body)
    assert reading(path, in_pieces=False)[0] == "ok"  # calamine sorts a whole sheet
    refused = reading(path, in_pieces=True, piece_bytes=1)
    assert refused == ("refused", "row_order")


def test_a_row_split_in_two_across_pieces_is_refused(tmp_path, write_ledger):
    body = (
        b'<row r="1">' + inline("A1", "h") + inline("B1", "i") + b"</row>"
        b'<row r="2"><c r="A2"><v>1</v></c></row><row r="2"><c r="B2"><v>2</v></c></row>'
    )
    path = _hand_made(tmp_path, write_ledger, body)
    refused = reading(path, in_pieces=True, piece_bytes=1)
    assert refused == ("refused", "row_order")


@pytest.mark.parametrize(
    "hiding",
    [
        b"<!-- </row> -->",
        b"<![CDATA[x]]>",
        b"<?pi </row>?>",
    ],
    ids=["comment", "cdata", "processing-instruction"],
)
def test_sheets_that_could_hide_a_row_end_are_read_whole(tmp_path, write_ledger, hiding):
    """A "</row>" inside a comment, CDATA or processing instruction is not a row end: such
    sheets are never cut, and read exactly as whole."""
    body = (
        b'<row r="1">'
        + inline("A1", "h")
        + b"</row>"
        + hiding
        + b'<row r="2"><c r="A2"><v>2</v></c></row>'
    )
    path = _hand_made(tmp_path, write_ledger, body)
    assert not inspect_workbook(path, Limits()).in_pieces
    kind, header, rows = reading(path, in_pieces=False)
    assert rows == [(2, [2.0])]


def test_shared_strings_go_with_every_piece(tmp_path):
    """Each piece is read with the workbook's whole shared-string table."""
    table: dict[str, int] = {}
    lines = [row_xml(1, ["名称", "数量"], shared=table)]
    lines += [row_xml(n, [f"共享{n % 5}", n], shared=table) for n in range(2, 60)]
    path = write_zip(
        tmp_path / "shared.xlsx",
        package([generated_sheet(lines)], shared=shared_strings_xml(table)),
    )
    inspection = inspect_workbook(path, Limits())
    assert inspection.in_pieces and "xl/sharedStrings.xml" in inspection.parts
    kind, header, rows = assert_same_three_ways(path)
    assert header == ["名称", "数量"] and len(rows) == 58
    assert rows[7] == (9, ["共享4", 9.0])
