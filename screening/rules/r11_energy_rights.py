"""R11 energy-use rights — (十五): a planned project buys energy-use rights for all the
energy it adds.
"""

from __future__ import annotations

from decimal import Decimal

from screening.rules.base import FAIL, NEEDS_INFO, PASS, Facts, is_planned, one_finding
from screening.rules.text import TYPE_EN, jnum, num
from screening.rules.types import ConstructionType, Finding

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
    elif p.construction_type is ConstructionType.NEW:
        # A new build's whole annual consumption is new to the region.
        needed, needed_from = p.annual_energy_tce, "annual_energy_tce"
    else:
        kind = p.construction_type
        return one_finding(
            ID,
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
        return one_finding(
            ID,
            PASS,
            "(十五)",
            f"已购用能权{num(bought)}吨标准煤，不少于须购买的{num(needed)}吨标准煤（{basis_zh}）。",
            f"Energy-use rights of {num(bought)} tce cover the {num(needed)} tce needed "
            f"({basis_en}).",
            values,
        )
    return one_finding(
        ID,
        FAIL,
        "(十五)",
        f"已购用能权{num(bought)}吨标准煤，少于须全额购买的{num(needed)}吨标准煤（{basis_zh}）。",
        f"Energy-use rights of {num(bought)} tce fall short of the {num(needed)} tce needed "
        f"({basis_en}).",
        values,
    )
