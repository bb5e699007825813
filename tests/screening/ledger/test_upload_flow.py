"""An agency turns its Excel ledger into screened projects (SPEC §3 "Import behaviour")."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from openpyxl import load_workbook

from screening.ledger import services as ledger_import
from screening.ledger.rollback import rollback_upload
from screening.ledger.services import (
    UploadRefused,
    apply_upload,
    receive_upload,
    validate_upload,
)
from screening.models import (
    LedgerUpload,
    Project,
    ProjectChange,
    ProjectStatus,
    Region,
    UploadStatus,
)
from tests.conftest import CITY_A
from tests.ledger_files import valid_row, write_ledger

CODE_1 = "2104-410100-04-01-123456"
CODE_2 = "2105-410100-04-01-654321"


def upload_rows(user, rows, tmp_path, name="ledger.xlsx", region_code=CITY_A):
    path = write_ledger(tmp_path / name, rows)
    region = Region.objects.get(code=region_code)
    upload = receive_upload(user, region, ContentFile(path.read_bytes(), name=name), name)
    return validate_upload(upload)


def two_projects():
    return [
        valid_row(),
        valid_row(
            project_code=CODE_2,
            name="水泥熟料项目",
            sector="建材",
            product="水泥熟料",
            unit_energy=100,
            new_capacity=None,
            replaced_capacity=None,
            capacity_unit=None,
            replacement_plan_ref=None,
            unit_energy_unit="kgce/t",
        ),
    ]


@pytest.fixture
def applied(agency_a, tmp_path):
    upload = upload_rows(agency_a, two_projects(), tmp_path)
    assert upload.status == UploadStatus.PREVIEW, upload.errors
    return apply_upload(upload, agency_a, {})


def test_a_valid_file_is_previewed_then_applied_and_screened(agency_a, tmp_path):
    upload = upload_rows(agency_a, two_projects(), tmp_path)
    assert upload.status == UploadStatus.PREVIEW
    assert upload.preview["counts"] == {"new": 2, "changed": 0, "unchanged": 0, "missing": 0}
    assert not Project.objects.exists()  # nothing changes before the user confirms

    upload = apply_upload(upload, agency_a, {})
    assert upload.status == UploadStatus.APPLIED
    project = Project.objects.get(project_code=CODE_1)
    assert project.region.code == CITY_A
    assert project.in_scope is True
    assert project.verdict == "COMPLIANT", project.findings
    assert project.disposition == "PROCEED"
    assert [f["rule"] for f in project.findings][:2] == ["R01", "R02"]
    assert ProjectChange.objects.filter(upload=upload, kind="created").count() == 2


def test_uploading_the_same_file_twice_changes_nothing(agency_a, tmp_path, applied):
    before = list(Project.objects.values_list("project_code", "updated_at", "verdict"))
    changes = ProjectChange.objects.count()
    again = upload_rows(agency_a, two_projects(), tmp_path, name="again.xlsx")
    assert again.preview["counts"] == {"new": 0, "changed": 0, "unchanged": 2, "missing": 0}
    apply_upload(again, agency_a, {})
    assert list(Project.objects.values_list("project_code", "updated_at", "verdict")) == before
    assert ProjectChange.objects.count() == changes


def test_a_changed_field_is_shown_old_to_new_and_kept_in_history(agency_a, tmp_path, applied):
    rows = two_projects()
    rows[0]["replaced_capacity"] = 120  # 1.2 : 1 in a key area misses 1.5 : 1 (R03)
    upload = upload_rows(agency_a, rows, tmp_path, name="changed.xlsx")
    assert upload.preview["counts"]["changed"] == 1
    change = upload.preview["changed"][0]
    assert change["code"] == CODE_1
    assert change["changes"] == {"replaced_capacity": ["150", "120"]}
    apply_upload(upload, agency_a, {})
    project = Project.objects.get(project_code=CODE_1)
    assert project.verdict == "NON_COMPLIANT"
    assert project.disposition == "REJECT"
    history = ProjectChange.objects.get(project=project, upload=upload)
    assert history.kind == "updated"
    assert history.changes == {"replaced_capacity": ["150", "120"]}


def test_projects_missing_from_the_file_need_a_reason(agency_a, tmp_path, applied):
    upload = upload_rows(agency_a, two_projects()[:1], tmp_path, name="one.xlsx")
    assert [m["code"] for m in upload.preview["missing"]] == [CODE_2]
    with pytest.raises(UploadRefused):
        apply_upload(upload, agency_a, {})
    assert Project.objects.get(project_code=CODE_2).status == ProjectStatus.ACTIVE
    apply_upload(
        LedgerUpload.objects.get(pk=upload.pk), agency_a, {CODE_2: ("cancelled", "项目已取消")}
    )
    gone = Project.objects.get(project_code=CODE_2)
    assert gone.status == ProjectStatus.REMOVED
    assert gone.removal_reason == "cancelled"
    assert ProjectChange.objects.get(project=gone, kind="removed").note == "项目已取消"


def test_rows_of_another_region_are_errors(agency_a, tmp_path):
    upload = upload_rows(agency_a, [valid_row(region="洛阳市")], tmp_path)
    assert upload.status == UploadStatus.INVALID
    assert [(e["row"], e["column"]) for e in upload.errors] == [(2, "所在地区")]
    assert not Project.objects.exists()


def test_a_code_registered_in_another_region_is_an_error(agency_a, agency_b, tmp_path):
    upload = upload_rows(agency_b, [valid_row(region="洛阳市")], tmp_path, region_code="410300")
    apply_upload(upload, agency_b, {})
    upload = upload_rows(agency_a, [valid_row()], tmp_path, name="mine.xlsx")
    assert upload.status == UploadStatus.INVALID
    assert upload.errors[0]["column"] == "项目代码"
    assert Project.objects.get(project_code=CODE_1).region.code == "410300"


def test_the_error_does_not_say_which_region_holds_the_code(agency_a, agency_b, tmp_path):
    """Issue 13 item 9: naming 洛阳市 let an agency learn which projects exist elsewhere."""
    upload = upload_rows(agency_b, [valid_row(region="洛阳市")], tmp_path, region_code="410300")
    apply_upload(upload, agency_b, {})
    upload = upload_rows(agency_a, [valid_row()], tmp_path, name="mine.xlsx")
    error = upload.errors[0]
    assert error["message_zh"] == "该项目代码已登记在其他地区的台账中"
    assert error["message_en"] == "this project code is registered in another region's ledger"
    assert "洛阳" not in str(upload.errors) and "Luoyang" not in str(upload.errors)


def test_an_agency_cannot_upload_for_another_city(agency_a, tmp_path):
    with pytest.raises(UploadRefused):
        upload_rows(agency_a, [valid_row(region="洛阳市")], tmp_path, region_code="410300")
    assert not LedgerUpload.objects.exists()


def test_errors_come_back_in_an_annotated_workbook(agency_a, tmp_path):
    upload = upload_rows(agency_a, [valid_row(uscc="91110000600037341X")], tmp_path)
    assert upload.status == UploadStatus.INVALID
    assert upload.errors[0]["column"] == "统一社会信用代码"
    workbook = load_workbook(upload.annotated_file.path)
    sheet = workbook.worksheets[0]
    header = [c.value for c in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("统一社会信用代码") + 1)
    assert cell.fill.fgColor.rgb.endswith("FFC7CE") or cell.fill.fill_type == "solid"
    assert cell.comment is not None
    assert len(workbook.worksheets) >= 2
    assert not Project.objects.exists()


def test_a_stale_preview_cannot_be_applied(agency_a, tmp_path, applied):
    first = upload_rows(
        agency_a,
        [*two_projects(), valid_row(project_code="2106-410100-04-01-000001")],
        tmp_path,
        name="a.xlsx",
    )
    second = upload_rows(
        agency_a, two_projects()[:1] + [two_projects()[1]], tmp_path, name="b.xlsx"
    )
    rows = two_projects()
    rows[1]["name"] = "改名"
    third = upload_rows(agency_a, rows, tmp_path, name="c.xlsx")
    apply_upload(third, agency_a, {})
    with pytest.raises(UploadRefused):
        apply_upload(first, agency_a, {})
    assert LedgerUpload.objects.get(pk=second.pk).status == UploadStatus.SUPERSEDED
    assert not Project.objects.filter(project_code="2106-410100-04-01-000001").exists()


def test_rollback_restores_what_the_upload_changed(
    agency_a, provincial_reviewer, tmp_path, applied
):
    rows = two_projects()
    rows[0]["name"] = "新名称"
    upload = apply_upload(upload_rows(agency_a, rows, tmp_path, name="x.xlsx"), agency_a, {})
    with pytest.raises(UploadRefused):
        rollback_upload(upload, agency_a, "报送有误")  # agencies do not roll back
    with pytest.raises(UploadRefused):  # a later upload touched its projects
        rollback_upload(applied, provincial_reviewer, "报送有误")
    rollback_upload(upload, provincial_reviewer, "报送有误")
    assert Project.objects.get(project_code=CODE_1).name == "高炉产能置换升级项目"
    assert LedgerUpload.objects.get(pk=upload.pk).status == UploadStatus.ROLLED_BACK
    assert ProjectChange.objects.filter(kind="rolled_back").count() == 1
    rollback_upload(applied, provincial_reviewer, "报送有误")
    assert set(Project.objects.values_list("status", flat=True)) == {ProjectStatus.REMOVED}


def test_a_failure_midway_leaves_the_ledger_as_it_was(agency_a, tmp_path, applied, monkeypatch):
    rows = two_projects()
    rows[0]["name"] = "改名"
    upload = upload_rows(agency_a, rows, tmp_path, name="boom.xlsx")

    insert_rows = ledger_import.insert_rows

    def crash_on_history(model, rows):  # the last write, after the projects changed
        if model is ProjectChange:
            raise RuntimeError("worker died")
        return insert_rows(model, rows)

    monkeypatch.setattr(ledger_import, "insert_rows", crash_on_history)
    with pytest.raises(RuntimeError):
        apply_upload(upload, agency_a, {})
    monkeypatch.undo()
    assert Project.objects.get(project_code=CODE_1).name == "高炉产能置换升级项目"
    assert LedgerUpload.objects.get(pk=upload.pk).status == UploadStatus.PREVIEW
    apply_upload(LedgerUpload.objects.get(pk=upload.pk), agency_a, {})  # the retry works
    assert Project.objects.get(project_code=CODE_1).name == "改名"


def test_confirming_uses_the_rows_validated_at_the_preview(
    agency_a, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    upload = upload_rows(agency_a, two_projects(), tmp_path)
    assert ledger_import.spool_path(upload).is_file()

    def no_second_reading(*args, **kwargs):
        raise AssertionError("the file was validated again")

    monkeypatch.setattr(ledger_import, "validate_workbook", no_second_reading)
    with django_capture_on_commit_callbacks(execute=True):
        apply_upload(upload, agency_a, {})
    assert Project.objects.count() == 2
    assert not ledger_import.spool_path(upload).exists()  # removed once applied


def test_the_spool_gives_back_exactly_the_validated_rows(agency_a, tmp_path):
    from screening.ledger.xlsx.validate import validate_workbook

    rows = [
        *two_projects(),
        valid_row(
            project_code="2106-410100-04-01-000001",
            stage="存量",
            eia_ref="豫环审〔2021〕7号",
            eia_date="2020-1-20",
            start_date="2021年3月1日",
            remarks="  备注\u200b ",
            coal_substitution=None,
            investment="12,000.5",
        ),
    ]
    upload = upload_rows(agency_a, rows, tmp_path)
    assert upload.status == UploadStatus.PREVIEW, upload.errors
    reference, digest = ledger_import.ledger_reference_with_digest(
        ledger_import.rule_set_for(upload.as_of)
    )
    validated = validate_workbook(upload.file.path, reference).rows
    assert ledger_import.read_rows_spool(upload, digest) == validated


def test_a_tampered_spool_is_ignored_and_the_file_validated_again(agency_a, tmp_path, monkeypatch):
    upload = upload_rows(agency_a, two_projects(), tmp_path)
    spool = ledger_import.spool_path(upload)
    spool.write_bytes(spool.read_bytes().replace("高炉".encode(), "焦炉".encode()))
    readings = []
    validate = ledger_import.validate_workbook
    monkeypatch.setattr(
        ledger_import,
        "validate_workbook",
        lambda *args, **kwargs: readings.append(1) or validate(*args, **kwargs),
    )
    apply_upload(upload, agency_a, {})
    assert readings == [1]
    assert Project.objects.get(project_code=CODE_1).name == "高炉产能置换升级项目"


def test_a_spool_of_other_reference_data_is_not_used(agency_a, tmp_path):
    upload = upload_rows(agency_a, two_projects(), tmp_path)
    _reference, digest = ledger_import.ledger_reference_with_digest(
        ledger_import.rule_set_for(upload.as_of)
    )
    assert ledger_import.read_rows_spool(upload, digest) is not None
    assert ledger_import.read_rows_spool(upload, "0" * 64) is None
    other = LedgerUpload.objects.get(pk=upload.pk)
    other.pk += 1000  # a spool is bound to its upload
    assert ledger_import.read_rows_spool(other, digest) is None


def test_a_stored_file_that_changed_after_the_preview_is_refused(agency_a, tmp_path):
    upload = upload_rows(agency_a, two_projects(), tmp_path)
    rows = two_projects()
    rows[0]["name"] = "偷换的名称"
    write_ledger(Path(upload.file.path), rows)
    with pytest.raises(UploadRefused):
        apply_upload(upload, agency_a, {})
    assert not Project.objects.exists()
    assert LedgerUpload.objects.get(pk=upload.pk).status == UploadStatus.PREVIEW


def test_a_preview_made_before_a_rollback_cannot_be_applied(
    agency_a, provincial_reviewer, tmp_path, applied
):
    rows = two_projects()
    rows[0]["name"] = "新名称"
    changed = apply_upload(upload_rows(agency_a, rows, tmp_path, name="x.xlsx"), agency_a, {})
    stale = upload_rows(agency_a, rows, tmp_path, name="y.xlsx")  # previews "unchanged"
    rollback_upload(changed, provincial_reviewer, "报送有误")
    with pytest.raises(UploadRefused):
        apply_upload(stale, agency_a, {})
    assert Project.objects.get(project_code=CODE_1).name == "高炉产能置换升级项目"


def test_history_of_created_projects_is_compact_and_rollback_still_removes_them(
    agency_a, provincial_reviewer, applied
):
    created = ProjectChange.objects.filter(upload=applied, kind="created")
    assert created.count() == 2
    assert all(change.changes == {} for change in created)
    rollback_upload(applied, provincial_reviewer, "报送有误")
    assert set(Project.objects.values_list("status", flat=True)) == {ProjectStatus.REMOVED}


@pytest.mark.parametrize(
    "tamper",
    [
        lambda data: data[: data.rfind(b"\n")],  # the signature cut off
        lambda data: data + b"\n",  # something after the signature
        lambda data: data[: data.index(b"\n") + 1] + data[data.rfind(b"\n") + 1 :],  # no rows
        lambda data: data.replace(b"[", b"{", 2),  # not JSON any more
        lambda data: b"",
    ],
    ids=["unsigned", "trailing", "rows-removed", "garbled", "empty"],
)
def test_a_damaged_spool_reads_as_none(agency_a, tmp_path, tamper):
    """The spool is read in one streaming pass; nothing of it counts unless all of it is
    signed and whole."""
    upload = upload_rows(agency_a, two_projects(), tmp_path)
    _reference, digest = ledger_import.ledger_reference_with_digest(
        ledger_import.rule_set_for(upload.as_of)
    )
    spool = ledger_import.spool_path(upload)
    spool.write_bytes(tamper(spool.read_bytes()))
    raw_digests: dict[str, str] = {}
    assert ledger_import.read_rows_spool(upload, digest, raw_digests) is None
    assert raw_digests == {}
