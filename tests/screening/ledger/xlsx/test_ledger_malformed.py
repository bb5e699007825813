"""A part that is not well-formed XML is refused, never read leniently (SPEC §9, issue 13.5).

Each file is a real ledger with a shared-string table and a style sheet, as Excel writes
them (`tests.corpus.generate.excel_like_parts`), with one part damaged: an unclosed tag, a
mismatched end tag, or the part cut off in the middle of a tag. The checks, `screen_ledger`
(exit 2, one line on standard error) and an upload (refused, nothing stored) all say the
file cannot be read safely.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation

from screening.ledger.xlsx.safety import UnsafeWorkbook, check_workbook_file
from tests.corpus.generate import excel_like_package, excel_like_parts, valid_values, write_zip

SHEET = "xl/worksheets/sheet1.xml"
SHARED = "xl/sharedStrings.xml"
STYLES = "xl/styles.xml"


@pytest.fixture(autouse=True)
def _keep_the_language():
    """Commands with --lang and requests with Accept-Language activate a language in this
    thread; later tests (the browser tests compare labels) must not inherit it."""
    language = translation.get_language()
    yield
    translation.activate(language)


def _unclosed(xml: bytes, tag: bytes) -> bytes:
    """The first end tag `</tag>` dropped: its element is never closed."""
    end = b"</" + tag + b">"
    assert end in xml
    return xml.replace(end, b"", 1)


def _mismatched(xml: bytes, tag: bytes) -> bytes:
    """The first end tag `</tag>` renamed: it closes an element that is not open."""
    end = b"</" + tag + b">"
    assert end in xml
    return xml.replace(end, b"</" + tag + b"x>", 1)


def _truncated(xml: bytes, tag: bytes) -> bytes:
    """The part cut off in the middle of its last `</tag>`."""
    end = xml.rfind(b"</" + tag + b">")
    assert end > 0
    return xml[: end + 3]


DAMAGE = {"unclosed": _unclosed, "mismatched": _mismatched, "truncated": _truncated}
# (part, the element whose tag is damaged)
PARTS = {"sheet": (SHEET, b"row"), "shared strings": (SHARED, b"si"), "styles": (STYLES, b"font")}


def damaged(tmp_path: Path, part: str, damage: str) -> Path:
    parts = excel_like_parts([valid_values(0), valid_values(1)])
    member, tag = PARTS[part]
    parts[member] = DAMAGE[damage](parts[member], tag)
    return write_zip(
        tmp_path / f"{part.replace(' ', '_')}-{damage}.xlsx", excel_like_package(parts)
    )


CASES = [(part, damage) for part in PARTS for damage in DAMAGE]
IDS = [f"{part}-{damage}" for part, damage in CASES]


def test_the_undamaged_ledger_is_read(db, tmp_path, capsys):
    path = write_zip(
        tmp_path / "good.xlsx",
        excel_like_package(excel_like_parts([valid_values(0), valid_values(1)])),
    )
    check_workbook_file(path)
    with pytest.raises(SystemExit) as exit_info:
        call_command("screen_ledger", str(path), "--format", "json", "--as-of", "2021-12-31")
        raise SystemExit(0)
    assert exit_info.value.code == 0, capsys.readouterr()


@pytest.mark.parametrize(("part", "damage"), CASES, ids=IDS)
def test_a_malformed_part_is_refused_by_name(tmp_path, part, damage):
    path = damaged(tmp_path, part, damage)
    with pytest.raises(UnsafeWorkbook) as caught:
        check_workbook_file(path)
    assert caught.value.code == "malformed_xml"
    member = PARTS[part][0]
    assert member in caught.value.message("en")
    assert "cannot be read safely" in caught.value.message("en")
    assert "无法安全读取" in caught.value.message("zh")


@pytest.mark.parametrize(("part", "damage"), CASES, ids=IDS)
def test_screen_ledger_exits_2_with_one_line(db, tmp_path, part, damage, capsys):
    path = damaged(tmp_path, part, damage)
    with pytest.raises(SystemExit) as exit_info:
        call_command(
            "screen_ledger", str(path), "--format", "json", "--as-of", "2021-12-31", "--lang", "en"
        )
    assert exit_info.value.code == 2
    out = capsys.readouterr()
    assert out.out == ""
    assert len(out.err.strip().splitlines()) == 1
    assert "not well-formed XML" in out.err


@pytest.mark.parametrize("part", list(PARTS))
def test_an_upload_of_a_malformed_file_is_refused_and_stores_nothing(agency_a, tmp_path, part):
    from django.core.files.base import ContentFile

    from screening.ledger.services import receive_upload, validate_upload
    from screening.models import Project, ProjectChange, Region, UploadStatus

    region = Region.objects.get(code="410100")
    path = damaged(tmp_path, part, "mismatched")
    upload = receive_upload(
        agency_a, region, ContentFile(path.read_bytes(), name=path.name), path.name
    )
    upload = validate_upload(upload)
    assert upload.status == UploadStatus.REFUSED
    assert "无法安全读取" in upload.errors[0]["message_zh"]
    assert not upload.preview
    assert Project.objects.count() == 0
    assert ProjectChange.objects.count() == 0
