"""Background step of the API's one-shot upload (mode=apply) for large files: validate, then
confirm the preview (screening/ledger/actions.py queues the apply of a large file), through the
very tasks and services the web pages use."""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True, name="screening.api.tasks.validate_then_apply_task")
def validate_then_apply_task(upload_id: int, default_reason: str = "") -> str:
    """Validate a received upload and, if it previews cleanly, queue its apply job.

    Projects missing from the file get `default_reason`; without one, or on any refusal, the
    reason is kept as the upload's message and the upload waits in preview for POST …/apply/.
    """
    from django.utils.translation import gettext as _

    from screening.ledger.actions import confirm_upload
    from screening.ledger.services import UploadRefused
    from screening.ledger.tasks import validate_upload_task
    from screening.models import LedgerUpload, RemovalReason, UploadStatus

    validate_upload_task(upload_id)
    upload = LedgerUpload.objects.select_related("uploaded_by").get(pk=upload_id)
    if upload.status != UploadStatus.PREVIEW:
        return upload.status
    missing = [item["code"] for item in (upload.preview or {}).get("missing", [])]
    if missing and default_reason not in RemovalReason.values:
        LedgerUpload.objects.filter(pk=upload_id).update(
            message=_("Choose a reason for every project missing from the file.")
        )
        return "needs reasons"
    try:
        confirm_upload(upload, upload.uploaded_by, {code: (default_reason, "") for code in missing})
    except UploadRefused as refusal:
        LedgerUpload.objects.filter(pk=upload_id).update(message=refusal.message)
        return "refused"
    return "queued"
