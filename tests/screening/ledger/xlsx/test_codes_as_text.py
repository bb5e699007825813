"""Issue 15: codes stored by Excel as numbers get their own message, and the template formats
the code columns as text (SPEC §3: 项目代码, 统一社会信用代码)."""

from __future__ import annotations

import openpyxl
import pytest

from screening.ledger.xlsx.template import COLUMNS, HEADERS, TEXT_FORMAT
from screening.ledger.xlsx.validate import validate_workbook
from tests.screening.ledger.xlsx.conftest import row_values


@pytest.mark.parametrize(
    ("header", "number", "shown"),
    [
        ("统一社会信用代码", 914101001234567890, "9.14101001234568e+17"),
        ("统一社会信用代码", 91410100.0, "91410100"),
        ("项目代码", 210441010004.0, "210441010004"),
    ],
)
def test_a_code_stored_as_a_number_says_so_and_how_to_fix_it(
    write_ledger, reference, header, number, shown
):
    """SPEC §3 code columns: a numeric cell (digits may be lost) is told to retype as text."""
    path = write_ledger([row_values(list(HEADERS), **{header: number})])
    result = validate_workbook(path, reference)
    assert result.rows == []
    [error] = [e for e in result.errors if e.column == header]
    assert error.value == shown
    assert error.message_zh == (
        f"第2行〔{header}〕被Excel存为数字（“{shown}”），位数可能已丢失："
        "请将该列设置为文本格式后重新输入代码"
    )
    assert "format the column as text and type the code again" in error.message_en


def test_a_code_typed_as_text_in_a_text_formatted_column_is_valid(write_ledger, reference):
    """The same code as text (what the text-formatted template column keeps) passes."""

    def text_format(_workbook, sheet):
        for cell in sheet[2]:
            if sheet.cell(row=1, column=cell.column).value in ("项目代码", "统一社会信用代码"):
                cell.number_format = TEXT_FORMAT

    path = write_ledger([row_values(list(HEADERS))], before=text_format)
    result = validate_workbook(path, reference)
    assert result.ok and result.rows[0][1].uscc == "91110000600037341L"


def test_the_template_formats_code_columns_as_text(db, tmp_path):
    """Issue 15: 项目代码, 统一社会信用代码 and the 文号 columns are text ("@") in the template."""
    from screening.ledger.export import LEDGER_SHEET, write_template
    from screening.models import RuleSet

    out = write_template(
        tmp_path / "template.xlsx", RuleSet.objects.order_by("-effective_from").first()
    )
    sheet = openpyxl.load_workbook(out)[LEDGER_SHEET]
    text_columns = {
        sheet.cell(row=1, column=index).value
        for index in range(1, len(COLUMNS) + 1)
        if sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].number_format
        == TEXT_FORMAT
    }
    assert {
        "项目代码",
        "统一社会信用代码",
        "节能审查文号",
        "环评批复文号",
        "核准/备案文号",
        "产能置换方案文号",
    } == text_columns
