"""Generic parsers, checked against their definitions with generated inputs."""

from __future__ import annotations

import re
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from screening.ledger.xlsx.cleaning import (
    clean_text,
    match_headers,
    normalise_header,
    parse_number,
    parse_year_month,
)
from screening.ledger.xlsx.parsers import USCC_CHARSET, parse_uscc, uscc_check_character
from screening.ledger.xlsx.problems import CellProblem

GROUPED = re.compile(r"-?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?")


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=4, allow_nan=False))
def test_plain_decimal_text_parses_to_itself(value):
    parsed = parse_number(
        str(value) if "E" not in str(value) else f"{value:f}", allow_negative=True
    )
    assert parsed == value


@given(st.integers(min_value=0, max_value=10**12))
def test_comma_grouped_integers_parse(value):
    assert parse_number(f"{value:,}") == Decimal(value)


@given(st.text(alphabet="0123456789,.-+eE 约万", max_size=12))
def test_text_is_a_number_exactly_when_it_has_the_grammar(text):
    parsed = parse_number(text, allow_negative=True)
    stripped = text.strip()
    if not stripped:
        assert parsed is None
    elif GROUPED.fullmatch(stripped) and abs(Decimal(stripped.replace(",", ""))) <= 10**12:
        assert parsed == Decimal(stripped.replace(",", ""))
    else:
        assert isinstance(parsed, CellProblem)


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_numeric_cells_are_finite_bounded_and_never_negative_zero(value):
    parsed = parse_number(value, allow_negative=True)
    if value != value or abs(value) > 10**12:
        assert isinstance(parsed, CellProblem)
    else:
        assert parsed == Decimal(f"{value:.15g}") and str(parsed) != "-0"


@given(st.text(alphabet=USCC_CHARSET, min_size=17, max_size=17))
def test_every_code_with_its_check_character_is_valid(body):
    code = body + uscc_check_character(body)
    assert parse_uscc(code) == code
    wrong = next(c for c in USCC_CHARSET if c != code[-1])
    assert isinstance(parse_uscc(body + wrong), CellProblem)


def test_the_published_example_codes_are_valid():
    assert parse_uscc("91110000600037341L") == "91110000600037341L"
    assert parse_uscc("91110108551385082Q") == "91110108551385082Q"


def test_invisible_characters_are_removed_anywhere():
    assert clean_text("\ufeff a\u200bb\u202ec\u00ad \x00") == "abc"
    assert normalise_header(" 产品／工序\u3000") == "产品/工序"


def test_year_month_for_the_indicators_template():
    assert parse_year_month("2024-03") == (2024, 3)
    assert parse_year_month("２０２４－１２") == (2024, 12)
    for bad in ("2024-13", "2024-3", "202403", "2024/03"):
        assert isinstance(parse_year_month(bad), CellProblem)


def test_header_matching_is_reusable_with_another_column_list():
    class Col:
        def __init__(self, header, key):
            self.header, self.key = header, key

    columns = (Col("地区", "region"), Col("月份", "month"))
    found = match_headers(["月 份", "备注", "", "地区"], columns)
    assert found.positions == {"month": 0, "region": 3}
    assert found.ignored_columns == ("备注",) and found.problems == ()
