"""Issue 15: header problems orient the user (SPEC §3 reading rules: the headers are on row 1
of the first visible sheet), a 合计 row is one message, and a file in another format is
"not an .xlsx workbook" naming Excel, WPS and LibreOffice alike."""

from __future__ import annotations

import zipfile
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import Workbook

from screening.ledger.services import ledger_reference
from screening.ledger.xlsx.safety import UnsafeWorkbook, check_workbook_file
from screening.ledger.xlsx.template import COLUMNS
from screening.ledger.xlsx.validate import validate_workbook
from screening.models import LedgerUpload, UploadStatus
from screening.screen import rule_set_for
from tests.ledger_files import valid_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def reference():
    return ledger_reference(rule_set_for(date(2024, 6, 30)))


def workbook(path, rows, title="台账"):
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def headers():
    return [c.header for c in COLUMNS]


def values(row):
    return [row.get(c.key) for c in COLUMNS]


def test_headers_under_a_title_row_are_one_message_naming_the_sheet(tmp_path, reference):
    """SPEC §3: row 1 holds the headers; a title above them gets one message, not 36."""
    path = workbook(tmp_path / "t.xlsx", [["2024年郑州市两高项目台账"], headers(),
                                          values(valid_row())], title="郑州台账")
    result = validate_workbook(path, reference)
    assert len(result.header_errors) == 1 and not result.rows
    error = result.header_errors[0]
    assert error.row == 1 and error.value == "2024年郑州市两高项目台账"
    assert error.message_zh == ("工作表“郑州台账”的表头应在第1行：表头在第2行，"
                                "第1行看起来是标题，请删除")
    assert "must be on row 1" in error.message_en and "郑州台账" in error.message_en


def test_headers_on_row_4_name_the_rows_to_delete(tmp_path, reference):
    path = workbook(tmp_path / "t.xlsx", [["标题"], ["填报单位：郑州市发展改革委"], [],
                                          headers(), values(valid_row())])
    [error] = validate_workbook(path, reference).header_errors
    assert "表头在第4行，第1–3行看起来是标题，请删除" in error.message_zh


def test_headers_below_row_5_are_still_reported_one_by_one(tmp_path, reference):
    rows = [["标题"], [], [], [], [], headers(), values(valid_row())]
    result = validate_workbook(workbook(tmp_path / "t.xlsx", rows), reference)
    assert len(result.header_errors) == len(COLUMNS)


def test_a_row_1_with_some_headers_wrong_still_names_each(tmp_path, reference):
    wrong = headers()
    wrong[3] = "信用代码"
    result = validate_workbook(workbook(tmp_path / "t.xlsx", [wrong, values(valid_row())]),
                               reference)
    assert [e.column for e in result.header_errors] == ["统一社会信用代码"]


@pytest.mark.parametrize("label", ["合计", "总计", "小 计", "合计："])
def test_a_total_row_is_one_message(tmp_path, reference, label):
    rows = [["序号", *headers()], [1, *values(valid_row())],
            [label, None, None, None, None, None, None, None, None, None, 50000]]
    result = validate_workbook(workbook(tmp_path / "t.xlsx", rows), reference)
    assert len(result.rows) == 1
    [error] = result.errors
    assert error.row == 3 and error.message_zh == "第3行：合计行不属于台账，请删除"
    assert error.sheet_column == 1


def test_a_total_in_the_name_column_is_also_one_message(tmp_path, reference):
    total = {c.key: None for c in COLUMNS} | {"name": "合计", "annual_energy_tce": 50000}
    rows = [headers(), values(valid_row()), values(total)]
    [error] = validate_workbook(workbook(tmp_path / "t.xlsx", rows), reference).errors
    assert error.column == "项目名称" and "合计行不属于台账" in error.message_zh


def _ods(path):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    return path


@pytest.mark.parametrize("name,make", [
    ("ledger.csv", lambda p: p.write_text("项目代码,项目名称\n1,2\n", encoding="utf-8")),
    ("ledger.xls", lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)),
    ("ledger.ods", _ods),
    ("ledger.xlsx", lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)),
])
def test_another_format_is_not_an_xlsx_workbook(tmp_path, name, make):
    path = tmp_path / name
    make(path)
    with pytest.raises(UnsafeWorkbook) as caught:
        check_workbook_file(path)
    refusal = caught.value
    assert refusal.not_xlsx
    assert refusal.message_zh.startswith("不是.xlsx工作簿")
    assert "请用 Excel、WPS 或 LibreOffice 打开，另存为 .xlsx" in refusal.message_zh
    assert "Excel, WPS or LibreOffice" in refusal.message_en
    assert "cannot be read safely" not in refusal.message_en


def test_a_zip_bomb_is_still_unsafe_not_another_format(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * 50_000_000)
    with pytest.raises(UnsafeWorkbook) as caught:
        check_workbook_file(path)
    assert not caught.value.not_xlsx


def test_the_upload_page_labels_another_format(client, agency_a, tmp_path):
    client.force_login(agency_a)
    path = tmp_path / "ledger.xlsx"
    path.write_text("项目代码,项目名称\n1,2\n", encoding="utf-8")
    with path.open("rb") as handle:
        client.post(reverse("screening:ledger"), {"region": "410100", "file": handle})
    upload = LedgerUpload.objects.get()
    assert upload.status == UploadStatus.REFUSED
    page = client.get(reverse("screening:upload", args=[upload.pk])).content.decode()
    assert "<h2>不是.xlsx工作簿</h2>" in page and "已拒收：不是.xlsx工作簿" in page
    assert "无法安全读取" not in page
    assert "已拒收：不是.xlsx工作簿" in client.get(reverse("screening:ledger")).content.decode()


def test_the_upload_page_names_the_sheet_read(client, agency_a, tmp_path):
    client.force_login(agency_a)
    path = workbook(tmp_path / "t.xlsx", [["两高项目台账"], headers(), values(valid_row())],
                    title="汇总表")
    with path.open("rb") as handle:
        client.post(reverse("screening:ledger"), {"region": "410100", "file": handle})
    upload = LedgerUpload.objects.get()
    assert upload.status == UploadStatus.INVALID and upload.error_count == 1
    page = client.get(reverse("screening:upload", args=[upload.pk])).content.decode()
    assert "读取的工作表：“汇总表”" in page
    assert "表头应在第1行" in page
