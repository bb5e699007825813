"""Restarting never touches users' data (issue 13.1): the demo is seeded once, recorded by one
row, and `seed_demo` refuses a database holding data the demo did not put there.

The issue's scenario with the real commands and the real upload path: seed (as `make run`
does), import a ledger for 郑州 as zz_agency with `--missing-reason other`, seed again.
"""

from __future__ import annotations

import io
import json

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from accounts.models import User
from screening.models import DemoSeed, LedgerUpload, Project, ProjectStatus
from tests.corpus.fingerprint import data_fingerprint
from tests.ledger_files import valid_row, write_ledger

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _keep_the_language():
    """Commands with --lang and requests with Accept-Language activate a language in this
    thread; later tests (the browser tests compare labels) must not inherit it."""
    language = translation.get_language()
    yield
    translation.activate(language)


def seed(*args) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def everything() -> tuple:
    """The stored data, the users (with their password hashes) and every upload."""
    users = list(
        User.objects.order_by("pk").values_list(
            "pk", "username", "password", "role", "first_name", "email", "is_active"
        )
    )
    uploads = list(LedgerUpload.objects.order_by("pk").values_list("pk", "status", "summary"))
    return data_fingerprint(), users, uploads


def import_zhengzhou(tmp_path, capsys, *args) -> dict:
    """`manage.py import_ledger FILE --region 410100 --user zz_agency …` (its JSON)."""
    path = write_ledger(
        tmp_path / "郑州台账.xlsx",
        [
            valid_row(project_code="2104-410100-04-01-700001", name="用户自己的项目一"),
            valid_row(project_code="2104-410100-04-01-700002", name="用户自己的项目二"),
        ],
    )
    capsys.readouterr()
    call_command(
        "import_ledger",
        str(path),
        "--region",
        "410100",
        "--user",
        "zz_agency",
        "--format",
        "json",
        *args,
    )
    return json.loads(capsys.readouterr().out)


def test_restarting_after_an_agency_upload_changes_nothing(tmp_path, capsys):
    first = seed("--if-unseeded")
    assert "ledgers uploaded: 4" in first
    assert DemoSeed.objects.count() == 1
    assert len(DemoSeed.objects.get().upload_ids) == 4
    import_zhengzhou(tmp_path, capsys, "--missing-reason", "other")
    mine = set(
        Project.objects.filter(region__code="410100", status=ProjectStatus.ACTIVE).values_list(
            "project_code", flat=True
        )
    )
    assert mine == {"2104-410100-04-01-700001", "2104-410100-04-01-700002"}
    before = everything()

    again = seed("--if-unseeded")  # the second `make run`

    assert "not made by the demo (by zz_agency)" in again and "nothing was changed" in again
    assert everything() == before
    assert DemoSeed.objects.count() == 1
    # The check: a dry run of the same file shows nothing changed, nothing missing.
    preview = import_zhengzhou(tmp_path, capsys, "--dry-run")
    assert preview["counts"] == {"created": 0, "updated": 0, "unchanged": 2, "missing": 0}


def test_seed_demo_itself_refuses_a_database_with_uploads_by_others_and_says_so(tmp_path, capsys):
    seed()
    import_zhengzhou(tmp_path, capsys, "--missing-reason", "other")
    before = everything()
    with pytest.raises(
        CommandError,
        match=r"1 ledger upload\(s\) not made by the demo "
        r"\(by zz_agency\).*--force.*make clean",
    ):
        seed()
    assert everything() == before


def test_a_seeded_database_is_not_seeded_again(tmp_path):
    seed()
    before = everything()
    assert "already seeded" in seed()
    assert "already seeded" in seed("--if-unseeded")
    assert everything() == before


def test_an_existing_user_with_a_demo_name_is_never_altered():
    """Before the first seeding: an administrator made with createsuperuser keeps their own
    password; nothing is seeded until told --force."""
    User.objects.create_superuser("admin", "me@example.org", "my-own-password")
    before = everything()
    assert "users with demo names the demo did not create (admin)" in seed("--if-unseeded")
    with pytest.raises(CommandError, match="admin"):
        seed()
    assert everything() == before
    assert check_password("my-own-password", User.objects.get(username="admin").password)
    assert not DemoSeed.objects.exists()


def test_force_seeds_anyway_and_records_it(tmp_path, capsys):
    seed()
    import_zhengzhou(tmp_path, capsys, "--missing-reason", "other")
    assert "ledgers uploaded: 4" in seed("--force")
    record = DemoSeed.objects.get()
    assert record.forced and len(record.upload_ids) == 8


def test_a_database_seeded_before_the_record_existed_counts_as_seeded():
    """Migration 0007 records earlier seeding (the demo barometer is there) with the demo's
    own uploads, so the next `make run` leaves it alone."""
    from django.apps import apps

    from screening.migrations import __path__ as migrations_path  # noqa: F401

    migration = __import__("screening.migrations.0007_demo_seed", fromlist=["x"])
    seed()
    DemoSeed.objects.all().delete()
    migration.record_earlier_demo_seeding(apps, None)
    assert len(DemoSeed.objects.get().upload_ids) == 4
    before = everything()
    assert "already seeded" in seed("--if-unseeded")
    assert everything() == before
