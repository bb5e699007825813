"""screening_to_dict: one result row of SPEC §8's JSON, in Chinese or English."""

from __future__ import annotations

import json

import pytest

from screening.rules import screening_to_dict
from screening.rules.testing import run


def test_the_row_contract(p21):
    row = screening_to_dict(run(p21, replaced_capacity="120"))
    assert list(row) == ["in_scope", "verdict", "disposition", "findings"]
    assert row["in_scope"] is True
    assert (row["verdict"], row["disposition"]) == ("NON_COMPLIANT", "REJECT")
    r03 = next(f for f in row["findings"] if f["rule"] == "R03")
    assert list(r03) == ["rule", "outcome", "clause", "message", "values"]
    assert r03["outcome"] == "FAIL" and r03["clause"] == "(四)2"
    assert r03["values"]["ratio_required"] == 1.25
    assert type(r03["values"]["new_capacity"]) is int
    assert "置换" in r03["message"]
    json.dumps(row, ensure_ascii=False)


def test_english_messages(p21):
    row = screening_to_dict(run(p21), lang="en")
    assert row["findings"][0]["message"] == (
        "In scope as a two-high project: steel sector using 20,000 tce a year, "
        "at or above 10,000 tce."
    )


def test_values_are_copies(p21):
    screening = run(p21)
    screening_to_dict(screening)["findings"][0]["values"]["sector"] = "x"
    assert screening.findings[0].values["sector"] == "钢铁"


def test_unknown_language_is_refused(p21):
    with pytest.raises(ValueError):
        screening_to_dict(run(p21), lang="fr")


def test_out_of_scope_row(p21):
    row = screening_to_dict(run(p21, annual_energy_tce="6000"))
    assert row["in_scope"] is False
    assert (row["verdict"], row["disposition"]) == ("NOT_IN_SCOPE", "NONE")
    assert [f["rule"] for f in row["findings"]] == ["R02"]
