"""The monthly alert report (月度预警报告) and the kept monthly ledger export (台账导出): claimed,
produced once per scope and month, and kept (`generate_monthly_report`,
`generate_ledger_export`).

A report covers one scope: a region and every region reporting to it (the review line of
`permissions.py`), so the province's report covers Henan and a city's report its city and the
counties it reviews. Its parts live beside this module: `sections` (the data of a month, shared
with the digests), `workbook` (the .xlsx writer) and `cells` (labels and formula-safe cells);
the names callers use are importable from here too.
"""

from __future__ import annotations

import logging
import os
import tempfile
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from screening.models import Project, ProjectStatus, Region, Report, ReportKind, ReportStatus
from screening.models.jobs import report_path
from screening.months import month_end, month_key  # noqa: F401

# Callers read the report's parts from here (`from screening.reports import monthly as reports`):
from screening.reports.cells import (  # noqa: F401
    ESCALATION_LABELS,
    append_row,
    finding_line,
    findings_text,
    is_english,
    safe_value,
    styled,
    tier_label,
)
from screening.reports.sections import (  # noqa: F401
    OverdueItem,
    TierChange,
    aware,
    diagnoses_due,
    energy_warnings,
    escalation_changes,
    escalations_in,
    escalations_in_force_at,
    ledger_change_counts,
    ledger_changes,
    month_facts,
    new_non_compliant,
    overdue_items,
    region_scope_ids,
    report_scopes,
    tier_changes,
)
from screening.reports.workbook import (  # noqa: F401
    DEFAULT_LANGUAGE,
    XLSX,
    write_monthly_report,
)

log = logging.getLogger(__name__)


# --- Kept reports: claim, produce, replace ----------------------------------------------------


def report_lease() -> timedelta:
    return timedelta(seconds=settings.REPORT_CLAIM_LEASE_SECONDS)


def _claimable(now: datetime, force: bool) -> Q:
    open_states = Q(status__in=[ReportStatus.PENDING, ReportStatus.FAILED])
    expired = Q(status=ReportStatus.RUNNING, lease_until__lt=now)
    if force:
        return open_states | expired | Q(status=ReportStatus.READY)
    return open_states | expired


def claim_report(
    kind: str,
    region: Region,
    year: int,
    month: int,
    language: str = DEFAULT_LANGUAGE,
    *,
    force: bool = False,
    requested_by=None,
) -> tuple[Report, str] | None:
    """Claim the production of one report: returns (report, token), or None when it is ready
    (and not forced) or someone else holds a live claim on it."""
    now = timezone.now()
    token = uuid.uuid4().hex
    claim = {
        "status": ReportStatus.RUNNING,
        "claim_token": token,
        "lease_until": now + report_lease(),
        "started_at": now,
        "error": "",
    }
    key = {"kind": kind, "region": region, "year": year, "month": month, "language": language}
    try:
        with transaction.atomic():
            report = Report.objects.create(**key, **claim, attempts=1, requested_by=requested_by)
        return report, token
    except IntegrityError:
        pass  # it exists: take it over only if it is free
    report = Report.objects.get(**key)
    from django.db.models import F

    taken = (
        Report.objects.filter(pk=report.pk)
        .filter(_claimable(now, force))
        .update(**claim, attempts=F("attempts") + 1)
    )
    if taken != 1:
        return None
    report.refresh_from_db()
    return report, token


def _finish(report: Report, token: str, path: Path, summary: dict) -> bool:
    """Store the produced file if the claim is still ours; the old file goes only then."""
    old_name = Report.objects.filter(pk=report.pk).values_list("file", flat=True).first()
    with path.open("rb") as handle:
        stored_name = report.file.storage.save(report_path(report, path.name), File(handle))
    updated = Report.objects.filter(pk=report.pk, claim_token=token).update(
        status=ReportStatus.READY,
        file=stored_name,
        size=path.stat().st_size,
        summary=summary,
        finished_at=timezone.now(),
        lease_until=None,
        error="",
    )
    if updated != 1:  # our lease ran out and another run took over: keep theirs
        report.file.storage.delete(stored_name)
        return False
    if old_name and old_name != stored_name:
        report.file.storage.delete(old_name)
    return True


def _produce(report: Report, token: str, write) -> Report | None:
    """Run `write(path) -> summary` into a temporary file, then keep it; record a failure."""
    handle, temp = tempfile.mkstemp(suffix=".xlsx", prefix="two-high-report-")
    os.close(handle)
    path = Path(temp)
    try:
        summary = write(path)
        kept = _finish(report, token, path, summary)
    except Exception as error:  # the report row must record any failure; re-raised below
        Report.objects.filter(pk=report.pk, claim_token=token).update(
            status=ReportStatus.FAILED,
            error=f"{type(error).__name__}: {error}"[:5000],
            finished_at=timezone.now(),
            lease_until=None,
        )
        raise
    finally:
        path.unlink(missing_ok=True)
    return Report.objects.get(pk=report.pk) if kept else None


def generate_monthly_report(
    region: Region,
    year: int,
    month: int,
    language: str = DEFAULT_LANGUAGE,
    *,
    force: bool = False,
    requested_by=None,
) -> Report | None:
    """Produce and keep the monthly report of `region`'s scope, once: None when it is already
    ready (unless forced) or being produced by someone else."""
    claimed = claim_report(
        ReportKind.MONTHLY_REPORT,
        region,
        year,
        month,
        language,
        force=force,
        requested_by=requested_by,
    )
    if claimed is None:
        return None
    report, token = claimed
    return _produce(
        report, token, lambda path: write_monthly_report(path, region, year, month, language)
    )


def ready_report(
    kind: str, region: Region, year: int, month: int, language: str = DEFAULT_LANGUAGE
) -> Report | None:
    return Report.objects.filter(
        kind=kind,
        region=region,
        year=year,
        month=month,
        language=language,
        status=ReportStatus.READY,
    ).first()


# --- The monthly ledger export ----------------------------------------------------------------


def generate_ledger_export(
    region: Region, year: int, month: int, *, force: bool = False
) -> Report | None:
    """Keep the ledger export of `region`'s scope as it stood when the month closed (taken on
    the 1st of the month after); once per scope and month."""
    claimed = claim_report(
        ReportKind.LEDGER_EXPORT, region, year, month, DEFAULT_LANGUAGE, force=force
    )
    if claimed is None:
        return None
    report, token = claimed

    def write(path: Path) -> dict:
        projects = Project.objects.filter(
            region_id__in=region_scope_ids(region), status=ProjectStatus.ACTIVE
        )
        from screening.ledger.export import export_ledger

        return {"projects": export_ledger(None, path, queryset=projects)}

    return _produce(report, token, write)


def reports_visible_to(user) -> Any:
    """Kept reports whose scope lies within the user's (permissions.py decides)."""
    from screening.permissions import scoped

    return scoped(Report.objects.select_related("region"), user)
