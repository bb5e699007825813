"""Bad files are refused before parsing, each with its own clear reason (SPEC §9)."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from screening.ledger.xlsx.safety import (
    Limits,
    UnsafeWorkbook,
    check_workbook_file,
    inspect_workbook,
)
from tests.screening.ledger.xlsx.conftest import inline, patch_sizes, rewrite_zip, sheet_xml

SHEET = "xl/worksheets/sheet1.xml"


def refusal(path: Path, limits: Limits | None = None) -> UnsafeWorkbook:
    with pytest.raises(UnsafeWorkbook) as caught:
        check_workbook_file(path, limits)
    return caught.value


@pytest.fixture
def good(write_ledger) -> Path:
    return write_ledger([{}])


def test_a_valid_workbook_passes(good):
    check_workbook_file(good)
    assert inspect_workbook(good, Limits()).sheet_name == "台账"


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "empty"),
        ("项目代码,项目名称\n2104-410100-04-01-123456,x\n".encode(), "csv"),
        (b"<html><body><table><tr><td>1</td></tr></table></body></html>", "html"),
        (
            b'<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?>'
            b'<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"></Workbook>',
            "spreadsheetml2003",
        ),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500 + "Workbook".encode("utf-16-le"),
            "xls",
        ),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
            + b"\x00" * 500
            + "EncryptionInfo".encode("utf-16-le")
            + "EncryptedPackage".encode("utf-16-le"),
            "encrypted",
        ),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not_xlsx"),
    ],
)
def test_files_that_are_not_xlsx_are_refused_saying_what_they_are(tmp_path, content, code):
    path = tmp_path / "upload.xlsx"
    path.write_bytes(content)
    error = refusal(path)
    assert error.code == code
    assert error.message_zh and error.message_en


def test_a_truncated_file_is_refused(tmp_path, good):
    path = tmp_path / "cut.xlsx"
    path.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    assert refusal(path).code == "bad_zip"


def test_an_ods_file_is_refused(tmp_path):
    path = tmp_path / "sheet.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    assert refusal(path).code == "ods"


def test_the_file_size_limit(good):
    assert refusal(good, Limits(max_file_bytes=100)).code == "file_too_large"


def test_too_many_members(tmp_path, good):
    path = rewrite_zip(
        good, tmp_path / "many.xlsx", add={f"xl/media/x{n}.txt": b"x" for n in range(20)}
    )
    assert refusal(path, Limits(max_members=20)).code == "too_many_members"


@pytest.mark.parametrize(
    "name",
    ["/etc/passwd", "../../evil.xml", "xl/../../evil.xml", "C:/evil.xml", "xl\\..\\..\\evil.xml"],
)
def test_members_with_absolute_or_parent_paths_are_refused(tmp_path, good, name):
    path = rewrite_zip(good, tmp_path / "paths.xlsx", add={name: b"<x/>"})
    assert refusal(path).code == "unsafe_member_path"


def test_symlink_members_are_refused(tmp_path, good):
    path = tmp_path / "link.xlsx"
    rewrite_zip(good, path)
    with zipfile.ZipFile(path, "a") as archive:
        info = zipfile.ZipInfo("xl/link")
        info.external_attr = 0o120777 << 16
        archive.writestr(info, "/etc/passwd")
    assert refusal(path).code == "symlink_member"


def test_a_member_inflating_more_than_100_times_is_refused(tmp_path, good):
    path = rewrite_zip(good, tmp_path / "bomb.xlsx", add={"xl/media/pad.xml": b" " * 2_000_000})
    assert refusal(path).code == "ratio"


def test_the_total_uncompressed_limit(good):
    assert (
        refusal(good, Limits(max_total_uncompressed_bytes=1_000)).code == "uncompressed_too_large"
    )


def test_lying_sizes_are_caught_while_streaming(tmp_path, good):
    path = rewrite_zip(good, tmp_path / "liar.xlsx", add={"xl/media/pad.xml": b" " * 200_000})
    # The directory now claims 1,000 bytes: ratio and total checks pass, the stream does not.
    patch_sizes(path, "xl/media/pad.xml", file_size=1_000)
    assert refusal(path).code in ("size_mismatch", "ratio")
    path2 = rewrite_zip(good, tmp_path / "liar2.xlsx", add={"xl/media/pad.xml": os.urandom(3000)})
    patch_sizes(path2, "xl/media/pad.xml", file_size=4_000)
    assert refusal(path2).code == "size_mismatch"


def test_a_bad_crc_is_refused(tmp_path, good):
    path = rewrite_zip(good, tmp_path / "crc.xlsx")
    patch_sizes(path, SHEET, crc=12345)
    assert refusal(path).code == "bad_zip"


@pytest.mark.parametrize(
    "declaration",
    [
        b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>',
        b'<!DOCTYPE x SYSTEM "http://example.invalid/evil.dtd">',
        b'<!ENTITY xxe SYSTEM "file:///etc/passwd">',
    ],
)
def test_dtds_and_entity_declarations_are_refused_in_any_xml_part(tmp_path, good, declaration):
    with zipfile.ZipFile(good) as archive:
        original = archive.read(SHEET)
    poisoned = original.replace(b"<worksheet", declaration + b"<worksheet", 1)
    path = rewrite_zip(good, tmp_path / "dtd.xlsx", replace={SHEET: poisoned})
    assert refusal(path).code == "doctype"
    styles = rewrite_zip(
        good,
        tmp_path / "dtd2.xlsx",
        replace={"xl/styles.xml": b'<?xml version="1.0"?>' + declaration + b"<styleSheet/>"},
    )
    assert refusal(styles).code == "doctype"


def test_strict_open_xml_is_refused(tmp_path, good):
    with zipfile.ZipFile(good) as archive:
        workbook = archive.read("xl/workbook.xml")
    strict = workbook.replace(
        b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
        b"http://purl.oclc.org/ooxml/spreadsheetml/main",
    )
    path = rewrite_zip(good, tmp_path / "strict.xlsx", replace={"xl/workbook.xml": strict})
    assert refusal(path).code == "strict"


def test_vba_projects_are_refused(tmp_path, good):
    path = rewrite_zip(good, tmp_path / "macro.xlsx", add={"xl/vbaProject.bin": b"\x00" * 10})
    assert refusal(path).code == "vba"
    with zipfile.ZipFile(good) as archive:
        types = archive.read("[Content_Types].xml")
    xlsm = types.replace(b"spreadsheetml.sheet.main+xml", b"sheet.macroEnabled.main+xml")
    path = rewrite_zip(good, tmp_path / "macro2.xlsx", replace={"[Content_Types].xml": xlsm})
    assert refusal(path).code == "vba"


def test_a_workbook_without_a_visible_worksheet_is_refused(tmp_path, good):
    with zipfile.ZipFile(good) as archive:
        workbook = archive.read("xl/workbook.xml")
    hidden = workbook.replace(b'state="visible"', b"").replace(
        b"<sheet ", b'<sheet state="hidden" '
    )
    path = rewrite_zip(good, tmp_path / "hidden.xlsx", replace={"xl/workbook.xml": hidden})
    assert refusal(path).code == "no_visible_sheet"


def test_a_single_far_away_cell_cannot_make_the_reader_allocate_gigabytes(tmp_path, good):
    far = b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    path = rewrite_zip(
        good,
        tmp_path / "far.xlsx",
        replace={SHEET: sheet_xml(b'<row r="1">' + inline("A1", "项目代码") + b"</row>" + far)},
    )
    assert refusal(path).code == "area"


def test_a_far_away_cell_without_references_is_found_by_the_exact_scan(tmp_path, good):
    body = b"<row>" + b"<c/>" * 20_000 + b"<c><v>1</v></c></row>"
    path = rewrite_zip(
        good,
        tmp_path / "norefs.xlsx",
        replace={SHEET: sheet_xml(b"<row><c><v>1</v></c></row>" * 3 + body)},
    )
    assert refusal(path, Limits(max_data_rows=10, max_member_ratio=1e6)).code == "area"


def test_styled_blank_cells_far_away_are_harmless(tmp_path, good):
    path = rewrite_zip(
        good,
        tmp_path / "styled.xlsx",
        replace={
            SHEET: sheet_xml(
                b'<row r="1">' + inline("A1", "h") + b'</row><row r="1048576">'
                b'<c r="XFD1048576" s="1"/></row>'
            )
        },
    )
    check_workbook_file(path)
