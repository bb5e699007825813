"""Why an upload is refused as a whole (SPEC §9): `UnsafeWorkbook` and its messages, in Chinese
and English, one per refusal code.
"""

from __future__ import annotations


class UnsafeWorkbook(Exception):
    """The upload is refused as a whole (exit status 2); the message says why."""

    def __init__(self, code: str, message_zh: str, message_en: str) -> None:
        super().__init__(message_en)
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en

    @property
    def not_xlsx(self) -> bool:
        """A file in another format (.xls, .ods, .csv …): nothing unsafe, only not .xlsx."""
        return self.code in OTHER_FORMATS

    def message(self, lang: str) -> str:
        return self.message_en if lang == "en" else self.message_zh


# --------------------------------------------------------------------------- messages

# Files in another format are not unsafe, only not .xlsx: their refusal says so and names the
# programs an office has (issue 15).
OTHER_FORMATS = frozenset(
    {"xls", "spreadsheetml2003", "html", "xml", "csv", "not_xlsx", "ods", "not_ooxml"}
)
_SAVE_AS_ZH = "请用 Excel、WPS 或 LibreOffice 打开，另存为 .xlsx（Excel工作簿）后再上传"
_SAVE_AS_EN = (
    "Open it in Excel, WPS or LibreOffice, save it as .xlsx (Excel Workbook) and upload that"
)

_REFUSALS: dict[str, tuple[str, str]] = {
    "empty": ("文件是空的", "the file is empty"),
    "file_too_large": (
        "文件超过{limit}MB（现为{size:.1f}MB）",
        "the file is larger than {limit} MB ({size:.1f} MB)",
    ),
    "bad_zip": (
        "文件已损坏或不完整（不是完好的.xlsx压缩包）",
        "the file is damaged or truncated (not an intact .xlsx zip package)",
    ),
    "xls": (
        "不是.xlsx工作簿：这是旧版Excel（.xls）文件。" + _SAVE_AS_ZH,
        "not an .xlsx workbook: this is an old Excel (.xls) file. " + _SAVE_AS_EN,
    ),
    "encrypted": (
        "文件设置了密码（已加密），请取消密码后另存为.xlsx再上传",
        "the file is password-protected (encrypted): remove the password, save as "
        ".xlsx and upload that",
    ),
    "spreadsheetml2003": (
        "不是.xlsx工作簿：这是Excel 2003 XML表格。" + _SAVE_AS_ZH,
        "not an .xlsx workbook: this is an Excel 2003 XML spreadsheet. " + _SAVE_AS_EN,
    ),
    "html": (
        "不是.xlsx工作簿：这是网页（HTML）文件。" + _SAVE_AS_ZH,
        "not an .xlsx workbook: this is an HTML file. " + _SAVE_AS_EN,
    ),
    "xml": (
        "不是.xlsx工作簿：这是XML文件。" + _SAVE_AS_ZH,
        "not an .xlsx workbook: this is an XML file. " + _SAVE_AS_EN,
    ),
    "csv": (
        "不是.xlsx工作簿：这是文本/CSV文件。" + _SAVE_AS_ZH,
        "not an .xlsx workbook: this is a text/CSV file. " + _SAVE_AS_EN,
    ),
    "not_xlsx": ("不是.xlsx工作簿。" + _SAVE_AS_ZH, "not an .xlsx workbook. " + _SAVE_AS_EN),
    "ods": (
        "不是.xlsx工作簿：这是OpenDocument表格（.ods）。" + _SAVE_AS_ZH,
        "not an .xlsx workbook: this is an OpenDocument spreadsheet (.ods). " + _SAVE_AS_EN,
    ),
    "not_ooxml": (
        "不是.xlsx工作簿（压缩包里没有Excel工作簿）。" + _SAVE_AS_ZH,
        "not an .xlsx workbook (the package holds no Excel workbook). " + _SAVE_AS_EN,
    ),
    "too_many_members": (
        "压缩包内文件过多（{count}个，上限{limit}个）",
        "the package holds too many parts ({count}; at most {limit})",
    ),
    "unsafe_member_path": (
        "压缩包内含有不安全的路径“{name}”",
        "the package contains an unsafe path “{name}”",
    ),
    "symlink_member": ("压缩包内含有符号链接“{name}”", "the package contains a symlink “{name}”"),
    "compression": (
        "压缩包内“{name}”使用了不支持的压缩方式",
        "part “{name}” uses an unsupported compression method",
    ),
    "ratio": (
        "压缩包内“{name}”解压后膨胀超过{limit:g}倍（疑似压缩炸弹）",
        "part “{name}” inflates more than {limit:g} times (a zip bomb?)",
    ),
    "uncompressed_too_large": (
        "解压后总大小超过{limit}MB",
        "the content is larger than {limit} MB uncompressed",
    ),
    "size_mismatch": (
        "压缩包内“{name}”的实际大小与目录记录不符",
        "part “{name}” does not have the size its zip directory declares",
    ),
    "doctype": (
        "文件“{name}”含有DTD或实体声明，出于安全原因拒绝处理",
        "part “{name}” contains a DTD or entity declaration; refused for safety",
    ),
    "bad_xml": ("文件内部的XML已损坏", "an XML part of the file is malformed"),
    "malformed_xml": (
        "文件内部“{name}”的XML不完整或格式错误"
        "（第{line}行附近：标签未闭合、不匹配或被截断），无法安全读取，请在Excel中打开并另存为.xlsx后再上传",
        "part “{name}” is not well-formed XML (near line {line}: an unclosed, "
        "mismatched or truncated tag), so it cannot be read safely: open the file "
        "in Excel, save it as .xlsx again and upload that",
    ),
    "strict": (
        "这是“严格Open XML”格式的工作簿，请在Excel中另存为普通的“Excel工作簿(.xlsx)”",
        "this is a Strict Open XML workbook: save it as a normal Excel Workbook (.xlsx)",
    ),
    "vba": (
        "工作簿含有宏（VBA），请另存为不含宏的.xlsx后上传",
        "the workbook carries macros (VBA): save it as a macro-free .xlsx",
    ),
    "no_visible_sheet": ("工作簿中没有可见的工作表", "the workbook has no visible worksheet"),
    "area": (
        "工作表使用的区域过大（到第{rows:,}行、第{columns:,}列），请删除多余的行和列",
        "the worksheet's used area is too large (up to row {rows:,}, column {columns:,}): "
        "delete the extra rows and columns",
    ),
    "row_order": (
        "工作表第{row:,}行出现在第{after:,}行之后（行的顺序错乱），"
        "请在Excel中打开并另存为.xlsx后再上传",
        "sheet row {row:,} comes after row {after:,} in the file (rows out of order): "
        "open it in Excel, save it as .xlsx again and upload that",
    ),
    "too_many_rows": ("数据行超过{limit:,}行", "there are more than {limit:,} data rows"),
    "too_many_columns": (
        "表头的最后一个非空单元格在第{column}列，超过了前{limit}列",
        "the last non-blank header cell is in column {column}, beyond the first {limit}",
    ),
}


def _refuse(code: str, **params: object) -> UnsafeWorkbook:
    zh, en = _REFUSALS[code]
    return UnsafeWorkbook(code, zh.format(**params), en.format(**params))


refuse = _refuse  # the reader raises the row and column limits with the same messages
