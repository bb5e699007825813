"""Screening one project given as JSON, without storing anything.

The payload is one ledger row, {header or key: value}, read by the very cell parsers and row
rules of the ledger validator (screening/ledger/validate.py): a JSON string is a text cell,
a number a numeric cell, null a blank cell. Then the row is screened like a stored project.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from screening import permissions
from screening.ledger.services import lang, ledger_reference
from screening.ledger.xlsx.cleaning import display_value, normalise_header
from screening.ledger.xlsx.parsers import compile_parser
from screening.ledger.xlsx.problems import CellError
from screening.ledger.xlsx.row_validator import Plan, RowValidator
from screening.ledger.xlsx.template import BY_HEADER, BY_KEY, COLUMNS, Column
from screening.models import Region
from screening.rules.types import ProjectInput, Screening
from screening.screen import findings_for_storage, rule_set_for, screen_inputs

_BY_HEADER = {normalise_header(column.header): column for column in COLUMNS}
_SAFE_INT = 2**53  # larger integers are handed over as text: no float overflow or rounding


@dataclass
class PayloadErrors(Exception):
    """The payload does not make a valid ledger row; `errors` are field problems."""

    errors: list[dict] = field(default_factory=list)


class _PayloadValidator(RowValidator):
    """The ledger's row validator; its messages name the column but no sheet row."""

    def _error(self, row_number: int, column: Column, raw, found) -> CellError:
        return CellError(
            row=row_number,
            column=column.header,
            value=display_value(raw),
            message_zh=f"〔{column.header}〕{found.message('zh')}",
            message_en=f"{column.header} ({column.label_en}): {found.message('en')}",
            column_number=column.number,
        )


def _cell(value: object) -> object:
    """A JSON value as the cell the reader would give: text, number or blank."""
    if value is None:
        return ""
    if isinstance(value, bool | str | float):
        return value
    if isinstance(value, int):
        return float(value) if abs(value) < _SAFE_INT else str(value)
    raise TypeError


def parse_row(row: Mapping[str, object], reference) -> tuple[ProjectInput, list[str]]:
    """One row dict through the validator's parsers: (the project, ignored keys).

    Raises PayloadErrors listing every problem at once.
    """
    cells: list[object] = [""] * len(COLUMNS)
    given: dict[str, str] = {}
    ignored: list[str] = []
    problems: list[dict] = []
    for name, value in row.items():
        text = str(name)
        column = BY_KEY.get(text) or _BY_HEADER.get(normalise_header(text))
        if column is None:
            ignored.append(text.strip())
            continue
        if column.key in given:
            problems.append(
                {
                    "field": text,
                    "column": column.header,
                    "code": "duplicate",
                    "message": _("%(column)s is given twice (as “%(first)s” and “%(second)s”).")
                    % {"column": column.header, "first": given[column.key], "second": text},
                }
            )
            continue
        given[column.key] = text
        try:
            cells[column.number - 1] = _cell(value)
        except TypeError:
            problems.append(
                {
                    "field": text,
                    "column": column.header,
                    "code": "invalid_type",
                    "message": _("%(column)s must be text, a number or null.")
                    % {"column": column.header},
                }
            )
    if problems:
        raise PayloadErrors(problems)
    plans = [
        Plan(column, column.number - 1, column.number, compile_parser(column, reference))
        for column in COLUMNS
    ]
    _blank, project, errors = _PayloadValidator(plans, reference).validate(1, cells)
    if project is None:
        language = lang()
        raise PayloadErrors(
            [
                {
                    "field": given.get(BY_HEADER[e.column].key, BY_HEADER[e.column].key),
                    "column": e.column,
                    "code": "cell",
                    "value": e.value,
                    "message": e.message(language),
                }
                for e in errors
            ]
        )
    return project, ignored


@dataclass
class SingleScreening:
    """The outcome of screening one payload."""

    rule_set: str
    as_of: date
    project: ProjectInput
    screening: Screening
    ignored_columns: list[str]

    def as_dict(self) -> dict:
        language = lang()
        findings = [
            {
                "rule": f["rule"],
                "outcome": f["outcome"],
                "clause": f["clause"],
                "message": f["message_en"] if language == "en" else f["message_zh"],
                "message_zh": f["message_zh"],
                "message_en": f["message_en"],
                "values": f["values"],
            }
            for f in findings_for_storage(self.screening)
        ]
        return {
            "rule_set": self.rule_set,
            "as_of": self.as_of,
            "ignored_columns": self.ignored_columns,
            "project_code": self.project.project_code,
            "region": self.project.region,
            "in_scope": self.screening.in_scope,
            "verdict": self.screening.verdict.value,
            "disposition": self.screening.disposition.value,
            "findings": findings,
        }


def screen_payload(
    row: Mapping[str, object], user, as_of: date, rule_set_name: str | None = None
) -> SingleScreening:
    """Validate and screen one row for this user. Raises PayloadErrors or NoRuleSetInForce.

    The row's region must be one the user may see: screening reads that region's context.
    """
    rule_set = rule_set_for(as_of, rule_set_name)
    project, ignored = parse_row(row, ledger_reference(rule_set))
    visible = set(
        Region.objects.filter(id__in=permissions.scope_region_ids(user)).values_list(
            "code", flat=True
        )
    )
    if project.region not in visible:
        header = BY_KEY["region"].header
        raise PayloadErrors(
            [
                {
                    "field": "region",
                    "column": header,
                    "code": "out_of_scope",
                    "value": project.region,
                    "message": _("%(column)s: this region is not one of your regions.")
                    % {"column": header},
                }
            ]
        )
    rule_set, (screening,) = screen_inputs([project], as_of, rule_set.name)
    return SingleScreening(
        rule_set=rule_set.name,
        as_of=as_of,
        project=project,
        screening=screening,
        ignored_columns=ignored,
    )
