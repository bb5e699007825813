"""Where a document reaches people: the case page (list, timeline, download), the document
page with its versions and the correction form, the preview on the transition form, the API,
and the case notice e-mail."""

import io

import docx
from django.core import mail
from django.urls import reverse

from screening.cases import services as workflow
from screening.models import DecisionDocument
from tests.api.conftest import token_client
from tests.conftest import make_user
from tests.screening.documents.conftest import evaluated, in_review, number


def rejected(people):
    case = in_review(people, non_compliant=True)
    workflow.reject_case(case, acting_user=people["province"], reason="不符合产业政策。")
    return case, case.documents.get()


def test_the_case_page_lists_the_document_and_the_timeline_links_it(client, people, offices):
    case, document = rejected(people)
    client.force_login(people["agency"])
    page = client.get(reverse("screening:case", args=[case.pk])).content.decode()
    assert 'id="case-documents"' in page and number(1) in page
    assert reverse("screening:document_file", args=[document.pk]) in page
    assert 'class="timeline-document"' in page


def test_the_download_is_the_stored_docx(client, people, offices):
    _case, document = rejected(people)
    client.force_login(people["agency"])
    response = client.get(reverse("screening:document_file", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    opened = docx.Document(io.BytesIO(b"".join(response.streaming_content)))
    assert opened.paragraphs[2].text == number(1)


def test_another_regions_user_gets_404(client, people, offices):
    _case, document = rejected(people)
    client.force_login(make_user("agency_ly", "agency", "410300"))
    for name in ("document", "document_file"):
        assert client.get(reverse(f"screening:{name}", args=[document.pk])).status_code == 404


def test_the_document_page_shows_the_text_and_the_correction_form_to_the_province(
    client, people, offices
):
    _case, document = rejected(people)
    client.force_login(people["agency"])
    page = client.get(reverse("screening:document", args=[document.pk])).content.decode()
    assert "不予审批的意见" in page and 'id="correct-document"' not in page
    assert (
        client.post(
            reverse("screening:document_correct", args=[document.pk]), {"reason": "x"}
        ).status_code
        == 403
    )
    client.force_login(people["province"])
    page = client.get(reverse("screening:document", args=[document.pk])).content.decode()
    assert 'id="correct-document"' in page
    response = client.post(
        reverse("screening:document_correct", args=[document.pk]),
        {"reason": "", "opinion": "新意见"},
    )
    assert response.status_code == 400 and DecisionDocument.objects.count() == 1
    response = client.post(
        reverse("screening:document_correct", args=[document.pk]),
        {"reason": "补充理由", "opinion": "新意见", "addressee": "", "copy_to": "河南省生态环境厅"},
    )
    corrected = DecisionDocument.objects.get(version=2)
    assert response.status_code == 302 and corrected.number == document.number
    page = client.get(reverse("screening:document", args=[document.pk])).content.decode()
    assert 'id="correct-document"' not in page  # the superseded version is not corrected
    assert reverse("screening:document", args=[corrected.pk]) in page


def test_the_transition_form_previews_the_document_without_issuing_it(client, people, offices):
    case = in_review(people, non_compliant=True)
    client.force_login(people["province"])
    page = client.get(reverse("screening:case", args=[case.pk])).content.decode()
    preview_url = reverse("screening:case_document_preview", args=[case.pk, "reject"])
    assert f'formaction="{preview_url}"' in page
    response = client.post(
        preview_url, {"reject-expected_state": case.state, "reject-reason": "不符合国家产业政策。"}
    )
    page = response.content.decode()
    assert response.status_code == 200 and 'id="document-preview"' in page
    assert "不予审批的意见" in page and "不符合国家产业政策。" in page
    assert "R13" in page and "序号（确认时编定）" in page
    assert "不符合国家产业政策。</textarea>" in page  # the input stays in the form
    assert not DecisionDocument.objects.exists()
    case.refresh_from_db()
    assert case.state == "provincial_review"


def test_a_preview_with_invalid_input_says_what_is_wrong(client, people, offices):
    case = in_review(people)
    client.force_login(people["province"])
    url = reverse("screening:case_document_preview", args=[case.pk, "order_rectification"])
    response = client.post(
        url,
        {
            "order_rectification-expected_state": case.state,
            "order_rectification-disposition": "RECTIFY",
        },
    )
    assert response.status_code == 400 and not DecisionDocument.objects.exists()
    assert (
        client.post(
            reverse("screening:case_document_preview", args=[case.pk, "forward"]), {}
        ).status_code
        == 404
    )


def test_the_api_lists_a_cases_documents_and_serves_the_file(people, offices):
    case, document = rejected(people)
    api = token_client(people["agency"])
    response = api.get(f"/api/cases/{case.pk}/documents/")
    assert response.status_code == 200
    (item,) = response.json()
    assert item["number"] == number(1) and item["kind"] == "rejection"
    assert item["version"] == 1 and item["current"] is True and item["blanks"] == []
    download = api.get(item["file"])
    assert download.status_code == 200
    opened = docx.Document(io.BytesIO(b"".join(download.streaming_content)))
    assert opened.paragraphs[2].text == number(1)
    other = token_client(make_user("agency_ly", "agency", "410300"))
    assert other.get(f"/api/cases/{case.pk}/documents/").status_code == 404
    assert other.get(f"/api/documents/{document.pk}/file/").status_code == 404


def test_the_case_notice_carries_the_document(people, offices, django_capture_on_commit_callbacks):
    case = evaluated(in_review(people), people["province"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.approve_case(case, acting_user=people["province"], comment="同意。")
    (message,) = mail.outbox
    (name, content, mime) = message.attachments[0]
    assert name == f"{number(1)}关于{case.project.name}的审查意见.docx"
    assert mime.endswith("wordprocessingml.document")
    assert docx.Document(io.BytesIO(content)).paragraphs[2].text == number(1)


def test_only_who_may_take_the_step_gets_its_preview(client, people, offices):
    case = in_review(people, non_compliant=True)
    client.force_login(people["agency"])
    url = reverse("screening:case_document_preview", args=[case.pk, "reject"])
    response = client.post(url, {"reject-expected_state": case.state, "reject-reason": "x"})
    assert response.status_code == 403
    assert 'id="document-preview"' not in response.content.decode()


def test_the_office_settings_are_edited_in_the_region_admin(client, db):
    from screening.models import IssuingOffice, Region

    admin = make_user("root", "admin", "410000", is_staff=True, is_superuser=True)
    client.force_login(admin)
    province = Region.objects.get(code="410000")
    url = reverse("admin:screening_region_change", args=[province.pk])
    page = client.get(url).content.decode()
    assert "issuing_office-0-number_prefix" in page
    form = {
        "code": province.code,
        "name": province.name,
        "name_en": province.name_en,
        "level": province.level,
        "aliases": "[]",
        "is_project_region": "",
        "attributes-TOTAL_FORMS": "0",
        "attributes-INITIAL_FORMS": "0",
        "issuing_office-TOTAL_FORMS": "1",
        "issuing_office-INITIAL_FORMS": "0",
        "issuing_office-0-name": "河南省发展和改革委员会",
        "issuing_office-0-number_prefix": "豫发改环资",
        "issuing_office-0-copy_to": "",
    }
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    office = IssuingOffice.objects.get(region=province)
    assert (office.name, office.number_prefix) == ("河南省发展和改革委员会", "豫发改环资")
