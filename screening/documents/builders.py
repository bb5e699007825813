"""Pure builders of decision documents (issue 18): facts in, a laid-out document out.

No database and no Django: `build(facts)` takes a plain dict (JSON, as kept on the document, so
a correction rebuilds from exactly what the first version used) and returns a `Document`: the
parts of a Chinese official document (GB/T 9704: 发文机关标志, 发文字号, title, 主送机关, body
with numbered points, 附件, 发文机关署名, 成文日期, 抄送). The documents are Chinese whatever the
user's language: they go on file and to the enterprise.

Nothing is invented: a fact the case does not hold is written as a visible blank (`blank()`)
for the officer to fill before signing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

BLANK_MARK = "【待填："


def blank(what: str) -> str:
    """A visible blank the officer fills: says what belongs there."""
    return f"{BLANK_MARK}{what}】"


def given(value) -> bool:
    return value not in (None, "", [], {})


def text_or_blank(value, what: str) -> str:
    return str(value).strip() if given(value) and str(value).strip() else blank(what)


# --- The document --------------------------------------------------------------------------

@dataclass(frozen=True)
class Block:
    """One paragraph of the body: `h1` 一级标题 (黑体, "一、"), `h2` 二级标题 (楷体, "（一）"),
    `body` 正文 (仿宋)."""

    text: str
    style: str = "body"


@dataclass
class Document:
    kind: str
    office_name: str  # 发文机关标志 (the office's full name; "文件" is not added: 函 style)
    number: str  # 发文字号
    title: str
    addressee: str  # 主送机关
    blocks: list[Block]
    attachments: list[str] = field(default_factory=list)  # 附件说明
    signature: str = ""  # 发文机关署名
    date_text: str = ""  # 成文日期
    copy_to: list[str] = field(default_factory=list)  # 抄送机关

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Document:
        values = dict(data)
        values["blocks"] = [Block(**b) for b in data.get("blocks", [])]
        return cls(**values)

    def lines(self) -> list[str]:
        """The document's text, one paragraph a line, in reading order."""
        out = [self.office_name, self.number, self.title, f"{self.addressee}："]
        out += [b.text for b in self.blocks]
        for i, name in enumerate(self.attachments, 1):
            lead = "附件：" if i == 1 else "　　　"
            out.append(f"{lead}{i}. {name}" if len(self.attachments) > 1 else f"附件：{name}")
        out += [self.signature, self.date_text]
        if self.copy_to:
            out.append("抄送：" + "，".join(self.copy_to) + "。")
        return out

    def text(self) -> str:
        return "\n".join(self.lines())

    @property
    def blanks(self) -> list[str]:
        """What is still to be filled in (the labels of the visible blanks)."""
        found = []
        for line in self.lines():
            start = line.find(BLANK_MARK)
            while start != -1:
                end = line.find("】", start)
                found.append(line[start + len(BLANK_MARK):end])
                start = line.find(BLANK_MARK, end)
        return found


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
                parts.append(f"{title}{piece[len(english):].strip()}")
                break
        else:
            parts.append(f"{'' if plan_cited else PLAN}第{piece}条")
            plan_cited = True
    return "、".join(parts)


RULE_NAMES = {
    "R01": "“两高”项目范围", "R02": "重点用能单位", "R03": "产能置换", "R04": "减量替代",
    "R05": "审批手续", "R06": "大气环境质量", "R07": "属地能耗双控预警",
    "R08": "区域节能评估限批及年度目标", "R09": "工艺技术类别", "R10": "能效水平",
    "R11": "用能权", "R12": "节能诊断和清洁生产审核", "R13": "产业政策和规划符合性",
    "R15": "重点区域新增产能",
}

# The finding values an officer reads (others, such as parameter ids, stay in the file).
VALUE_LABELS = {
    "family": "产品类别", "product": "产品/工序", "stage": "项目阶段",
    "construction_type": "建设性质", "tech_class": "工艺技术类别",
    "key_air_area": "位于大气污染防治重点区域", "non_attainment": "位于大气环境质量未达标地区",
    "ratio_required": "要求置换比例", "new_capacity": "新增产能",
    "replaced_capacity": "置换产能", "required_capacity": "应置换产能",
    "replacement_plan_ref": "产能置换方案文号", "energy_review_ref": "节能审查文号",
    "energy_review_date": "节能审查日期", "eia_ref": "环评批复文号", "eia_date": "环评批复日期",
    "start_date": "开工日期", "pollutant_control": "落实污染物总量控制",
    "coal_substitution": "落实煤炭消费减量替代", "pollutant_reduction": "落实污染物区域削减",
    "latest_month": "最近计入月份", "tier": "能耗双控预警等级",
    "red_run_months": "连续红色预警月数", "restriction_months": "限批所需连续红色月数",
    "missed_dual_control": "上年未完成能耗双控目标",
    "missed_pollutant_target": "上年未完成污染物总量控制目标",
    "livelihood": "民生或基础设施项目", "new_energy_tce": "新增能源消费量（吨标准煤）",
    "unit_energy": "设计单位产品能耗", "benchmark": "标杆水平", "baseline": "基准水平",
    "needed_tce": "需落实用能权（吨标准煤）", "energy_rights_tce": "已购用能权（吨标准煤）",
    "policy_fit": "符合产业政策和规划", "last_energy_diagnosis": "最近节能诊断日期",
    "last_cleaner_production": "最近清洁生产审核日期", "cutoff": "截止日期",
    "problems": "存在问题", "reasons": "原因",
}
TIER_WORDS = {"red": "红色（一级预警）", "yellow": "黄色（二级预警）", "green": "绿色"}
UNIT_OF = {"new_capacity": "capacity_unit", "replaced_capacity": "capacity_unit",
           "required_capacity": "capacity_unit", "unit_energy": "unit",
           "benchmark": "unit", "baseline": "unit"}


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
    if key.endswith("_date") or key in ("cutoff", "last_energy_diagnosis",
                                        "last_cleaner_production"):
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


OUTCOME_WORDS = {"FAIL": "不符合", "NEEDS_INFO": "缺少必要信息", "WARN": "提示",
                 "PASS": "符合", "INFO": "说明"}
VERDICT_WORDS = {"COMPLIANT": "符合要求", "NON_COMPLIANT": "不符合要求",
                 "INCOMPLETE": "信息不全", "NOT_IN_SCOPE": "不属于“两高”项目"}
DISPOSITION_WORDS = {
    "CLOSE": "依法关闭", "STOP_AND_INVESTIGATE": "停止建设并查处",
    "STOP_AND_RECTIFY": "停工整改", "SUSPEND_PRODUCTION": "停产限期改造",
    "RECTIFY": "限期改造", "REJECT": "不予审批", "DEFER": "暂缓审批",
    "REQUEST_INFO": "补充材料", "PROCEED": "正常推进",
}
EVALUATION_WORDS = {"window_guidance": "窗口指导", "third_party": "第三方评估"}
END_REASON_WORDS = {
    "not_red": "公布的月度能耗双控预警等级已不再为红色",
    "no_tier": "公布的月度能耗双控晴雨表无预警等级",
    "gap": "其间有月份未公布，连续红色预警中断",
    "corrected": "所依据的月度数据经更正后不再构成连续红色预警",
    "escalated": "已升级",
}


# --- Shared parts ------------------------------------------------------------------------

def _points(items: Iterable[str], level: str = "h2") -> list[Block]:
    """Numbered sub-points: （一）… as paragraphs of their own."""
    return [Block(f"（{cn_ordinal(i)}）{text}") for i, text in enumerate(items, 1)]


class _Numbered:
    """Level-one points 一、二、… numbered in the order they are added."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.count = 0

    def heading(self, text: str) -> None:
        self.count += 1
        self.blocks.append(Block(f"{cn_ordinal(self.count)}、{text}", "h1"))

    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)

    def para(self, text: str) -> None:
        self.blocks.append(Block(text))


def project_name(facts: dict) -> str:
    return text_or_blank((facts.get("project") or {}).get("name"), "项目名称")


def project_identity(facts: dict) -> str:
    """Who builds what, where, at what energy use: the ledger row the decision rests on."""
    p = facts.get("project") or {}
    product = f"，产品/工序为{p['product']}" if given(p.get("product")) else ""
    energy = number_words(p.get("annual_energy_tce"))
    new_energy = (f"，新增能源消费量{number_words(p['new_energy_tce'])}吨标准煤"
                  if given(p.get("new_energy_tce")) else "")
    capacity = ""
    if given(p.get("new_capacity")) and Decimal(str(p["new_capacity"])) > 0:
        unit = p.get("capacity_unit") or ""
        capacity = f"，新增产能{number_words(p['new_capacity'])}{unit}"
    return (f"{text_or_blank(p.get('name'), '项目名称')}（项目代码："
            f"{text_or_blank(p.get('project_code'), '项目代码')}）由"
            f"{text_or_blank(p.get('enterprise'), '建设单位')}（统一社会信用代码："
            f"{text_or_blank(p.get('uscc'), '统一社会信用代码')}）建设，位于"
            f"{text_or_blank(facts.get('region_name'), '所在地区')}，所属行业为"
            f"{text_or_blank(p.get('sector'), '所属行业')}{product}，建设性质为"
            f"{text_or_blank(p.get('construction_type'), '建设性质')}，项目阶段为"
            f"{text_or_blank(p.get('stage'), '项目阶段')}，年综合能源消费量"
            f"{energy or blank('年综合能源消费量')}吨标准煤{new_energy}{capacity}。")


def screening_summary(facts: dict) -> str:
    s = facts.get("screening") or {}
    verdict = VERDICT_WORDS.get(s.get("verdict", ""), blank("甄别结论"))
    disposition = DISPOSITION_WORDS.get(s.get("disposition", ""), "")
    text = (f"按照{text_or_blank(s.get('rule_set'), '规则集')}规则集，以"
            f"{date_words(s.get('as_of'), '甄别日期')}为甄别日期，该项目甄别结论为{verdict}")
    if disposition:
        text += f"，处置建议为{disposition}"
    return text + "。"


def failed_findings(facts: dict, outcomes: tuple[str, ...] = ("FAIL",)) -> list[dict]:
    return [f for f in (facts.get("screening") or {}).get("findings", [])
            if f.get("outcome") in outcomes]


def _opinion(facts: dict, what: str) -> str:
    """The officer's own words (a sentence of the document: closed with a full stop)."""
    text = text_or_blank(facts.get("opinion"), what)
    return text if text.endswith(("。", "！", "？", "】", ".", "；")) else text + "。"


def _deadline_words(facts: dict) -> str:
    deadline = facts.get("deadline")
    if not given(deadline):
        return f"请于{blank('整改期限')}前完成整改"
    days = facts.get("deadline_working_days")
    count = f"{days}个工作日内（" if given(days) else ""
    close = "）" if given(days) else ""
    return f"请自本通知印发之日起{count}{date_words(deadline)}前{close}完成整改"


def _common(facts: dict, kind: str, title: str, blocks: list[Block]) -> Document:
    office = facts.get("office") or {}
    issued = facts.get("issued_on")
    return Document(
        kind=kind,
        office_name=text_or_blank(office.get("name"), "发文机关"),
        number=facts.get("number") or document_number(
            office.get("prefix", ""), date.fromisoformat(issued).year if issued else 0, None),
        title=title,
        addressee=text_or_blank(facts.get("addressee"), "主送机关"),
        blocks=blocks,
        attachments=list(facts.get("attachments") or []),
        signature=text_or_blank(office.get("name"), "发文机关署名"),
        date_text=date_words(issued, "成文日期"),
        copy_to=[c for c in (facts.get("copy_to") or office.get("copy_to") or []) if c],
    )


def _received(facts: dict) -> str:
    p = facts.get("project") or {}
    return (f"你单位于{date_words(facts.get('submitted_on'), '报送日期')}报送的"
            f"{text_or_blank(p.get('name'), '项目名称')}审核材料收悉。")


def _evaluation_paragraph(facts: dict) -> str | None:
    evaluation = facts.get("evaluation")
    if evaluation:
        kind = EVALUATION_WORDS.get(evaluation.get("kind", ""), blank("评估方式"))
        return (f"该项目于{date_words(evaluation.get('completed_on'), '评估完成日期')}完成"
                f"{kind}，评估结论为：{text_or_blank(evaluation.get('result'), '评估结论')}")
    if facts.get("evaluation_required"):
        return f"该项目须完成窗口指导或第三方评估，评估结论为：{blank('评估结论')}"
    return None


# --- One builder per kind -----------------------------------------------------------------

def build_approval(facts: dict) -> Document:
    """审查意见: the province approves a COMPLIANT case."""
    doc = _Numbered()
    doc.para(_received(facts) + "经审查，现提出审查意见如下：")
    doc.heading("项目基本情况")
    doc.para(project_identity(facts))
    doc.heading("甄别情况")
    doc.para(screening_summary(facts))
    notes = failed_findings(facts, ("WARN", "INFO"))
    if notes:
        doc.add(*_points(finding_paragraph(f) for f in notes))
    evaluation = _evaluation_paragraph(facts)
    if evaluation:
        doc.heading("评估情况")
        doc.para(evaluation)
    doc.heading("审查意见")
    doc.para(f"经审查，原则同意该项目。{_opinion(facts, '审查意见')}")
    return _common(facts, "approval", f"关于{project_name(facts)}的审查意见", doc.blocks)


def build_rejection(facts: dict) -> Document:
    """不予审批意见: the province rejects the case, citing each failed rule."""
    doc = _Numbered()
    doc.para(_received(facts) + "经审查，现提出意见如下：")
    doc.heading("项目基本情况")
    doc.para(project_identity(facts))
    doc.heading("不符合要求的事项")
    doc.para(screening_summary(facts))
    failed = failed_findings(facts)
    doc.add(*_points(finding_paragraph(f) for f in failed) if failed
            else [Block(blank("不符合要求的事项"))])
    doc.heading("审查意见")
    doc.para(f"依据上述情况，对该项目不予审批。{_opinion(facts, '不予审批理由')}")
    return _common(facts, "rejection", f"关于{project_name(facts)}不予审批的意见", doc.blocks)


def _region_standing(facts: dict) -> list[str]:
    """Why the region's projects wait: 限批 and last year's targets, as read at the decision."""
    standing = facts.get("region_status") or {}
    region = text_or_blank(facts.get("region_name"), "所在地区")
    reasons = []
    if standing.get("restricted"):
        months = "、".join(month_words(m) for m in standing.get("red_months") or [])
        reasons.append(
            f"{region}能耗双控晴雨表{months or blank('红色预警月份')}连续"
            f"{len(standing.get('red_months') or []) or blank('月数')}个月为红色（一级预警），"
            f"依据{clause_words('(十八)')}处于区域节能评估限批期间")
    if standing.get("missed_dual_control") and not standing.get("livelihood"):
        reasons.append(f"{region}未完成上年度能耗双控目标，依据{clause_words('(十八)')}"
                       "暂停该地区新上“两高”项目节能审查")
    if standing.get("missed_pollutant"):
        reasons.append(f"{region}未完成上年度污染物总量控制目标，依据{clause_words('(十八)')}"
                       "暂停该地区新增排放相应污染物项目的环评审批")
    return reasons


def build_deferral(facts: dict) -> Document:
    """暂缓审批通知: approval waits for the region (限批 or missed targets)."""
    doc = _Numbered()
    doc.para(_received(facts))
    doc.heading("项目基本情况")
    doc.para(project_identity(facts))
    doc.heading("暂缓审批的原因")
    doc.para(screening_summary(facts))
    reasons = _region_standing(facts)
    reasons += [finding_paragraph(f) for f in failed_findings(facts)]
    doc.add(*_points(reasons) if reasons else [Block(blank("暂缓审批的原因"))])
    doc.heading("有关要求")
    doc.para("该项目暂缓审批。待上述情形消除后，可重新报送审核。"
             f"{_opinion(facts, '审核意见')}")
    return _common(facts, "deferral", f"关于暂缓审批{project_name(facts)}的通知", doc.blocks)


def build_rectification_order(facts: dict) -> Document:
    """整改通知书: what is wrong, the ordered disposition and the deadline in working days."""
    doc = _Numbered()
    doc.para(f"经审核，{project_name(facts)}存在以下问题，现通知如下：")
    doc.heading("项目基本情况")
    doc.para(project_identity(facts))
    doc.heading("存在的问题")
    doc.para(screening_summary(facts))
    failed = failed_findings(facts, ("FAIL", "NEEDS_INFO"))
    doc.add(*_points(finding_paragraph(f) for f in failed) if failed
            else [Block(blank("存在的问题"))])
    doc.heading("整改要求")
    ordered = DISPOSITION_WORDS.get(facts.get("ordered_disposition", ""), blank("处置方式"))
    office = text_or_blank((facts.get("office") or {}).get("name"), "发文机关")
    doc.para(f"处置方式：{ordered}。{_deadline_words(facts)}，并将整改情况及佐证材料报送{office}。"
             f"{_opinion(facts, '整改要求')}")
    return _common(facts, "rectification_order", f"{project_name(facts)}整改通知书",
                   doc.blocks)


def build_rectification_acceptance(facts: dict) -> Document:
    """整改验收意见: the rectification accepted (with the fresh screening) or not (with what is
    still wrong and the deadline)."""
    doc = _Numbered()
    order = facts.get("order_number")
    basis = (f"根据{project_name(facts)}整改通知书（{order}）"
             if given(order) else f"根据{blank('整改通知书文号')}")
    doc.para(f"{basis}，你单位于{date_words(facts.get('evidence_on'), '整改材料报送日期')}"
             "报送了整改情况及佐证材料。经审核，现提出验收意见如下：")
    doc.heading("项目基本情况")
    doc.para(project_identity(facts))
    if facts.get("accepted"):
        doc.heading("复核甄别情况")
        doc.para(screening_summary(facts))
        doc.heading("验收意见")
        doc.para(f"整改已落实，同意通过验收。{_opinion(facts, '验收意见')}")
        title = f"关于{project_name(facts)}整改情况的验收意见"
    else:
        doc.heading("验收意见")
        doc.para(f"整改尚未落实到位，不予通过验收。存在的问题：{_opinion(facts, '存在的问题')}")
        doc.heading("整改要求")
        doc.para(f"{_deadline_words(facts)}，并重新报送整改情况及佐证材料。")
        title = f"关于{project_name(facts)}整改情况的验收意见"
    return _common(facts, "rectification_acceptance", title, doc.blocks)


def build_restriction(facts: dict) -> Document:
    """区域节能评估限批通知: a region's run of red barometer months reached the restriction."""
    r = facts.get("restriction") or {}
    region = text_or_blank(facts.get("region_name"), "地区")
    months = [month_words(m) for m in r.get("months") or []]
    doc = _Numbered()
    doc.para(f"根据公布的能耗双控晴雨表，{region}{'、'.join(months) or blank('月份')}能耗双控"
             f"预警等级连续{len(months) or blank('月数')}个月为红色（一级预警）。依据"
             f"{clause_words('(十八)')}，现将有关事项通知如下：")
    doc.heading("限批措施")
    doc.para(f"自本通知印发之日起，对{region}实行区域节能评估限批：限批期间不予批准该地区拟建"
             "“两高”项目。")
    doc.heading("解除条件")
    doc.para("公布的月度能耗双控晴雨表不再为红色预警时，限批解除，另行通知。")
    doc.heading("有关要求")
    doc.para(f"请{region}{text_or_blank(facts.get('opinion'), '整改要求')}")
    return _common(facts, "restriction", f"关于对{region}实行区域节能评估限批的通知",
                   doc.blocks)


def build_restriction_lifted(facts: dict) -> Document:
    """Lifting of a 区域节能评估限批: a published month is no longer red (or data corrected)."""
    r = facts.get("restriction") or {}
    region = text_or_blank(facts.get("region_name"), "地区")
    basis = facts.get("restriction_number")
    since = (f"《关于对{region}实行区域节能评估限批的通知》（{basis}）"
             if given(basis) else blank("限批通知文号"))
    ended = r.get("ended")
    reason = END_REASON_WORDS.get(r.get("end_reason", ""), blank("解除原因"))
    doc = _Numbered()
    doc.para(f"{region}自{month_words(r['started']) if given(r.get('started')) else blank('月份')}"
             f"起依据{since}实行区域节能评估限批。"
             f"{month_words(ended) if given(ended) else blank('月份')}，{reason}。依据"
             f"{clause_words('(十八)')}，现通知如下：")
    doc.heading("解除限批")
    doc.para(f"自本通知印发之日起，解除对{region}的区域节能评估限批，恢复审批该地区拟建"
             "“两高”项目。")
    doc.heading("有关要求")
    doc.para(f"请{region}{text_or_blank(facts.get('opinion'), '有关要求')}")
    return _common(facts, "restriction_lifted", f"关于解除{region}区域节能评估限批的通知",
                   doc.blocks)


BUILDERS: dict[str, Callable[[dict], Document]] = {
    "approval": build_approval,
    "rejection": build_rejection,
    "deferral": build_deferral,
    "rectification_order": build_rectification_order,
    "rectification_acceptance": build_rectification_acceptance,
    "restriction": build_restriction,
    "restriction_lifted": build_restriction_lifted,
}


def build(facts: dict) -> Document:
    """The document of `facts["kind"]` built from the facts."""
    return BUILDERS[facts["kind"]](facts)


# --- Which document a transition issues --------------------------------------------------

def kind_for_transition(transition: str, *, frozen_disposition: str = "",
                        region_blocks_approval: bool = False) -> str | None:
    """The document a case transition issues, or None.

    A rejection is a deferral (暂缓审批) when the case waits only for its region: the frozen
    screening recommends DEFER (a 拟建 project failing only R07/R08), or the region's 限批 or
    missed targets are what stops an approval today.
    """
    if transition == "reject":
        deferral = frozen_disposition == "DEFER" or region_blocks_approval
        return "deferral" if deferral else "rejection"
    return {
        "approve": "approval",
        "order_rectification": "rectification_order",
        "verify_rectification": "rectification_acceptance",
        "reject_rectification": "rectification_acceptance",
    }.get(transition)
