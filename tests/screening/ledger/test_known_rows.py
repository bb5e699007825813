"""Rows whose cells are a stored row's are known without validating them again (issue 19):
the same errors, the same rows and the same stored ledger as when every row is validated."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from screening.ledger import services as ledger_import
from screening.ledger.diff import stored_row_digest
from screening.ledger.services import ledger_reference_with_digest, rule_set_for
from screening.ledger.xlsx import row_validator, validate
from screening.ledger.xlsx.cleaning import FORMULA_WITHOUT_VALUE
from screening.ledger.xlsx.known_rows import KnownRow, KnownRows, raw_digest, raw_digest_salt
from screening.models import Project
from tests.ledger_files import valid_row, write_ledger
from tests.screening.ledger.test_reupload import (
    AS_OF,
    apply,
    comparable,
    ledger,
    next_month,
    stored_ledger,
    upload,
)

# ------------------------------------------------------------------------------- pure digests


def test_no_two_different_cells_have_the_same_raw_digest():
    salt = b"s"
    cells = [
        "1",
        1.0,
        True,
        "",
        "2021-03-01",
        date(2021, 3, 1),
        datetime(2021, 3, 1),
        "08:30:00",
        time(8, 30),
        timedelta(hours=8, minutes=30),
        "true",
        FORMULA_WITHOUT_VALUE,
    ]
    digests = {raw_digest(salt, [cell]) for cell in cells}
    assert len(digests) == len(cells)
    assert raw_digest(salt, ["a", ""]) != raw_digest(salt, ["", "a"])
    assert raw_digest(salt, ["a"]) == raw_digest(salt, ["a"])
    assert raw_digest(b"other", ["a"]) != raw_digest(salt, ["a"])


def test_the_salt_follows_the_reference_data():
    assert raw_digest_salt("a" * 64) != raw_digest_salt("b" * 64)


def test_cells_without_a_digest_are_validated():
    known = KnownRows(b"s", {})
    assert known.digest(["\ud800"]) is None  # not valid Unicode
    assert known.digest([2**70]) is None


# ------------------------------------------------------------------- validation, row for row


def _validate_both(tmp_path, stored_rows: list[dict], file_rows: list[dict]):
    """Validate `file_rows` in full and with the rows of `stored_rows` known."""
    reference, reference_digest = ledger_reference_with_digest(rule_set_for(AS_OF))
    salt = raw_digest_salt(reference_digest)
    first = KnownRows(salt, {})
    stored = validate.validate_workbook(
        write_ledger(tmp_path / "stored.xlsx", stored_rows), reference, known_rows=first
    )
    assert stored.ok, stored.errors
    by_code = {row.project_code: row for _n, row in stored.rows}
    known = {
        first.digests[code]: KnownRow(code, row.region, stored_row_digest(row))
        for code, row in by_code.items()
    }
    path = write_ledger(tmp_path / "file.xlsx", file_rows)
    full = validate.validate_workbook(path, reference)
    fast_rows = KnownRows(salt, known)
    fast = validate.validate_workbook(path, reference, known_rows=fast_rows)
    return full, fast, fast_rows


def _same_outcome(full, fast) -> None:
    def errors(result):
        return [(e.row, e.column, e.message_zh, e.message_en) for e in result.errors]

    assert errors(fast) == errors(full)
    assert fast.data_rows == full.data_rows
    assert fast.invalid_rows == full.invalid_rows
    assert [n for n, _row in fast.rows] == [n for n, _row in full.rows]
    for (_n, quick), (_m, row) in zip(fast.rows, full.rows, strict=True):
        if quick.__class__ is KnownRow:
            assert quick == KnownRow(row.project_code, row.region, stored_row_digest(row))
        else:
            assert quick == row


def code(index: int) -> str:
    return f"2104-410100-04-01-{index:06d}"


@pytest.mark.django_db
def test_known_rows_are_taken_without_validation_and_read_as_validation_would(tmp_path):
    stored = [valid_row(project_code=code(i), name=f"项目{i}") for i in range(6)]
    file_rows = [dict(row) for row in stored]
    file_rows[2]["name"] = "项目2(更名)"
    file_rows.append(valid_row(project_code=code(9), name="新项目"))
    full, fast, known_rows = _validate_both(tmp_path, stored, file_rows)
    assert full.ok
    _same_outcome(full, fast)
    kinds = [row.__class__ for _n, row in fast.rows]
    assert kinds.count(KnownRow) == 5  # the renamed and the new row were validated
    # Every valid row's raw digest is collected, known or not, for apply to store.
    assert set(known_rows.digests) == {row.project_code for _n, row in fast.rows}


@pytest.mark.django_db
def test_a_known_row_given_twice_is_a_duplicate_as_in_full_validation(tmp_path):
    """SPEC §3: a project code may appear once; the second row names the first."""
    stored = [valid_row(project_code=code(i), name=f"项目{i}") for i in range(3)]
    file_rows = [stored[0], stored[1], stored[1], stored[2]]
    full, fast, _known = _validate_both(tmp_path, stored, file_rows)
    assert [e.row for e in full.errors] == [4]
    _same_outcome(full, fast)


@pytest.mark.django_db
def test_a_known_row_after_another_row_with_its_code_is_the_duplicate(tmp_path):
    """The earlier row holds the code, whichever of the two is known."""
    stored = [valid_row(project_code=code(i), name=f"项目{i}") for i in range(3)]
    renamed = dict(stored[1], name="项目1(更名)")
    for file_rows in ([stored[0], renamed, stored[1], stored[2]], [renamed, stored[1]]):
        full, fast, _known = _validate_both(tmp_path, stored, file_rows)
        assert len(full.errors) == 1
        _same_outcome(full, fast)


@pytest.mark.django_db
def test_known_rows_across_batches_keep_the_duplicate_rule(tmp_path, monkeypatch):
    monkeypatch.setattr(validate, "_BATCH_ROWS", 2)
    stored = [valid_row(project_code=code(i), name=f"项目{i}") for i in range(5)]
    file_rows = [stored[0], stored[1], stored[2], dict(stored[0], name="改"), stored[3], stored[0]]
    full, fast, _known = _validate_both(tmp_path, stored, file_rows)
    assert len(full.errors) == 2
    _same_outcome(full, fast)


# ------------------------------------------------------------------------------ the upload


@pytest.mark.django_db
def test_a_monthly_reupload_validates_only_the_rows_that_changed(agency_a, tmp_path, monkeypatch):
    """Issue 19: unchanged rows cost a read and a digest, not a validation; what is stored is
    what validating every row stores (test_reupload compares the full path)."""
    apply(agency_a, upload(agency_a, ledger(), tmp_path, "a.xlsx"))
    assert not Project.objects.filter(raw_digest="").exists()
    validated: list[int] = []
    batch = row_validator.RowValidator.validate_batch

    def counting(self, rows):
        validated.append(len(rows))
        return batch(self, rows)

    monkeypatch.setattr(row_validator.RowValidator, "validate_batch", counting)
    fast = upload(agency_a, next_month(ledger()), tmp_path, "b.xlsx")
    assert fast.preview["counts"] == {"new": 1, "changed": 3, "unchanged": 20, "missing": 1}
    assert sum(validated) == 4
    apply(agency_a, fast)
    after_fast = stored_ledger()
    assert not Project.objects.filter(status="active", raw_digest="").exists()

    # The same month validated in full (no raw digests kept) stores exactly the same.
    from tests.screening.ledger.test_reupload import start_again

    start_again()
    apply(agency_a, upload(agency_a, ledger(), tmp_path, "a2.xlsx"))
    Project.objects.update(raw_digest="")
    validated.clear()
    full = upload(agency_a, next_month(ledger()), tmp_path, "b2.xlsx")
    assert sum(validated) == len(next_month(ledger())) == 24
    apply(agency_a, full)
    after_full = stored_ledger()
    assert comparable(after_fast[0]) == comparable(after_full[0])
    assert after_fast[1] == after_full[1]


@pytest.mark.django_db
def test_cells_written_otherwise_with_the_same_values_keep_their_new_raw_digest(agency_a, tmp_path):
    """A number typed as text ("12,345.5") and the number itself store the same value: the
    row is unchanged (no history), and its new cells are known next month."""
    rows = ledger()
    apply(agency_a, upload(agency_a, rows, tmp_path, "a.xlsx"))
    project = Project.objects.get(project_code=rows[5]["project_code"])
    rows[5]["investment"] = 12345.5
    again = upload(agency_a, rows, tmp_path, "b.xlsx")
    assert again.preview["counts"] == {"new": 0, "changed": 0, "unchanged": 24, "missing": 0}
    apply(agency_a, again)
    after = Project.objects.get(pk=project.pk)
    assert after.raw_digest and after.raw_digest != project.raw_digest
    assert after.row_digest == project.row_digest
    assert after.updated_at == project.updated_at
    rows[0]["remarks"] = "下月备注"  # another file next month: row 5 is known by its new cells
    spooled = ledger_import.read_rows_spool(
        upload(agency_a, rows, tmp_path, "c.xlsx"),
        ledger_reference_with_digest(rule_set_for(AS_OF))[1],
    )
    kinds = {n: row.__class__ for n, row in spooled}
    assert kinds[7] is KnownRow  # sheet row 7 holds rows[5]
    assert list(kinds.values()).count(KnownRow) == 23


@pytest.mark.django_db
def test_apply_compares_the_kept_confirmation_and_previews_made_before_it_still_apply(
    agency_a, tmp_path
):
    """Apply reads the preview's small confirmation (version, counts, digest), not the
    preview that can list 100,000 rows; a preview kept before that (no confirmation in its
    fingerprint) is compared whole, as it was."""
    from screening.models import LedgerUpload, UploadStatus

    first = upload(agency_a, ledger(), tmp_path, "a.xlsx")
    assert set(first.fingerprint["confirm"]) == {"version", "counts", "digest"}
    LedgerUpload.objects.filter(pk=first.pk).update(fingerprint={})
    first.refresh_from_db()
    assert apply(agency_a, first).status == UploadStatus.APPLIED

    second = upload(agency_a, next_month(ledger()), tmp_path, "b.xlsx")
    kept = dict(second.fingerprint["confirm"], digest="0" * 64)  # not what the rows give
    LedgerUpload.objects.filter(pk=second.pk).update(fingerprint={"confirm": kept})
    second.refresh_from_db()
    with pytest.raises(ledger_import.UploadRefused):
        apply(agency_a, second)
