"""Comparing a ledger file with the stored ledger: what is new, changed, unchanged and
missing, field by field (SPEC §3 preview), read in chunks without loading every project."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal
from operator import attrgetter

from django.db.models import Max

from screening import permissions
from screening.ledger.digest import row_digest
from screening.ledger.xlsx.known_rows import KnownRow, KnownRows
from screening.models import (
    LedgerUpload,
    Project,
    ProjectStatus,
    Region,
)
from screening.models.ledger import NUMBER_DECIMAL_PLACES
from screening.rules.types import ProjectInput

LEDGER_FIELDS = [f.name for f in fields(ProjectInput) if f.name != "region"]
_QUANTUM = Decimal(1).scaleb(-NUMBER_DECIMAL_PLACES)


# --- Comparing a file with the stored ledger ----------------------------------------------


def normalise(value):
    """A value as stored: numbers to the stored precision, enums as their text."""
    if isinstance(value, Decimal):
        return value.quantize(_QUANTUM).normalize() if value == value else value
    if hasattr(value, "value") and isinstance(value, str):
        return str(value)
    return value


def _json(value):
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text
    if isinstance(value, date):
        return value.isoformat()
    return value


def field_changes(project: Project, row: ProjectInput, region_id: int) -> dict[str, list]:
    """{field: [old, new]} for every ledger field whose value differs (JSON-ready)."""
    changes: dict[str, list] = {}
    if project.region_id != region_id:
        changes["region"] = [project.region_id, region_id]
    for name in LEDGER_FIELDS:
        old = normalise(getattr(project, name))
        new = normalise(getattr(row, name))
        if old != new:
            changes[name] = [_json(old), _json(new)]
    return changes


def stored_row_digest(row: ProjectInput) -> str:
    """The row digest (screening/ledger/digest.py) of a validated row."""
    return row_digest(row.region, ledger_values(row))


@dataclass
class LedgerDiff:
    """What applying a validated file would do to the region's ledger.

    Changed and missing projects are loaded without their screening fields (setting them is
    fine; reading them would cost a query each); unchanged ones are only their id.
    `digests` holds each row's digest by project code; `screening_keys` the stored screening
    key of each unchanged project (by id), and `digests_to_store` the unchanged projects whose
    stored digest is blank or stale (their values were compared one by one)."""

    new: list[ProjectInput] = field(default_factory=list)
    changed: list[tuple[Project, ProjectInput, dict]] = field(default_factory=list)
    unchanged: list[tuple[int, ProjectInput]] = field(default_factory=list)
    missing: list[Project] = field(default_factory=list)
    digests: dict[str, str] = field(default_factory=dict)
    screening_keys: dict[int, str] = field(default_factory=dict)
    digests_to_store: set[int] = field(default_factory=set)
    stored_raw_digests: dict[int, str] = field(default_factory=dict)  # of unchanged projects

    def counts(self) -> dict[str, int]:
        return {
            "new": len(self.new),
            "changed": len(self.changed),
            "unchanged": len(self.unchanged),
            "missing": len(self.missing),
        }


def ledger_scope_ids(region: Region) -> frozenset[int]:
    """The region and the regions that report to it: whose projects make up its ledger."""
    return permissions.region_scope_ids(region)


_STORED_FIELDS = ["id", "region_id", "status", *LEDGER_FIELDS]
_FINGERPRINT_FIELDS = [
    "project_code",
    "id",
    "status",
    "row_digest",
    "screening_key",
    "raw_digest",
]
ledger_values = attrgetter(*LEDGER_FIELDS)
CHUNK = 5000


class ValuesNeeded(Exception):
    """A row kept without its values (KnownRow) needs them: the file is to be read again."""


def compute_diff(region: Region, rows: Iterable[ProjectInput | KnownRow]) -> LedgerDiff:
    """Compare the file's rows with the stored ledger. A row whose digest is the stored one
    is unchanged without reading or comparing its values (issue 19); the others are compared
    field by field."""
    rows = list(rows)
    region_ids = {r.code: r.pk for r in Region.objects.all()}
    code_at = _STORED_FIELDS.index("project_code")
    diff = LedgerDiff()
    # The ledger's fingerprints in one pass (a code of the file stored outside the ledger is a
    # validation error, but is looked up below all the same).
    fingerprints = {
        code: rest
        for code, *rest in Project.objects.filter(region_id__in=ledger_scope_ids(region))
        .order_by()
        .values_list(*_FINGERPRINT_FIELDS)
        .iterator(chunk_size=CHUNK)
    }
    # Chunk by chunk, so only a chunk of stored rows is in memory at a time.
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        elsewhere = [row.project_code for row in chunk if row.project_code not in fingerprints]
        if elsewhere:
            fingerprints.update(
                (code, rest)
                for code, *rest in Project.objects.filter(project_code__in_array=elsewhere)
                .order_by()
                .values_list(*_FINGERPRINT_FIELDS)
            )
        to_compare = []
        for row in chunk:
            digest = diff.digests[row.project_code] = (
                row.digest if row.__class__ is KnownRow else stored_row_digest(row)
            )
            found = fingerprints.get(row.project_code)
            if found is not None and found[1] == ProjectStatus.ACTIVE and found[2] == digest:
                diff.unchanged.append((found[0], row))
                diff.screening_keys[found[0]] = found[3]
                diff.stored_raw_digests[found[0]] = found[4]
            elif row.__class__ is KnownRow:
                raise ValuesNeeded
            elif found is None:
                diff.new.append(row)
            else:
                to_compare.append(row)
        stored = (
            {
                values[code_at]: values
                for values in Project.objects.filter(
                    project_code__in_array=[row.project_code for row in to_compare]
                )
                .order_by()
                .values_list(*_STORED_FIELDS)
            }
            if to_compare
            else {}
        )
        for row in to_compare:
            values = stored[row.project_code]
            pk, region_id, status, *ledger = values
            new_region_id = region_ids[row.region]
            # Decimal compares by value and a StrEnum equals its text, so equal tuples mean
            # an unchanged row; only rows that differ get the field-by-field comparison.
            if (
                status == ProjectStatus.ACTIVE
                and region_id == new_region_id
                and tuple(ledger) == ledger_values(row)
            ):
                changes = {}
            else:
                project = Project(**dict(zip(_STORED_FIELDS, values, strict=True)))
                changes = field_changes(project, row, new_region_id)
                if status != ProjectStatus.ACTIVE:
                    changes["status"] = [status, ProjectStatus.ACTIVE]
            if changes:
                diff.changed.append((project, row, changes))
            else:  # equal values under a blank or stale digest: store the digest on apply
                diff.unchanged.append((pk, row))
                diff.screening_keys[pk] = ""
                diff.digests_to_store.add(pk)
                diff.stored_raw_digests[pk] = fingerprints[row.project_code][4]
    # The ledger's active projects the file does not name (codes looked up outside the
    # ledger above are all in the file, so never among them).
    missing_ids = [
        found[0]
        for code, found in fingerprints.items()
        if found[1] == ProjectStatus.ACTIVE and code not in diff.digests
    ]
    for start in range(0, len(missing_ids), CHUNK):
        diff.missing.extend(
            Project.objects.filter(pk__in_array=missing_ids[start : start + CHUNK])
            .only("id", "project_code", "name", "status")
            .order_by()
        )
    diff.missing.sort(key=lambda project: project.project_code)
    return diff


def ledger_version(region: Region) -> list:
    """A fingerprint of the region's ledger: changes when any of its projects changes."""
    scope = ledger_scope_ids(region)
    agg = Project.objects.filter(region_id__in=scope).aggregate(latest=Max("updated_at"))
    count = Project.objects.filter(region_id__in=scope).count()
    latest = agg["latest"].isoformat() if agg["latest"] else ""
    return [count, latest]


def allowed_region_codes(upload: LedgerUpload) -> set[str]:
    """The regions whose rows this upload may hold: its ledger's, within the uploader's."""
    allowed = {r.code for r in Region.objects.filter(id__in=ledger_scope_ids(upload.region))}
    user_scope = permissions.scope_region_ids(upload.uploaded_by)
    return allowed & {r.code for r in Region.objects.filter(id__in=user_scope)}


def stored_known_rows(region: Region, key_of, salt: bytes) -> KnownRows:
    """The ledger's active projects whose row and raw digests are kept and whose screening is
    current, by raw digest (xlsx/known_rows.py): a file row with the same cells is that row."""
    scope = ledger_scope_ids(region)
    codes = dict(Region.objects.filter(pk__in=scope).values_list("pk", "code"))
    known: dict[str, KnownRow] = {}
    for raw, code, region_id, digest, key in (
        Project.objects.filter(region_id__in=scope, status=ProjectStatus.ACTIVE)
        .exclude(raw_digest="")
        .exclude(row_digest="")
        .order_by()
        .values_list("raw_digest", "project_code", "region_id", "row_digest", "screening_key")
        .iterator(chunk_size=CHUNK)
    ):
        region_code = codes[region_id]
        if key == key_of(region_code):
            known[raw] = KnownRow(code, region_code, digest)
    return KnownRows(salt, known)
