"""import_ledger (the upload path without the web UI) and the background path of big files."""

from __future__ import annotations

import orjson
import pytest
from django.core.management import call_command
from django.urls import reverse

from screening.models import LedgerUpload, Project, UploadStatus
from tests.ledger_files import valid_row, write_ledger


def run(capsys, *args):
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_ledger", *args)
        raise SystemExit(0)
    out = capsys.readouterr()
    return exit_info.value.code, out.out, out.err


def test_dry_run_validates_and_previews_without_storing(agency_a, tmp_path, capsys):
    path = write_ledger(tmp_path / "a.xlsx", [valid_row()])
    code, out, _err = run(
        capsys,
        str(path),
        "--region",
        "410100",
        "--user",
        "agency_a",
        "--dry-run",
        "--format",
        "json",
    )
    assert code == 0
    result = orjson.loads(out)
    assert result["counts"] == {"created": 1, "updated": 0, "unchanged": 0, "missing": 0}
    assert not Project.objects.exists()


def test_import_applies_and_a_second_import_changes_nothing(agency_a, tmp_path, capsys):
    path = write_ledger(tmp_path / "a.xlsx", [valid_row()])
    code, out, _ = run(
        capsys, str(path), "--region", "410100", "--user", "agency_a", "--format", "json"
    )
    assert code == 0 and orjson.loads(out)["status"] == "applied"
    code, out, _ = run(
        capsys, str(path), "--region", "410100", "--user", "agency_a", "--format", "json"
    )
    assert orjson.loads(out)["counts"]["unchanged"] == 1
    assert Project.objects.count() == 1


def test_errors_exit_1_and_refusals_exit_2(agency_a, tmp_path, capsys):
    bad = write_ledger(tmp_path / "bad.xlsx", [valid_row(stage="规划")])
    code, out, _ = run(
        capsys, str(bad), "--region", "410100", "--user", "agency_a", "--format", "json"
    )
    assert code == 1
    assert orjson.loads(out)["errors"][0]["column"] == "项目阶段"
    csv = tmp_path / "ledger.xlsx"
    csv.write_text("项目代码\n1\n", encoding="utf-8")
    code, _out, err = run(capsys, str(csv), "--region", "410100", "--user", "agency_a")
    assert code == 2 and err.strip()
    code, _out, err = run(capsys, str(bad), "--region", "410300", "--user", "agency_a")
    assert code == 2  # not the agency's region
    assert not Project.objects.exists()


def test_missing_projects_need_a_reason_on_the_command_line(agency_a, tmp_path, capsys):
    two = write_ledger(
        tmp_path / "two.xlsx", [valid_row(), valid_row(project_code="2105-410100-04-01-654321")]
    )
    run(capsys, str(two), "--region", "410100", "--user", "agency_a")
    one = write_ledger(tmp_path / "one.xlsx", [valid_row()])
    code, _out, err = run(capsys, str(one), "--region", "410100", "--user", "agency_a")
    assert code == 2 and "--missing-reason" in err
    code, _out, _err = run(
        capsys,
        str(one),
        "--region",
        "410100",
        "--user",
        "agency_a",
        "--missing-reason",
        "cancelled",
    )
    assert code == 0
    assert Project.objects.get(project_code="2105-410100-04-01-654321").status == "removed"


def test_big_files_are_validated_and_applied_by_background_jobs(
    client, agency_a, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.LEDGER_BACKGROUND_BYTES = 0  # every file counts as big
    client.force_login(agency_a)
    path = write_ledger(tmp_path / "a.xlsx", [valid_row()])
    with django_capture_on_commit_callbacks(execute=False) as queued:
        with path.open("rb") as handle:
            client.post(reverse("screening:ledger"), {"region": "410100", "file": handle})
    upload = LedgerUpload.objects.get()
    assert upload.status == UploadStatus.RECEIVED
    page = client.get(reverse("screening:upload", args=[upload.pk])).content.decode()
    assert "data-progress-url" in page  # the progress bar, which survives a reload
    for callback in queued:
        callback()  # the job runs (eagerly in tests)
    assert LedgerUpload.objects.get().status == UploadStatus.PREVIEW
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("screening:upload_confirm", args=[upload.pk]))
    assert LedgerUpload.objects.get().status == UploadStatus.APPLIED
    assert Project.objects.count() == 1


def test_an_apply_job_that_died_can_be_queued_again(
    client, agency_a, tmp_path, settings, django_capture_on_commit_callbacks
):
    """A worker killed mid-apply rolls its transaction back and leaves its claim; after a
    while the uploader sees the confirm button again and the retry applies the file."""
    from datetime import timedelta

    from django.utils import timezone

    settings.LEDGER_BACKGROUND_BYTES = 0
    client.force_login(agency_a)
    path = write_ledger(tmp_path / "a.xlsx", [valid_row()])
    with django_capture_on_commit_callbacks(execute=True):
        with path.open("rb") as handle:
            client.post(reverse("screening:ledger"), {"region": "410100", "file": handle})
    upload = LedgerUpload.objects.get()
    assert upload.status == UploadStatus.PREVIEW
    LedgerUpload.objects.filter(pk=upload.pk).update(apply_requested_at=timezone.now())
    page = client.get(reverse("screening:upload", args=[upload.pk])).content.decode()
    assert 'id="confirm"' not in page  # being applied: no second confirm
    LedgerUpload.objects.filter(pk=upload.pk).update(
        apply_requested_at=timezone.now() - timedelta(minutes=10)
    )  # the job died
    page = client.get(reverse("screening:upload", args=[upload.pk])).content.decode()
    assert 'id="confirm"' in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("screening:upload_confirm", args=[upload.pk]))
    assert LedgerUpload.objects.get().status == UploadStatus.APPLIED
    assert Project.objects.count() == 1
