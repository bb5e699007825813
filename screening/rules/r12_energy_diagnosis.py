"""R12 energy diagnosis due — (十): an operating project has an energy diagnosis and a
cleaner-production audit within the rule set's interval.
"""

from __future__ import annotations

from datetime import date

from screening.rules.base import PASS, WARN, Facts, is_operating, one_finding
from screening.rules.text import jdate
from screening.rules.types import Finding

ID = "R12"
CLAUSE = "(十)"
TITLE = (
    "节能诊断和清洁生产审核五年一次（存量）",
    "Energy diagnosis and cleaner-production audit every five years (operating)",
)
PARAMETERS: tuple[str, ...] = ("diagnosis_interval_years",)
applies = is_operating


def years_before(day: date, years: int) -> date:
    """The same calendar day `years` before; 29 February falls back to 28 February."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def evaluate(f: Facts) -> tuple[Finding, ...]:
    p = f.project
    interval = f.params.diagnosis_interval_years
    cutoff = years_before(f.context.as_of, interval)
    checks = (
        ("last_energy_diagnosis", p.last_energy_diagnosis, "节能诊断", "energy diagnosis"),
        (
            "last_cleaner_production",
            p.last_cleaner_production,
            "清洁生产审核",
            "cleaner-production audit",
        ),
    )
    due = [(key, zh, en, when) for key, when, zh, en in checks if when is None or when < cutoff]
    values = {
        "interval_years": interval,
        "cutoff": cutoff.isoformat(),
        "last_energy_diagnosis": jdate(p.last_energy_diagnosis),
        "last_cleaner_production": jdate(p.last_cleaner_production),
        "due": [key for key, *_ in due],
    }
    if due:
        zh = "、".join(
            f"{label}（{'未填' if when is None else when}）" for _, label, _, when in due
        )
        en = " and ".join(
            f"the {label} ({'blank' if when is None else when})" for _, _, label, when in due
        )
        return one_finding(
            ID,
            WARN,
            "(十)",
            f"{zh}早于{cutoff}或缺失，{interval}年内应至少开展一次。",
            f"Due: {en} is missing or before {cutoff}; both are needed once every {interval} "
            "years.",
            values,
        )
    return one_finding(
        ID,
        PASS,
        "(十)",
        f"节能诊断（{p.last_energy_diagnosis}）和清洁生产审核（{p.last_cleaner_production}）"
        f"均不早于{cutoff}。",
        f"The energy diagnosis ({p.last_energy_diagnosis}) and cleaner-production audit "
        f"({p.last_cleaner_production}) are both on or after {cutoff}.",
        values,
    )
