"""Issue 15 (second round): the API's upload gives `hints` beside `errors`, which stay exactly
SPEC §3's list (every missing header at row 1)."""

from __future__ import annotations

from openpyxl import Workbook

from screening.ledger.xlsx.template import COLUMNS
from tests.ledger_files import valid_row

HEADERS = [c.header for c in COLUMNS]


def workbook(path, rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def values(row):
    return [row.get(c.key) for c in COLUMNS]


def test_the_api_gives_the_hints_beside_the_spec_errors(api_for, agency_a, tmp_path):
    """The API's `errors` are SPEC §3's list; `hints` is an additional key."""
    path = workbook(tmp_path / "t.xlsx", [["两高项目台账"], HEADERS, values(valid_row())])
    with path.open("rb") as handle:
        response = api_for(agency_a).post(
            "/api/ledger/uploads/", {"file": handle, "region": "410100"}, format="multipart"
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert [(e["row"], e["column"]) for e in body["errors"]] == [(1, h) for h in HEADERS]
    assert all(
        f"header “{e['column']}” is missing from row 1" in e["message"] for e in body["errors"]
    )
    [hint] = body["hints"]
    assert hint["kind"] == "title_rows" and hint["row"] == 2
    assert "the headers must be on row 1, but they are on row 2" in hint["message"]


def test_a_valid_upload_has_no_hints(api_for, agency_a, tmp_path):
    path = workbook(tmp_path / "t.xlsx", [HEADERS, values(valid_row())])
    with path.open("rb") as handle:
        body = (
            api_for(agency_a)
            .post("/api/ledger/uploads/", {"file": handle, "region": "410100"}, format="multipart")
            .json()
        )
    assert body["status"] == "preview" and body["errors"] == [] and body["hints"] == []
