"""The per-column cell parsers of the ledger (SPEC §3): a raw cell in, its value, None (blank)
or a CellProblem out. `compile_parser` gives each template column its one-argument parser,
compiled once per file (closures over the reference data), so validating a cell is one call.

Pure: no Django, no database.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from operator import mul

from screening.ledger.xlsx import template
from screening.ledger.xlsx.cleaning import (
    NUMBER_MAX,
    NUMBER_TEXT,
    CellProblem,
    RawCell,
    cell_text,
    checked_number,
    display_value,
    float_decimal,
    fold,
    parse_choice,
    parse_date,
    parse_number,
    squeeze,
)
from screening.ledger.xlsx.problems import problem
from screening.ledger.xlsx.reference import (
    PROVINCE_NAMES,
    LedgerReference,
    Product,
    product_lookup_key,
)
from screening.ledger.xlsx.template import Column, Kind
from screening.rules.types import ConstructionType, Sector, Stage, TechClass

Parser = Callable[[RawCell], object]


_PROJECT_CODE = re.compile(r"[0-9]{4}-[0-9]{6}-[0-9]{2}-[0-9]{2}-[0-9]{6}")
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {char: value for value, char in enumerate(USCC_CHARSET)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


_USCC_CHARS = frozenset(USCC_CHARSET)


def uscc_check_character(first17: str) -> str:
    """GB 32100-2015 check character for the first 17 characters (all in the charset)."""
    if len(first17) != len(_USCC_WEIGHTS):
        raise ValueError("17 characters expected")
    total = sum(map(mul, map(_USCC_VALUE.__getitem__, first17), _USCC_WEIGHTS))
    return USCC_CHARSET[(31 - total % 31) % 31]


# The weights are 3**i mod 31 and 34 ≡ 3 (mod 31), so the weighted sum is, mod 31, the 17
# characters read as a base-34 number written backwards (each character as the base-34
# digit of its value: "0"–"9", "a"–"u"): one translate and one int() instead of 17 products
# (tests/screening/ledger/xlsx/test_parsers_fast.py checks it against uscc_check_character).
_USCC_DIGITS = str.maketrans(USCC_CHARSET, "0123456789abcdefghijklmnopqrstu")


def _check_character(first17: str) -> str:
    """uscc_check_character for 17 characters known to be in the charset."""
    return USCC_CHARSET[-int(first17.translate(_USCC_DIGITS)[::-1], 34) % 31]


def parse_project_code(
    raw: RawCell, max_length: int = template.TEXT_MAX_LENGTH
) -> str | None | CellProblem:
    """投资项目代码: the format, and YYMM with a month 01–12; the result is the cleaned text."""
    if raw.__class__ is str and _PROJECT_CODE.fullmatch(raw) and len(raw) <= max_length:
        code = raw  # the commonest cell: a code as is (ASCII, nothing to clean or fold)
    else:
        if raw.__class__ is float:
            return problem("code_stored_as_number", value=display_value(raw))  # issue 15
        text = cell_text(raw, max_length)
        if text is None or isinstance(text, CellProblem):
            return text
        code = fold(text)
        if _PROJECT_CODE.fullmatch(code) is None:
            return problem("project_code_format")
    if not 1 <= int(code[2:4]) <= 12:
        return problem("project_code_month", month=code[2:4])
    return code


def parse_uscc(
    raw: RawCell, max_length: int = template.TEXT_MAX_LENGTH
) -> str | None | CellProblem:
    """统一社会信用代码 without white space, upper-cased, 18 characters, valid check char."""
    if raw.__class__ is str and len(raw) == 18 <= max_length and raw.isalnum() and raw.isascii():
        code = raw.upper()  # the commonest cell: ASCII letters and digits, nothing to clean
    else:
        if raw.__class__ is float:
            return problem("code_stored_as_number", value=display_value(raw))  # issue 15
        text = cell_text(raw, max_length)
        if text is None or isinstance(text, CellProblem):
            return text
        code = squeeze(fold(text)).upper()
        if len(code) != 18:
            return problem("uscc_length", length=len(code))
    if not _USCC_CHARS.issuperset(code):
        wrong = "".join(dict.fromkeys(char for char in code if char not in _USCC_VALUE))
        return problem("uscc_charset", chars=wrong)
    expected = _check_character(code[:17])
    if code[17] != expected:
        return problem("uscc_check_digit", expected=expected)
    return code


def region_parser(reference: LedgerReference, max_length: int = template.TEXT_MAX_LENGTH) -> Parser:
    """所在地区 by full name, alias or 6-digit code (text or number) → the region's code."""
    regions = reference.regions
    province = {fold(name) for name in PROVINCE_NAMES}

    def parse(raw: RawCell) -> str | None | CellProblem:
        text = cell_text(raw, max_length)
        if text is None or isinstance(text, CellProblem):
            return text
        key = fold(text)
        code = regions.get(key)
        if code is not None:
            return code
        if key in province:
            return problem("region_province")
        return problem("region_unknown", value=text)

    return parse


def product_parser(
    reference: LedgerReference, max_length: int = template.TEXT_MAX_LENGTH
) -> Parser:
    """产品/工序: exactly a product key, compared after NFKC and removing white space."""
    products = reference.products

    def parse(raw: RawCell) -> Product | None | CellProblem:
        text = cell_text(raw, max_length)
        if text is None or isinstance(text, CellProblem):
            return text
        found = products.get(product_lookup_key(text))
        return found if found is not None else problem("product_unknown", value=text)

    return parse


def _text(max_length: int) -> Parser:
    """cell_text with a fast path for the commonest cell: printable text (no Cc/Cf character
    to remove, so cleaning is strip()) within the length limit."""

    def parse(raw: RawCell) -> str | None | CellProblem:
        if raw.__class__ is str and raw.isprintable():
            text = raw.strip()
            if len(text) <= max_length:
                return text or None
        return cell_text(raw, max_length)

    return parse


def _folded_text(max_length: int) -> Parser:
    def parse(raw: RawCell) -> str | None | CellProblem:
        text = cell_text(raw, max_length)
        if text is None or isinstance(text, CellProblem):
            return text
        return fold(text)

    return parse


_FLOAT_MAX = float(NUMBER_MAX)


def _number_parser(low: float, limit: int, allow_negative: bool = False) -> Parser:
    """parse_number with fast paths for the commonest cells, giving the Decimal parse_number
    gives: a number in range but zero, and printable ASCII text of digits (with grouping
    commas); zero, text to clean or fold and every problem go the full way."""

    def parse(raw: RawCell) -> Decimal | None | CellProblem:
        if raw.__class__ is float:
            if raw.is_integer():
                if low <= raw <= _FLOAT_MAX and raw != 0:
                    return Decimal(int(raw))
            elif low <= raw <= _FLOAT_MAX:  # a fraction in range (not NaN, not infinite)
                return float_decimal(raw)  # never 0, never too large: nothing to check
        elif raw.__class__ is str and raw.isascii() and raw.isprintable():
            text = raw.strip()  # clean_text's and fold's result for printable ASCII
            if text and len(text) <= limit and NUMBER_TEXT.fullmatch(text) is not None:
                return checked_number(Decimal(text.replace(",", "")), allow_negative)
        return parse_number(raw, allow_negative=allow_negative, max_length=limit)

    return parse


_ENUMS = {
    "sector": Sector,
    "construction_type": ConstructionType,
    "stage": Stage,
    "tech_class": TechClass,
}
_YES_NO = {template.YES: True, template.NO: False}


def compile_parser(column: Column, reference: LedgerReference) -> Parser:
    """The one-argument parser of a template column (raw cell → value/None/CellProblem)."""
    limit = column.max_length
    kind = column.kind
    if kind is Kind.TEXT:
        return _text(limit)
    if kind is Kind.PROJECT_CODE:
        return partial(parse_project_code, max_length=limit)
    if kind is Kind.USCC:
        return partial(parse_uscc, max_length=limit)
    if kind is Kind.REGION:
        return region_parser(reference, limit)
    if kind is Kind.PRODUCT:
        return product_parser(reference, limit)
    if kind is Kind.UNIT:
        return _folded_text(limit)
    if kind is Kind.NUMBER:
        return _number_parser(0.0, limit)
    if kind is Kind.SIGNED_NUMBER:
        return _number_parser(-_FLOAT_MAX, limit, allow_negative=True)
    if kind is Kind.DATE:
        return lambda raw: parse_date(raw, max_length=limit)
    if kind is Kind.ENUM:
        choices = {member.value: member for member in _ENUMS[column.key]}
        return lambda raw: parse_choice(raw, choices, max_length=limit)
    if kind is Kind.YESNO:
        return lambda raw: parse_choice(raw, _YES_NO, max_length=limit)
    raise ValueError(f"no parser for {kind}")  # pragma: no cover - every Kind is handled
