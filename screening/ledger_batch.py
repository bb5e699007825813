"""Screening a whole ledger file without storing anything (the screen_ledger command)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import BinaryIO, TextIO

import orjson

from .ledger.safety import UnsafeWorkbook
from .ledger.validate import validate_workbook
from .ledger_import import ledger_reference, limits_from_settings
from .rules.engine import screening_to_dict
from .screen import NoRuleSetInForce, rule_set_for, screen_inputs

EXIT_OK, EXIT_INVALID, EXIT_UNREADABLE = 0, 1, 2


@dataclass
class LedgerScreening:
    """The result of screening a file: the JSON contract of SPEC §8, or a refusal."""

    refusal: str = ""
    rule_set: str = ""
    as_of: date | None = None
    lang: str = "zh"
    ignored_columns: list[str] = field(default_factory=list)
    results: list[tuple[int, str, object]] = field(default_factory=list)  # row, code, Screening
    errors: list = field(default_factory=list)

    @property
    def exit_status(self) -> int:
        if self.refusal:
            return EXIT_UNREADABLE
        return EXIT_INVALID if self.errors else EXIT_OK

    def error_dicts(self) -> list[dict]:
        return [{"row": e.row, "column": e.column, "value": e.value,
                 "message": e.message_en if self.lang == "en" else e.message_zh}
                for e in self.errors]

    def write_json(self, out: BinaryIO) -> None:
        """One JSON object; results are written one at a time to keep memory flat."""
        head = {"rule_set": self.rule_set, "as_of": self.as_of.isoformat(),
                "ignored_columns": self.ignored_columns}
        out.write(orjson.dumps(head)[:-1] + b', "results": [')
        for index, (row, code, screening) in enumerate(self.results):
            item = {"row": row, "project_code": code, **screening_to_dict(screening, self.lang)}
            out.write((b"," if index else b"") + orjson.dumps(item))
        out.write(b'], "errors": ' + orjson.dumps(self.error_dicts()) + b"}\n")

    def write_table(self, out: TextIO) -> None:
        out.write(f"rule set {self.rule_set}, as of {self.as_of}\n")
        if self.ignored_columns:
            out.write(f"ignored columns: {', '.join(self.ignored_columns)}\n")
        out.write(f"{'row':>6}  {'project code':<26} {'verdict':<14} {'disposition':<22} "
                  f"failing rules\n")
        for row, code, screening in self.results:
            failing = ",".join(f.rule for f in screening.findings if f.outcome == "FAIL")
            out.write(f"{row:>6}  {code:<26} {screening.verdict:<14} "
                      f"{screening.disposition:<22} {failing}\n")
        if self.errors:
            out.write(f"\n{len(self.errors)} error(s):\n")
            for error in self.error_dicts():
                out.write(f"  row {error['row']} [{error['column']}] {error['value']!r}: "
                          f"{error['message']}\n")


def screen_ledger_file(path: str | Path, as_of: date, lang: str = "zh") -> LedgerScreening:
    """Validate and screen every valid row; never writes to the database."""
    outcome = LedgerScreening(as_of=as_of, lang=lang)
    try:
        rule_set = rule_set_for(as_of)
    except NoRuleSetInForce:
        outcome.refusal = (f"no rule set is in force on {as_of.isoformat()}" if lang == "en"
                           else f"{as_of.isoformat()} 没有生效的规则集")
        return outcome
    outcome.rule_set = rule_set.name
    try:
        validation = validate_workbook(Path(path), ledger_reference(rule_set),
                                       limits_from_settings())
    except UnsafeWorkbook as refusal:
        outcome.refusal = refusal.message_en if lang == "en" else refusal.message_zh
        return outcome
    except OSError as exc:
        outcome.refusal = (f"cannot open the file: {exc.strerror}" if lang == "en"
                           else f"无法打开文件:{exc.strerror}")
        return outcome
    outcome.ignored_columns = list(validation.ignored_columns)
    outcome.errors = [*validation.header_errors, *validation.errors]
    if validation.header_errors:
        return outcome
    _rs, screenings = screen_inputs((row for _n, row in validation.rows), as_of,
                                    rule_set.name)
    outcome.results = [(n, row.project_code, s)
                       for (n, row), s in zip(validation.rows, screenings, strict=True)]
    return outcome
