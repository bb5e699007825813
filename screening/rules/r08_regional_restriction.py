"""R08 regional restriction — (十八): a planned project in a region under the regional
energy-assessment restriction, or that missed last year's dual-control or pollutant target,
fails (the livelihood exemption covers the energy-review suspension only).
"""

from __future__ import annotations

from screening.rules.barometer import red_run_at_end
from screening.rules.base import (
    FAIL,
    PASS,
    Facts,
    counting_months,
    is_planned,
    month_label,
    one_finding,
)
from screening.rules.types import Finding

ID = "R08"
CLAUSE = "(十八)"
TITLE = (
    "区域节能评估限批；上年度未完成能耗双控或污染物总量目标（拟建）",
    "Regional restriction; last year's dual-control or pollutant target missed (planned projects)",
)
PARAMETERS: tuple[str, ...] = ("barometer_restriction_months",)
applies = is_planned


def evaluate(f: Facts) -> tuple[Finding, ...]:
    p, ctx, params = f.project, f.context, f.params
    months = counting_months(ctx)
    run = red_run_at_end(months)
    limit = params.barometer_restriction_months
    missed_dual = ctx.missed_dual_control_last_year
    missed_pollutant = ctx.missed_pollutant_target_last_year
    reasons: list[str] = []
    zh: list[str] = []
    en: list[str] = []
    if run >= limit:
        reasons.append("regional_restriction")
        zh.append(f"能耗双控晴雨表连续{run}个月红色预警（{limit}个月起），实行区域节能评估限批")
        en.append(
            f"the dual-control barometer has been red {run} months running ({limit} trigger the "
            "regional energy-assessment restriction)"
        )
    # (十八): the livelihood exemption covers the 节能审查 suspension only (revision 4).
    if missed_dual and not p.livelihood:
        reasons.append("dual_control_missed")
        zh.append("上年度未完成能耗双控目标，暂停节能审查")
        en.append(
            "it missed last year's energy dual-control target, so energy reviews are suspended"
        )
    if missed_pollutant:
        reasons.append("pollutant_target_missed")
        zh.append("上年度未完成污染物排放总量控制目标，暂停新增排放相应污染物项目的环评审批")
        en.append(
            "it missed last year's pollutant-total target, so EIA approvals of projects "
            "adding those pollutants are suspended"
        )
    values = {
        "red_run_months": run,
        "restriction_months": limit,
        "latest_month": month_label(months[-1] if months else None),
        "missed_dual_control": ctx.missed_dual_control_last_year,
        "missed_pollutant_target": ctx.missed_pollutant_target_last_year,
        "livelihood": p.livelihood,
        "reasons": reasons,
    }
    if reasons:
        return one_finding(
            ID,
            FAIL,
            "(十八)",
            f"所在地区{'；'.join(zh)}。",
            f"The region is restricted: {'; '.join(en)}.",
            values,
        )
    if missed_dual:
        zh_tail = "上年度未完成能耗双控目标，但本项目属民生或基础设施项目，不暂停节能审查"
        en_tail = (
            "it missed last year's dual-control target but livelihood and infrastructure "
            "projects are exempt from that suspension"
        )
    else:
        zh_tail = "上年度目标已完成"
        en_tail = "it met last year's targets"
    return one_finding(
        ID,
        PASS,
        "(十八)",
        f"所在地区未限批（能耗双控晴雨表末尾连续红色{run}个月，少于{limit}个月），{zh_tail}。",
        f"The region is not restricted: its dual-control barometer ends in {run} red months "
        f"(fewer than {limit}) and {en_tail}.",
        values,
    )
