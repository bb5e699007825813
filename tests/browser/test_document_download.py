"""An officer previews a decision document on the transition form, confirms, and the agency
downloads the issued .docx from the case page in a real browser (issue 18)."""

import docx
import pytest
from django.urls import reverse

from screening.models import CaseState, IssuingOffice, Region
from tests.conftest import browser_login
from tests.factories import case_in_state

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_preview_reject_then_download_the_docx(
    page, tmp_path, agency_a, city_reviewer_a, provincial_reviewer
):
    IssuingOffice.objects.create(
        region=Region.objects.get(code="410000"),
        name="河南省发展和改革委员会",
        number_prefix="豫发改环资",
    )
    case = case_in_state(
        CaseState.PROVINCIAL_REVIEW, agency=agency_a, city=city_reviewer_a, non_compliant=True
    )
    browser_login(page, "province", "pw-province")
    page.goto(page.base_url + reverse("screening:case", args=[case.pk]))
    form = page.locator("#action-reject")
    page.locator("details", has=form).locator("summary").click()
    form.locator("[name=reject-reason]").fill("不符合国家产业政策。")
    with page.expect_navigation():
        form.locator("[name=preview]").click()
    preview = page.locator("#document-preview")
    assert "不予审批的意见" in preview.inner_text()
    assert "R13" in preview.inner_text()
    with page.expect_navigation():
        page.locator("#action-reject button[name=action]").click()
    assert page.locator("#case-state").inner_text() == CaseState.REJECTED.label
    page.locator("header form button[type=submit]").last.click()
    page.wait_for_load_state("networkidle")

    browser_login(page, "agency_a", "pw-agency_a")
    page.goto(page.base_url + reverse("screening:case", args=[case.pk]))
    with page.expect_download() as download_info:
        page.locator("#case-documents a.download-document").first.click()
    download = download_info.value
    assert download.suggested_filename.endswith("不予审批的意见.docx")
    path = tmp_path / "document.docx"
    download.save_as(path)
    opened = docx.Document(str(path))
    number = case.documents.get().number
    assert opened.paragraphs[2].text == number and number.startswith("豫发改环资〔")
    text = "\n".join(p.text for p in opened.paragraphs)
    assert "不符合国家产业政策。" in text and "R13" in text
