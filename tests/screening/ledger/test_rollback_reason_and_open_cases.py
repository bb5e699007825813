"""Rolling back asks for confirmation and a reason, kept on the upload and shown to the
uploader; a full upload that drops a project under an open review case names the case and its
state in the preview (issue 13 item 7)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from screening.cases import services as workflow
from screening.ledger.rollback import rollback_upload
from screening.ledger.services import (
    UploadRefused,
    apply_upload,
)
from screening.models import LedgerUpload, Project, UploadStatus
from tests.ledger_files import valid_row
from tests.screening.ledger.test_upload_flow import CODE_2, two_projects, upload_rows


@pytest.fixture
def applied(agency_a, tmp_path):
    upload = upload_rows(agency_a, two_projects(), tmp_path)
    assert upload.status == UploadStatus.PREVIEW, upload.errors
    return apply_upload(upload, agency_a, {})


def test_a_rollback_needs_a_reason_and_keeps_it(applied, provincial_reviewer):
    for blank in ("", "   "):
        with pytest.raises(UploadRefused):
            rollback_upload(applied, provincial_reviewer, blank)
    assert LedgerUpload.objects.get(pk=applied.pk).status == UploadStatus.APPLIED
    rollback_upload(applied, provincial_reviewer, "  与市局核对后误报  ")
    kept = LedgerUpload.objects.get(pk=applied.pk)
    assert kept.status == UploadStatus.ROLLED_BACK
    assert kept.rollback_reason == "与市局核对后误报"


def test_the_rollback_button_asks_for_confirmation_first(client, applied, provincial_reviewer):
    client.force_login(provincial_reviewer)
    upload_page = client.get(reverse("screening:upload", args=[applied.pk])).content.decode()
    url = reverse("screening:upload_rollback", args=[applied.pk])
    assert f'href="{url}"' in upload_page  # a link to the confirmation, not a one-click form
    confirm = client.get(url)
    assert confirm.status_code == 200 and 'name="reason"' in confirm.content.decode()
    assert LedgerUpload.objects.get(pk=applied.pk).status == UploadStatus.APPLIED
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400
    assert LedgerUpload.objects.get(pk=applied.pk).status == UploadStatus.APPLIED
    done = client.post(url, {"reason": "重复报送"})
    assert done.status_code == 302
    assert LedgerUpload.objects.get(pk=applied.pk).rollback_reason == "重复报送"


def test_the_uploader_sees_who_rolled_back_and_why(client, applied, agency_a, provincial_reviewer):
    rollback_upload(applied, provincial_reviewer, "重复报送")
    client.force_login(agency_a)
    page = client.get(reverse("screening:upload", args=[applied.pk])).content.decode()
    assert 'id="rollback-note"' in page and "重复报送" in page


def test_an_agency_is_offered_no_rollback(client, applied, agency_a):
    client.force_login(agency_a)
    url = reverse("screening:upload_rollback", args=[applied.pk])
    assert url not in client.get(reverse("screening:upload", args=[applied.pk])).content.decode()
    client.post(url, {"reason": "x"})
    assert LedgerUpload.objects.get(pk=applied.pk).status == UploadStatus.APPLIED


def test_the_preview_names_the_open_case_of_a_project_leaving_the_ledger(
    client, applied, agency_a, city_reviewer_a, tmp_path
):
    project = Project.objects.get(project_code=CODE_2)
    case = workflow.open_case(project, acting_user=agency_a)
    workflow.submit_case(case, acting_user=agency_a)
    # The next full upload holds only the first project.
    preview = upload_rows(agency_a, [valid_row()], tmp_path, name="only-one.xlsx")
    assert preview.preview["open_cases"] == {
        CODE_2: {"id": case.pk, "cycle": 1, "state": "submitted"}
    }
    client.force_login(agency_a)
    page = client.get(reverse("screening:upload", args=[preview.pk])).content.decode()
    assert f'data-case="{case.pk}"' in page and 'id="missing-open-cases"' in page
    assert reverse("screening:case", args=[case.pk]) in page
    # The case moving on meanwhile does not make the preview stale.
    workflow.forward_case(case, acting_user=city_reviewer_a, opinion="同意")
    apply_upload(preview, agency_a, {CODE_2: ("cancelled", "")})
    assert Project.objects.get(project_code=CODE_2).status == "removed"
    page = client.get(reverse("screening:case", args=[case.pk])).content.decode()
    assert 'id="left-ledger"' in page
