"""The column-by-column validation of a file (issue 19) gives exactly what the row-by-row
validator (used by the single-screening API) gives: values, blanks and every message."""

from __future__ import annotations

import datetime

from screening.ledger.xlsx import parsers, row_validator, validate
from screening.ledger.xlsx.cleaning import match_headers
from screening.ledger.xlsx.reader import read_sheet
from screening.ledger.xlsx.template import COLUMNS, HEADERS
from tests.screening.ledger.xlsx.conftest import row_values


def test_batch_and_row_by_row_validation_agree(write_ledger, reference, monkeypatch):
    """SPEC §3 rules, both paths: bools next to numbers, codes as numbers, duplicates."""
    headers = list(HEADERS)
    rows = []
    for index in range(60):
        code = f"2104-410100-04-01-{index % 50:06d}"  # rows 52+ repeat earlier codes
        changes = {"项目代码": code}
        if index % 7 == 1:
            changes["年综合能源消费量(吨标准煤)"] = True  # a bool where a number goes
        if index % 7 == 2:
            changes["年综合能源消费量(吨标准煤)"] = 1.0
        if index % 11 == 3:
            changes["统一社会信用代码"] = 91410100.0
        if index % 13 == 4:
            changes["节能审查日期"] = "2021-02-30"
        if index % 9 == 5:
            changes["新增产能"], changes["产能单位"] = 5, None
        if index % 17 == 6:
            changes = dict.fromkeys(headers)  # a blank row
        if index % 19 == 7:
            changes["投产日期"], changes["开工日期"] = datetime.date(2020, 1, 1), "2021-1-1"
        rows.append(row_values(headers, **changes))
    rows.append(row_values(headers)[:5])  # a short row
    path = write_ledger(rows)
    monkeypatch.setattr(validate, "_BATCH_ROWS", 16)
    monkeypatch.setattr(row_validator, "_CACHE_SIZE", 8)  # memos reset between runs too
    result = validate.validate_workbook(path, reference)

    reading = read_sheet(path)
    matched = match_headers(reading.header, COLUMNS)
    plans = [
        row_validator.Plan(
            c,
            matched.positions[c.key],
            matched.positions[c.key] + 1,
            parsers.compile_parser(c, reference),
        )
        for c in COLUMNS
    ]
    one_by_one = row_validator.RowValidator(plans, reference)
    expected_rows, expected_errors, data_rows = [], [], 0
    for row_number, cells in reading.rows:
        blank, project, errors = one_by_one.validate(row_number, cells)
        if blank:
            continue
        data_rows += 1
        if project is not None:
            expected_rows.append((row_number, project))
        expected_errors.extend(errors)
    assert result.rows == expected_rows
    assert result.errors == expected_errors
    assert result.data_rows == data_rows and result.rows
    messages = " ".join(error.message_zh for error in result.errors)
    for part in (
        "应为数字",
        "存为数字",
        "不是真实存在的日期",
        "大于0时必须填写",
        "早于开工日期",
        "重复",
    ):
        assert part in messages
