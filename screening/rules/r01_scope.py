"""R01 “两高” scope — (三): a project of the eight sectors using at least the rule set's
minimum a year is in scope, and only then do the other rules (but R02) run.
"""

from __future__ import annotations

from screening.rules.base import INFO, Facts, always, one_finding
from screening.rules.text import SECTOR_EN, jnum, num
from screening.rules.types import Finding

ID = "R01"
CLAUSE = "(三)"
TITLE = (
    "“两高”范围（八个行业、年综合能源消费量1万吨标准煤及以上）",
    "Two-high scope (eight sectors, 10,000 tce a year and more)",
)
PARAMETERS: tuple[str, ...] = ("scope_sectors", "scope_min_energy_tce")
applies = always


def evaluate(f: Facts) -> tuple[Finding, ...]:
    p, threshold = f.project, f.params.scope_min_energy_tce
    sector, energy = p.sector, p.annual_energy_tce
    energy_text, threshold_text = num(energy), num(threshold)
    return one_finding(
        ID,
        INFO,
        "(三)",
        f"属于“两高”项目：{sector._value_}行业，年综合能源消费量{energy_text}吨标准煤，"
        f"不低于{threshold_text}吨标准煤。",
        f"In scope as a two-high project: {SECTOR_EN[sector]} sector using "
        f"{energy_text} tce a year, at or above {threshold_text} tce.",
        {
            "sector": sector._value_,
            "annual_energy_tce": jnum(energy),
            "threshold_tce": jnum(threshold),
        },
    )
