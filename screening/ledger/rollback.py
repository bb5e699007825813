"""Rolling an applied upload back: the ledger as it was before it, with the reason kept."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from screening import permissions
from screening.ledger.diff import LEDGER_FIELDS
from screening.ledger.services import UploadRefused
from screening.models import (
    ChangeKind,
    LedgerUpload,
    Project,
    ProjectChange,
    ProjectStatus,
    Region,
    RemovalReason,
    UploadStatus,
)

ROLLBACK_REASON_MAX = 1000


@transaction.atomic
def rollback_upload(upload: LedgerUpload, user, reason: str) -> LedgerUpload:
    """Undo an applied upload, restoring the projects it changed, if no later upload touched
    them. The reason is kept on the upload (its uploader sees it there) and the rollback is
    recorded in every project's history."""
    if not permissions.may_roll_back(user):
        raise UploadRefused(
            _("Only administrators and provincial reviewers may roll back an upload.")
        )
    reason = (reason or "").strip()
    if not reason:
        raise UploadRefused(_("Say why the upload is rolled back: the uploader will see it."))
    if len(reason) > ROLLBACK_REASON_MAX:
        raise UploadRefused(
            _("The reason may be at most %(n)s characters.") % {"n": ROLLBACK_REASON_MAX}
        )
    Region.objects.select_for_update().get(pk=upload.region_id)
    upload = LedgerUpload.objects.select_for_update().get(pk=upload.pk)
    if upload.status != UploadStatus.APPLIED:
        raise UploadRefused(_("Only an applied upload can be rolled back."))
    changes = list(ProjectChange.objects.filter(upload=upload).select_related("project"))
    project_ids = [c.project_id for c in changes]
    later = (
        ProjectChange.objects.filter(
            project_id__in=project_ids, id__gt=max((c.id for c in changes), default=0)
        )
        .exclude(upload=upload)
        .exclude(upload__status=UploadStatus.ROLLED_BACK)
    )  # undone uploads no longer count
    if later.exists():
        raise UploadRefused(
            _("A later change touched projects of this upload; roll back the later upload first.")
        )
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
        history.append(
            ProjectChange(
                project=project,
                upload=upload,
                kind=ChangeKind.ROLLED_BACK,
                changes=undo,
                changed_by=user,
            )
        )
    for project in projects:
        project.row_digest = ""  # the values went back: compare them in full next time
        project.raw_digest = ""
    Project.objects.bulk_update(
        projects,
        [
            "region",
            "status",
            "removal_reason",
            "removal_note",
            "updated_at",
            "row_digest",
            "raw_digest",
            *LEDGER_FIELDS,
        ],
        batch_size=500,
    )
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
