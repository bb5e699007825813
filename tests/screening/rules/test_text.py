"""num() and jnum(): numbers as an officer writes them and as JSON, looked up in a memo."""

from __future__ import annotations

from decimal import Decimal

import pytest

from screening.rules import text
from screening.rules.text import jnum, num

D = Decimal


@pytest.mark.parametrize(
    ("value", "written", "as_json"),
    [
        (None, "—", None),
        (0, "0", 0),
        (1234567, "1,234,567", 1234567),
        (D("20000"), "20,000", 20000),
        (D("20000.000"), "20,000", 20000),
        (D("1E+3"), "1,000", 1000),
        (D("1.50"), "1.5", 1.5),
        (D("12345.678"), "12,345.678", 12345.678),
        (D("0.001"), "0.001", 0.001),
        (D("-25"), "-25", -25),
        (D("-0"), "0", 0),
    ],
)
def test_numbers_in_words_and_in_json(value, written, as_json):
    assert num(value) == written
    result = jnum(value)
    assert result == as_json and type(result) is type(as_json)
    # Asked again (now from the memo): the same answer.
    assert num(value) == written and jnum(value) == as_json


def test_equal_numbers_share_an_entry_and_their_text():
    """Decimal("1.50"), Decimal("1.5") and their int siblings compare equal: whichever comes
    first, the text and JSON value are those of the number, not of its spelling."""
    assert [num(v) for v in (D("7.50"), D("7.5"), D("7.500"))] == ["7.5"] * 3
    assert [num(v) for v in (D("8.0"), 8, D("8"), D("0.8E+1"))] == ["8"] * 4
    assert [type(jnum(v)) for v in (D("9.0"), 9, D("9"))] == [int] * 3


def test_the_memo_is_emptied_when_full_and_answers_stay_right(monkeypatch):
    monkeypatch.setattr(text._Memo, "LIMIT", 4)
    memo = text._Memo(text._decimal_text, "—")
    for i in range(10):
        assert memo[D(i * 1000)] == f"{i * 1000:,}"
        assert len(memo) <= 4
    assert memo[None] == "—"
    assert memo[D("2.50")] == "2.5"
