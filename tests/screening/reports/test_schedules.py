"""The default timetable as PeriodicTask rows (idempotent, edits kept) and JobRun records."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from screening.models import JobRun, JobStatus
from screening.reports.schedules import DEFAULT_SCHEDULES, ensure_schedules, recorded_job


def test_it_creates_every_default_schedule_in_shanghai_time(db):
    outcome = ensure_schedules()
    assert set(outcome.values()) == {"created"}
    tasks = {t.name: t for t in PeriodicTask.objects.select_related("crontab")}
    assert set(tasks) == {s.name for s in DEFAULT_SCHEDULES}
    assert all(str(t.crontab.timezone) == "Asia/Shanghai" for t in tasks.values())
    report = tasks["monthly-alert-report"].crontab
    assert (report.minute, report.hour, report.day_of_month) == ("0", "1", "1")
    assert tasks["digest-weekly"].crontab.day_of_week == "1"  # Monday
    assert json.loads(tasks["digest-monthly"].kwargs) == {"frequency": "monthly"}


def test_it_is_idempotent_and_keeps_an_administrators_edit(db):
    call_command("ensure_schedules")
    task = PeriodicTask.objects.get(name="digest-daily")
    task.enabled = False
    task.save()
    call_command("ensure_schedules")
    assert PeriodicTask.objects.count() == len(DEFAULT_SCHEDULES)
    assert PeriodicTask.objects.get(name="digest-daily").enabled is False
    call_command("ensure_schedules", "--reset")
    assert PeriodicTask.objects.get(name="digest-daily").enabled is True
    assert PeriodicTask.objects.count() == len(DEFAULT_SCHEDULES)


def test_every_scheduled_task_is_registered_with_celery(db):
    from config.celery import app

    app.loader.import_default_modules()
    for schedule in DEFAULT_SCHEDULES:
        assert schedule.task in app.tasks


def test_a_job_run_records_its_result(db):
    @recorded_job("test.ok")
    def job(n: int) -> dict:
        return {"n": n}

    job(n=3)
    run = JobRun.objects.get()
    assert run.status == JobStatus.SUCCEEDED and run.result == {"n": 3}
    assert run.finished_at >= run.started_at and run.arguments == {"args": [], "n": 3}


def test_a_job_run_records_a_failure_and_reraises(db):
    @recorded_job("test.broken")
    def job() -> None:
        raise ValueError("boom")

    with pytest.raises(ValueError):
        job()
    run = JobRun.objects.get()
    assert run.status == JobStatus.FAILED and "ValueError: boom" in run.error
