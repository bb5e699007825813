"""The other alerts of a user's regions (SPEC §6 "Other alerts"): overdue cases, diagnoses
due, project energy warnings and escalations in force.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from screening.early_warning.project_energy import latest_project_warnings
from screening.models import EscalationEnd, EscalationEvent, Project, ProjectStatus
from screening.rules.types import Stage, Tier

# --- Other alerts ----------------------------------------------------------------------------


@dataclass
class Alerts:
    """Everything that needs attention in a user's regions (SPEC §6 "Other alerts")."""

    rectification_overdue: list = field(default_factory=list)  # ReviewCase
    review_overdue: list = field(default_factory=list)  # ReviewCase
    diagnoses_due: list = field(default_factory=list)  # Project
    energy_warnings: list = field(default_factory=list)  # ProjectEnergyMonth, red/yellow
    escalations: list = field(default_factory=list)  # EscalationEvent in force

    @property
    def total(self) -> int:
        return (
            len(self.rectification_overdue)
            + len(self.review_overdue)
            + len(self.diagnoses_due)
            + len(self.energy_warnings)
            + len(self.escalations)
        )


def overdue_cases(region_ids: Iterable[int], today: date) -> tuple[list, list]:
    """Open cases past their rectification deadline, and past their stage's review limit.

    Reads the workflow's models (screening/models/workflow.py): the due date of the current
    stage is kept on the case.
    """
    from screening.models import FINAL_STATES, CaseState, ReviewCase

    open_cases = (
        ReviewCase.objects.filter(region_id__in=list(region_ids))
        .exclude(state__in=list(FINAL_STATES))
        .select_related("project", "region")
        .order_by("due_date", "pk")
    )
    rectification = list(
        open_cases.filter(state=CaseState.RECTIFYING, rectification_deadline__lt=today)
    )
    review = list(open_cases.exclude(state=CaseState.RECTIFYING).filter(due_date__lt=today))
    return rectification, review


# R12 (节能诊断/清洁生产审核 due): the one definition of "a diagnosis is due", read by the
# alerts page, the monthly report and the digests.
DIAGNOSIS_RULE, DIAGNOSIS_OUTCOME = "R12", "WARN"


def diagnosis_due(findings: list | None) -> bool:
    """R12: a project's latest screening has R12 at WARN."""
    return any(
        f.get("rule") == DIAGNOSIS_RULE and f.get("outcome") == DIAGNOSIS_OUTCOME
        for f in findings or ()
    )


def diagnosis_candidates(projects: QuerySet[Project], *, in_scope_only: bool) -> QuerySet[Project]:
    """R12: the active 存量 projects among `projects` that `diagnosis_due` is asked about.

    `in_scope_only`: only 两高 projects (the monthly report and the digests, which list the
    ledger's 两高 projects); the alerts page also shows projects out of scope."""
    rows = projects.filter(status=ProjectStatus.ACTIVE, stage=Stage.OPERATING)
    return rows.filter(in_scope=True) if in_scope_only else rows


def diagnoses_due(projects: QuerySet[Project]) -> list[Project]:
    """存量 projects whose latest screening has R12 at WARN (节能诊断/清洁生产审核 due)."""
    return [
        project
        for project in diagnosis_candidates(projects, in_scope_only=False)
        .select_related("region")
        .order_by("region__code", "project_code")
        if diagnosis_due(project.findings)
    ]


def alerts_for(user, today: date | None = None) -> Alerts:
    """The alerts of the user's regions on `today`."""
    from screening import permissions

    today = today or timezone.localdate()
    region_ids = permissions.scope_region_ids(user)
    projects = Project.objects.filter(region_id__in=region_ids)
    rectification, review = overdue_cases(region_ids, today)
    return Alerts(
        rectification_overdue=rectification,
        review_overdue=review,
        diagnoses_due=diagnoses_due(projects),
        energy_warnings=[
            w for w in latest_project_warnings(projects) if w.tier in (Tier.RED, Tier.YELLOW)
        ],
        escalations=list(
            EscalationEvent.objects.filter(region_id__in=region_ids, ended_year__isnull=True)
            .exclude(end_reason=EscalationEnd.CORRECTED)
            .select_related("region")
        ),
    )
