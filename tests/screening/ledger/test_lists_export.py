"""Ledger exports that open ready to read (issue 15): widths, a styled frozen header, an
autofilter, dates as dates, codes as text; the screening columns appended in words and
ignored on the way back in; a filtered export named after its filter, holding exactly the
filtered projects. Real workbooks, written by the pages and read back with openpyxl."""

from __future__ import annotations

import datetime
import io
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from screening import listing
from screening.ledger.xlsx.template import COLUMNS, SCREENING_HEADERS
from screening.models import LedgerUpload, Project, UploadStatus
from tests.conftest import CITY_A, CITY_B
from tests.ledger_files import valid_row, write_ledger
from tests.screening.early_warning.projects import make_project

pytestmark = pytest.mark.django_db

R03_FAIL = [{"rule": "R03", "outcome": "FAIL"}, {"rule": "R10", "outcome": "PASS"}]


def _workbook(response):
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def _column(header: str) -> int:
    return [c.header for c in COLUMNS].index(header) + 1


def test_the_export_opens_ready_to_read(client, agency_a):
    project = make_project(
        CITY_A,
        verdict="NON_COMPLIANT",
        disposition="STOP_AND_RECTIFY",
        findings=R03_FAIL,
        eia_date=datetime.date(2024, 3, 5),
    )
    Project.objects.filter(pk=project.pk).update(uscc="91410100000000001X")
    client.force_login(agency_a)
    sheet = _workbook(client.get(reverse("screening:ledger_export"))).worksheets[0]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}2"
    header = sheet[1]
    assert all(cell.font.b for cell in header)
    assert header[0].fill.fgColor.rgb.endswith("DDEBF7")
    assert sheet.column_dimensions["B"].width >= 30  # 项目名称
    code = sheet.cell(2, _column("项目代码"))
    uscc = sheet.cell(2, _column("统一社会信用代码"))
    assert code.number_format == "@" and code.data_type == "s"
    assert uscc.number_format == "@" and uscc.value == "91410100000000001X"
    eia = sheet.cell(2, _column("环评批复日期"))
    assert eia.is_date and eia.value.date() == datetime.date(2024, 3, 5)
    assert eia.number_format == "yyyy-mm-dd"
    # The screening in words after the template's columns.
    assert [c.value for c in header] == [*(c.header for c in COLUMNS), *SCREENING_HEADERS]
    verdict, disposition, failed = (c.value for c in sheet[2][len(COLUMNS) :])
    assert (verdict, disposition) == ("不符合", "停工整改")
    assert failed.startswith("R03 ") and "产能置换" in failed and "R10" not in failed


def test_an_exported_ledger_uploads_again_with_no_change_and_no_error(client, agency_a, tmp_path):
    """Round trip: export → upload → nothing new, changed or missing; no errors; the
    screening columns are not even listed as ignored."""
    rows = [
        valid_row(),
        valid_row(
            project_code="2104-410100-04-01-654321",
            name="焦化项目",
            uscc="91410100MA44XXXX0J",
            energy_review_date="2023-06-30",
            remarks="第一行\n第二行",
            replaced_capacity=50,
        ),  # R03 fails
        valid_row(
            project_code="2104-410100-04-01-777777",
            stage="存量",
            sector="建材",
            product=None,
            eia_date=datetime.date(2019, 1, 2),
        ),
    ]
    client.force_login(agency_a)
    with write_ledger(tmp_path / "a.xlsx", rows).open("rb") as handle:
        client.post(reverse("screening:ledger"), {"region": "410100", "file": handle})
    first = LedgerUpload.objects.get()
    assert first.status == UploadStatus.PREVIEW, [e["message_en"] for e in first.errors]
    client.post(reverse("screening:upload_confirm", args=[first.pk]))
    assert Project.objects.count() == 3
    assert Project.objects.exclude(verdict="COMPLIANT").exists()

    exported = tmp_path / "export.xlsx"
    exported.write_bytes(b"".join(client.get(reverse("screening:ledger_export")).streaming_content))
    with exported.open("rb") as handle:
        client.post(reverse("screening:ledger"), {"region": "410100", "file": handle})
    again = LedgerUpload.objects.exclude(pk=first.pk).get()
    assert again.status == UploadStatus.PREVIEW, again.message
    assert again.error_count == 0
    assert again.ignored_columns == []
    assert again.preview["counts"] == {"new": 0, "changed": 0, "unchanged": 3, "missing": 0}


def test_a_filtered_export_is_named_after_its_filter_and_holds_exactly_its_projects(
    client, provincial_reviewer
):
    wanted = {
        make_project(CITY_A, verdict="NON_COMPLIANT", disposition="RECTIFY").project_code
        for _ in range(2)
    }
    make_project(CITY_A, verdict="COMPLIANT")
    make_project(CITY_B, verdict="NON_COMPLIANT", disposition="RECTIFY")
    client.force_login(provincial_reviewer)
    response = client.get(
        reverse("screening:ledger_export") + f"?region={CITY_A}&verdict=NON_COMPLIANT"
    )
    today = timezone.localdate().isoformat()
    name = f"台账_郑州市_不符合_{today}.xlsx"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert f"filename*=utf-8''{quote(name)}" in disposition  # RFC 5987
    sheet = _workbook(response).worksheets[0]
    codes = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert codes == wanted
    # The same filter on the list counts the same projects.
    page = client.get(
        reverse("screening:projects") + f"?region={CITY_A}&verdict=NON_COMPLIANT"
    ).context["page"]
    assert {p.project_code for p in page} == wanted


def test_an_unfiltered_export_is_named_ledger_and_date(client, agency_a):
    client.force_login(agency_a)
    response = client.get(reverse("screening:ledger_export"))
    expected = quote(f"台账_{timezone.localdate().isoformat()}.xlsx")
    assert f"filename*=utf-8''{expected}" in response.headers["Content-Disposition"]


def test_a_file_name_drops_what_no_system_accepts():
    assert (
        listing.safe_filename(["台账", 'a/b\\c:d*e?"f<g>h|i', " ", "x y"], ".xlsx")
        == "台账_a-b-c-d-e-f-g-h-i_x-y.xlsx"
    )
    assert listing.safe_filename(["台账", "长" * 80], ".xlsx") == "台账_" + "长" * 40 + ".xlsx"
