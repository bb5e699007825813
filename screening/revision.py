"""Applying a rule revision to what is stored (SPEC "Revision 4 (2026-12)").

A revision corrects how the rules read the plan, so it applies under every rule set: each
stored project is screened again under the rule set and on the date of its latest screening
(only the rules changed, not its context), the barometer's tiers are recomputed and the
escalations re-derived (withdrawn ones marked, as after a correction). Review cases keep their
frozen screenings. A project whose verdict, disposition or any rule's outcome changed gets a
ScreeningChange row, which its page shows; the upload history records nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from screening.models import IndicatorMonth, Project, Region, ScreeningChange
from screening.screen import (
    findings_for_storage,
    gc_paused,
    project_input,
    screener,
    store_screening,
)

# The revision this release applies; `manage.py rescreen --store` records it by default.
CURRENT_REVISION = "2026-12"
_STORED = ["in_scope", "verdict", "disposition", "screened_rule_set", "screened_as_of", "findings"]
_BATCH = 1000


@dataclass
class RevisionSummary:
    """What applying a revision did."""

    screened: int = 0
    changed: int = 0
    months_retiered: int = 0
    regions_resynced: int = 0


def _outcomes(findings: list[dict]) -> dict[str, list[str]]:
    by_rule: dict[str, list[str]] = defaultdict(list)
    for finding in findings:
        by_rule[finding["rule"]].append(finding["outcome"])
    return by_rule


def rule_changes(before: list[dict], after: list[dict]) -> list[dict]:
    """Rules whose outcome changed, in rule order: {"rule", "before", "after"} (None = NA)."""
    old, new = _outcomes(before), _outcomes(after)
    changes = []
    for rule in sorted(old.keys() | new.keys(), key=lambda r: int(r[1:])):
        if old.get(rule) != new.get(rule):
            changes.append(
                {
                    "rule": rule,
                    "before": "/".join(old[rule]) if rule in old else None,
                    "after": "/".join(new[rule]) if rule in new else None,
                }
            )
    return changes


def refresh_barometer() -> tuple[int, int]:
    """Recompute every month's tiers under its rule set and re-derive every region's
    escalations. Returns (months whose tiers changed, regions re-derived)."""
    from screening.early_warning.barometer import WarningRefused, recompute_tiers
    from screening.early_warning.publishing import publish_escalations

    changed = []
    for month in IndicatorMonth.objects.all().iterator():
        try:
            if recompute_tiers(month):
                changed.append(month)
        except WarningRefused:
            continue  # no rule set for that month: it had no tiers before either
    IndicatorMonth.objects.bulk_update(
        changed,
        ["intensity_tier", "energy_tier", "coal_tier", "tier", "rule_set"],
        batch_size=_BATCH,
    )
    region_ids = set(IndicatorMonth.objects.values_list("region_id", flat=True).distinct())
    region_ids |= set(Region.objects.filter(escalations__isnull=False).values_list("pk", flat=True))
    for region in Region.objects.filter(pk__in=region_ids):
        publish_escalations(region)
    return len(changed), len(region_ids)


def _rescreen_group(
    projects: list[Project],
    as_of: date,
    rule_set: str | None,
    revision: str,
    summary: RevisionSummary,
) -> None:
    _rule_set, screen_one = screener(as_of, rule_set)
    updated: list[Project] = []
    records: list[ScreeningChange] = []
    with gc_paused():
        for project in projects:
            screening = screen_one(project_input(project))
            findings = findings_for_storage(screening)
            before = (project.verdict, project.disposition, project.findings)
            summary.screened += 1
            if (screening.verdict.value, screening.disposition.value, findings) == before:
                continue
            rules = rule_changes(project.findings or [], findings)
            if (
                screening.verdict.value != before[0]
                or screening.disposition.value != before[1]
                or rules
            ):
                records.append(
                    ScreeningChange(
                        project=project,
                        revision=revision,
                        rule_set=screening.rule_set,
                        as_of=as_of,
                        verdict_before=before[0],
                        verdict_after=screening.verdict.value,
                        disposition_before=before[1],
                        disposition_after=screening.disposition.value,
                        rules=rules,
                    )
                )
            store_screening(project, screening)
            updated.append(project)
    Project.objects.bulk_update(updated, _STORED, batch_size=_BATCH)
    # A second run of the same revision changes nothing; a row already there is kept.
    ScreeningChange.objects.bulk_create(records, batch_size=_BATCH, ignore_conflicts=True)
    summary.changed += len(records)


@transaction.atomic
def apply_revision(revision: str = CURRENT_REVISION, projects=None) -> RevisionSummary:
    """Re-derive the barometer and re-screen the stored projects (all, or the queryset given)
    under their own rule set and screening date, recording what changed. All or nothing."""
    summary = RevisionSummary()
    summary.months_retiered, summary.regions_resynced = refresh_barometer()
    projects = projects if projects is not None else Project.objects.all()
    today = timezone.localdate()
    groups: dict[tuple[date, str | None], list[Project]] = defaultdict(list)
    for project in projects.select_related("region").order_by("pk").iterator(chunk_size=_BATCH):
        key = (project.screened_as_of or today, project.screened_rule_set or None)
        groups[key].append(project)
        if len(groups[key]) >= _BATCH:
            _rescreen_group(groups.pop(key), *key, revision, summary)
    for key, batch in groups.items():
        _rescreen_group(batch, *key, revision, summary)
    return summary
