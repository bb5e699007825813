"""Scheduled jobs: the monthly report, the monthly ledger export and the digests (Celery).

Thin: each task takes ids or plain values, calls a service that claims its work first, and is
safe to run twice. Each run leaves a JobRun row (schedules.recorded_job).
"""

from __future__ import annotations

from datetime import date

from celery import shared_task

from screening import months
from screening.models import Region, ReportKind
from screening.reports import digests
from screening.reports import monthly as reports
from screening.reports.schedules import recorded_job


def _month(month: str | None) -> tuple[int, int]:
    return months.parse_month(month) if month else months.month_before_day()


@shared_task(acks_late=True, name="screening.tasks_reports.generate_report")
@recorded_job("report")
def generate_report(
    kind: str,
    region_id: int,
    month: str,
    language: str = "zh-hans",
    force: bool = False,
    requested_by_id: int | None = None,
) -> dict:
    """Produce one kept report or ledger export (claimed first: a duplicate does nothing)."""
    region = Region.objects.get(pk=region_id)
    year, month_number = months.parse_month(month)
    if kind == ReportKind.LEDGER_EXPORT:
        report = reports.generate_ledger_export(region, year, month_number, force=force)
    else:
        from accounts.models import User

        requested_by = User.objects.filter(pk=requested_by_id).first() if requested_by_id else None
        report = reports.generate_monthly_report(
            region, year, month_number, language, force=force, requested_by=requested_by
        )
    return {
        "kind": kind,
        "region": region.code,
        "month": month,
        "report": report.pk if report else None,
        "outcome": "produced" if report else "already done or in progress",
    }


def _fan_out(kind: str, month: str | None) -> dict:
    year, month_number = _month(month)
    period = f"{year}-{month_number:02d}"
    scopes = reports.report_scopes()
    for region in scopes:
        generate_report.delay(kind, region.pk, period)
    return {"month": period, "queued": len(scopes)}


@shared_task(acks_late=True, name="screening.tasks_reports.monthly_reports")
@recorded_job("monthly_reports")
def monthly_reports(month: str | None = None) -> dict:
    """The monthly alert report of every scope, for `month` (default: the month before)."""
    return _fan_out(ReportKind.MONTHLY_REPORT, month)


@shared_task(acks_late=True, name="screening.tasks_reports.monthly_ledger_exports")
@recorded_job("monthly_ledger_exports")
def monthly_ledger_exports(month: str | None = None) -> dict:
    """The ledger export of every scope (per region and province-wide) as the month closed."""
    return _fan_out(ReportKind.LEDGER_EXPORT, month)


@shared_task(acks_late=True, name="screening.tasks_reports.send_digests")
@recorded_job("send_digests")
def send_digests(frequency: str, on: str | None = None) -> dict:
    """Every due digest of one frequency; each (user, period) is claimed before it is sent."""
    return digests.send_digests(frequency, date.fromisoformat(on) if on else None)
