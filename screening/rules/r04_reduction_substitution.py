"""R04 reduction substitution — (四)3, (四)5: new, rebuilt and expanded projects carry out
coal-consumption reduction substitution and regional pollutant reduction.
"""

from __future__ import annotations

from functools import lru_cache

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
from screening.rules.types import ConstructionType, Finding, Outcome, Sector

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
    kind = p.construction_type
    coal, pollutant = p.coal_substitution, p.pollutant_reduction
    values = {
        "family": f.family,
        "construction_type": kind._value_,
        "coal_substitution": coal,
        "pollutant_reduction": pollutant,
    }
    # The project's family when known, otherwise its sector, names it in the message; the
    # texts depend on nothing else, so each combination is written once.
    outcome, zh, en = _texts(f.family, p.sector, kind, coal, pollutant)
    return one_finding(ID, outcome, "(四)3", zh, en, values)


@lru_cache(maxsize=4096, typed=True)  # typed: the answers are told apart by `is`
def _texts(
    family: str | None,
    sector: Sector,
    kind: ConstructionType,
    coal: bool | None,
    pollutant: bool | None,
) -> tuple[Outcome, str, str]:
    answers = {"coal_substitution": coal, "pollutant_reduction": pollutant}
    what_zh = family or f"{sector}行业"
    what_en = family or f"{SECTOR_EN[sector]} sector"
    refused = [(zh, en) for key, zh, en in _ITEMS if answers[key] is False]
    if refused:
        return (
            FAIL,
            f"{what_zh}{kind}项目须减量替代，但未落实{'和'.join(zh for zh, _ in refused)}。",
            f"A {what_en} {TYPE_EN[kind]} project must follow reduction "
            "substitution but has not carried out "
            f"{' and '.join(en for _, en in refused)}.",
        )
    blank = [(zh, en) for key, zh, en in _ITEMS if answers[key] is None]
    if blank:
        return (
            NEEDS_INFO,
            f"{what_zh}{kind}项目须减量替代，未填写是否落实{'和'.join(zh for zh, _ in blank)}。",
            f"A {what_en} {TYPE_EN[kind]} project must follow reduction "
            "substitution; whether it carried out "
            f"{' and '.join(en for _, en in blank)} is not stated.",
        )
    return (
        PASS,
        f"{what_zh}{kind}项目已落实煤炭消费减量替代和污染物排放区域削减。",
        f"The {what_en} {TYPE_EN[kind]} project has carried out "
        "coal-consumption reduction substitution and "
        "regional pollutant reduction.",
    )
