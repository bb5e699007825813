"""Screening a whole ledger file without storing anything (the screen_ledger command).

Rows are validated, screened and written one at a time into a spool file, so memory stays flat
for 100,000 rows; the spool is copied to the output only once the whole file was read, so a
refusal found midway (exit 2) never leaves half a JSON document behind.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date
from operator import attrgetter
from pathlib import Path
from typing import BinaryIO

import orjson

from screening.context import ContextResolver
from screening.ledger.spool import ledger_reference_with_digest
from screening.ledger.uploads import limits_from_settings
from screening.ledger.xlsx.safety import UnsafeWorkbook
from screening.ledger.xlsx.validate import iter_workbook
from screening.rules.engine import screen
from screening.rules.types import Outcome
from screening.screen import NoRuleSetInForce, gc_paused, parameters_of, rule_set_for

EXIT_OK, EXIT_INVALID, EXIT_UNREADABLE = 0, 1, 2
SPOOL_IN_MEMORY_BYTES = 1_000_000  # beyond this the output spools to disk
_FAIL = Outcome.FAIL  # a global: an enum's class attribute lookup is slow, and rows are many


@dataclass
class LedgerScreening:
    """The outcome of screening a file: where the output is, or why the file was refused."""

    exit_status: int
    refusal: str = ""
    output: BinaryIO | None = None
    rows_screened: int = 0
    errors: int = 0

    def copy_to(self, out: BinaryIO) -> None:
        assert self.output is not None
        self.output.seek(0)
        while chunk := self.output.read(1 << 20):
            out.write(chunk)


def _message(error, lang: str) -> str:
    return error.message_en if lang == "en" else error.message_zh


def _error_dict(error, lang: str) -> dict:
    return {
        "row": error.row,
        "column": error.column,
        "value": error.value,
        "message": _message(error, lang),
    }


def screen_ledger_file(
    path: str | Path, as_of: date, lang: str = "zh", fmt: str = "json"
) -> LedgerScreening:
    """Validate and screen every valid row; never writes to the database."""
    try:
        rule_set = rule_set_for(as_of)
    except NoRuleSetInForce:
        return LedgerScreening(
            EXIT_UNREADABLE,
            refusal=(
                f"no rule set is in force on {as_of.isoformat()}"
                if lang == "en"
                else f"{as_of.isoformat()} 没有生效的规则集"
            ),
        )
    params = parameters_of(rule_set)
    resolver = ContextResolver(as_of)
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY_BYTES)
    writer = _JsonWriter(spool, lang) if fmt == "json" else _TableWriter(spool, lang)
    try:
        # ledger_reference() without importing the upload services (and psycopg with them).
        reference, _digest = ledger_reference_with_digest(rule_set)
        validation, valid_rows = iter_workbook(Path(path), reference, limits_from_settings())
        writer.start(rule_set.name, as_of, list(validation.ignored_columns))
        count = 0
        with gc_paused():
            for row_number, project in valid_rows:
                result = screen(project, resolver.for_region(project.region), params)
                writer.result(row_number, project.project_code, result)
                count += 1
    except UnsafeWorkbook as refusal:
        spool.close()
        return LedgerScreening(EXIT_UNREADABLE, refusal=refusal.message(lang))
    except OSError as exc:
        spool.close()
        return LedgerScreening(
            EXIT_UNREADABLE,
            refusal=(
                f"cannot open the file: {exc.strerror}"
                if lang == "en"
                else f"无法打开文件:{exc.strerror}"
            ),
        )
    errors = validation.all_errors
    writer.finish(errors)
    return LedgerScreening(
        EXIT_INVALID if errors else EXIT_OK, output=spool, rows_screened=count, errors=len(errors)
    )


class _JsonWriter:
    """SPEC §8's JSON object, written piece by piece.

    A result is `{"row", "project_code", **screening_to_dict(screening, lang)}`, built here
    without that function's per-finding copies and enum values: the dict is serialised at
    once, and orjson writes a str enum as its value. Results are serialised a thousand at a
    time, as one list whose brackets are dropped.
    """

    def __init__(self, out: BinaryIO, lang: str):
        self.out, self.lang, self.first = out, lang, True
        self.message = attrgetter("message_en" if lang == "en" else "message_zh")
        self.pending: list[dict] = []

    def start(self, rule_set: str, as_of: date, ignored: list[str]) -> None:
        head = orjson.dumps(
            {"rule_set": rule_set, "as_of": as_of.isoformat(), "ignored_columns": ignored}
        )
        self.out.write(head[:-1] + b',"results":[')

    def result(self, row: int, code: str, screening) -> None:
        message = self.message
        findings = [
            {
                "rule": f.rule,
                "outcome": f.outcome,
                "clause": f.clause,
                "message": message(f),
                "values": f.values,
            }
            for f in screening.findings
        ]
        self.pending.append(
            {
                "row": row,
                "project_code": code,
                "in_scope": screening.in_scope,
                "verdict": screening.verdict,
                "disposition": screening.disposition,
                "findings": findings,
            }
        )
        if len(self.pending) >= 1000:
            self._flush()

    def _flush(self) -> None:
        if self.pending:
            if not self.first:
                self.out.write(b",")
            self.out.write(memoryview(orjson.dumps(self.pending))[1:-1])
            self.first = False
            self.pending.clear()

    def finish(self, errors: list) -> None:
        self._flush()
        body = orjson.dumps([_error_dict(e, self.lang) for e in errors])
        self.out.write(b'],"errors":' + body + b"}\n")


class _TableWriter:
    """A human-readable table, one line per screened row, then the errors."""

    def __init__(self, out: BinaryIO, lang: str):
        self.out, self.lang = out, lang

    def _line(self, text: str) -> None:
        self.out.write(text.encode("utf-8") + b"\n")

    def start(self, rule_set: str, as_of: date, ignored: list[str]) -> None:
        self._line(f"rule set {rule_set}, as of {as_of.isoformat()}")
        if ignored:
            self._line(f"ignored columns: {', '.join(ignored)}")
        self._line(
            f"{'row':>6}  {'project code':<26} {'verdict':<14} {'disposition':<22} failing rules"
        )

    def result(self, row: int, code: str, screening) -> None:
        failing = ",".join([f.rule for f in screening.findings if f.outcome == _FAIL])
        self._line(
            f"{row:>6}  {code:<26} {screening.verdict:<14} {screening.disposition:<22} {failing}"
        )

    def finish(self, errors: list) -> None:
        if not errors:
            return
        self._line(f"\n{len(errors)} error(s):")
        for error in errors:
            self._line(
                f"  row {error.row} [{error.column}] {error.value!r}: {_message(error, self.lang)}"
            )
