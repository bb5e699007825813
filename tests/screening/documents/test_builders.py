"""The pure builders: each kind's parts, findings in words with their clauses, visible blanks
for every missing fact, and which document a transition issues."""

import io

import docx

from screening.documents import builders
from screening.documents.docx import render_docx

FINDING_R03 = {
    "rule": "R03",
    "outcome": "FAIL",
    "clause": "(四)2",
    "message_zh": "水泥熟料新增产能100万吨/年，置换比例须不低于2∶1："
    "置换产能120万吨/年不足200万吨/年。",
    "values": {
        "family": "水泥熟料",
        "key_air_area": True,
        "ratio_parameter": "x",
        "ratio_required": 2,
        "strict": False,
        "new_capacity": 100,
        "replaced_capacity": 120,
        "required_capacity": 200,
        "capacity_unit": "万吨/年",
        "replacement_plan_ref": None,
    },
}
FINDING_R13 = {
    "rule": "R13",
    "outcome": "FAIL",
    "clause": "(四)3, (五), (十二)",
    "message_zh": "项目不符合产业政策和规划。",
    "values": {"policy_fit": False},
}


def facts(kind: str, **extra) -> dict:
    base = {
        "kind": kind,
        "issued_on": "2026-12-04",
        "number": "豫发改环资〔2026〕7号",
        "office": {
            "name": "河南省发展和改革委员会",
            "prefix": "豫发改环资",
            "copy_to": ["河南省生态环境厅"],
        },
        "addressee": "郑州市发展和改革委员会",
        "region_name": "郑州市",
        "project": {
            "project_code": "2401-410100-04-01-000001",
            "name": "年产100万吨水泥熟料项目",
            "enterprise": "河南某建材有限公司",
            "uscc": "91410100MA44UNKN0W",
            "sector": "建材",
            "product": "水泥熟料",
            "construction_type": "新建",
            "stage": "拟建",
            "annual_energy_tce": "120000.0000",
            "new_capacity": "100",
            "capacity_unit": "万吨/年",
        },
        "submitted_on": "2026-11-20",
        "screening": {
            "rule_set": "henan-2021",
            "as_of": "2026-11-20",
            "verdict": "NON_COMPLIANT",
            "disposition": "REJECT",
            "findings": [
                FINDING_R03,
                FINDING_R13,
                {
                    "rule": "R09",
                    "outcome": "PASS",
                    "clause": "(十一)",
                    "message_zh": "允许类",
                    "values": {},
                },
            ],
        },
        "opinion": "请据此办理。",
    }
    return {**base, **extra}


def test_a_rejection_cites_each_failed_rule_with_its_clause_and_values_in_words():
    doc = builders.build(facts("rejection"))
    text = doc.text()
    assert doc.title == "关于年产100万吨水泥熟料项目不予审批的意见"
    assert doc.number == "豫发改环资〔2026〕7号"
    assert "产能置换（R03，依据《河南省坚决遏制“两高”项目盲目发展行动方案》第(四)2条）" in text
    assert "第(四)3条、第(五)条、第(十二)条" in text
    assert "新增产能：100万吨/年；置换产能：120万吨/年；应置换产能：200万吨/年" in text
    assert "要求置换比例：2∶1" in text and "产能置换方案文号：未填报" in text
    assert "R09" not in text  # a passed rule is no reason to reject
    assert "年综合能源消费量120000吨标准煤" in text
    assert doc.date_text == "2026年12月4日" and doc.blanks == []


def test_every_missing_fact_is_a_visible_blank_never_a_guess():
    bare = facts(
        "approval",
        office={"name": "", "prefix": "", "copy_to": []},
        addressee="",
        opinion="",
        submitted_on=None,
        evaluation=None,
        evaluation_required=True,
    )
    bare["project"] = {**bare["project"], "enterprise": "", "uscc": None}
    doc = builders.build({**bare, "number": ""})
    assert doc.office_name == "【待填：发文机关】"
    assert doc.number == "【待填：发文机关代字】〔2026〕【待填：序号（确认时编定）】号"
    assert doc.addressee == "【待填：主送机关】"
    assert set(doc.blanks) >= {
        "发文机关",
        "发文机关代字",
        "主送机关",
        "建设单位",
        "统一社会信用代码",
        "报送日期",
        "评估结论",
        "审查意见",
        "发文机关署名",
    }


def test_the_approval_states_the_evaluation_result():
    doc = builders.build(
        facts(
            "approval",
            evaluation={
                "kind": "third_party",
                "result": "能效达到标杆水平",
                "completed_on": "2026-11-30",
            },
        )
    )
    assert "该项目于2026年11月30日完成第三方评估，评估结论为：能效达到标杆水平" in doc.text()
    assert doc.title == "关于年产100万吨水泥熟料项目的审查意见"


def test_a_rectification_order_gives_the_deadline_in_working_days_and_the_disposition():
    doc = builders.build(
        facts(
            "rectification_order",
            deadline="2027-01-15",
            deadline_working_days=29,
            ordered_disposition="STOP_AND_RECTIFY",
        )
    )
    text = doc.text()
    assert doc.title == "年产100万吨水泥熟料项目整改通知书"
    assert "处置方式：停工整改" in text
    assert "请自本通知印发之日起29个工作日内（2027年1月15日前）完成整改" in text
    assert "整改情况及佐证材料报送河南省发展和改革委员会。" in text


def test_a_deferral_names_the_regions_restriction_and_its_red_months():
    doc = builders.build(
        facts(
            "deferral",
            region_status={
                "restricted": True,
                "red_months": ["2026-08", "2026-09", "2026-10"],
                "missed_dual_control": False,
                "missed_pollutant": True,
                "livelihood": False,
            },
        )
    )
    text = doc.text()
    assert doc.title == "关于暂缓审批年产100万吨水泥熟料项目的通知"
    assert "2026年8月、2026年9月、2026年10月连续3个月为红色（一级预警）" in text
    assert "第(十八)条" in text and "未完成上年度污染物总量控制目标" in text


def test_the_acceptance_cites_the_order_and_says_whether_it_passed():
    passed = builders.build(
        facts(
            "rectification_acceptance",
            accepted=True,
            order_number="豫发改环资〔2026〕3号",
            evidence_on="2026-12-01",
        )
    )
    assert "整改通知书（豫发改环资〔2026〕3号）" in passed.text()
    assert "同意通过验收" in passed.text()
    failed = builders.build(
        facts(
            "rectification_acceptance",
            accepted=False,
            order_number="",
            deadline="2027-01-15",
            deadline_working_days=29,
        )
    )
    assert "不予通过验收" in failed.text() and "整改通知书文号" in failed.blanks


def test_restriction_and_lifting_notices_name_the_months_and_the_reason():
    restriction = {
        "months": ["2026-08", "2026-09", "2026-10"],
        "started": "2026-10",
        "ended": "2026-11",
        "end_reason": "not_red",
    }
    notice = builders.build(facts("restriction", restriction=restriction, opinion=""))
    assert notice.title == "关于对郑州市实行区域节能评估限批的通知"
    assert "连续3个月为红色（一级预警）" in notice.text()
    lifted = builders.build(
        facts(
            "restriction_lifted",
            restriction=restriction,
            restriction_number="豫发改环资〔2026〕5号",
            opinion="",
        )
    )
    assert lifted.title == "关于解除郑州市区域节能评估限批的通知"
    assert "（豫发改环资〔2026〕5号）" in lifted.text()
    assert "公布的月度能耗双控预警等级已不再为红色" in lifted.text()


def test_a_rejection_is_a_deferral_when_only_the_region_stops_approval():
    kind = builders.kind_for_transition
    assert kind("reject", frozen_disposition="REJECT") == "rejection"
    assert kind("reject", frozen_disposition="DEFER") == "deferral"
    assert kind("reject", frozen_disposition="PROCEED", region_blocks_approval=True) == "deferral"
    assert kind("approve") == "approval"
    assert kind("forward") is None and kind("submit") is None


def test_document_numbers_follow_gbt_9704():
    assert builders.document_number("豫发改环资", 2026, 12) == "豫发改环资〔2026〕12号"
    assert builders.cn_ordinal(1) == "一" and builders.cn_ordinal(12) == "十二"
    assert builders.cn_ordinal(20) == "二十"


def test_the_docx_names_the_official_fonts_and_a4_margins():
    data = render_docx(builders.build(facts("rejection")))
    opened = docx.Document(io.BytesIO(data))
    section = opened.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert (
        round(section.top_margin.mm),
        round(section.bottom_margin.mm),
        round(section.left_margin.mm),
        round(section.right_margin.mm),
    ) == (37, 35, 28, 26)
    paragraphs = {p.text: p for p in opened.paragraphs}
    heading = paragraphs["一、项目基本情况"]
    east_asia = heading.runs[0]._element.rPr.rFonts.get(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
    )
    assert east_asia == "黑体"
    body = next(p for t, p in paragraphs.items() if t.startswith("（一）"))
    assert body.runs[0].font.name == "仿宋_GB2312"
    mark = opened.paragraphs[0]
    assert mark.text == "河南省发展和改革委员会" and str(mark.runs[0].font.color.rgb) == "E60012"
    assert "抄送：河南省生态环境厅。" in paragraphs
    assert "PAGE" in section.footer._element.xml
