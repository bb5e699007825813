"""Generate the corpus of hostile and malformed ledger files (issue 9).

Every file is made here from code, never kept as a binary: `build(folder)` writes them and
returns one `Entry` per file with what the app must do with it (refuse it with a given reason,
report given cell errors, or accept a given number of rows). The huge bombs stay cheap to make:
a deflate stream of one repeated 704 KiB chunk is the same bytes after every full flush, so a
1 GiB member is one compressed chunk tiled (≈2 MB), and zip headers are written by hand so
they can lie about sizes and CRCs.

    python -m tests.corpus.generate OUT_DIR [--huge]   # writes the files and prints the list
"""

from __future__ import annotations

import argparse
import datetime
import io
import struct
import sys
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from screening.ledger.xlsx.template import COLUMNS  # noqa: E402
from tests.ledger_files import valid_row  # noqa: E402

GIB = 1 << 30
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
WORKSHEET_TYPE = REL_NS + "/worksheet"
HEADERS = [column.header for column in COLUMNS]

# A loopback address that nobody serves: an external DTD or entity pointing here would show up
# as a connection attempt (the test listens on it) if any parser ever tried to fetch it.
CANARY_HOST = "127.0.0.1"


@dataclass
class Entry:
    """One corpus file and what must happen to it.

    outcome: "refused" (whole file, `code` is the safety refusal code), "errors" (cell or
    header errors at `errors`: (row, column header) pairs that must be reported) or "valid"
    (`rows` rows accepted).
    """

    name: str
    path: Path
    outcome: str
    code: str = ""
    errors: list[tuple[int, str]] = field(default_factory=list)
    rows: int = 0
    web_form: str = ""  # the web form refuses it before it is stored (this message)
    huge: bool = False  # only in `make reliability` (slow to read: a real 50 MB import)
    note: str = ""
    values: dict[str, str] = field(default_factory=dict)  # expected cleaned values of row 2


# --------------------------------------------------------------------------- ledger rows


def valid_values(n: int = 0, **overrides: object) -> dict[str, object]:
    """A valid, compliant row (郑州 steel project) by template key; `n` varies the code."""
    return valid_row(
        **{
            "project_code": f"2104-410100-04-01-{900000 + n:06d}",
            "name": f"高炉产能置换升级项目{n}",
            **overrides,
        }
    )


def column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cell_xml(
    ref: str, value: object, formula: str | None = None, shared: dict[str, int] | None = None
) -> str:
    """One <c>: numbers as <v>, text inline (or shared when a table is given)."""
    f = f"<f>{_esc(formula)}</f>" if formula is not None else ""
    if value is None and formula is None:
        return ""
    if value is None:
        return f'<c r="{ref}">{f}</c>'
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b">{f}<v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}">{f}<v>{value!r}</v></c>'
    if isinstance(value, RawNumber):
        return f'<c r="{ref}">{f}<v>{value.text}</v></c>'
    text = str(value)
    if formula is not None:
        return f'<c r="{ref}" t="str">{f}<v>{_esc(text)}</v></c>'
    if shared is not None:
        index = shared.setdefault(text, len(shared))
        return f'<c r="{ref}" t="s"><v>{index}</v></c>'
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{ref}" t="inlineStr"><is><t{space}>{_esc(text)}</t></is></c>'


@dataclass(frozen=True)
class RawNumber:
    """A number cell whose <v> text is written exactly as given (1e400, NaN …)."""

    text: str


def row_xml(
    number: int,
    values: list[object],
    formulas: dict[int, str] | None = None,
    shared: dict[str, int] | None = None,
    first_column: int = 1,
) -> str:
    formulas = formulas or {}
    cells = "".join(
        cell_xml(f"{column_letters(first_column + i)}{number}", value, formulas.get(i), shared)
        for i, value in enumerate(values)
    )
    return f'<row r="{number}">{cells}</row>'


def ledger_row(values: dict[str, object]) -> list[object]:
    return [values.get(column.key) for column in COLUMNS]


def sheet_xml(
    rows: Iterable[str], dimension: str | None = None, extra: str = "", prolog: str = ""
) -> bytes:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}'
        f'<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">{dim}<sheetData>'
        + "".join(rows)
        + f"</sheetData>{extra}</worksheet>"
    ).encode()


def ledger_sheet(rows: list[dict[str, object]], **kwargs) -> bytes:
    lines = [row_xml(1, HEADERS)] + [row_xml(i + 2, ledger_row(r)) for i, r in enumerate(rows)]
    return sheet_xml(lines, **kwargs)


# --------------------------------------------------------------------- package building


@dataclass
class Raw:
    """A member given as its compressed bytes, with what the zip headers should claim."""

    data: bytes  # the member's bytes as stored (deflated unless method is STORED)
    size: int  # the real uncompressed size
    crc: int
    method: int = zipfile.ZIP_DEFLATED
    declared_size: int | None = None  # what the headers say, if they should lie
    declared_crc: int | None = None
    flags: int = 0
    external_attr: int = 0


def deflated(data: bytes) -> Raw:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return Raw(c.compress(data) + c.flush(), len(data), zlib.crc32(data))


def stored(data: bytes) -> Raw:
    return Raw(data, len(data), zlib.crc32(data), method=zipfile.ZIP_STORED)


def tiled_bomb(
    head: bytes, chunk: bytes, repeats: int, tail: bytes, honest_crc: bool = True
) -> Raw:
    """head + chunk × repeats + tail, deflated cheaply: the chunk is compressed once.

    With a full flush before and after it, a chunk's deflate output does not depend on what
    came before, so it is tiled. The CRC is computed by crc32's running form over the chunk
    (cheap: no gigabyte is ever held in memory).
    """
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)
    piece = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    end = c.compress(tail) + c.flush()
    size = len(head) + len(chunk) * repeats + len(tail)
    crc = 0
    if honest_crc:
        crc = zlib.crc32(head)
        for _ in range(repeats):
            crc = zlib.crc32(chunk, crc)
        crc = zlib.crc32(tail, crc)
    return Raw(start + piece * repeats + end, size, crc)


def write_zip(path: Path, members: list[tuple[str, bytes | Raw]]) -> Path:
    """Write a zip by hand (local headers, data, central directory), so headers may lie."""
    out = io.BytesIO()
    central = []
    for name, member in members:
        raw = member if isinstance(member, Raw) else deflated(member)
        encoded = name.encode("utf-8")
        size = raw.size if raw.declared_size is None else raw.declared_size
        crc = raw.crc if raw.declared_crc is None else raw.declared_crc
        flags = raw.flags | 0x800  # UTF-8 names
        offset = out.tell()
        out.write(
            struct.pack(
                "<4sHHHHHIIIHH",
                b"PK\x03\x04",
                20,
                flags,
                raw.method,
                0,
                0x21,
                crc,
                len(raw.data),
                size,
                len(encoded),
                0,
            )
        )
        out.write(encoded)
        out.write(raw.data)
        central.append(
            struct.pack(
                "<4sHHHHHHIIIHHHHHII",
                b"PK\x01\x02",
                0x031E,
                20,
                flags,
                raw.method,
                0,
                0x21,
                crc,
                len(raw.data),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                raw.external_attr,
                offset,
            )
            + encoded
        )
    directory_at = out.tell()
    for record in central:
        out.write(record)
    directory_size = out.tell() - directory_at
    count = len(central)
    if count > 0xFFFF:
        raise ValueError("too many members for a plain zip")
    out.write(
        struct.pack(
            "<4sHHHHIIH", b"PK\x05\x06", 0, 0, count, count, directory_size, directory_at, 0
        )
    )
    path.write_bytes(out.getvalue())
    return path


def content_types(sheets: int = 1, extra: str = "", main: str | None = None) -> bytes:
    main = main or "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
        f'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, sheets + 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{main}"/>'
        f"{overrides}{extra}</Types>"
    ).encode()


ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships '
    f'xmlns="{PKG_REL_NS}"><Relationship Id="rId1" Type="{REL_NS}/officeDocument" '
    f'Target="xl/workbook.xml"/><Relationship Id="rId2" Type="http://schemas.'
    f'openxmlformats.org/package/2006/relationships/metadata/core-properties" '
    f'Target="docProps/core.xml"/></Relationships>'
).encode()

CORE = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><cp:coreProperties '
    b'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    b'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>corpus</dc:creator>'
    b"</cp:coreProperties>"
)


def workbook_xml(sheets: list[tuple[str, str]]) -> bytes:
    """sheets: (name, state) in workbook order."""
    items = "".join(
        f'<sheet name="{_esc(name)}" sheetId="{i}" r:id="rId{i}"'
        + (f' state="{state}"' if state != "visible" else "")
        + "/>"
        for i, (name, state) in enumerate(sheets, start=1)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook '
        f'xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets>{items}</sheets></workbook>'
    ).encode()


def workbook_rels(count: int, shared_strings: bool = False, extra: str = "") -> bytes:
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{WORKSHEET_TYPE}" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, count + 1)
    )
    if shared_strings:
        rels += (
            f'<Relationship Id="rId{count + 1}" Type="{REL_NS}/sharedStrings" '
            f'Target="sharedStrings.xml"/>'
        )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships '
        f'xmlns="{PKG_REL_NS}">{rels}{extra}</Relationships>'
    ).encode()


def shared_strings_xml(strings: dict[str, int]) -> bytes:
    items = "".join(
        f"<si><t>{_esc(s)}</t></si>" for s, _i in sorted(strings.items(), key=lambda kv: kv[1])
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="{MAIN_NS}" '
        f'count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>'
    ).encode()


STYLES = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet '
    f'xmlns="{MAIN_NS}"><fonts count="1"><font><sz val="11"/><name val="宋体"/></font>'
    '</fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
    '<borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>'
    '<cellXfs count="1"><xf xfId="0"/></cellXfs></styleSheet>'
).encode()
STYLES_TYPE = (
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/'
    'sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'spreadsheetml.sharedStrings+xml"/>'
)


def excel_like_parts(rows: list[dict[str, object]]) -> dict[str, bytes]:
    """A ledger sheet, its shared-string table and a style sheet, as Excel writes them."""
    table: dict[str, int] = {}
    lines = [row_xml(1, HEADERS, shared=table)] + [
        row_xml(i + 2, ledger_row(r), shared=table) for i, r in enumerate(rows)
    ]
    return {
        "xl/worksheets/sheet1.xml": sheet_xml(lines),
        "xl/sharedStrings.xml": shared_strings_xml(table),
        "xl/styles.xml": STYLES,
    }


def excel_like_package(parts: dict[str, bytes]) -> list[tuple[str, bytes | Raw]]:
    """The members of a workbook made of `excel_like_parts` (some perhaps damaged)."""
    return package(
        [parts["xl/worksheets/sheet1.xml"]],
        shared=parts["xl/sharedStrings.xml"],
        types=content_types(1, STYLES_TYPE),
        wb_rels_extra=(f'<Relationship Id="rId90" Type="{REL_NS}/styles" Target="styles.xml"/>'),
        extra=[("xl/styles.xml", parts["xl/styles.xml"])],
    )


def package(
    sheets: list[bytes | Raw],
    *,
    names: list[tuple[str, str]] | None = None,
    extra: list[tuple[str, bytes | Raw]] = (),
    shared: bytes | Raw | None = None,
    core: bytes | Raw = CORE,
    types: bytes | None = None,
    wb_rels_extra: str = "",
    workbook: bytes | None = None,
) -> list[tuple[str, bytes | Raw]]:
    """The members of a workbook with the given sheet XMLs (sheet 1 first)."""
    names = names or [
        ("台账" if i == 0 else f"Sheet{i + 1}", "visible") for i in range(len(sheets))
    ]
    members: list[tuple[str, bytes | Raw]] = [
        ("[Content_Types].xml", types or content_types(len(sheets))),
        ("_rels/.rels", ROOT_RELS),
        ("docProps/core.xml", core),
        ("xl/workbook.xml", workbook or workbook_xml(names)),
        (
            "xl/_rels/workbook.xml.rels",
            workbook_rels(len(sheets), shared is not None, wb_rels_extra),
        ),
    ]
    members += [(f"xl/worksheets/sheet{i}.xml", s) for i, s in enumerate(sheets, start=1)]
    if shared is not None:
        members.append(("xl/sharedStrings.xml", shared))
    members += list(extra)
    return members


# ------------------------------------------------------------------------- other formats


def cfb_file(streams: dict[str, bytes]) -> bytes:
    """A small but well-formed OLE compound file (what .xls and encrypted .xlsx are).

    Sector 0 is the FAT, sector 1 the directory, then each stream (padded to ≥ 4096 bytes so
    no mini stream is needed).
    """
    sector = 512
    endofchain, fatsect, freesect = 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
    datas = [
        data.ljust(max(4096, -(-len(data) // sector) * sector), b"\x00")
        for data in streams.values()
    ]
    fat = [fatsect, endofchain]
    starts = []
    for data in datas:
        count = len(data) // sector
        first = len(fat)
        starts.append(first)
        fat += [first + i + 1 for i in range(count - 1)] + [endofchain]
    fat += [freesect] * (128 - len(fat))

    def entry(
        name: str,
        kind: int,
        start: int,
        size: int,
        child: int = 0xFFFFFFFF,
        right: int = 0xFFFFFFFF,
    ) -> bytes:
        encoded = (name + "\x00").encode("utf-16-le")
        return (
            encoded.ljust(64, b"\x00")
            + struct.pack("<HBBIII", len(encoded), kind, 1, 0xFFFFFFFF, right, child)
            + b"\x00" * 16
            + b"\x00" * 4
            + b"\x00" * 16
            + struct.pack("<IQ", start, size)
        )

    names = list(streams)
    entries = [entry("Root Entry", 5, endofchain, 0, child=1)]
    for i, name in enumerate(names):
        right = i + 2 if i + 1 < len(names) else 0xFFFFFFFF
        entries.append(entry(name, 2, starts[i], len(streams[name]), right=right))
    directory = b"".join(entries).ljust(sector, b"\x00")
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\x00" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, endofchain, 0, endofchain, 0)
    )
    difat = struct.pack("<I", 0) + struct.pack("<I", freesect) * 108
    header = (header + difat).ljust(sector, b"\x00")
    return header + struct.pack("<128I", *fat) + directory + b"".join(datas)


def ods_members() -> list[tuple[str, bytes | Raw]]:
    return [
        ("mimetype", stored(b"application/vnd.oasis.opendocument.spreadsheet")),
        (
            "META-INF/manifest.xml",
            b'<?xml version="1.0"?><manifest:manifest xmlns:manifest='
            b'"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>',
        ),
        (
            "content.xml",
            (
                b'<?xml version="1.0"?><office:document-content xmlns:office='
                b'"urn:oasis:names:tc:opendocument:xmlns:office:1.0"><office:body>'
                b"<office:spreadsheet/></office:body></office:document-content>"
            ),
        ),
    ]


SPREADSHEETML_2003 = (
    '<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
    '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
    'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="台账"><Table>'
    + "<Row>"
    + "".join(f'<Cell><Data ss:Type="String">{h}</Data></Cell>' for h in HEADERS)
    + "</Row></Table></Worksheet></Workbook>"
).encode()

HTML_TABLE = (
    "<html><head><meta charset='utf-8'></head><body><table><tr>"
    + "".join(f"<td>{h}</td>" for h in HEADERS)
    + "</tr></table></body></html>"
).encode()


def csv_text() -> bytes:
    values = ledger_row(valid_values())
    return (
        "\ufeff"
        + ",".join(HEADERS)
        + "\r\n"
        + ",".join("" if v is None else str(v) for v in values)
        + "\r\n"
    ).encode()


# -------------------------------------------------------------------------- the corpus


def _ok_sheet(rows: int = 1) -> bytes:
    return ledger_sheet([valid_values(i) for i in range(rows)])


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "' + f"&lol{i - 1 if i > 1 else ''};" * 10 + '">' for i in range(1, 10)
    )
    + "]>"
)


def _entity_sheet(prolog: str, name_xml: str) -> bytes:
    """A ledger sheet whose XML starts with `prolog` and whose 项目名称 cell is raw XML text
    (an entity reference, say)."""
    cells = []
    for i, value in enumerate(ledger_row(valid_values())):
        ref = f"{column_letters(i + 1)}2"
        cells.append(
            f'<c r="{ref}" t="inlineStr"><is><t>{name_xml}</t></is></c>'
            if i == 1
            else cell_xml(ref, value)
        )
    body = sheet_xml([row_xml(1, HEADERS), f'<row r="2">{"".join(cells)}</row>'])
    return prolog.encode() + body.split(b"?>", 1)[1]


def _many_rows_sheet(count: int, declared: str | None) -> bytes:
    lines = [row_xml(1, HEADERS)] + [
        row_xml(i + 2, ledger_row(valid_values(i))) for i in range(count)
    ]
    return sheet_xml(lines, dimension=declared)


def _valid_big_sheet(target_bytes: int) -> tuple[bytes, int]:
    """A valid ledger sheet of just under `target_bytes` of XML (stored, not deflated)."""
    parts = [row_xml(1, HEADERS).encode()]
    size = len(sheet_xml([]))
    count = 0
    while count < 190_000:
        row = row_xml(
            count + 2,
            ledger_row(
                valid_values(
                    count,
                    project_code=f"2104-410100-04-01-{count:06d}",
                    remarks="备注" * 200 + str(count),
                )
            ),
        ).encode()
        if size + len(parts[0]) + len(row) > target_bytes:
            break
        parts.append(row)
        size += len(row)
        count += 1
    return sheet_xml([p.decode() for p in parts]), count


Maker = Callable[[Path], Entry]


def build(folder: Path, huge: bool = False, canary_port: int = 9) -> list[Entry]:
    """Write every corpus file into `folder`; the huge ones only when asked. External
    references point at http://127.0.0.1:`canary_port`/ (a test may listen there)."""
    folder.mkdir(parents=True, exist_ok=True)
    entries: list[Entry] = []

    def add(
        name: str,
        content: bytes | list[tuple[str, bytes | Raw]],
        outcome: str,
        suffix: str = ".xlsx",
        **kwargs,
    ) -> Entry:
        path = folder / f"{name}{suffix}"
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            write_zip(path, content)
        entry = Entry(name=name, path=path, outcome=outcome, **kwargs)
        entries.append(entry)
        return entry

    # --- not a zip, renamed .xlsx
    add("csv_renamed", csv_text(), "refused", code="csv")
    add("html_renamed", HTML_TABLE, "refused", code="html")
    add(
        "xls_renamed",
        cfb_file(
            {
                "Workbook": b"\x09\x08\x10\x00\x00\x06\x05\x00" + b"\x00" * 64,
                "\x05SummaryInformation": b"\xfe\xff" + b"\x00" * 46,
            }
        ),
        "refused",
        code="xls",
    )
    add("spreadsheetml_2003", SPREADSHEETML_2003, "refused", code="spreadsheetml2003")
    add("ods_renamed", ods_members(), "refused", code="ods")
    add("png_renamed", b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "refused", code="not_xlsx")
    # --- encrypted: an Agile-encrypted OOXML package is a compound file
    add(
        "encrypted_cfb",
        cfb_file(
            {
                "EncryptionInfo": b"\x04\x00\x04\x00\x40\x00\x00\x00" + b"<encryption/>".ljust(200),
                "EncryptedPackage": struct.pack("<Q", 4096) + bytes(range(256)) * 16,
            }
        ),
        "refused",
        code="encrypted",
    )
    encrypted_member = deflated(_ok_sheet())
    encrypted_member.flags = 0x1
    add("encrypted_zip_entry", package([encrypted_member]), "refused", code="encrypted")
    # --- empty, truncated, bad CRC, lying sizes
    add("empty", b"", "refused", code="empty", web_form="The submitted file is empty.")
    good = folder / "_good.xlsx"
    write_zip(good, package([_ok_sheet(3)]))
    whole = good.read_bytes()
    add("truncated_half", whole[: len(whole) // 2], "refused", code="bad_zip")
    add("truncated_directory", whole[:-10], "refused", code="bad_zip")
    add("zip_header_only", b"PK\x03\x04" + b"\x00" * 26, "refused", code="bad_zip")
    bad_crc = deflated(_ok_sheet())
    bad_crc.declared_crc = bad_crc.crc ^ 0xDEADBEEF
    add("bad_crc", package([bad_crc]), "refused", code="bad_zip")
    under = deflated(_ok_sheet(3))
    under.declared_size = 1000
    add("size_under_declared", package([under]), "refused", code="size_mismatch")
    over = deflated(_ok_sheet(3))
    over.declared_size = over.size + 5000
    add("size_over_declared", package([over]), "refused", code="size_mismatch")
    # --- zip bombs (each member inflates past 1 GiB)
    chunk = b"<row/>" * 120_000  # 720,000 bytes
    repeats = GIB // len(chunk) + 1
    head = sheet_xml([row_xml(1, HEADERS)]).split(b"</sheetData>")[0]
    sheet_bomb = tiled_bomb(head, chunk, repeats, b"</sheetData></worksheet>")
    add("bomb_sheet_1gib", package([sheet_bomb]), "refused", code="ratio")
    lying = tiled_bomb(head, chunk, repeats, b"</sheetData></worksheet>", honest_crc=False)
    lying.declared_size = 20 * len(lying.data)  # within the ratio: only streaming can tell
    add("bomb_sheet_lying_size", package([lying]), "refused", code="ratio")
    shared: dict[str, int] = {}
    sheet_with_shared = sheet_xml([row_xml(1, HEADERS, shared=shared)])
    sst = shared_strings_xml(shared).split(b"</sst>")[0]
    strings_bomb = tiled_bomb(sst, b"<si><t>" + b"A" * 719_984 + b"</t></si>", repeats, b"</sst>")
    add(
        "bomb_shared_strings_1gib",
        package([sheet_with_shared], shared=strings_bomb),
        "refused",
        code="ratio",
    )
    props_bomb = tiled_bomb(
        CORE.split(b"</cp:coreProperties>")[0], b" " * 720_000, repeats, b"</cp:coreProperties>"
    )
    add("bomb_docprops_1gib", package([_ok_sheet()], core=props_bomb), "refused", code="ratio")
    add(
        "members_10000",
        package(
            [_ok_sheet()], extra=[(f"xl/media/pad{i:05d}.bin", stored(b"x")) for i in range(10_000)]
        ),
        "refused",
        code="too_many_members",
    )
    # --- XML: entity bombs, external entities, external DTDs
    add(
        "billion_laughs_sheet",
        package([_entity_sheet(BILLION_LAUGHS, "&lol9;")]),
        "refused",
        code="doctype",
    )
    add(
        "billion_laughs_shared_strings",
        package(
            [sheet_with_shared],
            shared=(
                BILLION_LAUGHS.replace("worksheet", "sst")
                + shared_strings_xml(shared)
                .decode()
                .split("?>", 1)[1]
                .replace("<t>项目代码</t>", "<t>&lol9;</t>")
            ).encode(),
        ),
        "refused",
        code="doctype",
    )
    xxe = '<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    add("external_entity_file", package([_entity_sheet(xxe, "&xxe;")]), "refused", code="doctype")
    xxe_net = (
        f'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY xxe SYSTEM '
        f'"http://{CANARY_HOST}:{canary_port}/entity">]>'
    )
    add(
        "external_entity_http",
        package([_entity_sheet(xxe_net, "&xxe;")]),
        "refused",
        code="doctype",
        note="canary",
    )
    dtd = (
        f'<?xml version="1.0"?><!DOCTYPE worksheet SYSTEM '
        f'"http://{CANARY_HOST}:{canary_port}/external.dtd">'
    )
    add(
        "external_dtd", package([_entity_sheet(dtd, "x")]), "refused", code="doctype", note="canary"
    )
    param = (
        f'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY % remote SYSTEM '
        f'"http://{CANARY_HOST}:{canary_port}/p.dtd"> %remote;]>'
    )
    add(
        "external_parameter_entity",
        package([_entity_sheet(param, "x")]),
        "refused",
        code="doctype",
        note="canary",
    )
    wb_dtd = workbook_xml([("台账", "visible")]).replace(
        b"?>", b'?><!DOCTYPE workbook [<!ENTITY a "b">]>', 1
    )
    add("workbook_xml_doctype", package([_ok_sheet()], workbook=wb_dtd), "refused", code="doctype")
    utf16 = ("\ufeff" + _entity_sheet(xxe, "&xxe;").decode().replace("UTF-8", "UTF-16")).encode(
        "utf-16-le"
    )
    add("utf16_hidden_doctype", package([utf16]), "refused", code="bad_xml")
    # --- parts that are not well-formed XML (issue 13.5: never read leniently)
    add(
        "excel_like_valid",
        excel_like_package(excel_like_parts([valid_values(i) for i in range(3)])),
        "valid",
        rows=3,
    )
    for member, damage in (
        ("xl/worksheets/sheet1.xml", lambda x: x.replace(b"</row>", b"", 1)),
        ("xl/sharedStrings.xml", lambda x: x.replace(b"</si>", b"</s>", 1)),
        ("xl/styles.xml", lambda x: x[: x.rfind(b"</font>") + 4]),
    ):
        parts = excel_like_parts([valid_values(i) for i in range(3)])
        parts[member] = damage(parts[member])
        kind = member.split("/")[-1].split(".")[0]
        add(f"malformed_{kind}", excel_like_package(parts), "refused", code="malformed_xml")
    # --- workbook structure
    add("no_worksheets", package([], names=[]), "refused", code="no_visible_sheet")
    add(
        "only_hidden_sheets",
        package([_ok_sheet()], names=[("台账", "hidden")]),
        "refused",
        code="no_visible_sheet",
    )
    hidden_first = ledger_sheet([valid_values(50, name="隐藏表中的行")])
    add(
        "hidden_first_sheet",
        package([hidden_first, _ok_sheet(2)], names=[("隐藏", "veryHidden"), ("台账", "visible")]),
        "valid",
        rows=2,
        values={"name": "高炉产能置换升级项目0"},
    )
    add(
        "sheets_500", package([_ok_sheet(1)] + [sheet_xml([]) for _ in range(499)]), "valid", rows=1
    )
    add(
        "strict_ooxml",
        package(
            [_ok_sheet()],
            workbook=workbook_xml([("台账", "visible")]).replace(
                MAIN_NS.encode(), b"http://purl.oclc.org/ooxml/spreadsheetml/main"
            ),
        ),
        "refused",
        code="strict",
    )
    add(
        "path_traversal",
        package([_ok_sheet()], extra=[("../../evil.xml", b"<x/>")]),
        "refused",
        code="unsafe_member_path",
    )
    add(
        "absolute_path",
        package([_ok_sheet()], extra=[("/etc/cron.d/x", b"<x/>")]),
        "refused",
        code="unsafe_member_path",
    )
    link = stored(b"/etc/passwd")
    link.external_attr = 0o120777 << 16
    add(
        "symlink_member",
        package([_ok_sheet()], extra=[("xl/media/link", link)]),
        "refused",
        code="symlink_member",
    )
    # --- declared dimension lies
    add(
        "dimension_under_reports",
        package([_many_rows_sheet(60, "A1:B2")]),
        "valid",
        rows=60,
        note="declares 2 rows, holds 61: none may be dropped",
    )
    add(
        "dimension_over_reports",
        package([_many_rows_sheet(3, "A1:XFD1048576")]),
        "valid",
        rows=3,
        note="declares a million rows and 16,384 columns",
    )
    add("dimension_missing", package([_many_rows_sheet(5, None)]), "valid", rows=5)
    # --- size of the used area
    wide = [row_xml(1, HEADERS + [f"列{i}" for i in range(16_384 - len(HEADERS))])]
    add("columns_16384", package([sheet_xml(wide)]), "refused", code="too_many_columns")
    far = ledger_sheet([valid_values()]).replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'
    )
    add("cell_at_xfd1048576", package([far]), "refused", code="area")
    far_blank = ledger_sheet([valid_values()]).replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" s="0"/></row></sheetData>'
    )
    add(
        "styled_blank_at_xfd1048576",
        package([far_blank]),
        "valid",
        rows=1,
        note="a styled cell without a value does not count as used",
    )
    add("rows_250000_one_cell", package([tiled_rows_sheet(250_000)]), "refused", code="area")
    # --- cell contents
    add(
        "cell_40000_chars",
        package([ledger_sheet([valid_values(name="长" * 40_000)])]),
        "errors",
        errors=[(2, "项目名称")],
    )
    add(
        "remarks_40000_chars",
        package([ledger_sheet([valid_values(remarks="备" * 40_000)])]),
        "errors",
        errors=[(2, "备注")],
    )
    add(
        "numbers_overflowing",
        package(
            [
                ledger_sheet(
                    [
                        valid_values(
                            annual_energy_tce=RawNumber("1e400"),
                            new_energy_tce=RawNumber("-1e400"),
                            coal_tonnes=RawNumber("NaN"),
                            investment=1e13,
                            new_capacity=RawNumber("1.7976931348623157e308"),
                            replaced_capacity="99999999999999999999999999",
                        )
                    ]
                )
            ]
        ),
        "errors",
        errors=[
            (2, "年综合能源消费量(吨标准煤)"),
            (2, "新增能源消费量(吨标准煤)"),
            (2, "年煤炭消费量(吨)"),
            (2, "总投资(万元)"),
            (2, "新增产能"),
            (2, "置换产能"),
        ],
    )
    merged_extra = '<mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells>'
    merged_header = [
        row_xml(1, [HEADERS[0], None, *HEADERS[2:]]),
        row_xml(2, ledger_row(valid_values())),
    ]
    add(
        "merged_header_cells",
        package([sheet_xml(merged_header, extra=merged_extra)]),
        "errors",
        errors=[(1, "项目名称")],
        note="a merge swallowed 项目名称's header",
    )
    merged_ok = [
        row_xml(1, [*HEADERS, "合并说明", None]),
        row_xml(2, ledger_row(valid_values()) + ["x", None]),
    ]
    add(
        "merged_ignored_header",
        package(
            [
                sheet_xml(
                    merged_ok, extra='<mergeCells count="1"><mergeCell ref="AK1:AL1"/></mergeCells>'
                )
            ]
        ),
        "valid",
        rows=1,
    )
    # --- macros
    add(
        "xlsm_with_macros",
        package(
            [_ok_sheet()],
            types=content_types(main=("application/vnd.ms-excel.sheet.macroEnabled.main+xml")),
            extra=[("xl/vbaProject.bin", cfb_file({"VBA": b'Attribute VB_Name = "Module1"' * 10}))],
        ),
        "refused",
        suffix=".xlsm",
        code="vba",
    )
    add(
        "xlsx_with_vba_project",
        package(
            [_ok_sheet()], extra=[("xl/vbaProject.bin", cfb_file({"VBA": b"Sub AutoOpen()" * 10}))]
        ),
        "refused",
        code="vba",
    )
    # --- formulas and formula-looking text
    values = ledger_row(valid_values())
    name_at = HEADERS.index("项目名称")
    energy_at = HEADERS.index("年综合能源消费量(吨标准煤)")
    remarks_at = HEADERS.index("备注")
    values[remarks_at] = "0"  # the DDE formula's saved value
    formula_rows = [
        row_xml(1, HEADERS),
        row_xml(
            2,
            values,
            formulas={
                name_at: 'HYPERLINK("http://127.0.0.1:9/x","点击")',
                energy_at: "25000*2",
                remarks_at: "cmd|' /C calc'!A0",
            },
        ),
    ]
    add(
        "formulas_with_saved_values",
        package([sheet_xml(formula_rows)]),
        "valid",
        rows=1,
        values={"name": "高炉产能置换升级项目0"},
    )
    no_value = ledger_sheet([valid_values()]).replace(
        f'<c r="{column_letters(energy_at + 1)}2"><v>50000</v></c>'.encode(),
        f'<c r="{column_letters(energy_at + 1)}2"><f>SUM(A1:A2)</f></c>'.encode(),
    )
    add(
        "formula_without_saved_value",
        package([no_value]),
        "errors",
        errors=[(2, "年综合能源消费量(吨标准煤)")],
    )
    dde = ledger_sheet([valid_values()]).replace(
        b"</row></sheetData>",
        f"<c r=\"{column_letters(remarks_at + 1)}2\"><f>cmd|' /C calc'!A0</f></c>"
        f"</row></sheetData>".encode(),
    )
    add("dde_formula_without_value", package([dde]), "errors", errors=[(2, "备注")])
    error_cell = ledger_sheet([valid_values()]).replace(
        f'<c r="{column_letters(energy_at + 1)}2"><v>50000</v></c>'.encode(),
        f'<c r="{column_letters(energy_at + 1)}2" t="e"><v>#DIV/0!</v></c>'.encode(),
    )
    add(
        "excel_error_value",
        package([error_cell]),
        "errors",
        errors=[(2, "年综合能源消费量(吨标准煤)")],
    )
    looking = [
        valid_values(i, name=text, remarks=text)
        for i, text in enumerate(
            [
                '=HYPERLINK("http://127.0.0.1:9/x","点击")',
                "=cmd|' /C calc'!A0",
                "+1+1",
                "-2+3",
                "@SUM(1,1)",
                "\t=1+1",
            ]
        )
    ]
    add(
        "formula_looking_text",
        package([ledger_sheet(looking)]),
        "valid",
        rows=6,
        values={"name": '=HYPERLINK("http://127.0.0.1:9/x","点击")'},
        note="kept as text; exports write it as text",
    )
    # --- unicode traps
    add(
        "unicode_rtl_override",
        package(
            [
                ledger_sheet(
                    [
                        valid_values(
                            project_code="\u202e2104-410100-04-01-900000\u202c",
                            name="项目\u202e名称",
                        )
                    ]
                )
            ]
        ),
        "valid",
        rows=1,
        values={"project_code": "2104-410100-04-01-900000", "name": "项目名称"},
    )
    add(
        "unicode_zero_width",
        package(
            [
                ledger_sheet(
                    [
                        valid_values(
                            project_code="2104-410100\u200b-04-01-900000",
                            region="郑\u200d州\ufeff市",
                            sector="钢\u200c铁",
                        )
                    ]
                )
            ]
        ),
        "valid",
        rows=1,
        values={"project_code": "2104-410100-04-01-900000"},
    )
    add(
        "unicode_full_width",
        package(
            [
                ledger_sheet(
                    [
                        valid_values(
                            project_code="２１０４－４１０１００－０４－０１－９０００００",
                            uscc="９１１１００００６０００３７３４１Ｌ",
                            annual_energy_tce="５００００",
                        )
                    ]
                )
            ]
        ),
        "valid",
        rows=1,
        values={"project_code": "2104-410100-04-01-900000"},
    )
    add(
        "unicode_other_digits",
        package([ledger_sheet([valid_values(annual_energy_tce="٥٠٠٠٠")])]),
        "errors",
        errors=[(2, "年综合能源消费量(吨标准煤)")],
    )
    add(
        "unicode_header_traps",
        package(
            [
                sheet_xml(
                    [
                        row_xml(1, ["\u200b项目代码", "项目\u202e名称", "建设单位 ", *HEADERS[3:]]),
                        row_xml(2, ledger_row(valid_values())),
                    ]
                )
            ]
        ),
        "valid",
        rows=1,
    )
    # --- a plain valid file, and the big one
    add("valid_small", package([_ok_sheet(5)]), "valid", rows=5)
    if huge:
        sheet, count = _valid_big_sheet(49_500_000)
        add(
            "valid_50mb",
            package([stored(sheet)]),
            "valid",
            rows=count,
            huge=True,
            note="a real import of ~50 MB",
        )
    good.unlink()
    return entries


def tiled_rows_sheet(count: int) -> bytes:
    """`count` rows of one number cell each below the headers (for the used-area limit)."""
    return sheet_xml(
        [row_xml(1, HEADERS)]
        + [f'<row r="{i}"><c r="A{i}"><v>1</v></c></row>' for i in range(2, count + 2)]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--huge", action="store_true", help="also the valid 50 MB file")
    args = parser.parse_args(argv)
    started = datetime.datetime.now()
    entries = build(args.folder, huge=args.huge)
    for entry in entries:
        expected = entry.code or ", ".join(f"{r}:{c}" for r, c in entry.errors) or entry.rows
        print(f"{entry.name:32} {entry.path.stat().st_size:>12,} B  {entry.outcome:8} {expected}")
    print(f"{len(entries)} files in {(datetime.datetime.now() - started).total_seconds():.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
