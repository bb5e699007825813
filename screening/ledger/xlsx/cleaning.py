"""Generic cell cleaning and parsing, shared by every upload template (ledger, indicators).

A raw cell is what the reader yields: `str` ("" when blank), `float`, `bool`, `date`,
`datetime`, `time`, `timedelta`, or one of the markers below for what calamine cannot tell
apart from a blank (a formula without a saved value, an Excel error value).

Every parser takes a raw cell and returns the parsed value, `None` for blank, or a
`CellProblem`. "Given" (SPEC §3) is therefore simply `result is not None`.
"""

from __future__ import annotations

import math
import re
import sys
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cache

from screening.ledger.xlsx.problems import CellProblem, problem


class FormulaWithoutValue:
    """A formula cell saved without its computed value (e.g. written by a script)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "FORMULA_WITHOUT_VALUE"


FORMULA_WITHOUT_VALUE = FormulaWithoutValue()


@dataclass(frozen=True, slots=True)
class ExcelErrorValue:
    """An Excel error value (#N/A, #DIV/0! …) stored in a cell, cached or typed."""

    code: str

    def __str__(self) -> str:
        return self.code


RawCell = object  # str | float | bool | date | datetime | time | timedelta | markers above

# ---------------------------------------------------------------------------------- text


@cache
def _invisible_table() -> dict[int, None]:
    """Every Unicode Cc/Cf code point mapped to None, for str.translate (built once)."""
    return {
        cp: None
        for cp in range(sys.maxunicode + 1)
        if unicodedata.category(chr(cp)) in ("Cc", "Cf")
    }


def clean_text(text: str) -> str:
    """Remove invisible characters (Cc, Cf) anywhere, then strip white space at both ends."""
    # isprintable() is False for every Cc/Cf character, so most cells skip the translate.
    if not text.isprintable():
        text = text.translate(_invisible_table())
    return text.strip()


def fold(text: str) -> str:
    """NFKC folding: full-width letters, digits and punctuation become half-width."""
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


def squeeze(text: str) -> str:
    """Remove all white space (inside too), for keys compared ignoring it."""
    return "".join(text.split())


def normalise_header(text: str) -> str:
    """Header text as matched: invisible characters removed, NFKC folded, no white space."""
    return squeeze(fold(clean_text(text)))


def number_text(value: float) -> str:
    """A numeric cell as its text, as Excel shows it in General format (15 digits)."""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.15g}"


def display_value(raw: RawCell) -> str:
    """The value as given, as a string for error reports (no cleaning at all)."""
    if isinstance(raw, str):
        return raw
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, float):
        return number_text(raw)
    if isinstance(raw, datetime):
        return raw.isoformat(sep=" ")
    if isinstance(raw, (date, time)):
        return raw.isoformat()
    if isinstance(raw, timedelta):
        return str(raw)
    if raw is FORMULA_WITHOUT_VALUE:
        return "(公式)"
    return str(raw)


def is_blank(raw: RawCell) -> bool:
    """Blank after cleaning; markers (formula without value, error) are never blank."""
    if isinstance(raw, str):
        return raw == "" or clean_text(raw) == ""
    return False


def marker_problem(raw: RawCell) -> CellProblem | None:
    """The problem of a marker cell, or None for an ordinary value."""
    if raw is FORMULA_WITHOUT_VALUE:
        return problem("formula_without_value")
    if isinstance(raw, ExcelErrorValue):
        return problem("excel_error", error=raw.code)
    return None


def cell_text(raw: RawCell, max_length: int) -> str | None | CellProblem:
    """Any cell as cleaned text (numbers as shown by Excel); None when blank."""
    if isinstance(raw, str):
        if raw == "":
            return None
        text = clean_text(raw)
        if not text:
            return None
        if len(text) > max_length:
            return problem("too_long", limit=f"{max_length:,}", length=f"{len(text):,}")
        return text
    found = marker_problem(raw)
    if found is not None:
        return found
    if isinstance(raw, float) and not math.isfinite(raw):
        return problem("number_not_finite")
    return display_value(raw)


# -------------------------------------------------------------------------------- numbers

NUMBER_MAX = Decimal(10) ** 12
NUMBER_TEXT = re.compile(r"-?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?")
_ZERO = Decimal(0)


def checked_number(value: Decimal, allow_negative: bool) -> Decimal | CellProblem:
    if value == 0:
        return _ZERO  # −0 is 0
    if abs(value) > NUMBER_MAX:
        return problem("number_too_large")
    if value < 0 and not allow_negative:
        return problem("number_negative")
    return value


def float_decimal(value: float) -> Decimal:
    """A float cell as the Decimal Excel shows (at most 15 significant digits)."""
    if value.is_integer() and abs(value) < 1e15:
        return Decimal(int(value))
    return Decimal(f"{value:.15g}")


def parse_number(
    raw: RawCell, *, allow_negative: bool = False, max_length: int = 1_000
) -> Decimal | None | CellProblem:
    """A numeric cell or text `-?d+(.d+)?` with optional comma grouping in threes.

    Nothing is guessed: `约1.2万`, `N/A`, `1e4`, `+20000`, `1,2345`, `12 000`, NaN and infinity
    are errors; |x| > 10^12 is an error; negatives only where allowed.
    """
    if type(raw) is float:
        if not math.isfinite(raw):
            return problem("number_not_finite")
        return checked_number(float_decimal(raw), allow_negative)
    text = cell_text(raw, max_length)
    if text is None or isinstance(text, CellProblem):
        return text
    if not isinstance(raw, str):  # bool, date, time … are not numbers
        return problem("not_number", value=text)
    folded = fold(text)
    if NUMBER_TEXT.fullmatch(folded) is None:
        return problem("not_number", value=text)
    return checked_number(Decimal(folded.replace(",", "")), allow_negative)


# ---------------------------------------------------------------------------------- dates

DATE_MIN = date(1990, 1, 1)
DATE_MAX = date(2100, 12, 31)
_DATE_TEXT = re.compile(
    r"(?P<y>[0-9]{4})(?:(?P<sep>[-/.])(?P<m>[0-9]{1,2})(?P=sep)(?P<d>[0-9]{1,2})"
    r"|年(?P<m2>[0-9]{1,2})月(?P<d2>[0-9]{1,2})日|(?P<m3>[0-9]{2})(?P<d3>[0-9]{2}))"
)


def _checked_date(year: int, month: int, day: int, shown: str) -> date | CellProblem:
    try:
        value = date(year, month, day)
    except ValueError:
        return problem("not_calendar_date", value=shown)
    if not DATE_MIN <= value <= DATE_MAX:
        return problem("date_out_of_range")
    return value


def parse_date(raw: RawCell, *, max_length: int = 1_000) -> date | None | CellProblem:
    """An Excel date/datetime cell (time ignored), an 8-digit number, or dated text."""
    if type(raw) is date:
        return raw if DATE_MIN <= raw <= DATE_MAX else problem("date_out_of_range")
    if type(raw) is datetime:
        return _checked_date(raw.year, raw.month, raw.day, raw.isoformat(sep=" "))
    if type(raw) is float:
        if raw.is_integer() and 10_000_000 <= raw <= 99_999_999:
            digits = str(int(raw))
            return _checked_date(int(digits[:4]), int(digits[4:6]), int(digits[6:]), digits)
        return problem("not_date", value=display_value(raw))
    text = cell_text(raw, max_length)
    if text is None or isinstance(text, CellProblem):
        return text
    if not isinstance(raw, str):
        return problem("not_date", value=text)
    match = _DATE_TEXT.fullmatch(fold(text))
    if match is None:
        return problem("not_date", value=text)
    month = match["m"] or match["m2"] or match["m3"]
    day = match["d"] or match["d2"] or match["d3"]
    return _checked_date(int(match["y"]), int(month), int(day), text)


_MONTH_TEXT = re.compile(r"(?P<y>[0-9]{4})-(?P<m>[0-9]{2})")


def parse_year_month(
    raw: RawCell, *, max_length: int = 1_000
) -> tuple[int, int] | None | CellProblem:
    """Text `YYYY-MM` (the indicators template's 月份) as (year, month)."""
    text = cell_text(raw, max_length)
    if text is None or isinstance(text, CellProblem):
        return text
    match = _MONTH_TEXT.fullmatch(fold(text)) if isinstance(raw, str) else None
    if match is None or not 1 <= int(match["m"]) <= 12:
        return problem("not_month", value=text)
    year = int(match["y"])
    if not DATE_MIN.year <= year <= DATE_MAX.year:
        return problem("date_out_of_range")
    return year, int(match["m"])


# ---------------------------------------------------------------------------- enumerations


def parse_choice(
    raw: RawCell, choices: dict[str, object], *, max_length: int = 1_000
) -> object | None | CellProblem:
    """Text that must be exactly one of `choices` (folded text → value) after NFKC."""
    text = cell_text(raw, max_length)
    if text is None or isinstance(text, CellProblem):
        return text
    value = choices.get(fold(text), _MISSING)
    if value is _MISSING:
        return problem("not_choice", choices="、".join(choices))
    return value


_MISSING = object()


# ------------------------------------------------------------------------- header matching


@dataclass(frozen=True, slots=True)
class HeaderMatch:
    """Where each template column sits in the sheet, and what did not match.

    `positions` maps a column key to its 0-based sheet column; `problems` are header errors
    as (canonical header, CellProblem, 1-based sheet columns or ()).
    """

    positions: dict[str, int]
    ignored_columns: tuple[str, ...]
    problems: tuple[tuple[str, CellProblem, tuple[int, ...]], ...]


def match_headers(header_cells: list[RawCell], columns: tuple) -> HeaderMatch:
    """Match the sheet's row 1 to template columns (objects with `.header` and `.key`).

    Matching is on text after invisible-character removal, NFKC and white space removal;
    unknown headers are ignored (listed once each, stripped, as written); blank ones skipped.
    An unknown header is the same header however it is spaced or folded (序号, 序 号 and
    full-width forms are one, SPEC §3): it is listed once, as first written.
    """
    wanted = {normalise_header(column.header): column for column in columns}
    seen: dict[str, list[int]] = {}
    ignored: dict[str, str] = {}  # normalised header → as first written (stripped)
    for index, raw in enumerate(header_cells):
        text = display_value(raw) if not isinstance(raw, str) else raw
        key = normalise_header(text)
        if not key:
            continue
        column = wanted.get(key)
        if column is None:
            ignored.setdefault(key, clean_text(text))
            continue
        seen.setdefault(column.key, []).append(index)
    problems: list[tuple[str, CellProblem, tuple[int, ...]]] = []
    for column in columns:
        places = seen.get(column.key)
        if not places:
            problems.append((column.header, problem("header_missing", header=column.header), ()))
        elif len(places) > 1:
            sheet_columns = tuple(place + 1 for place in places)
            problems.append(
                (
                    column.header,
                    problem(
                        "header_duplicate",
                        header=column.header,
                        count=len(places),
                        columns="、".join(column_letter(n) for n in sheet_columns),
                    ),
                    sheet_columns,
                )
            )
    positions = {key: places[0] for key, places in seen.items()}
    return HeaderMatch(positions, tuple(ignored.values()), tuple(problems))


def column_letter(number: int) -> str:
    """1 → A, 27 → AA (1-based sheet column)."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_number(letters: str) -> int:
    """A → 1, AA → 27."""
    number = 0
    for char in letters:
        number = number * 26 + ord(char) - 64
    return number
