"""Helpers that write real .xlsx files (openpyxl, or hand-made zips) for the ledger tests."""

from __future__ import annotations

import datetime
import io
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from screening.ledger.xlsx.reference import LedgerReference
from screening.ledger.xlsx.template import HEADERS

ROOT = Path(__file__).resolve().parents[4]

VALID_ROW: dict[str, object] = {
    "项目代码": "2104-410100-04-01-123456",
    "项目名称": "年产100万吨焦炭项目",
    "建设单位": "河南某焦化有限公司",
    "统一社会信用代码": "91110000600037341L",
    "所在地区": "郑州市",
    "所属行业": "焦化",
    "产品/工序": "焦炭 (顶装焦炉)",
    "建设性质": "新建",
    "项目阶段": "拟建",
    "年综合能源消费量(吨标准煤)": 120000,
    "新增产能": 100,
    "产能单位": "万吨/年",
    "置换产能": 125,
    "产能置换方案文号": "豫工信〔2021〕1号",
    "设计单位产品能耗": 105,
    "单位产品能耗单位": "kgce/t",
    "工艺技术类别": "允许类",
    "节能审查文号": "豫发改环资〔2021〕5号",
    "节能审查日期": datetime.date(2021, 5, 6),
    "符合产业政策和规划": "是",
}


@pytest.fixture(scope="session")
def reference() -> LedgerReference:
    """The real fixtures: regions.json and the henan-2021 rule set's products."""
    rule_set = ROOT / "fixtures" / "rule_sets" / "henan-2021.json"
    if rule_set.exists():
        return LedgerReference.from_fixture_files(ROOT / "fixtures" / "regions.json", rule_set)
    return small_reference()


def small_reference() -> LedgerReference:
    return LedgerReference.build(
        regions=[
            ("410000", "河南省", []),
            ("410100", "郑州市", ["郑州"]),
            ("419001", "济源市", ["济源", "济源示范区"]),
        ],
        products=[
            ("焦炭 (顶装焦炉)", "焦炭", "kgce/t"),
            ("建筑陶瓷 (E≤0.5%)", "建筑陶瓷", "kgce/m²"),
            ("合成氨 (天然气)", "合成氨", "kgce/t"),
            ("转炉工序", "转炉工序", "kgce/t"),
        ],
        family_sectors={
            "焦炭": ["焦化"],
            "建筑陶瓷": ["建材"],
            "合成氨": ["化工", "煤化工"],
            "转炉工序": ["钢铁"],
        },
    )


def row_values(headers: list[str], **changes: object) -> list[object]:
    """A valid row for `headers`, with some cells changed (keyword = header)."""
    values = dict(VALID_ROW)
    values.update(changes)
    return [values.get(header) for header in headers]


@pytest.fixture
def write_ledger(tmp_path: Path) -> Callable[..., Path]:
    """write_ledger(rows, headers=HEADERS, name=…): rows are lists or {header: value}."""
    counter = iter(range(10**6))

    def write(
        rows: list,
        headers: list[str] | None = None,
        *,
        name: str | None = None,
        before: Callable | None = None,
    ) -> Path:
        headers = list(HEADERS) if headers is None else headers
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.title = "台账"
        sheet.append(headers)
        for row in rows:
            if isinstance(row, dict):
                row = row_values(headers, **row)
            sheet.append(row)
        if before:
            before(workbook, sheet)
        path = tmp_path / (name or f"ledger{next(counter)}.xlsx")
        workbook.save(path)
        return path

    return write


def rewrite_zip(
    src: Path,
    dst: Path,
    *,
    replace: dict[str, bytes] | None = None,
    add: dict[str, bytes] | None = None,
    drop: tuple[str, ...] = (),
    info_hook: Callable[[zipfile.ZipInfo], None] | None = None,
) -> Path:
    """Copy an .xlsx with members replaced, added or dropped."""
    replace, add = replace or {}, add or {}
    with zipfile.ZipFile(src) as source, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            if info.filename in drop:
                continue
            data = replace.get(info.filename, source.read(info.filename))
            new = zipfile.ZipInfo(info.filename, info.date_time)
            new.compress_type = zipfile.ZIP_DEFLATED
            if info_hook:
                info_hook(new)
            out.writestr(new, data)
        for name, data in add.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            if info_hook:
                info_hook(info)
            out.writestr(info, data)
    return dst


SHEET_NS = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def sheet_xml(body: bytes, dimension: bytes | None = None) -> bytes:
    dim = b'<dimension ref="%s"/>' % dimension if dimension else b""
    return SHEET_NS + dim + b"<sheetData>" + body + b"</sheetData></worksheet>"


def inline(ref: str, text: str) -> bytes:
    return b'<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' % (ref.encode(), text.encode())


def patch_sizes(
    path: Path, member: str, *, file_size: int | None = None, crc: int | None = None
) -> None:
    """Rewrite a member's declared size / CRC in both local and central headers."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    for signature, crc_at, size_at in ((b"PK\x03\x04", 14, 22), (b"PK\x01\x02", 16, 24)):
        start = 0
        while (start := data.find(signature, start)) >= 0:
            name_at = 30 if signature == b"PK\x03\x04" else 46
            length_at = 26 if signature == b"PK\x03\x04" else 28
            (length,) = struct.unpack_from("<H", data, start + length_at)
            if bytes(data[start + name_at : start + name_at + length]) == name:
                if file_size is not None:
                    struct.pack_into("<I", data, start + size_at, file_size)
                if crc is not None:
                    struct.pack_into("<I", data, start + crc_at, crc)
            start += 4
    path.write_bytes(bytes(data))


def minimal_xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    workbook = openpyxl.Workbook()
    workbook.active.append(["a"])
    workbook.save(buffer)
    return buffer.getvalue()
