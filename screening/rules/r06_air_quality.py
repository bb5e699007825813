"""R06 air quality — (四)1: in a non-attainment region a new, rebuilt or expanded project
meets the pollutant total-control requirement.
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
from screening.rules.text import TYPE_EN
from screening.rules.types import ConstructionType, Finding

ID = "R06"
CLAUSE = "(四)1"
TITLE = (
    "未达标地区落实污染物排放总量控制",
    "Pollutant total control in non-attainment regions",
)
PARAMETERS: tuple[str, ...] = ()


def applies(f: Facts) -> bool:
    return (
        f.project.stage in NEW_BUILD_STAGES
        and f.project.construction_type in AIR_QUALITY_TYPES
        and f.context.non_attainment
    )


def evaluate(f: Facts) -> tuple[Finding, ...]:
    answer = f.project.pollutant_control
    kind = f.project.construction_type
    values = {
        "non_attainment": True,
        "construction_type": kind._value_,
        "pollutant_control": answer,
    }
    if answer is True:
        zh, en = _MEETS[kind]
        return one_finding(ID, PASS, "(四)1", zh, en, values)
    if answer is False:
        zh, en = _FAILS[kind]
        return one_finding(ID, FAIL, "(四)1", zh, en, values)
    zh, en = _UNSTATED[kind]
    return one_finding(ID, NEEDS_INFO, "(四)1", zh, en, values)


def _texts(zh_tail: str, en_tail: str) -> dict[ConstructionType, tuple[str, str]]:
    """The messages of each construction type (they depend on nothing else)."""
    return {
        kind: (
            f"所在地区大气环境质量未达标，{kind}项目{zh_tail}",
            f"In a non-attainment region, this {TYPE_EN[kind]} project {en_tail}",
        )
        for kind in ConstructionType
    }


_MEETS = _texts("已落实污染物排放总量控制要求。", "meets the pollutant total-control requirement.")
_FAILS = _texts(
    "未落实污染物排放总量控制要求。", "does not meet the pollutant total-control requirement."
)
_UNSTATED = _texts(
    "未填写是否落实污染物排放总量控制要求。",
    "does not state whether it meets the pollutant total-control requirement.",
)
