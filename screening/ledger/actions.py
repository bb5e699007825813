"""The user's actions on an upload, one function each, called alike by the web pages, the API
and the API's background task: validate (a small file now, a large one in the background) and
confirm (only the uploader; a small file applied now, a large one queued)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from screening import permissions
from screening.ledger.services import UploadRefused, apply_upload, validate_upload
from screening.models import LedgerUpload, UploadStatus

APPLY_RETRY_AFTER = timedelta(minutes=5)  # a queued apply not done by then may be re-queued


class NotTheUploader(UploadRefused):
    """Only the person who uploaded the file may confirm it (the API answers 403)."""


def runs_in_background(upload: LedgerUpload) -> bool:
    """Files over LEDGER_BACKGROUND_BYTES are validated and applied by the worker."""
    return upload.size > settings.LEDGER_BACKGROUND_BYTES


def start_validation(upload: LedgerUpload) -> bool:
    """Validate a received upload: a small file at once, a large one in the background (with a
    progress bar). True when it runs in the background."""
    if not runs_in_background(upload):
        validate_upload(upload)
        return False
    from screening.ledger.tasks import validate_upload_task

    transaction.on_commit(lambda: validate_upload_task.delay(upload.pk))
    return True


def apply_pending(upload: LedgerUpload) -> bool:
    """A confirmed upload whose background apply was queued recently (not yet re-queueable)."""
    return (
        upload.apply_requested_at is not None
        and upload.apply_requested_at >= timezone.now() - APPLY_RETRY_AFTER
    )


def may_confirm_now(upload: LedgerUpload, user) -> bool:
    """The page offers the confirmation: a preview, the uploader, no apply pending."""
    return (
        upload.status == UploadStatus.PREVIEW
        and permissions.may_confirm_upload(upload, user)
        and not apply_pending(upload)
    )


def confirm_upload(upload: LedgerUpload, user, reasons: dict[str, tuple[str, str]]) -> bool:
    """Confirm a previewed upload with a reason for each missing project: a small file is
    applied now, a large one queued for the worker. True when queued. Raises NotTheUploader or
    UploadRefused (already applied, the ledger changed, …)."""
    if not permissions.may_confirm_upload(upload, user):
        raise NotTheUploader(_("Only the person who uploaded the file can confirm it."))
    if not runs_in_background(upload):
        apply_upload(upload, user, reasons)
        return False
    _queue_apply(upload, reasons)
    return True


def _queue_apply(upload: LedgerUpload, reasons: dict) -> None:
    from screening.ledger.tasks import apply_upload_task

    # A job that died (worker killed) leaves its claim behind: after APPLY_RETRY_AFTER the
    # user may queue it again. Two applies cannot interleave: apply locks the region's row and
    # re-checks the upload's state inside its transaction.
    stale = timezone.now() - APPLY_RETRY_AFTER
    claimed = LedgerUpload.objects.filter(
        Q(apply_requested_at__isnull=True) | Q(apply_requested_at__lt=stale),
        pk=upload.pk,
        status=UploadStatus.PREVIEW,
    ).update(apply_requested_at=timezone.now(), missing_reasons=reasons, message="")
    if not claimed:
        raise UploadRefused(_("This upload is already being applied."))
    transaction.on_commit(lambda: apply_upload_task.delay(upload.pk))
