"""R11 energy-use rights — (十五): a planned project buys energy-use rights for all the
energy it adds.
"""

from __future__ import annotations

from decimal import Decimal

from screening.rules.base import FAIL, NEEDS_INFO, NEW_BUILD, PASS, Facts, is_planned, one_finding
from screening.rules.text import TYPE_EN, jnum, num
from screening.rules.types import Finding

ID = "R11"
CLAUSE = "(十五)"
TITLE = (
    "用能权全额购买（拟建）",
    "Energy-use rights bought in full (planned projects)",
)
PARAMETERS: tuple[str, ...] = ()
applies = is_planned

_ZERO = Decimal(0)


def evaluate(f: Facts) -> tuple[Finding, ...]:
    p = f.project
    bought = p.energy_rights_tce if p.energy_rights_tce is not None else _ZERO
    if p.new_energy_tce is not None:
        needed, needed_from = p.new_energy_tce, "new_energy_tce"
    elif p.construction_type is NEW_BUILD:
        # A new build's whole annual consumption is new to the region.
        needed, needed_from = p.annual_energy_tce, "annual_energy_tce"
    else:
        kind = p.construction_type
        return one_finding(
            ID,
            NEEDS_INFO,
            "(十五)",
            f"{kind._value_}项目未填新增能源消费量，无法确认用能权是否全额购买。",
            f"The new energy consumption of this {TYPE_EN[kind]} project is blank, so the "
            "energy-use rights it must buy are unknown.",
            {
                "needed_tce": None,
                "needed_from": None,
                "energy_rights_tce": jnum(bought),
                "construction_type": kind._value_,
            },
        )
    values = {
        "needed_tce": jnum(needed),
        "needed_from": needed_from,
        "energy_rights_tce": jnum(bought),
    }
    basis_zh = "新增能源消费量" if needed_from == "new_energy_tce" else "新建项目年综合能源消费量"
    basis_en = "new energy use" if needed_from == "new_energy_tce" else "a new build's annual use"
    bought_text, needed_text = num(bought), num(needed)
    if bought >= needed:
        return one_finding(
            ID,
            PASS,
            "(十五)",
            f"已购用能权{bought_text}吨标准煤，不少于须购买的{needed_text}吨标准煤（{basis_zh}）。",
            f"Energy-use rights of {bought_text} tce cover the {needed_text} tce needed "
            f"({basis_en}).",
            values,
        )
    return one_finding(
        ID,
        FAIL,
        "(十五)",
        f"已购用能权{bought_text}吨标准煤，少于须全额购买的{needed_text}吨标准煤（{basis_zh}）。",
        f"Energy-use rights of {bought_text} tce fall short of the {needed_text} tce needed "
        f"({basis_en}).",
        values,
    )
