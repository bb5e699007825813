"""Writing the indicators template and the project energy template (SPEC §8): the columns of
early_warning/indicators.py (which reads the filled-in files) as headers, an example row, and an
instructions sheet.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from screening.early_warning.indicators import (
    INDICATOR_COLUMNS,
    PROJECT_ENERGY_COLUMNS,
    TemplateColumn,
)


def _template_bytes(
    columns: Iterable[TemplateColumn], sheet_title: str, example: list, instructions: list[str]
) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    from screening.ledger.xlsx.layout import fit_rows

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    columns = list(columns)
    for number, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=number, value=column.header)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE6F0")
        sheet.column_dimensions[cell.column_letter].width = max(14, len(column.header) * 2 + 2)
        if column.kind in ("month", "code", "region"):
            # Text, so that Excel does not turn 2025-06 into a date.
            for row in range(2, 1002):
                sheet.cell(row=row, column=number).number_format = "@"
    for number, value in enumerate(example, start=1):
        sheet.cell(row=2, column=number, value=value)
    notes = workbook.create_sheet("填写说明")
    notes.column_dimensions["A"].width = 36
    notes.column_dimensions["B"].width = 80
    notes.append(["列", "说明"])
    for column in columns:
        need = "必填。" if column.required else "可为空。"
        notes.append([column.header, need + column.help_zh])
    for line in instructions:
        notes.append(["", line])
    fit_rows(notes)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def indicator_template_bytes() -> bytes:
    """The indicators template (.xlsx) with an example row and an instructions sheet."""
    return _template_bytes(
        INDICATOR_COLUMNS,
        "指标",
        ["安阳市", "2025-06", -1.2, 3.0, 9000000, 20000000, 5000000, 11000000],
        [
            "第一个可见工作表为数据表，第1行为表头（按文字匹配，顺序不限）。",
            "预算和上限按“月份/12”折算后与累计值比较（发改办环资〔2020〕901号）；"
            "能耗强度按发改办环资〔2021〕629号判定。",
            "没有数据的指标不定级（灰色），不会被判为红色。",
        ],
    )


def project_energy_template_bytes() -> bytes:
    """The project energy template (.xlsx)."""
    return _template_bytes(
        PROJECT_ENERGY_COLUMNS,
        "用能",
        ["2104-410100-04-01-123456", "2025-06", 1200.5],
        [
            "每个项目每月一行，填当月实际能源消费量；系统按全年累计与节能审查年综合能源消费量×月份/12比较。",
            "只接受台账中处于存量阶段的两高项目。",
        ],
    )
