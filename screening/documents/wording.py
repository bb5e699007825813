"""Words of the decision documents: numbers, dates, document numbers, clauses of the plan,
findings and their values, outcomes, verdicts and dispositions, in the Chinese of an official
document. Pure: no database and no Django.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from screening.documents.document import blank, given

# --- Words for numbers, dates, clauses and findings -----------------------------------------

CN_NUMERALS = "一二三四五六七八九十"


def cn_ordinal(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十 (enough for numbered points)."""
    if n <= 10:
        return CN_NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    head = "十" if tens == 1 else CN_NUMERALS[tens - 1] + "十"
    return head + (CN_NUMERALS[ones - 1] if ones else "")


def date_words(value: str | date | None, what: str = "日期") -> str:
    """GB/T 9704: Arabic numerals, full year, no leading zeros (2026年1月5日)."""
    if not given(value):
        return blank(what)
    day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return f"{day.year}年{day.month}月{day.day}日"


def month_words(label: str) -> str:
    year, month = label.split("-")
    return f"{int(year)}年{int(month)}月"


def number_words(value) -> str:
    """A figure as written in the ledger: no exponent, no trailing zeros, grouped thousands
    are not used in official text."""
    if not given(value):
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    text = format(number.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def document_number(prefix: str, year: int, serial: int | None) -> str:
    """发文字号 (GB/T 9704 7.2.4): 机关代字〔年份〕序号号, the serial without leading zeros."""
    head = prefix.strip() if prefix and prefix.strip() else blank("发文机关代字")
    if serial is None:
        return f"{head}〔{year}〕{blank('序号（确认时编定）')}号"
    return f"{head}〔{year}〕{serial}号"


PLAN = "《河南省坚决遏制“两高”项目盲目发展行动方案》"
OTHER_SOURCES = {
    "2030 plan": "《2030年前碳达峰行动方案》",
    "2021 pollution-control opinion": "《关于深入打好污染防治攻坚战的意见》",
}


def clause_words(clause: str) -> str:
    """A finding's clause as an official text cites it: "(四)3, (七)" → 《行动方案》第(四)3条、
    第(七)条; the 2030 plan and the 2021 opinion by their titles."""
    parts: list[str] = []
    plan_cited = False
    for piece in (p.strip() for p in clause.replace(",", ";").split(";")):
        if not piece:
            continue
        for english, title in OTHER_SOURCES.items():
            if piece.startswith(english):
                parts.append(f"{title}{piece[len(english) :].strip()}")
                break
        else:
            parts.append(f"{'' if plan_cited else PLAN}第{piece}条")
            plan_cited = True
    return "、".join(parts)


RULE_NAMES = {
    "R01": "“两高”项目范围",
    "R02": "重点用能单位",
    "R03": "产能置换",
    "R04": "减量替代",
    "R05": "审批手续",
    "R06": "大气环境质量",
    "R07": "属地能耗双控预警",
    "R08": "区域节能评估限批及年度目标",
    "R09": "工艺技术类别",
    "R10": "能效水平",
    "R11": "用能权",
    "R12": "节能诊断和清洁生产审核",
    "R13": "产业政策和规划符合性",
    "R15": "重点区域新增产能",
}

# The finding values an officer reads (others, such as parameter ids, stay in the file).
VALUE_LABELS = {
    "family": "产品类别",
    "product": "产品/工序",
    "stage": "项目阶段",
    "construction_type": "建设性质",
    "tech_class": "工艺技术类别",
    "key_air_area": "位于大气污染防治重点区域",
    "non_attainment": "位于大气环境质量未达标地区",
    "ratio_required": "要求置换比例",
    "new_capacity": "新增产能",
    "replaced_capacity": "置换产能",
    "required_capacity": "应置换产能",
    "replacement_plan_ref": "产能置换方案文号",
    "energy_review_ref": "节能审查文号",
    "energy_review_date": "节能审查日期",
    "eia_ref": "环评批复文号",
    "eia_date": "环评批复日期",
    "start_date": "开工日期",
    "pollutant_control": "落实污染物总量控制",
    "coal_substitution": "落实煤炭消费减量替代",
    "pollutant_reduction": "落实污染物区域削减",
    "latest_month": "最近计入月份",
    "tier": "能耗双控预警等级",
    "red_run_months": "连续红色预警月数",
    "restriction_months": "限批所需连续红色月数",
    "missed_dual_control": "上年未完成能耗双控目标",
    "missed_pollutant_target": "上年未完成污染物总量控制目标",
    "livelihood": "民生或基础设施项目",
    "new_energy_tce": "新增能源消费量（吨标准煤）",
    "unit_energy": "设计单位产品能耗",
    "benchmark": "标杆水平",
    "baseline": "基准水平",
    "needed_tce": "需落实用能权（吨标准煤）",
    "energy_rights_tce": "已购用能权（吨标准煤）",
    "policy_fit": "符合产业政策和规划",
    "last_energy_diagnosis": "最近节能诊断日期",
    "last_cleaner_production": "最近清洁生产审核日期",
    "cutoff": "截止日期",
    "problems": "存在问题",
    "reasons": "原因",
}
TIER_WORDS = {"red": "红色（一级预警）", "yellow": "黄色（二级预警）", "green": "绿色"}
UNIT_OF = {
    "new_capacity": "capacity_unit",
    "replaced_capacity": "capacity_unit",
    "required_capacity": "capacity_unit",
    "unit_energy": "unit",
    "benchmark": "unit",
    "baseline": "unit",
}


def value_words(key: str, value, values: dict) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    if key == "tier":
        return TIER_WORDS.get(str(value), str(value))
    if key == "ratio_required":
        return f"{number_words(value)}∶1" + ("以上（减量置换）" if values.get("strict") else "")
    if isinstance(value, int | float | Decimal) or key in UNIT_OF:
        unit = values.get(UNIT_OF.get(key, ""), "") or ""
        return f"{number_words(value)}{unit}"
    if key.endswith("_date") or key in (
        "cutoff",
        "last_energy_diagnosis",
        "last_cleaner_production",
    ):
        return date_words(value)
    if key == "latest_month" and isinstance(value, str) and "-" in value:
        return month_words(value)
    return str(value)


def finding_values_words(values: dict) -> str:
    """The values a finding used, in words: 新增产能：100万吨/年；置换产能：未填报 …"""
    parts = []
    for key, label in VALUE_LABELS.items():
        if key not in values:
            continue
        value = values[key]
        parts.append(f"{label}：{value_words(key, value, values) if given(value) else '未填报'}")
    return "；".join(parts)


def finding_paragraph(finding: dict) -> str:
    """One finding in words: the rule, the clause it rests on, what was found, the values."""
    rule = finding.get("rule", "")
    name = RULE_NAMES.get(rule, rule)
    clause = finding.get("clause", "")
    message = (finding.get("message_zh") or "").strip()
    values = finding_values_words(finding.get("values") or {})
    text = f"{name}（{rule}，依据{clause_words(clause)}）：{message}"
    if values:
        text += f"（依据数值：{values}）"
    return text


OUTCOME_WORDS = {
    "FAIL": "不符合",
    "NEEDS_INFO": "缺少必要信息",
    "WARN": "提示",
    "PASS": "符合",
    "INFO": "说明",
}
VERDICT_WORDS = {
    "COMPLIANT": "符合要求",
    "NON_COMPLIANT": "不符合要求",
    "INCOMPLETE": "信息不全",
    "NOT_IN_SCOPE": "不属于“两高”项目",
}
DISPOSITION_WORDS = {
    "CLOSE": "依法关闭",
    "STOP_AND_INVESTIGATE": "停止建设并查处",
    "STOP_AND_RECTIFY": "停工整改",
    "SUSPEND_PRODUCTION": "停产限期改造",
    "RECTIFY": "限期改造",
    "REJECT": "不予审批",
    "DEFER": "暂缓审批",
    "REQUEST_INFO": "补充材料",
    "PROCEED": "正常推进",
}
EVALUATION_WORDS = {"window_guidance": "窗口指导", "third_party": "第三方评估"}
END_REASON_WORDS = {
    "not_red": "公布的月度能耗双控预警等级已不再为红色",
    "no_tier": "公布的月度能耗双控晴雨表无预警等级",
    "gap": "其间有月份未公布，连续红色预警中断",
    "corrected": "所依据的月度数据经更正后不再构成连续红色预警",
    "escalated": "已升级",
}
