"""load_indicators and set_annual_result with real .xlsx files written here (SPEC §8)."""

import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from screening.models import AnnualResult, EscalationEvent, IndicatorMonth
from tests.screening.early_warning.conftest import ANYANG

pytestmark = pytest.mark.django_db

HEADERS = [
    "地区",
    "月份",
    "能耗强度累计变化(%)",
    "年度能耗强度下降目标(%)",
    "累计能源消费总量(吨标准煤)",
    "年度能源消费总量预算(吨标准煤)",
    "累计煤炭消费量(吨)",
    "年度煤炭消费上限(吨)",
]


def workbook(path, rows, headers=HEADERS):
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return str(path)


def run(*args):
    """(exit status, stdout) of load_indicators."""
    import io

    out = io.StringIO()
    try:
        call_command("load_indicators", *args, stdout=out)
    except SystemExit as exit_:
        return exit_.code, out.getvalue()
    return 0, out.getvalue()


def test_it_loads_tiers_and_publishes_the_months(tmp_path):
    path = workbook(
        tmp_path / "ind.xlsx",
        [
            ["安阳市", "2024-01", 0.5, 3, 120, 1200, None, None],
            ["安阳", "2024-02", 0.4, 3, None, None, None, None],
            [410500, "2024-03", 0.3, 3, "300", "1,200", "", ""],
            ["郑州市", "2024-03", -3.5, "3.0", None, None, 50, 1200],
        ],
    )
    status, out = run(path, "--publish")
    assert status == 0, out
    months = IndicatorMonth.objects.filter(region__code=ANYANG).order_by("month")
    assert [m.tier for m in months] == ["red", "red", "red"]
    assert all(m.published_at for m in months)
    assert months[2].energy_budget_tce == 1200
    assert EscalationEvent.objects.filter(
        region__code=ANYANG, kind="restriction", ended_year__isnull=True
    ).exists()
    zhengzhou = IndicatorMonth.objects.get(region__code="410100")
    assert (zhengzhou.intensity_tier, zhengzhou.coal_tier, zhengzhou.tier) == (
        "green",
        "green",
        "green",
    )
    # The same file again changes nothing.
    status, out = run(path, "--publish")
    assert status == 0 and "0 new, 0 changed, 4 unchanged" in out


def test_without_publish_nothing_counts_yet(tmp_path):
    path = workbook(tmp_path / "ind.xlsx", [["安阳市", "2024-01", 0.5, 3, None, None, None, None]])
    assert run(path)[0] == 0
    assert IndicatorMonth.objects.get(region__code=ANYANG).published_at is None


def test_bad_cells_are_each_reported_and_nothing_is_stored(tmp_path):
    path = workbook(
        tmp_path / "ind.xlsx",
        [
            ["安阳市", "2024-13", None, None, None, None, None, None],
            ["北京市", "2024-01", None, None, None, None, None, None],
            ["河南省", "2024-01", None, None, None, None, None, None],
            ["郑州市", "2024-01", "约1.2", None, "-5", None, None, None],
            ["郑州市", "2024-02", None, 300, None, None, None, None],
            ["洛阳市", "2024-01", None, None, None, None, None, None],
            ["洛阳市", "2024-01", None, None, None, None, None, None],
            ["", "", None, None, None, None, None, None],
            ["开封市", "", None, None, None, None, None, None],
        ],
    )
    status, out = run(path, "--lang", "en")
    assert status == 1
    lines = out.splitlines()
    assert any(line.startswith("Row 2, 月份") for line in lines)
    assert any(line.startswith("Row 3, 地区") and "北京市" in line for line in lines)
    assert any(line.startswith("Row 4, 地区") and "province" in line for line in lines)
    assert any(line.startswith("Row 5, 能耗强度累计变化(%)") for line in lines)
    assert any(line.startswith("Row 5, 累计能源消费总量(吨标准煤)") for line in lines)
    assert any(line.startswith("Row 6, 年度能耗强度下降目标(%)") for line in lines)
    assert any(line.startswith("Row 8, 月份") and "row 7" in line for line in lines)
    assert any(line.startswith("Row 10, 月份") for line in lines)
    assert not any(line.startswith("Row 9") for line in lines)  # blank row skipped
    assert IndicatorMonth.objects.count() == 0


def test_a_missing_header_is_a_header_error_on_row_1(tmp_path):
    path = workbook(tmp_path / "ind.xlsx", [["安阳市", "2024-01"]], headers=["地区", "序号"])
    status, out = run(path, "--lang", "en")
    assert status == 1
    assert "Row 1, 月份" in out and "ignored columns: 序号" in out


def test_headers_are_matched_by_text_in_any_order_with_full_width_folded(tmp_path):
    headers = [
        "月份",
        "地区",
        "累计能源消费总量（吨标准煤）",
        "年度能源消费总量预算(吨标准煤)",
        "能耗强度累计变化(%)",
        "年度能耗强度下降目标(%)",
        "累计煤炭消费量(吨)",
        "年度煤炭消费上限 (吨)",
    ]
    path = workbook(tmp_path / "ind.xlsx", [["2024-06", "安阳市", 660, 1200]], headers)
    assert run(path)[0] == 0
    assert IndicatorMonth.objects.get(region__code=ANYANG).tier == "yellow"


def test_a_file_that_is_not_a_workbook_exits_2(tmp_path, capsys):
    path = tmp_path / "ind.xlsx"
    path.write_text("地区,月份\n安阳市,2024-01\n", encoding="utf-8")
    assert run(str(path))[0] == 2
    assert capsys.readouterr().err.strip()


def test_a_workbook_with_a_vba_project_exits_2(tmp_path):
    path = workbook(tmp_path / "ind.xlsx", [["安阳市", "2024-01"]])
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("xl/vbaProject.bin", b"\0" * 64)
    assert run(path)[0] == 2


def test_set_annual_result_records_and_updates():
    call_command(
        "set_annual_result", "410500", "2024", "--dual-control", "missed", "--pollutant", "met"
    )
    result = AnnualResult.objects.get(region__code=ANYANG, year=2024)
    assert (result.dual_control_met, result.pollutant_met) == (False, True)
    call_command(
        "set_annual_result", "安阳市", "2024", "--dual-control", "met", "--pollutant", "missed"
    )
    result.refresh_from_db()
    assert (result.dual_control_met, result.pollutant_met) == (True, False)
    assert AnnualResult.objects.count() == 1


@pytest.mark.parametrize(
    "args",
    [
        ["999999", "2024", "--dual-control", "met", "--pollutant", "met"],
        ["410000", "2024", "--dual-control", "met", "--pollutant", "met"],
        ["410500", "2999", "--dual-control", "met", "--pollutant", "met"],
    ],
)
def test_set_annual_result_refuses_bad_input(args):
    with pytest.raises(CommandError):
        call_command("set_annual_result", *args)
    assert AnnualResult.objects.count() == 0
