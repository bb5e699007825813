"""R05 approvals — (四)3, (七), (九): projects being built or operating have their energy
review and EIA approval, neither later than the start of work.
"""

from __future__ import annotations

from screening.rules.base import BUILDING, FAIL, OPERATING, PASS, Facts, one_finding
from screening.rules.text import jdate
from screening.rules.types import Finding

ID = "R05"
CLAUSE = "(四)3, (七), (九)"
TITLE = (
    "在建、存量项目的节能审查和环评批复",
    "Energy review and EIA of projects built or being built",
)
PARAMETERS: tuple[str, ...] = ()

# Problem codes; the disposition reads the EIA ones ((七): 停止建设并查处).
NO_ENERGY_REVIEW = "no_energy_review"
NO_EIA = "no_eia"
ENERGY_REVIEW_AFTER_START = "energy_review_after_start"
EIA_AFTER_START = "eia_after_start"
EIA_PROBLEMS = frozenset({NO_EIA, EIA_AFTER_START})


def applies(f: Facts) -> bool:
    return f.project.stage in (BUILDING, OPERATING)


def evaluate(f: Facts) -> tuple[Finding, ...]:
    p = f.project
    # (七) governs projects under construction, (九) operating ones.
    clause = "(四)3, (七)" if p.stage is BUILDING else "(四)3, (九)"
    start = p.start_date
    problems: list[str] = []
    zh: list[str] = []
    en: list[str] = []
    if not p.energy_review_ref:
        problems.append(NO_ENERGY_REVIEW)
        zh.append("无节能审查")
        en.append("there is no energy review")
    elif start is not None and p.energy_review_date is not None and p.energy_review_date > start:
        problems.append(ENERGY_REVIEW_AFTER_START)
        zh.append(f"节能审查前开工（节能审查{p.energy_review_date}，开工{start}）")
        en.append(f"work started on {start} before the energy review of {p.energy_review_date}")
    if not p.eia_ref:
        problems.append(NO_EIA)
        zh.append("无环评")
        en.append("there is no EIA approval")
    elif start is not None and p.eia_date is not None and p.eia_date > start:
        problems.append(EIA_AFTER_START)
        zh.append(f"环评批复前开工（环评批复{p.eia_date}，开工{start}）")
        en.append(f"work started on {start} before the EIA approval of {p.eia_date}")
    values = {
        "problems": problems,
        "energy_review_ref": p.energy_review_ref,
        "energy_review_date": jdate(p.energy_review_date),
        "eia_ref": p.eia_ref,
        "eia_date": jdate(p.eia_date),
        "start_date": jdate(start),
    }
    if problems:
        return one_finding(
            ID,
            FAIL,
            clause,
            f"审批手续不合规：{'；'.join(zh)}。",
            f"Approvals are not in order: {'; '.join(en)}.",
            values,
        )
    when_zh = f"，均不晚于开工日期{start}" if start is not None else ""
    when_en = f", neither later than the start of work on {start}" if start is not None else ""
    return one_finding(
        ID,
        PASS,
        clause,
        f"已有节能审查（{p.energy_review_ref}）和环评批复（{p.eia_ref}）{when_zh}。",
        f"The energy review ({p.energy_review_ref}) and EIA approval ({p.eia_ref}) are in "
        f"place{when_en}.",
        values,
    )
