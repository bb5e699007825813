"""Every multi-line cell the product writes shows every line (issue 13 item 3): it wraps and
its row is tall enough; findings are written in words in the report's language; a region that
takes its parent's tier says so, as the dashboard does. Files are written and read back."""

from __future__ import annotations

import io

import openpyxl
import pytest

from screening.ledger.export import export_ledger, write_template
from screening.ledger.xlsx.layout import LINE_POINTS, display_width, line_count, row_height
from screening.models import Project, Region, RuleSet
from screening.reports import monthly as reports
from tests.conftest import CITY_A, COUNTY_DIRECT, PROVINCE
from tests.screening.reports.conftest import MONTH, make_project

THREE_FINDINGS = [
    {
        "rule": "R03",
        "outcome": "FAIL",
        "clause": "(四)2",
        "message_zh": "未落实产能等量或减量置换",
        "message_en": "capacity is not replaced",
        "values": {},
    },
    {
        "rule": "R05",
        "outcome": "FAIL",
        "clause": "(四)3, (七)",
        "message_zh": "无节能审查",
        "message_en": "no energy review",
        "values": {},
    },
    {
        "rule": "R10",
        "outcome": "FAIL",
        "clause": "(十七)",
        "message_zh": "能效低于基准水平",
        "message_en": "efficiency below the baseline",
        "values": {},
    },
]


def _report(tmp_path, language: str, code: str = PROVINCE):
    out = tmp_path / f"report-{language}.xlsx"
    reports.write_monthly_report(out, Region.objects.get(code=code), *MONTH, language)
    return openpyxl.load_workbook(out)


def _cell_of(ws, column: int, project_name: str):
    """The cell in `column` (0-based) of the project's row (the name is column 1)."""
    for row in ws.iter_rows(min_row=2):
        if row[1].value == project_name:
            return row[column]
    raise AssertionError(f"{project_name} not in {ws.title}")


def _shows_every_line(ws, cell) -> bool:
    lines = cell.value.count("\n") + 1
    height = ws.row_dimensions[cell.row].height
    return bool(cell.alignment.wrap_text) and height is not None and height >= lines * LINE_POINTS


# --- The pure layout ------------------------------------------------------------------------


def test_a_cjk_character_takes_two_columns_and_ascii_one():
    assert display_width("R03") == 3 and display_width("郑州市") == 6
    assert display_width("R03 不通过：（四）2") == 19


def test_lines_count_breaks_and_wrapping_at_the_column_width():
    assert line_count("a\nb\nc", None) == 3
    assert line_count("x" * 10, 11) == 1  # 10 fit in 11 minus the padding
    assert line_count("x" * 11, 11) == 2
    assert row_height(["one line"], [20]) is None
    assert row_height(["a\nb"], [20]) == 2 * LINE_POINTS


# --- The monthly report ------------------------------------------------------------------------


@pytest.fixture
def three_failures(month_data):
    return make_project(
        CITY_A,
        "郑州三项违规项目",
        sector="钢铁",
        verdict="NON_COMPLIANT",
        disposition="REJECT",
        findings=THREE_FINDINGS,
    )


@pytest.mark.parametrize("sheet,column", [(1, 11), (2, 7)])  # 两高项目, 不合规项目
def test_every_finding_of_a_project_shows_in_the_chinese_report(
    three_failures, tmp_path, sheet, column
):
    wb = _report(tmp_path, "zh-hans")
    ws = wb.worksheets[2 + sheet]
    cell = _cell_of(ws, column, "郑州三项违规项目")
    assert cell.value.split("\n") == [
        "R03 产能置换 不通过：未落实产能等量或减量置换（(四)2）",
        "R05 在建、存量项目的节能审查和环评批复 不通过：无节能审查（(四)3, (七)）",
        "R10 能效标杆和基准水平 不通过：能效低于基准水平（(十七)）",
    ]
    assert "FAIL" not in cell.value
    assert _shows_every_line(ws, cell)


def test_the_english_report_writes_findings_in_english_words(three_failures, tmp_path):
    ws = _report(tmp_path, "en")["Non-compliant projects"]
    cell = _cell_of(ws, 7, "郑州三项违规项目")
    assert cell.value.split("\n")[0] == (
        "R03 Capacity replacement Fail: capacity is not replaced ((四)2)"
    )
    assert _shows_every_line(ws, cell)


def test_a_county_without_figures_shows_its_parents_tier_labelled_inherited(month_data, tmp_path):
    """巩义 has no barometer of its own: the dashboard shows 郑州's red, marked 'from 郑州市';
    so does the report (it read 无数据 before)."""
    make_project(COUNTY_DIRECT, "巩义化工项目", project_code="2401-410181-04-01-000001")
    ws = _report(tmp_path, "zh-hans").worksheets[0]
    row = next(r for r in ws.iter_rows(values_only=True) if r and r[0] == "巩义市")
    assert row[5] == "红色 (沿用郑州市)"
    en = _report(tmp_path, "en")["Summary"]
    row = next(r for r in en.iter_rows(values_only=True) if r and r[0] in ("Gongyi", "巩义市"))
    assert row[5].startswith("Red (from ")


# --- Exports, templates and annotated files ------------------------------------------------


def test_the_ledger_export_wraps_a_multi_line_remark(db, tmp_path):
    from tests.factories import ProjectFactory

    ProjectFactory(remarks="第一行\n第二行\n第三行")
    out = tmp_path / "export.xlsx"
    export_ledger(None, out, queryset=Project.objects.all())
    ws = openpyxl.load_workbook(out).active
    remark = next(c for c in ws[2] if isinstance(c.value, str) and "第二行" in c.value)
    assert _shows_every_line(ws, remark)


def test_the_ledger_templates_instructions_wrap(db, tmp_path):
    out = write_template(
        tmp_path / "template.xlsx", RuleSet.objects.order_by("-effective_from").first()
    )
    ws = openpyxl.load_workbook(out)["填表说明"]
    long_notes = [
        row[3]
        for row in ws.iter_rows(min_row=2)
        if isinstance(row[3].value, str) and display_width(row[3].value) > 90
    ]
    assert long_notes
    for cell in long_notes:
        assert cell.alignment.wrap_text
        assert ws.row_dimensions[cell.row].height >= 2 * LINE_POINTS


def test_the_indicator_template_notes_wrap(db):
    from screening.early_warning.indicator_templates import indicator_template_bytes

    ws = openpyxl.load_workbook(io.BytesIO(indicator_template_bytes()))["填写说明"]
    long_notes = [
        row[1]
        for row in ws.iter_rows(min_row=2)
        if isinstance(row[1].value, str) and display_width(row[1].value) > 80
    ]
    assert long_notes and all(c.alignment.wrap_text for c in long_notes)
