"""The validator's fast paths (issue 19) give exactly what the general paths give: the cell
parsers' shortcuts for the commonest cells, the USCC check character, and the run-by-run
validation's row rules (every rule, across runs, with memos filling up)."""

from __future__ import annotations

import datetime
import math
import random

import pytest

from screening.ledger.xlsx import parsers, row_validator, validate
from screening.ledger.xlsx.cleaning import (
    FORMULA_WITHOUT_VALUE,
    ExcelErrorValue,
    cell_text,
    fold,
    match_headers,
    parse_number,
)
from screening.ledger.xlsx.parsers import USCC_CHARSET, compile_parser, uscc_check_character
from screening.ledger.xlsx.reader import read_sheet
from screening.ledger.xlsx.template import COLUMNS, HEADERS, Kind
from tests.screening.ledger.xlsx.conftest import row_values

NUMBER_CELLS = [
    0.0,
    -0.0,
    1.0,
    -1.0,
    0.5,
    -0.5,
    12345.5,
    1e-20,
    -1e-20,
    5e-324,
    999999999999.9999,
    1e12,
    -1e12,
    1e12 + 0.5,
    1.5e12,
    -1.5e12,
    2.0**53 + 0.5,
    0.1 + 0.2,
    math.inf,
    -math.inf,
    math.nan,
    "",
    " ",
    "0",
    "12",
    "12,345",
    "1,2345",
    "-12,345.50",
    "  7 ",
    "1e4",
    "+20000",
    "１２",
    "12\u200b",
    "1000000000001",
    "-5",
    "N/A",
    "x" * 2000,
    "9" * 1001,
    True,
    False,
    datetime.date(2021, 1, 1),
    FORMULA_WITHOUT_VALUE,
    ExcelErrorValue("#N/A"),
]


@pytest.mark.parametrize("kind", [Kind.NUMBER, Kind.SIGNED_NUMBER])
def test_number_parser_gives_what_parse_number_gives(kind, reference):
    column = next(column for column in COLUMNS if column.kind is kind)
    parse = compile_parser(column, reference)
    allow_negative = kind is Kind.SIGNED_NUMBER
    for raw in NUMBER_CELLS + [random.uniform(-2e12, 2e12) for _ in range(2000)]:
        expected = parse_number(raw, allow_negative=allow_negative, max_length=column.max_length)
        found = parse(raw)
        assert repr(found) == repr(expected), raw  # the same Decimal, exponent included


TEXT_CELLS = [
    "",
    "   ",
    "项目",
    " 项目 ",
    "a\tb",
    "a\u200bb",
    "\u200b",
    "x" * 1000,
    "x" * 1001,
    " " + "x" * 1000 + " ",
    "ＡＢＣ",
    1.0,
    2.5,
    True,
    datetime.date(2021, 1, 1),
    FORMULA_WITHOUT_VALUE,
    ExcelErrorValue("#REF!"),
]


def test_text_parser_gives_what_cell_text_gives(reference):
    for column in COLUMNS:
        if column.kind is Kind.TEXT:
            parse = compile_parser(column, reference)
            for raw in TEXT_CELLS + ["y" * column.max_length, "y" * (column.max_length + 1)]:
                assert parse(raw) == cell_text(raw, column.max_length), (column.key, raw)


def _slow_project_code(raw, max_length):
    """parse_project_code without its shortcut."""
    if raw.__class__ is float:
        return parsers.problem("code_stored_as_number", value=parsers.display_value(raw))
    text = cell_text(raw, max_length)
    if text is None or text.__class__ is not str:
        return text
    code = fold(text)
    if parsers._PROJECT_CODE.fullmatch(code) is None:
        return parsers.problem("project_code_format")
    if not 1 <= int(code[2:4]) <= 12:
        return parsers.problem("project_code_month", month=code[2:4])
    return code


def test_project_code_shortcut_changes_nothing():
    cells = [
        "2104-410100-04-01-123456",
        "2113-410100-04-01-123456",
        "2100-410100-04-01-123456",
        " 2104-410100-04-01-123456 ",
        "２１０４-410100-04-01-123456",
        "2104-410100-04-01-12345",
        "2104-410100-04-01-1234567",
        "2104410100040112345600",
        "",
        2104.0,
        True,
    ]
    for raw in cells:
        for limit in (1000, 24, 23):
            assert parsers.parse_project_code(raw, limit) == _slow_project_code(raw, limit), raw


def test_uscc_check_character_shortcut_matches_the_weighted_sum():
    rng = random.Random(19)
    samples = ["0" * 17, "Y" * 17, USCC_CHARSET[:17], USCC_CHARSET[-17:]]
    samples += ["".join(rng.choice(USCC_CHARSET) for _ in range(17)) for _ in range(20_000)]
    for first17 in samples:
        assert parsers._check_character(first17) == uscc_check_character(first17)


def test_uscc_shortcut_changes_nothing():
    valid = "91110000600037341L"
    cells = [
        valid,
        valid.lower(),
        valid[:17] + "A",
        valid[:16] + "I" + "L",
        valid[:17],
        valid + "0",
        "9111000060003734ZL",
        "91110000600037341Ｌ",
        "9111 0000 6000 3734 1L",
        "",
        91110000.0,
        True,
    ]
    for raw in cells:
        padded = f" {raw} " if isinstance(raw, str) else raw  # the general path
        for limit in (1000, 18, 17):
            assert parsers.parse_uscc(raw, limit) == parsers.parse_uscc(padded, limit), raw


def test_every_column_parser_reads_a_blank_cell_as_blank(reference):
    """validate_batch hands "" to the parsers of columns it does not memoise."""
    for column in COLUMNS:
        assert compile_parser(column, reference)("") is None, column.key


def test_runs_give_what_row_by_row_gives_for_every_rule(write_ledger, reference, monkeypatch):
    """Each row rule of SPEC §3 fires in some rows, across several runs, with memos that
    fill up (columns then parsed cell by cell) and bools beside numbers."""
    headers = list(HEADERS)
    rows = []
    for index in range(90):
        changes: dict[str, object] = {
            "项目代码": f"2104-410100-04-01-{index % 70:06d}",
            "项目名称": f"项目{index}",
            "年综合能源消费量(吨标准煤)": 1000 + index,
        }
        kind = index % 12
        if kind == 1:
            changes["所属行业"] = "钢铁"  # the product (焦炭) is not of that sector
        elif kind == 2:
            changes["单位产品能耗单位"] = "kgce/m²"  # not the product's unit
        elif kind == 3:
            changes["节能审查日期"] = None  # required: 节能审查文号 is given
        elif kind == 4:
            changes["项目代码"] = "2104-4101"  # invalid, and repeated: a duplicate too
        elif kind == 5:
            changes["项目代码"] = 2104.0  # a code stored as a number
        elif kind == 6:
            changes = dict.fromkeys(headers)  # a blank row
        elif kind == 7:
            changes["开工日期"], changes["投产日期"] = "2021-1-1", datetime.date(2020, 1, 1)
        elif kind == 8:
            changes["新增产能"], changes["产能单位"] = 5, None
        elif kind == 9:
            changes["年综合能源消费量(吨标准煤)"] = True
        elif kind == 10:
            changes["所在地区"] = None  # required
        elif kind == 11:
            changes["产品/工序"] = "不存在的产品"
        rows.append(row_values(headers, **changes))
    path = write_ledger(rows)
    monkeypatch.setattr(validate, "_BATCH_ROWS", 16)
    monkeypatch.setattr(row_validator, "_CACHE_SIZE", 8)
    result = validate.validate_workbook(path, reference)
    expected_rows, expected_errors, data_rows = one_by_one(path, reference)
    assert result.rows == expected_rows
    assert result.errors == expected_errors
    assert result.data_rows == data_rows
    assert result.invalid_rows == len({error.row for error in expected_errors})
    messages = " ".join(error.message_zh for error in result.errors)
    for part in (
        "不属于所属行业",
        "的单位）",
        "时必须填写",
        "大于0时必须填写",
        "重复",
        "存为数字",
        "早于开工日期",
        "不能为空",
        "不在能效标杆水平表中",
        "应为数字",
    ):
        assert part in messages, part


def one_by_one(path, reference):
    """The file through the row-by-row validator: (valid rows, errors, data rows)."""
    reading = read_sheet(path)
    matched = match_headers(reading.header, COLUMNS)
    plans = [
        row_validator.Plan(
            column,
            matched.positions[column.key],
            matched.positions[column.key] + 1,
            compile_parser(column, reference),
        )
        for column in COLUMNS
    ]
    validator = row_validator.RowValidator(plans, reference)
    rows, errors, data_rows = [], [], 0
    for row_number, cells in reading.rows:
        blank, project, found = validator.validate(row_number, cells)
        if blank:
            continue
        data_rows += 1
        if project is not None:
            rows.append((row_number, project))
        errors.extend(found)
    return rows, errors, data_rows


def test_raw_digest_tags_cells_as_before():
    """The exact-type shortcut for date cells writes what the general tagging writes."""
    import orjson

    from screening.ledger.xlsx import known_rows

    class LaterDate(datetime.date):
        pass

    cells = [
        "",
        "text",
        1.0,
        True,
        datetime.date(2021, 1, 2),
        datetime.datetime(2021, 1, 2, 3, 4, 5, 6),
        datetime.time(3, 4, 5),
        datetime.timedelta(days=1, seconds=2),
        LaterDate(2021, 1, 2),
        FORMULA_WITHOUT_VALUE,
        ExcelErrorValue("#N/A"),
    ]
    options = known_rows._OPTIONS
    for cell in cells:
        fast = orjson.dumps([cell], default=known_rows._tagged_fast, option=options)
        assert fast == orjson.dumps([cell], default=known_rows._tagged, option=options), cell
