"""R03 capacity replacement — (四)2, (四)5, (十一): new capacity of a replacement family is
matched by retired capacity at the rule set's ratio (by family and key area); a blank product
in a sector with replacement families needs information.
"""

from __future__ import annotations

from screening.rules.base import (
    AIR_QUALITY_TYPES,
    FAIL,
    NEEDS_INFO,
    NEW_BUILD_STAGES,
    PASS,
    Facts,
    one_finding,
)
from screening.rules.text import SECTOR_EN, TYPE_EN, jnum, num, ratio_text, ratio_text_zh
from screening.rules.types import Finding

ID = "R03"
CLAUSE = "(四)2, (四)5, (十一)"
TITLE = (
    "产能置换（按产品族和是否重点区域的置换比例）；钢铁、焦化、建材、有色、石化行业新建、"
    "改建、扩建项目未填产品/工序须补充",
    "Capacity replacement (ratio by family and key area); a blank product in steel, coking, "
    "building materials, non-ferrous or petrochemicals needs information",
)
PARAMETERS: tuple[str, ...] = ()


def _blank_product(f: Facts) -> bool:
    """(b): no product, in a sector with replacement families, a new/rebuilt/expanded project."""
    p = f.project
    return (
        not p.product
        and p.construction_type in AIR_QUALITY_TYPES
        and p.sector._value_ in f.params.replacement_sectors
    )


def applies(f: Facts) -> bool:
    new_capacity = f.project.new_capacity
    return f.project.stage in NEW_BUILD_STAGES and (
        (
            f.params.replacement_rule(f.family) is not None
            and new_capacity is not None
            and new_capacity > 0
        )
        or _blank_product(f)
    )


def evaluate(f: Facts) -> tuple[Finding, ...]:
    p, key_area = f.project, f.context.key_air_area
    if not p.product:
        # Revision 4: without the product nobody can tell whether capacity must be replaced,
        # and a blank cell must never let a project through.
        kind, sector = p.construction_type, p.sector
        return one_finding(
            ID,
            NEEDS_INFO,
            "(四)2",
            f"{sector._value_}行业{kind._value_}项目未填产品/工序，无法判断是否须产能置换及置换比例。",
            f"The product of this {TYPE_EN[kind]} {SECTOR_EN[sector]} project is blank, so "
            "whether and at what ratio it must replace capacity cannot be told.",
            {
                "product": None,
                "sector": sector._value_,
                "construction_type": kind._value_,
                "new_capacity": jnum(p.new_capacity),
                "problems": ["no_product"],
            },
        )
    rule = f.params.replacement_rule(f.family)
    new_capacity = p.new_capacity
    assert rule is not None and new_capacity is not None  # guaranteed by applies
    need = rule.requirement(key_area)
    required = need.ratio * new_capacity
    replaced = p.replaced_capacity
    plan = p.replacement_plan_ref
    unit = p.capacity_unit or ""
    unit_en = f" {unit}" if unit else ""
    new_text, replaced_text = num(new_capacity), num(replaced)
    problems: list[str] = []
    zh: list[str] = []
    en: list[str] = []
    if not plan:
        problems.append("no_replacement_plan")
        zh.append("未提供产能置换方案文号")
        en.append("no replacement plan reference is given")
    if replaced is None:
        # A blank replaced capacity means nothing was retired: a failure, not missing data.
        problems.append("no_replaced_capacity")
        zh.append("未填置换产能")
        en.append("no replaced capacity is given")
    elif not need.is_met(new_capacity, replaced):
        problems.append("ratio_not_met")
        required_text = num(required)
        zh.append(
            f"置换产能{replaced_text}{unit}{'未超过' if need.strict else '未达到'}"
            f"{required_text}{unit}"
        )
        en.append(
            f"replaced capacity {replaced_text}{unit_en} does not "
            f"{'exceed' if need.strict else 'reach'} {required_text}{unit_en}"
        )
    values = {
        "family": f.family,
        "key_air_area": key_area,
        "ratio_parameter": rule.param_id,
        "ratio_required": jnum(need.ratio),
        "strict": need.strict,
        "new_capacity": jnum(new_capacity),
        "replaced_capacity": jnum(replaced),
        "required_capacity": jnum(required),
        "capacity_unit": p.capacity_unit,
        "replacement_plan_ref": plan,
        "problems": problems,
    }
    area_zh = "大气污染防治重点区域" if key_area else "非重点区域"
    area_en = "in a key air-pollution control area" if key_area else "outside key areas"
    head_zh = (
        f"{f.family}新增产能{new_text}{unit}，{area_zh}置换比例须"
        f"{ratio_text_zh(need.ratio, need.strict)}"
    )
    head_en = (
        f"{f.family} adds {new_text}{unit_en} and {area_en} must replace "
        f"{ratio_text(need.ratio, need.strict)}"
    )
    if problems:
        return one_finding(
            ID,
            FAIL,
            "(四)2",
            f"{head_zh}：{'；'.join(zh)}。",
            f"{head_en}, but {'; '.join(en)}.",
            values,
        )
    return one_finding(
        ID,
        PASS,
        "(四)2",
        f"{head_zh}，置换产能{replaced_text}{unit}符合要求（方案{plan}）。",
        f"{head_en}, and replaces {replaced_text}{unit_en} under plan {plan}.",
        values,
    )
