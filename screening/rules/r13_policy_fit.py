"""R13 policy fit — (四)3, (五), (十二): the project fits industrial policy and plans."""

from __future__ import annotations

from screening.rules.base import FAIL, PASS, Facts, always, one_finding
from screening.rules.types import Finding

ID = "R13"
CLAUSE = "(四)3, (五), (十二)"
TITLE = (
    "符合产业政策和规划",
    "Fits industrial policy and plans",
)
PARAMETERS: tuple[str, ...] = ()
applies = always


def evaluate(f: Facts) -> tuple[Finding, ...]:
    fits = f.project.policy_fit
    values = {"policy_fit": fits}
    if fits:
        return one_finding(
            ID,
            PASS,
            "(四)3, (五), (十二)",
            "项目符合产业政策和规划。",
            "The project fits industrial policy and plans.",
            values,
        )
    return one_finding(
        ID,
        FAIL,
        "(四)3, (五), (十二)",
        "项目不符合产业政策和规划。",
        "The project does not fit industrial policy and plans.",
        values,
    )
