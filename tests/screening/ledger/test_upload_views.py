"""The upload pages, downloads and project pages, scoped by region."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from screening.models import LedgerUpload, Project, UploadStatus
from tests.ledger_files import valid_row, write_ledger


def post_file(client, path, region="410100"):
    with path.open("rb") as handle:
        return client.post(reverse("screening:ledger"), {"region": region, "file": handle})


def test_upload_preview_confirm_through_the_pages(client, agency_a, tmp_path):
    client.force_login(agency_a)
    response = post_file(client, write_ledger(tmp_path / "a.xlsx", [valid_row()]))
    upload = LedgerUpload.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("screening:upload", args=[upload.pk])
    page = client.get(response.url).content.decode()
    assert 'id="count-new">1<' in page
    response = client.post(reverse("screening:upload_confirm", args=[upload.pk]))
    assert response.status_code == 302
    assert LedgerUpload.objects.get().status == UploadStatus.APPLIED
    project = Project.objects.get()
    page = client.get(reverse("screening:project", args=[project.pk])).content.decode()
    assert "R03" in page and "(四)2" in page


def test_an_invalid_upload_lists_errors_and_offers_the_marked_file(client, agency_a, tmp_path):
    client.force_login(agency_a)
    post_file(client, write_ledger(tmp_path / "bad.xlsx", [valid_row(annual_energy_tce="约1.2万")]))
    upload = LedgerUpload.objects.get()
    page = client.get(reverse("screening:upload", args=[upload.pk])).content.decode()
    assert "年综合能源消费量(吨标准煤)" in page
    response = client.get(reverse("screening:upload_file", args=[upload.pk, "annotated"]))
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert len(workbook.worksheets) >= 2


def test_a_file_that_is_not_a_workbook_is_refused_with_a_message(client, agency_a, tmp_path):
    client.force_login(agency_a)
    path = tmp_path / "ledger.xlsx"
    path.write_text("项目代码,项目名称\n1,2\n", encoding="utf-8")
    post_file(client, path)
    upload = LedgerUpload.objects.get()
    assert upload.status == UploadStatus.REFUSED
    page = client.get(reverse("screening:upload", args=[upload.pk])).content.decode()
    assert upload.message in page
    assert not Project.objects.exists()


@pytest.mark.parametrize("persona", ["agency_b", "city_reviewer_b", "agency_county"])
def test_other_regions_cannot_open_uploads_files_or_projects(
    client, agency_a, tmp_path, persona, request
):
    client.force_login(agency_a)
    post_file(client, write_ledger(tmp_path / "a.xlsx", [valid_row()]))
    upload = LedgerUpload.objects.get()
    client.post(reverse("screening:upload_confirm", args=[upload.pk]))
    project = Project.objects.get()
    client.force_login(request.getfixturevalue(persona))
    for url in [
        reverse("screening:upload", args=[upload.pk]),
        reverse("screening:upload_status", args=[upload.pk]),
        reverse("screening:upload_file", args=[upload.pk, "original"]),
        reverse("screening:project", args=[project.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    assert project.project_code not in client.get(reverse("screening:projects")).content.decode()
    export = client.get(reverse("screening:ledger_export"))
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).worksheets[0]
    assert sheet.max_row == 1  # the header only


def test_only_the_uploader_confirms(client, agency_a, city_reviewer_a, tmp_path):
    client.force_login(agency_a)
    post_file(client, write_ledger(tmp_path / "a.xlsx", [valid_row()]))
    upload = LedgerUpload.objects.get()
    client.force_login(city_reviewer_a)
    client.post(reverse("screening:upload_confirm", args=[upload.pk]))
    assert LedgerUpload.objects.get().status == UploadStatus.PREVIEW
    assert not Project.objects.exists()


def test_project_list_query_count_does_not_grow_with_rows(
    client, agency_a, tmp_path, django_assert_max_num_queries
):
    from tests.factories import ProjectFactory

    for _ in range(30):
        ProjectFactory()
    client.force_login(agency_a)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("screening:projects"))
    assert response.status_code == 200


def test_the_template_has_every_header_and_drop_downs(client, agency_a):
    from screening.ledger.xlsx.template import HEADERS

    client.force_login(agency_a)
    response = client.get(reverse("screening:ledger_template"))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.worksheets[0]
    assert tuple(c.value for c in sheet[1]) == HEADERS
    assert len(sheet.data_validations.dataValidation) >= 10
    assert workbook.sheetnames[1] == "填表说明"


def test_export_writes_formula_looking_text_as_text(client, agency_a):
    from tests.factories import ProjectFactory

    ProjectFactory(name='=HYPERLINK("http://x")', remarks="@SUM(A1)")
    client.force_login(agency_a)
    response = client.get(reverse("screening:ledger_export"))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    header = [c.value for c in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("项目名称") + 1)
    assert cell.data_type == "s"
    assert cell.value == '=HYPERLINK("http://x")'
