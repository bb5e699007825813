"""The screening engine: pure Python, no Django (SPEC §4, §6).

Public API:
    screen(project, context, params) -> Screening
    screening_to_dict(screening, lang="zh") -> dict        (SPEC §8 result row)
    RuleParameters.from_dict(data) -> RuleParameters       (a rule-set fixture)
    diff_screenings(before, after) -> ScreeningDiff         (what-if re-screening)
    barometer.*                                             (§6 tiers and escalation)
"""

from screening.rules.diff import ScreeningDiff, diff_screenings
from screening.rules.engine import disposition_of, screen, screening_to_dict, verdict_of
from screening.rules.params import RuleParameters, family_of, load_rule_set_file

__all__ = [
    "RuleParameters",
    "ScreeningDiff",
    "diff_screenings",
    "disposition_of",
    "family_of",
    "load_rule_set_file",
    "screen",
    "screening_to_dict",
    "verdict_of",
]
