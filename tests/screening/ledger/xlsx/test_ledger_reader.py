"""The reader: what calamine returns, and what we make of it, on real files."""

from __future__ import annotations

import dataclasses
import datetime
import zipfile

import pytest

from screening.ledger.xlsx.cleaning import FORMULA_WITHOUT_VALUE, ExcelErrorValue
from screening.ledger.xlsx.reader import read_sheet
from screening.ledger.xlsx.safety import Limits, UnsafeWorkbook, inspect_workbook
from tests.screening.ledger.xlsx.conftest import inline, rewrite_zip, sheet_xml

SHEET = "xl/worksheets/sheet1.xml"


def rows_of(path, limits=None):
    reading = read_sheet(path, limits)
    return reading, list(reading.rows)


def hand_made(tmp_path, write_ledger, body: bytes, dimension: bytes | None = None):
    base = write_ledger([])
    return rewrite_zip(base, tmp_path / "hand.xlsx", replace={SHEET: sheet_xml(body, dimension)})


THREE_ROWS = (
    b'<row r="1">' + inline("A1", "h") + b'</row><row r="2"><c r="A2"><v>1</v></c>'
    b'</row><row r="3"><c r="A3"><v>2</v></c></row>'
)


@pytest.mark.parametrize("dimension", [b"A1", b"A1:A2", b"A1:XFD1048576", b"A1:AJ1000000"])
def test_the_declared_dimension_is_never_trusted(tmp_path, write_ledger, dimension):
    path = hand_made(tmp_path, write_ledger, THREE_ROWS, dimension)
    reading, rows = rows_of(path)
    assert reading.header == ["h"]
    assert rows == [(2, [1.0]), (3, [2.0])]


def test_cell_types_as_calamine_returns_them(write_ledger):
    path = write_ledger(
        [
            [
                1,
                1.5,
                True,
                datetime.date(2021, 3, 4),
                datetime.datetime(2021, 3, 4, 5, 6),
                datetime.datetime(2021, 3, 4),
                datetime.time(5, 6),
                "x",
                None,
                -0.0,
            ]
        ],
        headers=list("ABCDEFGHIJ"),
    )
    _, rows = rows_of(path)
    assert rows == [
        (
            2,
            [
                1.0,
                1.5,
                True,
                datetime.date(2021, 3, 4),
                datetime.datetime(2021, 3, 4, 5, 6),
                datetime.date(2021, 3, 4),
                datetime.time(5, 6),
                "x",
                "",
                -0.0,
            ],
        )
    ]
    assert type(rows[0][1][0]) is float  # integers come back as floats


def test_blank_rows_are_skipped_but_row_numbers_kept(write_ledger):
    path = write_ledger([["a"], [None], [None], ["b"]], headers=["h"])
    _, rows = rows_of(path)
    assert rows == [(2, ["a"]), (5, ["b"])]


def test_merged_cells_read_as_stored(write_ledger):
    def merge(workbook, sheet):
        sheet.merge_cells("A2:C2")

    path = write_ledger([["merged", None, None]], headers=["a", "b", "c"], before=merge)
    _, rows = rows_of(path)
    assert rows == [(2, ["merged", "", ""])]


@pytest.mark.parametrize("in_pieces", [True, False])
def test_leading_blank_columns_are_reported_with_their_offset(tmp_path, write_ledger, in_pieces):
    """Cell i of a row is sheet column first_column + i, whichever way the sheet is read."""
    body = b'<row r="1">' + inline("C1", "h") + b'</row><row r="2"><c r="C2"><v>7</v></c></row>'
    path = hand_made(tmp_path, write_ledger, body)
    inspection = dataclasses.replace(inspect_workbook(path, Limits()), in_pieces=in_pieces)
    reading = read_sheet(path, inspection=inspection)
    rows = list(reading.rows)
    assert reading.first_column == (0 if in_pieces else 2)
    assert reading.first_column + reading.header.index("h") == 2
    assert rows == [(2, [""] * (2 - reading.first_column) + [7.0])]


def test_formulas_count_as_their_saved_value_and_unsaved_ones_are_marked(tmp_path, write_ledger):
    body = (
        b'<row r="1">'
        + inline("A1", "a")
        + inline("B1", "b")
        + inline("C1", "c")
        + b'</row><row r="2"><c r="A2"><f>1+1</f><v>2</v></c>'
        b'<c r="B2" t="str"><f>"x"&amp;"y"</f><v>xy</v></c><c r="C2"><f>1+2</f><v/></c></row>'
        b'<row r="3"><c r="A3" t="str"><f>IF(1,"","")</f><v></v></c></row>'
        b'<row r="4"><c r="C4"><f>SUM(A1)</f></c></row>'
    )
    _, rows = rows_of(hand_made(tmp_path, write_ledger, body))
    assert rows == [(2, [2.0, "xy", FORMULA_WITHOUT_VALUE]), (4, ["", "", FORMULA_WITHOUT_VALUE])]


def test_excel_error_values_are_marked(tmp_path, write_ledger):
    body = (
        b'<row r="1">' + inline("A1", "a") + inline("B1", "b") + b"</row>"
        b'<row r="2"><c r="A2" t="e"><v>#N/A</v></c>'
        b'<c r="B2" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>'
    )
    _, rows = rows_of(hand_made(tmp_path, write_ledger, body))
    assert rows == [(2, [ExcelErrorValue("#N/A"), ExcelErrorValue("#DIV/0!")])]


def test_markers_are_found_without_cell_references_too(tmp_path, write_ledger):
    body = (
        b'<row><c t="inlineStr"><is><t>a</t></is></c><c t="inlineStr"><is><t>b</t></is>'
        b"</c></row><row><c><v>1</v></c><c><f>A2</f></c></row>"
    )
    _, rows = rows_of(hand_made(tmp_path, write_ledger, body))
    assert rows == [(2, [1.0, FORMULA_WITHOUT_VALUE])]


def test_the_first_visible_sheet_in_workbook_order_is_read(write_ledger):
    def hide_first(workbook, sheet):
        sheet.sheet_state = "hidden"
        other = workbook.create_sheet("第二张")
        other.append(["second"])
        workbook.create_sheet("第三张").append(["third"])

    reading, _ = rows_of(write_ledger([["x"]], headers=["first"], before=hide_first))
    assert reading.sheet_name == "第二张" and reading.header == ["second"]


def test_the_row_limit_counts_non_blank_rows_only(write_ledger):
    path = write_ledger([["a"], [None], ["b"], ["c"]], headers=["h"])
    assert len(rows_of(path, Limits(max_data_rows=3, max_sheet_cells=10**6))[1]) == 3
    with pytest.raises(UnsafeWorkbook) as caught:
        rows_of(path, Limits(max_data_rows=2, max_sheet_cells=10**6))
    assert caught.value.code == "too_many_rows"


def test_the_last_header_cell_must_be_within_the_first_100_columns(write_ledger):
    assert rows_of(write_ledger([], headers=["h"] * 100 + [None, None]))[0]
    with pytest.raises(UnsafeWorkbook) as caught:
        rows_of(write_ledger([], headers=["h"] * 100 + [None, "late"]))
    assert caught.value.code == "too_many_columns"


def test_calamine_iter_rows_starts_at_row_one_but_at_the_first_used_column(tmp_path, write_ledger):
    """Pins python-calamine behaviour the reader relies on (changes on upgrade)."""
    import python_calamine

    body = b'<row r="3"><c r="C3"><v>1</v></c></row>'
    path = hand_made(tmp_path, write_ledger, body)
    sheet = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    assert sheet.start == (2, 2)
    assert list(sheet.iter_rows()) == [[""], [""], [1.0]]
    with zipfile.ZipFile(path) as archive:
        assert b"<dimension" not in archive.read(SHEET)


@pytest.mark.parametrize("spelling", [b"t='e'", b't = "e"', b"t= 'e'"])
def test_error_values_are_marked_however_the_attribute_is_quoted(tmp_path, write_ledger, spelling):
    """XML allows either quote and white space around "=": an error cell written so is still
    an error value, never a blank (SPEC §9)."""
    body = (
        b'<row r="1">' + inline("A1", "a") + inline("B1", "b") + b"</row>"
        b'<row r="2"><c r="A2" ' + spelling + b"><v>#N/A</v></c>"
        b'<c r="B2"><v>1</v></c></row>'
    )
    _, rows = rows_of(hand_made(tmp_path, write_ledger, body))
    assert rows == [(2, [ExcelErrorValue("#N/A"), 1.0])]
