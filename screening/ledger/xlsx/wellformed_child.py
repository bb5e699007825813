"""The well-formedness check of one XML part (expat), and its child process (SPEC §9).

Standard library only, no Django, nothing imported from the project: the parent
(`wellformed.py`) runs this file as a script with `python -I -S`, so a large part is checked
on another core while the parent inflates and scans it. The same `XmlCheck` runs in process
for small parts, so both paths give the same verdict.

The child reads frames from standard input: a 4-byte big-endian length, then that many bytes,
one frame per chunk exactly as the parent fed it (expat then sees the same calls in both paths,
so an error is found after the same chunk). An empty frame ends the part: the check closes it
(an unclosed element or a truncated tag is found here). End of input without that frame means
the parent stopped early on a refusal of its own: the child then says only whether the chunks
it was sent were already not well-formed. Either way it writes one JSON line to standard
output, `{"ok": true}` or `{"code": ..., "line": ...}`, and exits. After a refusal it keeps
reading (and discarding) its input to the end, so the parent's writes never fail.
"""

from __future__ import annotations

import json
import struct
import sys
from xml.parsers import expat

FRAME = struct.Struct(">I")


class NotWellFormed(Exception):
    """The part is refused: `code` is a refusal code of `refusals.py`, `line` its line."""

    def __init__(self, code: str, line: int = 0) -> None:
        super().__init__(code, line)
        self.code = code
        self.line = line


class XmlCheck:
    """Proves one part is well-formed XML as it streams past (expat, no handlers but two).

    Nothing is expanded or fetched: a DOCTYPE or entity declaration is refused (the parent's
    streaming check refuses it first; this is the second lock), and expat never loads
    external entities unless told to. An unclosed, mismatched or truncated tag, or bytes
    after the root element, refuse the part with its line.
    """

    def __init__(self) -> None:
        self.parser = expat.ParserCreate()
        self.parser.StartDoctypeDeclHandler = self._declaration
        self.parser.EntityDeclHandler = self._declaration

    @staticmethod
    def _declaration(*_args: object) -> None:
        raise NotWellFormed("doctype")

    def feed(self, chunk: bytes) -> None:
        try:
            self.parser.Parse(chunk, False)
        except expat.ExpatError as exc:
            raise NotWellFormed("malformed_xml", exc.lineno) from exc

    def close(self) -> None:
        try:
            self.parser.Parse(b"", True)
        except expat.ExpatError as exc:  # ends inside a tag or with elements left open
            raise NotWellFormed("malformed_xml", exc.lineno) from exc


def _read_exactly(source, size: int) -> bytes | None:
    """`size` bytes, or None at the end of the input (a cut frame counts as the end)."""
    parts = []
    while size:
        part = source.read(size)
        if not part:
            return None
        parts.append(part)
        size -= len(part)
    return b"".join(parts)


def check_frames(source) -> dict:
    """The verdict on the frames read from `source` (see the module docstring)."""
    check = XmlCheck()
    refused: NotWellFormed | None = None
    while True:
        head = _read_exactly(source, FRAME.size)
        size = None if head is None else FRAME.unpack(head)[0]
        chunk = _read_exactly(source, size) if size else None
        if size and chunk is None:
            size = None  # cut inside a frame: the parent is gone or gave up
        if refused is None:
            try:
                if chunk is not None:
                    check.feed(chunk)
                elif size == 0:
                    check.close()
            except NotWellFormed as exc:
                refused = exc
        if chunk is None:
            break
    if refused is not None:
        return {"code": refused.code, "line": refused.line}
    return {"ok": True}


def main() -> None:
    verdict = check_frames(sys.stdin.buffer)
    sys.stdout.write(json.dumps(verdict) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
