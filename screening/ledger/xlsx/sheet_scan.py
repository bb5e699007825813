"""The scan of the ledger sheet's XML for what calamine cannot report (SPEC §9): formulas
without a saved value, Excel error values, and the used area (calamine allocates rows × columns
densely, so one cell at XFD1048576 would otherwise cost hundreds of gigabytes).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator

from screening.ledger.xlsx.cleaning import (
    FORMULA_WITHOUT_VALUE,
    ExcelErrorValue,
    RawCell,
    column_number,
)
from screening.ledger.xlsx.limits import MB, NARROW, Limits
from screening.ledger.xlsx.refusals import _refuse

# ------------------------------------------------------------------------- sheet scan

_ROOT = re.compile(rb"<([A-Za-z_][\w.-]*:)?worksheet[\s>]")
_XML_DECLARATION = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<\?xml[^>]*\?>")
_FORMULA_OR_ERROR = re.compile(rb"<f[\s>/]|\bt=[\"']e[\"']")
_WIDE_CANDIDATE = re.compile(rb'r="[C-Z][A-Z]')  # cheap superset of the pattern below
_WIDE_REF = re.compile(rb"\br=[\"']([A-Z]{3}|[D-Z][A-Z]|C[W-Z])[0-9]")
_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.DOTALL)
_ATTR_R = re.compile(rb"\br=[\"']([A-Z]+)([0-9]+)[\"']")
_ATTR_T = re.compile(rb"\bt\s*=\s*[\"']([A-Za-z]+)[\"']")
_VALUE = re.compile(rb"<v>([^<]*)</v>")
_LAST_CELL_ROW = re.compile(rb"<c\b[^>]*?\br=[\"'][A-Z]+([0-9]+)[\"']")


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
        start = 0  # where markup that matters begins (after the XML declaration)
        if self.first:
            self.first = False
            root = _ROOT.search(chunk)
            if root is None or root.group(1):
                self.exact = True
                return
            declaration = _XML_DECLARATION.match(chunk)
            start = declaration.end() if declaration else 0
        if self.plain and (
            (self.tail == b"<" and chunk[:1] in (b"!", b"?")) or _hides_markup(chunk, start)
        ):
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
        self._piece(data, 0, cut)

    def _piece(self, data: bytes, start: int, end: int) -> None:
        """Scan the piece data[start:end] of whole rows (bounds rather than a copy)."""
        if self.cells == 0 and self.refs == 0:
            head = data.find(b"<sheetData", start, end)
            if head > start:
                start = head  # <cols>, <customSheetViews> … are not cells
        tail = data.find(b"</sheetData>", start, end)
        if tail >= 0:
            end = tail  # nor are <mergeCells>, <conditionalFormatting> …
        # Each test below is one C-speed pass over the piece (the fewer the better: they are
        # most of the scan's time); regexes run only on hits. Cells are counted by their start
        # tags ("<c " "<c>" "<c/"; other white space after "<c" is left to the exact parse);
        # every one must carry a reference.
        refs = data.count(b'<c r="', start, end)
        self.refs += refs
        if data.count(b"<c", start, end) == refs:
            self.cells += refs  # every "<c" opens a cell with a reference: 2 passes, not 7
        else:
            self.cells += sum(data.count(tag, start, end) for tag in (b"<c ", b"<c>", b"<c/"))
            if any(data.find(tag, start, end) >= 0 for tag in (b"<c\n", b"<c\t", b"<c\r")):
                self.exact = True
                return
        if _WIDE_CANDIDATE.search(data, start, end) is not None:
            # calamine leaves out cells without a value (styled blanks), so only cells
            # holding a <v> or an inline string count towards the used area.
            piece = data[start:end]
            for match in _WIDE_REF.finditer(piece):
                if _has_value(piece, match.start()):
                    self.widest = max(self.widest, column_number(match.group(1).decode()))
        last_value = max(data.rfind(b"</v>", start, end), data.rfind(b"</is>", start, end))
        if last_value >= 0:
            cell = data.rfind(b"<c ", start, last_value)
            found = _LAST_CELL_ROW.match(data, cell if cell >= 0 else start, end)
            if found is None:
                self.exact = True
                return
            self.last_row = int(found.group(1))
        # A lone "f" byte is found at memchr speed and is rare in a ledger's XML (tags are
        # row, c, v, is, t; Chinese text has no ASCII letters): "<f" is searched only then.
        # An error cell is t="e" (or t='e', t = "e": any quoted "e" sends the piece to the
        # cell-by-cell look, which reads every spelling).
        if not (data.find(b"f", start, end) >= 0 and data.find(b"<f", start, end) >= 0) and (
            data.find(b'"e"', start, end) < 0 and data.find(b"'e'", start, end) < 0
        ):
            return
        for cell in _CELL.finditer(data[start:end]):
            attrs, body = cell.group(1), cell.group(2) or b""
            ref = _ATTR_R.search(attrs)
            if ref is None:
                self.exact = True
                return
            kind = _ATTR_T.search(attrs)
            marker = _marker(kind.group(1).decode() if kind else "n", b"<f" in body, _values(body))
            if marker is not None:
                key = (int(ref.group(2)) - 1, column_number(ref.group(1).decode()) - 1)
                self.markers[key] = marker

    def finish(self, restream) -> dict[tuple[int, int], RawCell]:
        """Complete the scan (exact re-read if needed) and enforce the used-area limit."""
        if not self.exact and self.carry.strip() and b"<c" in self.carry:
            self._piece(self.carry, 0, len(self.carry))
        # Some cell without a leading reference (or with other quoting): be exact.
        if not self.exact and self.refs < self.cells:
            self.exact = True
        if self.exact:
            self.markers, self.last_row, self.widest = _exact_scan(restream())
        else:
            self.widest = max(self.widest, NARROW)
        if self.last_row * max(self.widest, 1) > self.limits.sheet_cells:
            raise _refuse("area", rows=self.last_row, columns=self.widest)
        return self.markers


def _hides_markup(data: bytes, start: int) -> bool:
    """Whether data[start:] holds "<!" or "<?" (a comment, CDATA section, DOCTYPE or
    processing instruction). "!" and "?" are first looked for alone, at memchr speed: they
    are rare in sheet XML, and "<" is not."""
    return (b"!" in data and data.find(b"<!", start) >= 0) or (
        b"?" in data and data.find(b"<?", start) >= 0
    )


def _has_value(piece: bytes, inside_tag: int) -> bool:
    """Whether the cell whose start tag contains `inside_tag` holds a value."""
    tag_end = piece.find(b">", inside_tag)
    if tag_end < 0 or piece[tag_end - 1 : tag_end] == b"/":
        return False
    body_end = piece.find(b"</c>", tag_end)
    body = piece[tag_end : body_end if body_end >= 0 else len(piece)]
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
                    cell_kind, cell_pos, has_f, value = (
                        element.get("t", "n"),
                        (row, col),
                        False,
                        None,
                    )
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
