"""What an upload would do, before it is confirmed: the preview, its screening outcomes, the
open cases of projects it touches, and the shortcut for a file identical to one applied
(issue 19)."""

from __future__ import annotations

import hashlib
from datetime import date
from itertools import chain

import orjson

from screening.ledger.diff import (
    CHUNK,
    LedgerDiff,
    allowed_region_codes,
    ledger_scope_ids,
    ledger_version,
)
from screening.ledger.digest import source_digest
from screening.ledger.uploads import limits_from_settings
from screening.models import (
    LedgerUpload,
    Project,
    ProjectStatus,
    Region,
    UploadScope,
    UploadStatus,
)
from screening.screen import (
    gc_paused,
    screener,
    screening_keys,
)

# --- An identical file again (issue 19) -------------------------------------------------------
# A file byte for byte the same as one applied before, validated against the same reference
# data, limits, validation code and regions, gives the same rows; if the ledger has not changed
# since that upload was applied, those rows are exactly the ledger, so the preview is "all
# unchanged" without reading the file. Its stored screenings must also be current (the same
# screening key), or the rows are read and screened again the ordinary way.


def file_fingerprint(upload: LedgerUpload, reference_digest: str) -> dict:
    """What validating this upload's file depends on besides its bytes."""
    return {
        "sha256": upload.sha256,
        "reference": reference_digest,
        "regions": sorted(allowed_region_codes(upload)),
        "limits": repr(limits_from_settings()),
        # The reader and validator, the engine's input types, and this module's checks.
        "code": source_digest("ledger/*.py", "ledger/xlsx/*.py", "rules/types.py"),
    }


def identical_applied_upload(upload: LedgerUpload, fingerprint: dict) -> LedgerUpload | None:
    """The applied upload of this region whose file and validation were the same and whose
    result is still the region's ledger, with screenings current on this upload's date."""
    # Only a full upload left the ledger exactly as its file (add or update keeps the others).
    same = (
        LedgerUpload.objects.filter(
            region_id=upload.region_id,
            sha256=upload.sha256,
            status=UploadStatus.APPLIED,
            scope=UploadScope.FULL,
        )
        .exclude(pk=upload.pk)
        .defer("preview", "errors")  # a preview can name 100,000 rows: not needed here
        .order_by("-applied_at", "-pk")
        .first()
    )
    if same is None or {k: same.fingerprint.get(k) for k in fingerprint} != fingerprint:
        return None
    if same.fingerprint.get("ledger_after") != ledger_version(upload.region):
        return None
    rule_set, _screen_one = screener(upload.as_of)
    key_of = screening_keys(rule_set, upload.as_of)
    for region in Region.objects.filter(id__in=ledger_scope_ids(upload.region)):
        if (
            Project.objects.filter(region=region, status=ProjectStatus.ACTIVE)
            .exclude(screening_key=key_of(region.code))
            .exists()
        ):
            return None
    return same


def identical_preview(upload: LedgerUpload, version: list) -> dict:
    codes = list(
        Project.objects.filter(
            region_id__in=ledger_scope_ids(upload.region), status=ProjectStatus.ACTIVE
        )
        .order_by("project_code")
        .values_list("project_code", flat=True)
    )
    return {
        "counts": {"new": 0, "changed": 0, "unchanged": len(codes), "missing": 0},
        "version": version,
        "new": [],
        "changed": [],
        "unchanged": codes,
        "missing": [],
    }


def preview_identical(upload: LedgerUpload, same: LedgerUpload, fingerprint: dict) -> LedgerUpload:
    upload.data_rows = same.data_rows
    upload.ignored_columns = same.ignored_columns
    upload.error_count = 0
    upload.errors = []
    upload.preview = identical_preview(upload, ledger_version(upload.region))
    upload.fingerprint = {
        **fingerprint,
        "same_as": same.pk,
        "confirm": confirmation(upload.preview),
    }
    upload.status = UploadStatus.PREVIEW
    upload.save()
    return upload


# Shown for information beside what the user confirms, outside what confirming compares.
INFORMATIONAL = frozenset({"open_cases", "outcomes", "verdicts"})


def confirmable(preview: dict) -> dict:
    """The preview as apply compares it: without what is only shown for information."""
    return {key: value for key, value in preview.items() if key not in INFORMATIONAL}


def confirmation(preview: dict) -> dict:
    """What apply needs of a preview, kept small beside it (a preview can list 100,000 rows):
    the ledger version it was made on, its counts, and a digest of what confirming compares."""
    return {
        "version": preview["version"],
        "counts": preview["counts"],
        "digest": confirmation_digest(preview),
    }


def confirmation_digest(preview: dict) -> str:
    payload = orjson.dumps(confirmable(preview), option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(payload).hexdigest()


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
        "changed": [
            {"code": p.project_code, "name": r.name, "changes": c} for p, r, c in diff.changed
        ],
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
    # Rows share few distinct outcomes: one dict for each (read only), not 100,000 copies.
    shared: dict[tuple, dict] = {}
    with gc_paused():
        for row in chain(diff.new, (row for _p, row, _c in diff.changed)):
            screening = screen_one(row)
            verdict = screening.verdict.value
            verdicts[verdict] = verdicts.get(verdict, 0) + 1
            key = (
                verdict,
                screening.disposition.value,
                tuple(f.rule for f in screening.findings if f.outcome == "FAIL"),
                tuple(f.rule for f in screening.findings if f.outcome == "NEEDS_INFO"),
            )
            outcome = shared.get(key)
            if outcome is None:
                outcome = shared[key] = {
                    "verdict": key[0],
                    "disposition": key[1],
                    "failed": list(key[2]),
                    "needs_info": list(key[3]),
                }
            outcomes[row.project_code] = outcome
    return {"outcomes": outcomes, "verdicts": verdicts}


def open_cases_of(projects: list[Project]) -> dict[str, dict]:
    """The open review case of each of these projects, by project code: {id, cycle, state}.
    The preview names them, so nobody removes a project under review unawares."""
    from screening.models import FINAL_STATES, ReviewCase

    codes = {p.pk: p.project_code for p in projects}
    ids = list(codes)
    found: dict[str, dict] = {}
    for start in range(0, len(ids), CHUNK):
        for project_id, pk, cycle, state in (
            ReviewCase.objects.filter(project__id__in_array=ids[start : start + CHUNK])
            .exclude(state__in=list(FINAL_STATES))
            .values_list("project_id", "pk", "cycle", "state")
        ):
            found[codes[project_id]] = {"id": pk, "cycle": cycle, "state": state}
    return found
