"""What-if re-screening: the stored ledger under another rule set, and what would change."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import QuerySet

from screening.context import ContextResolver
from screening.models import Project, ProjectStatus
from screening.rules.diff import ScreeningDiff, diff_screenings
from screening.rules.engine import screen
from screening.screen import gc_paused, parameters_of, project_input, rule_set_for


@dataclass
class WhatIf:
    """Which projects would change verdict, disposition or findings under `after`."""

    before: str
    after: str
    as_of: date
    screened: int = 0
    changes: list[tuple[Project, ScreeningDiff]] = field(default_factory=list)

    def verdict_or_disposition_changes(self) -> list[tuple[Project, ScreeningDiff]]:
        return [(p, d) for p, d in self.changes if d.verdict_changed or d.disposition_changed]


def what_if(
    projects: QuerySet[Project] | Iterable[Project],
    as_of: date,
    after_rule_set: str,
    before_rule_set: str | None = None,
) -> WhatIf:
    """Screen each project under the rule set in force on `as_of` (or `before_rule_set`) and
    under `after_rule_set`, on the same day and context; nothing is stored."""
    before = rule_set_for(as_of, before_rule_set)
    after = rule_set_for(as_of, after_rule_set)
    before_params, after_params = parameters_of(before), parameters_of(after)
    resolver = ContextResolver(as_of)
    result = WhatIf(before.name, after.name, as_of)
    if isinstance(projects, QuerySet):
        projects = projects.filter(status=ProjectStatus.ACTIVE).select_related("region")
    with gc_paused():
        for project in projects:
            row = project_input(project)
            context = resolver.for_region(row.region)
            diff = diff_screenings(
                screen(row, context, before_params), screen(row, context, after_params)
            )
            result.screened += 1
            if diff.changed:
                result.changes.append((project, diff))
    return result
