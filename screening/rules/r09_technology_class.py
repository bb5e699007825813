"""R09 technology class — (十一): eliminated-class technology fails at every stage; a
restricted-class planned project fails, and a restricted-class upgrade may only lower energy use.
"""

from __future__ import annotations

from screening.rules.base import (
    ELIMINATED,
    FAIL,
    NEEDS_INFO,
    PASS,
    PLANNED,
    RESTRICTED,
    TECH_UPGRADE,
    Facts,
    always,
    one_finding,
)
from screening.rules.text import STAGE_EN, TECH_EN, TYPE_EN, jnum, num
from screening.rules.types import ConstructionType, Finding, Stage, TechClass

ID = "R09"
CLAUSE = "(十一)"
TITLE = (
    "工艺技术类别（淘汰类、限制类）",
    "Technology class (eliminated, restricted)",
)
PARAMETERS: tuple[str, ...] = ()
applies = always


def evaluate(f: Facts) -> tuple[Finding, ...]:
    p = f.project
    tech, kind, stage = p.tech_class, p.construction_type, p.stage
    values = {
        "tech_class": tech._value_,
        "construction_type": kind._value_,
        "stage": stage._value_,
        "new_energy_tce": jnum(p.new_energy_tce),
    }
    if tech is ELIMINATED:
        zh, en = _USES_ELIMINATED[stage]
        return one_finding(ID, FAIL, "(十一)", zh, en, values)
    if tech is RESTRICTED and kind is TECH_UPGRADE:
        # (十一): a restricted-class upgrade may only lower energy use, so new energy must be 0.
        added = p.new_energy_tce
        if added is None:
            return one_finding(
                ID,
                NEEDS_INFO,
                "(十一)",
                "限制类技术改造项目未填新增能源消费量，无法确认耗能只减不增。",
                "A restricted-class technical upgrade must not add energy use, but its new "
                "energy consumption is blank.",
                values,
            )
        if added > 0:
            added_text = num(added)
            return one_finding(
                ID,
                FAIL,
                "(十一)",
                f"限制类技术改造项目新增能源消费量{added_text}吨标准煤，耗能须只减不增。",
                f"A restricted-class technical upgrade adds {added_text} tce a year, but it may "
                "only lower energy use.",
                values,
            )
        return one_finding(
            ID,
            PASS,
            "(十一)",
            "限制类技术改造项目新增能源消费量为0，耗能不增。",
            "The restricted-class technical upgrade adds no energy use.",
            values,
        )
    if tech is RESTRICTED and stage is PLANNED:
        zh, en = _RESTRICTED_PLANNED[kind]
        return one_finding(ID, FAIL, "(十一)", zh, en, values)
    zh, en = _NOT_BARRED[tech, stage]
    return one_finding(ID, PASS, "(十一)", zh, en, values)


# The other messages depend only on the class, type and stage: all written once.
_USES_ELIMINATED = {
    stage: (
        f"采用淘汰类工艺技术（{stage}项目）。",
        f"The {STAGE_EN[stage]} project uses eliminated-class technology.",
    )
    for stage in Stage
}
_RESTRICTED_PLANNED = {
    kind: (
        f"拟建项目采用限制类工艺技术（建设性质{kind}），不得核准或备案。",
        f"A planned {TYPE_EN[kind]} project with restricted-class technology may not be "
        "approved or filed.",
    )
    for kind in ConstructionType
}
_NOT_BARRED = {
    (tech, stage): (
        f"工艺技术类别为{tech}，{stage}项目不受限制。",
        f"The technology class is {TECH_EN[tech]}, which is not barred at the "
        f"{STAGE_EN[stage]} stage.",
    )
    for tech in TechClass
    for stage in Stage
}
