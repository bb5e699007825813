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

Beside this module: `limits` (the configurable limits), `sheet_scan` (the worksheet XML scan),
`wellformed` (the well-formedness check, of a large part in a child process on another core)
and `refusals` (`UnsafeWorkbook` and its messages, importable from here too).
"""

from __future__ import annotations

import contextlib
import posixpath
import queue
import re
import stat
import threading
import xml.etree.ElementTree as ElementTree
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from defusedxml import ElementTree as SafeElementTree

from screening.ledger.xlsx.cleaning import RawCell
from screening.ledger.xlsx.limits import CHUNK, MB, Limits
from screening.ledger.xlsx.refusals import _REFUSALS, UnsafeWorkbook, _refuse, refuse  # noqa: F401
from screening.ledger.xlsx.sheet_scan import SheetScan
from screening.ledger.xlsx.wellformed import start_check


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

    def __init__(
        self, archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], limits: Limits
    ) -> None:
        self.archive = archive
        self.infos = {info.filename: info for info in infos}
        self.order = [info.filename for info in infos]
        self.limits = limits
        self.total = 0
        self.done: set[str] = set()

    def run(self) -> WorkbookInspection:
        content_types = self._read_whole("[Content_Types].xml")
        lowered = content_types.lower()
        if (
            b"macroenabled" in lowered
            or b"vbaproject" in lowered
            or any(posixpath.basename(name).lower() == "vbaproject.bin" for name in self.order)
        ):
            raise _refuse("vba")
        workbook_member = self._office_document()
        workbook_xml = self._read_whole(workbook_member)
        rels_member = posixpath.join(
            posixpath.dirname(workbook_member),
            "_rels",
            posixpath.basename(workbook_member) + ".rels",
        )
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
            if name_in_zip == member or name_in_zip in parts:
                self._stream_checked(name_in_zip, scan if name_in_zip == member else None)
            else:
                for _chunk in self._stream(name_in_zip):
                    pass
        markers = scan.finish(lambda: self._stream(member, count=False))
        return WorkbookInspection(
            name,
            member,
            index,
            markers,
            in_pieces=not scan.exact and scan.plain,
            parts=parts,
            parts_bytes=sum(self.infos[part].file_size for part in parts),
        )

    def _stream_checked(self, name: str, scan: SheetScan | None) -> None:
        """Stream a part calamine reads through the well-formedness check (and the sheet
        through the scan). A large part is checked in a child process (wellformed.py); a
        refusal of the stream's own checks then waits for the child's verdict on the chunks
        fed before it, which comes first, as it does in process."""
        check = start_check(
            name,
            self.infos[name].file_size,
            self.limits.xml_check_in_child_from,
            lambda: self._stream(name, count=False),
        )
        try:
            try:
                for chunk in self._stream(name):
                    check.feed(chunk)
                    if scan is not None:
                        scan.feed(chunk)
            except UnsafeWorkbook:
                check.settle()
                raise
            check.close()
        finally:
            check.abandon()

    def _parts(
        self, workbook_member: str, rels_member: str, rels: dict[str, tuple[str, str]]
    ) -> tuple[str, ...]:
        """The members calamine opens besides worksheets, where this package has them."""
        wanted = {"[Content_Types].xml", "_rels/.rels", workbook_member, rels_member}
        wanted.update(
            target for kind, target in rels.values() if kind.endswith(("/sharedStrings", "/styles"))
        )
        # calamine also looks for the conventional names (case-insensitively in places).
        conventional = {
            "xl/workbook.xml",
            "xl/_rels/workbook.xml.rels",
            "xl/sharedstrings.xml",
            "xl/styles.xml",
        }
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
            target = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join(base, target))
            )
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
        limit = min(
            self.limits.max_total_uncompressed_bytes,
            int(self.limits.max_member_ratio * max(info.compress_size, 1)),
        )
        honest = replace_zipinfo(info, file_size=limit + CHUNK + 1)  # see the ratio check
        produced = 0
        tail = b""
        try:
            with self.archive.open(honest) as member, _chunks(member, info) as chunks:
                for chunk in chunks:
                    produced += len(chunk)
                    if count:
                        self.total += len(chunk)
                    if produced > limit:
                        raise _refuse("ratio", name=name, limit=self.limits.max_member_ratio)
                    if self.total > self.limits.max_total_uncompressed_bytes:
                        raise _refuse(
                            "uncompressed_too_large",
                            limit=self.limits.max_total_uncompressed_bytes // MB,
                        )
                    if produced == len(chunk) and chunk[:2] in (b"\xff\xfe", b"\xfe\xff"):
                        raise _refuse("bad_xml")  # UTF-16 XML would hide declarations
                    # "!" alone is found at memchr speed and is rare; "<" is not.
                    if (b"!" in chunk and b"<!" in chunk and _DECLARATION.search(chunk)) or (
                        tail and _DECLARATION.search(tail + chunk[:32])
                    ):
                        raise _refuse("doctype", name=name)
                    tail = chunk[-32:]
                    yield chunk
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:  # incl. bad CRC
            raise _refuse("bad_zip") from exc
        if produced != info.file_size:
            raise _refuse("size_mismatch", name=name)
        if count:
            self.done.add(name)


_READ_AHEAD_FROM = CHUNK  # compressed size from which a member is read ahead


@contextlib.contextmanager
def _chunks(member: zipfile.ZipExtFile, info: zipfile.ZipInfo) -> Iterator[Iterator[bytes]]:
    """The member's chunks of CHUNK bytes. A large member is read ahead in a thread: zlib
    inflates and checks the CRC without holding the GIL, so that overlaps the checks of the
    chunk before (expat and the sheet scan hold it). At most two chunks wait; the thread is
    stopped and joined when the caller is done, refused or not."""
    if info.compress_size < _READ_AHEAD_FROM:
        yield iter(lambda: member.read(CHUNK), b"")
        return
    ahead = _ReadAhead(member)
    try:
        yield iter(ahead)
    finally:
        ahead.close()


class _ReadAhead:
    def __init__(self, member: zipfile.ZipExtFile) -> None:
        self.queue: queue.Queue = queue.Queue(maxsize=2)
        self.stop = threading.Event()
        self.thread = threading.Thread(
            target=self._run, args=(member,), name="two-high-inflate", daemon=True
        )
        self.thread.start()

    def _run(self, member: zipfile.ZipExtFile) -> None:
        try:
            while not self.stop.is_set():
                chunk = member.read(CHUNK)
                self._put((chunk, None))
                if not chunk:
                    return
        except BaseException as exc:  # raised in the caller's thread, at this point
            self._put((b"", exc))

    def _put(self, item: tuple[bytes, BaseException | None]) -> None:
        while not self.stop.is_set():
            try:
                self.queue.put(item, timeout=0.05)
                return
            except queue.Full:
                continue

    def __iter__(self) -> Iterator[bytes]:
        while True:
            chunk, error = self.queue.get()
            if error is not None:
                raise error
            if not chunk:
                return
            yield chunk

    def close(self) -> None:
        self.stop.set()
        self.thread.join()


def replace_zipinfo(info: zipfile.ZipInfo, **changes: int) -> zipfile.ZipInfo:
    """A copy of a ZipInfo with some attributes changed (ZipInfo is not a dataclass)."""
    copy = zipfile.ZipInfo(info.filename, info.date_time)
    for slot in zipfile.ZipInfo.__slots__:
        if hasattr(info, slot):
            setattr(copy, slot, getattr(info, slot))
    for key, value in changes.items():
        setattr(copy, key, value)
    return copy


def _first_visible_worksheet(
    workbook_xml: bytes, rels: dict[str, tuple[str, str]]
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
