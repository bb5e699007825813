"""Every header and cell rule of SPEC §3, on real workbooks."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from screening.ledger.xlsx.template import COLUMNS, HEADERS
from screening.ledger.xlsx.validate import validate_workbook
from screening.rules.types import ConstructionType, Sector, Stage, TechClass
from tests.screening.ledger.xlsx.conftest import row_values


@pytest.fixture
def one_row(write_ledger, reference):
    """one_row(**cells) → (ProjectInput or None, {column: [messages]}) for a single row."""

    def check(**cells):
        result = validate_workbook(write_ledger([row_values(list(HEADERS), **cells)]), reference)
        assert not result.header_errors
        errors: dict[str, list[str]] = {}
        for error in result.errors:
            assert error.row == 2
            errors.setdefault(error.column, []).append(error.message_zh)
        return (result.rows[0][1] if result.rows else None), errors

    return check


def test_the_template_has_the_36_columns_in_order():
    assert len(COLUMNS) == 36 and [c.number for c in COLUMNS] == list(range(1, 37))
    assert HEADERS[0] == "项目代码" and HEADERS[35] == "备注"


def test_a_valid_row_becomes_a_project_input(one_row):
    project, errors = one_row()
    assert errors == {}
    assert project.project_code == "2104-410100-04-01-123456"
    assert project.region == "410100"
    assert project.sector is Sector.COKING and project.stage is Stage.PLANNED
    assert project.construction_type is ConstructionType.NEW
    assert project.tech_class is TechClass.PERMITTED
    assert project.product == "焦炭 (顶装焦炉)"
    assert project.annual_energy_tce == Decimal(120000)
    assert project.energy_review_date == datetime.date(2021, 5, 6)
    assert project.policy_fit is True and project.livelihood is False
    assert project.pollutant_control is None and project.remarks is None


# ------------------------------------------------------------------------------- headers


def test_headers_match_after_folding_and_white_space_removal(write_ledger, reference):
    headers = list(HEADERS)
    headers[9] = " 年综合能源消费量（吨标准煤） "
    headers[0] = "项目\u200b代 码"
    result = validate_workbook(write_ledger([row_values(list(HEADERS))], headers), reference)
    assert result.ok and len(result.rows) == 1


def test_missing_and_duplicate_headers_are_reported_and_no_row_is_validated(
    write_ledger, reference
):
    headers = [h for h in HEADERS if h != "所在地区"] + ["项目名称", " 序号 ", None, "序号"]
    result = validate_workbook(write_ledger([["garbage"]], headers), reference)
    assert [(e.row, e.column) for e in result.header_errors] == [(1, "项目名称"), (1, "所在地区")]
    assert "缺少表头“所在地区”" in result.header_errors[1].message_zh
    assert "出现了2次" in result.header_errors[0].message_zh
    assert result.ignored_columns == ("序号",)
    assert result.rows == [] and result.errors == []


def test_unknown_columns_are_ignored_and_blank_in_template_columns_is_a_blank_row(
    write_ledger, reference
):
    headers = ["序号", *HEADERS]
    rows = [
        [1, *row_values(list(HEADERS))],
        [2] + [None] * 36,
        [3, *row_values(list(HEADERS), 项目代码="2104-410100-04-01-000002")],
    ]
    result = validate_workbook(write_ledger(rows, headers), reference)
    assert result.ignored_columns == ("序号",)
    assert [row for row, _ in result.rows] == [2, 4]
    assert result.data_rows == 2


# ------------------------------------------------------------------------------ columns


@pytest.mark.parametrize("header", [c.header for c in COLUMNS if c.required])
def test_required_columns(one_row, header):
    _, errors = one_row(**{header: None})
    assert errors[header] == [f"第2行〔{header}〕不能为空"]


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("2104-410100-04-01-123456", True),
        ("２１０４－４１０１００－０４－０１－１２３４５６", True),
        ("2100-410100-04-01-123456", False),
        ("2113-410100-04-01-123456", False),
        ("2112-410100-04-01-123456", True),
        ("2104-410100-04-01-12345", False),
        ("2104 410100 04 01 123456", False),
        ("\u200b2104-410100-04-01-123456 ", True),
    ],
)
def test_project_code(one_row, value, ok):
    project, errors = one_row(项目代码=value)
    assert (errors == {}) is ok, errors
    if ok:
        assert project.project_code.isascii() and len(project.project_code) == 24


def test_duplicate_project_codes_name_the_first_row(write_ledger, reference):
    same = row_values(list(HEADERS))
    bad = row_values(list(HEADERS), 项目代码="bad", 统一社会信用代码="x")
    result = validate_workbook(write_ledger([same, bad, same, bad]), reference)
    assert [row for row, _ in result.rows] == [2]
    messages = [(e.row, e.column, e.message_zh) for e in result.errors if e.column == "项目代码"]
    assert (4, "项目代码", "第4行〔项目代码〕与第2行重复") in messages
    assert (5, "项目代码", "第5行〔项目代码〕与第3行重复") in messages


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("91110000600037341L", None),
        ("91110108551385082Q", None),
        ("9111 0000 6000 3734 1l", None),
        ("９１１１００００６０００３７３４１Ｌ", None),
        ("91110000600037341M", "校验位错误（第18位应为“L”）"),
        ("9111000060003734", "应为18位"),
        ("91110000600037341I", "不允许的字符“I”"),
    ],
)
def test_uscc(one_row, value, message):
    project, errors = one_row(统一社会信用代码=value)
    if message is None:
        assert errors == {} and project.uscc == "91110000600037341L" or value.startswith("9111010")
    else:
        assert message in errors["统一社会信用代码"][0]


def test_uscc_starting_with_a_n_or_y_is_valid(one_row):
    from screening.ledger.xlsx.parsers import uscc_check_character

    for head in "ANY":
        body = head + "1110000600037341"
        _, errors = one_row(统一社会信用代码=body + uscc_check_character(body))
        assert errors == {}


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("郑州市", "410100"),
        ("郑州", "410100"),
        ("410100", "410100"),
        (410100, "410100"),
        ("济源示范区", "419001"),
        ("郑州航空港区", "410173"),
        ("　郑州市　", "410100"),
        ("河南省", None),
        (410000, None),
        ("北京市", None),
    ],
)
def test_region(one_row, value, code):
    project, errors = one_row(所在地区=value)
    if code:
        assert project.region == code
    else:
        assert "所在地区" in errors


@pytest.mark.parametrize(
    ("value", "ok"), [("焦化", True), ("钢铁", False), ("焦 化", False), ("其他", False)]
)
def test_sector_and_product_family(one_row, value, ok):
    _, errors = one_row(所属行业=value)
    assert (errors == {}) is ok
    if value == "钢铁":
        assert "不属于所属行业“钢铁”" in errors["产品/工序"][0]


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("焦炭 (顶装焦炉)", True),
        ("焦炭（顶装焦炉）", True),
        ("焦炭(顶装焦炉)", True),
        ("焦炭", False),
        (None, True),
    ],
)
def test_product_key(one_row, value, ok):
    project, errors = one_row(**{"产品/工序": value})
    assert (errors == {}) is ok, errors
    if value and ok:
        assert project.product == "焦炭 (顶装焦炉)"


@pytest.mark.parametrize(
    ("value", "ok"),
    [("kgce/t", True), ("KGCE / T", True), ("ｋｇｃｅ／ｔ", True), ("kgoe/t", False)],
)
def test_unit_energy_unit_is_the_products_unit(one_row, value, ok):
    _, errors = one_row(单位产品能耗单位=value)
    assert (errors == {}) is ok
    _, errors = one_row(单位产品能耗单位=value, 设计单位产品能耗=None)  # even without 17
    assert (errors == {}) is ok


def test_square_metres_match_m2(write_ledger, reference):
    for unit in ("kgce/m²", "kgce/m2", "kgce/㎡"):
        cells = row_values(
            list(HEADERS),
            所属行业="建材",
            单位产品能耗单位=unit,
            **{"产品/工序": "建筑陶瓷 (E≤0.5%)"},
        )
        assert validate_workbook(write_ledger([cells]), reference).ok


def test_required_if_rules_are_reported_on_the_dependent_column(one_row):
    _, errors = one_row(单位产品能耗单位=None)
    assert list(errors) == ["单位产品能耗单位"]
    _, errors = one_row(单位产品能耗单位=None, 设计单位产品能耗="abc")  # given, even invalid
    assert set(errors) == {"设计单位产品能耗", "单位产品能耗单位"}
    _, errors = one_row(产能单位=None)
    assert list(errors) == ["产能单位"]
    _, errors = one_row(产能单位=None, 新增产能=0, 置换产能=0)
    assert errors == {}
    _, errors = one_row(产能单位=None, 新增产能="x", 置换产能=None)
    assert list(errors) == ["新增产能"]  # 13 is not a valid number > 0
    _, errors = one_row(节能审查日期=None)
    assert list(errors) == ["节能审查日期"]
    _, errors = one_row(环评批复文号="豫环审〔2021〕1号")
    assert list(errors) == ["环评批复日期"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (12000, Decimal(12000)),
        ("12000", Decimal(12000)),
        ("12,000.5", Decimal("12000.5")),
        ("１２，０００", Decimal(12000)),
        ("0", Decimal(0)),
        ("-0", Decimal(0)),
        (-0.0, Decimal(0)),
        (0.1, Decimal("0.1")),
        ("1000000000000", Decimal(10**12)),
        (1e12, Decimal(10**12)),
        ("约1.2万", None),
        ("N/A", None),
        ("1e4", None),
        ("+20000", None),
        ("1,2345", None),
        ("12 000", None),
        ("-5", None),
        (-5, None),
        ("1000000000001", None),
        (1e13, None),
        ("٣", None),
        (True, None),
        ("nan", None),
        ("inf", None),
        (".5", None),
        ("5.", None),
    ],
)
def test_numbers(one_row, value, expected):
    project, errors = one_row(**{"年综合能源消费量(吨标准煤)": value})
    if expected is None:
        assert "年综合能源消费量(吨标准煤)" in errors
    else:
        assert errors == {} and project.annual_energy_tce == expected


def test_unit_energy_may_be_negative(one_row):
    project, errors = one_row(设计单位产品能耗=-30)
    assert errors == {} and project.unit_energy == Decimal(-30)
    project, _ = one_row(设计单位产品能耗="-1,234.5")
    assert project.unit_energy == Decimal("-1234.5")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime.date(2021, 5, 6), datetime.date(2021, 5, 6)),
        (datetime.datetime(2021, 5, 6, 13, 30), datetime.date(2021, 5, 6)),
        (20210506, datetime.date(2021, 5, 6)),
        ("20210506", datetime.date(2021, 5, 6)),
        ("2021-5-6", datetime.date(2021, 5, 6)),
        ("2021/05/06", datetime.date(2021, 5, 6)),
        ("2021.5.6", datetime.date(2021, 5, 6)),
        ("2021年5月6日", datetime.date(2021, 5, 6)),
        ("２０２１－０５－０６", datetime.date(2021, 5, 6)),
        ("1990-1-1", datetime.date(1990, 1, 1)),
        ("2100-12-31", datetime.date(2100, 12, 31)),
        ("1989-12-31", None),
        ("2101-01-01", None),
        ("2021-02-29", None),
        ("2021-5/6", None),
        ("2021-05-06 10:00", None),
        ("21-5-6", None),
        (44322, None),
        ("2021年5月6", None),
        (datetime.time(5, 6), None),
    ],
)
def test_dates(one_row, value, expected):
    project, errors = one_row(节能审查日期=value)
    if expected is None:
        assert "节能审查日期" in errors
    else:
        assert errors == {} and project.energy_review_date == expected


def test_operation_before_start_is_an_error_on_operation_date(one_row):
    _, errors = one_row(开工日期="2022-01-02", 投产日期="2022-01-01")
    assert list(errors) == ["投产日期"] and "早于开工日期（2022-01-02）" in errors["投产日期"][0]
    _, errors = one_row(开工日期="2022-01-02", 投产日期="2022-01-02")
    assert errors == {}


@pytest.mark.parametrize(
    ("header", "value", "expected"),
    [
        ("符合产业政策和规划", "否", False),
        ("符合产业政策和规划", "是", True),
        ("落实污染物总量控制", None, None),
        ("落实污染物总量控制", "否", False),
        ("民生或基础设施项目", None, False),
        ("民生或基础设施项目", "是", True),
        ("落实煤炭消费减量替代", "不是", "error"),
        ("落实煤炭消费减量替代", True, "error"),
    ],
)
def test_yes_no_columns(one_row, header, value, expected):
    project, errors = one_row(**{header: value})
    if expected == "error":
        assert "应为以下之一：是、否" in errors[header][0]
    else:
        key = next(c.key for c in COLUMNS if c.header == header)
        assert getattr(project, key) is expected


def test_text_is_cleaned_and_limited(one_row):
    project, errors = one_row(项目名称="\u202e\u200b 焦化\t项目\n \ufeff", 备注="x" * 4000)
    assert errors == {} and project.name == "焦化项目" and len(project.remarks) == 4000
    _, errors = one_row(备注="x" * 4001, 项目名称="y" * 1001)
    assert "超过4,000个字符" in errors["备注"][0] and "超过1,000个字符" in errors["项目名称"][0]
    _, errors = one_row(项目名称="\u200b \u3000")
    assert errors["项目名称"] == ["第2行〔项目名称〕不能为空"]


def test_formula_text_and_numbers_in_text_columns(one_row):
    project, errors = one_row(项目名称=12345, 备注="-1+1")
    assert errors == {}
    assert project.name == "12345" and project.remarks == "-1+1"
    _, errors = one_row(备注="=1+1")  # openpyxl stores it as a formula with no saved value
    assert "公式" in errors["备注"][0]


def test_errors_are_sorted_by_row_then_template_column(write_ledger, reference):
    rows = [
        row_values(list(HEADERS), 备注="x" * 5000, 项目代码="bad", 所在地区="?"),
        row_values(list(HEADERS), 项目代码="2104-410100-04-01-000009", 投产日期="x"),
    ]
    result = validate_workbook(write_ledger(rows), reference)
    assert [(e.row, e.column) for e in result.errors] == [
        (2, "项目代码"),
        (2, "所在地区"),
        (2, "备注"),
        (3, "投产日期"),
    ]
    first = result.errors[0]
    assert first.value == "bad" and first.message_en.startswith("Row 2, 项目代码 (project code):")
    assert result.invalid_rows == 2 and result.rows == []


def test_excel_errors_and_unsaved_formulas_are_cell_errors(write_ledger, reference):
    def poison(workbook, sheet):
        sheet["B2"] = "=A1&A1"  # openpyxl saves formulas without a value

    result = validate_workbook(write_ledger([{}], before=poison), reference)
    assert [(e.column, e.value) for e in result.errors] == [("项目名称", "(公式)")]
    assert "请用Excel打开并保存" in result.errors[0].message_zh
