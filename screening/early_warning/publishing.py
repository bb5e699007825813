"""Saving and publishing barometer months, and what publishing sets going: the region's
escalations are re-derived and its 限批 notices issued or lifted (issue 18).

This is the one place that calls both `escalations.sync_escalations` and
`documents.services.sync_restriction_notices`, so neither of those modules imports the other.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from screening.documents.services import sync_restriction_notices
from screening.early_warning.barometer import (
    INDICATOR_FIELDS,
    IndicatorRow,
    SaveSummary,
    WarningRefused,
    as_stored,
    month_ended_by,
    month_not_ended_message,
    publication_date_problem,
    publication_moment,
    recompute_tiers,
)
from screening.early_warning.escalations import sync_escalations
from screening.models import EscalationEvent, IndicatorMonth, IndicatorSource, Region
from screening.months import month_label


@transaction.atomic
def save_indicator_months(
    rows: Iterable[IndicatorRow],
    *,
    user=None,
    source: str = IndicatorSource.FORM,
    publish: bool = False,
    published_on: date | None = None,
) -> SaveSummary:
    """Create or update region-months from their figures, recompute their tiers, optionally
    publish them, and re-derive the regions' escalations. All or nothing.

    A correction of a month already published takes effect at once (it stays published, with
    its first publication date) so that fixing a figure never opens a gap in the series.
    `published_on` records history: every month is published on that day (each must have
    ended by then); a month already published later moves back to it, never forward (a later
    date would quietly lift what it restricted in between).
    """
    rows = list(rows)
    if published_on is not None:
        if not publish:
            raise WarningRefused(_("A publication date is given only with publishing."))
        problem = publication_date_problem(published_on)
        if problem:
            raise WarningRefused(problem)
        for row in rows:
            if not month_ended_by(row.year, row.month, published_on):
                raise WarningRefused(month_not_ended_message(row.year, row.month, published_on))
    regions = {r.code: r for r in Region.objects.filter(code__in={r.region_code for r in rows})}
    summary = SaveSummary()
    now = publication_moment(published_on) if published_on is not None else timezone.now()
    for row in rows:
        region = regions[row.region_code]
        indicator = (
            IndicatorMonth.objects.select_for_update()
            .filter(region=region, year=row.year, month=row.month)
            .first()
        )
        created = indicator is None
        if created:
            indicator = IndicatorMonth(region=region, year=row.year, month=row.month)
        inputs_changed = False
        for name in INDICATOR_FIELDS:
            new = as_stored(getattr(row, name))
            if created or as_stored(getattr(indicator, name)) != new:
                inputs_changed = inputs_changed or not created
                setattr(indicator, name, new)
        tiers_changed = recompute_tiers(indicator)
        newly_published = publish and (
            indicator.published_at is None
            or (published_on is not None and indicator.published_at > now)
        )
        if newly_published:
            indicator.published_at, indicator.published_by = now, user
            summary.published += 1
        if created or inputs_changed or tiers_changed or newly_published:
            indicator.source, indicator.entered_by = source, user
            indicator.save()
        if created:
            summary.created += 1
        elif inputs_changed or tiers_changed:
            summary.changed += 1
        else:
            summary.unchanged += 1
        summary.months.append(f"{region.name} {month_label(row.year, row.month)}")
        summary.regions.add(region.pk)
    for region_id in summary.regions:
        publish_escalations(Region.objects.get(pk=region_id))
    return summary


@transaction.atomic
def publish_months(indicators: QuerySet[IndicatorMonth], *, user) -> int:
    """Publish the given unpublished region-months: from then on R07/R08 and the guards read
    them (from the 1st of the following month). Returns how many were published."""
    pending = list(indicators.select_for_update().filter(published_at__isnull=True))
    now = timezone.now()
    for indicator in pending:
        indicator.published_at, indicator.published_by = now, user
    IndicatorMonth.objects.bulk_update(pending, ["published_at", "published_by"])
    for region_id in {i.region_id for i in pending}:
        publish_escalations(Region.objects.get(pk=region_id))
    return len(pending)


def publish_escalations(region: Region) -> list[EscalationEvent]:
    """Re-derive the region's escalations from its published months, then issue or lift its
    限批 notices (issue 18). Returns the region's escalation events."""
    kept = sync_escalations(region)
    sync_restriction_notices(region)
    return kept
