"""Project energy-use warnings (两高项目用能预警, SPEC §6): monthly energy use of operating
两高 projects against their approved energy, saved, tiered and read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from screening.early_warning.barometer import SaveSummary, as_stored, rule_set_for_month
from screening.models import Project, ProjectEnergyMonth, ProjectStatus, RuleSet
from screening.rules import barometer
from screening.rules.types import Stage, Tier
from screening.screen import parameters_of

# --- Project energy-use warnings ------------------------------------------------------------


@dataclass(frozen=True)
class ProjectEnergyRow:
    """One row of the project energy upload: a project's actual energy use in one month."""

    project_code: str
    year: int
    month: int
    actual_tce: Decimal


def operating_two_high(queryset: QuerySet[Project] | None = None) -> QuerySet[Project]:
    """Operating (存量) 两高 projects of the ledger: those the energy-use warning watches."""
    queryset = Project.objects.all() if queryset is None else queryset
    return queryset.filter(status=ProjectStatus.ACTIVE, in_scope=True, stage=Stage.OPERATING)


def recompute_project_year(project: Project, year: int) -> None:
    """Cumulative use and tier of each reported month of the project's year.

    Months elapsed = the month's number; a month not reported adds nothing (a gap can hide a
    warning but never raise a false one).
    """
    cumulative = Decimal(0)
    reported = 0
    changed: list[ProjectEnergyMonth] = []
    for entry in ProjectEnergyMonth.objects.filter(project=project, year=year).order_by("month"):
        cumulative += entry.actual_tce
        reported += 1
        rule_set = rule_set_for_month(year, entry.month) or RuleSet.in_force(timezone.localdate())
        tier = ""
        if rule_set is not None:
            tier = (
                barometer.project_energy_tier(
                    cumulative, project.annual_energy_tce, entry.month, parameters_of(rule_set)
                )
                or ""
            )
        entry.cumulative_tce, entry.months_reported = cumulative, reported
        entry.approved_annual_tce, entry.tier, entry.rule_set = (
            project.annual_energy_tce,
            tier,
            rule_set,
        )
        changed.append(entry)
    ProjectEnergyMonth.objects.bulk_update(
        changed, ["cumulative_tce", "months_reported", "approved_annual_tce", "tier", "rule_set"]
    )


@transaction.atomic
def save_project_energy(rows: Iterable[ProjectEnergyRow], *, user=None) -> SaveSummary:
    """Store monthly actual energy use of projects (rows already checked) and recompute their
    warnings. All or nothing; re-loading the same figures changes nothing."""
    rows = list(rows)
    projects = {
        p.project_code: p
        for p in Project.objects.filter(project_code__in={r.project_code for r in rows})
    }
    summary = SaveSummary()
    touched: set[tuple[int, int]] = set()
    for row in rows:
        project = projects[row.project_code]
        actual = as_stored(row.actual_tce)
        entry, created = ProjectEnergyMonth.objects.get_or_create(
            project=project,
            year=row.year,
            month=row.month,
            defaults={"actual_tce": actual, "entered_by": user},
        )
        if created:
            summary.created += 1
        elif entry.actual_tce != actual:
            entry.actual_tce, entry.entered_by = actual, user
            entry.save(update_fields=["actual_tce", "entered_by", "updated_at"])
            summary.changed += 1
        else:
            summary.unchanged += 1
        touched.add((project.pk, row.year))
        summary.regions.add(project.region_id)
    for project_id, year in touched:
        recompute_project_year(Project.objects.get(pk=project_id), year)
    return summary


def latest_project_warnings(projects: QuerySet[Project]) -> list[ProjectEnergyMonth]:
    """Each watched project's latest reported month, red first, then yellow, then the rest."""
    latest: dict[int, ProjectEnergyMonth] = {}
    for entry in (
        ProjectEnergyMonth.objects.filter(project__in=operating_two_high(projects))
        .select_related("project", "project__region")
        .order_by("project_id", "year", "month")
    ):
        latest[entry.project_id] = entry
    order = {Tier.RED: 0, Tier.YELLOW: 1, Tier.GREEN: 2}
    return sorted(latest.values(), key=lambda e: (order.get(e.tier, 3), e.project.project_code))
