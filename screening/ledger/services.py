"""Ledger uploads: receive, validate, preview, apply (all or nothing) and roll back.

The file is read and validated by the framework-free code in `screening.ledger`; this module
adds what needs the database: the region's current ledger, the diff against it, the one
transaction that applies it, the history rows and the screening of every project.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from screening import permissions
from screening.ledger.bulk import insert_rows, update_rows
from screening.ledger.db_checks import checked_diff, region_errors
from screening.ledger.diff import (
    CHUNK,
    LEDGER_FIELDS,
    LedgerDiff,
    ValuesNeeded,
    compute_diff,
    ledger_version,
    stored_known_rows,
)
from screening.ledger.hints import hint_text, hint_to_dict
from screening.ledger.preview import (
    confirmation,
    confirmation_digest,
    file_fingerprint,
    identical_applied_upload,
    identical_preview,
    open_cases_of,
    preview_identical,
    preview_of,
    preview_outcomes,
)
from screening.ledger.spool import (
    ledger_reference_with_digest,
    read_rows_spool,
    spool_path,
    write_rows_spool,
)
from screening.ledger.stored import (
    FINGERPRINTS,
    project_values,
    rescreen_unchanged,
    stale_screenings,
)
from screening.ledger.uploads import limits_from_settings
from screening.ledger.xlsx.known_rows import KnownRow, KnownRows, raw_digest_salt
from screening.ledger.xlsx.reference import LedgerReference
from screening.ledger.xlsx.safety import UnsafeWorkbook
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
from screening.rules.types import ProjectInput
from screening.screen import (
    SCREENING_FIELDS,
    gc_paused,
    rule_set_for,
    screener,
    screening_keys,
    screening_values,
)

ERRORS_KEPT_ON_PAGE = 2000


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
    return {
        "row": error.row,
        "column": error.column,
        "value": error.value,
        "message_zh": error.message_zh,
        "message_en": error.message_en,
    }


# --- The steps of an upload -----------------------------------------------------------------


def receive_upload(
    user,
    region: Region,
    uploaded: File,
    original_name: str,
    as_of: date | None = None,
    scope: str = UploadScope.FULL,
) -> LedgerUpload:
    """Keep the uploaded file (privately) and record the upload; nothing is validated yet.
    `scope`: a full ledger (missing projects leave it) or add or update only."""
    if scope not in UploadScope.values:
        raise UploadRefused(_("Choose what the upload does: a full ledger, or add or update only."))
    if not permissions.can_upload_ledger(user, region):
        raise UploadRefused(
            _("You may not upload a ledger for %(region)s.") % {"region": region.name}
        )
    size = getattr(uploaded, "size", None) or 0
    if size > settings.LEDGER_MAX_FILE_BYTES:
        raise UploadRefused(
            _("The file is larger than %(mb)d MB.")
            % {"mb": settings.LEDGER_MAX_FILE_BYTES // 1_000_000}
        )
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    upload = LedgerUpload(
        region=region,
        uploaded_by=user,
        original_name=original_name[:255],
        sha256=digest.hexdigest(),
        size=size,
        as_of=as_of or timezone.localdate(),
        scope=scope,
    )
    # Stored under a generated name: never the file's own name on disk.
    upload.file.save(
        f"{digest.hexdigest()[:16]}-{timezone.now():%Y%m%d%H%M%S%f}.xlsx", uploaded, save=False
    )
    upload.save()
    return upload


def validate_upload(upload: LedgerUpload, progress=None) -> LedgerUpload:
    """Validate the stored file; record errors (with the annotated workbook) or the preview."""
    from screening.ledger.xlsx.annotate import write_annotated_workbook

    rule_set = rule_set_for(upload.as_of)
    LedgerUpload.objects.filter(pk=upload.pk).update(status=UploadStatus.VALIDATING)
    path = Path(upload.file.path)
    reference, reference_digest = ledger_reference_with_digest(rule_set)
    fingerprint = file_fingerprint(upload, reference_digest)
    if (same := identical_applied_upload(upload, fingerprint)) is not None:
        return preview_identical(upload, same, fingerprint)
    key_of = screening_keys(rule_set, upload.as_of)
    salt = raw_digest_salt(reference_digest)
    known_rows = stored_known_rows(upload.region, key_of, salt)
    try:
        validation = validate_workbook(path, reference, limits_from_settings(), known_rows)
        try:
            diff = checked_diff(validation, upload)
        except ValuesNeeded:  # a known row's project changed meanwhile: validate every row
            known_rows = KnownRows(salt, {})
            validation = validate_workbook(path, reference, limits_from_settings(), known_rows)
            diff = checked_diff(validation, upload)
    except UnsafeWorkbook as refusal:
        upload.status = UploadStatus.REFUSED
        upload.message = refusal.message_en if lang() == "en" else refusal.message_zh
        upload.errors = [
            {
                "row": None,
                "column": "",
                "value": "",
                "code": refusal.code,
                "not_xlsx": refusal.not_xlsx,
                "message_zh": refusal.message_zh,
                "message_en": refusal.message_en,
            }
        ]
        upload.save()
        return upload
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
        write_annotated_workbook(
            path,
            validation,
            annotated,
            lang(),
            hints=[hint_text(hint) for hint in validation.hints],
        )
        with annotated.open("rb") as handle:
            upload.annotated_file.save(annotated.name, File(handle), save=False)
        annotated.unlink(missing_ok=True)
        upload.save()
        return upload
    known = {
        row.project_code: diff.digests[row.project_code]
        for pk, row in diff.unchanged
        if diff.screening_keys[pk] == key_of(row.region) and pk not in diff.digests_to_store
    }
    write_rows_spool(upload, reference_digest, validation.rows, known, known_rows.digests)
    upload.preview = preview_of(diff, ledger_version(upload.region), upload.scope)
    upload.fingerprint = {"confirm": confirmation(upload.preview)}
    # Not part of what apply compares: a case moving on meanwhile does not stale the preview.
    upload.preview["open_cases"] = open_cases_of(
        diff.missing if upload.scope == UploadScope.FULL else []
    )
    # Nor is what the rows would screen to (shown so the user sees it before confirming).
    upload.preview.update(preview_outcomes(diff, upload.as_of))
    upload.status = UploadStatus.PREVIEW
    upload.errors = []
    upload.save()
    return upload


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _confirmed(upload: LedgerUpload) -> dict:
    """confirmation() of the upload's preview: kept in its fingerprint since issue 19's memory
    work; a preview made before is read whole (once, by the deploy's first confirmations)."""
    kept = upload.fingerprint.get("confirm")
    if kept is not None:
        return kept
    preview = LedgerUpload.objects.values_list("preview", flat=True).get(pk=upload.pk)
    return confirmation(preview) if preview.get("version") is not None else {"version": None}


def _validated_rows(
    upload: LedgerUpload, spool: bool = True, raw_digests: dict[str, str] | None = None
) -> list[tuple[int, ProjectInput | KnownRow]]:
    """The file's rows as validated now: from the spool when it holds (unless `spool` is
    false), else read again (then every row is a ProjectInput). `raw_digests`, when given,
    is filled with the rows' raw digests by code."""
    path = Path(upload.file.path)
    if _file_sha256(path) != upload.sha256:
        raise UploadRefused(
            _("The stored file is not the one that was uploaded; please upload it again.")
        )
    raw_digests = {} if raw_digests is None else raw_digests
    reference, reference_digest = ledger_reference_with_digest(rule_set_for(upload.as_of))
    rows = read_rows_spool(upload, reference_digest, raw_digests) if spool else None
    if rows is not None:
        return rows
    known_rows = KnownRows(raw_digest_salt(reference_digest), {})
    validation = validate_workbook(path, reference, limits_from_settings(), known_rows)
    if validation.errors or validation.header_errors:
        raise UploadRefused(_("The file no longer validates; please upload it again."))
    raw_digests.clear()
    raw_digests.update(known_rows.digests)
    return validation.rows


# --- Apply ------------------------------------------------------------------------------------


@transaction.atomic
def apply_upload(
    upload: LedgerUpload, user, missing_reasons: dict[str, tuple[str, str]], progress=None
) -> LedgerUpload:
    """Apply a previewed upload in one transaction: all of it or nothing.

    `missing_reasons` maps each missing project code to (reason, note). Uploads for one region
    are serialised by locking the region's row; the ledger must not have changed since the
    preview, or the user is asked to look again.
    """
    Region.objects.select_for_update().get(pk=upload.region_id)
    # Without its preview (it can list 100,000 rows): its confirmation is in the fingerprint.
    upload = LedgerUpload.objects.select_for_update().defer("preview").get(pk=upload.pk)
    if upload.status != UploadStatus.PREVIEW:
        raise UploadRefused(
            _("This upload cannot be applied now (status: %(status)s).")
            % {"status": upload.get_status_display()}
        )
    if not permissions.may_confirm_upload(upload, user):
        raise UploadRefused(_("Only the person who uploaded the file can confirm it."))
    version = ledger_version(upload.region)
    stale = UploadRefused(
        _(
            "The ledger of %(region)s changed after this preview was made. "
            "Please upload the file again to see a fresh preview."
        )
        % {"region": upload.region.name}
    )
    confirmed = _confirmed(upload)
    if version != confirmed["version"]:
        raise stale
    reference_digest = ledger_reference_with_digest(rule_set_for(upload.as_of))[1]
    fingerprint = file_fingerprint(upload, reference_digest)
    # New rows are screened while COPY streams the earlier ones: the registry (R14) is read first.
    rule_set, screen_one = screener(upload.as_of, read_registry_now=True)
    key_of = screening_keys(rule_set, upload.as_of, read_registry_now=True)
    raw_digests: dict[str, str] = {}  # each row's raw digest, by code (none for an identical file)
    if upload.fingerprint.get("same_as"):
        # Previewed as identical to an applied upload: still so, or the user looks again.
        same = identical_applied_upload(upload, fingerprint)
        if (
            same is None
            or same.pk != upload.fingerprint["same_as"]
            or confirmation_digest(identical_preview(upload, version)) != confirmed["digest"]
        ):
            raise stale
        diff = LedgerDiff()
        counts = confirmed["counts"]
    else:
        rows = _validated_rows(upload, raw_digests=raw_digests)
        if region_errors(rows, upload):
            raise UploadRefused(_("The file no longer validates; please upload it again."))
        try:
            diff = _diff_with_values(upload, rows, key_of)
        except ValuesNeeded:  # kept without values, needed after all: read the file again
            rows = _validated_rows(upload, spool=False, raw_digests=raw_digests)
            diff = _diff_with_values(upload, rows, key_of)
        if confirmation_digest(preview_of(diff, version, upload.scope)) != confirmed["digest"]:
            raise stale  # what is applied is exactly what the user confirmed
        counts = diff.counts()
        if upload.scope == UploadScope.ADD_UPDATE:  # nothing leaves the ledger
            counts = {**counts, "missing": 0, "kept": len(diff.missing)}
            diff.missing = []
    valid_reasons = set(RemovalReason.values)
    absent = sorted(
        p.project_code
        for p in diff.missing
        if missing_reasons.get(p.project_code, ("", ""))[0] not in valid_reasons
    )
    if absent:
        raise UploadRefused(
            _("Give a reason for every project missing from the file (%(count)d without a reason).")
            % {"count": len(absent)}
        )
    region_ids = {r.code: r.pk for r in Region.objects.all()}
    now = timezone.now()
    digests = diff.digests
    history: list[dict] = []
    with gc_paused():
        # New projects go in whole (ledger values and screening) in one pass; their history
        # row only says they were created by this upload, whose file keeps the values.
        for start in range(0, len(diff.new), CHUNK):
            batch = diff.new[start : start + CHUNK]
            # A generator: each row is screened while PostgreSQL takes in the earlier ones.
            ids = insert_rows(
                Project,
                (
                    {
                        **project_values(row, region_ids[row.region]),
                        **screening_values(screen_one(row)),
                        "status": ProjectStatus.ACTIVE,
                        "row_digest": digests[row.project_code],
                        "raw_digest": raw_digests.get(row.project_code, ""),
                        "screening_key": key_of(row.region),
                        "last_upload_id": upload.pk,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for row in batch
                ),
                count=len(batch),
            )
            insert_rows(
                ProjectChange,
                [
                    {
                        "project_id": pk,
                        "upload_id": upload.pk,
                        "kind": ChangeKind.CREATED,
                        "changes": {},
                        "changed_by_id": user.pk,
                        "changed_at": now,
                    }
                    for pk in ids
                ],
            )

        for project, row, changes in diff.changed:
            for name, value in project_values(row, region_ids[row.region]).items():
                setattr(project, name, value)
            for name, value in screening_values(screen_one(row)).items():
                setattr(project, name, value)
            project.row_digest = digests[row.project_code]
            project.raw_digest = raw_digests.get(row.project_code, "")
            project.screening_key = key_of(row.region)
            kind = (
                ChangeKind.RESTORED
                if project.status != ProjectStatus.ACTIVE
                else ChangeKind.UPDATED
            )
            project.status = ProjectStatus.ACTIVE
            project.removal_reason = ""
            project.removal_note = ""
            project.last_upload_id = upload.pk
            project.updated_at = now
            history.append({"project_id": project.pk, "kind": kind, "changes": changes})
        update_rows(
            Project,
            [p for p, _r, _c in diff.changed],
            [
                "region",
                "status",
                "removal_reason",
                "removal_note",
                "last_upload",
                "updated_at",
                *LEDGER_FIELDS,
                *SCREENING_FIELDS,
                *FINGERPRINTS,
                "raw_digest",
            ],
        )

        # An unchanged project whose screening was made under this upload's key (rule set,
        # engine, region context, date) costs nothing; the others are screened again and
        # written only if their result moved (their new key and digest are kept either way).
        stale = stale_screenings(diff, key_of)
        for start in range(0, len(stale), CHUNK):
            rescreen_unchanged(stale[start : start + CHUNK], screen_one, key_of, digests)
        # Unchanged rows whose cells were written otherwise (a file saved again, a number typed
        # as text): their raw digest is kept, so next month the same cells are known at once.
        update_rows(
            Project,
            [
                Project(pk=pk, raw_digest=raw)
                for pk, row in diff.unchanged
                if (raw := raw_digests.get(row.project_code, "")) != diff.stored_raw_digests[pk]
                and raw
            ],
            ["raw_digest"],
        )

    by_reason: dict[tuple[str, str], list[int]] = {}
    for project in diff.missing:
        reason, note = missing_reasons[project.project_code]
        note = (note or "")[:500]
        by_reason.setdefault((reason, note), []).append(project.pk)
        history.append(
            {
                "project_id": project.pk,
                "kind": ChangeKind.REMOVED,
                "changes": {"status": [ProjectStatus.ACTIVE, ProjectStatus.REMOVED]},
                "reason": reason,
                "note": note,
            }
        )
    for (reason, note), ids in by_reason.items():
        for start in range(0, len(ids), CHUNK):
            Project.objects.filter(pk__in_array=ids[start : start + CHUNK]).update(
                status=ProjectStatus.REMOVED,
                removal_reason=reason,
                removal_note=note,
                last_upload=upload,
                updated_at=now,
            )
    insert_rows(
        ProjectChange,
        [
            {"upload_id": upload.pk, "changed_by_id": user.pk, "changed_at": now, **entry}
            for entry in history
        ],
    )

    upload.status = UploadStatus.APPLIED
    upload.applied_at = now
    upload.applied_by = user
    upload.progress = 100
    upload.summary = {**counts, "screened": counts["new"] + counts["changed"] + counts["unchanged"]}
    # Kept so that the same file uploaded again can be previewed without reading it.
    upload.fingerprint = {**fingerprint, "ledger_after": ledger_version(upload.region)}
    upload.save()
    # Earlier previews of this region's ledger are now out of date, and so are their spools.
    superseded = LedgerUpload.objects.filter(
        region=upload.region, status=UploadStatus.PREVIEW
    ).exclude(pk=upload.pk)
    spools = [spool_path(u) for u in superseded if u.file] + [spool_path(upload)]
    superseded.update(status=UploadStatus.SUPERSEDED)
    transaction.on_commit(lambda: [spool.unlink(missing_ok=True) for spool in spools])
    return upload


def _diff_with_values(upload: LedgerUpload, rows, key_of) -> LedgerDiff:
    """compute_diff, making sure every row apply screens again has its values."""
    diff = compute_diff(upload.region, (row for _n, row in rows))
    if any(row.__class__ is KnownRow for _pk, row in stale_screenings(diff, key_of)):
        raise ValuesNeeded
    return diff
