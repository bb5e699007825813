"""Issue 15: header problems orient the user (SPEC §3 reading rules: the headers are on row 1
of the first visible sheet) and a 合计 row is explained, by hints BESIDE the errors SPEC §3
lists (every missing header, every cell error, unchanged); a file in another format is
"not an .xlsx workbook" naming Excel, WPS and LibreOffice alike."""

from __future__ import annotations

import json
import zipfile
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from screening.ledger.hints import hint_text
from screening.ledger.services import ledger_reference
from screening.ledger.xlsx.safety import UnsafeWorkbook, check_workbook_file
from screening.ledger.xlsx.template import COLUMNS
from screening.ledger.xlsx.validate import (
    HINT_TITLE_ROWS,
    HINT_TOTAL_ROW,
    Hint,
    validate_workbook,
)
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


def missing_header_errors(result):
    """(row, column, message) of the header errors: what SPEC §3 and screen_ledger report."""
    return [(e.row, e.column, e.message_zh) for e in result.header_errors]


SPEC_ALL_HEADERS_MISSING = [
    (1, header, f"第1行〔{header}〕缺少表头“{header}”（第1行）") for header in headers()
]


def test_headers_under_a_title_row_keep_every_spec_error_and_add_one_hint(tmp_path, reference):
    """SPEC §3: row 1 holds the headers and every missing header is an error (row 1, column =
    the header); the title row above them is explained by one hint beside those errors."""
    path = workbook(
        tmp_path / "t.xlsx",
        [["2024年郑州市两高项目台账"], headers(), values(valid_row())],
        title="郑州台账",
    )
    result = validate_workbook(path, reference)
    assert missing_header_errors(result) == SPEC_ALL_HEADERS_MISSING
    assert result.all_errors == result.header_errors and not result.rows
    assert result.hints == [Hint(HINT_TITLE_ROWS, 2, "郑州台账", "2024年郑州市两高项目台账")]
    with translation.override("zh-hans"):
        assert hint_text(result.hints[0]) == (
            "工作表“郑州台账”的表头应在第1行：表头在第2行，第1行看起来是标题，请删除"
        )
    with translation.override("en"):
        text = hint_text(result.hints[0])
    assert "must be on row 1" in text and "郑州台账" in text


def test_headers_on_row_4_hint_names_the_rows_to_delete(tmp_path, reference):
    """SPEC §3 header errors unchanged; the hint names rows 1–3."""
    path = workbook(
        tmp_path / "t.xlsx",
        [["标题"], ["填报单位：郑州市发展改革委"], [], headers(), values(valid_row())],
    )
    result = validate_workbook(path, reference)
    assert missing_header_errors(result) == SPEC_ALL_HEADERS_MISSING
    [hint] = result.hints
    with translation.override("zh-hans"):
        assert "表头在第4行，第1–3行看起来是标题，请删除" in hint_text(hint)


def test_headers_below_row_5_get_no_hint(tmp_path, reference):
    rows = [["标题"], [], [], [], [], headers(), values(valid_row())]
    result = validate_workbook(workbook(tmp_path / "t.xlsx", rows), reference)
    assert missing_header_errors(result) == SPEC_ALL_HEADERS_MISSING
    assert result.hints == []


def test_a_row_1_with_some_headers_wrong_names_each_without_hint(tmp_path, reference):
    wrong = headers()
    wrong[3] = "信用代码"
    result = validate_workbook(
        workbook(tmp_path / "t.xlsx", [wrong, values(valid_row())]), reference
    )
    assert [e.column for e in result.header_errors] == ["统一社会信用代码"]
    assert result.hints == []


def total_row_spec_errors(row, given):
    """SPEC §3 "report every error at once, per cell": each required column left blank in
    the 合计 row is its own error (row, canonical header)."""
    return [
        (row, c.header, f"第{row}行〔{c.header}〕不能为空")
        for c in COLUMNS
        if c.required and c.key not in given
    ]


@pytest.mark.parametrize("label", ["合计", "总计", "小 计", "合计："])
def test_a_total_row_keeps_its_cell_errors_and_gets_a_hint(tmp_path, reference, label):
    """SPEC §3: every cell error of the 合计 row is reported; the hint says to delete it."""
    rows = [
        ["序号", *headers()],
        [1, *values(valid_row())],
        [label, None, None, None, None, None, None, None, None, None, 50000],
    ]
    result = validate_workbook(workbook(tmp_path / "t.xlsx", rows), reference)
    assert len(result.rows) == 1
    assert [(e.row, e.column, e.message_zh) for e in result.errors] == total_row_spec_errors(
        3, {"annual_energy_tce"}
    )
    assert result.hints == [Hint(HINT_TOTAL_ROW, 3)]
    with translation.override("zh-hans"):
        assert hint_text(result.hints[0]) == "第3行：合计行不属于台账，请删除"


def test_a_total_in_the_name_column_keeps_its_errors_and_gets_a_hint(tmp_path, reference):
    total = {c.key: None for c in COLUMNS} | {"name": "合计", "annual_energy_tce": 50000}
    rows = [headers(), values(valid_row()), values(total)]
    result = validate_workbook(workbook(tmp_path / "t.xlsx", rows), reference)
    assert [(e.row, e.column, e.message_zh) for e in result.errors] == total_row_spec_errors(
        3, {"name", "annual_energy_tce"}
    )
    assert result.hints == [Hint(HINT_TOTAL_ROW, 3)]


def test_a_valid_file_and_an_ordinary_bad_row_have_no_hint(tmp_path, reference):
    bad = valid_row(project_code="2104-410100-04-01-123457", name=None)
    rows = [headers(), values(valid_row()), values(bad)]
    result = validate_workbook(workbook(tmp_path / "t.xlsx", rows), reference)
    assert [(e.row, e.column) for e in result.errors] == [(3, "项目名称")]
    assert result.hints == []


def _ods(path):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    return path


@pytest.mark.parametrize(
    "name,make",
    [
        ("ledger.csv", lambda p: p.write_text("项目代码,项目名称\n1,2\n", encoding="utf-8")),
        ("ledger.xls", lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)),
        ("ledger.ods", _ods),
        ("ledger.xlsx", lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)),
    ],
)
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


def post_upload(client, path):
    with path.open("rb") as handle:
        client.post(reverse("screening:ledger"), {"region": "410100", "file": handle})
    return LedgerUpload.objects.get()


def error_sheet_rows(upload):
    book = load_workbook(upload.annotated_file.path, read_only=True)
    try:
        sheet = book[book.sheetnames[-1]]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def test_the_upload_page_shows_the_hint_first_and_folds_the_header_errors(
    client, agency_a, tmp_path
):
    """SPEC §3: every missing header stays an error (stored, counted, in the annotated file's
    error sheet); the title-row hint comes first, the 36 header errors folded under it."""
    client.force_login(agency_a)
    path = workbook(
        tmp_path / "t.xlsx", [["两高项目台账"], headers(), values(valid_row())], title="汇总表"
    )
    upload = post_upload(client, path)
    assert upload.status == UploadStatus.INVALID and upload.error_count == len(COLUMNS)
    assert [
        (e["row"], e["column"], e["message_zh"]) for e in upload.errors
    ] == SPEC_ALL_HEADERS_MISSING
    hint_zh = "工作表“汇总表”的表头应在第1行：表头在第2行，第1行看起来是标题，请删除"
    assert [(h["kind"], h["row"], h["message_zh"]) for h in upload.hints] == [
        ("title_rows", 2, hint_zh)
    ]
    page = client.get(reverse("screening:upload", args=[upload.pk])).content.decode()
    assert "读取的工作表：“汇总表”" in page
    summary = f"<summary>查看全部 {len(COLUMNS)} 条表头错误</summary>"
    assert page.index(hint_zh) < page.index(summary) < page.index("缺少表头“项目代码”")
    assert 'id="errors"' not in page  # every error is under the hint
    rows = error_sheet_rows(upload)
    assert [row[:4] for row in rows[1:]] == [
        [1, e["column"], e["value"] or None, e["message_zh"]] for e in upload.errors
    ]
    assert rows[0][5] == "提示（请先处理）" and rows[1][5] == hint_zh
    assert all(row[5] is None for row in rows[2:])


def test_the_upload_page_groups_a_total_rows_errors_under_its_hint(client, agency_a, tmp_path):
    """SPEC §3 per-cell errors of a 合计 row stay; the page groups them under its hint and the
    other errors stay in the main table."""
    client.force_login(agency_a)
    bad = valid_row(project_code="2104-410100-04-01-123457", enterprise=None)
    total = {c.key: None for c in COLUMNS} | {"name": "合计", "annual_energy_tce": 50000}
    upload = post_upload(
        client,
        workbook(tmp_path / "t.xlsx", [headers(), values(valid_row()), values(bad), values(total)]),
    )
    expected = [(3, "建设单位")] + [
        (4, h) for _r, h, _m in total_row_spec_errors(4, {"name", "annual_energy_tce"})
    ]
    assert [(e["row"], e["column"]) for e in upload.errors] == expected
    assert [(h["kind"], h["row"]) for h in upload.hints] == [("total_row", 4)]
    page = client.get(reverse("screening:upload", args=[upload.pk])).content.decode()
    hint = page.index("第4行：合计行不属于台账，请删除")
    main = page.index('id="errors"')
    assert hint < page.index("第4行〔项目代码〕不能为空") < main
    assert page.index("第3行〔建设单位〕不能为空") > main
    rows = error_sheet_rows(upload)
    assert [tuple(row[:2]) for row in rows[1:]] == expected
    assert rows[1][5] == "第4行：合计行不属于台账，请删除"


def test_the_page_speaks_english_hints_in_english(client, agency_a, tmp_path):
    client.force_login(agency_a)
    upload = post_upload(
        client,
        workbook(tmp_path / "t.xlsx", [["Ledger"], headers(), values(valid_row())], title="Sheet1"),
    )
    client.cookies["django_language"] = "en"
    page = client.get(
        reverse("screening:upload", args=[upload.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert (
        "Sheet “Sheet1”: the headers must be on row 1, but they are on row 2; row 1 "
        "looks like a title: delete it"
    ) in page
    assert f"See all {len(COLUMNS)} header errors" in page


def test_screen_ledger_json_keeps_exactly_the_spec_keys(tmp_path, capsys):
    """SPEC §8: screen_ledger's JSON object has no hints key; its errors are SPEC §3's."""
    path = workbook(tmp_path / "t.xlsx", [["两高项目台账"], headers(), values(valid_row())])
    with pytest.raises(SystemExit) as exited:
        call_command("screen_ledger", str(path), "--as-of", "2024-06-30", "--format", "json")
    assert exited.value.code == 1
    body = json.loads(capsys.readouterr().out)
    assert set(body) == {"rule_set", "as_of", "ignored_columns", "results", "errors"}
    assert [(e["row"], e["column"]) for e in body["errors"]] == [
        (row, column) for row, column, _m in SPEC_ALL_HEADERS_MISSING
    ]


def test_import_ledger_json_gives_the_hints_beside_the_spec_errors(agency_a, tmp_path, capsys):
    total = {c.key: None for c in COLUMNS} | {"name": "合计", "annual_energy_tce": 50000}
    path = workbook(tmp_path / "t.xlsx", [headers(), values(valid_row()), values(total)])
    with pytest.raises(SystemExit):
        call_command(
            "import_ledger",
            str(path),
            "--region",
            "410100",
            "--user",
            "agency_a",
            "--dry-run",
            "--format",
            "json",
        )
    body = json.loads(capsys.readouterr().out)
    assert [(e["row"], e["column"]) for e in body["errors"]] == [
        (row, column) for row, column, _m in total_row_spec_errors(3, {"name", "annual_energy_tce"})
    ]
    assert [(h["kind"], h["row"], h["message_zh"]) for h in body["hints"]] == [
        ("total_row", 3, "第3行：合计行不属于台账，请删除")
    ]
