"""Reading a member ahead in a thread changes nothing but the time (safety._chunks).

Large members are inflated in a thread while the checks run on the chunk before; the corpus
is small, so here every member of every corpus file is read ahead and must be refused or
passed exactly as when read in line, and no thread may be left behind.
"""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path

import pytest

from screening.ledger.xlsx import reader, safety
from screening.ledger.xlsx.safety import Limits, UnsafeWorkbook, inspect_workbook
from tests.corpus.generate import build
from tests.screening.ledger.xlsx.conftest import VALID_ROW

_CORPUS = build(Path(tempfile.mkdtemp(prefix="read-ahead-corpus-")))
_TIGHT = Limits(max_total_uncompressed_bytes=2_000_000, max_member_ratio=20)


def outcome(path: Path, limits: Limits) -> tuple:
    try:
        found = inspect_workbook(path, limits)
    except UnsafeWorkbook as refused:
        return "refused", refused.code, str(refused)
    return "ok", found.sheet_member, found.in_pieces, found.markers, found.parts


@pytest.mark.parametrize("limits", [Limits(), _TIGHT], ids=["default", "tight"])
@pytest.mark.parametrize("entry", _CORPUS, ids=[entry.name for entry in _CORPUS])
def test_read_ahead_refuses_and_passes_the_same(entry, limits, monkeypatch):
    in_line = outcome(entry.path, limits)
    monkeypatch.setattr(safety, "_READ_AHEAD_FROM", 0)
    threads = threading.active_count()
    assert outcome(entry.path, limits) == in_line
    assert threading.active_count() == threads


def _sheet_folders() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("two-high-sheet-*")}


def test_the_parsing_thread_and_its_folder_go_when_the_reader_is_left_early(write_ledger):
    """The reader parses the next piece in a thread; stopping after a few rows (as a refusal
    for too many rows does) waits for it and removes the pieces."""
    path = write_ledger([dict(VALID_ROW, 项目名称=f"项目{n}") for n in range(40)])
    threads, folders = threading.active_count(), _sheet_folders()
    rows = reader.read_sheet(path, Limits(), piece_bytes=1).rows
    assert [next(rows)[0] for _ in range(3)] == [2, 3, 4]
    rows.close()
    assert threading.active_count() == threads
    assert _sheet_folders() == folders
    assert _refusal_code(path, Limits(max_data_rows=5, max_sheet_cells=10**6)) == "too_many_rows"
    # Once the refusal is handled (its traceback no longer holds the readers' frames).
    assert threading.active_count() == threads
    assert _sheet_folders() == folders


def _refusal_code(path: Path, limits: Limits) -> str:
    try:
        list(reader.read_sheet(path, limits, piece_bytes=1).rows)
    except UnsafeWorkbook as refused:
        return refused.code
    return ""
