"""Pure builders of decision documents (issue 18): facts in, a laid-out document out.

No database and no Django: `build(facts)` takes a plain dict (JSON, as kept on the document, so
a correction rebuilds from exactly what the first version used) and returns a `Document`: the
parts of a Chinese official document (GB/T 9704: 发文机关标志, 发文字号, title, 主送机关, body
with numbered points, 附件, 发文机关署名, 成文日期, 抄送). The documents are Chinese whatever the
user's language: they go on file and to the enterprise.

Nothing is invented: a fact the case does not hold is written as a visible blank (`blank()`)
for the officer to fill before signing. The document's parts are in `document.py`, its words
(numbers, dates, clauses, findings) in `wording.py`; this module puts them together, kind by kind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal

from screening.documents.document import Block, Document, blank, given, text_or_blank
from screening.documents.wording import (
    DISPOSITION_WORDS,
    END_REASON_WORDS,
    EVALUATION_WORDS,
    VERDICT_WORDS,
    clause_words,
    cn_ordinal,
    date_words,
    document_number,
    finding_paragraph,
    month_words,
    number_words,
)
from screening.rules.types import Disposition

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
    new_energy = (
        f"，新增能源消费量{number_words(p['new_energy_tce'])}吨标准煤"
        if given(p.get("new_energy_tce"))
        else ""
    )
    capacity = ""
    if given(p.get("new_capacity")) and Decimal(str(p["new_capacity"])) > 0:
        unit = p.get("capacity_unit") or ""
        capacity = f"，新增产能{number_words(p['new_capacity'])}{unit}"
    return (
        f"{text_or_blank(p.get('name'), '项目名称')}（项目代码："
        f"{text_or_blank(p.get('project_code'), '项目代码')}）由"
        f"{text_or_blank(p.get('enterprise'), '建设单位')}（统一社会信用代码："
        f"{text_or_blank(p.get('uscc'), '统一社会信用代码')}）建设，位于"
        f"{text_or_blank(facts.get('region_name'), '所在地区')}，所属行业为"
        f"{text_or_blank(p.get('sector'), '所属行业')}{product}，建设性质为"
        f"{text_or_blank(p.get('construction_type'), '建设性质')}，项目阶段为"
        f"{text_or_blank(p.get('stage'), '项目阶段')}，年综合能源消费量"
        f"{energy or blank('年综合能源消费量')}吨标准煤{new_energy}{capacity}。"
    )


def screening_summary(facts: dict) -> str:
    s = facts.get("screening") or {}
    verdict = VERDICT_WORDS.get(s.get("verdict", ""), blank("甄别结论"))
    disposition = DISPOSITION_WORDS.get(s.get("disposition", ""), "")
    text = (
        f"按照{text_or_blank(s.get('rule_set'), '规则集')}规则集，以"
        f"{date_words(s.get('as_of'), '甄别日期')}为甄别日期，该项目甄别结论为{verdict}"
    )
    if disposition:
        text += f"，处置建议为{disposition}"
    return text + "。"


def failed_findings(facts: dict, outcomes: tuple[str, ...] = ("FAIL",)) -> list[dict]:
    return [
        f
        for f in (facts.get("screening") or {}).get("findings", [])
        if f.get("outcome") in outcomes
    ]


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
        number=facts.get("number")
        or document_number(
            office.get("prefix", ""), date.fromisoformat(issued).year if issued else 0, None
        ),
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
    return (
        f"你单位于{date_words(facts.get('submitted_on'), '报送日期')}报送的"
        f"{text_or_blank(p.get('name'), '项目名称')}审核材料收悉。"
    )


def _evaluation_paragraph(facts: dict) -> str | None:
    evaluation = facts.get("evaluation")
    if evaluation:
        kind = EVALUATION_WORDS.get(evaluation.get("kind", ""), blank("评估方式"))
        return (
            f"该项目于{date_words(evaluation.get('completed_on'), '评估完成日期')}完成"
            f"{kind}，评估结论为：{text_or_blank(evaluation.get('result'), '评估结论')}"
        )
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
    doc.add(
        *_points(finding_paragraph(f) for f in failed)
        if failed
        else [Block(blank("不符合要求的事项"))]
    )
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
            f"依据{clause_words('(十八)')}处于区域节能评估限批期间"
        )
    if standing.get("missed_dual_control") and not standing.get("livelihood"):
        reasons.append(
            f"{region}未完成上年度能耗双控目标，依据{clause_words('(十八)')}"
            "暂停该地区新上“两高”项目节能审查"
        )
    if standing.get("missed_pollutant"):
        reasons.append(
            f"{region}未完成上年度污染物总量控制目标，依据{clause_words('(十八)')}"
            "暂停该地区新增排放相应污染物项目的环评审批"
        )
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
    doc.para(f"该项目暂缓审批。待上述情形消除后，可重新报送审核。{_opinion(facts, '审核意见')}")
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
    doc.add(
        *_points(finding_paragraph(f) for f in failed) if failed else [Block(blank("存在的问题"))]
    )
    doc.heading("整改要求")
    ordered = DISPOSITION_WORDS.get(facts.get("ordered_disposition", ""), blank("处置方式"))
    office = text_or_blank((facts.get("office") or {}).get("name"), "发文机关")
    doc.para(
        f"处置方式：{ordered}。{_deadline_words(facts)}，并将整改情况及佐证材料报送{office}。"
        f"{_opinion(facts, '整改要求')}"
    )
    return _common(facts, "rectification_order", f"{project_name(facts)}整改通知书", doc.blocks)


def build_rectification_acceptance(facts: dict) -> Document:
    """整改验收意见: the rectification accepted (with the fresh screening) or not (with what is
    still wrong and the deadline)."""
    doc = _Numbered()
    order = facts.get("order_number")
    basis = (
        f"根据{project_name(facts)}整改通知书（{order}）"
        if given(order)
        else f"根据{blank('整改通知书文号')}"
    )
    doc.para(
        f"{basis}，你单位于{date_words(facts.get('evidence_on'), '整改材料报送日期')}"
        "报送了整改情况及佐证材料。经审核，现提出验收意见如下："
    )
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
    doc.para(
        f"根据公布的能耗双控晴雨表，{region}{'、'.join(months) or blank('月份')}能耗双控"
        f"预警等级连续{len(months) or blank('月数')}个月为红色（一级预警）。依据"
        f"{clause_words('(十八)')}，现将有关事项通知如下："
    )
    doc.heading("限批措施")
    doc.para(
        f"自本通知印发之日起，对{region}实行区域节能评估限批：限批期间不予批准该地区拟建"
        "“两高”项目。"
    )
    doc.heading("解除条件")
    doc.para("公布的月度能耗双控晴雨表不再为红色预警时，限批解除，另行通知。")
    doc.heading("有关要求")
    doc.para(f"请{region}{text_or_blank(facts.get('opinion'), '整改要求')}")
    return _common(facts, "restriction", f"关于对{region}实行区域节能评估限批的通知", doc.blocks)


def build_restriction_lifted(facts: dict) -> Document:
    """Lifting of a 区域节能评估限批: a published month is no longer red (or data corrected)."""
    r = facts.get("restriction") or {}
    region = text_or_blank(facts.get("region_name"), "地区")
    basis = facts.get("restriction_number")
    since = (
        f"《关于对{region}实行区域节能评估限批的通知》（{basis}）"
        if given(basis)
        else blank("限批通知文号")
    )
    ended = r.get("ended")
    reason = END_REASON_WORDS.get(r.get("end_reason", ""), blank("解除原因"))
    doc = _Numbered()
    doc.para(
        f"{region}自{month_words(r['started']) if given(r.get('started')) else blank('月份')}"
        f"起依据{since}实行区域节能评估限批。"
        f"{month_words(ended) if given(ended) else blank('月份')}，{reason}。依据"
        f"{clause_words('(十八)')}，现通知如下："
    )
    doc.heading("解除限批")
    doc.para(
        f"自本通知印发之日起，解除对{region}的区域节能评估限批，恢复审批该地区拟建“两高”项目。"
    )
    doc.heading("有关要求")
    doc.para(f"请{region}{text_or_blank(facts.get('opinion'), '有关要求')}")
    return _common(
        facts, "restriction_lifted", f"关于解除{region}区域节能评估限批的通知", doc.blocks
    )


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


def kind_for_transition(
    transition: str, *, frozen_disposition: str = "", region_blocks_approval: bool = False
) -> str | None:
    """The document a case transition issues, or None.

    A rejection is a deferral (暂缓审批) when the case waits only for its region: the frozen
    screening recommends DEFER (a 拟建 project failing only R07/R08), or the region's 限批 or
    missed targets are what stops an approval today.
    """
    if transition == "reject":
        deferral = frozen_disposition == Disposition.DEFER or region_blocks_approval
        return "deferral" if deferral else "rejection"
    return {
        "approve": "approval",
        "order_rectification": "rectification_order",
        "verify_rectification": "rectification_acceptance",
        "reject_rectification": "rectification_acceptance",
    }.get(transition)
