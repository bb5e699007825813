"""The annotated workbook uploads again as it was (issue 13.4).

A ledger whose cells hold formulas with the values Excel saved with them (numbers, text, a
date) is annotated; the annotated file, uploaded unchanged, gives exactly the original's
results, and with only the marked cells fixed, the original's results plus the fixes. Real
files throughout: written as Excel writes formulas (`<f>` with a saved `<v>`), annotated with
openpyxl, edited with openpyxl as a user's spreadsheet would, read back by the safe reader.
"""

from __future__ import annotations

import openpyxl
import pytest

from screening.ledger.xlsx.annotate import write_annotated_workbook
from screening.ledger.xlsx.template import COLUMNS
from screening.ledger.xlsx.validate import validate_workbook
from tests.corpus.generate import HEADERS as TEMPLATE_HEADERS
from tests.corpus.generate import ledger_row, package, row_xml, sheet_xml, valid_values, write_zip

KEYS = [column.key for column in COLUMNS]
ENERGY = KEYS.index("annual_energy_tce")
NAME = KEYS.index("name")
NEW_ENERGY = KEYS.index("new_energy_tce")
USCC = KEYS.index("uscc")
RIGHTS = KEYS.index("energy_rights_tce")
REMARKS = KEYS.index("remarks")
GOOD_USCC = "91110000600037341L"


def _row(number: int, values: dict, formulas: dict[int, str]) -> str:
    return row_xml(number, ledger_row(values), formulas=formulas)


def write_source(tmp_path):
    """Rows 2–5: formulas with saved values everywhere (row 4's remark is a formula whose
    saved result is empty text: a blank, no error); row 3 has a bad USCC (plain text), row 5
    a formula without a saved value (a cell error)."""
    formulas = {ENERGY: "40000+10000", NAME: 'CONCATENATE("高炉","项目")', NEW_ENERGY: "E2*0+50000"}
    rows = [
        _row(
            2,
            valid_values(2, annual_energy_tce=50000, name="高炉项目", new_energy_tce=50000),
            formulas,
        ),
        _row(
            3,
            valid_values(
                3,
                annual_energy_tce=50000,
                name="高炉项目",
                new_energy_tce=50000,
                uscc="91110000600037341M",
            ),
            formulas,
        ),
        _row(
            4,
            valid_values(
                4, annual_energy_tce=50000, name="高炉项目", new_energy_tce=50000, remarks=""
            ),
            {**formulas, REMARKS: 'IF(1,"","x")'},
        ),
        _row(5, valid_values(5, energy_rights_tce=None), {RIGHTS: "SUM(Y2:Y4)"}),
    ]
    lines = [row_xml(1, TEMPLATE_HEADERS)] + rows
    return write_zip(tmp_path / "source.xlsx", package([sheet_xml(lines)]))


def outcome(path, reference):
    validation = validate_workbook(path, reference)
    errors = [(e.row, e.column, e.message_zh) for e in validation.all_errors]
    return errors, dict(validation.rows)


@pytest.mark.parametrize("full_copy_max_rows", [20_000, 0], ids=["in-place", "copy"])
def test_the_annotated_file_uploads_unchanged_as_the_original(
    tmp_path, reference, full_copy_max_rows
):
    source = write_source(tmp_path)
    errors, rows = outcome(source, reference)
    assert [(row, column) for row, column, _m in errors] == [
        (3, "统一社会信用代码"),
        (5, "已购用能权(吨标准煤)"),
    ]
    assert sorted(rows) == [2, 4]
    annotated = tmp_path / "annotated.xlsx"
    write_annotated_workbook(
        source,
        validate_workbook(source, reference),
        annotated,
        "zh",
        full_copy_max_rows=full_copy_max_rows,
    )
    again_errors, again_rows = outcome(annotated, reference)
    if full_copy_max_rows:
        assert again_errors == errors  # the unsaved formula is still a formula
    else:
        # The copy cannot carry a formula whose text the reader never saw: that marked cell
        # comes back blank (an optional column: no error), every other result is the same.
        assert again_errors == errors[:1]
    assert {n: again_rows[n] for n in (2, 4)} == rows


@pytest.mark.parametrize("full_copy_max_rows", [20_000, 0], ids=["in-place", "copy"])
def test_fixing_only_the_marked_cells_gives_the_original_plus_the_fixes(
    tmp_path, reference, full_copy_max_rows
):
    source = write_source(tmp_path)
    _errors, rows = outcome(source, reference)
    annotated = tmp_path / "annotated.xlsx"
    write_annotated_workbook(
        source,
        validate_workbook(source, reference),
        annotated,
        "zh",
        full_copy_max_rows=full_copy_max_rows,
    )
    book = openpyxl.load_workbook(annotated)  # as a user's spreadsheet program would
    sheet = book["台账"]
    sheet.cell(row=3, column=USCC + 1).value = GOOD_USCC
    sheet.cell(row=5, column=RIGHTS + 1).value = 60000
    fixed = tmp_path / "fixed.xlsx"
    book.save(fixed)
    fixed_errors, fixed_rows = outcome(fixed, reference)
    assert fixed_errors == []
    assert sorted(fixed_rows) == [2, 3, 4, 5]
    assert {n: fixed_rows[n] for n in (2, 4)} == rows
    assert fixed_rows[3].name == "高炉项目" and fixed_rows[3].annual_energy_tce == 50000
    assert fixed_rows[5].energy_rights_tce == 60000


def test_the_ledger_sheet_keeps_saved_values_not_formulas(tmp_path, reference):
    source = write_source(tmp_path)
    annotated = tmp_path / "annotated.xlsx"
    write_annotated_workbook(source, validate_workbook(source, reference), annotated, "zh")
    sheet = openpyxl.load_workbook(annotated)["台账"]
    assert sheet.cell(row=2, column=ENERGY + 1).value == 50000
    assert sheet.cell(row=2, column=NAME + 1).value == "高炉项目"
    assert sheet.cell(row=2, column=NAME + 1).data_type == "s"
    assert sheet.cell(row=4, column=REMARKS + 1).value is None  # its saved result was ""
    # a formula without a saved value has nothing to keep: it stays, marked
    assert sheet.cell(row=5, column=RIGHTS + 1).data_type == "f"
