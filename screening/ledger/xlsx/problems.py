"""What can be wrong with a cell or a header, and how to say it in Chinese and English.

Parsers return a `CellProblem` (a code and its parameters) instead of raising: an upload with
thousands of bad cells must not pay for thousands of exceptions, and the wording is composed
only for cells that are actually reported.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CellProblem:
    """Why one cell value was refused; `params` fill the message templates."""

    code: str
    params: tuple[tuple[str, object], ...] = ()

    def message(self, lang: str) -> str:
        """The problem in the given language ("zh" or "en"), without row and column."""
        zh, en = MESSAGES[self.code]
        return (zh if lang == "zh" else en).format(**dict(self.params))


def problem(code: str, **params: object) -> CellProblem:
    """Build a CellProblem; the code must be one of MESSAGES."""
    return CellProblem(code, tuple(params.items()))


@dataclass(frozen=True, slots=True)
class CellError:
    """One reported error: sheet row, canonical header, the value as given, and why."""

    row: int
    column: str
    value: str
    message_zh: str
    message_en: str
    column_number: int = 0  # template position, for sorting (0 = not a template column)
    sheet_column: int | None = None  # 1-based sheet column, None when the header is missing

    def message(self, lang: str) -> str:
        return self.message_en if lang == "en" else self.message_zh


def cell_error(
    row: int,
    column_header: str,
    column_label_en: str,
    value: str,
    found: CellProblem,
    *,
    column_number: int = 0,
    sheet_column: int | None = None,
) -> CellError:
    """Compose the full bilingual message ("第14行〔统一社会信用代码〕校验位错误…")."""
    return CellError(
        row=row,
        column=column_header,
        value=value,
        message_zh=f"第{row}行〔{column_header}〕{found.message('zh')}",
        message_en=f"Row {row}, {column_header} ({column_label_en}): {found.message('en')}",
        column_number=column_number,
        sheet_column=sheet_column,
    )


# code: (zh, en). Each says what is wrong and what is expected.
MESSAGES: dict[str, tuple[str, str]] = {
    "required": ("不能为空", "is required"),
    "required_if_given": ("填写了〔{triggers}〕时必须填写", "is required when {triggers} is given"),
    "required_if_positive": (
        "〔{triggers}〕大于0时必须填写",
        "is required when {triggers} is greater than 0",
    ),
    "too_long": (
        "超过{limit}个字符（现为{length}个）",
        "is longer than {limit} characters ({length})",
    ),
    "formula_without_value": (
        "是没有保存计算结果的公式，请用Excel打开并保存该文件后重新上传",
        "is a formula without a saved value: open and save the file in Excel, then upload it again",
    ),
    "excel_error": ("是Excel错误值 {error}，请填写实际数值", "holds the Excel error value {error}"),
    "not_text": ("应为文本，不能是{found}", "must be text, not {found}"),
    "not_number": (
        "应为数字（如 12000 或 12,000.5），“{value}”不是数字",
        "must be a number (e.g. 12000 or 12,000.5); “{value}” is not",
    ),
    "number_not_finite": ("不是有效数字（不能是NaN或无穷大）", "is not a finite number"),
    "number_too_large": ("绝对值不能超过10^12", "must not exceed 10^12 in magnitude"),
    "number_negative": ("不能为负数", "must not be negative"),
    "not_date": (
        "应为日期（YYYYMMDD、YYYY-M-D、YYYY/M/D、YYYY.M.D、YYYY年M月D日或Excel日期），"
        "“{value}”不是日期",
        "must be a date (YYYYMMDD, YYYY-M-D, YYYY/M/D, YYYY.M.D, YYYY年M月D日 or an "
        "Excel date); “{value}” is not",
    ),
    "not_calendar_date": ("“{value}”不是真实存在的日期", "“{value}” is not a real calendar date"),
    "date_out_of_range": (
        "应在1990-01-01至2100-12-31之间",
        "must be between 1990-01-01 and 2100-12-31",
    ),
    "operation_before_start": ("早于开工日期（{start}）", "is earlier than 开工日期 ({start})"),
    "not_month": (
        "应为年月（YYYY-MM），“{value}”不是",
        "must be a month YYYY-MM; “{value}” is not",
    ),
    "not_choice": ("应为以下之一：{choices}", "must be one of: {choices}"),
    "project_code_format": (
        "格式错误，应为 YYMM-XXXXXX-XX-XX-XXXXXX（24位，如 2104-410100-04-01-123456）",
        "must look like YYMM-XXXXXX-XX-XX-XXXXXX (e.g. 2104-410100-04-01-123456)",
    ),
    "project_code_month": (
        "前四位应为年月YYMM，月份“{month}”不在01–12之间",
        "must start with YYMM; month “{month}” is not 01–12",
    ),
    "project_code_duplicate": ("与第{first_row}行重复", "repeats row {first_row}"),
    "uscc_length": (
        "应为18位（去除空格后为{length}位）",
        "must have 18 characters ({length} after removing spaces)",
    ),
    "uscc_charset": (
        "含有不允许的字符“{chars}”（只允许数字和除I、O、S、V、Z以外的大写字母）",
        "contains “{chars}”; only digits and capital letters except I, O, S, V, Z are allowed",
    ),
    "uscc_check_digit": (
        "校验位错误（第18位应为“{expected}”）",
        "has a wrong check character (the 18th should be “{expected}”)",
    ),
    "code_stored_as_number": (
        "被Excel存为数字（“{value}”），位数可能已丢失：请将该列设置为文本格式后重新输入代码",
        "was stored by Excel as a number (“{value}”), so digits may have "
        "been lost: format the column as text and type the code again",
    ),
    "region_province": (
        "不能填河南省，应填项目所在的省辖市、济源示范区、航空港区或省直管县（市）",
        "must be the project's city, 济源, 航空港区 or a province-direct county, "
        "not the province itself",
    ),
    "region_unknown": (
        "“{value}”不是河南省的项目地区，应填地区全称、简称或6位代码（如 郑州市、郑州 或 410100）",
        "“{value}” is not a project region of Henan; give its name, alias or "
        "6-digit code (e.g. 郑州市, 郑州 or 410100)",
    ),
    "product_unknown": (
        "“{value}”不在能效标杆水平表中，也不是无标杆行的产品（如 焦炭 (顶装焦炉)、"
        "水泥熟料、氧化铝）",
        "“{value}” is not a product of the benchmark table nor one without a "
        "benchmark row (e.g. 焦炭 (顶装焦炉), 水泥熟料, 氧化铝)",
    ),
    "product_sector": (
        "“{product}”（{family}）不属于所属行业“{sector}”，应属于：{sectors}",
        "“{product}” ({family}) does not belong to sector {sector}; it belongs to: {sectors}",
    ),
    "unit_mismatch": (
        "应为“{expected}”（产品“{product}”的单位）",
        "must be “{expected}”, the unit of product “{product}”",
    ),
    # header problems (row 1)
    "header_missing": ("缺少表头“{header}”（第1行）", "header “{header}” is missing from row 1"),
    "header_duplicate": (
        "表头“{header}”出现了{count}次（第{columns}列）",
        "header “{header}” appears {count} times (columns {columns})",
    ),
}
