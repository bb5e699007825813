"""The annotated workbook, read back: red fills, comments, the error sheet."""

from __future__ import annotations

import openpyxl
import pytest

from screening.ledger.xlsx.annotate import ERROR_FILL, write_annotated_workbook
from screening.ledger.xlsx.template import HEADERS
from screening.ledger.xlsx.validate import validate_workbook
from tests.screening.ledger.xlsx.conftest import row_values


def red(cell) -> bool:
    return cell.fill.fgColor.rgb == ERROR_FILL.fgColor.rgb


@pytest.mark.parametrize("full_copy_max_rows", [20_000, 0])  # in place, write-only copy
def test_bad_cells_are_red_with_a_comment_and_listed(
    tmp_path, write_ledger, reference, full_copy_max_rows
):
    rows = [
        row_values(list(HEADERS)),
        row_values(
            list(HEADERS),
            项目代码="2104-410100-04-01-000002",
            统一社会信用代码="91110000600037341M",
            备注="=cmd|' /C calc'!A0",
        ),
        [None] * 36,
        row_values(list(HEADERS), 项目代码="2104-410100-04-01-000003", 所在地区="@北京"),
    ]
    source = write_ledger(rows)
    validation = validate_workbook(source, reference)
    out = tmp_path / "annotated.xlsx"
    write_annotated_workbook(source, validation, out, "zh", full_copy_max_rows=full_copy_max_rows)
    book = openpyxl.load_workbook(out)
    sheet = book["台账"]
    uscc = sheet.cell(row=3, column=4)
    assert red(uscc) and "校验位错误" in uscc.comment.text
    assert uscc.value == "91110000600037341M"
    region = sheet.cell(row=5, column=5)
    assert red(region) and region.value == "@北京" and region.data_type == "s"
    assert not red(sheet.cell(row=2, column=4)) and sheet.cell(row=2, column=4).comment is None
    errors = book["错误清单"]
    listed = [[cell.value for cell in row] for row in errors.iter_rows()]
    assert listed[0] == ["行", "列", "值", "问题"]
    assert [row[:2] for row in listed[1:]] == [
        [3, "统一社会信用代码"],
        [3, "备注"],
        [5, "所在地区"],
    ]
    formula_like = next(row for row in errors.iter_rows(min_row=2) if row[1].value == "备注")
    assert formula_like[2].data_type == "s"  # written as text, never a formula


def test_header_errors_are_marked_and_missing_headers_noted(tmp_path, write_ledger, reference):
    headers = [h for h in HEADERS if h != "所在地区"] + ["项目名称"]
    source = write_ledger([], headers)
    validation = validate_workbook(source, reference)
    out = tmp_path / "annotated.xlsx"
    write_annotated_workbook(source, validation, out, "en")
    book = openpyxl.load_workbook(out)
    sheet = book["台账"]
    assert red(sheet["B1"]) and red(sheet.cell(row=1, column=36))
    assert "Missing headers: 所在地区" in sheet["A1"].comment.text
    assert [c.value for c in book["Errors"][1]] == ["Row", "Column", "Value", "Problem"]
