"""Ledger uploads: receive, validate, preview, apply (all or nothing) and roll back.

The file is read and validated by the framework-free code in `screening.ledger`; this module
adds what needs the database: the region's current ledger, the diff against it, the one
transaction that applies it, the history rows and the screening of every project.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal
from itertools import chain
from operator import attrgetter
from pathlib import Path

import orjson
from django.conf import settings
from django.core.files.base import File
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from psycopg import sql
from psycopg.copy import QueuedLibpqWriter

from screening import permissions
from screening.ledger.digest import row_digest, source_digest
from screening.ledger.hints import hint_text, hint_to_dict
from screening.ledger.uploads import limits_from_settings
from screening.ledger.xlsx.reference import LedgerReference
from screening.ledger.xlsx.safety import UnsafeWorkbook
from screening.ledger.xlsx.template import COLUMNS, Kind
from screening.ledger.xlsx.validate import CellError, validate_workbook
from screening.models import (
    ChangeKind,
    LedgerUpload,
    Project,
    ProjectChange,
    ProjectStatus,
    Region,
    RemovalReason,
    RuleSet,
    UploadScope,
    UploadStatus,
)
from screening.models.ledger import NUMBER_DECIMAL_PLACES
from screening.rules.types import ConstructionType, ProjectInput, Sector, Stage, TechClass
from screening.screen import (
    findings_for_storage,
    gc_paused,
    parameters_of,
    rule_set_for,
    screener,
    screening_keys,
)

LEDGER_FIELDS = [f.name for f in fields(ProjectInput) if f.name != "region"]
SCREENING_FIELDS = ["in_scope", "verdict", "disposition", "screened_rule_set", "screened_as_of",
                    "findings"]
ERRORS_KEPT_ON_PAGE = 2000
_QUANTUM = Decimal(1).scaleb(-NUMBER_DECIMAL_PLACES)


class UploadRefused(Exception):
    """The upload cannot go on; `message` says why in the user's language."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def ledger_reference(rule_set: RuleSet) -> LedgerReference:
    """What validation needs from the database: project regions and the rule set's products."""
    return ledger_reference_with_digest(rule_set)[0]


def lang() -> str:
    return "en" if (get_language() or "").startswith("en") else "zh"


def error_to_dict(error: CellError) -> dict:
    return {"row": error.row, "column": error.column, "value": error.value,
            "message_zh": error.message_zh, "message_en": error.message_en}


# --- Comparing a file with the stored ledger ----------------------------------------------

def _normalise(value):
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
        old = _normalise(getattr(project, name))
        new = _normalise(getattr(row, name))
        if old != new:
            changes[name] = [_json(old), _json(new)]
    return changes


def stored_row_digest(row: ProjectInput) -> str:
    """The row digest (screening/ledger/digest.py) of a validated row."""
    return row_digest(row.region, _ledger_values(row))


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

    def counts(self) -> dict[str, int]:
        return {"new": len(self.new), "changed": len(self.changed),
                "unchanged": len(self.unchanged), "missing": len(self.missing)}


def ledger_scope_ids(region: Region) -> frozenset[int]:
    """The region and the regions that report to it: whose projects make up its ledger."""
    return permissions.region_scope_ids(region)


_STORED_FIELDS = ["id", "region_id", "status", *LEDGER_FIELDS]
_FINGERPRINT_FIELDS = ["project_code", "id", "status", "row_digest", "screening_key"]
_ledger_values = attrgetter(*LEDGER_FIELDS)
_CHUNK = 5000


class _ValuesNeeded(Exception):
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
    fingerprints = {code: rest for code, *rest in Project.objects.filter(
        region_id__in=ledger_scope_ids(region)).order_by().values_list(
        *_FINGERPRINT_FIELDS).iterator(chunk_size=_CHUNK)}
    # Chunk by chunk, so only a chunk of stored rows is in memory at a time.
    for start in range(0, len(rows), _CHUNK):
        chunk = rows[start:start + _CHUNK]
        elsewhere = [row.project_code for row in chunk if row.project_code not in fingerprints]
        if elsewhere:
            fingerprints.update((code, rest) for code, *rest in Project.objects.filter(
                project_code__in_array=elsewhere).order_by().values_list(*_FINGERPRINT_FIELDS))
        to_compare = []
        for row in chunk:
            digest = diff.digests[row.project_code] = (
                row.digest if row.__class__ is KnownRow else stored_row_digest(row))
            found = fingerprints.get(row.project_code)
            if found is not None and found[1] == ProjectStatus.ACTIVE and found[2] == digest:
                diff.unchanged.append((found[0], row))
                diff.screening_keys[found[0]] = found[3]
            elif row.__class__ is KnownRow:
                raise _ValuesNeeded
            elif found is None:
                diff.new.append(row)
            else:
                to_compare.append(row)
        stored = {values[code_at]: values for values in Project.objects.filter(
            project_code__in_array=[row.project_code for row in to_compare]
        ).order_by().values_list(*_STORED_FIELDS)} if to_compare else {}
        for row in to_compare:
            values = stored[row.project_code]
            pk, region_id, status, *ledger = values
            new_region_id = region_ids[row.region]
            # Decimal compares by value and a StrEnum equals its text, so equal tuples mean
            # an unchanged row; only rows that differ get the field-by-field comparison.
            if (status == ProjectStatus.ACTIVE and region_id == new_region_id
                    and tuple(ledger) == _ledger_values(row)):
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
    # The ledger's active projects the file does not name (codes looked up outside the
    # ledger above are all in the file, so never among them).
    missing_ids = [found[0] for code, found in fingerprints.items()
                   if found[1] == ProjectStatus.ACTIVE and code not in diff.digests]
    for start in range(0, len(missing_ids), _CHUNK):
        diff.missing.extend(Project.objects.filter(pk__in_array=missing_ids[start:start + _CHUNK])
                            .only("id", "project_code", "name", "status").order_by())
    diff.missing.sort(key=lambda project: project.project_code)
    return diff


def ledger_version(region: Region) -> list:
    """A fingerprint of the region's ledger: changes when any of its projects changes."""
    scope = ledger_scope_ids(region)
    agg = Project.objects.filter(region_id__in=scope).aggregate(latest=Max("updated_at"))
    count = Project.objects.filter(region_id__in=scope).count()
    latest = agg["latest"].isoformat() if agg["latest"] else ""
    return [count, latest]


# --- The steps of an upload -----------------------------------------------------------------

def receive_upload(user, region: Region, uploaded: File, original_name: str,
                   as_of: date | None = None, scope: str = UploadScope.FULL) -> LedgerUpload:
    """Keep the uploaded file (privately) and record the upload; nothing is validated yet.
    `scope`: a full ledger (missing projects leave it) or add or update only."""
    if scope not in UploadScope.values:
        raise UploadRefused(_("Choose what the upload does: a full ledger, or add or update "
                              "only."))
    if not permissions.can_upload_ledger(user, region):
        raise UploadRefused(_("You may not upload a ledger for %(region)s.") % {
            "region": region.name})
    size = getattr(uploaded, "size", None) or 0
    if size > settings.LEDGER_MAX_FILE_BYTES:
        raise UploadRefused(_("The file is larger than %(mb)d MB.") % {
            "mb": settings.LEDGER_MAX_FILE_BYTES // 1_000_000})
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    upload = LedgerUpload(region=region, uploaded_by=user, original_name=original_name[:255],
                          sha256=digest.hexdigest(), size=size,
                          as_of=as_of or timezone.localdate(), scope=scope)
    # Stored under a generated name: never the file's own name on disk.
    upload.file.save(f"{digest.hexdigest()[:16]}-{timezone.now():%Y%m%d%H%M%S%f}.xlsx",
                     uploaded, save=False)
    upload.save()
    return upload


def allowed_region_codes(upload: LedgerUpload) -> set[str]:
    """The regions whose rows this upload may hold: its ledger's, within the uploader's."""
    allowed = {r.code for r in Region.objects.filter(id__in=ledger_scope_ids(upload.region))}
    user_scope = permissions.scope_region_ids(upload.uploaded_by)
    return allowed & {r.code for r in Region.objects.filter(id__in=user_scope)}


def _region_errors(rows: list[tuple[int, ProjectInput]], upload: LedgerUpload
                   ) -> list[CellError]:
    """Rows of regions outside the upload's ledger, and codes registered in another region."""
    allowed = allowed_region_codes(upload)
    errors: list[CellError] = []
    codes = [row.project_code for _n, row in rows]
    # Which region holds a code is never said: an agency could otherwise test codes by the
    # thousand to learn which projects exist in regions it may not see (issue 13 item 9).
    elsewhere: set[str] = set()
    for start in range(0, len(codes), _CHUNK):
        elsewhere.update(Project.objects.filter(
            project_code__in_array=codes[start:start + _CHUNK]
        ).exclude(region__code__in=allowed).order_by().values_list("project_code", flat=True))
    for row_number, row in rows:
        if row.region not in allowed:
            errors.append(CellError(
                row=row_number, column="所在地区", value=row.region,
                message_zh=f"该地区不属于本次上传的台账({upload.region.name})或您的管辖范围",
                message_en=f"this region is not part of the ledger being uploaded "
                           f"({upload.region.name_en or upload.region.name}) or of your regions",
            ))
        elif row.project_code in elsewhere:
            errors.append(CellError(
                row=row_number, column="项目代码", value=row.project_code,
                message_zh="该项目代码已登记在其他地区的台账中",
                message_en="this project code is registered in another region's ledger",
            ))
    return errors


def validate_upload(upload: LedgerUpload, progress=None) -> LedgerUpload:
    """Validate the stored file; record errors (with the annotated workbook) or the preview."""
    from screening.ledger.xlsx.annotate import write_annotated_workbook

    rule_set = rule_set_for(upload.as_of)
    LedgerUpload.objects.filter(pk=upload.pk).update(status=UploadStatus.VALIDATING)
    path = Path(upload.file.path)
    reference, reference_digest = ledger_reference_with_digest(rule_set)
    fingerprint = file_fingerprint(upload, reference_digest)
    if (same := identical_applied_upload(upload, fingerprint)) is not None:
        return _preview_identical(upload, same, fingerprint)
    try:
        validation = validate_workbook(path, reference, limits_from_settings())
    except UnsafeWorkbook as refusal:
        upload.status = UploadStatus.REFUSED
        upload.message = refusal.message_en if lang() == "en" else refusal.message_zh
        upload.errors = [{"row": None, "column": "", "value": "", "code": refusal.code,
                          "not_xlsx": refusal.not_xlsx,
                          "message_zh": refusal.message_zh, "message_en": refusal.message_en}]
        upload.save()
        return upload
    extra = _region_errors(validation.rows, upload) if not validation.header_errors else []
    bad_rows = {e.row for e in extra}
    if extra:
        validation.errors = sorted([*validation.errors, *extra], key=lambda e: (e.row, e.column))
        validation.rows = [(n, r) for n, r in validation.rows if n not in bad_rows]
    all_errors = [*validation.header_errors, *validation.errors]
    upload.sheet_name = validation.sheet_name[:255]
    upload.data_rows = len(validation.rows) + len({e.row for e in validation.errors})
    upload.ignored_columns = list(validation.ignored_columns)
    upload.error_count = len(all_errors)
    if all_errors:
        upload.status = UploadStatus.INVALID
        upload.errors = [error_to_dict(e) for e in all_errors[:ERRORS_KEPT_ON_PAGE]]
        # Beside the errors, never instead of them (issue 15): what to fix first.
        upload.hints = [hint_to_dict(hint) for hint in validation.hints[:ERRORS_KEPT_ON_PAGE]]
        annotated = path.with_name(path.stem + "-annotated.xlsx")
        write_annotated_workbook(path, validation, annotated, lang(),
                                 hints=[hint_text(hint) for hint in validation.hints])
        with annotated.open("rb") as handle:
            upload.annotated_file.save(annotated.name, File(handle), save=False)
        annotated.unlink(missing_ok=True)
        upload.save()
        return upload
    diff = compute_diff(upload.region, (row for _n, row in validation.rows))
    key_of = screening_keys(rule_set, upload.as_of)
    known = {row.project_code: diff.digests[row.project_code] for pk, row in diff.unchanged
             if diff.screening_keys[pk] == key_of(row.region) and pk not in diff.digests_to_store}
    write_rows_spool(upload, reference_digest, validation.rows, known)
    upload.preview = preview_of(diff, ledger_version(upload.region), upload.scope)
    # Not part of what apply compares: a case moving on meanwhile does not stale the preview.
    upload.preview["open_cases"] = open_cases_of(
        diff.missing if upload.scope == UploadScope.FULL else [])
    # Nor is what the rows would screen to (shown so the user sees it before confirming).
    upload.preview.update(preview_outcomes(diff, upload.as_of))
    upload.status = UploadStatus.PREVIEW
    upload.errors = []
    upload.save()
    return upload


# --- An identical file again (issue 19) -------------------------------------------------------
# A file byte for byte the same as one applied before, validated against the same reference
# data, limits, validation code and regions, gives the same rows; if the ledger has not changed
# since that upload was applied, those rows are exactly the ledger, so the preview is "all
# unchanged" without reading the file. Its stored screenings must also be current (the same
# screening key), or the rows are read and screened again the ordinary way.

def file_fingerprint(upload: LedgerUpload, reference_digest: str) -> dict:
    """What validating this upload's file depends on besides its bytes."""
    return {"sha256": upload.sha256, "reference": reference_digest,
            "regions": sorted(allowed_region_codes(upload)),
            "limits": repr(limits_from_settings()),
            # The reader and validator, the engine's input types, and this module's checks.
            "code": source_digest("ledger/*.py", "ledger/xlsx/*.py", "rules/types.py")}


def identical_applied_upload(upload: LedgerUpload, fingerprint: dict) -> LedgerUpload | None:
    """The applied upload of this region whose file and validation were the same and whose
    result is still the region's ledger, with screenings current on this upload's date."""
    # Only a full upload left the ledger exactly as its file (add or update keeps the others).
    same = (LedgerUpload.objects.filter(region_id=upload.region_id, sha256=upload.sha256,
                                        status=UploadStatus.APPLIED, scope=UploadScope.FULL)
            .exclude(pk=upload.pk).order_by("-applied_at", "-pk").first())
    if same is None or {k: same.fingerprint.get(k) for k in fingerprint} != fingerprint:
        return None
    if same.fingerprint.get("ledger_after") != ledger_version(upload.region):
        return None
    rule_set, _screen_one = screener(upload.as_of)
    key_of = screening_keys(rule_set, upload.as_of)
    for region in Region.objects.filter(id__in=ledger_scope_ids(upload.region)):
        if Project.objects.filter(region=region, status=ProjectStatus.ACTIVE).exclude(
                screening_key=key_of(region.code)).exists():
            return None
    return same


def _identical_preview(upload: LedgerUpload, version: list) -> dict:
    codes = list(Project.objects.filter(
        region_id__in=ledger_scope_ids(upload.region), status=ProjectStatus.ACTIVE
    ).order_by("project_code").values_list("project_code", flat=True))
    return {"counts": {"new": 0, "changed": 0, "unchanged": len(codes), "missing": 0},
            "version": version, "new": [], "changed": [], "unchanged": codes, "missing": []}


def _preview_identical(upload: LedgerUpload, same: LedgerUpload, fingerprint: dict
                       ) -> LedgerUpload:
    upload.fingerprint = {**fingerprint, "same_as": same.pk}
    upload.data_rows = same.data_rows
    upload.ignored_columns = same.ignored_columns
    upload.error_count = 0
    upload.errors = []
    upload.preview = _identical_preview(upload, ledger_version(upload.region))
    upload.status = UploadStatus.PREVIEW
    upload.save()
    return upload


def preview_of(diff: LedgerDiff, version: list, scope: str = UploadScope.FULL) -> dict:
    """The preview kept on the upload: counts, the changes field by field, what is missing.
    Adding or updating only, nothing is missing: the projects the file does not name stay,
    counted as `kept`."""
    counts = diff.counts()
    missing = diff.missing
    if scope == UploadScope.ADD_UPDATE:
        counts = {**counts, "missing": 0, "kept": len(diff.missing)}
        missing = []
    return {
        "counts": counts,
        "version": version,
        "new": [{"code": r.project_code, "name": r.name} for r in diff.new],
        "changed": [{"code": p.project_code, "name": r.name, "changes": c}
                    for p, r, c in diff.changed],
        # By code (the shortcut for an identical file lists them from the ledger, by code).
        "unchanged": sorted(r.project_code for _pk, r in diff.unchanged),
        "missing": [{"code": p.project_code, "name": p.name, "id": p.pk} for p in missing],
    }


def preview_outcomes(diff: LedgerDiff, as_of: date) -> dict:
    """What each new or changed row screens to, and the counts by verdict (issue 15):
    {"outcomes": {code: {verdict, disposition, failed, needs_info}}, "verdicts": {verdict: n}}.
    Informational: apply screens the rows again (the context may move meanwhile)."""
    if not diff.new and not diff.changed:
        return {"outcomes": {}, "verdicts": {}}
    _rule_set, screen_one = screener(as_of)
    outcomes: dict[str, dict] = {}
    verdicts: dict[str, int] = {}
    with gc_paused():
        for row in chain(diff.new, (row for _p, row, _c in diff.changed)):
            screening = screen_one(row)
            verdict = screening.verdict.value
            verdicts[verdict] = verdicts.get(verdict, 0) + 1
            outcomes[row.project_code] = {
                "verdict": verdict, "disposition": screening.disposition.value,
                "failed": [f.rule for f in screening.findings if f.outcome == "FAIL"],
                "needs_info": [f.rule for f in screening.findings
                               if f.outcome == "NEEDS_INFO"]}
    return {"outcomes": outcomes, "verdicts": verdicts}


def open_cases_of(projects: list[Project]) -> dict[str, dict]:
    """The open review case of each of these projects, by project code: {id, cycle, state}.
    The preview names them, so nobody removes a project under review unawares."""
    from screening.models import FINAL_STATES, ReviewCase

    codes = {p.pk: p.project_code for p in projects}
    ids = list(codes)
    found: dict[str, dict] = {}
    for start in range(0, len(ids), _CHUNK):
        for project_id, pk, cycle, state in (
                ReviewCase.objects.filter(project__id__in_array=ids[start:start + _CHUNK])
                .exclude(state__in=list(FINAL_STATES))
                .values_list("project_id", "pk", "cycle", "state")):
            found[codes[project_id]] = {"id": pk, "cycle": cycle, "state": state}
    return found


# --- The validated rows, kept from the preview to the confirmation --------------------------
# Confirming re-reads nothing when the rows validated at the preview are still what the file
# and the reference data give: the spool is signed (SECRET_KEY) and names the file's sha256
# and a digest of the reference data; anything else and the file is validated again.

SPOOL_FORMAT = 2


@dataclass(frozen=True, slots=True)
class KnownRow:
    """A validated row the spool keeps without its values: at the preview it was the stored
    project's row (same digest) with a current screening, so applying it needs none of them.
    Should it need them after all (the ledger or the context moved), the file is read again."""

    project_code: str
    region: str
    digest: str


_SPOOL_SALT = "screening.ledger.services.rows-spool"
_INPUT_FIELDS = [f.name for f in fields(ProjectInput)]
_DECIMAL_FIELDS = {c.key for c in COLUMNS if c.kind in (Kind.NUMBER, Kind.SIGNED_NUMBER)}
_DATE_FIELDS = {c.key for c in COLUMNS if c.kind is Kind.DATE}
_ENUM_FIELDS = {"sector": Sector, "construction_type": ConstructionType, "stage": Stage,
                "tech_class": TechClass}


def ledger_reference_with_digest(rule_set: RuleSet) -> tuple[LedgerReference, str]:
    """ledger_reference() and a digest of what it was built from (keys the rows spool)."""
    params = parameters_of(rule_set)
    regions = sorted((r.code, r.name, sorted(r.aliases))
                     for r in Region.objects.filter(is_project_region=True))
    products = sorted((spec.key, spec.family, spec.unit) for spec in params.products.values())
    # Products without a benchmark row (氧化铝) take any unit.
    products += sorted((key, family, None)
                       for key, family in params.products_without_benchmark.items())
    family_sectors = {family: sorted(sectors) for family, sectors in params.family_sectors.items()}
    digest = hashlib.sha256(orjson.dumps([regions, products, family_sectors],
                                         option=orjson.OPT_SORT_KEYS)).hexdigest()
    reference = LedgerReference.build(regions=regions, products=products,
                                      family_sectors=family_sectors)
    return reference, digest


def _spool_path(upload: LedgerUpload) -> Path:
    return Path(upload.file.path).with_suffix(".rows")


def _spool_header(upload: LedgerUpload, reference_digest: str, rows: int) -> dict:
    return {"format": SPOOL_FORMAT, "upload": upload.pk, "sha256": upload.sha256,
            "reference": reference_digest, "rows": rows}


def _spool_value(value):
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot spool {type(value).__name__}")


def _spool_mac():
    return salted_hmac(_SPOOL_SALT, b"", algorithm="sha256")


def _spool_line(number: int, row: ProjectInput, known: dict[str, str]) -> bytes:
    digest = known.get(row.project_code)
    if digest is not None:
        return orjson.dumps([number, row.project_code, row.region, digest])
    return orjson.dumps([number, *(getattr(row, name) for name in _INPUT_FIELDS)],
                        default=_spool_value)


def write_rows_spool(upload: LedgerUpload, reference_digest: str,
                     rows: list[tuple[int, ProjectInput]],
                     known: dict[str, str] | None = None) -> None:
    """Keep the validated rows next to the stored file: a header line, one JSON array per row
    (sheet row number, then the ProjectInput fields in order; for the codes in `known`, only
    code, region and the digest `known` gives: see KnownRow), and a signature line last."""
    known = known or {}
    mac = _spool_mac()
    with _spool_path(upload).open("wb") as spool:
        for line in chain(
            [orjson.dumps(_spool_header(upload, reference_digest, len(rows)))],
            (_spool_line(number, row, known) for number, row in rows),
        ):
            mac.update(line + b"\n")
            spool.write(line + b"\n")
        spool.write(mac.hexdigest().encode())


class _SpoolDecoder:
    """Spooled cells back to ProjectInput values. Values repeat a lot down a column (sectors,
    units, dates, references), so each column shares its equal values, as validation does."""

    def __init__(self) -> None:
        self.columns = [(index, name, {}) for index, name in enumerate(_INPUT_FIELDS, start=1)]

    def row(self, values: list) -> tuple[int, ProjectInput | KnownRow]:
        if len(values) == 4:
            return values[0], KnownRow(*values[1:])
        if len(values) != len(_INPUT_FIELDS) + 1:
            raise ValueError("a spooled row of the wrong length")
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
_INPUT_SETTERS = tuple(ProjectInput.__dict__[name].__set__ for name in _INPUT_FIELDS)


def _decode(name: str, value):
    if name in _DECIMAL_FIELDS:
        return Decimal(value)
    if name in _DATE_FIELDS:
        return date.fromisoformat(value)
    if name in _ENUM_FIELDS:
        return _ENUM_FIELDS[name](value)
    return value


def read_rows_spool(upload: LedgerUpload, reference_digest: str
                    ) -> list[tuple[int, ProjectInput | KnownRow]] | None:
    """The rows validated at the preview, or None when there are none that can be trusted
    for this upload, its stored file and the current reference data."""
    path = _spool_path(upload)
    if not path.is_file():
        return None
    data = path.read_bytes()
    signed_end = data.rfind(b"\n") + 1
    view = memoryview(data)  # slices of a view are not copies (the file can be 40 MB)
    mac = _spool_mac()
    mac.update(view[:signed_end])
    if not constant_time_compare(data[signed_end:], mac.hexdigest().encode()):
        return None
    header_end = data.index(b"\n")
    if orjson.loads(view[:header_end]) != _spool_header(
            upload, reference_digest, data.count(b"\n", header_end + 1)):
        return None
    decoder = _SpoolDecoder()
    rows = []
    start = header_end + 1
    while start < signed_end:
        end = data.index(b"\n", start)
        rows.append(decoder.row(orjson.loads(view[start:end])))
        start = end + 1
    return rows


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


_INFORMATIONAL = frozenset({"open_cases", "outcomes", "verdicts"})


def _without_open_cases(preview: dict) -> dict:
    """The preview as apply compares it: without what is only shown for information."""
    return {key: value for key, value in preview.items() if key not in _INFORMATIONAL}


def _validated_rows(upload: LedgerUpload, spool: bool = True
                    ) -> list[tuple[int, ProjectInput | KnownRow]]:
    """The file's rows as validated now: from the spool when it holds (unless `spool` is
    false), else read again (then every row is a ProjectInput)."""
    path = Path(upload.file.path)
    if _file_sha256(path) != upload.sha256:
        raise UploadRefused(_("The stored file is not the one that was uploaded; please upload "
                              "it again."))
    reference, reference_digest = ledger_reference_with_digest(rule_set_for(upload.as_of))
    rows = read_rows_spool(upload, reference_digest) if spool else None
    if rows is not None:
        return rows
    validation = validate_workbook(path, reference, limits_from_settings())
    if validation.errors or validation.header_errors:
        raise UploadRefused(_("The file no longer validates; please upload it again."))
    return validation.rows


# --- Apply ------------------------------------------------------------------------------------

# Only numbers and enumerations change when stored (_normalise); the other values go as they are.
_NORMALISED_AT = tuple(index for index, name in enumerate(LEDGER_FIELDS)
                       if name in _DECIMAL_FIELDS or name in _ENUM_FIELDS)


_NORMALISED: dict = {}  # value → _normalise(value): ledger numbers and enums repeat a lot


def _project_values(row: ProjectInput, region_id: int) -> dict:
    values = list(_ledger_values(row))
    normalised = _NORMALISED
    for index in _NORMALISED_AT:
        value = values[index]
        if value is not None:
            found = normalised.get(value)
            if found is None:
                found = _normalise(value)
                if value == value:  # never NaN (unequal to itself) as a key
                    if len(normalised) >= 65_536:
                        normalised.clear()
                    normalised[value] = found
            values[index] = found
    stored = dict(zip(LEDGER_FIELDS, values, strict=True))
    stored["region_id"] = region_id
    return stored


def _screening_values(screening) -> dict:
    return {"in_scope": screening.in_scope, "verdict": screening.verdict.value,
            "disposition": screening.disposition.value,
            "screened_rule_set": screening.rule_set, "screened_as_of": screening.as_of,
            "findings": findings_for_storage(screening)}


@transaction.atomic
def apply_upload(upload: LedgerUpload, user, missing_reasons: dict[str, tuple[str, str]],
                 progress=None) -> LedgerUpload:
    """Apply a previewed upload in one transaction: all of it or nothing.

    `missing_reasons` maps each missing project code to (reason, note). Uploads for one region
    are serialised by locking the region's row; the ledger must not have changed since the
    preview, or the user is asked to look again.
    """
    Region.objects.select_for_update().get(pk=upload.region_id)
    upload = LedgerUpload.objects.select_for_update().get(pk=upload.pk)
    if upload.status != UploadStatus.PREVIEW:
        raise UploadRefused(_("This upload cannot be applied now (status: %(status)s).") % {
            "status": upload.get_status_display()})
    if not permissions.may_confirm_upload(upload, user):
        raise UploadRefused(_("Only the person who uploaded the file can confirm it."))
    version = ledger_version(upload.region)
    stale = UploadRefused(_("The ledger of %(region)s changed after this preview was made. "
                            "Please upload the file again to see a fresh preview.") % {
        "region": upload.region.name})
    if version != upload.preview.get("version"):
        raise stale
    reference_digest = ledger_reference_with_digest(rule_set_for(upload.as_of))[1]
    fingerprint = file_fingerprint(upload, reference_digest)
    # New rows are screened while COPY streams the earlier ones: the registry (R14) is read first.
    rule_set, screen_one = screener(upload.as_of, read_registry_now=True)
    key_of = screening_keys(rule_set, upload.as_of, read_registry_now=True)
    # Open cases are shown for information, outside what confirming compares.
    confirmed = _without_open_cases(upload.preview)
    if upload.fingerprint.get("same_as"):
        # Previewed as identical to an applied upload: still so, or the user looks again.
        same = identical_applied_upload(upload, fingerprint)
        if same is None or same.pk != upload.fingerprint["same_as"] or _without_open_cases(
                _identical_preview(upload, version)) != confirmed:
            raise stale
        diff = LedgerDiff()
        counts = upload.preview["counts"]
    else:
        rows = _validated_rows(upload)
        if _region_errors(rows, upload):
            raise UploadRefused(_("The file no longer validates; please upload it again."))
        try:
            diff = _diff_with_values(upload, rows, key_of)
        except _ValuesNeeded:  # kept without values, needed after all: read the file again
            diff = _diff_with_values(upload, _validated_rows(upload, spool=False), key_of)
        if preview_of(diff, version, upload.scope) != confirmed:
            raise stale  # what is applied is exactly what the user confirmed
        counts = diff.counts()
        if upload.scope == UploadScope.ADD_UPDATE:  # nothing leaves the ledger
            counts = {**counts, "missing": 0, "kept": len(diff.missing)}
            diff.missing = []
    valid_reasons = set(RemovalReason.values)
    absent = sorted(p.project_code for p in diff.missing
                    if missing_reasons.get(p.project_code, ("", ""))[0] not in valid_reasons)
    if absent:
        raise UploadRefused(_("Give a reason for every project missing from the file "
                              "(%(count)d without a reason).") % {"count": len(absent)})
    region_ids = {r.code: r.pk for r in Region.objects.all()}
    now = timezone.now()
    digests = diff.digests
    history: list[dict] = []
    with gc_paused():
        # New projects go in whole (ledger values and screening) in one pass; their history
        # row only says they were created by this upload, whose file keeps the values.
        for start in range(0, len(diff.new), _CHUNK):
            batch = diff.new[start:start + _CHUNK]
            # A generator: each row is screened while PostgreSQL takes in the earlier ones.
            ids = _insert_rows(Project, (
                {**_project_values(row, region_ids[row.region]),
                 **_screening_values(screen_one(row)), "status": ProjectStatus.ACTIVE,
                 "row_digest": digests[row.project_code], "screening_key": key_of(row.region),
                 "last_upload_id": upload.pk, "created_at": now, "updated_at": now}
                for row in batch), count=len(batch))
            _insert_rows(ProjectChange, [
                {"project_id": pk, "upload_id": upload.pk, "kind": ChangeKind.CREATED,
                 "changes": {}, "changed_by_id": user.pk, "changed_at": now} for pk in ids])

        for project, row, changes in diff.changed:
            for name, value in _project_values(row, region_ids[row.region]).items():
                setattr(project, name, value)
            for name, value in _screening_values(screen_one(row)).items():
                setattr(project, name, value)
            project.row_digest = digests[row.project_code]
            project.screening_key = key_of(row.region)
            kind = (ChangeKind.RESTORED if project.status != ProjectStatus.ACTIVE
                    else ChangeKind.UPDATED)
            project.status = ProjectStatus.ACTIVE
            project.removal_reason = ""
            project.removal_note = ""
            project.last_upload_id = upload.pk
            project.updated_at = now
            history.append({"project_id": project.pk, "kind": kind, "changes": changes})
        _update_rows(Project, [p for p, _r, _c in diff.changed],
                     ["region", "status", "removal_reason", "removal_note", "last_upload",
                      "updated_at", *LEDGER_FIELDS, *SCREENING_FIELDS, *_FINGERPRINTS])

        # An unchanged project whose screening was made under this upload's key (rule set,
        # engine, region context, date) costs nothing; the others are screened again and
        # written only if their result moved (their new key and digest are kept either way).
        stale = _stale_screenings(diff, key_of)
        for start in range(0, len(stale), _CHUNK):
            _rescreen_unchanged(stale[start:start + _CHUNK], screen_one, key_of, digests)

    by_reason: dict[tuple[str, str], list[int]] = {}
    for project in diff.missing:
        reason, note = missing_reasons[project.project_code]
        note = (note or "")[:500]
        by_reason.setdefault((reason, note), []).append(project.pk)
        history.append({"project_id": project.pk, "kind": ChangeKind.REMOVED,
                        "changes": {"status": [ProjectStatus.ACTIVE, ProjectStatus.REMOVED]},
                        "reason": reason, "note": note})
    for (reason, note), ids in by_reason.items():
        for start in range(0, len(ids), _CHUNK):
            Project.objects.filter(pk__in_array=ids[start:start + _CHUNK]).update(
                status=ProjectStatus.REMOVED, removal_reason=reason, removal_note=note,
                last_upload=upload, updated_at=now)
    _insert_rows(ProjectChange, [{"upload_id": upload.pk, "changed_by_id": user.pk,
                                  "changed_at": now, **entry} for entry in history])

    upload.status = UploadStatus.APPLIED
    upload.applied_at = now
    upload.applied_by = user
    upload.progress = 100
    upload.summary = {**counts,
                      "screened": counts["new"] + counts["changed"] + counts["unchanged"]}
    # Kept so that the same file uploaded again can be previewed without reading it.
    upload.fingerprint = {**fingerprint, "ledger_after": ledger_version(upload.region)}
    upload.save()
    # Earlier previews of this region's ledger are now out of date, and so are their spools.
    superseded = LedgerUpload.objects.filter(
        region=upload.region, status=UploadStatus.PREVIEW).exclude(pk=upload.pk)
    spools = [_spool_path(u) for u in superseded if u.file] + [_spool_path(upload)]
    superseded.update(status=UploadStatus.SUPERSEDED)
    transaction.on_commit(lambda: [spool.unlink(missing_ok=True) for spool in spools])
    return upload


def _stale_screenings(diff: LedgerDiff, key_of) -> list[tuple[int, ProjectInput]]:
    """The unchanged rows whose stored screening is not this upload's (or whose digest is to
    be stored): screened again on apply."""
    return [(pk, row) for pk, row in diff.unchanged
            if diff.screening_keys[pk] != key_of(row.region) or pk in diff.digests_to_store]


def _diff_with_values(upload: LedgerUpload, rows, key_of) -> LedgerDiff:
    """compute_diff, making sure every row apply screens again has its values."""
    diff = compute_diff(upload.region, (row for _n, row in rows))
    if any(row.__class__ is KnownRow for _pk, row in _stale_screenings(diff, key_of)):
        raise _ValuesNeeded
    return diff


_STORED_SCREENING = ["in_scope", "verdict", "disposition", "screened_rule_set", "findings"]
_FINGERPRINTS = ["row_digest", "screening_key"]


def _rescreen_unchanged(batch: list[tuple[int, ProjectInput]], screen_one, key_of,
                        digests: dict[str, str]) -> None:
    stored = {pk: values for pk, *values in Project.objects.filter(
        pk__in_array=[pk for pk, _r in batch]).order_by().values_list("pk", *_STORED_SCREENING)}
    moved, kept = [], []
    for pk, row in batch:
        values = _screening_values(screen_one(row))
        fingerprints = {"row_digest": digests[row.project_code],
                        "screening_key": key_of(row.region)}
        if [values[name] for name in _STORED_SCREENING] != stored[pk]:
            moved.append(Project(pk=pk, **values, **fingerprints))
        else:
            kept.append(Project(pk=pk, **fingerprints))
    _update_rows(Project, moved, [*SCREENING_FIELDS, *_FINGERPRINTS])
    _update_rows(Project, kept, _FINGERPRINTS)


# --- Writing many rows: COPY on PostgreSQL, the ORM's bulk operations elsewhere ---------------

def _copy_statement(table: str, columns: list[str]) -> sql.Composed:
    return sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns)))


def _column_value(model_field, value):
    if value is not None and isinstance(model_field, models.JSONField):
        return orjson.dumps(value).decode()
    return value


def _insert_rows(model, rows: Iterable[dict], count: int | None = None) -> list[int]:
    """Insert rows given as {attname: value} (fields left out take their default); returns
    the new ids in order. `rows` may be a generator of `count` rows. PostgreSQL takes the ids
    from the table's sequence, then COPY, sent from a thread of psycopg's own (the queued
    writer) so the rows are made while the server stores the earlier ones."""
    count = len(rows) if count is None else count
    if not count:
        return []
    if connection.vendor != "postgresql":
        objects = [model(**row) for row in rows]
        model.objects.bulk_create(objects, batch_size=1000)
        if objects[0].pk is None:  # backends without RETURNING ids
            raise NotImplementedError("bulk_create did not return ids")
        return [obj.pk for obj in objects]
    meta = model._meta
    columns = [f for f in meta.concrete_fields if not f.primary_key]
    # What a field left out of a row takes: its default, else "" or NULL as the ORM would.
    absent = [f.get_default() if f.has_default() else
              "" if f.empty_strings_allowed and not f.null else None for f in columns]
    names = [f.attname for f in columns]
    json_at = [i for i, f in enumerate(columns) if isinstance(f, models.JSONField)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                       "FROM generate_series(1, %s)", [meta.db_table, meta.pk.column, count])
        ids = [pk for (pk,) in cursor.fetchall()]
        statement = _copy_statement(meta.db_table, [meta.pk.column, *(f.column for f in columns)])
        with cursor.cursor.copy(statement, writer=QueuedLibpqWriter(cursor.cursor)) as copy:
            for pk, row in zip(ids, rows, strict=True):
                values = [pk, *map(row.get, names, absent)]
                for index in json_at:  # +1: the id comes first
                    if values[index + 1] is not None:
                        values[index + 1] = orjson.dumps(values[index + 1]).decode()
                copy.write_row(values)
    return ids


def _update_rows(model, objects: list, names: list[str]) -> None:
    """bulk_update; on PostgreSQL one UPDATE … FROM a temporary table filled with COPY (the
    ORM's CASE WHEN per row and field is slow for thousands of rows)."""
    if not objects:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_update(objects, names, batch_size=500)
        return
    meta = model._meta
    columns = [meta.get_field(name) for name in names]
    table = sql.Identifier(meta.db_table)
    temp = sql.Identifier("ledger_update_rows")
    pk = sql.Identifier(meta.pk.column)
    column_names = sql.SQL(", ").join(sql.Identifier(f.column) for f in columns)
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("CREATE TEMPORARY TABLE {} ON COMMIT DROP AS SELECT {}, {} "
                               "FROM {} WITH NO DATA").format(temp, pk, column_names, table))
        statement = sql.SQL("COPY {} ({}, {}) FROM STDIN").format(temp, pk, column_names)
        with cursor.cursor.copy(statement) as copy:
            for obj in objects:
                copy.write_row([obj.pk, *(_column_value(f, getattr(obj, f.attname))
                                          for f in columns)])
        cursor.execute(sql.SQL("UPDATE {} AS t SET {} FROM {} AS u WHERE t.{} = u.{}").format(
            table, sql.SQL(", ").join(sql.SQL("{} = u.{}").format(sql.Identifier(f.column),
                                                                 sql.Identifier(f.column))
                                      for f in columns), temp, pk, pk))
        cursor.execute(sql.SQL("DROP TABLE {}").format(temp))


ROLLBACK_REASON_MAX = 1000


@transaction.atomic
def rollback_upload(upload: LedgerUpload, user, reason: str) -> LedgerUpload:
    """Undo an applied upload, restoring the projects it changed, if no later upload touched
    them. The reason is kept on the upload (its uploader sees it there) and the rollback is
    recorded in every project's history."""
    if not permissions.may_roll_back(user):
        raise UploadRefused(_("Only administrators and provincial reviewers may roll back "
                              "an upload."))
    reason = (reason or "").strip()
    if not reason:
        raise UploadRefused(_("Say why the upload is rolled back: the uploader will see it."))
    if len(reason) > ROLLBACK_REASON_MAX:
        raise UploadRefused(_("The reason may be at most %(n)s characters.") % {
            "n": ROLLBACK_REASON_MAX})
    Region.objects.select_for_update().get(pk=upload.region_id)
    upload = LedgerUpload.objects.select_for_update().get(pk=upload.pk)
    if upload.status != UploadStatus.APPLIED:
        raise UploadRefused(_("Only an applied upload can be rolled back."))
    changes = list(ProjectChange.objects.filter(upload=upload).select_related("project"))
    project_ids = [c.project_id for c in changes]
    later = ProjectChange.objects.filter(project_id__in=project_ids, id__gt=max(
        (c.id for c in changes), default=0)).exclude(upload=upload).exclude(
        upload__status=UploadStatus.ROLLED_BACK)  # undone uploads no longer count
    if later.exists():
        raise UploadRefused(_("A later change touched projects of this upload; roll back the "
                              "later upload first."))
    region_ids = {r.pk for r in Region.objects.all()}
    now = timezone.now()
    projects = []
    history = []
    for change in changes:
        project = change.project
        project.updated_at = now  # moves ledger_version: previews made before are stale
        undo: dict[str, list] = {}
        if change.kind == ChangeKind.CREATED:
            undo["status"] = [project.status, ProjectStatus.REMOVED]
            project.status = ProjectStatus.REMOVED
            project.removal_reason = RemovalReason.OTHER
            project.removal_note = _("upload rolled back")
        else:
            for name, (old, new) in change.changes.items():
                if name == "status":
                    project.status = old
                    if old == ProjectStatus.ACTIVE:
                        project.removal_reason = ""
                        project.removal_note = ""
                elif name == "region":
                    if old in region_ids:
                        project.region_id = old
                else:
                    setattr(project, name, _from_json(name, old))
                undo[name] = [new, old]
        projects.append(project)
        history.append(ProjectChange(project=project, upload=upload, kind=ChangeKind.ROLLED_BACK,
                                     changes=undo, changed_by=user))
    for project in projects:
        project.row_digest = ""  # the values went back: compare them in full next time
    Project.objects.bulk_update(projects, ["region", "status", "removal_reason", "removal_note",
                                           "updated_at", "row_digest", *LEDGER_FIELDS],
                                batch_size=500)
    ProjectChange.objects.bulk_create(history, batch_size=1000)
    from screening.screen import rescreen_projects

    rescreen_projects(Project.objects.filter(pk__in=project_ids).select_related("region"))
    upload.status = UploadStatus.ROLLED_BACK
    upload.rolled_back_at = timezone.now()
    upload.rolled_back_by = user
    upload.rollback_reason = reason
    upload.save()
    return upload


def _from_json(name: str, value):
    """A history value back to the model field's type."""
    if value is None:
        return None
    model_field = Project._meta.get_field(name)
    return model_field.to_python(value)
