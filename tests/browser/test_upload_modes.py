"""Issue 15 in the browser: the two upload modes. A full upload says it replaces the region's
ledger and asks a reason for the missing projects (one control for all of them); an add or
update upload removes nothing. The preview shows each new project's screening in a table."""

import pytest

from screening.models import Project, ProjectStatus, RemovalReason
from tests.conftest import browser_login
from tests.ledger_files import valid_row, write_ledger

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODES = [f"2104-410100-04-01-00000{n}" for n in range(1, 5)]


def upload(page, path, mode_label):
    page.goto(page.base_url + "/ledger/")
    page.set_input_files("input[type=file]", str(path))
    page.get_by_label(mode_label).check()
    with page.expect_navigation():
        page.click("#check-file")


def test_full_and_add_or_update_uploads(page, agency_a, tmp_path):
    browser_login(page, "agency_a", "pw-agency_a")
    page.goto(page.base_url + "/ledger/")
    assert "文件将成为本地区的台账" in page.locator("#upload-scope").inner_text()

    first = write_ledger(
        tmp_path / "first.xlsx",
        [
            valid_row(project_code=CODES[0]),
            valid_row(project_code=CODES[1]),
            valid_row(project_code=CODES[2], tech_class="淘汰类"),
        ],
    )
    upload(page, first, "全量台账（替换本地区台账）")
    new = page.locator("#new-projects tbody tr")
    assert new.count() == 3
    assert "不符合" in new.nth(2).inner_text()
    assert "未通过的规则：R09 工艺技术类别" in new.nth(2).inner_text()
    assert page.locator("[data-verdict=NON_COMPLIANT]").inner_text() == "1"
    with page.expect_navigation():
        page.click("#confirm")

    # Add or update only: one new project, nothing removed, no reason asked.
    upload(
        page,
        write_ledger(tmp_path / "more.xlsx", [valid_row(project_code=CODES[3])]),
        "只新增或更新",
    )
    assert page.locator("#upload-scope").inner_text() == "只新增或更新"
    assert page.locator("#count-kept").inner_text() == "3"
    assert page.locator("#reason-all").count() == 0
    with page.expect_navigation():
        page.click("#confirm")
    assert Project.objects.filter(status=ProjectStatus.ACTIVE).count() == 4

    # Full: the file keeps only the first project; one reason for the three missing ones.
    upload(
        page,
        write_ledger(tmp_path / "full.xlsx", [valid_row(project_code=CODES[0])]),
        "全量台账（替换本地区台账）",
    )
    assert page.locator("#count-missing").inner_text() == "3"
    assert "替换" in page.locator("#scope-note").inner_text()
    page.select_option("#reason-all", RemovalReason.SHUT_DOWN)
    rows = page.locator("select.missing-reason")
    assert [rows.nth(i).input_value() for i in range(3)] == [RemovalReason.SHUT_DOWN] * 3
    rows.nth(0).select_option(RemovalReason.CANCELLED)
    with page.expect_navigation():
        page.click("#confirm")
    assert "已应用到台账" in page.content()
    removed = dict(
        Project.objects.filter(status=ProjectStatus.REMOVED).values_list(
            "project_code", "removal_reason"
        )
    )
    assert removed == {
        CODES[1]: RemovalReason.CANCELLED,
        CODES[2]: RemovalReason.SHUT_DOWN,
        CODES[3]: RemovalReason.SHUT_DOWN,
    }
    page.goto(page.base_url + "/ledger/")
    modes = page.locator("td.upload-scope").all_inner_texts()
    assert modes == ["全量台账（替换本地区台账）", "只新增或更新", "全量台账（替换本地区台账）"]


def test_header_hint_first_with_the_spec_header_errors_folded(page, agency_a, tmp_path):
    """SPEC §3: every missing header is an error at row 1; the page leads with the one hint
    (the headers sit under a title row) and folds the 36 header errors under <details>."""
    from openpyxl import Workbook

    from screening.ledger.xlsx.template import COLUMNS

    book = Workbook()
    sheet = book.active
    sheet.title = "郑州台账"
    sheet.append(["2024年郑州市两高项目台账"])
    sheet.append([c.header for c in COLUMNS])
    sheet.append([valid_row().get(c.key) for c in COLUMNS])
    path = tmp_path / "titled.xlsx"
    book.save(path)
    browser_login(page, "agency_a", "pw-agency_a")
    upload(page, path, "全量台账（替换本地区台账）")
    hint = page.locator("#hints .hint-text")
    assert hint.inner_text() == (
        "工作表“郑州台账”的表头应在第1行：表头在第2行，第1行看起来是标题，请删除"
    )
    assert hint.is_visible()
    summary = page.locator("details.header-errors summary")
    assert summary.inner_text() == f"查看全部 {len(COLUMNS)} 条表头错误"
    first_error = page.locator("details.header-errors tbody tr").first
    assert not first_error.is_visible()
    summary.click()
    assert first_error.is_visible() and "缺少表头“项目代码”" in first_error.inner_text()
    assert page.locator("details.header-errors tbody tr").count() == len(COLUMNS)
