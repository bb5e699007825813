"""Digests that let a re-upload skip what has not changed (issue 19).

Two fingerprints are kept with each project:

- the *row digest*: a hash of the validated ledger row (its region and every template value,
  cleaned, as the engine screens them). Two rows with the same digest hold the same values, so
  they store the same values and screen the same: an unchanged row of a monthly re-upload
  needs no field-by-field comparison, no write and no history row;
- the *screening key*: a hash of everything a screening depends on besides the row: the rule
  set (name, effective date and parameters), the engine's own code and the region's screening
  context on the screening date (which includes that date). A stored screening whose key is
  the key of a new upload is exactly what screening the unchanged row again would give.

Pure: no Django, no database. A digest that differs only costs time (the row is compared or
screened in full); equal digests must mean equal values, which the serialisation below
guarantees.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

import orjson

DIGEST_BYTES = 16  # 32 hex characters
DIGEST_LENGTH = DIGEST_BYTES * 2


def _decimal_text(value: object) -> str:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"no digest for {type(value).__name__}")


def row_digest(region_code: str, values: Sequence[object]) -> str:
    """The digest of one validated row: its region and its cleaned values, in a fixed order.

    Each position has one type (text, Decimal, date, bool, enumeration or None), so writing
    them as orjson does (dates as ISO text, Decimals as their exact text, `12.50` apart from
    `12.5`) is unambiguous: equal digests, equal rows. Unequal digests of equal values (that
    `12.50`) only cost a comparison in full."""
    payload = orjson.dumps([region_code, *values], default=_decimal_text)
    return hashlib.blake2b(payload, digest_size=DIGEST_BYTES).hexdigest()


@cache
def source_digest(*patterns: str) -> str:
    """A hash of the source files of `screening` matching the patterns ("rules/*.py"): a
    deployment that changes how a rule or a cell reads (SPEC revision 4) makes what was stored
    under the old code stale, without a rule-set change."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.blake2b(digest_size=DIGEST_BYTES)
    for path in sorted({path for pattern in patterns for path in root.glob(pattern)}):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def engine_code_digest() -> str:
    """The source digest of the screening engine and of how its results are stored (part of
    every screening key): after a deployment that touches them, every row is screened again
    once."""
    return source_digest(
        "rules/*.py",
        "screen.py",
        "ledger/services.py",
        "ledger/stored.py",
        "ledger/diff.py",
        "ledger/bulk.py",
    )


def _context_value(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (tuple, list)):
        return [_context_value(item) for item in value]
    if isinstance(value, (set, frozenset)):
        return sorted(_context_value(item) for item in value)
    if isinstance(value, Mapping):  # the registry's plans (R14), by reference
        return [[str(key), _context_value(item)] for key, item in sorted(value.items())]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [_context_value(getattr(value, f.name)) for f in dataclasses.fields(value)]
    if hasattr(value, "__slots__") and not isinstance(value, str):
        return [_context_value(getattr(value, name)) for name in value.__slots__]
    return getattr(value, "value", value)  # enums by their value


def screening_key(rule_set_fingerprint: Iterable[object], context: object) -> str:
    """The key of a stored screening: the rule set's fingerprint (name, effective date,
    parameters), the engine's code and the region's ScreeningContext (as_of included)."""
    payload = orjson.dumps(
        [list(rule_set_fingerprint), engine_code_digest(), _context_value(context)],
        option=orjson.OPT_SORT_KEYS,
        default=_decimal_text,
    )
    return hashlib.blake2b(payload, digest_size=DIGEST_BYTES).hexdigest()
