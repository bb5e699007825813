"""The scheduled jobs in a real Celery worker (another process) over a real Redis, delivering to
a real SMTP server on loopback, against the PostgreSQL test database.

Skipped locally without REDIS_URL and a PostgreSQL DATABASE_URL; required in CI.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from django.db import connection

from screening.models import DigestDelivery, DigestStatus, JobRun, Region, Report, ReportStatus
from tests.conftest import CITY_A, make_user, need
from tests.screening.reports.conftest import SEND_DAY

pytestmark = pytest.mark.worker

ROOT = Path(__file__).resolve().parents[3]
REDIS_DB = 9  # never the app's or CI's own database
DIGESTS = "screening.tasks_reports.send_digests"
REPORT = "screening.tasks_reports.generate_report"


def broker_url() -> str:
    parts = urlsplit(os.environ["REDIS_URL"])
    return urlunsplit((parts.scheme, parts.netloc, f"/{REDIS_DB}", "", ""))


def database_url() -> str:
    db = connection.settings_dict
    auth = quote(db["USER"] or "postgres")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"])
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def wait_for(check, timeout: float = 60, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


class Workers:
    """Starts `celery -A config worker` processes for the test; kills them afterwards."""

    def __init__(self, smtp_port: int, media_root: Path, log_dir: Path):
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.screening.reports.worker_settings",
            "DATABASE_URL": database_url(),
            "REDIS_URL": broker_url(),
            "TWO_HIGH_FILES_DIR": str(media_root),
            "TWO_HIGH_TEST_SMTP_PORT": str(smtp_port),
            "TWO_HIGH_TEST_LEASE_SECONDS": "3",
            "CELERY_TASK_ALWAYS_EAGER": "false",
        }
        self.log_dir = log_dir
        self.processes: list[subprocess.Popen] = []

    def start(self) -> subprocess.Popen:
        name = f"jobs{len(self.processes)}"
        log = self.log_dir / f"{name}.log"
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool",
                "solo",
                "-n",
                f"{name}@%h",
                "-l",
                "info",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-f",
                str(log),
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        self.processes.append(process)
        wait_for(
            lambda: log.exists() and " ready." in log.read_text(errors="replace"),
            timeout=60,
            what=f"{name} to be ready",
        )
        return process

    def kill(self, process: subprocess.Popen) -> None:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                process.wait(timeout=10)


@pytest.fixture
def workers(transactional_db, smtp_server, settings, tmp_path):
    need(bool(os.environ.get("REDIS_URL")), "REDIS_URL is not set: no real broker")
    need(
        connection.vendor == "postgresql",
        "a worker in another process needs a PostgreSQL DATABASE_URL",
    )
    import redis

    redis.Redis.from_url(broker_url()).flushdb()
    mailbox, port = smtp_server
    pool = Workers(port, Path(settings.MEDIA_ROOT), tmp_path)
    yield pool
    pool.stop_all()
    redis.Redis.from_url(broker_url()).flushdb()


@pytest.fixture
def broker():
    from celery import Celery

    app = Celery("two-high-jobs-test", broker=broker_url(), set_as_current=False)
    yield app
    app.close()


def subscribers(count: int) -> list:
    return [make_user(f"reviewer{i:02d}", "city_reviewer", CITY_A) for i in range(count)]


def finished_runs(job: str) -> int:
    return JobRun.objects.filter(job=job, finished_at__isnull=False).count()


def test_a_digest_enqueued_twice_to_two_workers_is_delivered_once(
    transactional_db, workers, broker, smtp_server, month_data
):
    mailbox, _port = smtp_server
    users = subscribers(8)
    workers.start()
    workers.start()
    for _ in range(2):
        broker.send_task(DIGESTS, kwargs={"frequency": "daily", "on": SEND_DAY.isoformat()})
    wait_for(lambda: finished_runs("send_digests") == 2, what="both runs")
    received = mailbox.per_recipient()
    assert {u.email: received[u.email] for u in users} == {u.email: 1 for u in users}
    assert mailbox.count() == len(users)
    assert DigestDelivery.objects.filter(status=DigestStatus.SENT).count() == len(users)


def test_a_worker_killed_mid_run_then_rerun_sends_the_rest_and_no_duplicates(
    transactional_db, workers, broker, smtp_server, month_data
):
    mailbox, _port = smtp_server
    mailbox.delay = 0.3  # a slow server, so the kill lands mid-run
    users = subscribers(12)
    first = workers.start()
    broker.send_task(DIGESTS, kwargs={"frequency": "daily", "on": SEND_DAY.isoformat()})
    wait_for(lambda: mailbox.count() >= 3, what="the first messages")
    workers.kill(first)
    time.sleep(0.6)  # a message the server was holding is stored now
    before = mailbox.count()
    assert before < len(users)
    assert JobRun.objects.get(job="send_digests").finished_at is None  # died mid-run

    time.sleep(3.5)  # the dead worker's claims expire
    mailbox.delay = 0
    workers.start()
    broker.send_task(DIGESTS, kwargs={"frequency": "daily", "on": SEND_DAY.isoformat()})
    wait_for(lambda: finished_runs("send_digests") == 1, what="the rerun")

    received = mailbox.per_recipient()
    statuses = dict(DigestDelivery.objects.values_list("user__email", "status"))
    assert all(received[u.email] <= 1 for u in users), received  # never twice
    uncertain = [email for email, status in statuses.items() if status == DigestStatus.UNCERTAIN]
    assert len(uncertain) <= 1  # at most the one the server held when the worker died
    for user in users:
        if statuses[user.email] == DigestStatus.SENT:
            assert received[user.email] == 1
    assert set(statuses.values()) <= {DigestStatus.SENT, DigestStatus.UNCERTAIN}
    assert len(statuses) == len(users)
    assert mailbox.count() > before  # the rerun sent the rest


def test_the_report_task_produces_a_readable_report_in_the_worker(
    transactional_db, workers, broker, month_data
):
    from openpyxl import load_workbook

    workers.start()
    region = Region.objects.get(code=CITY_A)
    for _ in range(2):
        broker.send_task(REPORT, args=["monthly_report", region.pk, "2025-05", "en"])
    wait_for(lambda: finished_runs("report") == 2, what="both report runs")
    report = Report.objects.get()
    assert report.status == ReportStatus.READY
    wb = load_workbook(report.file.path)
    assert wb.sheetnames[:2] == ["Summary", "Barometer"]
    assert len(wb["Summary"]._charts) == 2
    fills = {c.fill.fgColor.rgb for row in wb["Barometer"].iter_rows(min_row=2) for c in row[2:7]}
    assert {"FFE53935", "FFFDD835", "FF43A047"} <= fills
    results = sorted(JobRun.objects.values_list("result__outcome", flat=True))
    assert results == ["already done or in progress", "produced"]
