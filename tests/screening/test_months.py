"""screening.months: one home for month helpers, with a strict and a forgiving way of reading
'YYYY-MM' (issue 14)."""

from datetime import date

import pytest

from screening import months


def test_stepping_across_the_year_end():
    assert months.month_before(2025, 1) == (2024, 12)
    assert months.month_after(2025, 12) == (2026, 1)
    assert months.last_months(2025, 2, 3) == [(2024, 12), (2025, 1), (2025, 2)]
    assert months.month_end(2025, 12) == date(2026, 1, 1)
    assert months.month_key(2025, 6) == 202506
    assert months.month_label(2025, 6) == "2025-06"


def test_the_month_before_a_day_is_the_month_its_report_covers():
    assert months.month_before_day(date(2025, 6, 1)) == (2025, 5)
    assert months.month_before_day(date(2025, 1, 31)) == (2024, 12)


@pytest.mark.parametrize("text", ["2025-6", "2025/06", "25-06", "2025-13", ""])
def test_the_strict_reading_refuses_anything_but_yyyy_mm(text):
    with pytest.raises(ValueError, match="YYYY-MM"):
        months.parse_month(text)


def test_the_strict_reading_accepts_yyyy_mm():
    assert months.parse_month("2025-06") == (2025, 6)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2025-06", (2025, 6)),
        (" 2025-6 ", (2025, 6)),
        (None, None),
        ("", None),
        ("2025-13", None),
        ("1989-12", None),
        ("2101-01", None),
        ("june", None),
    ],
)
def test_the_forgiving_reading_gives_none_instead_of_an_error(text, expected):
    assert months.month_or_none(text) == expected
