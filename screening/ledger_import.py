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
from pathlib import Path

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from . import permissions
from .ledger.reference import LedgerReference
from .ledger.safety import Limits, UnsafeWorkbook
from .ledger.validate import CellError, LedgerValidation, validate_workbook
from .models import (
    ChangeKind,
    LedgerUpload,
    Project,
    ProjectChange,
    ProjectStatus,
    Region,
    RemovalReason,
    RuleSet,
    UploadStatus,
)
from .models.ledger import NUMBER_DECIMAL_PLACES
from .rules.types import ProjectInput
from .screen import findings_for_storage, parameters_of, rule_set_for, screen_inputs

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


def limits_from_settings() -> Limits:
    return Limits(
        max_file_bytes=settings.LEDGER_MAX_FILE_BYTES,
        max_total_uncompressed_bytes=settings.LEDGER_MAX_UNCOMPRESSED_BYTES,
        max_member_ratio=settings.LEDGER_MAX_RATIO,
        max_members=settings.LEDGER_MAX_MEMBERS,
        max_data_rows=settings.LEDGER_MAX_ROWS,
        max_header_columns=settings.LEDGER_MAX_COLUMNS,
    )


def ledger_reference(rule_set: RuleSet) -> LedgerReference:
    """What validation needs from the database: project regions and the rule set's products."""
    params = parameters_of(rule_set)
    regions = [(r.code, r.name, list(r.aliases))
               for r in Region.objects.filter(is_project_region=True)]
    products = [(spec.key, spec.family, spec.unit) for spec in params.products.values()]
    return LedgerReference.build(regions=regions, products=products,
                                 family_sectors=dict(params.family_sectors))


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


@dataclass
class LedgerDiff:
    """What applying a validated file would do to the region's ledger."""

    new: list[ProjectInput] = field(default_factory=list)
    changed: list[tuple[Project, ProjectInput, dict]] = field(default_factory=list)
    unchanged: list[tuple[Project, ProjectInput]] = field(default_factory=list)
    missing: list[Project] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {"new": len(self.new), "changed": len(self.changed),
                "unchanged": len(self.unchanged), "missing": len(self.missing)}


def ledger_scope_ids(region: Region) -> frozenset[int]:
    """The region and the regions that report to it: whose projects make up its ledger."""
    return permissions.region_scope_ids(region)


def compute_diff(region: Region, rows: Iterable[ProjectInput]) -> LedgerDiff:
    rows = list(rows)
    region_ids = {r.code: r.pk for r in Region.objects.all()}
    codes = [row.project_code for row in rows]
    existing: dict[str, Project] = {}
    for start in range(0, len(codes), 5000):
        for project in Project.objects.filter(project_code__in=codes[start:start + 5000]):
            existing[project.project_code] = project
    diff = LedgerDiff()
    for row in rows:
        project = existing.get(row.project_code)
        if project is None:
            diff.new.append(row)
            continue
        changes = field_changes(project, row, region_ids[row.region])
        if project.status != ProjectStatus.ACTIVE:
            changes["status"] = [project.status, ProjectStatus.ACTIVE]
        if changes:
            diff.changed.append((project, row, changes))
        else:
            diff.unchanged.append((project, row))
    in_file = set(codes)
    diff.missing = list(
        Project.objects.filter(region_id__in=ledger_scope_ids(region),
                               status=ProjectStatus.ACTIVE)
        .exclude(project_code__in=in_file).order_by("project_code")
    ) if len(in_file) < 50_000 else [
        p for p in Project.objects.filter(region_id__in=ledger_scope_ids(region),
                                          status=ProjectStatus.ACTIVE).order_by("project_code")
        if p.project_code not in in_file
    ]
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
                   as_of: date | None = None) -> LedgerUpload:
    """Keep the uploaded file (privately) and record the upload; nothing is validated yet."""
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
                          as_of=as_of or timezone.localdate())
    # Stored under a generated name: never the file's own name on disk.
    upload.file.save(f"{digest.hexdigest()[:16]}-{timezone.now():%Y%m%d%H%M%S%f}.xlsx",
                     uploaded, save=False)
    upload.save()
    return upload


def _region_errors(validation: LedgerValidation, upload: LedgerUpload) -> list[CellError]:
    """Rows of regions outside the upload's ledger, and codes registered in another region."""
    allowed = {r.code for r in Region.objects.filter(id__in=ledger_scope_ids(upload.region))}
    user_scope = permissions.scope_region_ids(upload.uploaded_by)
    allowed &= {r.code for r in Region.objects.filter(id__in=user_scope)}
    errors: list[CellError] = []
    codes = [row.project_code for _n, row in validation.rows]
    elsewhere: dict[str, str] = {}
    for start in range(0, len(codes), 5000):
        for code, region_code, region_name in Project.objects.filter(
            project_code__in=codes[start:start + 5000]
        ).values_list("project_code", "region__code", "region__name"):
            if region_code not in allowed:
                elsewhere[code] = region_name
    for row_number, row in validation.rows:
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
                message_zh=f"该项目代码已登记在{elsewhere[row.project_code]}的台账中",
                message_en=f"this project code is already registered in the ledger of "
                           f"{elsewhere[row.project_code]}",
            ))
    return errors


def validate_upload(upload: LedgerUpload, progress=None) -> LedgerUpload:
    """Validate the stored file; record errors (with the annotated workbook) or the preview."""
    from .ledger.annotate import write_annotated_workbook

    rule_set = rule_set_for(upload.as_of)
    LedgerUpload.objects.filter(pk=upload.pk).update(status=UploadStatus.VALIDATING)
    path = Path(upload.file.path)
    try:
        validation = validate_workbook(path, ledger_reference(rule_set),
                                       limits_from_settings())
    except UnsafeWorkbook as refusal:
        upload.status = UploadStatus.REFUSED
        upload.message = refusal.message_en if lang() == "en" else refusal.message_zh
        upload.errors = [{"row": None, "column": "", "value": "",
                          "message_zh": refusal.message_zh, "message_en": refusal.message_en}]
        upload.save()
        return upload
    extra = _region_errors(validation, upload) if not validation.header_errors else []
    bad_rows = {e.row for e in extra}
    if extra:
        validation.errors = sorted([*validation.errors, *extra], key=lambda e: (e.row, e.column))
        validation.rows = [(n, r) for n, r in validation.rows if n not in bad_rows]
    all_errors = [*validation.header_errors, *validation.errors]
    upload.data_rows = len(validation.rows) + len({e.row for e in validation.errors})
    upload.ignored_columns = list(validation.ignored_columns)
    upload.error_count = len(all_errors)
    if all_errors:
        upload.status = UploadStatus.INVALID
        upload.errors = [error_to_dict(e) for e in all_errors[:ERRORS_KEPT_ON_PAGE]]
        annotated = path.with_name(path.stem + "-annotated.xlsx")
        write_annotated_workbook(path, validation, annotated, lang())
        with annotated.open("rb") as handle:
            upload.annotated_file.save(annotated.name, File(handle), save=False)
        annotated.unlink(missing_ok=True)
        upload.save()
        return upload
    diff = compute_diff(upload.region, (row for _n, row in validation.rows))
    upload.preview = preview_of(diff, ledger_version(upload.region))
    upload.status = UploadStatus.PREVIEW
    upload.errors = []
    upload.save()
    return upload


def preview_of(diff: LedgerDiff, version: list) -> dict:
    """The preview kept on the upload: counts, the changes field by field, what is missing."""
    return {
        "counts": diff.counts(),
        "version": version,
        "new": [{"code": r.project_code, "name": r.name} for r in diff.new],
        "changed": [{"code": p.project_code, "name": r.name, "changes": c}
                    for p, r, c in diff.changed],
        "unchanged": [p.project_code for p, _r in diff.unchanged],
        "missing": [{"code": p.project_code, "name": p.name, "id": p.pk} for p in diff.missing],
    }


def _project_values(row: ProjectInput, region_id: int) -> dict:
    values = {name: _normalise(getattr(row, name)) for name in LEDGER_FIELDS}
    values["region_id"] = region_id
    return values


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
    if user.pk != upload.uploaded_by_id or not permissions.can_upload_ledger(user, upload.region):
        raise UploadRefused(_("Only the person who uploaded the file can confirm it."))
    if ledger_version(upload.region) != upload.preview.get("version"):
        raise UploadRefused(_("The ledger of %(region)s changed after this preview was made. "
                              "Please upload the file again to see a fresh preview.") % {
            "region": upload.region.name})
    validation = validate_workbook(Path(upload.file.path), ledger_reference(
        rule_set_for(upload.as_of)), limits_from_settings())
    if validation.errors or validation.header_errors or _region_errors(validation, upload):
        raise UploadRefused(_("The file no longer validates; please upload it again."))
    diff = compute_diff(upload.region, (row for _n, row in validation.rows))
    missing_codes = {p.project_code for p in diff.missing}
    valid_reasons = set(RemovalReason.values)
    absent = sorted(code for code in missing_codes
                    if missing_reasons.get(code, ("", ""))[0] not in valid_reasons)
    if absent:
        raise UploadRefused(_("Give a reason for every project missing from the file "
                              "(%(count)d without a reason).") % {"count": len(absent)})
    region_ids = {r.code: r.pk for r in Region.objects.all()}
    now = timezone.now()

    new_projects = [Project(**_project_values(row, region_ids[row.region]), last_upload=upload)
                    for row in diff.new]
    Project.objects.bulk_create(new_projects, batch_size=1000)
    if new_projects and new_projects[0].pk is None:  # backends without RETURNING ids
        by_code = dict(Project.objects.filter(
            project_code__in=[p.project_code for p in new_projects]
        ).values_list("project_code", "pk"))
        for project in new_projects:
            project.pk = by_code[project.project_code]
    history = [ProjectChange(project=p, upload=upload, kind=ChangeKind.CREATED, changed_by=user,
                             changes={k: [None, _json(v)] for k, v in _project_values(
                                 row, region_ids[row.region]).items() if v is not None})
               for p, row in zip(new_projects, diff.new, strict=True)]

    changed_projects = []
    for project, row, changes in diff.changed:
        for name, value in _project_values(row, region_ids[row.region]).items():
            setattr(project, name, value)
        kind = ChangeKind.RESTORED if project.status != ProjectStatus.ACTIVE else ChangeKind.UPDATED
        project.status = ProjectStatus.ACTIVE
        project.removal_reason = ""
        project.removal_note = ""
        project.last_upload = upload
        project.updated_at = now
        changed_projects.append(project)
        history.append(ProjectChange(project=project, upload=upload, kind=kind, changes=changes,
                                     changed_by=user))
    for project in diff.missing:
        reason, note = missing_reasons[project.project_code]
        project.status = ProjectStatus.REMOVED
        project.removal_reason = reason
        project.removal_note = (note or "")[:500]
        project.last_upload = upload
        project.updated_at = now
        changed_projects.append(project)
        history.append(ProjectChange(project=project, upload=upload, kind=ChangeKind.REMOVED,
                                     changes={"status": [ProjectStatus.ACTIVE,
                                                         ProjectStatus.REMOVED]},
                                     reason=reason, note=(note or "")[:500], changed_by=user))

    # Screen every project of the file; unchanged ones are written only if their result moved.
    in_file = [*new_projects, *(p for p, _r, _c in diff.changed), *(p for p, _r in diff.unchanged)]
    rows = [*diff.new, *(r for _p, r, _c in diff.changed), *(r for _p, r in diff.unchanged)]
    _rule_set, screenings = screen_inputs(rows, upload.as_of)
    unchanged_ids = {p.pk for p, _r in diff.unchanged}
    rescreened = []
    for project, screening in zip(in_file, screenings, strict=True):
        stored = (project.in_scope, project.verdict, project.disposition,
                  project.screened_rule_set, project.findings)
        _store(project, screening)
        if project.pk in unchanged_ids:
            if stored != (project.in_scope, project.verdict, project.disposition,
                          project.screened_rule_set, project.findings):
                rescreened.append(project)
    changed_fields = ["region", "status", "removal_reason", "removal_note", "last_upload",
                      "updated_at", *LEDGER_FIELDS, *SCREENING_FIELDS]
    Project.objects.bulk_update([*changed_projects], changed_fields, batch_size=500)
    Project.objects.bulk_update(new_projects, SCREENING_FIELDS, batch_size=1000)
    Project.objects.bulk_update(rescreened, SCREENING_FIELDS, batch_size=1000)
    ProjectChange.objects.bulk_create(history, batch_size=1000)

    upload.status = UploadStatus.APPLIED
    upload.applied_at = now
    upload.applied_by = user
    upload.progress = 100
    upload.summary = {**diff.counts(), "screened": len(in_file)}
    upload.save()
    # Earlier previews of this region's ledger are now out of date.
    LedgerUpload.objects.filter(region=upload.region, status=UploadStatus.PREVIEW).exclude(
        pk=upload.pk).update(status=UploadStatus.SUPERSEDED)
    return upload


def _store(project: Project, screening) -> None:
    project.in_scope = screening.in_scope
    project.verdict = screening.verdict.value
    project.disposition = screening.disposition.value
    project.screened_rule_set = screening.rule_set
    project.screened_as_of = screening.as_of
    project.findings = findings_for_storage(screening)


def may_roll_back(user) -> bool:
    from accounts.models import Role

    return user.is_administrator or (user.role == Role.PROVINCIAL_REVIEWER
                                     and permissions.is_province_user(user))


@transaction.atomic
def rollback_upload(upload: LedgerUpload, user) -> LedgerUpload:
    """Undo an applied upload, restoring the projects it changed, if no later upload touched
    them. The rollback is recorded in every project's history."""
    if not may_roll_back(user):
        raise UploadRefused(_("Only administrators and provincial reviewers may roll back "
                              "an upload."))
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
    projects = []
    history = []
    for change in changes:
        project = change.project
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
    Project.objects.bulk_update(projects, ["region", "status", "removal_reason", "removal_note",
                                           *LEDGER_FIELDS], batch_size=500)
    ProjectChange.objects.bulk_create(history, batch_size=1000)
    from .screen import rescreen_projects

    rescreen_projects(Project.objects.filter(pk__in=project_ids).select_related("region"))
    upload.status = UploadStatus.ROLLED_BACK
    upload.rolled_back_at = timezone.now()
    upload.rolled_back_by = user
    upload.save()
    return upload


def _from_json(name: str, value):
    """A history value back to the model field's type."""
    if value is None:
        return None
    model_field = Project._meta.get_field(name)
    return model_field.to_python(value)
