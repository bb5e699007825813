"""Journey 1 (SPEC §1): an agency turns its Excel ledger into screened projects, sees exactly
what is wrong per cell, fixes and re-uploads, previews and confirms."""

import pytest

from tests.conftest import browser_login
from tests.ledger_files import valid_row, write_ledger

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def upload(page, path):
    page.goto(page.base_url + "/ledger/")
    page.set_input_files("input[type=file]", str(path))
    with page.expect_navigation():
        page.click("#check-file")


def test_upload_with_errors_fix_preview_confirm_and_see_projects(page, agency_a, tmp_path):
    browser_login(page, "agency_a", "pw-agency_a")
    bad = write_ledger(
        tmp_path / "台账.xlsx", [valid_row(uscc="91110000600037341X", annual_energy_tce="约1.2万")]
    )
    upload(page, bad)
    errors = page.locator("#errors tbody tr")
    assert errors.count() == 2
    assert "统一社会信用代码" in page.locator("#errors").inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="下载标注错误的文件").click()
    assert download.value.suggested_filename.endswith(".xlsx")

    good = write_ledger(tmp_path / "台账-改.xlsx", [valid_row()])
    upload(page, good)
    assert page.locator("#count-new").inner_text() == "1"
    with page.expect_navigation():
        page.click("#confirm")
    assert "已应用到台账" in page.content()

    page.goto(page.base_url + "/ledger/projects/")
    page.get_by_role("link", name="2104-410100-04-01-123456").click()
    findings = page.locator("#findings").inner_text()
    assert "R03" in findings and "通过" in findings
