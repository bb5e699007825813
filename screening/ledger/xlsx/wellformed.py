"""Where a part's well-formedness is checked (SPEC §9): in process, or in a child process.

expat holds the GIL for the whole parse (≈ 1.4 s for the 100 MB sheet of a 100,000-row
ledger) while the inspection also inflates and scans the same part. A part of at least
`Limits.xml_check_in_child_from` bytes is therefore checked by `wellformed_child.py` in a
child process, on another core: the parent hands it each chunk through a pipe from a writer
thread (`os.write` releases the GIL) and goes on with its own checks. Both paths run the same
`XmlCheck` on the same chunks, so they give the same verdict, code and line.

The inspection asks a check three things: `feed` a chunk, `close` at the end of the part, and
`settle` when it refused the part itself after some chunks (a refusal of the chunks fed so far
comes first, as it would have in process). In process each is answered at once; the child's
verdict is awaited at `close` and `settle`. If the child cannot start, dies, answers nonsense
or stalls for `CHILD_PATIENCE` seconds, it is killed and the part is read again and checked in
process: never a silent pass. `abandon` always ends the child (no zombie, no open pipe).
"""

from __future__ import annotations

import contextlib
import fcntl
import itertools
import json
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from screening.ledger.xlsx.limits import CHUNK
from screening.ledger.xlsx.refusals import UnsafeWorkbook, _refuse
from screening.ledger.xlsx.wellformed_child import FRAME, NotWellFormed, XmlCheck

_CHILD_SCRIPT = Path(__file__).with_name("wellformed_child.py")
# -I: no environment, no user site, not the script's folder on the path; -S: no site-packages
# (the child needs the standard library only, and starts in ≈ 15 ms).
CHILD_COMMAND = (sys.executable, "-I", "-S", str(_CHILD_SCRIPT))
CHILD_PATIENCE = 30.0  # seconds the child may take a chunk or its verdict before it is killed
_QUEUED = 4  # chunks waiting for the writer thread (memory: at most this many CHUNKs)
_END = object()  # stop writing, close the child's input


def _refusal(name: str, verdict: NotWellFormed) -> UnsafeWorkbook:
    if verdict.code == "malformed_xml":
        return _refuse("malformed_xml", name=name, line=verdict.line)
    return _refuse(verdict.code, name=name)


def start_check(
    name: str, size: int, child_from: int, replay: Callable[[], Iterator[bytes]]
) -> WellFormed | ChildCheck:
    """The check of part `name` (`size` bytes as its zip directory declares): in a child
    process from `child_from` bytes (never when negative), else in process. `replay` yields
    the part's chunks again, for the fallback."""
    if 0 <= child_from <= size and sys.executable:
        try:
            return ChildCheck(name, replay)
        except OSError:
            pass  # no process to be had (no fork, no such file …): check in process
    return WellFormed(name)


class WellFormed:
    """Checks one part in process, refusing it at the chunk where it stops being XML."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.check = XmlCheck()

    def feed(self, chunk: bytes) -> None:
        try:
            self.check.feed(chunk)
        except NotWellFormed as exc:
            raise _refusal(self.name, exc) from exc

    def close(self) -> None:
        try:
            self.check.close()
        except NotWellFormed as exc:
            raise _refusal(self.name, exc) from exc

    def settle(self) -> None:
        """Nothing to add: a refusal of the chunks fed was raised as they were fed."""

    def abandon(self) -> None:
        """Nothing to end."""


class ChildCheck:
    """Checks one part in a child process, fed from a writer thread."""

    def __init__(self, name: str, replay: Callable[[], Iterator[bytes]]) -> None:
        self.name = name
        self.replay = replay
        self.fed = 0  # chunks fed, whether or not they reached the child
        self.given_up = False  # the child stalled: it was killed, the check runs in process
        self.answer = b""
        self.ended = False
        self.process = subprocess.Popen(
            CHILD_COMMAND,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            close_fds=True,
        )
        with contextlib.suppress(OSError, AttributeError):  # Linux; at most pipe-max-size
            # A pipe that holds a whole chunk: the writer hands it over while the child
            # parses the one before, instead of waiting on it 64 KB at a time.
            fcntl.fcntl(self.process.stdin.fileno(), fcntl.F_SETPIPE_SZ, CHUNK)
        self.queue: queue.Queue = queue.Queue(maxsize=_QUEUED)
        self.writer = threading.Thread(target=self._write, name="two-high-xml-check", daemon=True)
        try:
            self.writer.start()
        except RuntimeError as exc:  # no thread to be had: no child either
            self.process.kill()
            self.process.communicate()
            raise OSError("cannot start the writer thread") from exc

    # ------------------------------------------------------------------ the writer thread

    def _write(self) -> None:
        """Hands the queued chunks to the child, closes its input, reads its answer."""
        stdin, stdout = self.process.stdin, self.process.stdout
        assert stdin is not None and stdout is not None
        broken = False
        while (item := self.queue.get()) is not _END:
            if broken:
                continue  # keep taking chunks so the parent never waits on a dead child
            try:
                _write_all(stdin.fileno(), FRAME.pack(len(item)))
                if item:
                    _write_all(stdin.fileno(), item)
            except OSError:  # the child is gone (EPIPE) or was killed
                broken = True
        with contextlib.suppress(OSError):
            stdin.close()
        with contextlib.suppress(OSError, ValueError):
            self.answer = stdout.read()  # one line; the child exits after writing it

    # ----------------------------------------------------------------- what the parent asks

    def feed(self, chunk: bytes) -> None:
        self.fed += 1
        if not self.given_up:
            self._put(chunk)

    def close(self) -> None:
        """Raise the part's refusal once it has all been fed (the child closes the parse)."""
        self._put(b"")  # the empty frame: the end of the part
        verdict = self._verdict(final=True)
        if verdict is not None:
            raise _refusal(self.name, verdict)

    def settle(self) -> None:
        """The parent refused the part after `fed` chunks: raise this check's refusal of
        those chunks instead, if there is one (in process it would have been raised first)."""
        verdict = self._verdict(final=False)
        if verdict is not None:
            raise _refusal(self.name, verdict)

    def abandon(self) -> None:
        """End the child and the writer thread, whatever state they are in (once)."""
        if self.ended:
            return
        self.ended = True
        if self.process.poll() is None:
            self.process.kill()
        if self.writer.is_alive():
            self.queue.put(_END)  # the writer's next write fails: it drains to this
        self.writer.join()
        self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError, ValueError):
                pipe.close()

    # ---------------------------------------------------------------------------- inside

    def _put(self, item: object) -> None:
        if self.given_up and item is not _END:
            return
        try:
            self.queue.put(item, timeout=CHILD_PATIENCE)
        except queue.Full:
            self._give_up()
            if item is _END:
                self.queue.put(_END)  # the writer now drains the queue

    def _give_up(self) -> None:
        """The child stalls: kill it (the writer's write then fails and it drains the queue)."""
        self.given_up = True
        if self.process.poll() is None:
            self.process.kill()

    def _verdict(self, final: bool) -> NotWellFormed | None:
        """The child's verdict, or the in-process one when the child gave none."""
        self._put(_END)
        self.writer.join(CHILD_PATIENCE)
        if self.writer.is_alive():
            self._give_up()
        self.abandon()
        verdict = None if self.given_up else _parse_answer(self.answer, self.process.returncode)
        if verdict is None:
            return self._in_process(final)
        return verdict if isinstance(verdict, NotWellFormed) else None

    def _in_process(self, final: bool) -> NotWellFormed | None:
        """The fallback: the same check of the same chunks, in this process."""
        check = XmlCheck()
        chunks = self.replay()
        try:
            for chunk in itertools.islice(chunks, self.fed):
                check.feed(chunk)
            if final:
                check.close()
        except NotWellFormed as exc:
            return exc
        finally:
            chunks.close()
        return None


def _parse_answer(answer: bytes, returncode: int | None) -> NotWellFormed | bool | None:
    """True (well-formed so far), the refusal, or None when the answer is not a verdict."""
    if returncode != 0:
        return None
    try:
        verdict = json.loads(answer)
    except ValueError:
        return None
    if verdict == {"ok": True}:
        return True
    if (
        isinstance(verdict, dict)
        and verdict.keys() == {"code", "line"}
        and verdict["code"] in ("malformed_xml", "doctype")
        and isinstance(verdict["line"], int)
    ):
        return NotWellFormed(verdict["code"], verdict["line"])
    return None


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
