"""R02 key energy user — (十五); 2030 plan 三(二)4: the enterprise of a project using the
key-energy-user amount trades energy-use rights; a large data centre joins online monitoring.
Runs for projects out of scope too.
"""

from __future__ import annotations

from screening.rules.base import DATA_CENTER, INFO, Facts, one_finding
from screening.rules.text import jnum, num
from screening.rules.types import Finding

ID = "R02"
CLAUSE = "(十五); 2030 plan 三(二)4"
TITLE = (
    "重点用能单位（5000吨标准煤）；数据中心超过1万吨标准煤纳入能耗在线监测",
    "Key energy user (5,000 tce); data centres above 10,000 tce join online monitoring",
)
PARAMETERS: tuple[str, ...] = ("key_energy_user_min_tce", "data_center_monitoring_min_tce")
NEEDS_SCOPE = False  # runs for projects out of scope too


def applies(f: Facts) -> bool:
    energy = f.project.annual_energy_tce
    # 2030 plan 三(二)4 says 超过: the data-centre threshold itself is not enough.
    return energy >= f.params.key_energy_user_min_tce or (
        f.project.sector is DATA_CENTER and energy > f.params.data_center_monitoring_min_tce
    )


def evaluate(f: Facts) -> tuple[Finding, ...]:
    p, params = f.project, f.params
    energy = p.annual_energy_tce
    energy_text, energy_json = num(energy), jnum(energy)
    found: tuple[Finding, ...] = ()
    if energy >= params.key_energy_user_min_tce:
        threshold = params.key_energy_user_min_tce
        threshold_text = num(threshold)
        found = one_finding(
            ID,
            INFO,
            "(十五)",
            f"本项目年综合能源消费量{energy_text}吨标准煤，单独即达到{threshold_text}吨标准煤，"
            "其建设单位应作为用能权交易主体、按重点用能单位管理。",
            f"Using {energy_text} tce a year, the project alone reaches the {threshold_text} "
            "tce at which its enterprise trades energy-use rights and is managed as a key "
            "energy user.",
            {
                "topic": "key_energy_user",
                "annual_energy_tce": energy_json,
                "threshold_tce": jnum(threshold),
            },
        )
    if p.sector is DATA_CENTER and energy > params.data_center_monitoring_min_tce:
        threshold = params.data_center_monitoring_min_tce
        threshold_text = num(threshold)
        found += one_finding(
            ID,
            INFO,
            "2030 plan 三(二)4",
            f"数据中心年综合能源消费量{energy_text}吨标准煤，超过{threshold_text}吨标准煤，"
            "应纳入能耗在线监测。",
            f"A data centre using {energy_text} tce a year, more than {threshold_text} tce, "
            "must join online energy-consumption monitoring.",
            {
                "topic": "online_monitoring",
                "annual_energy_tce": energy_json,
                "threshold_tce": jnum(threshold),
            },
        )
    return found
