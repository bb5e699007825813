"""R04 reduction substitution — (四)3, (四)5: new, rebuilt and expanded projects carry out
coal-consumption reduction substitution and regional pollutant reduction.
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
from screening.rules.text import SECTOR_EN, TYPE_EN
from screening.rules.types import Finding

ID = "R04"
CLAUSE = "(四)3, (四)5"
TITLE = (
    "新建、改建、扩建“两高”项目落实煤炭消费减量替代和污染物排放区域削减",
    "New, rebuilt and expanded projects carry out coal and pollutant reduction",
)
PARAMETERS: tuple[str, ...] = ("scope_sectors",)


def applies(f: Facts) -> bool:
    # (四)3 asks every 两高 新建、改扩建 project for coal and pollutant reduction, whatever
    # its product family (revision 4; R01 already limits the rule to projects in scope).
    return f.project.stage in NEW_BUILD_STAGES and f.project.construction_type in AIR_QUALITY_TYPES


_ITEMS = (
    ("coal_substitution", "煤炭消费减量替代", "coal-consumption reduction substitution"),
    ("pollutant_reduction", "污染物排放区域削减", "regional pollutant reduction"),
)


def evaluate(f: Facts) -> tuple[Finding, ...]:
    p = f.project
    answers = {
        "coal_substitution": p.coal_substitution,
        "pollutant_reduction": p.pollutant_reduction,
    }
    values = {"family": f.family, "construction_type": p.construction_type.value, **answers}
    # The project's family when known, otherwise its sector, names it in the message.
    what_zh = f.family or f"{p.sector}行业"
    what_en = f.family or f"{SECTOR_EN[p.sector]} sector"
    refused = [(zh, en) for key, zh, en in _ITEMS if answers[key] is False]
    if refused:
        return one_finding(
            ID,
            FAIL,
            "(四)3",
            f"{what_zh}{p.construction_type}项目须减量替代，"
            f"但未落实{'和'.join(zh for zh, _ in refused)}。",
            f"A {what_en} {TYPE_EN[p.construction_type]} project must follow reduction "
            "substitution but has not carried out "
            f"{' and '.join(en for _, en in refused)}.",
            values,
        )
    blank = [(zh, en) for key, zh, en in _ITEMS if answers[key] is None]
    if blank:
        return one_finding(
            ID,
            NEEDS_INFO,
            "(四)3",
            f"{what_zh}{p.construction_type}项目须减量替代，"
            f"未填写是否落实{'和'.join(zh for zh, _ in blank)}。",
            f"A {what_en} {TYPE_EN[p.construction_type]} project must follow reduction "
            "substitution; whether it carried out "
            f"{' and '.join(en for _, en in blank)} is not stated.",
            values,
        )
    return one_finding(
        ID,
        PASS,
        "(四)3",
        f"{what_zh}{p.construction_type}项目已落实煤炭消费减量替代和污染物排放区域削减。",
        f"The {what_en} {TYPE_EN[p.construction_type]} project has carried out "
        "coal-consumption reduction substitution and "
        "regional pollutant reduction.",
        values,
    )
