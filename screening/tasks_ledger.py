"""Background jobs of ledger uploads. Thin: they take ids and call the services."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction

from .models import LedgerUpload, UploadStatus


@shared_task(acks_late=True)
def validate_upload_task(upload_id: int) -> str:
    """Validate a received upload. Claimed first, so a duplicate delivery does nothing."""
    from .ledger_import import validate_upload

    claimed = LedgerUpload.objects.filter(
        pk=upload_id, status__in=[UploadStatus.RECEIVED, UploadStatus.VALIDATING]
    ).update(status=UploadStatus.VALIDATING, progress=10)
    if not claimed:
        return "already done"
    upload = validate_upload(LedgerUpload.objects.get(pk=upload_id))
    return upload.status


@shared_task(acks_late=True)
def apply_upload_task(upload_id: int) -> str:
    """Apply a confirmed upload. Its single transaction makes a retry after a crash safe."""
    from .ledger_import import UploadRefused, apply_upload

    upload = LedgerUpload.objects.select_related("uploaded_by", "region").get(pk=upload_id)
    if upload.status != UploadStatus.PREVIEW:
        return "already done"
    reasons = {code: tuple(value) for code, value in upload.missing_reasons.items()}
    try:
        upload = apply_upload(upload, upload.uploaded_by, reasons)
    except UploadRefused as refusal:
        with transaction.atomic():
            LedgerUpload.objects.filter(pk=upload_id).update(
                apply_requested_at=None, message=refusal.message)
        return "refused"
    return upload.status
