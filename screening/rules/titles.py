"""The screening rules' names, for the rule-set page (SPEC §4's table; R14 from issue 17).
A rule without an entry here is listed by its id."""

from __future__ import annotations

RULE_TITLES: dict[str, tuple[str, str]] = {
    "R01": ("两高范围", "Scope"),
    "R02": ("重点用能单位", "Key energy user"),
    "R03": ("产能置换", "Capacity replacement"),
    "R04": ("减量替代", "Reduction substitution"),
    "R05": ("审批手续", "Approvals"),
    "R06": ("大气环境质量", "Air quality"),
    "R07": ("本地红色预警", "Local red warning"),
    "R08": ("区域限批", "Regional restriction"),
    "R09": ("工艺技术类别", "Technology class"),
    "R10": ("能效水平", "Efficiency"),
    "R11": ("用能权", "Energy-use rights"),
    "R12": ("节能诊断", "Energy diagnosis due"),
    "R13": ("产业政策", "Policy fit"),
    "R14": ("置换来源核验", "Replacement sources verified"),
}


def rule_title(rule_id: str, lang: str) -> str:
    zh, en = RULE_TITLES.get(rule_id, (rule_id, rule_id))
    return en if lang == "en" else zh
