"""R12 energy diagnosis due — (十): an operating project has an energy diagnosis and a
cleaner-production audit within the rule set's interval.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from screening.rules.base import PASS, WARN, Facts, is_operating, one_finding
from screening.rules.text import jdate
from screening.rules.types import Finding, Outcome

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
    diagnosis, audit = p.last_energy_diagnosis, p.last_cleaner_production
    outcome, zh, en, cutoff, due = _assessment(f.context.as_of, interval, diagnosis, audit)
    values = {
        "interval_years": interval,
        "cutoff": cutoff,
        "last_energy_diagnosis": jdate(diagnosis),
        "last_cleaner_production": jdate(audit),
        "due": list(due),
    }
    return one_finding(ID, outcome, "(十)", zh, en, values)


@lru_cache(maxsize=4096, typed=True)
def _assessment(
    as_of: date, interval: int, diagnosis: date | None, audit: date | None
) -> tuple[Outcome, str, str, str, tuple[str, ...]]:
    """(outcome, zh, en, cutoff, keys of what is due): they depend on these four alone, and a
    ledger repeats its dates, so each combination is assessed once."""
    cutoff = years_before(as_of, interval)
    checks = (
        ("last_energy_diagnosis", diagnosis, "节能诊断", "energy diagnosis"),
        ("last_cleaner_production", audit, "清洁生产审核", "cleaner-production audit"),
    )
    due = [(key, zh, en, when) for key, when, zh, en in checks if when is None or when < cutoff]
    keys = tuple(key for key, *_ in due)
    if due:
        zh = "、".join(
            f"{label}（{'未填' if when is None else when}）" for _, label, _, when in due
        )
        en = " and ".join(
            f"the {label} ({'blank' if when is None else when})" for _, _, label, when in due
        )
        return (
            WARN,
            f"{zh}早于{cutoff}或缺失，{interval}年内应至少开展一次。",
            f"Due: {en} is missing or before {cutoff}; both are needed once every {interval} "
            "years.",
            cutoff.isoformat(),
            keys,
        )
    return (
        PASS,
        f"节能诊断（{diagnosis}）和清洁生产审核（{audit}）均不早于{cutoff}。",
        f"The energy diagnosis ({diagnosis}) and cleaner-production audit ({audit}) are both "
        f"on or after {cutoff}.",
        cutoff.isoformat(),
        keys,
    )
