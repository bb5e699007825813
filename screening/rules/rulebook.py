"""The screening rules R01–R15 of SPEC §4, as a table of small rule objects.

Each rule declares its id, its clause in the Henan action plan (or the 2030 plan), when it
applies, and what it finds. Thresholds, ratios and benchmarks come only from RuleParameters;
the stage, type and class names are the spec's fixed enumerations. A rule that does not apply
returns nothing (NA findings are left out, as SPEC §4 allows).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from screening.rules import r14_replacement_sources as r14
from screening.rules.barometer import red_run_at_end
from screening.rules.base import (
    AIR_QUALITY_TYPES,
    BUILDING,
    FAIL,
    INFO,
    NEEDS_INFO,
    NEW_BUILD_STAGES,
    OPERATING,
    PASS,
    PLANNED,
    WARN,
    Facts,
    Rule,
    counting_months,
    month_label,
    one_finding,
)
from screening.rules.text import (
    SECTOR_EN,
    STAGE_EN,
    TECH_EN,
    TIER_EN,
    TIER_ZH,
    TYPE_EN,
    jdate,
    jnum,
    num,
    ratio_text,
    ratio_text_zh,
)
from screening.rules.types import (
    ConstructionType,
    Finding,
    Sector,
    TechClass,
    Tier,
)

_ZERO = Decimal(0)

# R05 problem codes; the disposition reads the EIA ones ((七): 停止建设并查处).
NO_ENERGY_REVIEW = "no_energy_review"
NO_EIA = "no_eia"
ENERGY_REVIEW_AFTER_START = "energy_review_after_start"
EIA_AFTER_START = "eia_after_start"
EIA_PROBLEMS = frozenset({NO_EIA, EIA_AFTER_START})

_one = one_finding
_month_label = month_label


# -- R01 scope (三) ---------------------------------------------------------------------------


def _r01(f: Facts) -> tuple[Finding, ...]:
    p, threshold = f.project, f.params.scope_min_energy_tce
    return _one(
        "R01",
        INFO,
        "(三)",
        f"属于“两高”项目：{p.sector}行业，年综合能源消费量{num(p.annual_energy_tce)}吨标准煤，"
        f"不低于{num(threshold)}吨标准煤。",
        f"In scope as a two-high project: {SECTOR_EN[p.sector]} sector using "
        f"{num(p.annual_energy_tce)} tce a year, at or above {num(threshold)} tce.",
        {
            "sector": p.sector.value,
            "annual_energy_tce": jnum(p.annual_energy_tce),
            "threshold_tce": jnum(threshold),
        },
    )


# -- R02 key energy user (十五); 2030 plan 三(二)4 ---------------------------------------------


def _r02_applies(f: Facts) -> bool:
    energy = f.project.annual_energy_tce
    # 2030 plan 三(二)4 says 超过: the data-centre threshold itself is not enough.
    return energy >= f.params.key_energy_user_min_tce or (
        f.project.sector is Sector.DATA_CENTER and energy > f.params.data_center_monitoring_min_tce
    )


def _r02(f: Facts) -> tuple[Finding, ...]:
    p, params = f.project, f.params
    energy = p.annual_energy_tce
    found: list[Finding] = []
    if energy >= params.key_energy_user_min_tce:
        threshold = params.key_energy_user_min_tce
        found.extend(
            _one(
                "R02",
                INFO,
                "(十五)",
                f"本项目年综合能源消费量{num(energy)}吨标准煤，单独即达到{num(threshold)}吨标准煤，"
                "其建设单位应作为用能权交易主体、按重点用能单位管理。",
                f"Using {num(energy)} tce a year, the project alone reaches the {num(threshold)} "
                "tce at which its enterprise trades energy-use rights and is managed as a key "
                "energy user.",
                {
                    "topic": "key_energy_user",
                    "annual_energy_tce": jnum(energy),
                    "threshold_tce": jnum(threshold),
                },
            )
        )
    if p.sector is Sector.DATA_CENTER and energy > params.data_center_monitoring_min_tce:
        threshold = params.data_center_monitoring_min_tce
        found.extend(
            _one(
                "R02",
                INFO,
                "2030 plan 三(二)4",
                f"数据中心年综合能源消费量{num(energy)}吨标准煤，超过{num(threshold)}吨标准煤，"
                "应纳入能耗在线监测。",
                f"A data centre using {num(energy)} tce a year, more than {num(threshold)} tce, "
                "must join online energy-consumption monitoring.",
                {
                    "topic": "online_monitoring",
                    "annual_energy_tce": jnum(energy),
                    "threshold_tce": jnum(threshold),
                },
            )
        )
    return tuple(found)


# -- R03 capacity replacement (四)2 -----------------------------------------------------------


def _r03_blank_product(f: Facts) -> bool:
    """(b): no product, in a sector with replacement families, a new/rebuilt/expanded project."""
    p = f.project
    return (
        not p.product
        and p.construction_type in AIR_QUALITY_TYPES
        and p.sector.value in f.params.replacement_sectors
    )


def _r03_applies(f: Facts) -> bool:
    new_capacity = f.project.new_capacity
    return f.project.stage in NEW_BUILD_STAGES and (
        (
            f.params.replacement_rule(f.family) is not None
            and new_capacity is not None
            and new_capacity > 0
        )
        or _r03_blank_product(f)
    )


def _r03(f: Facts) -> tuple[Finding, ...]:
    p, key_area = f.project, f.context.key_air_area
    if not p.product:
        # Revision 4: without the product nobody can tell whether capacity must be replaced,
        # and a blank cell must never let a project through.
        kind = p.construction_type
        return _one(
            "R03",
            NEEDS_INFO,
            "(四)2",
            f"{p.sector}行业{kind}项目未填产品/工序，无法判断是否须产能置换及置换比例。",
            f"The product of this {TYPE_EN[kind]} {SECTOR_EN[p.sector]} project is blank, so "
            "whether and at what ratio it must replace capacity cannot be told.",
            {
                "product": None,
                "sector": p.sector.value,
                "construction_type": kind.value,
                "new_capacity": jnum(p.new_capacity),
                "problems": ["no_product"],
            },
        )
    rule = f.params.replacement_rule(f.family)
    assert rule is not None and p.new_capacity is not None  # guaranteed by _r03_applies
    need = rule.requirement(key_area)
    required = need.ratio * p.new_capacity
    replaced = p.replaced_capacity
    unit = p.capacity_unit or ""
    unit_en = f" {unit}" if unit else ""
    area_zh = "大气污染防治重点区域" if key_area else "非重点区域"
    area_en = "in a key air-pollution control area" if key_area else "outside key areas"
    ratio = ratio_text(need.ratio, need.strict)
    problems: list[str] = []
    zh: list[str] = []
    en: list[str] = []
    if not p.replacement_plan_ref:
        problems.append("no_replacement_plan")
        zh.append("未提供产能置换方案文号")
        en.append("no replacement plan reference is given")
    if replaced is None:
        # A blank replaced capacity means nothing was retired: a failure, not missing data.
        problems.append("no_replaced_capacity")
        zh.append("未填置换产能")
        en.append("no replaced capacity is given")
    elif not need.is_met(p.new_capacity, replaced):
        problems.append("ratio_not_met")
        zh.append(
            f"置换产能{num(replaced)}{unit}{'未超过' if need.strict else '未达到'}"
            f"{num(required)}{unit}"
        )
        en.append(
            f"replaced capacity {num(replaced)}{unit_en} does not "
            f"{'exceed' if need.strict else 'reach'} {num(required)}{unit_en}"
        )
    values = {
        "family": f.family,
        "key_air_area": key_area,
        "ratio_parameter": rule.param_id,
        "ratio_required": jnum(need.ratio),
        "strict": need.strict,
        "new_capacity": jnum(p.new_capacity),
        "replaced_capacity": jnum(replaced),
        "required_capacity": jnum(required),
        "capacity_unit": p.capacity_unit,
        "replacement_plan_ref": p.replacement_plan_ref,
        "problems": problems,
    }
    head_zh = (
        f"{f.family}新增产能{num(p.new_capacity)}{unit}，{area_zh}置换比例须"
        f"{ratio_text_zh(need.ratio, need.strict)}"
    )
    head_en = f"{f.family} adds {num(p.new_capacity)}{unit_en} and {area_en} must replace {ratio}"
    if problems:
        return _one(
            "R03",
            FAIL,
            "(四)2",
            f"{head_zh}：{'；'.join(zh)}。",
            f"{head_en}, but {'; '.join(en)}.",
            values,
        )
    return _one(
        "R03",
        PASS,
        "(四)2",
        f"{head_zh}，置换产能{num(replaced)}{unit}符合要求（方案{p.replacement_plan_ref}）。",
        f"{head_en}, and replaces {num(replaced)}{unit_en} under plan {p.replacement_plan_ref}.",
        values,
    )


# -- R04 reduction substitution (四)5 ---------------------------------------------------------


def _r04_applies(f: Facts) -> bool:
    # (四)3 asks every 两高 新建、改扩建 project for coal and pollutant reduction, whatever
    # its product family (revision 4; R01 already limits the rule to projects in scope).
    return (
        f.project.stage in NEW_BUILD_STAGES
        and f.project.construction_type in AIR_QUALITY_TYPES
    )


_R04_ITEMS = (
    ("coal_substitution", "煤炭消费减量替代", "coal-consumption reduction substitution"),
    ("pollutant_reduction", "污染物排放区域削减", "regional pollutant reduction"),
)


def _r04(f: Facts) -> tuple[Finding, ...]:
    p = f.project
    answers = {
        "coal_substitution": p.coal_substitution,
        "pollutant_reduction": p.pollutant_reduction,
    }
    values = {"family": f.family, "construction_type": p.construction_type.value, **answers}
    # The project's family when known, otherwise its sector, names it in the message.
    what_zh = f.family or f"{p.sector}行业"
    what_en = f.family or f"{SECTOR_EN[p.sector]} sector"
    refused = [(zh, en) for key, zh, en in _R04_ITEMS if answers[key] is False]
    if refused:
        return _one(
            "R04",
            FAIL,
            "(四)3",
            f"{what_zh}{p.construction_type}项目须减量替代，"
            f"但未落实{'和'.join(zh for zh, _ in refused)}。",
            f"A {what_en} {TYPE_EN[p.construction_type]} project must follow reduction "
            "substitution but has not carried out "
            f"{' and '.join(en for _, en in refused)}.",
            values,
        )
    blank = [(zh, en) for key, zh, en in _R04_ITEMS if answers[key] is None]
    if blank:
        return _one(
            "R04",
            NEEDS_INFO,
            "(四)3",
            f"{what_zh}{p.construction_type}项目须减量替代，"
            f"未填写是否落实{'和'.join(zh for zh, _ in blank)}。",
            f"A {what_en} {TYPE_EN[p.construction_type]} project must follow reduction "
            "substitution; whether it carried out "
            f"{' and '.join(en for _, en in blank)} is not stated.",
            values,
        )
    return _one(
        "R04",
        PASS,
        "(四)3",
        f"{what_zh}{p.construction_type}项目已落实煤炭消费减量替代和污染物排放区域削减。",
        f"The {what_en} {TYPE_EN[p.construction_type]} project has carried out "
        "coal-consumption reduction substitution and "
        "regional pollutant reduction.",
        values,
    )


# -- R05 approvals (四)3, (七), (九) ----------------------------------------------------------


def _r05_applies(f: Facts) -> bool:
    return f.project.stage in (BUILDING, OPERATING)


def _r05(f: Facts) -> tuple[Finding, ...]:
    p = f.project
    # (七) governs projects under construction, (九) operating ones.
    clause = "(四)3, (七)" if p.stage is BUILDING else "(四)3, (九)"
    start = p.start_date
    problems: list[str] = []
    zh: list[str] = []
    en: list[str] = []
    if not p.energy_review_ref:
        problems.append(NO_ENERGY_REVIEW)
        zh.append("无节能审查")
        en.append("there is no energy review")
    elif start is not None and p.energy_review_date is not None and p.energy_review_date > start:
        problems.append(ENERGY_REVIEW_AFTER_START)
        zh.append(f"节能审查前开工（节能审查{p.energy_review_date}，开工{start}）")
        en.append(f"work started on {start} before the energy review of {p.energy_review_date}")
    if not p.eia_ref:
        problems.append(NO_EIA)
        zh.append("无环评")
        en.append("there is no EIA approval")
    elif start is not None and p.eia_date is not None and p.eia_date > start:
        problems.append(EIA_AFTER_START)
        zh.append(f"环评批复前开工（环评批复{p.eia_date}，开工{start}）")
        en.append(f"work started on {start} before the EIA approval of {p.eia_date}")
    values = {
        "problems": problems,
        "energy_review_ref": p.energy_review_ref,
        "energy_review_date": jdate(p.energy_review_date),
        "eia_ref": p.eia_ref,
        "eia_date": jdate(p.eia_date),
        "start_date": jdate(start),
    }
    if problems:
        return _one(
            "R05",
            FAIL,
            clause,
            f"审批手续不合规：{'；'.join(zh)}。",
            f"Approvals are not in order: {'; '.join(en)}.",
            values,
        )
    when_zh = f"，均不晚于开工日期{start}" if start is not None else ""
    when_en = f", neither later than the start of work on {start}" if start is not None else ""
    return _one(
        "R05",
        PASS,
        clause,
        f"已有节能审查（{p.energy_review_ref}）和环评批复（{p.eia_ref}）{when_zh}。",
        f"The energy review ({p.energy_review_ref}) and EIA approval ({p.eia_ref}) are in "
        f"place{when_en}.",
        values,
    )


# -- R06 air quality (四)1 --------------------------------------------------------------------


def _r06_applies(f: Facts) -> bool:
    return (
        f.project.stage in NEW_BUILD_STAGES
        and f.project.construction_type in AIR_QUALITY_TYPES
        and f.context.non_attainment
    )


def _r06(f: Facts) -> tuple[Finding, ...]:
    answer = f.project.pollutant_control
    kind = f.project.construction_type
    values = {
        "non_attainment": True,
        "construction_type": kind.value,
        "pollutant_control": answer,
    }
    head_zh = f"所在地区大气环境质量未达标，{kind}项目"
    head_en = f"In a non-attainment region, this {TYPE_EN[kind]} project"
    if answer is True:
        return _one(
            "R06",
            PASS,
            "(四)1",
            f"{head_zh}已落实污染物排放总量控制要求。",
            f"{head_en} meets the pollutant total-control requirement.",
            values,
        )
    if answer is False:
        return _one(
            "R06",
            FAIL,
            "(四)1",
            f"{head_zh}未落实污染物排放总量控制要求。",
            f"{head_en} does not meet the pollutant total-control requirement.",
            values,
        )
    return _one(
        "R06",
        NEEDS_INFO,
        "(四)1",
        f"{head_zh}未填写是否落实污染物排放总量控制要求。",
        f"{head_en} does not state whether it meets the pollutant total-control requirement.",
        values,
    )


# -- R07 local red warning (四)4 and R08 regional restriction (十八) ---------------------------


def _is_planned(f: Facts) -> bool:
    return f.project.stage is PLANNED


def _r07(f: Facts) -> tuple[Finding, ...]:
    months = counting_months(f.context)
    latest = months[-1] if months else None
    tier = latest.tier if latest is not None else None
    label = _month_label(latest)
    values = {"latest_month": label, "tier": tier.value if tier is not None else None}
    if tier is Tier.RED:
        return _one(
            "R07",
            FAIL,
            "(四)4",
            f"所在地区最新一期能耗双控晴雨表（{label}）为红色预警。",
            f"The region's latest energy dual-control barometer month ({label}) is red.",
            values,
        )
    if latest is None:
        zh = "所在地区尚无计入的能耗双控晴雨表月份，不属红色预警。"
        en = "The region has no barometer month counting yet, so it is not on red warning."
    else:
        zh = f"所在地区最新一期能耗双控晴雨表（{label}）为{TIER_ZH[tier]}，不属红色预警。"
        en = f"The region's latest barometer month ({label}) is {TIER_EN[tier]}, not red."
    return _one("R07", PASS, "(四)4", zh, en, values)


def _r08(f: Facts) -> tuple[Finding, ...]:
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
        en.append("it missed last year's energy dual-control target, so energy reviews are "
                  "suspended")
    if missed_pollutant:
        reasons.append("pollutant_target_missed")
        zh.append("上年度未完成污染物排放总量控制目标，暂停新增排放相应污染物项目的环评审批")
        en.append("it missed last year's pollutant-total target, so EIA approvals of projects "
                  "adding those pollutants are suspended")
    values = {
        "red_run_months": run,
        "restriction_months": limit,
        "latest_month": _month_label(months[-1] if months else None),
        "missed_dual_control": ctx.missed_dual_control_last_year,
        "missed_pollutant_target": ctx.missed_pollutant_target_last_year,
        "livelihood": p.livelihood,
        "reasons": reasons,
    }
    if reasons:
        return _one(
            "R08",
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
    return _one(
        "R08",
        PASS,
        "(十八)",
        f"所在地区未限批（能耗双控晴雨表末尾连续红色{run}个月，少于{limit}个月），{zh_tail}。",
        f"The region is not restricted: its dual-control barometer ends in {run} red months "
        f"(fewer than {limit}) and {en_tail}.",
        values,
    )


# -- R09 technology class (十一) --------------------------------------------------------------


def _r09(f: Facts) -> tuple[Finding, ...]:
    p = f.project
    tech, kind, stage = p.tech_class, p.construction_type, p.stage
    values = {
        "tech_class": tech.value,
        "construction_type": kind.value,
        "stage": stage.value,
        "new_energy_tce": jnum(p.new_energy_tce),
    }
    if tech is TechClass.ELIMINATED:
        return _one(
            "R09",
            FAIL,
            "(十一)",
            f"采用淘汰类工艺技术（{stage}项目）。",
            f"The {STAGE_EN[stage]} project uses eliminated-class technology.",
            values,
        )
    if tech is TechClass.RESTRICTED and kind is ConstructionType.TECH_UPGRADE:
        # (十一): a restricted-class upgrade may only lower energy use, so new energy must be 0.
        added = p.new_energy_tce
        if added is None:
            return _one(
                "R09",
                NEEDS_INFO,
                "(十一)",
                "限制类技术改造项目未填新增能源消费量，无法确认耗能只减不增。",
                "A restricted-class technical upgrade must not add energy use, but its new "
                "energy consumption is blank.",
                values,
            )
        if added > 0:
            return _one(
                "R09",
                FAIL,
                "(十一)",
                f"限制类技术改造项目新增能源消费量{num(added)}吨标准煤，耗能须只减不增。",
                f"A restricted-class technical upgrade adds {num(added)} tce a year, but it may "
                "only lower energy use.",
                values,
            )
        return _one(
            "R09",
            PASS,
            "(十一)",
            "限制类技术改造项目新增能源消费量为0，耗能不增。",
            "The restricted-class technical upgrade adds no energy use.",
            values,
        )
    if tech is TechClass.RESTRICTED and stage is PLANNED:
        return _one(
            "R09",
            FAIL,
            "(十一)",
            f"拟建项目采用限制类工艺技术（建设性质{kind}），不得核准或备案。",
            f"A planned {TYPE_EN[kind]} project with restricted-class technology may not be "
            "approved or filed.",
            values,
        )
    return _one(
        "R09",
        PASS,
        "(十一)",
        f"工艺技术类别为{tech}，{stage}项目不受限制。",
        f"The technology class is {TECH_EN[tech]}, which is not barred at the "
        f"{STAGE_EN[stage]} stage.",
        values,
    )


# -- R10 efficiency (十七); 2030 plan 三(三)6; (九) -------------------------------------------

# 拟建 must reach 标杆 ((十七)); 在建 below 基准 stop and rectify (2030 plan 三(三)6); 存量 are
# upgraded towards 标杆 ((九)).
_R10_CLAUSE = {PLANNED: "(十七)", BUILDING: "2030 plan 三(三)6", OPERATING: "(九)"}


def _r10_applies(f: Facts) -> bool:
    # A product without a benchmark row (氧化铝) has nothing to compare with; a blank product
    # must not pass, except in a sector with no benchmark row at all (煤电).
    if f.project.product:
        return f.product is not None
    return f.project.sector.value in f.params.benchmarked_sectors


def _r10(f: Facts) -> tuple[Finding, ...]:
    p, spec = f.project, f.product
    stage = p.stage
    clause = _R10_CLAUSE[stage]
    if spec is None:
        # Revision 4: a blank product cannot be compared with any benchmark.
        return _one(
            "R10",
            NEEDS_INFO,
            clause,
            f"{p.sector}行业项目未填产品/工序，无法与能效标杆和基准水平比对。",
            f"The product of this {SECTOR_EN[p.sector]} project is blank, so it cannot be "
            "compared with the benchmark and baseline levels.",
            {"product": None, "sector": p.sector.value, "stage": stage.value},
        )
    actual = p.unit_energy
    values = {
        "product": spec.key,
        "stage": stage.value,
        "unit_energy": jnum(actual),
        "unit": spec.unit,
        "benchmark": jnum(spec.benchmark),
        "baseline": jnum(spec.baseline),
    }
    levels_zh = f"标杆{num(spec.benchmark)}、基准{num(spec.baseline)}{spec.unit}"
    levels_en = f"benchmark {num(spec.benchmark)}, baseline {num(spec.baseline)} {spec.unit}"
    if actual is None:
        return _one(
            "R10",
            NEEDS_INFO,
            clause,
            f"{spec.key}未填设计单位产品能耗，无法与{levels_zh}比对。",
            f"The design unit energy of {spec.key} is blank, so it cannot be compared with the "
            f"{levels_en}.",
            values,
        )
    given_zh = f"{spec.key}设计单位产品能耗{num(actual)}{spec.unit}（{levels_zh}）"
    given_en = f"{spec.key} design unit energy is {num(actual)} {spec.unit} ({levels_en})"
    if stage is PLANNED:
        if actual <= spec.benchmark:
            return _one(
                "R10",
                PASS,
                clause,
                f"{given_zh}，达到标杆水平。",
                f"{given_en}: it reaches the benchmark level.",
                values,
            )
        return _one(
            "R10",
            FAIL,
            clause,
            f"{given_zh}，拟建项目未达到标杆水平。",
            f"{given_en}: a planned project must reach the benchmark level.",
            values,
        )
    if actual > spec.baseline:
        return _one(
            "R10",
            FAIL,
            clause,
            f"{given_zh}，未达到基准水平。",
            f"{given_en}: it is worse than the baseline level.",
            values,
        )
    if stage is OPERATING and actual > spec.benchmark:
        return _one(
            "R10",
            WARN,
            clause,
            f"{given_zh}，达到基准但未达到标杆水平，应改造提升。",
            f"{given_en}: it meets the baseline but not the benchmark and should be upgraded.",
            values,
        )
    return _one(
        "R10",
        PASS,
        clause,
        f"{given_zh}，符合要求。",
        f"{given_en}: it meets the requirement for its stage.",
        values,
    )


# -- R11 energy-use rights (十五) -------------------------------------------------------------


def _r11(f: Facts) -> tuple[Finding, ...]:
    p = f.project
    bought = p.energy_rights_tce if p.energy_rights_tce is not None else _ZERO
    if p.new_energy_tce is not None:
        needed, needed_from = p.new_energy_tce, "new_energy_tce"
    elif p.construction_type is ConstructionType.NEW:
        # A new build's whole annual consumption is new to the region.
        needed, needed_from = p.annual_energy_tce, "annual_energy_tce"
    else:
        kind = p.construction_type
        return _one(
            "R11",
            NEEDS_INFO,
            "(十五)",
            f"{kind}项目未填新增能源消费量，无法确认用能权是否全额购买。",
            f"The new energy consumption of this {TYPE_EN[kind]} project is blank, so the "
            "energy-use rights it must buy are unknown.",
            {
                "needed_tce": None,
                "needed_from": None,
                "energy_rights_tce": jnum(bought),
                "construction_type": kind.value,
            },
        )
    values = {
        "needed_tce": jnum(needed),
        "needed_from": needed_from,
        "energy_rights_tce": jnum(bought),
    }
    basis_zh = "新增能源消费量" if needed_from == "new_energy_tce" else "新建项目年综合能源消费量"
    basis_en = "new energy use" if needed_from == "new_energy_tce" else "a new build's annual use"
    if bought >= needed:
        return _one(
            "R11",
            PASS,
            "(十五)",
            f"已购用能权{num(bought)}吨标准煤，不少于须购买的{num(needed)}吨标准煤（{basis_zh}）。",
            f"Energy-use rights of {num(bought)} tce cover the {num(needed)} tce needed "
            f"({basis_en}).",
            values,
        )
    return _one(
        "R11",
        FAIL,
        "(十五)",
        f"已购用能权{num(bought)}吨标准煤，少于须全额购买的{num(needed)}吨标准煤（{basis_zh}）。",
        f"Energy-use rights of {num(bought)} tce fall short of the {num(needed)} tce needed "
        f"({basis_en}).",
        values,
    )


# -- R12 energy diagnosis due (十) ------------------------------------------------------------


def years_before(day: date, years: int) -> date:
    """The same calendar day `years` before; 29 February falls back to 28 February."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _r12(f: Facts) -> tuple[Finding, ...]:
    p = f.project
    interval = f.params.diagnosis_interval_years
    cutoff = years_before(f.context.as_of, interval)
    checks = (
        ("last_energy_diagnosis", p.last_energy_diagnosis, "节能诊断", "energy diagnosis"),
        (
            "last_cleaner_production",
            p.last_cleaner_production,
            "清洁生产审核",
            "cleaner-production audit",
        ),
    )
    due = [(key, zh, en, when) for key, when, zh, en in checks if when is None or when < cutoff]
    values = {
        "interval_years": interval,
        "cutoff": cutoff.isoformat(),
        "last_energy_diagnosis": jdate(p.last_energy_diagnosis),
        "last_cleaner_production": jdate(p.last_cleaner_production),
        "due": [key for key, *_ in due],
    }
    if due:
        zh = "、".join(
            f"{label}（{'未填' if when is None else when}）" for _, label, _, when in due
        )
        en = " and ".join(
            f"the {label} ({'blank' if when is None else when})" for _, _, label, when in due
        )
        return _one(
            "R12",
            WARN,
            "(十)",
            f"{zh}早于{cutoff}或缺失，{interval}年内应至少开展一次。",
            f"Due: {en} is missing or before {cutoff}; both are needed once every {interval} "
            "years.",
            values,
        )
    return _one(
        "R12",
        PASS,
        "(十)",
        f"节能诊断（{p.last_energy_diagnosis}）和清洁生产审核（{p.last_cleaner_production}）"
        f"均不早于{cutoff}。",
        f"The energy diagnosis ({p.last_energy_diagnosis}) and cleaner-production audit "
        f"({p.last_cleaner_production}) are both on or after {cutoff}.",
        values,
    )


# -- R13 policy fit (四)3, (五), (十二) -------------------------------------------------------


def _r13(f: Facts) -> tuple[Finding, ...]:
    fits = f.project.policy_fit
    values = {"policy_fit": fits}
    if fits:
        return _one(
            "R13",
            PASS,
            "(四)3, (五), (十二)",
            "项目符合产业政策和规划。",
            "The project fits industrial policy and plans.",
            values,
        )
    return _one(
        "R13",
        FAIL,
        "(四)3, (五), (十二)",
        "项目不符合产业政策和规划。",
        "The project does not fit industrial policy and plans.",
        values,
    )


# -- R15 key-area capacity ban, 2021 pollution-control opinion (七) -----------------------------

R15_CLAUSE = "2021 pollution-control opinion (七)"


def _r15_applies(f: Facts) -> bool:
    p, ban = f.project, f.params.key_area_capacity_ban
    return (
        ban is not None
        and p.stage is PLANNED
        and p.new_capacity is not None
        and p.new_capacity > 0
        and f.context.key_air_area
        and ban.covers(f.family, p.sector.value)
    )


def _r15(f: Facts) -> tuple[Finding, ...]:
    p = f.project
    what_zh = f.family if f.family and f.family != p.sector.value else p.sector.value
    unit = p.capacity_unit or ""
    return _one(
        "R15",
        FAIL,
        R15_CLAUSE,
        f"重点区域严禁新增氧化铝、煤化工产能：本项目（{p.sector}，{what_zh}）位于大气污染防治重点区域，"
        f"新增产能{num(p.new_capacity)}{unit}。",
        f"No new alumina or coal-chemical capacity is allowed in a key air-pollution control "
        f"area: this {SECTOR_EN[p.sector]} project adds {num(p.new_capacity)}"
        f"{' ' + unit if unit else ''} there.",
        {
            "family": f.family,
            "sector": p.sector.value,
            "key_air_area": True,
            "new_capacity": jnum(p.new_capacity),
            "capacity_unit": p.capacity_unit,
        },
    )


def _always(_: Facts) -> bool:
    return True


def _is_operating(f: Facts) -> bool:
    return f.project.stage is OPERATING


# The rules in the order their findings are listed. R01 is evaluated only for projects in
# scope; a project out of scope is screened by R02 alone (needs_scope=False).
RULES: tuple[Rule, ...] = (
    Rule("R01", "(三)", _always, _r01),
    Rule("R02", "(十五); 2030 plan 三(二)4", _r02_applies, _r02, needs_scope=False),
    Rule("R03", "(四)2, (四)5, (十一)", _r03_applies, _r03),
    Rule("R04", "(四)3, (四)5", _r04_applies, _r04),
    Rule("R05", "(四)3, (七), (九)", _r05_applies, _r05),
    Rule("R06", "(四)1", _r06_applies, _r06),
    Rule("R07", "(四)4", _is_planned, _r07),
    Rule("R08", "(十八)", _is_planned, _r08),
    Rule("R09", "(十一)", _always, _r09),
    Rule("R10", "(十七); 2030 plan 三(三)6; (九)", _r10_applies, _r10),
    Rule("R11", "(十五)", _is_planned, _r11),
    Rule("R12", "(十)", _is_operating, _r12),
    Rule("R13", "(四)3, (五), (十二)", _always, _r13),
    Rule(r14.ID, r14.CLAUSE, r14.applies, r14.evaluate),
    Rule("R15", R15_CLAUSE, _r15_applies, _r15),
)
RULES_BY_ID = {rule.id: rule for rule in RULES}
OUT_OF_SCOPE_RULES = tuple(rule for rule in RULES if not rule.needs_scope)

# Rule-set parameters each rule reads, so the UI can show their source and status next to a
# finding (RuleParameters.source_of). R03's ratio parameter depends on the family and is in
# the finding's values["ratio_parameter"].
RULE_PARAMETERS: dict[str, tuple[str, ...]] = {
    "R01": ("scope_sectors", "scope_min_energy_tce"),
    "R02": ("key_energy_user_min_tce", "data_center_monitoring_min_tce"),
    "R03": (),
    "R04": ("scope_sectors",),
    "R05": (),
    "R06": (),
    "R07": (),
    "R08": ("barometer_restriction_months",),
    "R09": (),
    "R10": ("products",),
    "R11": (),
    "R12": ("diagnosis_interval_years",),
    "R13": (),
    r14.ID: r14.PARAMETERS,
    "R15": ("key_area_capacity_ban", "products_without_benchmark"),
}


# What each rule checks, in both languages (the rule-set page and the template's
# instructions list them; the engine's messages stay in the findings).
RULE_TITLES: dict[str, tuple[str, str]] = {
    "R01": ("“两高”范围（八个行业、年综合能源消费量1万吨标准煤及以上）",
            "Two-high scope (eight sectors, 10,000 tce a year and more)"),
    "R02": ("重点用能单位（5000吨标准煤）；数据中心超过1万吨标准煤纳入能耗在线监测",
            "Key energy user (5,000 tce); data centres above 10,000 tce join online monitoring"),
    "R03": ("产能置换（按产品族和是否重点区域的置换比例）；钢铁、焦化、建材、有色、石化行业新建、"
            "改建、扩建项目未填产品/工序须补充",
            "Capacity replacement (ratio by family and key area); a blank product in steel, "
            "coking, building materials, non-ferrous or petrochemicals needs information"),
    "R04": ("新建、改建、扩建“两高”项目落实煤炭消费减量替代和污染物排放区域削减",
            "New, rebuilt and expanded projects carry out coal and pollutant reduction"),
    "R05": ("在建、存量项目的节能审查和环评批复", "Energy review and EIA of projects built or "
            "being built"),
    "R06": ("未达标地区落实污染物排放总量控制", "Pollutant total control in non-attainment "
            "regions"),
    "R07": ("所在地区能耗双控晴雨表红色预警（拟建）",
            "The region's dual-control barometer is red (planned projects)"),
    "R08": ("区域节能评估限批；上年度未完成能耗双控或污染物总量目标（拟建）",
            "Regional restriction; last year's dual-control or pollutant target missed "
            "(planned projects)"),
    "R09": ("工艺技术类别（淘汰类、限制类）", "Technology class (eliminated, restricted)"),
    "R10": ("能效标杆和基准水平；未填产品/工序须补充（煤电除外）",
            "Efficiency benchmark and baseline; a blank product needs information (not coal "
            "power)"),
    "R11": ("用能权全额购买（拟建）", "Energy-use rights bought in full (planned projects)"),
    "R12": ("节能诊断和清洁生产审核五年一次（存量）",
            "Energy diagnosis and cleaner-production audit every five years (operating)"),
    "R13": ("符合产业政策和规划", "Fits industrial policy and plans"),
    "R14": ("产能置换来源核验（登记的置换方案和退出产能）",
            "Replacement sources verified (registered plans and retired capacity)"),
    "R15": ("重点区域严禁新增氧化铝、煤化工产能（拟建）",
            "No new alumina or coal-chemical capacity in key air-pollution areas (planned)"),
}


def parameters_of(finding: Finding) -> tuple[str, ...]:
    """Ids of the rule-set parameters a finding rests on (for source and status in the UI)."""
    used = RULE_PARAMETERS.get(finding.rule, ())
    ratio = finding.values.get("ratio_parameter")
    return (*used, ratio) if ratio else used
