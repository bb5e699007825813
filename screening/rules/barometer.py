"""Tiers of the energy dual-control barometer (能耗双控晴雨表, clause (十八); SPEC §6).

Pure functions over numbers and the rule set's thresholds. Conventions and interpretations:

* Percentages are given as percentages (-3.2 means intensity fell 3.2 %); the intensity
  target is the annual reduction target as a positive percentage (3.0 = reduce by 3 %).
* Energy intensity follows 发改办环资〔2021〕629号: intensity rose (change > 0, 不降反升) →
  red; it fell by less than target × progress share → yellow; otherwise green. A change of
  exactly 0 did not fall, so with a positive target it is yellow (it fell less than required),
  never red (it did not rise). Without a target only a rise can be judged (red); a fall with no
  target gives no tier.
* Total energy and coal follow 发改办环资〔2020〕901号 against the budget pro-rated by months
  elapsed (budget × month / 12): use ≤ pro-rated budget → green; ≤ pro-rated budget ×
  (1 + margin) → yellow (exactly 110 % is yellow); above → red. Comparisons are done by cross
  multiplication so no rounding ever moves a value across a boundary.
* Missing data gives no tier (None, shown grey), never red. A region-month's 能耗双控 tier is
  the worse of energy intensity and total energy (those with a tier); coal gets its own tier,
  shown beside it and counted for neither R07, R08 nor escalation (revision 4).
* Escalation counts consecutive red months at the end of the series: a month without a tier,
  or a calendar month missing from the series, breaks the run.
* The project energy-use warning (两高项目用能预警) compares actual use in the months elapsed
  with the annual energy approved in the 节能审查 × months / 12: ≥ red share → red, ≥ yellow
  share → yellow, else green. No approved figure (blank or 0) gives no tier.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from decimal import Decimal

from screening.rules.params import RuleParameters
from screening.rules.types import BarometerMonth, Tier

_SEVERITY = {Tier.GREEN: 0, Tier.YELLOW: 1, Tier.RED: 2}
_MONTHS = Decimal(12)


class Escalation(enum.StrEnum):
    """What a run of red months at the end of a region's series triggers (clause (十八))."""

    NONE = "none"
    REMINDER = "reminder"  # 提醒加大工作力度
    RESTRICTION = "restriction"  # 区域节能评估限批


def _check_month(month: int) -> None:
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1–12, not {month}")


def intensity_tier(
    change_pct: Decimal | None, target_pct: Decimal | None, params: RuleParameters
) -> Tier | None:
    """Tier of the cumulative energy-intensity change against the same period last year."""
    if change_pct is None:
        return None
    if change_pct > 0:
        return Tier.RED  # 不降反升
    if target_pct is None:
        return None
    required_fall = target_pct * params.barometer_intensity_progress_share
    return Tier.YELLOW if -change_pct < required_fall else Tier.GREEN


def budget_tier(
    actual: Decimal | None, annual_budget: Decimal | None, month: int, params: RuleParameters
) -> Tier | None:
    """Tier of cumulative total energy (or coal) use against its pro-rated annual budget."""
    _check_month(month)
    if actual is None or annual_budget is None:
        return None
    scaled_actual = actual * _MONTHS  # actual ≤ budget × month/12  ⇔  actual × 12 ≤ budget × month
    prorated = annual_budget * month
    if scaled_actual <= prorated:
        return Tier.GREEN
    if scaled_actual <= prorated * (1 + params.barometer_budget_yellow_margin):
        return Tier.YELLOW
    return Tier.RED


def total_energy_tier(
    actual_tce: Decimal | None, budget_tce: Decimal | None, month: int, params: RuleParameters
) -> Tier | None:
    return budget_tier(actual_tce, budget_tce, month, params)


def coal_tier(
    actual_t: Decimal | None, cap_t: Decimal | None, month: int, params: RuleParameters
) -> Tier | None:
    return budget_tier(actual_t, cap_t, month, params)


def worst_tier(tiers: Iterable[Tier | None]) -> Tier | None:
    """The worst tier among indicators that have one; None when none has data."""
    worst: Tier | None = None
    for tier in tiers:
        if tier is not None and (worst is None or _SEVERITY[tier] > _SEVERITY[worst]):
            worst = tier
    return worst


def dual_control_tier(intensity: Tier | None, total_energy: Tier | None) -> Tier | None:
    """A region-month's 能耗双控 tier: the worse of energy intensity and total energy ((四)4,
    (十八)). Coal consumption has its own tier and never enters this one (revision 4)."""
    return worst_tier((intensity, total_energy))


def region_month_tier(
    *,
    month: int,
    params: RuleParameters,
    intensity_change_pct: Decimal | None = None,
    intensity_target_pct: Decimal | None = None,
    total_energy_tce: Decimal | None = None,
    total_energy_budget_tce: Decimal | None = None,
    coal_t: Decimal | None = None,
    coal_cap_t: Decimal | None = None,
) -> Tier | None:
    """A region-month's 能耗双控 tier from the template's figures (SPEC §6, §8); the coal
    figures are accepted but judged only by `coal_tier`, beside it."""
    return dual_control_tier(
        intensity_tier(intensity_change_pct, intensity_target_pct, params),
        budget_tier(total_energy_tce, total_energy_budget_tce, month, params),
    )


def red_run_length(tiers: Sequence[Tier | None]) -> int:
    """How many red tiers end the sequence (oldest first); None breaks the run."""
    run = 0
    for tier in reversed(tiers):
        if tier is not Tier.RED:
            break
        run += 1
    return run


def _previous(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def red_run_at_end(months: Sequence[BarometerMonth]) -> int:
    """Consecutive red calendar months ending the series (oldest first).

    A month without a tier breaks the run, and so does a calendar month missing from the
    series: "consecutive" in clause (十八) means month after month.
    """
    run = 0
    expected: tuple[int, int] | None = None
    for entry in reversed(months):
        here = (entry.year, entry.month)
        if entry.tier is not Tier.RED or (expected is not None and here != expected):
            break
        run += 1
        expected = _previous(*here)
    return run


def escalation_for_run(red_run: int, params: RuleParameters) -> Escalation:
    """Reminder from `barometer_reminder_months` red months, restriction from the other."""
    if red_run >= params.barometer_restriction_months:
        return Escalation.RESTRICTION
    if red_run >= params.barometer_reminder_months:
        return Escalation.REMINDER
    return Escalation.NONE


def escalation(months: Sequence[BarometerMonth], params: RuleParameters) -> Escalation:
    """Escalation of a region from its published months (oldest first)."""
    return escalation_for_run(red_run_at_end(months), params)


def is_restricted(months: Sequence[BarometerMonth], params: RuleParameters) -> bool:
    """区域节能评估限批 is in force: the series ends in enough red months (R08, approve guard)."""
    return red_run_at_end(months) >= params.barometer_restriction_months


def project_energy_tier(
    actual_tce: Decimal | None,
    approved_annual_tce: Decimal | None,
    months_elapsed: int,
    params: RuleParameters,
) -> Tier | None:
    """Project energy-use warning: actual use so far against the pro-rated approved energy."""
    _check_month(months_elapsed)
    if actual_tce is None or approved_annual_tce is None or approved_annual_tce <= 0:
        return None
    scaled_actual = actual_tce * _MONTHS
    prorated = approved_annual_tce * months_elapsed
    if scaled_actual >= prorated * params.project_warning_red_share:
        return Tier.RED
    if scaled_actual >= prorated * params.project_warning_yellow_share:
        return Tier.YELLOW
    return Tier.GREEN
