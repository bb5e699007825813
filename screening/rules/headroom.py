"""A region's energy headroom for the year (能耗空间): pure arithmetic, no database.

headroom = annual budget
         − consumption reported to date, projected to the year end (× 12 / months reported)
         − new energy of the projects already approved this year that are not yet operating
         − this project's new energy.

The case page, the dashboard and the API all read `energy_headroom`; the early-warning services
gather its inputs from the database. A term that is unknown (no budget, no reported use, no
figure for this project) leaves the result unknown: the reader is told which, never shown a
number built on a guess.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

MONTHS_IN_YEAR = 12


@dataclass(frozen=True)
class CommittedProject:
    """A project approved this year in the region (or a sub-region), not yet operating."""

    project_id: int
    project_code: str
    name: str
    region_id: int
    region_name: str
    case_id: int | None
    approved_on: object  # a date; plain data for the template and the API
    new_energy_tce: Decimal | None  # None: the ledger gives no figure (counted as 0, listed)


@dataclass(frozen=True)
class EnergyHeadroom:
    """Every term of the headroom sum, so a reviewer can check the arithmetic."""

    year: int
    annual_budget_tce: Decimal | None
    months_reported: int | None  # the latest month with a reported use
    used_to_date_tce: Decimal | None
    committed: tuple[CommittedProject, ...]
    new_energy_tce: Decimal | None  # this project's; None for the region-wide figure

    @property
    def budget_known(self) -> bool:
        return self.annual_budget_tce is not None

    @property
    def projected_use_tce(self) -> Decimal | None:
        """Use to date pro-rated to the whole year from the months reported."""
        if self.used_to_date_tce is None or not self.months_reported:
            return None
        return self.used_to_date_tce * MONTHS_IN_YEAR / self.months_reported

    @property
    def committed_tce(self) -> Decimal:
        return sum((p.new_energy_tce or Decimal(0) for p in self.committed), Decimal(0))

    @property
    def committed_without_figure(self) -> tuple[CommittedProject, ...]:
        return tuple(p for p in self.committed if p.new_energy_tce is None)

    @property
    def headroom_before_tce(self) -> Decimal | None:
        """What is left for new projects once the year's projected use and the approved
        projects are counted; None when the budget or the use is unknown."""
        if self.annual_budget_tce is None or self.projected_use_tce is None:
            return None
        return self.annual_budget_tce - self.projected_use_tce - self.committed_tce

    @property
    def headroom_after_tce(self) -> Decimal | None:
        """What would be left after approving this project as well."""
        before = self.headroom_before_tce
        if before is None or self.new_energy_tce is None:
            return None
        return before - self.new_energy_tce

    @property
    def exceeds(self) -> bool:
        """Approving would take the year past its budget (only when every term is known)."""
        after = self.headroom_after_tce
        return after is not None and after < 0

    @property
    def unknown_terms(self) -> tuple[str, ...]:
        """Keys of the terms that are missing: budget, use, new_energy."""
        missing = []
        if self.annual_budget_tce is None:
            missing.append("budget")
        if self.projected_use_tce is None:
            missing.append("use")
        return tuple(missing)


def energy_headroom(
    *,
    year: int,
    annual_budget_tce: Decimal | None,
    months_reported: int | None,
    used_to_date_tce: Decimal | None,
    committed: Sequence[CommittedProject],
    new_energy_tce: Decimal | None = None,
) -> EnergyHeadroom:
    """The headroom with its terms. `months_reported` is 1–12 (the month of the latest
    cumulative figure); `committed` must already exclude the project being judged."""
    if months_reported is not None and not 1 <= months_reported <= MONTHS_IN_YEAR:
        raise ValueError("months_reported must be between 1 and 12")
    return EnergyHeadroom(
        year=year,
        annual_budget_tce=annual_budget_tce,
        months_reported=months_reported,
        used_to_date_tce=used_to_date_tce,
        committed=tuple(sorted(committed, key=lambda p: (str(p.approved_on), p.project_code))),
        new_energy_tce=new_energy_tce,
    )


@dataclass(frozen=True)
class CommittedInView:
    """The approved projects a reader may see by name, and how many others (outside the
    reader's regions) are counted only in the sum."""

    shown: tuple[CommittedProject, ...]
    hidden_count: int
    hidden_tce: Decimal


def committed_in_view(headroom: EnergyHeadroom, visible_region_ids: set[int]) -> CommittedInView:
    shown = tuple(p for p in headroom.committed if p.region_id in visible_region_ids)
    hidden = [p for p in headroom.committed if p.region_id not in visible_region_ids]
    return CommittedInView(
        shown, len(hidden), sum((p.new_energy_tce or Decimal(0) for p in hidden), Decimal(0))
    )
