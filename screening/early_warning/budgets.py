"""The region's energy headroom for the year (能耗空间) and what approving a project does to it
(`budget_impact`, `headroom_by_region`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.utils import timezone

from screening.context import month_counts_from
from screening.models import IndicatorMonth, Project, ProjectStatus, Region
from screening.rules.headroom import CommittedProject, EnergyHeadroom, energy_headroom
from screening.rules.types import ConstructionType, Stage

# --- The region's energy headroom (能耗空间) and what approving a project does to it --------


@dataclass(frozen=True)
class BudgetImpact:
    """The headroom of the region whose budget applies (the project's own, else the nearest
    parent's, never the province's), with every term; `region` is None when no region on the
    chain has a published budget for the year (the budget is unknown)."""

    region: Region | None
    tier: str
    headroom: EnergyHeadroom

    @property
    def exceeds(self) -> bool:
        return self.headroom.exceeds


def new_energy_of(project: Project) -> Decimal | None:
    """新增能源消费量 as R11 reads it: the figure given, else E for a 新建 project."""
    if project.new_energy_tce is not None:
        return project.new_energy_tce
    if project.construction_type == ConstructionType.NEW:
        return project.annual_energy_tce
    return None


def _counting_months(regions: Iterable[Region], as_of: date) -> dict[int, list[IndicatorMonth]]:
    """Published months of `as_of`'s year counting at `as_of`, latest first, per region."""
    end_of_day = timezone.make_aware(datetime.combine(as_of, time.max))
    months: dict[int, list[IndicatorMonth]] = defaultdict(list)
    for indicator in IndicatorMonth.objects.filter(
        region__in=list(regions), year=as_of.year, published_at__lte=end_of_day
    ).order_by("-month"):
        if month_counts_from(indicator.year, indicator.month) <= as_of:
            months[indicator.region_id].append(indicator)
    return months


def _committed_projects(
    as_of: date, exclude_project_id: int | None = None
) -> list[tuple[int, CommittedProject]]:
    """(region id, project) for every project approved this year up to `as_of` that is still on
    a ledger and not yet operating (stage not 存量, no operation date on or before `as_of`)."""
    from screening.models import CaseState, ReviewCase

    year_start = timezone.make_aware(datetime.combine(date(as_of.year, 1, 1), time.min))
    end_of_day = timezone.make_aware(datetime.combine(as_of, time.max))
    cases = (
        ReviewCase.objects.filter(
            state=CaseState.APPROVED,
            decided_at__gte=year_start,
            decided_at__lte=end_of_day,
            project__status=ProjectStatus.ACTIVE,
        )
        .exclude(project__stage=Stage.OPERATING)
        .exclude(project__operation_date__lte=as_of)
        .select_related("project", "project__region")
        .order_by("project_id", "-decided_at")
    )
    if exclude_project_id is not None:
        cases = cases.exclude(project_id=exclude_project_id)
    seen: set[int] = set()
    committed: list[tuple[int, CommittedProject]] = []
    for case in cases:
        if case.project_id in seen:  # approved again in a later cycle: count it once
            continue
        seen.add(case.project_id)
        project = case.project
        committed.append(
            (
                project.region_id,
                CommittedProject(
                    project_id=project.pk,
                    project_code=project.project_code,
                    name=project.name,
                    region_id=project.region_id,
                    region_name=project.region.name,
                    case_id=case.pk,
                    approved_on=timezone.localdate(case.decided_at),
                    new_energy_tce=new_energy_of(project),
                ),
            )
        )
    return committed


def _within(region_id: int, ancestor_id: int, parents: dict[int, int | None]) -> bool:
    seen: set[int] = set()
    current: int | None = region_id
    while current is not None and current not in seen:
        if current == ancestor_id:
            return True
        seen.add(current)
        current = parents.get(current)
    return False


def headroom_by_region(
    regions: Sequence[Region], as_of: date | None = None, project: Project | None = None
) -> dict[int, BudgetImpact]:
    """The energy headroom of each region for `as_of`'s year, from its own published figures
    (a region without a budget of its own is left out, unless `project` is given: then the
    single region is the project's and its chain of parents is searched). Three queries,
    whatever the number of regions."""
    as_of = as_of or timezone.localdate()
    parents = dict(Region.objects.values_list("id", "parent_id"))
    by_id = (
        {r.pk: r for r in Region.objects.all()}
        if project is not None
        else {r.pk: r for r in regions}
    )
    chains: dict[int, list[int]] = {}
    for region in regions:
        chain, current = [], region.pk
        while current is not None and current not in chain:
            chain.append(current)
            current = parents.get(current) if project is not None else None
        chains[region.pk] = [pk for pk in chain if not by_id[pk].is_province]
    months = _counting_months([by_id[pk] for chain in chains.values() for pk in chain], as_of)
    committed = _committed_projects(as_of, project.pk if project is not None else None)
    own_energy = new_energy_of(project) if project is not None else None
    result: dict[int, BudgetImpact] = {}
    for region in regions:
        source = next(
            (
                pk
                for pk in chains[region.pk]
                if any(m.energy_budget_tce is not None for m in months.get(pk, ()))
            ),
            None,
        )
        if source is None:
            if project is not None:
                result[region.pk] = BudgetImpact(
                    None,
                    "",
                    energy_headroom(
                        year=as_of.year,
                        annual_budget_tce=None,
                        months_reported=None,
                        used_to_date_tce=None,
                        committed=[],
                        new_energy_tce=own_energy,
                    ),
                )
            continue
        own = months[source]
        budget_month = next(m for m in own if m.energy_budget_tce is not None)
        used_month = next((m for m in own if m.energy_total_tce is not None), None)
        result[region.pk] = BudgetImpact(
            by_id[source],
            budget_month.energy_tier,
            energy_headroom(
                year=as_of.year,
                annual_budget_tce=budget_month.energy_budget_tce,
                months_reported=used_month.month if used_month else None,
                used_to_date_tce=used_month.energy_total_tce if used_month else None,
                committed=[p for region_id, p in committed if _within(region_id, source, parents)],
                new_energy_tce=own_energy,
            ),
        )
    return result


def budget_impact(project: Project, as_of: date | None = None) -> BudgetImpact:
    """What approving the project would do to its region's energy headroom for `as_of`'s year:
    the budget of the nearest region on its chain with a published one, minus projected use,
    minus the projects approved this year in that region and its sub-regions, minus this one."""
    return headroom_by_region([project.region], as_of, project=project)[project.region_id]
