"""The scheduled jobs: their default timetable (as data), its PeriodicTask rows, and the JobRun
record kept around every run.

Times are Asia/Shanghai. The rows live in django-celery-beat's tables, so administrators edit
them in the admin; `ensure_schedules` creates the missing ones and leaves edited ones alone
(`reset=True` puts the defaults back).
"""

from __future__ import annotations

import functools
import json
import logging
import os
import socket
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone

from screening.models import JobRun, JobStatus

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Schedule:
    """One default entry of the timetable: a task and a crontab in Asia/Shanghai."""

    name: str
    task: str
    description: str
    minute: str = "0"
    hour: str = "*"
    day_of_week: str = "*"
    day_of_month: str = "*"
    month_of_year: str = "*"
    kwargs: dict = field(default_factory=dict)


# The monthly report runs first on the 1st, so the monthly digest (later that morning) can
# attach it; the ledger export runs in between, away from office hours.
DEFAULT_SCHEDULES: tuple[Schedule, ...] = (
    Schedule(
        "monthly-alert-report",
        "screening.tasks_reports.monthly_reports",
        "Monthly alert report (月度预警报告) for the previous month, every scope",
        minute="0",
        hour="1",
        day_of_month="1",
    ),
    Schedule(
        "monthly-ledger-export",
        "screening.tasks_reports.monthly_ledger_exports",
        "Monthly ledger export (台账导出), per region and province-wide",
        minute="0",
        hour="2",
        day_of_month="1",
    ),
    Schedule(
        "digest-daily",
        "screening.tasks_reports.send_digests",
        "Daily digest e-mails",
        minute="0",
        hour="8",
        kwargs={"frequency": "daily"},
    ),
    Schedule(
        "digest-weekly",
        "screening.tasks_reports.send_digests",
        "Weekly digest e-mails (Monday)",
        minute="30",
        hour="8",
        day_of_week="1",
        kwargs={"frequency": "weekly"},
    ),
    Schedule(
        "digest-monthly",
        "screening.tasks_reports.send_digests",
        "Monthly digest e-mails, with the monthly report attached",
        minute="0",
        hour="9",
        day_of_month="1",
        kwargs={"frequency": "monthly"},
    ),
)


def ensure_schedules(reset: bool = False) -> dict[str, str]:
    """Create the default PeriodicTask rows that are missing; with `reset`, restore every
    default (schedule, task, arguments, enabled). Returns {name: created/reset/kept}."""
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    outcome: dict[str, str] = {}
    for entry in DEFAULT_SCHEDULES:
        crontab, _created = CrontabSchedule.objects.get_or_create(
            minute=entry.minute,
            hour=entry.hour,
            day_of_week=entry.day_of_week,
            day_of_month=entry.day_of_month,
            month_of_year=entry.month_of_year,
            timezone=settings.TIME_ZONE,
        )
        defaults = {
            "task": entry.task,
            "crontab": crontab,
            "interval": None,
            "kwargs": json.dumps(entry.kwargs),
            "description": entry.description,
            "enabled": True,
        }
        existing = PeriodicTask.objects.filter(name=entry.name).first()
        if existing is None:
            PeriodicTask.objects.create(name=entry.name, **defaults)
            outcome[entry.name] = "created"
        elif reset:
            for key, value in defaults.items():
                setattr(existing, key, value)
            existing.save()
            outcome[entry.name] = "reset"
        else:
            outcome[entry.name] = "kept"  # an administrator's edit survives `make run`
    return outcome


# --- Job runs ---------------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def recorded_job(job: str) -> Callable:
    """Decorate a task body so each run leaves a JobRun row: started, finished, result, error.

    The wrapped function's keyword arguments are recorded; its return value (a dict or a
    scalar) becomes the result. A failure is recorded and re-raised, so Celery sees it too.
    """

    def decorate(body: Callable) -> Callable:
        @functools.wraps(body)
        def run(*args, **kwargs):
            from celery import current_task

            task_id = str(getattr(getattr(current_task, "request", None), "id", "") or "")
            record = JobRun.objects.create(
                job=job,
                arguments=_jsonable({"args": list(args), **kwargs}),
                task_id=task_id,
                worker=f"{socket.gethostname()}:{os.getpid()}",
            )
            try:
                result = body(*args, **kwargs)
            except Exception:  # the job row must record any failure; re-raised below
                log.exception("job %s failed", job)
                JobRun.objects.filter(pk=record.pk).update(
                    status=JobStatus.FAILED,
                    finished_at=timezone.now(),
                    error=traceback.format_exc()[-10_000:],
                )
                raise
            JobRun.objects.filter(pk=record.pk).update(
                status=JobStatus.SUCCEEDED,
                finished_at=timezone.now(),
                result=_jsonable(result if isinstance(result, dict) else {"value": result}),
            )
            return result

        return run

    return decorate
