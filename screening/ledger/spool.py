"""The validated rows, kept from the preview to the confirmation: a signed spool file per
upload, so confirming never reads the workbook again (issue 19)."""

from __future__ import annotations

import hashlib
from dataclasses import fields
from datetime import date
from decimal import Decimal
from itertools import chain
from pathlib import Path

import orjson
from django.utils.crypto import constant_time_compare, salted_hmac

from screening.ledger.xlsx.known_rows import KnownRow
from screening.ledger.xlsx.reference import LedgerReference
from screening.ledger.xlsx.template import COLUMNS, Kind
from screening.models import (
    LedgerUpload,
    Region,
    RuleSet,
)
from screening.rules.types import ConstructionType, ProjectInput, Sector, Stage, TechClass
from screening.screen import (
    parameters_of,
)

# --- The validated rows, kept from the preview to the confirmation --------------------------
# Confirming re-reads nothing when the rows validated at the preview are still what the file
# and the reference data give: the spool is signed (SECRET_KEY) and names the file's sha256
# and a digest of the reference data; anything else and the file is validated again.

SPOOL_FORMAT = 3  # 3: each line ends with the row's raw digest (xlsx/known_rows.py)


_SPOOL_SALT = "screening.ledger.services.rows-spool"
_INPUT_FIELDS = [f.name for f in fields(ProjectInput)]
DECIMAL_FIELDS = {c.key for c in COLUMNS if c.kind in (Kind.NUMBER, Kind.SIGNED_NUMBER)}
_DATE_FIELDS = {c.key for c in COLUMNS if c.kind is Kind.DATE}
ENUM_FIELDS = {
    "sector": Sector,
    "construction_type": ConstructionType,
    "stage": Stage,
    "tech_class": TechClass,
}


def ledger_reference_with_digest(rule_set: RuleSet) -> tuple[LedgerReference, str]:
    """ledger_reference() and a digest of what it was built from (keys the rows spool)."""
    params = parameters_of(rule_set)
    regions = sorted(
        (r.code, r.name, sorted(r.aliases)) for r in Region.objects.filter(is_project_region=True)
    )
    products = sorted((spec.key, spec.family, spec.unit) for spec in params.products.values())
    # Products without a benchmark row (氧化铝) take any unit.
    products += sorted(
        (key, family, None) for key, family in params.products_without_benchmark.items()
    )
    family_sectors = {family: sorted(sectors) for family, sectors in params.family_sectors.items()}
    digest = hashlib.sha256(
        orjson.dumps([regions, products, family_sectors], option=orjson.OPT_SORT_KEYS)
    ).hexdigest()
    reference = LedgerReference.build(
        regions=regions, products=products, family_sectors=family_sectors
    )
    return reference, digest


def spool_path(upload: LedgerUpload) -> Path:
    return Path(upload.file.path).with_suffix(".rows")


def _spool_header(upload: LedgerUpload, reference_digest: str, rows: int) -> dict:
    return {
        "format": SPOOL_FORMAT,
        "upload": upload.pk,
        "sha256": upload.sha256,
        "reference": reference_digest,
        "rows": rows,
    }


def _spool_value(value):
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot spool {type(value).__name__}")


def _spool_mac():
    return salted_hmac(_SPOOL_SALT, b"", algorithm="sha256")


_KNOWN_LINE = 5  # number, code, region, digest, raw digest


def _spool_line(
    number: int, row: ProjectInput | KnownRow, known: dict[str, str], raw: dict[str, str]
) -> bytes:
    code = row.project_code
    digest = row.digest if row.__class__ is KnownRow else known.get(code)
    if digest is not None:
        return orjson.dumps([number, code, row.region, digest, raw.get(code, "")])
    return orjson.dumps(
        [number, *(getattr(row, name) for name in _INPUT_FIELDS), raw.get(code, "")],
        default=_spool_value,
    )


def write_rows_spool(
    upload: LedgerUpload,
    reference_digest: str,
    rows: list[tuple[int, ProjectInput | KnownRow]],
    known: dict[str, str] | None = None,
    raw_digests: dict[str, str] | None = None,
) -> None:
    """Keep the validated rows next to the stored file: a header line, one JSON array per row
    (sheet row number, then the ProjectInput fields in order; for KnownRows and the codes in
    `known`, only code, region and row digest: see KnownRow; last the row's raw digest from
    `raw_digests`, or ""), and a signature line last."""
    known = known or {}
    raw = raw_digests or {}
    mac = _spool_mac()
    with spool_path(upload).open("wb") as spool:
        for line in chain(
            [orjson.dumps(_spool_header(upload, reference_digest, len(rows)))],
            (_spool_line(number, row, known, raw) for number, row in rows),
        ):
            mac.update(line + b"\n")
            spool.write(line + b"\n")
        spool.write(mac.hexdigest().encode())


class _SpoolDecoder:
    """Spooled cells back to ProjectInput values. Values repeat a lot down a column (sectors,
    units, dates, references), so each column shares its equal values, as validation does."""

    def __init__(self) -> None:
        self.columns = [(index, name, {}) for index, name in enumerate(_INPUT_FIELDS, start=1)]

    def row(self, values: list, raw_digests: dict[str, str]) -> tuple[int, ProjectInput | KnownRow]:
        raw = values.pop()
        if len(values) == _KNOWN_LINE - 1:
            if raw:
                raw_digests[values[1]] = raw
            return values[0], KnownRow(*values[1:])
        if len(values) != len(_INPUT_FIELDS) + 1:
            raise ValueError("a spooled row of the wrong length")
        if raw:
            raw_digests[values[1 + _CODE_AT]] = raw
        for index, name, memo in self.columns:
            value = values[index]
            if value is not None:
                found = memo.get(value)
                if found is None:
                    found = _decode(name, value)
                    if len(memo) < 4096:
                        memo[value] = found
                values[index] = found
        # Set through the slot descriptors, as the engine builds its results: the same object
        # as ProjectInput(*values[1:]) without the frozen __init__'s per-field __setattr__.
        row = _new_object(ProjectInput)
        for setter, value in zip(_INPUT_SETTERS, values[1:]):  # noqa: B905 (length checked)
            setter(row, value)
        return values[0], row


_new_object = object.__new__
_CODE_AT = _INPUT_FIELDS.index("project_code")
_INPUT_SETTERS = tuple(ProjectInput.__dict__[name].__set__ for name in _INPUT_FIELDS)


def _decode(name: str, value):
    if name in DECIMAL_FIELDS:
        return Decimal(value)
    if name in _DATE_FIELDS:
        return date.fromisoformat(value)
    if name in ENUM_FIELDS:
        return ENUM_FIELDS[name](value)
    return value


def read_rows_spool(
    upload: LedgerUpload, reference_digest: str, raw_digests: dict[str, str] | None = None
) -> list[tuple[int, ProjectInput | KnownRow]] | None:
    """The rows validated at the preview, or None when there are none that can be trusted
    for this upload, its stored file and the current reference data. `raw_digests`, when
    given, is filled with each row's raw digest by project code."""
    raw_digests = {} if raw_digests is None else raw_digests
    try:
        handle = spool_path(upload).open("rb")
    except OSError:
        return None
    # One streaming pass (the spool of 100,000 rows is ≈ 60 MB: never read whole). Lines are
    # decoded as they are signed; nothing decoded is returned unless the signature holds.
    mac = _spool_mac()
    rows: list[tuple[int, ProjectInput | KnownRow]] = []
    signature = b""
    with handle:
        header = handle.readline()
        mac.update(header)
        try:
            found = orjson.loads(header)
            decoder = _SpoolDecoder()
            for line in handle:
                if line[-1:] != b"\n":
                    signature = line
                    break
                mac.update(line)
                rows.append(decoder.row(orjson.loads(line), raw_digests))
        except (ValueError, ArithmeticError, TypeError, IndexError, AttributeError):
            found = None  # not a spool this code wrote
        trailing = handle.read(1)
    if (
        found != _spool_header(upload, reference_digest, len(rows))
        or trailing
        or not constant_time_compare(signature, mac.hexdigest().encode())
    ):
        raw_digests.clear()
        return None
    return rows
