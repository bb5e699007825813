"""Checking well-formedness in a child process changes nothing but where it runs (wellformed.py).

Every corpus file is inspected with every part checked in a child and with none: the same
verdict, code and message (the line included), and no thread, process or file descriptor
left behind. A damaged part several chunks long gets the same refusal either way, also when
the stream refuses the part itself before or after the damage. A child that cannot start,
dies, is killed half-way, answers nonsense or stalls is replaced by the check in process:
the file is still refused or passed exactly as before.
"""

from __future__ import annotations

import dataclasses
import os
import sys
import tempfile
import threading
import zlib
from pathlib import Path

import pytest

from screening.ledger.uploads import limits_from_settings
from screening.ledger.xlsx import wellformed
from screening.ledger.xlsx.limits import CHUNK
from screening.ledger.xlsx.safety import Limits, UnsafeWorkbook, inspect_workbook
from screening.ledger.xlsx.wellformed_child import FRAME, XmlCheck, check_frames
from tests.corpus.generate import Raw, build, ledger_sheet, package, valid_values, write_zip

_CORPUS = build(Path(tempfile.mkdtemp(prefix="wellformed-corpus-")))
_TIGHT = Limits(max_total_uncompressed_bytes=2_000_000, max_member_ratio=20)
IN_CHILD, IN_PROCESS = 0, -1
SHEET = "xl/worksheets/sheet1.xml"


def outcome(path: Path, limits: Limits, child_from: int) -> tuple:
    limits = dataclasses.replace(limits, xml_check_in_child_from=child_from)
    try:
        found = inspect_workbook(path, limits)
    except UnsafeWorkbook as refused:
        return "refused", refused.code, refused.message("en"), refused.message("zh")
    return "ok", found.sheet_member, found.in_pieces, found.markers, found.parts


def _children() -> set[str]:
    """This process's children (their pids), from /proc."""
    found = set()
    for task in Path("/proc/self/task").iterdir():
        found.update((task / "children").read_text().split())
    return found


@pytest.fixture
def nothing_left_behind():
    threads, children, fds = threading.active_count(), _children(), len(os.listdir("/proc/self/fd"))
    yield
    assert threading.active_count() == threads
    assert _children() == children
    assert len(os.listdir("/proc/self/fd")) == fds


@pytest.mark.parametrize("limits", [Limits(), _TIGHT], ids=["default", "tight"])
@pytest.mark.parametrize("entry", _CORPUS, ids=[entry.name for entry in _CORPUS])
def test_every_corpus_file_gets_the_same_verdict_in_a_child(entry, limits, nothing_left_behind):
    assert outcome(entry.path, limits, IN_CHILD) == outcome(entry.path, limits, IN_PROCESS)


def test_the_setting_reaches_the_limits(settings):
    default = limits_from_settings()
    assert default.xml_check_in_child_from == Limits().xml_check_in_child_from == 8_000_000
    settings.LEDGER_XML_CHILD_FROM_BYTES = -1
    assert limits_from_settings().xml_check_in_child_from == -1
    # Not a limit: the identical-file key (the limits' repr) and equality ignore it.
    assert repr(limits_from_settings()) == repr(default)
    assert limits_from_settings() == default


# ------------------------------------------------------------------- a big damaged sheet


def _big_sheet(rows: int = 2_500) -> bytes:
    sheet = ledger_sheet([valid_values(n, remarks="备注" * 100) for n in range(rows)])
    assert len(sheet) > 3 * CHUNK
    return sheet


def _mismatched_row(sheet: bytes, at: float) -> bytes:
    """The first `</row>` after the fraction `at` of the sheet misspelt: expat stops there."""
    end = sheet.index(b"</row>", int(len(sheet) * at))
    return sheet[:end] + b"</rowx>" + sheet[end + len(b"</row>") :]


def _write(tmp_path: Path, sheet: bytes | Raw, name: str = "big.xlsx") -> Path:
    return write_zip(tmp_path / name, package([sheet]))


def _deflated_with_declared(data: bytes, declared_size: int) -> Raw:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return Raw(
        c.compress(data) + c.flush(), len(data), zlib.crc32(data), declared_size=declared_size
    )


def test_a_big_damaged_sheet_is_refused_with_the_same_line(tmp_path, nothing_left_behind):
    path = _write(tmp_path, _mismatched_row(_big_sheet(), 0.5))
    in_child = outcome(path, Limits(), IN_CHILD)
    assert in_child == outcome(path, Limits(), IN_PROCESS)
    assert in_child[1] == "malformed_xml"
    assert "near line" in in_child[2] and SHEET in in_child[2]


def test_a_truncated_big_sheet_is_refused_at_its_end(tmp_path, nothing_left_behind):
    sheet = _big_sheet()
    path = _write(tmp_path, sheet[: sheet.rindex(b"</row>") + 3])
    assert outcome(path, Limits(), IN_CHILD) == outcome(path, Limits(), IN_PROCESS)
    assert outcome(path, Limits(), IN_CHILD)[1] == "malformed_xml"


@pytest.mark.parametrize("damage_at", [0.1, 0.9], ids=["damage-first", "declaration-first"])
def test_the_first_of_two_refusals_wins_either_way(tmp_path, damage_at, nothing_left_behind):
    """A damaged row and, in a later or earlier chunk, a DOCTYPE the stream itself refuses:
    whichever comes first in the part is the refusal, in a child as in process."""
    sheet = _mismatched_row(_big_sheet(), damage_at)
    middle = sheet.index(b"<row ", len(sheet) // 2)
    sheet = sheet[:middle] + b"<!DOCTYPE x>" + sheet[middle:]
    path = _write(tmp_path, sheet)
    in_child = outcome(path, Limits(), IN_CHILD)
    assert in_child == outcome(path, Limits(), IN_PROCESS)
    assert in_child[1] == ("malformed_xml" if damage_at < 0.5 else "doctype")


def test_a_truncated_sheet_with_a_lying_size_is_refused_for_its_size(tmp_path, nothing_left_behind):
    """The stream refuses the size at the end, before the parse is closed: the child is
    asked about the chunks it was sent, which were well-formed so far."""
    sheet = _big_sheet()
    sheet = sheet[: sheet.rindex(b"</row>") + 3]
    path = _write(tmp_path, _deflated_with_declared(sheet, len(sheet) + 10))
    in_child = outcome(path, Limits(), IN_CHILD)
    assert in_child == outcome(path, Limits(), IN_PROCESS)
    assert in_child[1] == "size_mismatch"


def test_the_threshold_is_the_declared_size(tmp_path, monkeypatch):
    started = []
    real = wellformed.ChildCheck.__init__

    def spy(self, name, replay):
        started.append(name)
        real(self, name, replay)

    monkeypatch.setattr(wellformed.ChildCheck, "__init__", spy)
    sheet = _big_sheet()
    path = _write(tmp_path, sheet)
    outcome(path, Limits(), len(sheet) + 1)
    assert started == []
    outcome(path, Limits(), len(sheet))
    assert started == [SHEET]


# ---------------------------------------------------------------- a child that fails us


def _files(tmp_path: Path) -> dict[str, Path]:
    sheet = _big_sheet()
    return {
        "good": _write(tmp_path, sheet, "good.xlsx"),
        "damaged": _write(tmp_path, _mismatched_row(sheet, 0.7), "damaged.xlsx"),
        "truncated": _write(tmp_path, sheet[: sheet.rindex(b"</row>") + 3], "truncated.xlsx"),
    }


FAILING_CHILDREN = {
    "cannot start": ("/nonexistent/python",),
    "exits at once": (sys.executable, "-c", "pass"),
    "dies after a little": (sys.executable, "-c", "import sys; sys.stdin.buffer.read(100000)"),
    "answers nonsense": (
        sys.executable,
        "-c",
        'import sys; sys.stdin.buffer.read(); print(\'{"ok": "maybe"}\')',
    ),
    "fails": (sys.executable, "-c", "import sys; sys.stdin.buffer.read(); sys.exit(3)"),
}


@pytest.mark.parametrize("command", FAILING_CHILDREN.values(), ids=FAILING_CHILDREN.keys())
def test_a_failing_child_is_replaced_by_the_check_in_process(
    tmp_path, monkeypatch, command, nothing_left_behind
):
    files = _files(tmp_path)
    expected = {kind: outcome(path, Limits(), IN_PROCESS) for kind, path in files.items()}
    monkeypatch.setattr(wellformed, "CHILD_COMMAND", command)
    assert {kind: outcome(path, Limits(), IN_CHILD) for kind, path in files.items()} == expected
    assert [verdict[0] for verdict in expected.values()] == ["ok", "refused", "refused"]


def test_a_child_killed_half_way_is_replaced(tmp_path, monkeypatch, nothing_left_behind):
    files = _files(tmp_path)
    expected = {kind: outcome(path, Limits(), IN_PROCESS) for kind, path in files.items()}
    real_feed = wellformed.ChildCheck.feed
    killed = []

    def feed_then_kill(self, chunk):
        real_feed(self, chunk)
        if self.fed == 2:
            self.process.kill()
            killed.append(self.name)

    monkeypatch.setattr(wellformed.ChildCheck, "feed", feed_then_kill)
    assert {kind: outcome(path, Limits(), IN_CHILD) for kind, path in files.items()} == expected
    assert killed == [SHEET] * 3


def test_a_stalled_child_is_killed_and_replaced(tmp_path, monkeypatch, nothing_left_behind):
    files = _files(tmp_path)
    expected = {kind: outcome(path, Limits(), IN_PROCESS) for kind, path in files.items()}
    monkeypatch.setattr(wellformed, "CHILD_PATIENCE", 0.3)
    monkeypatch.setattr(
        wellformed, "CHILD_COMMAND", (sys.executable, "-c", "import time; time.sleep(60)")
    )
    assert {kind: outcome(path, Limits(), IN_CHILD) for kind, path in files.items()} == expected


def test_the_child_is_ended_when_the_parent_fails(tmp_path, monkeypatch, nothing_left_behind):
    """Anything but a refusal (here an error in the sheet scan) ends the child too."""
    path = _files(tmp_path)["good"]

    def broken(self, chunk):
        raise RuntimeError("scan failed")

    monkeypatch.setattr("screening.ledger.xlsx.sheet_scan.SheetScan.feed", broken)
    with pytest.raises(RuntimeError):
        inspect_workbook(path, Limits(xml_check_in_child_from=IN_CHILD))


# ------------------------------------------------------------------- the child's protocol


class _Frames:
    def __init__(self, *frames: bytes, end: bool) -> None:
        data = b"".join(FRAME.pack(len(frame)) + frame for frame in frames)
        self.data = memoryview(data + (FRAME.pack(0) if end else b""))

    def read(self, size: int) -> bytes:
        part, self.data = bytes(self.data[:size]), self.data[size:]
        return part


@pytest.mark.parametrize(
    ("frames", "end", "verdict"),
    [
        ((b"<a>", b"<b/>", b"</a>"), True, {"ok": True}),
        ((b"<a>", b"<b/>"), True, {"code": "malformed_xml", "line": 1}),
        ((b"<a>", b"<b/>"), False, {"ok": True}),  # the parent stopped early: so far so good
        ((b"<a>\n</b>", b"\n\n"), False, {"code": "malformed_xml", "line": 2}),
        ((b'<!DOCTYPE a [<!ENTITY e "x">]><a/>',), True, {"code": "doctype", "line": 0}),
    ],
)
def test_the_child_says_one_verdict(frames, end, verdict):
    assert check_frames(_Frames(*frames, end=end)) == verdict


def test_the_check_is_the_same_in_process():
    check = XmlCheck()
    check.feed(b"<a>")
    check.feed(b"</a>")
    check.close()
