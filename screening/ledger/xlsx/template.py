"""The ledger (台账) template: the one definition of its 36 columns (SPEC §3).

The validator, the template download, the ledger export and the annotated error workbook all
read this table, so a header text or a rule is changed in one place only.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from screening.rules.types import ConstructionType, Sector, Stage, TechClass

TEXT_MAX_LENGTH = 1_000
REMARKS_MAX_LENGTH = 4_000


class Kind(enum.StrEnum):
    """How a cell of a column is read and checked."""

    TEXT = "text"
    PROJECT_CODE = "code"
    USCC = "uscc"
    REGION = "region"
    ENUM = "enum"
    PRODUCT = "product"
    NUMBER = "number"  # ≥ 0
    SIGNED_NUMBER = "signed number"  # may be negative (转炉工序 has negative benchmarks)
    UNIT = "unit"
    DATE = "date"
    YESNO = "yesno"


class RequiredIf(enum.StrEnum):
    """When a conditionally required column must be given (reported on that column)."""

    ALL_GIVEN = "all_given"  # every trigger column is non-blank after cleaning, valid or not
    ANY_POSITIVE = "any_positive"  # some trigger column is a valid number > 0


@dataclass(frozen=True, slots=True)
class Column:
    """One template column: where it sits, what it is called and what a cell may hold."""

    number: int  # 1-based position in the template
    header: str  # canonical header text, also the `column` of every error
    key: str  # field name of ProjectInput
    kind: Kind
    label_en: str
    required: bool = False
    required_if: RequiredIf | None = None
    required_if_keys: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()  # enumerated values, in drop-down order
    max_length: int = TEXT_MAX_LENGTH
    blank_default: object = None  # value a blank cell stands for (民生或基础设施项目: 否)
    help_zh: str = ""  # shown in the template's instructions sheet

    @property
    def is_code(self) -> bool:
        """Codes and document numbers: written and typed as text (number_format "@"), so
        Excel keeps every digit (issue 15)."""
        return self.kind in (Kind.PROJECT_CODE, Kind.USCC) or self.key in CODE_TEXT_KEYS


YES, NO = "是", "否"
# Text columns holding codes or document numbers (文号), formatted as text in the template.
CODE_TEXT_KEYS = frozenset({"replacement_plan_ref", "energy_review_ref", "eia_ref", "approval_ref"})
TEXT_FORMAT = "@"
# The screening outcome the ledger export appends after the template's columns (issue 15);
# the reader drops these headers, so an exported file uploads again unchanged.
SCREENING_HEADERS = ("筛查结论", "处置建议", "未通过的规则")


def _values(enum_type: type[enum.StrEnum]) -> tuple[str, ...]:
    return tuple(member.value for member in enum_type)


COLUMNS: tuple[Column, ...] = (
    Column(
        1,
        "项目代码",
        "project_code",
        Kind.PROJECT_CODE,
        "project code",
        required=True,
        help_zh="投资项目代码，格式 YYMM-XXXXXX-XX-XX-XXXXXX（如 2104-410100-04-01-123456），"
        "文件内不得重复",
    ),
    Column(2, "项目名称", "name", Kind.TEXT, "project name", required=True),
    Column(3, "建设单位", "enterprise", Kind.TEXT, "enterprise", required=True),
    Column(
        4,
        "统一社会信用代码",
        "uscc",
        Kind.USCC,
        "unified social credit code",
        required=True,
        help_zh="18位统一社会信用代码（GB 32100），校验位须正确",
    ),
    Column(
        5,
        "所在地区",
        "region",
        Kind.REGION,
        "region",
        required=True,
        help_zh="省辖市、济源示范区、航空港区或省直管县（市）的名称、简称或6位代码",
    ),
    Column(6, "所属行业", "sector", Kind.ENUM, "sector", required=True, choices=_values(Sector)),
    Column(
        7,
        "产品/工序",
        "product",
        Kind.PRODUCT,
        "product / process",
        help_zh="能效标杆水平和基准水平表中的产品名称（如 焦炭 (顶装焦炉)），须属于所属行业；可空",
    ),
    Column(
        8,
        "建设性质",
        "construction_type",
        Kind.ENUM,
        "construction type",
        required=True,
        choices=_values(ConstructionType),
    ),
    Column(9, "项目阶段", "stage", Kind.ENUM, "stage", required=True, choices=_values(Stage)),
    Column(
        10,
        "年综合能源消费量(吨标准煤)",
        "annual_energy_tce",
        Kind.NUMBER,
        "annual energy consumption (tce)",
        required=True,
        help_zh="电力按当量值折算（与节能审查一致）",
    ),
    Column(
        11,
        "新增能源消费量(吨标准煤)",
        "new_energy_tce",
        Kind.NUMBER,
        "additional energy consumption (tce)",
    ),
    Column(12, "年煤炭消费量(吨)", "coal_tonnes", Kind.NUMBER, "annual coal consumption (t)"),
    Column(13, "新增产能", "new_capacity", Kind.NUMBER, "new capacity"),
    Column(
        14,
        "产能单位",
        "capacity_unit",
        Kind.UNIT,
        "capacity unit",
        required_if=RequiredIf.ANY_POSITIVE,
        required_if_keys=("new_capacity", "replaced_capacity"),
        help_zh="如 万吨/年；置换产能使用同一单位",
    ),
    Column(15, "置换产能", "replaced_capacity", Kind.NUMBER, "replaced capacity"),
    Column(
        16, "产能置换方案文号", "replacement_plan_ref", Kind.TEXT, "capacity replacement plan ref."
    ),
    Column(
        17,
        "设计单位产品能耗",
        "unit_energy",
        Kind.SIGNED_NUMBER,
        "design unit energy use",
        help_zh="可为负数（转炉工序）",
    ),
    Column(
        18,
        "单位产品能耗单位",
        "unit_energy_unit",
        Kind.UNIT,
        "unit energy use unit",
        required_if=RequiredIf.ALL_GIVEN,
        required_if_keys=("product", "unit_energy"),
        help_zh="须为该产品在标杆水平表中的单位（如 kgce/t）",
    ),
    Column(
        19,
        "工艺技术类别",
        "tech_class",
        Kind.ENUM,
        "technology class",
        required=True,
        choices=_values(TechClass),
    ),
    Column(20, "节能审查文号", "energy_review_ref", Kind.TEXT, "energy review ref."),
    Column(
        21,
        "节能审查日期",
        "energy_review_date",
        Kind.DATE,
        "energy review date",
        required_if=RequiredIf.ALL_GIVEN,
        required_if_keys=("energy_review_ref",),
    ),
    Column(22, "环评批复文号", "eia_ref", Kind.TEXT, "EIA approval ref."),
    Column(
        23,
        "环评批复日期",
        "eia_date",
        Kind.DATE,
        "EIA approval date",
        required_if=RequiredIf.ALL_GIVEN,
        required_if_keys=("eia_ref",),
    ),
    Column(24, "核准/备案文号", "approval_ref", Kind.TEXT, "approval / filing ref."),
    Column(
        25,
        "符合产业政策和规划",
        "policy_fit",
        Kind.YESNO,
        "fits industrial policy and plans",
        required=True,
        choices=(YES, NO),
    ),
    Column(
        26,
        "落实污染物总量控制",
        "pollutant_control",
        Kind.YESNO,
        "pollutant total control in place",
        choices=(YES, NO),
    ),
    Column(
        27,
        "落实煤炭消费减量替代",
        "coal_substitution",
        Kind.YESNO,
        "coal reduction substitution in place",
        choices=(YES, NO),
    ),
    Column(
        28,
        "落实污染物区域削减",
        "pollutant_reduction",
        Kind.YESNO,
        "regional pollutant reduction in place",
        choices=(YES, NO),
    ),
    Column(
        29,
        "已购用能权(吨标准煤)",
        "energy_rights_tce",
        Kind.NUMBER,
        "energy-use rights bought (tce)",
        help_zh="空白按0计",
    ),
    Column(
        30,
        "民生或基础设施项目",
        "livelihood",
        Kind.YESNO,
        "livelihood or infrastructure project",
        choices=(YES, NO),
        blank_default=False,
        help_zh="空白视为“否”",
    ),
    Column(31, "最近节能诊断日期", "last_energy_diagnosis", Kind.DATE, "last energy diagnosis"),
    Column(
        32,
        "最近清洁生产审核日期",
        "last_cleaner_production",
        Kind.DATE,
        "last cleaner-production audit",
    ),
    Column(33, "开工日期", "start_date", Kind.DATE, "construction start"),
    Column(34, "投产日期", "operation_date", Kind.DATE, "operation start"),
    Column(35, "总投资(万元)", "investment", Kind.NUMBER, "total investment (10k yuan)"),
    Column(36, "备注", "remarks", Kind.TEXT, "remarks", max_length=REMARKS_MAX_LENGTH),
)

HEADERS: tuple[str, ...] = tuple(column.header for column in COLUMNS)
BY_KEY: dict[str, Column] = {column.key: column for column in COLUMNS}
BY_HEADER: dict[str, Column] = {column.header: column for column in COLUMNS}

DATE_FORMATS_HELP = "YYYYMMDD、YYYY-M-D、YYYY/M/D、YYYY.M.D、YYYY年M月D日，或Excel日期"
