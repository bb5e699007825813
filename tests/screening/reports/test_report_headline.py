"""The monthly report's first sheet opens with the month at a glance (issue 16): restrictions
and reminders, the headline figures with their change from last month (较上月) and what changed
in the ledger, read back from the written file."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from screening.models import ProjectChange, Region, Report, ReportKind, ReportStatus
from screening.reports import monthly as reports
from tests.conftest import PROVINCE
from tests.screening.reports.briefing_data import RED_A, RED_B, YELLOW_A, make_briefing_data
from tests.screening.reports.conftest import at


@pytest.fixture
def month(db, agency_a, city_reviewer_a):
    """The fixed data set, its new projects entered in May; April's report kept."""
    make_briefing_data(agency_a, city_reviewer_a)
    ProjectChange.objects.update(changed_at=at(date(2025, 5, 20)))
    Report.objects.create(
        kind=ReportKind.MONTHLY_REPORT,
        region=Region.objects.get(code=PROVINCE),
        year=2025,
        month=4,
        language="zh-hans",
        status=ReportStatus.READY,
        finished_at=timezone.now(),
        summary={"two_high": 50, "non_compliant": 2, "overdue": 1},
    )


def first_sheet(tmp_path, language="en"):
    out = tmp_path / "report.xlsx"
    summary = reports.write_monthly_report(
        out, Region.objects.get(code=PROVINCE), 2025, 5, language
    )
    ws = load_workbook(out).worksheets[0]
    return [[cell for cell in row] for row in ws.iter_rows()], summary


def values(rows) -> list[list]:
    return [[cell.value for cell in row] for row in rows]


def block_after(rows, title: str) -> list[list]:
    """The rows after `title` up to the next blank row."""
    texts = values(rows)
    start = next(i for i, row in enumerate(texts) if row and row[0] == title) + 1
    end = next(i for i in range(start, len(texts)) if not any(v is not None for v in texts[i]))
    return texts[start:end]


def test_the_first_sheet_opens_with_the_month_at_a_glance(month, tmp_path):
    rows, _summary = first_sheet(tmp_path)
    texts = values(rows)
    at_glance = next(i for i, row in enumerate(texts) if row[:1] == ["The month at a glance"])
    assert at_glance < 8  # right under the title, scope, month and date
    assert [row[0] for row in block_after(rows, "The month at a glance")] == [
        "Regional energy-assessment restriction (限批): 1 region new this period (Zhengzhou) "
        "(+1 on last month)",
        "Reminders (提醒): 1 region new this period (Luoyang) (unchanged on last month)",
        "4 new non-compliant projects (Stop work and rectify 1, Do not approve 3) "
        "(+4 on last month)",
        "4 cases overdue, up to 3 working days (+3 on last month)",
        f"Projects over their approved energy: {RED_A + RED_B} red (+{RED_A + RED_B} on last "
        f"month), {YELLOW_A} yellow (+{YELLOW_A} on last month)",
        "Ledger this month: 4 added, 0 changed, 0 left the ledger",
    ]
    assert at_glance < texts.index(
        [
            "Region",
            "Two-high projects",
            "Non-compliant",
            "Incomplete",
            "Compliant",
            "Tier of the month",
            "Coal tier",
        ]
        + [None] * (len(texts[at_glance + 1]) - 7)
    )


def test_the_headline_figures_carry_the_change_from_last_month(month, tmp_path):
    rows, summary = first_sheet(tmp_path)
    figures = {row[0]: row[1:4] for row in block_after(rows, "Headline figure")}
    assert figures["Regions under the regional energy-assessment restriction"] == [1, 0, 1]
    assert figures["Regions under a reminder"] == [1, 1, 0]  # 洛阳 now, 郑州 in April
    assert figures["Regions red on the barometer"] == [2, 3, -1]  # April: 郑州, 洛阳, 新乡
    two_high = summary["two_high"]
    assert figures["Two-high projects"] == [two_high, 50, two_high - 50]
    assert figures["Overdue cases"] == [4, 1, 3]  # last month's from April's kept report
    assert figures["Projects in red energy warning"] == [RED_A + RED_B, 0, RED_A + RED_B]
    assert figures["Projects added to the ledger"] == [4, 0, 4]
    assert figures["New non-compliant projects"] == [4, 0, 4]
    cells = {row[0].value: row for row in rows if row and row[0].value in figures}
    assert cells["Two-high projects"][1].number_format == "#,##0"
    assert cells["Overdue cases"][3].number_format == "+#,##0;-#,##0;0"
    assert summary["restrictions_in_force"] == 1 and summary["ledger_added"] == 4


def test_without_last_months_report_the_figures_it_kept_are_unknown(month, tmp_path):
    Report.objects.all().delete()
    rows, _summary = first_sheet(tmp_path)
    figures = {row[0]: row[1:4] for row in block_after(rows, "Headline figure")}
    assert figures["Overdue cases"] == [4, "—", "—"]
    assert figures["Projects added to the ledger"] == [4, 0, 4]  # history answers this one
    lines = [row[0] for row in block_after(rows, "The month at a glance")]
    assert "4 cases overdue, up to 3 working days" in lines


def test_the_chinese_report_reads_the_same(month, tmp_path):
    rows, _summary = first_sheet(tmp_path, "zh-hans")
    lines = [row[0] for row in block_after(rows, "本月要点")]
    assert lines[0] == "区域节能评估限批：本期新增 1 个地区（郑州市）（较上月+1）"
    assert lines[-1] == "本月台账变化：新增 4 个项目，变更 0 个，移出 0 个"
    assert ["要点指标", "本月", "上月", "较上月"] == values(rows)[
        next(i for i, row in enumerate(values(rows)) if row[:1] == ["要点指标"])
    ][:4]


def test_a_quiet_month_says_so(db, tmp_path):
    rows, _summary = first_sheet(tmp_path)
    assert [row[0] for row in block_after(rows, "The month at a glance")] == [
        "No restriction, reminder, new non-compliant project, overdue case or project energy "
        "warning this month.",
        "Ledger this month: 0 added, 0 changed, 0 left the ledger",
    ]
