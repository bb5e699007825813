"""The registry's two Excel templates: retired capacity (退出产能) and replacement plans with
their draws (产能置换方案, one row per draw). Files are opened only through the ledger's safe
reader and cells cleaned by its parsers, exactly as for the ledger; errors are CellErrors, so the
ledger's annotator returns the user's own file with the bad cells marked.

No database here: what the rows are checked against (regions the user may enter, families,
registered sources and plans) comes in a `RegistryReference`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.utils import translation
from django.utils.translation import gettext_noop
from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from screening.bilingual import Bilingual, both
from screening.ledger.xlsx import cleaning
from screening.ledger.xlsx.parsers import parse_project_code, parse_uscc
from screening.ledger.xlsx.problems import CellError, CellProblem, cell_error
from screening.ledger.xlsx.reader import read_sheet
from screening.ledger.xlsx.safety import Limits
from screening.ledger.xlsx.validate import LedgerValidation
from screening.registry.checks import parse_source_number, plan_key, source_number

TEXT_MAX = 200
NOTES_MAX = 1000


def current_message(found: CellProblem | Bilingual) -> str:
    """A problem in the current language, for the web forms."""
    en = (translation.get_language() or "").startswith("en")
    if isinstance(found, CellProblem):
        return found.message("en" if en else "zh")
    return found.en if en else found.zh


# -- parsers shared by the forms and the upload ----------------------------------------------


def parse_credit_code(raw: object) -> str | None | CellProblem:
    """统一社会信用代码 as the ledger checks it (GB 32100 check character)."""
    return parse_uscc(raw, TEXT_MAX)


_CODE_SEPARATORS = re.compile(r"[\s,，、;；]+")


def parse_project_codes(raw: object) -> list[str] | CellProblem | Bilingual:
    """Project codes separated by commas, 、, semicolons or white space; each checked as the
    ledger's 项目代码."""
    text = cleaning.cell_text(raw, NOTES_MAX) if raw not in (None, "") else None
    if text is None:
        return []
    if isinstance(text, CellProblem):
        return text
    codes: list[str] = []
    for part in _CODE_SEPARATORS.split(cleaning.fold(text)):
        if not part:
            continue
        parsed = parse_project_code(part)
        if isinstance(parsed, CellProblem):
            return both(
                "%(code)s is not a project code: %(problem)s",
                code=part,
                problem=current_message(parsed),
            )
        if parsed not in codes:
            codes.append(parsed)
    return codes


def dates_in_order(shutdown: date | None, dismantled: date | None) -> Bilingual | None:
    """A line is dismantled after (or on the day) it is shut down, never before."""
    if shutdown is not None and dismantled is not None and dismantled < shutdown:
        return both("The dismantled date is before the shut-down date.")
    return None


# -- templates -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    kind: str  # region · text · uscc · family · number · unit · date · yesno · codes · source
    label_en: str
    required: bool = False
    help_zh: str = ""

    @property
    def max_length(self) -> int:
        return NOTES_MAX if self.kind in ("notes", "codes") else TEXT_MAX


SOURCE_COLUMNS: tuple[Column, ...] = (
    Column("所在地区", "region", "region", "region", True, "地区全称、简称或6位代码"),
    Column("企业名称", "enterprise", "text", "enterprise", True),
    Column("统一社会信用代码", "uscc", "uscc", "credit code", True, "18位，含校验位"),
    Column("产品类别", "family", "family", "product family", True, "与R03置换比例表的类别相同"),
    Column("退出产能", "capacity", "number", "capacity", True, "大于0"),
    Column("产能单位", "capacity_unit", "unit", "capacity unit", True, "如 万吨/年"),
    Column("退出装备", "equipment", "text", "equipment", True, "如 1号450m³高炉"),
    Column("关停日期", "shutdown_date", "date", "shut-down date"),
    Column("拆除日期", "dismantled_date", "date", "dismantled date", help_zh="不早于关停日期"),
    Column("拆除验收文件", "verification_ref", "text", "acceptance document"),
    Column("验收日期", "verification_date", "date", "acceptance date"),
    Column("验收单位", "verifier", "text", "verified by"),
    Column(
        "享受奖补资金",
        "subsidised",
        "yesno",
        "retired with public subsidies",
        help_zh="是/否，空白为否",
    ),
    Column(
        "列入淘汰落后名单",
        "mandatory_elimination",
        "yesno",
        "on a mandatory-elimination list",
        help_zh="是/否，空白为否",
    ),
    Column("资格说明", "eligibility_notes", "notes", "eligibility notes"),
)

PLAN_COLUMNS: tuple[Column, ...] = (
    Column("方案文号", "ref", "text", "plan reference", True, "同一方案的各行文号相同"),
    Column("方案日期", "plan_date", "date", "plan date", True),
    Column("所在地区", "region", "region", "region", True, "新建产能所在地区"),
    Column("建设单位", "enterprise", "text", "enterprise", True),
    Column("统一社会信用代码", "uscc", "uscc", "credit code", True),
    Column("产品类别", "family", "family", "product family", True),
    Column("新增产能", "new_capacity", "number", "capacity built", True, "方案建设的产能合计"),
    Column("产能单位", "capacity_unit", "unit", "capacity unit", True),
    Column(
        "服务项目代码",
        "project_codes",
        "codes",
        "projects served",
        help_zh="项目代码，多个用逗号或顿号分隔",
    ),
    Column("退出产能编号", "source", "source", "source number", True, "如 TC000012"),
    Column("提取产能", "amount", "number", "amount drawn", True, "大于0"),
)
# Columns that describe the plan itself: every row of one plan must agree on them.
PLAN_FIELDS = (
    "plan_date",
    "region",
    "enterprise",
    "uscc",
    "family",
    "new_capacity",
    "capacity_unit",
    "project_codes",
)
_YES_NO = {"是": True, "否": False}


@dataclass(frozen=True)
class SourceInfo:
    """A registered source, as a plans upload checks draws against it."""

    id: int
    region: str
    family: str
    capacity_unit: str
    available: Decimal


@dataclass
class RegistryReference:
    """What uploaded rows are checked against, read by the caller from the database."""

    regions: dict[str, str]  # folded name / alias / code → code (regions the user may enter)
    all_regions: dict[str, str]  # the same for every project region (to tell "not yours")
    families: tuple[str, ...]
    sources: dict[int, SourceInfo] = field(default_factory=dict)  # the user may draw from
    registered_units: set[tuple[str, str]] = field(default_factory=set)  # (uscc, equipment)
    registered_plans: set[str] = field(default_factory=set)  # plan keys


@dataclass
class RegistryValidation(LedgerValidation):
    """A validated registry workbook: the ledger's shape (so its annotator marks the file),
    with the registry's rows."""

    records: list[tuple[int, dict]] = field(default_factory=list)


def _parse(column: Column, raw: object, reference: RegistryReference):
    kind = column.kind
    if kind == "region":
        if isinstance(raw, float) and raw.is_integer():
            raw = str(int(raw))
        text = cleaning.cell_text(raw, TEXT_MAX)
        if text is None or isinstance(text, CellProblem):
            return text
        key = cleaning.fold(text).strip()
        if key in reference.regions:
            return reference.regions[key]
        if key in reference.all_regions:
            return both("You may not enter the registry of this region.")
        return both("Unknown region: %(value)s", value=text)
    if kind in ("text", "notes"):
        return cleaning.cell_text(raw, column.max_length)
    if kind == "uscc":
        return parse_credit_code(raw)
    if kind == "family":
        text = cleaning.cell_text(raw, TEXT_MAX)
        if text is None or isinstance(text, CellProblem):
            return text
        folded = cleaning.squeeze(cleaning.fold(text))
        if folded not in reference.families:
            return both(
                "Not a product family with replacement ratios: %(value)s (allowed: %(allowed)s)",
                value=text,
                allowed="、".join(reference.families),
            )
        return folded
    if kind == "number":
        value = cleaning.parse_number(raw, max_length=TEXT_MAX)
        if isinstance(value, Decimal) and value <= 0:
            return both("Must be greater than 0.")
        return value
    if kind == "unit":
        text = cleaning.cell_text(raw, TEXT_MAX)
        return cleaning.squeeze(cleaning.fold(text)) if isinstance(text, str) else text
    if kind == "date":
        return cleaning.parse_date(raw, max_length=TEXT_MAX)
    if kind == "yesno":
        return cleaning.parse_choice(raw, _YES_NO, max_length=TEXT_MAX)
    if kind == "codes":
        return parse_project_codes(raw)
    if kind == "source":
        text = cleaning.cell_text(raw, TEXT_MAX)
        if text is None or isinstance(text, CellProblem):
            return text
        number = parse_source_number(cleaning.fold(text))
        if number is None or number not in reference.sources:
            return both(
                "No registered source you may draw from has the number %(value)s.", value=text
            )
        return number
    raise ValueError(kind)  # pragma: no cover


def _error(row: int, column: Column, position: int | None, value: str, found) -> CellError:
    if isinstance(found, CellProblem):
        return cell_error(row, column.header, column.label_en, value, found, sheet_column=position)
    return CellError(
        row=row,
        column=column.header,
        value=value,
        message_zh=f"第{row}行〔{column.header}〕{found.zh}",
        message_en=f"Row {row}, {column.header} ({column.label_en}): {found.en}",
        sheet_column=position,
    )


def _read(
    path: str | Path,
    columns: tuple[Column, ...],
    reference: RegistryReference,
    limits: Limits | None,
) -> tuple[RegistryValidation, dict[str, int]]:
    """Headers and cells of a registry workbook; rows with errors are left out of records."""
    reading = read_sheet(path, limits or Limits())
    result = RegistryValidation(sheet_name=reading.sheet_name)
    matched = cleaning.match_headers(reading.header, columns)
    result.ignored_columns = matched.ignored_columns
    offset = reading.first_column
    by_header = {c.header: c for c in columns}
    positions = {key: offset + place + 1 for key, place in matched.positions.items()}
    if matched.problems:
        for header, found, places in matched.problems:
            sheet_columns = tuple(offset + place for place in places)
            result.header_error_columns[header] = sheet_columns
            result.header_errors.append(
                _error(
                    1,
                    by_header[header],
                    sheet_columns[0] if sheet_columns else None,
                    header if sheet_columns else "",
                    found,
                )
            )
        for _row in reading.rows:
            pass
        return result, positions
    for row_number, cells in reading.rows:
        raw = {
            c.key: (
                cells[positions[c.key] - offset - 1]
                if positions[c.key] - offset - 1 < len(cells)
                else ""
            )
            for c in columns
        }
        if all(cleaning.is_blank(value) for value in raw.values()):
            continue
        result.data_rows += 1
        record: dict = {}
        errors: list[CellError] = []
        for column in columns:
            value = raw[column.key]
            parsed = _parse(column, value, reference)
            if isinstance(parsed, CellProblem | Bilingual):
                errors.append(
                    _error(
                        row_number,
                        column,
                        positions[column.key],
                        cleaning.display_value(value),
                        parsed,
                    )
                )
                continue
            if parsed is None and column.required:
                errors.append(
                    _error(row_number, column, positions[column.key], "", both("Required."))
                )
            record[column.key] = parsed
        record["_raw"] = {k: cleaning.display_value(v) for k, v in raw.items()}
        if errors:
            result.errors.extend(errors)
            result.invalid_rows += 1
        else:
            result.records.append((row_number, record))
    return result, positions


def _row_error(
    result: RegistryValidation,
    row: int,
    columns: tuple[Column, ...],
    key: str,
    positions: dict[str, int],
    record: dict,
    found: Bilingual,
) -> None:
    column = next(c for c in columns if c.key == key)
    result.errors.append(
        _error(row, column, positions.get(key), record["_raw"].get(key, ""), found)
    )


def validate_sources(
    path: str | Path, reference: RegistryReference, limits: Limits | None = None
) -> RegistryValidation:
    """Validate a retired-capacity workbook: every cell, then date order and duplicates."""
    result, positions = _read(path, SOURCE_COLUMNS, reference, limits)
    kept: list[tuple[int, dict]] = []
    seen: dict[tuple[str, str], int] = {}
    for row, record in result.records:
        problem = dates_in_order(record.get("shutdown_date"), record.get("dismantled_date"))
        unit = (record["uscc"], record["equipment"])
        if problem is not None:
            _row_error(result, row, SOURCE_COLUMNS, "dismantled_date", positions, record, problem)
        elif unit in reference.registered_units:
            _row_error(
                result,
                row,
                SOURCE_COLUMNS,
                "equipment",
                positions,
                record,
                both("This equipment of this enterprise is already registered."),
            )
        elif unit in seen:
            _row_error(
                result,
                row,
                SOURCE_COLUMNS,
                "equipment",
                positions,
                record,
                both("Repeats row %(row)s (same enterprise and equipment).", row=seen[unit]),
            )
        else:
            seen[unit] = row
            record["subsidised"] = bool(record.get("subsidised"))
            record["mandatory_elimination"] = bool(record.get("mandatory_elimination"))
            kept.append((row, record))
            continue
        result.invalid_rows += 1
    result.records = kept
    result.errors.sort(key=lambda e: (e.row, e.sheet_column or 0))
    return result


def validate_plans(
    path: str | Path, reference: RegistryReference, limits: Limits | None = None
) -> RegistryValidation:
    """Validate a plans workbook (one row per draw): every cell; then each plan's rows agree,
    the plan is new, each source is of the plan's family and unit, and no source is drawn
    beyond what it has left, counting every row of the file."""
    result, positions = _read(path, PLAN_COLUMNS, reference, limits)
    first_row: dict[str, tuple[int, dict]] = {}
    wanted: dict[int, Decimal] = defaultdict(Decimal)
    kept: list[tuple[int, dict]] = []
    for row, record in result.records:
        key = plan_key(record["ref"])
        source = reference.sources[record["source"]]
        found: tuple[str, Bilingual] | None = None
        if key in reference.registered_plans:
            found = ("ref", both("A plan with this reference is already registered."))
        elif key in first_row:
            first, plan = first_row[key]
            differs = [
                c.header
                for c in PLAN_COLUMNS
                if c.key in PLAN_FIELDS and record[c.key] != plan[c.key]
            ]
            if differs:
                found = (
                    next(c.key for c in PLAN_COLUMNS if c.header == differs[0]),
                    both(
                        "Differs from row %(row)s of the same plan (%(columns)s).",
                        row=first,
                        columns="、".join(differs),
                    ),
                )
        if found is None and source.family != record["family"]:
            found = (
                "source",
                both(
                    "Source %(source)s is %(family)s capacity.",
                    source=source_number(source.id),
                    family=source.family,
                ),
            )
        if found is None and source.capacity_unit != record["capacity_unit"]:
            found = (
                "source",
                both(
                    "Source %(source)s is measured in %(unit)s.",
                    source=source_number(source.id),
                    unit=source.capacity_unit,
                ),
            )
        if found is None:
            wanted[source.id] += record["amount"]
            if wanted[source.id] > source.available:
                found = (
                    "amount",
                    both(
                        "Source %(source)s has %(available)s left; the file draws %(wanted)s from "
                        "it up to this row.",
                        source=source_number(source.id),
                        available=_plain(source.available),
                        wanted=_plain(wanted[source.id]),
                    ),
                )
        if found is not None:
            _row_error(result, row, PLAN_COLUMNS, found[0], positions, record, found[1])
            result.invalid_rows += 1
            continue
        first_row.setdefault(key, (row, record))
        kept.append((row, record))
    result.records = kept
    result.errors.sort(key=lambda e: (e.row, e.sheet_column or 0))
    return result


def _plain(value: Decimal) -> str:
    from screening.rules.text import num

    return num(value)


def group_plans(records: list[tuple[int, dict]]) -> list[dict]:
    """Valid plan rows grouped by plan reference, in file order: the plan and its draws."""
    plans: dict[str, dict] = {}
    for row, record in records:
        key = plan_key(record["ref"])
        plan = plans.setdefault(
            key, {"rows": [], "draws": [], **{k: record[k] for k in ("ref", *PLAN_FIELDS)}}
        )
        plan["rows"].append(row)
        plan["draws"].append((record["source"], record["amount"]))
    return list(plans.values())


def write_template(
    columns: tuple[Column, ...], families: tuple[str, ...], path: str | Path, title: str
) -> None:
    """An empty template: headers, an instructions sheet, and drop-downs for enumerations."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append([c.header for c in columns])
    for index, column in enumerate(columns, start=1):
        letter = cleaning.column_letter(index)
        sheet.column_dimensions[letter].width = max(12, len(column.header) * 2 + 2)
        if column.kind == "family":
            choice = DataValidation(
                type="list", formula1=f'"{",".join(families)}"', allow_blank=False
            )
        elif column.kind == "yesno":
            choice = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
        else:
            continue
        sheet.add_data_validation(choice)
        choice.add(f"{letter}2:{letter}5000")
    notes = workbook.create_sheet("填写说明")
    notes.append(["列", "必填", "说明"])
    for column in columns:
        notes.append([column.header, "是" if column.required else "否", column.help_zh])
    workbook.save(path)


# The messages worded above, for makemessages (they reach gettext through _both).
_MESSAGES = (
    gettext_noop("%(code)s is not a project code: %(problem)s"),
    gettext_noop("The dismantled date is before the shut-down date."),
    gettext_noop("You may not enter the registry of this region."),
    gettext_noop("Unknown region: %(value)s"),
    gettext_noop("Not a product family with replacement ratios: %(value)s (allowed: %(allowed)s)"),
    gettext_noop("Must be greater than 0."),
    gettext_noop("No registered source you may draw from has the number %(value)s."),
    gettext_noop("Required."),
    gettext_noop("A plan with this reference is already registered."),
    gettext_noop("Source %(source)s is %(family)s capacity."),
    gettext_noop("Source %(source)s is measured in %(unit)s."),
    gettext_noop("This equipment of this enterprise is already registered."),
    gettext_noop("Repeats row %(row)s (same enterprise and equipment)."),
    gettext_noop("Differs from row %(row)s of the same plan (%(columns)s)."),
    gettext_noop(
        "Source %(source)s has %(available)s left; the file draws %(wanted)s "
        "from it up to this row."
    ),
)
