"""Background jobs of ledger uploads. Thin: they take ids and call the services."""

from __future__ import annotations

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import close_old_connections, transaction
from django.utils.translation import gettext as _

from screening.models import LedgerUpload, UploadStatus


@shared_task(acks_late=True, name="screening.tasks_ledger.validate_upload_task")
def validate_upload_task(upload_id: int) -> str:
    """Validate a received upload. Claimed first, so a duplicate delivery does nothing."""
    from screening.ledger.services import validate_upload

    claimed = LedgerUpload.objects.filter(
        pk=upload_id, status__in=[UploadStatus.RECEIVED, UploadStatus.VALIDATING]
    ).update(status=UploadStatus.VALIDATING, progress=10)
    if not claimed:
        return "already done"
    try:
        upload = validate_upload(LedgerUpload.objects.get(pk=upload_id))
    except (MemoryError, SoftTimeLimitExceeded):
        # The worker's memory or time limit stopped a file the pre-parse checks let through:
        # the upload fails with a message, nothing is stored.
        LedgerUpload.objects.filter(pk=upload_id).update(
            status=UploadStatus.FAILED,
            message=_(
                "The file could not be processed within the limits of the server; "
                "nothing was stored."
            ),
        )
        return UploadStatus.FAILED
    return upload.status


@shared_task(acks_late=True, name="screening.tasks_ledger.apply_upload_task")
def apply_upload_task(upload_id: int) -> str:
    """Apply a confirmed upload. Its single transaction makes a retry after a crash safe."""
    from screening.ledger.services import UploadRefused, apply_upload

    upload = LedgerUpload.objects.select_related("uploaded_by", "region").get(pk=upload_id)
    if upload.status != UploadStatus.PREVIEW:
        return "already done"
    reasons = {code: tuple(value) for code, value in upload.missing_reasons.items()}
    try:
        upload = apply_upload(upload, upload.uploaded_by, reasons)
    except UploadRefused as refusal:
        with transaction.atomic():
            LedgerUpload.objects.filter(pk=upload_id).update(
                apply_requested_at=None, message=refusal.message
            )
        return "refused"
    except Exception:
        # The transaction rolled back (e.g. the database connection was lost) and the failed
        # task is not retried: release the claim so the user can confirm again, then re-raise.
        close_old_connections()  # a broken connection is replaced
        LedgerUpload.objects.filter(pk=upload_id, status=UploadStatus.PREVIEW).update(
            apply_requested_at=None,
            message=_(
                "The upload could not be applied; nothing was changed. Please confirm it again."
            ),
        )
        raise
    return upload.status
