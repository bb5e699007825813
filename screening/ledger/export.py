"""Writing ledger workbooks: the blank template (with instructions and drop-downs) and the
export of stored projects in the template's column order."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

from django.utils.translation import get_language
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from screening.labels import disposition_label, verdict_label
from screening.ledger.xlsx.layout import fit_rows, row_height, wrap_cells
from screening.ledger.xlsx.styles import ExportColumn, ExportSheet, Shape
from screening.ledger.xlsx.template import (
    COLUMNS,
    DATE_FORMATS_HELP,
    NO,
    SCREENING_HEADERS,
    TEXT_FORMAT,
    YES,
    Kind,
)
from screening.ledger.xlsx.xlsx_safe import looks_like_formula, text_safe_cell
from screening.models import Project, Region, RuleSet
from screening.rules.rulebook import RULE_TITLES, RULES
from screening.screen import parameters_of

LEDGER_SHEET = "台账"
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
TEMPLATE_ROWS_WITH_DROPDOWNS = 5000

# GB/T 2589 reference factors, for the instructions sheet (policy-parameters.md).
CONVERSION_FACTORS = [
    ("原煤", "0.7143 kgce/kg"),
    ("洗精煤", "0.9000 kgce/kg"),
    ("焦炭", "0.9714 kgce/kg"),
    ("原油", "1.4286 kgce/kg"),
    ("柴油", "1.4571 kgce/kg"),
    ("液化石油气", "1.7143 kgce/kg"),
    ("天然气", "1.2143–1.3300 kgce/m³"),
    ("热力", "0.0341 tce/GJ"),
    ("电力(当量值)", "0.1229 kgce/kWh"),
]


def _requirement(column) -> str:
    if column.required:
        return "必填"
    if column.required_if_keys:
        names = "、".join(c.header for c in COLUMNS if c.key in column.required_if_keys)
        return f"条件必填(当 {names} 填写时)"
    return "选填"


def write_template(out_path: Path, rule_set: RuleSet) -> Path:
    """The blank ledger template of a rule set: the ledger sheet with drop-downs for every
    enumerated column, an instructions sheet, and a hidden sheet holding the lists."""
    params = parameters_of(rule_set)
    workbook = Workbook()
    ledger = workbook.active
    ledger.title = LEDGER_SHEET
    instructions = workbook.create_sheet("填表说明")
    lists = workbook.create_sheet("可选值")
    lists.sheet_state = "hidden"

    for index, column in enumerate(COLUMNS, start=1):
        cell = ledger.cell(row=1, column=index, value=column.header)
        cell.font = Font(bold=True)
        cell.fill = REQUIRED_FILL if column.required else HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        dimension = ledger.column_dimensions[get_column_letter(index)]
        dimension.width = max(12, len(column.header) * 2)
        if column.is_code:
            dimension.number_format = TEXT_FORMAT  # typed codes keep every digit (issue 15)
    ledger.freeze_panes = "B2"

    regions = [r.name for r in Region.objects.filter(is_project_region=True).order_by("code")]
    choices_by_key = {
        "region": regions,
        "product": [*params.products, *params.products_without_benchmark],
    }
    last = TEMPLATE_ROWS_WITH_DROPDOWNS + 1
    list_column = 0
    for index, column in enumerate(COLUMNS, start=1):
        values = choices_by_key.get(column.key) or list(column.choices)
        if not values:
            continue
        list_column += 1
        letter = get_column_letter(list_column)
        lists.cell(row=1, column=list_column, value=column.header)
        for row, value in enumerate(values, start=2):
            lists.cell(row=row, column=list_column, value=value)
        validation = DataValidation(
            type="list",
            formula1=f"'可选值'!${letter}$2:${letter}${len(values) + 1}",
            allow_blank=not column.required,
            showErrorMessage=column.key != "region",
            errorTitle="输入值无效",
            error=f"请从下拉列表中选择{column.header}",
        )
        target = get_column_letter(index)
        validation.add(f"{target}2:{target}{last}")
        ledger.add_data_validation(validation)

    instructions.append(["列", "表头", "填写要求", "说明"])
    for cell in instructions[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for column in COLUMNS:
        note = column.help_zh
        if column.kind == Kind.DATE:
            note = (note + ";" if note else "") + f"日期格式:{DATE_FORMATS_HELP}"
        if column.kind in (Kind.NUMBER, Kind.SIGNED_NUMBER):
            note = (note + ";" if note else "") + "数字,可用千位分隔符(12,000.5),不得写“约”“万”等"
        if column.choices or column.key in choices_by_key:
            note = (note + ";" if note else "") + "从下拉列表选择"
        instructions.append([column.number, column.header, _requirement(column), note])
    instructions.append([])
    instructions.append(
        [
            "",
            "读取规则",
            "",
            "第一个可见工作表为台账;第1行为表头(按文字匹配,全角半角与空格不影响);"
            "整行空白的行跳过;其他工作表忽略;公式按Excel保存的值读取。",
        ]
    )
    instructions.append(["", "规则集", "", f"{rule_set.name}(自 {rule_set.effective_from} 起施行)"])
    instructions.append([])
    instructions.append(["", "折标准煤系数(GB/T 2589)", "", ""])
    for name, factor in CONVERSION_FACTORS:
        instructions.append(["", name, factor, ""])
    instructions.append([])
    instructions.append(["", "产品/工序及单位", "单位", "标杆水平 / 基准水平"])
    for spec in params.products.values():
        instructions.append(["", spec.key, spec.unit, f"{spec.benchmark} / {spec.baseline}"])
    for key in params.products_without_benchmark:
        instructions.append(["", key, "任意", "无能效标杆行(不比对能效)"])
    instructions.append([])
    instructions.append(["", "筛查规则", "条款", "内容"])
    for rule in RULES:
        instructions.append(["", rule.id, rule.clause, RULE_TITLES[rule.id][0]])
    instructions.append(
        [
            "",
            "",
            "",
            "产品/工序留空不会使项目通过:钢铁、焦化、建材、有色、"
            "石化行业的新建/改建/扩建项目须补充产品(R03),有能效标杆的行业须补充"
            "产品(R10)。",
        ]
    )
    for letter, width in zip("ABCD", (6, 28, 24, 90), strict=True):
        instructions.column_dimensions[letter].width = width
    fit_rows(instructions)
    workbook.save(out_path)
    return out_path


def _number_cell(value: Decimal | None):
    if value is None:
        return None
    value = value.normalize()
    return int(value) if value == value.to_integral_value() else float(value)


def _yes_no_cell(value: bool | None):
    return None if value is None else (YES if value else NO)


EXPORT_FIELDS = ["region_id", *(c.key for c in COLUMNS if c.key != "region")]
SCREENING_FIELDS = ["verdict", "disposition", "findings"]
_NUMBER_KINDS = (Kind.NUMBER, Kind.SIGNED_NUMBER)
_LONG_TEXT_KEYS = {"name", "enterprise", "remarks", "product"}


def _shape(column) -> Shape:
    """How the export lays out a template column (styles.py)."""
    if column.kind in (Kind.PROJECT_CODE, Kind.USCC) or column.key.endswith("_ref"):
        return Shape.CODE
    if column.kind == Kind.DATE:
        return Shape.DATE
    if column.kind in _NUMBER_KINDS:
        return Shape.NUMBER
    return Shape.LONG_TEXT if column.key in _LONG_TEXT_KEYS else Shape.TEXT


EXPORT_COLUMNS = [
    *(ExportColumn(c.header, _shape(c)) for c in COLUMNS),
    ExportColumn(SCREENING_HEADERS[0], width=12),
    ExportColumn(SCREENING_HEADERS[1], width=18),
    ExportColumn(SCREENING_HEADERS[2], Shape.LONG_TEXT, width=40),
]


def rule_short_title(rule_id: str) -> str:
    """`R03 产能置换`: the rule and the first words of its title, in the page's language."""
    titles = RULE_TITLES.get(rule_id)
    if titles is None:
        return rule_id
    title = titles[1] if (get_language() or "").startswith("en") else titles[0]
    for stop in ("（", "(", "；", ";", "，", ","):
        title = title.split(stop)[0]
    return f"{rule_id} {title.strip()}"


def failed_rules(findings) -> str:
    """The rules a screening failed, in words, one per line."""
    return "\n".join(
        rule_short_title(f.get("rule", ""))
        for f in findings or ()
        if isinstance(f, dict) and f.get("outcome") == "FAIL"
    )


def export_ledger(projects: Iterable[Project] | None, out_path: Path, *, queryset=None) -> int:
    """Write projects to a ledger workbook (template column order), streaming with openpyxl
    write-only, laid out for reading (styles.py), with the screening columns 筛查结论, 处置建议
    and 未通过的规则 appended (in words; the reader ignores them when the file comes back).
    Formula-looking text is written as text. Returns the number of rows."""
    workbook = Workbook(write_only=True)
    sheet = ExportSheet(workbook.create_sheet(LEDGER_SHEET), EXPORT_COLUMNS)
    region_names = dict(Region.objects.values_list("id", "name"))
    fields = [*EXPORT_FIELDS, *SCREENING_FIELDS]
    if queryset is not None:
        rows = (
            queryset.order_by("region__code", "project_code")
            .values_list(*fields)
            .iterator(chunk_size=2000)
        )
    else:
        rows = ([getattr(p, name) for name in fields] for p in projects)
    # Per column, what a stored value needs (most need nothing): the row loop stays short.
    columns = [c for c in COLUMNS if c.key != "region"]
    numbers = [i for i, c in enumerate(columns, start=1) if c.kind in _NUMBER_KINDS]
    yes_no = [i for i, c in enumerate(columns, start=1) if c.kind == Kind.YESNO]
    region_index = next(i for i, c in enumerate(COLUMNS) if c.key == "region")
    first_screening = len(EXPORT_FIELDS)
    count = 0
    for row in rows:
        values = list(row)
        verdict, disposition, findings = values[first_screening:]
        del values[first_screening:]
        for i in numbers:
            values[i] = _number_cell(values[i])
        for i in yes_no:
            values[i] = _yes_no_cell(values[i])
        values[0] = region_names.get(values[0], "")
        if region_index:
            values.insert(region_index, values.pop(0))
        values += [
            verdict_label(verdict) if verdict else "",
            disposition_label(disposition) if disposition else "",
            failed_rules(findings),
        ]
        cells = [text_safe_cell(sheet.sheet, v) if looks_like_formula(v) else v for v in values]
        height = None
        if any(isinstance(v, str) and "\n" in v for v in values):
            # A multi-line text (备注, say) wraps, in a row tall enough to show it.
            cells = wrap_cells(sheet.sheet, cells)
            height = row_height(cells)
        sheet.append(cells, height=height)
        count += 1
    sheet.close()
    workbook.save(out_path)
    return count
