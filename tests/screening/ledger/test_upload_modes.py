"""Issue 15 "Uploads that say what they will do": the full and the add-or-update-only mode
(SPEC §3 import behaviour: missing projects need a reason), the reason for all missing
projects, and the screening outcome of each new or changed row shown before confirming."""

from __future__ import annotations

import orjson
import pytest
from django.core.management import call_command
from django.urls import reverse

from screening.models import (
    ChangeKind,
    LedgerUpload,
    Project,
    ProjectChange,
    ProjectStatus,
    RemovalReason,
    UploadScope,
    UploadStatus,
)
from tests.ledger_files import valid_row, write_ledger

CODE_A = "2104-410100-04-01-000001"
CODE_B = "2104-410100-04-01-000002"
CODE_C = "2104-410100-04-01-000003"


def post_file(client, path, scope=None, region="410100"):
    data = {"region": region}
    if scope is not None:
        data["scope"] = scope
    with path.open("rb") as handle:
        return client.post(reverse("screening:ledger"), {**data, "file": handle})


def upload_and_confirm(client, path, scope=None, post=None) -> LedgerUpload:
    post_file(client, path, scope)
    upload = LedgerUpload.objects.order_by("-pk").first()
    assert upload.status == UploadStatus.PREVIEW, upload.errors
    client.post(reverse("screening:upload_confirm", args=[upload.pk]), post or {})
    upload.refresh_from_db()
    return upload


@pytest.fixture
def ledger_of_two(client, agency_a, tmp_path):
    """A's ledger holds projects A and B (a first full upload)."""
    client.force_login(agency_a)
    rows = [
        valid_row(project_code=CODE_A, name="项目甲"),
        valid_row(project_code=CODE_B, name="项目乙"),
    ]
    upload = upload_and_confirm(client, write_ledger(tmp_path / "first.xlsx", rows))
    assert upload.status == UploadStatus.APPLIED
    return rows


def test_the_upload_page_says_a_full_upload_replaces_the_ledger(client, agency_a):
    client.force_login(agency_a)
    page = client.get(reverse("screening:ledger")).content.decode()
    assert "文件将成为本地区的台账" in page and "标记为移出台账" in page
    assert "只新增或更新" in page
    assert 'value="full"' in page and 'value="add_update"' in page


def test_full_mode_one_reason_for_all_missing_projects(client, ledger_of_two, tmp_path):
    """SPEC §3: every missing project needs a reason; one control gives it to all of them."""
    path = write_ledger(tmp_path / "only_c.xlsx", [valid_row(project_code=CODE_C)])
    post_file(client, path, UploadScope.FULL)
    upload = LedgerUpload.objects.order_by("-pk").first()
    page = client.get(reverse("screening:upload", args=[upload.pk])).content.decode()
    assert upload.scope == UploadScope.FULL
    assert 'id="count-missing">2<' in page
    assert "全量上传：确认后本文件将替换" in page and 'id="reason-all"' in page
    confirm = reverse("screening:upload_confirm", args=[upload.pk])
    # A row's own choice wins over the one for all.
    client.post(
        confirm,
        {
            "reason-all": RemovalReason.SHUT_DOWN,
            "note-all": "统一关停",
            f"reason-{CODE_A}": RemovalReason.CANCELLED,
        },
    )
    upload.refresh_from_db()
    assert upload.status == UploadStatus.APPLIED
    a, b = Project.objects.get(project_code=CODE_A), Project.objects.get(project_code=CODE_B)
    assert (a.status, a.removal_reason, a.removal_note) == (
        ProjectStatus.REMOVED,
        RemovalReason.CANCELLED,
        "",
    )
    assert (b.status, b.removal_reason, b.removal_note) == (
        ProjectStatus.REMOVED,
        RemovalReason.SHUT_DOWN,
        "统一关停",
    )


def test_full_mode_without_any_reason_is_refused_in_words(client, ledger_of_two, tmp_path):
    path = write_ledger(tmp_path / "only_c.xlsx", [valid_row(project_code=CODE_C)])
    post_file(client, path)
    upload = LedgerUpload.objects.order_by("-pk").first()
    response = client.post(reverse("screening:upload_confirm", args=[upload.pk]), {})
    assert response.status_code == 200
    assert "请为文件中缺少的每个项目选择原因" in response.content.decode()
    assert LedgerUpload.objects.get(pk=upload.pk).status == UploadStatus.PREVIEW
    assert Project.objects.filter(status=ProjectStatus.ACTIVE).count() == 2


def test_add_or_update_only_removes_nothing(client, ledger_of_two, tmp_path):
    rows = [valid_row(project_code=CODE_A, name="项目甲（改名）"), valid_row(project_code=CODE_C)]
    post_file(client, write_ledger(tmp_path / "partial.xlsx", rows), UploadScope.ADD_UPDATE)
    upload = LedgerUpload.objects.order_by("-pk").first()
    assert upload.scope == UploadScope.ADD_UPDATE
    assert upload.preview["counts"] == {
        "new": 1,
        "changed": 1,
        "unchanged": 0,
        "missing": 0,
        "kept": 1,
    }
    assert upload.preview["missing"] == []
    page = client.get(reverse("screening:upload", args=[upload.pk])).content.decode()
    assert 'id="count-kept">1<' in page and "只新增或更新：确认后" in page
    assert 'id="reason-all"' not in page
    client.post(reverse("screening:upload_confirm", args=[upload.pk]), {})
    upload.refresh_from_db()
    assert upload.status == UploadStatus.APPLIED
    assert upload.summary["missing"] == 0 and upload.summary["kept"] == 1
    assert set(
        Project.objects.filter(status=ProjectStatus.ACTIVE).values_list("project_code", flat=True)
    ) == {CODE_A, CODE_B, CODE_C}
    assert Project.objects.get(project_code=CODE_A).name == "项目甲（改名）"
    assert not ProjectChange.objects.filter(kind=ChangeKind.REMOVED).exists()
    # The history names the mode of each upload.
    home = client.get(reverse("screening:ledger")).content.decode()
    assert home.count('class="upload-scope">只新增或更新<') == 1
    assert home.count('class="upload-scope">全量台账（替换本地区台账）<') == 1


def test_a_full_upload_after_an_add_or_update_one_is_compared_again(
    client, ledger_of_two, tmp_path
):
    """The identical-file shortcut (issue 19) only trusts a full upload: after an add or
    update upload the ledger holds more than its file."""
    path = write_ledger(tmp_path / "a_only.xlsx", [valid_row(project_code=CODE_A, name="项目甲")])
    upload_and_confirm(client, path, UploadScope.ADD_UPDATE)
    post_file(client, path, UploadScope.FULL)
    upload = LedgerUpload.objects.order_by("-pk").first()
    assert upload.preview["counts"]["missing"] == 1
    assert [m["code"] for m in upload.preview["missing"]] == [CODE_B]


def test_the_preview_shows_each_new_projects_screening_in_words(client, agency_a, tmp_path):
    """Outcome labels (screening/labels.py) and rule titles (RULE_TITLES), counts by verdict;
    R09: 淘汰类 technology fails."""
    client.force_login(agency_a)
    rows = [
        valid_row(project_code=CODE_A, name="合规项目"),
        valid_row(project_code=CODE_B, name="淘汰类项目", tech_class="淘汰类"),
    ]
    post_file(client, write_ledger(tmp_path / "new.xlsx", rows))
    upload = LedgerUpload.objects.get()
    outcomes = upload.preview["outcomes"]
    assert outcomes[CODE_A]["verdict"] == "COMPLIANT"
    assert outcomes[CODE_B]["verdict"] == "NON_COMPLIANT"
    assert "R09" in outcomes[CODE_B]["failed"]
    assert upload.preview["verdicts"] == {"COMPLIANT": 1, "NON_COMPLIANT": 1}
    page = client.get(reverse("screening:upload", args=[upload.pk])).content.decode()
    assert '<table class="compact" id="new-projects">' in page
    assert "新增和变更项目的筛查结果" in page
    assert "台账中的项目都在文件中，不会移出任何项目" in page  # full mode, nothing missing
    assert 'data-verdict="COMPLIANT">1<' in page and 'data-verdict="NON_COMPLIANT">1<' in page
    assert "R09 工艺技术类别（淘汰类、限制类）" in page
    assert "NON_COMPLIANT<" not in page.replace('class="badge NON_COMPLIANT"', "")
    # Confirming still applies exactly what was previewed (outcomes are informational).
    client.post(reverse("screening:upload_confirm", args=[upload.pk]))
    assert LedgerUpload.objects.get().status == UploadStatus.APPLIED
    assert Project.objects.get(project_code=CODE_B).verdict == "NON_COMPLIANT"


def test_the_preview_shows_a_changed_projects_screening(client, ledger_of_two, tmp_path):
    rows = [
        valid_row(project_code=CODE_A, name="项目甲", tech_class="淘汰类"),
        valid_row(project_code=CODE_B, name="项目乙"),
    ]
    post_file(client, write_ledger(tmp_path / "changed.xlsx", rows))
    upload = LedgerUpload.objects.order_by("-pk").first()
    assert list(upload.preview["outcomes"]) == [CODE_A]
    page = client.get(
        reverse("screening:upload", args=[upload.pk]),
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert 'id="changed-projects"' in page and "R09 " in page


def test_import_ledger_add_or_update_only(agency_a, ledger_of_two, tmp_path, capsys):
    path = write_ledger(tmp_path / "c.xlsx", [valid_row(project_code=CODE_C)])
    call_command(
        "import_ledger",
        str(path),
        "--region",
        "410100",
        "--user",
        "agency_a",
        "--add-or-update-only",
        "--format",
        "json",
    )
    result = orjson.loads(capsys.readouterr().out)
    assert result["scope"] == "add_update" and result["status"] == "applied"
    assert result["counts"] == {"created": 1, "updated": 0, "unchanged": 0, "missing": 0, "kept": 2}
    assert Project.objects.filter(status=ProjectStatus.ACTIVE).count() == 3
