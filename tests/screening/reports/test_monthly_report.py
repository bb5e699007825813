"""The monthly alert report read back with openpyxl: sheets, counts, coloured tiers, native
charts, scope, and formula-looking text kept as text."""

from __future__ import annotations

import zipfile

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from screening.models import Region
from screening.reports import monthly as reports
from tests.conftest import CITY_A, CITY_B, PROVINCE
from tests.screening.reports.conftest import MONTH, make_project

EN_SHEETS = [
    "Summary",
    "Barometer",
    "Escalations",
    "Two-high projects",
    "Non-compliant projects",
    "Overdue",
    "Energy warnings",
    "Diagnoses due",
]


def write(tmp_path, code=PROVINCE, language="en", name="report.xlsx"):
    out = tmp_path / name
    summary = reports.write_monthly_report(out, Region.objects.get(code=code), *MONTH, language)
    return load_workbook(out), summary, out


def column(ws, header: str) -> list:
    rows = list(ws.iter_rows(values_only=True))
    index = list(rows[0]).index(header)
    return [row[index] for row in rows[1:]]


def test_it_has_every_sheet_in_order(month_data, tmp_path):
    wb, _summary, _out = write(tmp_path)
    assert wb.sheetnames == EN_SHEETS


def test_the_summary_counts_the_provinces_two_high_projects(month_data, tmp_path):
    _wb, summary, _out = write(tmp_path)
    assert summary["two_high"] == 6  # three two-high projects in each city
    assert summary["projects"] == 8
    assert summary["non_compliant"] == 2
    # 郑州 is red, and 航空港区 (no figures of its own) shows 郑州's tier, as on the dashboard.
    assert summary["red_regions"] == 2
    assert summary["escalations_in_force"] == 1  # the restriction; the reminder escalated
    assert summary["diagnoses_due"] == 2
    assert summary["energy_warnings"] == 2


def test_barometer_tiers_are_coloured_cells(month_data, tmp_path):
    wb, _summary, _out = write(tmp_path)
    ws = wb["Barometer"]
    rows = {row[0].value: row for row in ws.iter_rows(min_row=2)}
    zhengzhou = rows["Zhengzhou"] if "Zhengzhou" in rows else rows["郑州市"]
    may = zhengzhou[2 + 4]  # region, code, then months 1..5
    assert may.value == "Red"
    assert may.fill.fgColor.rgb == "FFE53935"
    assert zhengzhou[2].fill.fgColor.rgb == "FF43A047"  # January green
    assert zhengzhou[3].fill.fgColor.rgb == "FFFDD835"  # February yellow


def test_the_summary_sheet_carries_two_native_charts(month_data, tmp_path):
    wb, _summary, out = write(tmp_path)
    charts = wb["Summary"]._charts
    assert len(charts) == 2
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
    assert sum(name.startswith("xl/charts/chart") for name in names) == 2
    assert any(name.startswith("xl/drawings/drawing") for name in names)


def test_escalations_sheet_lists_the_restriction_in_force(month_data, tmp_path):
    wb, _summary, _out = write(tmp_path)
    rows = list(wb["Escalations"].iter_rows(min_row=2, values_only=True))
    kinds = {row[1]: row[5] for row in rows}
    assert kinds["Regional energy-assessment restriction"] == "In force at the end of the month"
    assert "Reminder" in kinds


def test_project_list_carries_findings_and_clauses(month_data, tmp_path):
    wb, _summary, _out = write(tmp_path)
    ws = wb["Non-compliant projects"]
    names = column(ws, "Project name")
    assert sorted(names) == ["洛阳违规钢铁项目", "郑州违规钢铁项目"]
    assert set(column(ws, "Clauses")) == {"(四)3"}
    assert all(
        "R13 Fits industrial policy and plans Fail: " in text for text in column(ws, "Failed rules")
    )
    assert set(column(ws, "Recommended disposition")) == {"Do not approve"}
    two_high = column(wb["Two-high projects"], "Project name")
    assert len(two_high) == 6 and not any("非两高" in name for name in two_high)


def test_a_city_report_holds_only_that_city(month_data, tmp_path):
    wb, summary, _out = write(tmp_path, code=CITY_A)
    assert summary["two_high"] == 3
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            assert not any(isinstance(v, str) and ("洛阳" in v or "Luoyang" in v) for v in row)


def test_formula_looking_text_is_written_as_text(month_data, tmp_path):
    evil = ['=HYPERLINK("http://x","y")', "+1+1", "-2", "@SUM(A1)", "\tcmd", "\rcmd"]
    for index, text in enumerate(evil):
        make_project(CITY_A, text, enterprise=text, project_code=f"2401-410100-04-01-9{index:05d}")
    wb, _summary, out = write(tmp_path, code=CITY_A)
    ws = wb["Two-high projects"]
    cells = [row[1] for row in ws.iter_rows(min_row=2)]
    # XML turns a stored CR into LF on reading; the cell is still text.
    by_value = {
        cell.value.replace("\n", "\r", 1) if cell.value.startswith("\n") else cell.value: cell
        for cell in cells
    }
    for text in evil:
        assert by_value[text].data_type == "s"
        assert by_value[text].quotePrefix
    with zipfile.ZipFile(out) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert not any(b"<f>" in archive.read(name) for name in sheets)


def test_it_is_in_chinese_by_default(month_data, tmp_path):
    from django.utils import translation
    from django.utils.translation import gettext

    wb, _summary, _out = write(tmp_path, language="zh-hans")
    with translation.override("zh-hans"):
        assert wb.sheetnames == [gettext(name) for name in EN_SHEETS]


def test_every_label_of_the_report_has_a_chinese_translation(month_data, tmp_path):
    import runpy
    from pathlib import Path

    table = runpy.run_path(str(Path(__file__).parents[3] / "config/locale/zh/jobs.py"))["T"]
    wb, _summary, _out = write(tmp_path)
    labels = set(wb.sheetnames)
    for ws in wb.worksheets[1:]:
        labels |= {v for v in next(ws.iter_rows(values_only=True)) if isinstance(v, str)}
    labels = {label.split(" (2025-05)")[0] for label in labels}
    labels = {label for label in labels if not label.startswith("Month ")} | {"Month %(month)d"}
    missing = sorted(label for label in labels if label not in table)
    assert missing == []


def test_the_command_writes_the_file(month_data, tmp_path, capsys):
    out = tmp_path / "cmd.xlsx"
    call_command("monthly_report", "--month", "2025-05", "--out", str(out), "--region", CITY_B)
    wb = load_workbook(out)
    assert len(wb.sheetnames) == 8
    assert "two_high=3" in capsys.readouterr().out


def test_the_command_refuses_a_bad_month(db, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("monthly_report", "--month", "2025-13", "--out", str(tmp_path / "x.xlsx"))
