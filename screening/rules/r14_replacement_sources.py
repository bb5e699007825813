"""R14 置换来源核验 — replacement sources verified against the registry ((四)2, (十一); issue 17).

R03 can only trust the two figures an agency types into the ledger. R14 applies when the row's
`replacement_plan_ref` names a plan of the capacity-replacement registry (the context carries
the registry's plans, read in bulk for the whole batch); when none matches it does not apply,
so every screening without a registered plan stays as it was.

FAIL when the plan is withdrawn, draws less than the ratio requires, serves another product
family than the project's, or uses a source that is over-drawn, ineligible under the rule set,
of another family or unit, or not shut down by `as_of`; WARN when a source is not yet
dismantled by `as_of`; PASS otherwise. Values and message name every source and amount.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from functools import lru_cache

from screening.rules.base import one_finding
from screening.rules.text import decimal_json, decimal_text, jnum, num, ratio_text, ratio_text_zh
from screening.rules.types import Finding, Outcome, PlanFacts, SourceDrawFacts

ID = "R14"
CLAUSE = "(四)2, (十一)"
TITLE = (
    "产能置换来源核验（登记的置换方案和退出产能）",
    "Replacement sources verified (registered plans and retired capacity)",
)
PARAMETERS: tuple[str, ...] = ("replacement_source_ineligible",)
NEEDS_PLAN_REF = True  # the engine skips R14 for rows naming no plan (see applies)

_REASON_ZH = {
    "subsidised": "享受过奖补资金或政策支持",
    "mandatory_elimination": "列入淘汰落后产能名单",
}
_REASON_EN = {
    "subsidised": "retired with public subsidies",
    "mandatory_elimination": "on a mandatory-elimination list",
}


@lru_cache(maxsize=65536)
def plan_key(ref: str | None) -> str:
    """The form in which a plan reference is matched: NFKC-folded (full-width letters, digits
    and brackets become half-width), white space and invisible characters removed. Cached: a
    row's reference is looked up by `applies` and again by `evaluate`."""
    if not ref:
        return ""
    folded = unicodedata.normalize("NFKC", ref)
    if not folded.isprintable():  # control or format characters (Cc, Cf) somewhere
        folded = "".join(ch for ch in folded if unicodedata.category(ch) not in ("Cc", "Cf"))
    return "".join(folded.split())


def plan_of(facts) -> PlanFacts | None:
    """The registered plan the row names, or None (then R14 does not apply)."""
    ref = facts.project.replacement_plan_ref
    if not ref:
        return None
    # .get() only: the registry is read on the first row that names a plan (facts.LazyPlans).
    return facts.context.replacement_plans.get(plan_key(ref))


# The plan `applies` found for the row being screened, so `evaluate` need not look it up
# again; keyed by the Facts object itself (a tuple is replaced whole: safe across threads).
_last_found: tuple[object, PlanFacts | None] = (None, None)


def applies(facts) -> bool:
    global _last_found
    ref = facts.project.replacement_plan_ref
    if not ref:  # most rows: no lookup at all
        return False
    plan = facts.context.replacement_plans.get(plan_key(ref))
    _last_found = (facts, plan)
    return plan is not None


def _source_problems(
    draw: SourceDrawFacts, plan: PlanFacts, as_of, ineligible: frozenset[str]
) -> tuple[list[str], list[str], list[str], list[str]]:
    """(problem codes, zh texts, en texts, warning codes) for one source."""
    codes: list[str] = []
    zh: list[str] = []
    en: list[str] = []
    warnings: list[str] = []
    name = draw.source_number
    if draw.drawn_total > draw.capacity:
        codes.append("source_over_drawn")
        zh.append(
            f"{name}已被提取{num(draw.drawn_total)}{draw.capacity_unit}，超过其产能"
            f"{num(draw.capacity)}{draw.capacity_unit}"
        )
        en.append(
            f"{name} is drawn {num(draw.drawn_total)} {draw.capacity_unit}, beyond its "
            f"capacity of {num(draw.capacity)} {draw.capacity_unit}"
        )
    reasons = sorted(draw.ineligibility & ineligible)
    if reasons:
        codes.append("source_ineligible")
        zh.append(f"{name}{'、'.join(_REASON_ZH[r] for r in reasons)}，不得用于置换")
        en.append(f"{name} is {' and '.join(_REASON_EN[r] for r in reasons)}, so it cannot be used")
    if draw.family != plan.family:
        codes.append("source_other_family")
        zh.append(f"{name}为{draw.family}产能，与方案的{plan.family}不同")
        en.append(f"{name} is {draw.family} capacity, not {plan.family}")
    elif draw.capacity_unit != plan.capacity_unit:
        codes.append("source_other_unit")
        zh.append(f"{name}产能单位{draw.capacity_unit}与方案的{plan.capacity_unit}不同")
        en.append(f"{name} is in {draw.capacity_unit}, the plan in {plan.capacity_unit}")
    if draw.shutdown_date is None or draw.shutdown_date > as_of:
        codes.append("source_not_shut_down")
        when = "未关停" if draw.shutdown_date is None else f"{draw.shutdown_date}才关停"
        zh.append(f"{name}截至{as_of}{when}")
        en.append(
            f"{name} was not shut down by {as_of}"
            + ("" if draw.shutdown_date is None else f" (shut down {draw.shutdown_date})")
        )
    if draw.dismantled_date is None or draw.dismantled_date > as_of:
        warnings.append("source_not_dismantled")
    return codes, zh, en, warnings


def evaluate(facts) -> tuple[Finding, ...]:
    found_for, plan = _last_found
    if found_for is not facts:
        plan = plan_of(facts)
    assert plan is not None  # guaranteed by applies()
    p, params, as_of = facts.project, facts.params, facts.context.as_of
    key_area = facts.context.key_air_area
    unit = plan.capacity_unit
    family = plan.family
    draws = plan.draws
    problems: list[str] = []
    zh: list[str] = []
    en: list[str] = []
    if plan.withdrawn:
        problems.append("plan_withdrawn")
        zh.append("该方案已撤回，其提取的退出产能已退回")
        en.append("the plan was withdrawn and its draws returned")
    if facts.family is not None and facts.family != family:
        problems.append("project_other_family")
        zh.append(f"项目产品为{facts.family}，方案登记的是{family}")
        en.append(f"the project makes {facts.family} but the plan is for {family}")
    # A plan may serve several projects; the row's own new capacity counts when it is larger,
    # so understating the plan never lets a project through.
    built = plan.new_capacity
    if p.new_capacity is not None and p.new_capacity > built:
        built = p.new_capacity
    drawn = Decimal(0)
    for draw in draws:
        drawn += draw.amount
    rule = params.replacement_rule(family)
    need = rule.requirement(key_area) if rule is not None else None
    required = need.ratio * built if need is not None else None
    if need is not None and not need.is_met(built, drawn):
        problems.append("ratio_not_met")
        zh.append(
            f"方案提取退出产能{num(drawn)}{unit}，{'未超过' if need.strict else '未达到'}"
            f"{num(required)}{unit}"
        )
        en.append(
            f"the plan draws {num(drawn)} {unit}, which does not "
            f"{'exceed' if need.strict else 'reach'} {num(required)} {unit}"
        )
    warnings: list[str] = []
    sources = []
    listed_zh: list[str] = []
    listed_en: list[str] = []
    ineligible = params.replacement_source_ineligible
    # Amounts, capacities and totals are never blank: their texts straight from the caches.
    text, json = decimal_text, decimal_json
    for draw in draws:
        (
            number,
            enterprise,
            equipment,
            region,
            draw_family,
            capacity,
            draw_unit,
            drawn_total,
            amount,
            shutdown,
            dismantled,
            flags,
        ) = draw
        if (
            drawn_total > capacity
            or draw_family != family
            or draw_unit != unit
            or shutdown is None
            or shutdown > as_of
            or (flags and flags & ineligible)
        ):
            codes, s_zh, s_en, s_warn = _source_problems(draw, plan, as_of, ineligible)
            problems.extend(c for c in codes if c not in problems)
            zh.extend(s_zh)
            en.extend(s_en)
            codes = codes + s_warn
        else:  # the usual case: nothing wrong but perhaps the dismantling
            s_warn = (
                [] if dismantled is not None and dismantled <= as_of else ["source_not_dismantled"]
            )
            codes = s_warn
        if s_warn and not warnings:
            warnings.append("source_not_dismantled")
        amount_text = text(amount)
        listed_zh.append(f"{number}（{enterprise}{equipment}）{amount_text}{unit}")
        listed_en.append(f"{number} ({enterprise} {equipment}) {amount_text} {unit}")
        sources.append(
            {
                "source": number,
                "enterprise": enterprise,
                "equipment": equipment,
                "region": region,
                "family": draw_family,
                "amount": json(amount),
                "capacity": json(capacity),
                "drawn_total": json(drawn_total),
                "capacity_unit": draw_unit,
                "shutdown_date": shutdown.isoformat() if shutdown is not None else None,
                "dismantled_date": dismantled.isoformat() if dismantled is not None else None,
                "problems": codes,
            }
        )
    values = {
        "replacement_plan_ref": plan.ref,
        "plan_withdrawn": plan.withdrawn,
        "family": plan.family,
        "key_air_area": key_area,
        "ratio_parameter": rule.param_id if rule is not None else None,
        "ratio_required": jnum(need.ratio) if need is not None else None,
        "strict": need.strict if need is not None else None,
        "capacity_built": jnum(built),
        "required_capacity": jnum(required),
        "drawn_capacity": jnum(drawn),
        "capacity_unit": unit,
        "sources": sources,
        "problems": problems,
        "warnings": warnings,
    }
    listed_zh = "；".join(listed_zh) or "无"
    listed_en = "; ".join(listed_en) or "none"
    if need is not None:
        head_zh = (
            f"置换方案{plan.ref}建设{plan.family}产能{num(built)}{unit}，须按"
            f"{ratio_text_zh(need.ratio, need.strict)}置换，提取退出产能{listed_zh}"
        )
        head_en = (
            f"Plan {plan.ref} builds {num(built)} {unit} of {plan.family} and must "
            f"replace {ratio_text(need.ratio, need.strict)}; it draws {listed_en}"
        )
    else:
        head_zh = (
            f"置换方案{plan.ref}建设{plan.family}产能{num(built)}{unit}，提取退出产能{listed_zh}"
        )
        head_en = (
            f"Plan {plan.ref} builds {num(built)} {unit} of {plan.family}; it draws {listed_en}"
        )
    if problems:
        return one_finding(
            ID,
            Outcome.FAIL,
            CLAUSE,
            f"{head_zh}：{'；'.join(zh)}。",
            f"{head_en}: {'; '.join(en)}.",
            values,
        )
    if warnings:
        late = [
            d.source_number
            for d in plan.draws
            if d.dismantled_date is None or d.dismantled_date > as_of
        ]
        return one_finding(
            ID,
            Outcome.WARN,
            CLAUSE,
            f"{head_zh}；{'、'.join(late)}截至{as_of}尚未拆除，应督促拆除验收。",
            f"{head_en}; {', '.join(late)} not yet dismantled by {as_of}.",
            values,
        )
    return one_finding(
        ID,
        Outcome.PASS,
        CLAUSE,
        f"{head_zh}，经登记核验符合要求。",
        f"{head_en}, verified against the registry.",
        values,
    )
