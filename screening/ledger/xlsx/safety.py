"""Refuse unsafe or unreadable uploads before any spreadsheet parser sees them (SPEC §9).

`inspect_workbook` checks the file's kind, the zip directory, then streams every member
through zlib once (sizes in a zip directory can lie; CRCs are checked), looks for DTDs and
entity declarations, Strict Open XML and VBA projects, finds the first visible worksheet and
scans that sheet's XML for what calamine cannot report: formulas without a saved value,
Excel error values, and the used area (calamine allocates rows × columns densely, so one
cell at XFD1048576 would otherwise cost hundreds of gigabytes). Every part calamine reads
(the sheet, shared strings, styles, workbook, relationships, content types) must be
well-formed XML: calamine reads an unclosed, mismatched or truncated tag leniently, so such
a part is refused here rather than read as something the user did not write.

Nothing is extracted to disk and nothing external (entity, DTD, link) is ever fetched:
members are only read into memory chunk by chunk.
"""

from __future__ import annotations

import posixpath
import re
import stat
import xml.etree.ElementTree as ElementTree
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

from defusedxml import ElementTree as SafeElementTree

from screening.ledger.xlsx.cleaning import (
    FORMULA_WITHOUT_VALUE,
    ExcelErrorValue,
    RawCell,
    column_number,
)

MB = 1_000_000
CHUNK = 1 << 20


@dataclass(frozen=True)
class Limits:
    """Upload limits, all configurable (SPEC §9; MB = 1,000,000 bytes)."""

    max_file_bytes: int = 50 * MB
    max_members: int = 1_000
    max_total_uncompressed_bytes: int = 500 * MB
    max_member_ratio: float = 100.0
    max_data_rows: int = 200_000  # non-blank rows below the header
    max_header_columns: int = 100  # the last non-blank header cell must be within these
    # Used area (last used row × widest column) the reader may allocate; by default what the
    # two limits above allow: (max_data_rows + 1) × max(max_header_columns, 100).
    max_sheet_cells: int | None = None

    @property
    def sheet_cells(self) -> int:
        if self.max_sheet_cells is not None:
            return self.max_sheet_cells
        return (self.max_data_rows + 1) * max(self.max_header_columns, _NARROW)


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


@dataclass(frozen=True)
class WorkbookInspection:
    """What the checks learnt: the ledger sheet and the cells calamine would misreport."""

    sheet_name: str
    sheet_member: str
    sheet_index: int  # position among all sheets in workbook order
    markers: dict[tuple[int, int], RawCell] = field(default_factory=dict)  # 0-based (row, col)
    # Whether the sheet may be read in pieces of whole rows (reader.py): plain layout (the
    # scan's fast path held: unprefixed tags, a reference on every cell) and no comment,
    # CDATA section or processing instruction that could hide a "</row>".
    in_pieces: bool = False
    # The parts calamine reads besides the sheet (content types, workbook, its relationships,
    # shared strings, styles) and their uncompressed size.
    parts: tuple[str, ...] = ()
    parts_bytes: int = 0


def check_workbook_file(path: str | Path, limits: Limits | None = None) -> None:
    """Raise UnsafeWorkbook unless the file is a safe, readable .xlsx workbook."""
    inspect_workbook(path, limits or Limits())


def inspect_workbook(path: str | Path, limits: Limits) -> WorkbookInspection:
    """Run every check of SPEC §9 that precedes parsing; see the module docstring."""
    path = Path(path)
    size = path.stat().st_size
    if size == 0:
        raise _refuse("empty")
    if size > limits.max_file_bytes:
        raise _refuse("file_too_large", limit=limits.max_file_bytes // MB, size=size / MB)
    with path.open("rb") as handle:
        head = handle.read(4096)
    if not head.startswith(b"PK"):
        raise _not_a_zip(path, head)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise _refuse("bad_zip") from exc
    with archive:
        infos = archive.infolist()
        _check_directory(infos, limits)
        return _MemberStream(archive, infos, limits).run()


# ------------------------------------------------------------------------- file kinds

_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")


def _not_a_zip(path: Path, head: bytes) -> UnsafeWorkbook:
    """Say what the file is when we can tell (old .xls, encrypted, HTML, CSV …)."""
    if head.startswith(_CFB_MAGIC):
        # Both legacy .xls and password-protected .xlsx are OLE compound files; an encrypted
        # OOXML package names its stream "EncryptedPackage" in the directory (UTF-16).
        if _ENCRYPTED_MARK in path.read_bytes():
            return _refuse("encrypted")
        return _refuse("xls")
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if b"urn:schemas-microsoft-com:office:spreadsheet" in head.lower():
        return _refuse("spreadsheetml2003")
    if lowered.startswith((b"<!doctype html", b"<html", b"<table")) or b"<html" in lowered:
        return _refuse("html")
    if lowered.startswith(b"<?xml"):
        return _refuse("xml")
    if b"\x00" not in head and (b"," in head or b"\t" in head or b";" in head):
        return _refuse("csv")
    return _refuse("not_xlsx")


# ----------------------------------------------------------------------- zip directory


def _check_directory(infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    if len(infos) > limits.max_members:
        raise _refuse("too_many_members", count=len(infos), limit=limits.max_members)
    names = {info.filename for info in infos}
    if "mimetype" in names and "[Content_Types].xml" not in names:
        raise _refuse("ods")
    total = 0
    for info in infos:
        name = info.filename
        parts = re.split(r"[\\/]", name)
        if name.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", name) or ".." in parts:
            raise _refuse("unsafe_member_path", name=name)
        if stat.S_ISLNK(info.external_attr >> 16):
            raise _refuse("symlink_member", name=name)
        if info.flag_bits & 0x1:
            raise _refuse("encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _refuse("compression", name=name)
        total += info.file_size
        if _ratio_exceeded(info.file_size, info.compress_size, limits):
            raise _refuse("ratio", name=name, limit=limits.max_member_ratio)
    if total > limits.max_total_uncompressed_bytes:
        raise _refuse("uncompressed_too_large", limit=limits.max_total_uncompressed_bytes // MB)
    if "[Content_Types].xml" not in names:
        raise _refuse("not_ooxml")


def _ratio_exceeded(uncompressed: int, compressed: int, limits: Limits) -> bool:
    if uncompressed == 0:
        return False
    return compressed == 0 or uncompressed > limits.max_member_ratio * compressed


# -------------------------------------------------------------------------- streaming

_DECLARATION = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_STRICT = b"purl.oclc.org/ooxml"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_STRUCTURE_LIMIT = 20 * MB  # content types, rels and workbook.xml are kept to be parsed


class _MemberStream:
    """Streams every member once, enforcing real sizes, and gathers what later steps need."""

    def __init__(self, archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo],
                 limits: Limits) -> None:
        self.archive = archive
        self.infos = {info.filename: info for info in infos}
        self.order = [info.filename for info in infos]
        self.limits = limits
        self.total = 0
        self.done: set[str] = set()

    def run(self) -> WorkbookInspection:
        content_types = self._read_whole("[Content_Types].xml")
        lowered = content_types.lower()
        if b"macroenabled" in lowered or b"vbaproject" in lowered or any(
            posixpath.basename(name).lower() == "vbaproject.bin" for name in self.order
        ):
            raise _refuse("vba")
        workbook_member = self._office_document()
        workbook_xml = self._read_whole(workbook_member)
        rels_member = posixpath.join(posixpath.dirname(workbook_member), "_rels",
                                     posixpath.basename(workbook_member) + ".rels")
        rels = self._relationships(rels_member, posixpath.dirname(workbook_member))
        name, member, index = _first_visible_worksheet(workbook_xml, rels)
        if member not in self.infos:
            raise _refuse("bad_zip")
        self._parse(content_types)  # the other parts read whole were parsed above
        parts = self._parts(workbook_member, rels_member, rels)
        scan = SheetScan(self.limits)
        for name_in_zip in self.order:
            if name_in_zip in self.done:
                continue
            checked = WellFormed(name_in_zip) if (
                name_in_zip == member or name_in_zip in parts) else None
            for chunk in self._stream(name_in_zip):
                if checked is not None:
                    checked.feed(chunk)
                if name_in_zip == member:
                    scan.feed(chunk)
            if checked is not None:
                checked.close()
        markers = scan.finish(lambda: self._stream(member, count=False))
        return WorkbookInspection(
            name, member, index, markers, in_pieces=not scan.exact and scan.plain,
            parts=parts, parts_bytes=sum(self.infos[part].file_size for part in parts))

    def _parts(self, workbook_member: str, rels_member: str,
               rels: dict[str, tuple[str, str]]) -> tuple[str, ...]:
        """The members calamine opens besides worksheets, where this package has them."""
        wanted = {"[Content_Types].xml", "_rels/.rels", workbook_member, rels_member}
        wanted.update(target for kind, target in rels.values()
                      if kind.endswith(("/sharedStrings", "/styles")))
        # calamine also looks for the conventional names (case-insensitively in places).
        conventional = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/sharedstrings.xml",
                        "xl/styles.xml"}
        wanted.update(name for name in self.order if name.lower() in conventional)
        return tuple(name for name in self.order if name in wanted)

    def _office_document(self) -> str:
        root = self._parse(self._read_whole("_rels/.rels"))
        for rel in root.iter(f"{{{_PKG_REL_NS}}}Relationship"):
            if rel.get("Type", "").endswith("/officeDocument"):
                target = rel.get("Target", "").lstrip("/")
                if target in self.infos:
                    return target
        raise _refuse("not_ooxml")

    def _relationships(self, member: str, base: str) -> dict[str, tuple[str, str]]:
        if member not in self.infos:
            raise _refuse("not_ooxml")
        root = self._parse(self._read_whole(member))
        found = {}
        for rel in root.iter(f"{{{_PKG_REL_NS}}}Relationship"):
            if rel.get("TargetMode") == "External":
                continue  # never followed
            target = rel.get("Target", "")
            target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                posixpath.join(base, target))
            found[rel.get("Id", "")] = (rel.get("Type", ""), target)
        return found

    def _read_whole(self, name: str) -> bytes:
        if name not in self.infos:
            raise _refuse("not_ooxml")
        parts = []
        kept = 0
        for chunk in self._stream(name):
            kept += len(chunk)
            if kept > _STRUCTURE_LIMIT:
                raise _refuse("not_ooxml")
            parts.append(chunk)
        data = b"".join(parts)
        if _STRICT in data:
            raise _refuse("strict")
        return data

    @staticmethod
    def _parse(data: bytes) -> ElementTree.Element:
        try:
            return SafeElementTree.fromstring(data)
        except Exception as exc:  # defusedxml raises several unrelated types for bad XML
            raise _refuse("bad_xml") from exc

    def _stream(self, name: str, count: bool = True) -> Iterator[bytes]:
        """Yield a member's real content, enforcing the limits on actual bytes."""
        info = self.infos[name]
        # Lift the declared size so zipfile neither truncates at it nor trusts it; the CRC is
        # still checked at the real end of the deflate stream.
        limit = min(self.limits.max_total_uncompressed_bytes,
                    int(self.limits.max_member_ratio * max(info.compress_size, 1)))
        honest = replace_zipinfo(info, file_size=limit + CHUNK + 1)  # see the ratio check
        produced = 0
        tail = b""
        try:
            with self.archive.open(honest) as member:
                while chunk := member.read(CHUNK):
                    produced += len(chunk)
                    if count:
                        self.total += len(chunk)
                    if produced > limit:
                        raise _refuse("ratio", name=name, limit=self.limits.max_member_ratio)
                    if self.total > self.limits.max_total_uncompressed_bytes:
                        raise _refuse("uncompressed_too_large",
                                      limit=self.limits.max_total_uncompressed_bytes // MB)
                    if produced == len(chunk) and chunk[:2] in (b"\xff\xfe", b"\xfe\xff"):
                        raise _refuse("bad_xml")  # UTF-16 XML would hide declarations
                    if (b"<!" in chunk and _DECLARATION.search(chunk)) or (
                            tail and _DECLARATION.search(tail + chunk[:32])):
                        raise _refuse("doctype", name=name)
                    tail = chunk[-32:]
                    yield chunk
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:  # incl. bad CRC
            raise _refuse("bad_zip") from exc
        if produced != info.file_size:
            raise _refuse("size_mismatch", name=name)
        if count:
            self.done.add(name)


class WellFormed:
    """Proves one part is well-formed XML as it streams past (expat, no handlers but two).

    Nothing is expanded or fetched: a DOCTYPE or entity declaration is refused (the streaming
    check above refuses it first; this is the second lock), and expat never loads external
    entities unless told to. An unclosed, mismatched or truncated tag, or bytes after the root
    element, refuse the part with its name and line.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.parser = expat.ParserCreate()
        self.parser.StartDoctypeDeclHandler = self._declaration
        self.parser.EntityDeclHandler = self._declaration

    def _declaration(self, *_args: object) -> None:
        raise _refuse("doctype", name=self.name)

    def feed(self, chunk: bytes) -> None:
        try:
            self.parser.Parse(chunk, False)
        except expat.ExpatError as exc:
            raise _refuse("malformed_xml", name=self.name, line=exc.lineno) from exc

    def close(self) -> None:
        try:
            self.parser.Parse(b"", True)
        except expat.ExpatError as exc:  # ends inside a tag or with elements left open
            raise _refuse("malformed_xml", name=self.name, line=exc.lineno) from exc


def replace_zipinfo(info: zipfile.ZipInfo, **changes: int) -> zipfile.ZipInfo:
    """A copy of a ZipInfo with some attributes changed (ZipInfo is not a dataclass)."""
    copy = zipfile.ZipInfo(info.filename, info.date_time)
    for slot in zipfile.ZipInfo.__slots__:
        if hasattr(info, slot):
            setattr(copy, slot, getattr(info, slot))
    for key, value in changes.items():
        setattr(copy, key, value)
    return copy


def _first_visible_worksheet(workbook_xml: bytes, rels: dict[str, tuple[str, str]]
                             ) -> tuple[str, str, int]:
    root = _MemberStream._parse(workbook_xml)
    if root.tag != f"{{{_MAIN_NS}}}workbook":
        raise _refuse("not_ooxml")
    sheets = root.find(f"{{{_MAIN_NS}}}sheets")
    for index, sheet in enumerate(sheets if sheets is not None else ()):
        if sheet.get("state", "visible") != "visible":
            continue
        kind, target = rels.get(sheet.get(f"{{{_REL_NS}}}id", ""), ("", ""))
        if kind.endswith("/worksheet"):
            return sheet.get("name", ""), target, index
    raise _refuse("no_visible_sheet")


# ------------------------------------------------------------------------- sheet scan

_ROOT = re.compile(rb"<([A-Za-z_][\w.-]*:)?worksheet[\s>]")
_XML_DECLARATION = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<\?xml[^>]*\?>")
_FORMULA_OR_ERROR = re.compile(rb"<f[\s>/]|\bt=[\"']e[\"']")
_WIDE_CANDIDATE = re.compile(rb'r="[C-Z][A-Z]')  # cheap superset of the pattern below
_WIDE_REF = re.compile(rb"\br=[\"']([A-Z]{3}|[D-Z][A-Z]|C[W-Z])[0-9]")
_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.DOTALL)
_ATTR_R = re.compile(rb"\br=[\"']([A-Z]+)([0-9]+)[\"']")
_ATTR_T = re.compile(rb"\bt=[\"']([A-Za-z]+)[\"']")
_VALUE = re.compile(rb"<v>([^<]*)</v>")
_LAST_CELL_ROW = re.compile(rb"<c\b[^>]*?\br=[\"'][A-Z]+([0-9]+)[\"']")
_NARROW = 100  # a reference the wide-ref pattern does not match is within column CV


class SheetScan:
    """Scans the ledger sheet's XML in chunks for cells calamine would read as blank.

    Fast path (every file Excel, LibreOffice, WPS or openpyxl writes): unprefixed tags and a
    cell reference on every cell. Pieces are cut after `</row>` so a cell never straddles
    two pieces, and only pieces containing `<f` or `t="e"` are examined cell by cell.
    Anything else falls back to an exact streaming XML parse that places cells as calamine
    does (row and column counters when references are missing).
    """

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.carry = b""
        self.first = True
        self.exact = False  # fall back to the exact parse
        self.markers: dict[tuple[int, int], RawCell] = {}
        self.widest = 0
        self.last_row = 0
        self.cells = 0
        self.refs = 0
        self.plain = True  # no comment, CDATA or processing instruction (see in_pieces)
        self.tail = b""

    def feed(self, chunk: bytes) -> None:
        if self.exact:
            return
        probe = self.tail + chunk
        if self.first:
            self.first = False
            root = _ROOT.search(chunk)
            if root is None or root.group(1):
                self.exact = True
                return
            probe = _XML_DECLARATION.sub(b"", probe, count=1)
        if b"<!" in probe or b"<?" in probe:
            self.plain = False
        self.tail = chunk[-1:]
        data = self.carry + chunk
        cut = data.rfind(b"</row>")
        if cut < 0:
            self.carry = data
            if len(data) > 8 * MB:  # a row this long: the exact parse is cheaper
                self.exact = True
            return
        cut += len(b"</row>")
        self.carry = data[cut:]
        self._piece(data[:cut])

    def _piece(self, piece: bytes) -> None:
        if self.cells == 0 and self.refs == 0:
            head = piece.find(b"<sheetData")
            if head > 0:
                piece = piece[head:]  # <cols>, <customSheetViews> … are not cells
        tail = piece.find(b"</sheetData>")
        if tail >= 0:
            piece = piece[:tail]  # nor are <mergeCells>, <conditionalFormatting> …
        # Each test below is one C-speed pass over the piece; regexes run only on hits.
        # Cells are counted by their start tags ("<c " "<c>" "<c/"; other white space after
        # "<c" is left to the exact parse); every one must carry a reference.
        self.cells += piece.count(b"<c ") + piece.count(b"<c>") + piece.count(b"<c/")
        self.refs += piece.count(b'<c r="')
        if b"<c\n" in piece or b"<c\t" in piece or b"<c\r" in piece:
            self.exact = True
            return
        if _WIDE_CANDIDATE.search(piece) is not None:
            # calamine leaves out cells without a value (styled blanks), so only cells
            # holding a <v> or an inline string count towards the used area.
            for match in _WIDE_REF.finditer(piece):
                if _has_value(piece, match.start()):
                    self.widest = max(self.widest, column_number(match.group(1).decode()))
        last_value = max(piece.rfind(b"</v>"), piece.rfind(b"</is>"))
        if last_value >= 0:
            found = _LAST_CELL_ROW.match(piece, piece.rfind(b"<c ", 0, last_value))
            if found is None:
                self.exact = True
                return
            self.last_row = int(found.group(1))
        if b"<f" not in piece and b't="e"' not in piece:
            return
        for cell in _CELL.finditer(piece):
            attrs, body = cell.group(1), cell.group(2) or b""
            ref = _ATTR_R.search(attrs)
            if ref is None:
                self.exact = True
                return
            kind = _ATTR_T.search(attrs)
            marker = _marker(kind.group(1).decode() if kind else "n", b"<f" in body,
                             _values(body))
            if marker is not None:
                key = (int(ref.group(2)) - 1, column_number(ref.group(1).decode()) - 1)
                self.markers[key] = marker

    def finish(self, restream) -> dict[tuple[int, int], RawCell]:
        """Complete the scan (exact re-read if needed) and enforce the used-area limit."""
        if not self.exact and self.carry.strip() and b"<c" in self.carry:
            self._piece(self.carry)
        # Some cell without a leading reference (or with other quoting): be exact.
        if not self.exact and self.refs < self.cells:
            self.exact = True
        if self.exact:
            self.markers, self.last_row, self.widest = _exact_scan(restream())
        else:
            self.widest = max(self.widest, _NARROW)
        if self.last_row * max(self.widest, 1) > self.limits.sheet_cells:
            raise _refuse("area", rows=self.last_row, columns=self.widest)
        return self.markers


def _has_value(piece: bytes, inside_tag: int) -> bool:
    """Whether the cell whose start tag contains `inside_tag` holds a value."""
    tag_end = piece.find(b">", inside_tag)
    if tag_end < 0 or piece[tag_end - 1:tag_end] == b"/":
        return False
    body_end = piece.find(b"</c>", tag_end)
    body = piece[tag_end:body_end if body_end >= 0 else len(piece)]
    return b"<v" in body or b"<is" in body


def _values(body: bytes) -> bytes | None:
    """The text of the cell's <v>, b"" for an empty one, None when there is none."""
    if b"<v" not in body:
        return None
    found = _VALUE.search(body)
    return found.group(1) if found else b""


def _marker(kind: str, has_formula: bool, value: bytes | None) -> RawCell | None:
    if kind == "e":
        return ExcelErrorValue((value or b"#VALUE!").decode("utf-8", "replace").strip())
    if not has_formula:
        return None
    # A string formula may legitimately have saved "" (=IF(…,"",…)); any other type with
    # an empty or absent <v> has no saved value.
    if value is None or (value.strip() == b"" and kind != "str"):
        return FORMULA_WITHOUT_VALUE
    return None


class _ChunkReader:
    """A file-like over an iterator of chunks, for iterparse."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self.chunks = chunks
        self.buffer = b""

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self.buffer) < size:
            chunk = next(self.chunks, None)
            if chunk is None:
                break
            self.buffer += chunk
        if size < 0:
            size = len(self.buffer)
        out, self.buffer = self.buffer[:size], self.buffer[size:]
        return out


def _exact_scan(chunks: Iterator[bytes]) -> tuple[dict[tuple[int, int], RawCell], int, int]:
    """Exact pass: place cells as calamine does and find markers, last row, widest column."""
    markers: dict[tuple[int, int], RawCell] = {}
    row, col, last_row, widest = -1, -1, 0, 0
    cell_kind, cell_pos, has_f, value = "n", (0, 0), False, None
    try:
        events = ElementTree.iterparse(_ChunkReader(chunks), events=("start", "end"))
        for event, element in events:
            tag = element.tag.rsplit("}", 1)[-1]
            if event == "start":
                if tag == "row":
                    r = element.get("r")
                    row = int(r) - 1 if r and r.isdigit() else row + 1
                    col = -1
                elif tag == "c":
                    ref = _ATTR_R.match(b'r="%s"' % element.get("r", "").encode())
                    if ref:
                        row = int(ref.group(2)) - 1
                        col = column_number(ref.group(1).decode()) - 1
                    else:
                        col += 1
                    cell_kind, cell_pos, has_f, value = element.get("t", "n"), (row, col), \
                        False, None
                continue
            if tag == "f":
                has_f = True
            elif tag == "v":
                value = (element.text or "").encode()
            elif tag == "is":
                value = value or b"is"
            elif tag == "c":
                if value is not None:  # valueless cells are left out by calamine
                    last_row = max(last_row, cell_pos[0] + 1)
                    widest = max(widest, cell_pos[1] + 1)
                marker = _marker(cell_kind, has_f, value)
                if marker is not None:
                    markers[cell_pos] = marker
                element.clear()
            elif tag == "row":
                element.clear()
    except ElementTree.ParseError as exc:
        raise _refuse("bad_xml") from exc
    return markers, last_row, widest


# --------------------------------------------------------------------------- messages

# Files in another format are not unsafe, only not .xlsx: their refusal says so and names the
# programs an office has (issue 15).
OTHER_FORMATS = frozenset({"xls", "spreadsheetml2003", "html", "xml", "csv", "not_xlsx", "ods",
                           "not_ooxml"})
_SAVE_AS_ZH = "请用 Excel、WPS 或 LibreOffice 打开，另存为 .xlsx（Excel工作簿）后再上传"
_SAVE_AS_EN = ("Open it in Excel, WPS or LibreOffice, save it as .xlsx (Excel Workbook) and "
               "upload that")

_REFUSALS: dict[str, tuple[str, str]] = {
    "empty": ("文件是空的", "the file is empty"),
    "file_too_large": ("文件超过{limit}MB（现为{size:.1f}MB）",
                       "the file is larger than {limit} MB ({size:.1f} MB)"),
    "bad_zip": ("文件已损坏或不完整（不是完好的.xlsx压缩包）",
                "the file is damaged or truncated (not an intact .xlsx zip package)"),
    "xls": ("不是.xlsx工作簿：这是旧版Excel（.xls）文件。" + _SAVE_AS_ZH,
            "not an .xlsx workbook: this is an old Excel (.xls) file. " + _SAVE_AS_EN),
    "encrypted": ("文件设置了密码（已加密），请取消密码后另存为.xlsx再上传",
                  "the file is password-protected (encrypted): remove the password, save as "
                  ".xlsx and upload that"),
    "spreadsheetml2003": ("不是.xlsx工作簿：这是Excel 2003 XML表格。" + _SAVE_AS_ZH,
                          "not an .xlsx workbook: this is an Excel 2003 XML spreadsheet. "
                          + _SAVE_AS_EN),
    "html": ("不是.xlsx工作簿：这是网页（HTML）文件。" + _SAVE_AS_ZH,
             "not an .xlsx workbook: this is an HTML file. " + _SAVE_AS_EN),
    "xml": ("不是.xlsx工作簿：这是XML文件。" + _SAVE_AS_ZH,
            "not an .xlsx workbook: this is an XML file. " + _SAVE_AS_EN),
    "csv": ("不是.xlsx工作簿：这是文本/CSV文件。" + _SAVE_AS_ZH,
            "not an .xlsx workbook: this is a text/CSV file. " + _SAVE_AS_EN),
    "not_xlsx": ("不是.xlsx工作簿。" + _SAVE_AS_ZH, "not an .xlsx workbook. " + _SAVE_AS_EN),
    "ods": ("不是.xlsx工作簿：这是OpenDocument表格（.ods）。" + _SAVE_AS_ZH,
            "not an .xlsx workbook: this is an OpenDocument spreadsheet (.ods). "
            + _SAVE_AS_EN),
    "not_ooxml": ("不是.xlsx工作簿（压缩包里没有Excel工作簿）。" + _SAVE_AS_ZH,
                  "not an .xlsx workbook (the package holds no Excel workbook). "
                  + _SAVE_AS_EN),
    "too_many_members": ("压缩包内文件过多（{count}个，上限{limit}个）",
                         "the package holds too many parts ({count}; at most {limit})"),
    "unsafe_member_path": ("压缩包内含有不安全的路径“{name}”",
                           "the package contains an unsafe path “{name}”"),
    "symlink_member": ("压缩包内含有符号链接“{name}”", "the package contains a symlink “{name}”"),
    "compression": ("压缩包内“{name}”使用了不支持的压缩方式",
                    "part “{name}” uses an unsupported compression method"),
    "ratio": ("压缩包内“{name}”解压后膨胀超过{limit:g}倍（疑似压缩炸弹）",
              "part “{name}” inflates more than {limit:g} times (a zip bomb?)"),
    "uncompressed_too_large": ("解压后总大小超过{limit}MB",
                               "the content is larger than {limit} MB uncompressed"),
    "size_mismatch": ("压缩包内“{name}”的实际大小与目录记录不符",
                      "part “{name}” does not have the size its zip directory declares"),
    "doctype": ("文件“{name}”含有DTD或实体声明，出于安全原因拒绝处理",
                "part “{name}” contains a DTD or entity declaration; refused for safety"),
    "bad_xml": ("文件内部的XML已损坏", "an XML part of the file is malformed"),
    "malformed_xml": ("文件内部“{name}”的XML不完整或格式错误"
                      "（第{line}行附近：标签未闭合、不匹配或被截断），无法安全读取，请在Excel中打开并另存为.xlsx后再上传",
                      "part “{name}” is not well-formed XML (near line {line}: an unclosed, "
                      "mismatched or truncated tag), so it cannot be read safely: open the file "
                      "in Excel, save it as .xlsx again and upload that"),
    "strict": ("这是“严格Open XML”格式的工作簿，请在Excel中另存为普通的“Excel工作簿(.xlsx)”",
               "this is a Strict Open XML workbook: save it as a normal Excel Workbook "
               "(.xlsx)"),
    "vba": ("工作簿含有宏（VBA），请另存为不含宏的.xlsx后上传",
            "the workbook carries macros (VBA): save it as a macro-free .xlsx"),
    "no_visible_sheet": ("工作簿中没有可见的工作表", "the workbook has no visible worksheet"),
    "area": ("工作表使用的区域过大（到第{rows:,}行、第{columns:,}列），请删除多余的行和列",
             "the worksheet's used area is too large (up to row {rows:,}, column {columns:,}): "
             "delete the extra rows and columns"),
    "row_order": ("工作表第{row:,}行出现在第{after:,}行之后（行的顺序错乱），"
                  "请在Excel中打开并另存为.xlsx后再上传",
                  "sheet row {row:,} comes after row {after:,} in the file (rows out of order): "
                  "open it in Excel, save it as .xlsx again and upload that"),
    "too_many_rows": ("数据行超过{limit:,}行", "there are more than {limit:,} data rows"),
    "too_many_columns": ("表头的最后一个非空单元格在第{column}列，超过了前{limit}列",
                         "the last non-blank header cell is in column {column}, beyond the "
                         "first {limit}"),
}


def _refuse(code: str, **params: object) -> UnsafeWorkbook:
    zh, en = _REFUSALS[code]
    return UnsafeWorkbook(code, zh.format(**params), en.format(**params))


refuse = _refuse  # the reader raises the row and column limits with the same messages
