"""Reading the indicators template and the project energy template (SPEC §8); writing them is
indicator_templates.py.

Files are opened only through the ledger's safe reader (`ledger.xlsx.safety` checks the zip
before anything is parsed, `ledger.xlsx.reader` reads the first visible sheet with its own row
numbers); headers and cells are cleaned and parsed by `ledger.xlsx.cleaning`, exactly as for the
ledger. This module only knows the two templates' columns and what their values mean.

The indicators template, one row per region and month:
    地区 (name, alias or 6-digit code) · 月份 (YYYY-MM) · 能耗强度累计变化(%) (negative = fell) ·
    年度能耗强度下降目标(%) · 累计能源消费总量(吨标准煤) · 年度能源消费总量预算(吨标准煤) ·
    累计煤炭消费量(吨) · 年度煤炭消费上限(吨); any value but 地区 and 月份 may be blank.
The project energy template: 项目代码 · 月份 · 当月能源消费量(吨标准煤).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.utils import translation

from screening.bilingual import Bilingual, both
from screening.early_warning.barometer import IndicatorRow
from screening.early_warning.project_energy import ProjectEnergyRow
from screening.ledger.xlsx import cleaning
from screening.ledger.xlsx.problems import CellError, CellProblem, cell_error, problem
from screening.ledger.xlsx.reader import read_sheet
from screening.ledger.xlsx.reference import PROVINCE_NAMES
from screening.ledger.xlsx.safety import Limits

# A change of intensity beyond these is a typing error, not a region (percent).
INTENSITY_CHANGE_RANGE = (Decimal(-100), Decimal(1000))
TARGET_MAX = Decimal(100)


@dataclass(frozen=True)
class TemplateColumn:
    """One column of an upload template; `kind` says how its cells are parsed."""

    header: str
    key: str
    kind: str  # region · month · signed · number · code
    label_en: str
    required: bool = False
    help_zh: str = ""


INDICATOR_COLUMNS: tuple[TemplateColumn, ...] = (
    TemplateColumn(
        "地区",
        "region_code",
        "region",
        "region",
        True,
        "地区全称、简称或6位代码，如 安阳市、安阳 或 410500",
    ),
    TemplateColumn(
        "月份",
        "month",
        "month",
        "month",
        True,
        "年月 YYYY-MM（文本），如 2025-06；数据为1月至该月的累计",
    ),
    TemplateColumn(
        "能耗强度累计变化(%)",
        "intensity_change_pct",
        "signed",
        "cumulative energy-intensity change (%)",
        False,
        "与上年同期相比，下降为负数，如 -3.2；上升为正数",
    ),
    TemplateColumn(
        "年度能耗强度下降目标(%)",
        "intensity_target_pct",
        "target",
        "annual intensity-reduction target (%)",
        False,
        "下降目标，填正数，如 3.0",
    ),
    TemplateColumn(
        "累计能源消费总量(吨标准煤)",
        "energy_total_tce",
        "number",
        "cumulative total energy consumption (tce)",
        False,
        "1月至该月累计",
    ),
    TemplateColumn(
        "年度能源消费总量预算(吨标准煤)",
        "energy_budget_tce",
        "number",
        "annual total energy budget (tce)",
        False,
        "全年预算，系统按月份/12折算",
    ),
    TemplateColumn(
        "累计煤炭消费量(吨)",
        "coal_tonnes",
        "number",
        "cumulative coal consumption (t)",
        False,
        "1月至该月累计",
    ),
    TemplateColumn(
        "年度煤炭消费上限(吨)",
        "coal_cap_tonnes",
        "number",
        "annual coal consumption cap (t)",
        False,
        "全年上限，系统按月份/12折算",
    ),
)
INDICATOR_KEYS = (
    "region_code",
    "month",
    "intensity_change_pct",
    "intensity_target_pct",
    "energy_total_tce",
    "energy_budget_tce",
    "coal_tonnes",
    "coal_cap_tonnes",
)

PROJECT_ENERGY_COLUMNS: tuple[TemplateColumn, ...] = (
    TemplateColumn(
        "项目代码",
        "project_code",
        "code",
        "project code",
        True,
        "台账中的项目代码，如 2104-410100-04-01-123456",
    ),
    TemplateColumn("月份", "month", "month", "month", True, "年月 YYYY-MM（文本），如 2025-06"),
    TemplateColumn(
        "当月能源消费量(吨标准煤)",
        "actual_tce",
        "number",
        "actual energy use in the month (tce)",
        True,
        "当月实际综合能源消费量（当量值）",
    ),
)


# --- Messages ------------------------------------------------------------------------------


def _error(
    row: int, column: TemplateColumn, value: str, found: CellProblem | Bilingual
) -> CellError:
    if isinstance(found, CellProblem):
        return cell_error(row, column.header, column.label_en, value, found)
    zh, en = found.zh, found.en
    return CellError(
        row=row,
        column=column.header,
        value=value,
        message_zh=f"第{row}行〔{column.header}〕{zh}",
        message_en=f"Row {row}, {column.header} ({column.label_en}): {en}",
    )


def _message(found: CellProblem | Bilingual) -> str:
    """The problem in the current language, for the web form."""
    en = (translation.get_language() or "").startswith("en")
    if isinstance(found, CellProblem):
        return found.message("en" if en else "zh")
    return found.en if en else found.zh


# --- Cell parsing shared by the upload and the form ----------------------------------------


def indicator_region_lookup() -> dict[str, str]:
    """Folded full name, alias or code → code, of every region but the province."""
    from screening.models import Region

    lookup: dict[str, str] = {}
    for code, name, aliases in Region.objects.exclude(level="province").values_list(
        "code", "name", "aliases"
    ):
        for text in (code, name, *(aliases or ())):
            lookup[cleaning.fold(text).strip()] = code
    return lookup


def _parse_region(raw: object, regions: Mapping[str, str]) -> str | None | CellProblem | Bilingual:
    if isinstance(raw, float) and raw.is_integer():
        raw = str(int(raw))  # a code typed as a number
    text = cleaning.cell_text(raw, 100)
    if text is None or isinstance(text, CellProblem):
        return text
    folded = cleaning.fold(text).strip()
    if folded in PROVINCE_NAMES:
        return both(
            "must be a city, 济源, 航空港区 or a county, not the province itself: "
            "the province's figures are not a city's"
        )
    code = regions.get(folded)
    if code is None:
        return both(
            "“%(value)s” is not a region of Henan; give its name, alias or 6-digit "
            "code (e.g. 安阳市, 安阳 or 410500)",
            value=text,
        )
    return code


def _parse_month(raw: object) -> tuple[int, int] | None | CellProblem | Bilingual:
    # Excel turns a typed 2025-06 into the date 2025-06-01: accept a date cell on the 1st only.
    if hasattr(raw, "year") and hasattr(raw, "month") and hasattr(raw, "day"):
        if raw.day == 1:
            return raw.year, raw.month
        return both(
            "must be a month YYYY-MM, not a date of the month (%(value)s)",
            value=cleaning.display_value(raw),
        )
    return cleaning.parse_year_month(raw)


def _parse_value(kind: str, raw: object) -> Decimal | None | CellProblem | Bilingual:
    value = cleaning.parse_number(raw, allow_negative=(kind == "signed"))
    if not isinstance(value, Decimal):
        return value
    if kind == "signed" and not INTENSITY_CHANGE_RANGE[0] <= value <= INTENSITY_CHANGE_RANGE[1]:
        return both(
            "must be a percentage between -100 and 1000 (e.g. -3.2 for a fall of 3.2 percent)"
        )
    if kind == "target" and value > TARGET_MAX:
        return both("must be a percentage between 0 and 100 (e.g. 3.0)")
    return value


def clean_indicator_cells(
    cells: Mapping[str, object], regions: Mapping[str, str]
) -> tuple[IndicatorRow | None, dict[str, CellProblem | Bilingual]]:
    """Parse one region-month's cells (raw cells or form text) into an IndicatorRow.

    The one validator of the form and the upload. Returns (row, {}) or (None, {key: problem});
    `problem_message` words a problem in the current language.
    """
    problems: dict[str, CellProblem | Bilingual] = {}
    values: dict[str, object] = {}
    for column in INDICATOR_COLUMNS:
        raw = cells.get(column.key, "")
        if column.kind == "region":
            parsed = _parse_region(raw, regions)
        elif column.kind == "month":
            parsed = _parse_month(raw)
        else:
            parsed = _parse_value(column.kind, raw)
        if parsed is None and column.required:
            parsed = problem("required")
        if isinstance(parsed, (CellProblem, Bilingual)):
            problems[column.key] = parsed
        else:
            values[column.key] = parsed
    if problems:
        return None, problems
    year, month = values.pop("month")
    return IndicatorRow(year=year, month=month, **values), {}


problem_message = _message


# --- Reading a workbook ---------------------------------------------------------------------


@dataclass
class TemplateRead:
    """What a workbook held: valid rows with their sheet row numbers, and every error."""

    rows: list[tuple[int, object]] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    header_errors: list[CellError] = field(default_factory=list)
    ignored_columns: tuple[str, ...] = ()
    data_rows: int = 0

    @property
    def all_errors(self) -> list[CellError]:
        return [*self.header_errors, *self.errors]


def _sheet_rows(
    path: Path, limits: Limits
) -> tuple[list[object], Iterator[tuple[int, list[object]]]]:
    """Header cells and (sheet row number, cells) of the first visible sheet, read safely.

    The one place a workbook is opened: the ledger's checked reader. Raises UnsafeWorkbook for
    anything that cannot be read safely (the ledger's rules and limits).
    """
    reading = read_sheet(path, limits)
    return reading.header, reading.rows


def _read_template(
    path: Path, limits, columns: tuple[TemplateColumn, ...], parse_row
) -> TemplateRead:
    header, rows = _sheet_rows(path, limits)
    match = cleaning.match_headers(list(header), columns)
    read = TemplateRead(ignored_columns=match.ignored_columns)
    for header_text, found, _columns in match.problems:
        column = next(c for c in columns if c.header == header_text)
        read.header_errors.append(_error(1, column, "", found))
    if read.header_errors:
        return read
    for row_number, cells in rows:
        raw = {
            key: (cells[index] if index < len(cells) else "")
            for key, index in match.positions.items()
        }
        if all(cleaning.is_blank(value) for value in raw.values()):
            continue  # blank in every template column (SPEC §3)
        read.data_rows += 1
        parsed, problems = parse_row(raw)
        if problems:
            for column in columns:
                if column.key in problems:
                    read.errors.append(
                        _error(
                            row_number,
                            column,
                            cleaning.display_value(raw.get(column.key, "")),
                            problems[column.key],
                        )
                    )
        else:
            read.rows.append((row_number, parsed))
    return read


def read_indicator_workbook(path: Path | str, limits, regions: Mapping[str, str]) -> TemplateRead:
    """Validate an indicators workbook. Raises UnsafeWorkbook when it cannot be read safely.

    A region-month given twice is an error on 月份 of the later row.
    """

    def parse_row(raw):
        return clean_indicator_cells(raw, regions)

    from screening.early_warning.barometer import no_rule_set_message, rule_set_for_month

    read = _read_template(Path(path), limits, INDICATOR_COLUMNS, parse_row)
    month_column = INDICATOR_COLUMNS[1]
    judged: dict[tuple[int, int], bool] = {}
    kept = []
    for row_number, row in read.rows:
        month = (row.year, row.month)
        if month not in judged:
            judged[month] = rule_set_for_month(*month) is not None
        if not judged[month]:
            with translation.override("zh-hans"):
                zh = no_rule_set_message(*month)
            with translation.override("en"):
                en = no_rule_set_message(*month)
            read.errors.append(
                _error(row_number, month_column, f"{row.year}-{row.month:02d}", Bilingual(zh, en))
            )
            continue
        kept.append((row_number, row))
    read.rows = kept
    return _drop_repeats(
        read,
        lambda row: (row.region_code, row.year, row.month),
        month_column,
        "this region and month repeat row %(row)s",
    )


def check_published_on(read: TemplateRead, published_on: date) -> TemplateRead:
    """History published on `published_on` (SPEC §8 `--published-on`): a row whose month had
    not ended by then is an error on 月份, and is dropped from the rows to store."""
    from screening.early_warning.barometer import month_ended_by, month_not_ended_message

    month_column = INDICATOR_COLUMNS[1]
    kept = []
    for row_number, row in read.rows:
        if month_ended_by(row.year, row.month, published_on):
            kept.append((row_number, row))
            continue
        with translation.override("zh-hans"):
            zh = month_not_ended_message(row.year, row.month, published_on)
        with translation.override("en"):
            en = month_not_ended_message(row.year, row.month, published_on)
        read.errors.append(
            _error(row_number, month_column, f"{row.year}-{row.month:02d}", Bilingual(zh, en))
        )
    read.rows = kept
    read.errors.sort(key=lambda e: e.row)
    return read


def _drop_repeats(read: TemplateRead, key_of, column, message: str) -> TemplateRead:
    """Keep the first row of each key; every later one is an error on `column` naming it."""
    first: dict[tuple, int] = {}
    kept = []
    for row_number, row in read.rows:
        key = key_of(row)
        if key in first:
            read.errors.append(
                _error(
                    row_number,
                    column,
                    f"{row.year}-{row.month:02d}",
                    both(message, row=first[key]),
                )
            )
            continue
        first[key] = row_number
        kept.append((row_number, row))
    read.rows = kept
    read.errors.sort(key=lambda e: e.row)
    return read


def read_project_energy_workbook(path: Path | str, limits) -> TemplateRead:
    """Validate a project energy workbook (the projects themselves are checked by the caller).

    Raises UnsafeWorkbook when it cannot be read safely.
    """

    def parse_row(raw):
        problems: dict[str, object] = {}
        values: dict[str, object] = {}
        for column in PROJECT_ENERGY_COLUMNS:
            cell = raw.get(column.key, "")
            if column.kind == "code":
                parsed = cleaning.cell_text(cell, 32)
            elif column.kind == "month":
                parsed = _parse_month(cell)
            else:
                parsed = _parse_value(column.kind, cell)
            if parsed is None:
                parsed = problem("required")
            if isinstance(parsed, (CellProblem, Bilingual)):
                problems[column.key] = parsed
            else:
                values[column.key] = parsed
        if problems:
            return None, problems
        year, month = values["month"]
        return ProjectEnergyRow(
            project_code=values["project_code"],
            year=year,
            month=month,
            actual_tce=values["actual_tce"],
        ), {}

    read = _read_template(Path(path), limits, PROJECT_ENERGY_COLUMNS, parse_row)
    return _drop_repeats(
        read,
        lambda row: (row.project_code, row.year, row.month),
        PROJECT_ENERGY_COLUMNS[1],
        "this project and month repeat row %(row)s",
    )


def project_row_error(row_number: int, value: str, message: Bilingual) -> CellError:
    """An error on 项目代码 found against the database (unknown, not operating, not yours)."""
    return _error(row_number, PROJECT_ENERGY_COLUMNS[0], value, message)
