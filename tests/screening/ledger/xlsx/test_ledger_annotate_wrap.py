"""The annotated error file shows every line of a multi-line cell (issue 13 item 3): the
error sheet's long problems and the user's multi-line text wrap in rows tall enough."""

from __future__ import annotations

import openpyxl
import pytest

from screening.ledger.xlsx.annotate import write_annotated_workbook
from screening.ledger.xlsx.layout import LINE_POINTS, line_count
from screening.ledger.xlsx.template import HEADERS
from screening.ledger.xlsx.validate import validate_workbook
from tests.screening.ledger.xlsx.conftest import row_values


def _shows_every_line(ws, cell) -> bool:
    lines = cell.value.count("\n") + 1
    height = ws.row_dimensions[cell.row].height
    return bool(cell.alignment.wrap_text) and height is not None and height >= lines * LINE_POINTS


@pytest.mark.parametrize("full_copy_max_rows", [20_000, 0])  # in place, write-only copy
def test_the_annotated_files_error_sheet_and_multi_line_cells_wrap(
    tmp_path, write_ledger, reference, full_copy_max_rows
):
    rows = [
        row_values(
            list(HEADERS),
            项目代码="2104-410100-04-01-000002",
            统一社会信用代码="91110000600037341M",
            备注="第一行\n第二行",
        ),
        row_values(
            list(HEADERS), 项目代码="2104-410100-04-01-000003", 项目名称="x" * 200, 所在地区="@北京"
        ),
    ]
    source = write_ledger(rows)
    validation = validate_workbook(source, reference)
    out = tmp_path / "annotated.xlsx"
    write_annotated_workbook(source, validation, out, "zh", full_copy_max_rows=full_copy_max_rows)
    book = openpyxl.load_workbook(out)
    errors = book["错误清单"]
    assert errors.column_dimensions["D"].width == 80
    for row in errors.iter_rows(min_row=2):
        lines = line_count(str(row[3].value), 80)
        if lines > 1:
            assert row[3].alignment.wrap_text
            assert errors.row_dimensions[row[0].row].height >= lines * LINE_POINTS
    if full_copy_max_rows == 0:  # the copy we write ourselves: the user's two-line remark
        ledger = book["台账"]
        remark = next(c for c in ledger[2] if c.value == "第一行\n第二行")
        assert _shows_every_line(ledger, remark)
