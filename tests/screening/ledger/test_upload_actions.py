"""One service per upload action (issue 14): the web page, the API and its background task
all confirm through screening/ledger/actions.py, which decides "small file now, large file in
the background" and "only the uploader may confirm" (SPEC §3 "Import behaviour")."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from screening import permissions
from screening.ledger import actions
from screening.ledger.services import UploadRefused, receive_upload
from screening.models import LedgerUpload, Project, Region, UploadStatus
from tests.conftest import CITY_A, make_user
from tests.ledger_files import valid_row, write_ledger


def previewed(user, tmp_path):
    path = write_ledger(tmp_path / "a.xlsx", [valid_row()])
    upload = receive_upload(
        user,
        Region.objects.get(code=CITY_A),
        ContentFile(path.read_bytes(), name="a.xlsx"),
        "a.xlsx",
    )
    assert actions.start_validation(upload) is False  # small: validated at once
    upload.refresh_from_db()
    assert upload.status == UploadStatus.PREVIEW, upload.errors
    return upload


def test_a_small_upload_is_applied_when_its_uploader_confirms(agency_a, tmp_path):
    upload = previewed(agency_a, tmp_path)
    assert actions.may_confirm_now(upload, agency_a)
    assert actions.confirm_upload(upload, agency_a, {}) is False
    assert LedgerUpload.objects.get().status == UploadStatus.APPLIED
    assert Project.objects.count() == 1


def test_only_the_uploader_may_confirm_even_a_colleague_of_the_same_region(agency_a, tmp_path):
    colleague = make_user("agency_a2", "agency", CITY_A)
    upload = previewed(agency_a, tmp_path)
    assert not permissions.may_confirm_upload(upload, colleague)
    assert not actions.may_confirm_now(upload, colleague)
    with pytest.raises(actions.NotTheUploader) as refusal:
        actions.confirm_upload(upload, colleague, {})
    assert isinstance(refusal.value, UploadRefused)  # the web page shows it as any refusal
    assert LedgerUpload.objects.get().status == UploadStatus.PREVIEW


def test_a_large_upload_is_validated_and_applied_in_the_background(
    agency_a, tmp_path, settings, django_capture_on_commit_callbacks
):
    path = write_ledger(tmp_path / "a.xlsx", [valid_row()])
    upload = receive_upload(
        agency_a,
        Region.objects.get(code=CITY_A),
        ContentFile(path.read_bytes(), name="a.xlsx"),
        "a.xlsx",
    )
    settings.LEDGER_BACKGROUND_BYTES = 0  # every file counts as large
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.start_validation(upload) is True
    upload.refresh_from_db()
    assert upload.status == UploadStatus.PREVIEW
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert actions.confirm_upload(upload, agency_a, {}) is True
    upload.refresh_from_db()
    assert actions.apply_pending(upload) and not actions.may_confirm_now(upload, agency_a)
    with pytest.raises(UploadRefused):  # a second confirmation while the job is pending
        actions.confirm_upload(upload, agency_a, {})
    for callback in queued:
        callback()
    assert LedgerUpload.objects.get().status == UploadStatus.APPLIED


def test_the_api_and_its_task_never_import_a_web_view():
    """Issue 14: the API calls the services, never a web view module."""
    import ast
    from pathlib import Path

    import screening.api

    for path in Path(screening.api.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("screening"):
                web_view = node.module.split(".")[-1] == "views" or any(
                    alias.name == "views" for alias in node.names
                )
                assert not web_view or node.module.startswith("screening.api"), (
                    f"{path.name} imports {node.module}"
                )
