"""Rows of a file that are, cell for cell, rows already in the ledger (issue 19).

Agencies upload their whole ledger every month and most rows have not changed. A row's *raw
digest* is a hash of its cells as read from the sheet (in template order, before any
cleaning), salted with the reference data and the source of the code that cleans and
validates cells. Equal raw digests mean equal cells read under the same rules, so they clean
and validate to the same values: a row whose raw digest is that of a stored project (whose
screening is current) is that project's row, known without validating it again. It is kept
as a `KnownRow` (code, region, row digest); everything else is validated as usual.

Pure: no Django, no database.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import orjson

from screening.ledger.digest import DIGEST_BYTES, source_digest

# What decides how a cell cleans and validates (the reference data is salted in besides).
VALIDATION_SOURCES = (
    "ledger/xlsx/cleaning.py",
    "ledger/xlsx/validate.py",
    "ledger/xlsx/row_validator.py",
    "ledger/xlsx/parsers.py",
    "ledger/xlsx/template.py",
    "ledger/xlsx/reference.py",
    "ledger/xlsx/known_rows.py",
    "rules/types.py",
)


@dataclass(frozen=True, slots=True)
class KnownRow:
    """A validated row kept without its values: it is the stored project's row (same digest)
    with a current screening, so applying it needs none of them. Should it need them after all
    (the ledger or the context moved), the file is read again."""

    project_code: str
    region: str
    digest: str


def raw_digest_salt(reference_digest: str) -> bytes:
    """The salt of raw digests: the reference data's digest and the validation code's."""
    return f"{reference_digest}:{source_digest(*VALIDATION_SOURCES)}:".encode()


def _tagged(value: object) -> object:
    """Cell values orjson does not take, or would write like text, tagged by their type."""
    if isinstance(value, datetime):
        return ["datetime", value.isoformat()]
    if isinstance(value, date):
        return ["date", value.isoformat()]
    if isinstance(value, time):
        return ["time", value.isoformat()]
    if isinstance(value, timedelta):
        return ["timedelta", value.days, value.seconds, value.microseconds]
    # Markers (a formula without a value, an error value): their class and text. A row
    # holding one never validates, so its digest only has to differ from a valid row's.
    return [type(value).__name__, str(value)]


# _tagged by exact type for the cells calamine gives (one dict look-up per date cell).
_TAG = {
    datetime: lambda value: ["datetime", value.isoformat()],
    date: lambda value: ["date", value.isoformat()],
    time: lambda value: ["time", value.isoformat()],
}


def _tagged_fast(value: object) -> object:
    tag = _TAG.get(value.__class__)
    return tag(value) if tag is not None else _tagged(value)


_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME


def raw_digest(salt: bytes, cells: Sequence[object]) -> str:
    """The raw digest of a row's cells (in template order). Text, numbers (float), booleans
    and blanks ("") are written by orjson, each in its own form (1.0, "1.0", true); dates,
    times and markers are tagged with their type, so no two different cells write alike."""
    payload = orjson.dumps(cells, default=_tagged_fast, option=_OPTIONS)
    return hashlib.blake2b(salt + payload, digest_size=DIGEST_BYTES).hexdigest()


class KnownRows:
    """The stored rows a file's rows may match, by raw digest, and what was found.

    `known`: raw digest → KnownRow of a stored, active project whose screening is current.
    While the file is validated, `digests` collects the raw digest of every valid row (known
    or not) by project code, to be stored with the project on apply."""

    def __init__(self, salt: bytes, known: Mapping[str, KnownRow]) -> None:
        self.salt = salt
        self.known = known
        self.digests: dict[str, str] = {}

    def digest(self, cells: Sequence[object]) -> str | None:
        """The raw digest of a row's cells, or None for cells no digest is made of (text
        that is not valid Unicode, a whole number beyond 64 bits): that row is validated."""
        try:
            return raw_digest(self.salt, cells)
        except orjson.JSONEncodeError:
            return None
