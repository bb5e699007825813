"""Faults injected on the real stack (issue 9); prints one JSON line of figures.

    .venv/bin/python bench/faults.py [--rows 10000] [--json out.json] [--keep-db]

Loopback only. It creates its own PostgreSQL database (two_high_faults_<pid> on 127.0.0.1:5432,
user postgres), starts its own redis-server on 127.0.0.1:6390 (never the shared one on 6379),
an aiosmtpd server on a free loopback port and real `celery worker` / `celery beat` processes,
then injects, one after another:

  kill -9 of the worker mid-import   the apply of a 10,000-row ledger (its write transaction seen
                                     in pg_stat_activity); the ledger must be unchanged, and the
                                     redelivered message (acks_late) must apply exactly the file
  kill -9 of the worker mid-report   the monthly report while its claim is RUNNING; the
                                     redelivery must reclaim it after the lease: one report
  PostgreSQL "restart"               pg_terminate_backend of every connection to the database
                                     mid-apply (the system cluster is shared: not restarted);
                                     nothing applied, then the UI's confirm again applies it
  Redis restart                      our redis-server shut down and started again; the worker
                                     reconnects and the next job completes
  SMTP down then up                  digests while nothing listens (the run fails, nothing is
                                     marked sent), then again with the server up: one each
  two beat processes                 two `celery beat` firing the weekly digest every second for
                                     ten seconds with two workers: at most one per (user, period)

and reconciles the database afterwards. The database is dropped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import date
from email import message_from_bytes, policy
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.import_ledger import create_database, drop_database, write_ledger  # noqa: E402

PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
REDIS_PORT = 6390
REGION_CODE = "410100"
SEND_DAY = date(2025, 6, 2)
AS_OF = date(2021, 12, 31)
DIGEST_USERS = 10
ACCEPTED = Counter()  # uploads this run had accepted (received and validated)


def wait_for(check, timeout: float = 60, step: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(step)
    return None


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# ------------------------------------------------------------------------- the services


class Redis:
    """Our own redis-server on 127.0.0.1:6390, no persistence: restartable at will."""

    def __init__(self, folder: Path, port: int = REDIS_PORT):
        self.folder, self.port = folder, port

    def start(self) -> None:
        subprocess.run(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "yes",
                "--dir",
                str(self.folder),
                "--pidfile",
                str(self.folder / "redis.pid"),
                "--logfile",
                str(self.folder / "redis.log"),
            ],
            check=True,
            timeout=30,
        )
        wait_for(lambda: self.ping(), timeout=20)

    def ping(self) -> bool:
        result = subprocess.run(
            ["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True, timeout=10
        )
        return result.stdout.strip() == "PONG"

    def stop(self) -> None:
        subprocess.run(
            ["redis-cli", "-p", str(self.port), "shutdown", "nosave"],
            capture_output=True,
            timeout=30,
        )
        wait_for(lambda: not self.ping(), timeout=20)


class Mailbox:
    """What the SMTP server received (recipients and Message-ID), thread-safe."""

    def __init__(self):
        self.messages: list[tuple[tuple[str, ...], str]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append((tuple(envelope.rcpt_tos), str(message["Message-ID"])))
        return "250 OK"

    def count(self) -> int:
        with self.lock:
            return len(self.messages)

    def duplicates(self) -> int:
        """Messages beyond the first per (recipient, Message-ID): a digest sent twice."""
        with self.lock:
            seen = Counter((r, mid) for rcpts, mid in self.messages for r in rcpts)
        return sum(n - 1 for n in seen.values() if n > 1)

    def per_recipient(self) -> Counter:
        with self.lock:
            return Counter(r for rcpts, _m in self.messages for r in rcpts)


class Smtp:
    def __init__(self, port: int):
        self.port, self.mailbox, self.controller = port, Mailbox(), None

    def start(self) -> None:
        import logging

        from aiosmtpd.controller import Controller

        logging.getLogger("mail.log").setLevel(logging.WARNING)

        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def stop_process(process: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL if it has not ended within 30 s."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)


class Celery:
    """`celery worker` (solo pool) and `celery beat` processes; each with its own log."""

    def __init__(self, env: dict[str, str], folder: Path):
        self.env, self.folder = env, folder
        self.processes: list[subprocess.Popen] = []

    def _start(self, args: list[str], name: str, ready: str) -> subprocess.Popen:
        log = self.folder / f"{name}.log"
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", *args, "-l", "info", "-f", str(log)],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        self.processes.append(process)
        if not wait_for(
            lambda: log.exists() and ready in log.read_text(errors="replace"), timeout=90
        ):
            raise RuntimeError(f"{name} did not start; see {log}")
        return process

    def worker(self, name: str) -> subprocess.Popen:
        return self._start(
            [
                "worker",
                "--pool",
                "solo",
                "-n",
                f"{name}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            name,
            " ready.",
        )

    def beat(self, name: str) -> subprocess.Popen:
        return self._start(
            ["beat", "--pidfile", str(self.folder / f"{name}.pid"), "--max-interval", "1"],
            name,
            "beat: Starting",
        )

    @staticmethod
    def kill(process: subprocess.Popen) -> None:
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.processes:
            stop_process(process)


# ------------------------------------------------------------------------------ helpers


def ledger_hash(database: str) -> str:
    """A digest of every Project row's identity, values that an apply writes and status."""
    import psycopg

    with psycopg.connect(dbname=database, **PG) as connection:
        row = connection.execute(
            "SELECT count(*), md5(coalesce(string_agg(concat_ws('|', project_code, name, "
            "status, last_upload_id, verdict, updated_at), ',' ORDER BY project_code), ''))"
            " FROM screening_project"
        ).fetchone()
    return f"{row[0]}:{row[1]}"


def writing_backends(database: str) -> int:
    """Backends of the database other than ours holding a write transaction (an apply)."""
    import psycopg

    with psycopg.connect(dbname="postgres", autocommit=True, **PG) as connection:
        return connection.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND backend_xid IS NOT "
            "NULL AND pid <> pg_backend_pid()",
            [database],
        ).fetchone()[0]


def terminate_backends(database: str) -> int:
    import psycopg

    with psycopg.connect(dbname="postgres", autocommit=True, **PG) as connection:
        return sum(
            row[0]
            for row in connection.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND "
                "pid <> pg_backend_pid()",
                [database],
            ).fetchall()
        )


def reset_django_connection() -> None:
    from django.db import connection

    connection.close()


def prepare_upload(user, path: Path):
    """Receive and validate (preview) a ledger file as the web does; returns the upload."""
    from django.core.files import File

    from screening.ledger.services import receive_upload, validate_upload
    from screening.models import Region, UploadStatus

    region = Region.objects.get(code=REGION_CODE)
    with path.open("rb") as handle:
        upload = receive_upload(user, region, File(handle, name=path.name), path.name, as_of=AS_OF)
    ACCEPTED["uploads"] += 1
    upload = validate_upload(upload)
    if upload.status != UploadStatus.PREVIEW:
        raise SystemExit(f"{path.name}: {upload.status} {upload.errors[:3]}")
    return upload


def queue_apply(upload, user) -> None:
    """What the confirm button does for a big file: claim, then enqueue the apply."""
    from django.db import transaction

    from screening.ledger.views import queue_apply as confirm

    with transaction.atomic():
        confirm(upload, user, {})


def active_codes() -> set[str]:
    from screening.models import Project, ProjectStatus

    return set(
        Project.objects.filter(status=ProjectStatus.ACTIVE).values_list("project_code", flat=True)
    )


def file_codes(path: Path) -> set[str]:
    from openpyxl import load_workbook

    sheet = load_workbook(path, read_only=True).worksheets[0]
    return {row[1] for row in sheet.iter_rows(min_row=2, values_only=True) if row[1]}


def upload_status(upload_id: int) -> str:
    from screening.models import LedgerUpload

    reset_django_connection()
    return LedgerUpload.objects.get(pk=upload_id).status


# ------------------------------------------------------------------------------- faults


def fault_kill_mid_import(ctx: dict) -> dict:
    """kill -9 of the worker while it applies a big ledger; then the redelivery applies it."""
    from screening.models import UploadStatus

    database, celery, user, path = ctx["database"], ctx["celery"], ctx["user"], ctx["big"]
    upload = prepare_upload(user, path)
    before = ledger_hash(database)
    worker = celery.worker("kill-import")
    started = time.monotonic()
    queue_apply(upload, user)
    landed = wait_for(lambda: writing_backends(database) > 0, timeout=120, step=0.05)
    time.sleep(0.5)  # well inside the transaction
    mid_apply = bool(landed) and upload_status(upload.pk) == UploadStatus.PREVIEW
    celery.kill(worker)
    wait_for(lambda: writing_backends(database) == 0, timeout=30)
    unchanged = ledger_hash(database) == before
    celery.worker("kill-import-2")
    applied = wait_for(
        lambda: upload_status(upload.pk) == UploadStatus.APPLIED, timeout=240, step=0.5
    )
    exact = bool(applied) and active_codes() == file_codes(path)
    return {
        "fault": "worker kill -9 mid-import",
        "landed": mid_apply,
        "ledger_unchanged_after_kill": unchanged,
        "completed_on_retry": bool(applied),
        "retry": "acks_late redelivery",
        "ledger_equals_file": exact,
        "seconds_to_recover": round(time.monotonic() - started, 1),
        "survived": mid_apply and unchanged and bool(applied) and exact,
    }


def fault_pg_restart_mid_import(ctx: dict) -> dict:
    """Every backend of the database terminated mid-apply (what a restart looks like)."""
    from screening.models import LedgerUpload, UploadStatus

    database, user, path = ctx["database"], ctx["user"], ctx["changed"]
    upload = prepare_upload(user, path)
    before = ledger_hash(database)
    queue_apply(upload, user)
    landed = wait_for(lambda: writing_backends(database) > 0, timeout=120, step=0.05)
    time.sleep(0.3)
    terminated = terminate_backends(database)
    reset_django_connection()
    wait_for(lambda: writing_backends(database) == 0, timeout=30)
    unchanged = ledger_hash(database) == before
    # The task failed (and was acknowledged): the user confirms again, as the page offers.
    released = wait_for(
        lambda: LedgerUpload.objects.filter(
            pk=upload.pk, status=UploadStatus.PREVIEW, apply_requested_at__isnull=True
        ).exists(),
        timeout=60,
        step=0.5,
    )
    retried = False
    if released:
        queue_apply(LedgerUpload.objects.get(pk=upload.pk), user)
        retried = True
    applied = wait_for(
        lambda: upload_status(upload.pk) == UploadStatus.APPLIED, timeout=240, step=0.5
    )
    exact = bool(applied) and active_codes() == file_codes(path)
    return {
        "fault": "PostgreSQL restart mid-import (pg_terminate_backend)",
        "landed": bool(landed),
        "backends_terminated": terminated,
        "ledger_unchanged_after_fault": unchanged,
        "confirm_again_offered": bool(released),
        "completed_on_retry": bool(applied),
        "retry": "confirmed again" if retried else "none",
        "ledger_equals_file": exact,
        "survived": bool(landed) and unchanged and bool(applied) and exact,
    }


def fault_kill_mid_report(ctx: dict) -> dict:
    from screening.models import Region, Report, ReportStatus

    celery, broker = ctx["celery"], ctx["broker"]
    for process in list(celery.processes):
        stop_process(process)
    worker = celery.worker("kill-report")
    region = Region.objects.get(code=REGION_CODE)
    key = {"kind": "monthly_report", "region": region, "year": 2025, "month": 5}
    broker.send_task(
        "screening.tasks_reports.generate_report",
        args=["monthly_report", region.pk, "2025-05", "en"],
    )
    running = wait_for(
        lambda: Report.objects.filter(**key, status=ReportStatus.RUNNING).exists(),
        timeout=60,
        step=0.02,
    )
    time.sleep(0.2)
    landed = bool(running) and Report.objects.filter(**key, status=ReportStatus.RUNNING).exists()
    celery.kill(worker)
    celery.worker("kill-report-2")
    ready = wait_for(
        lambda: Report.objects.filter(**key, status=ReportStatus.READY).exists(),
        timeout=180,
        step=0.5,
    )
    reports = Report.objects.filter(**key)
    return {
        "fault": "worker kill -9 mid-report",
        "landed": landed,
        "completed_on_retry": bool(ready),
        "reports": reports.count(),
        "attempts": reports.first().attempts if reports.exists() else 0,
        "survived": landed and bool(ready) and reports.count() == 1,
    }


def fault_redis_restart(ctx: dict) -> dict:
    from screening.models import JobRun, Region

    redis, broker = ctx["redis"], ctx["broker"]
    redis.stop()
    time.sleep(2)
    redis.start()
    region = Region.objects.get(code="410300")
    before = JobRun.objects.filter(job="report", finished_at__isnull=False).count()
    sent = True
    try:
        broker.send_task(
            "screening.tasks_reports.generate_report",
            args=["monthly_report", region.pk, "2025-05", "en"],
        )
    except Exception:  # noqa: BLE001 (the figure is whether publishing survives)
        sent = False
    done = sent and wait_for(
        lambda: JobRun.objects.filter(job="report", finished_at__isnull=False).count() > before,
        timeout=120,
        step=0.5,
    )
    return {
        "fault": "Redis restart (own redis-server :6390)",
        "landed": True,
        "published_after_restart": sent,
        "completed_on_retry": bool(done),
        "survived": bool(done),
    }


def digest_users(frequency: str) -> list:
    from accounts.models import User

    users = list(User.objects.filter(username__startswith="fault_reviewer").order_by("pk"))
    User.objects.filter(pk__in=[u.pk for u in users]).update(digest_frequency=frequency)
    return users


def fault_smtp_down(ctx: dict) -> dict:
    from screening.models import DigestDelivery, DigestStatus, JobRun

    smtp, broker = ctx["smtp"], ctx["broker"]
    users = digest_users("daily")
    kwargs = {"frequency": "daily", "on": SEND_DAY.isoformat()}
    smtp.stop()
    broker.send_task("screening.tasks_reports.send_digests", kwargs=kwargs)
    failed = wait_for(
        lambda: JobRun.objects.filter(job="send_digests", status="failed").exists(),
        timeout=120,
        step=0.5,
    )
    sent_while_down = DigestDelivery.objects.filter(status=DigestStatus.SENT).count()
    smtp.start()
    broker.send_task("screening.tasks_reports.send_digests", kwargs=kwargs)
    wait_for(
        lambda: JobRun.objects.filter(job="send_digests", status="succeeded").exists(),
        timeout=120,
        step=0.5,
    )
    broker.send_task("screening.tasks_reports.send_digests", kwargs=kwargs)  # once more
    wait_for(
        lambda: JobRun.objects.filter(job="send_digests", status="succeeded").count() >= 2,
        timeout=120,
        step=0.5,
    )
    received = smtp.mailbox.per_recipient()
    each_once = all(received[u.email] == 1 for u in users)
    return {
        "fault": "SMTP down then up",
        "landed": bool(failed),
        "marked_sent_while_down": sent_while_down,
        "completed_on_retry": each_once,
        "digests_received": sum(received[u.email] for u in users),
        "users": len(users),
        "survived": bool(failed) and sent_while_down == 0 and each_once,
    }


def fault_two_beats(ctx: dict) -> dict:
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    from screening.models import JobRun

    celery, smtp = ctx["celery"], ctx["smtp"]
    users = digest_users("weekly")
    every, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(
        name="fault: weekly digest every second",
        interval=every,
        task="screening.tasks_reports.send_digests",
        kwargs=json.dumps({"frequency": "weekly", "on": SEND_DAY.isoformat()}),
    )
    before_runs = JobRun.objects.filter(job="send_digests").count()
    before = smtp.mailbox.per_recipient()
    celery.worker("beat-worker-2")
    beats = [celery.beat("beat1"), celery.beat("beat2")]
    time.sleep(10)
    for beat in beats:
        stop_process(beat)
    PeriodicTask.objects.filter(name__startswith="fault:").update(enabled=False)
    wait_for(
        lambda: (
            JobRun.objects.filter(job="send_digests", finished_at__isnull=True).count() == 0
            and ctx["redis_llen"]() == 0
        ),
        timeout=120,
        step=0.5,
    )
    runs = JobRun.objects.filter(job="send_digests").count() - before_runs
    after = smtp.mailbox.per_recipient()
    weekly = {u.email: after[u.email] - before[u.email] for u in users}
    return {
        "fault": "two celery beat processes",
        "landed": runs >= 2,
        "job_runs": runs,
        "most_per_user": max(weekly.values(), default=0),
        "completed_on_retry": all(v == 1 for v in weekly.values()),
        "survived": runs >= 2 and all(v == 1 for v in weekly.values()),
    }


# ------------------------------------------------------------------------ reconciliation


def reconcile(
    accepted_uploads: int | None = None, transitions: int | None = None, since=None
) -> dict:
    """Counts that must agree after a run (the database of the run is the current one)."""
    from django.db.models import Count

    from screening.models import (
        CaseEvent,
        DigestDelivery,
        LedgerUpload,
        ProjectChange,
        Report,
        UploadStatus,
    )

    stored = LedgerUpload.objects.count()
    half_applied = (
        ProjectChange.objects.exclude(upload__isnull=True)
        .exclude(upload__status__in=[UploadStatus.APPLIED, UploadStatus.ROLLED_BACK])
        .values("upload")
        .distinct()
        .count()
    )
    report_dupes = (
        Report.objects.values("kind", "region", "year", "month")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    digest_dupes = (
        DigestDelivery.objects.values("user", "frequency", "period")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    events = CaseEvent.objects.exclude(transition="open")
    if since is not None:
        events = events.filter(at__gte=since)
    return {
        "accepted_uploads": accepted_uploads,
        "stored_uploads": stored,
        "half_applied_uploads": half_applied,
        "transitions_done": transitions,
        "transition_audit_rows": events.count(),
        "reports": Report.objects.count(),
        "report_scope_month_duplicates": report_dupes,
        "digests": DigestDelivery.objects.count(),
        "digest_user_period_duplicates": digest_dupes,
    }


# ---------------------------------------------------------------------------------- main


def seed(rows: int, folder: Path) -> dict:
    """Reference data, an agency user, a base ledger applied, months of indicators published
    and digest subscribers in 郑州市."""
    from django.core.management import call_command

    from accounts.models import User
    from screening.ledger.services import apply_upload
    from screening.models import Region
    from tests.conftest import CITY_A, CITY_B
    from tests.screening.reports.conftest import at, publish_month

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("load_reference_data", stdout=open(os.devnull, "w"))  # noqa: SIM115
    region = Region.objects.get(code=REGION_CODE)
    user = User.objects.create_user(
        username="fault_agency", password="x", role="agency", email="fault-agency@example.org"
    )
    user.regions.set([region])
    for i in range(DIGEST_USERS):
        reviewer = User.objects.create_user(
            username=f"fault_reviewer{i:02d}",
            password="x",
            role="city_reviewer",
            email=f"fault{i:02d}@example.org",
        )
        reviewer.regions.set([region])
    for m, tier in ((1, "green"), (2, "yellow"), (3, "red"), (4, "red")):
        publish_month(CITY_A, 2025, m, tier, at(date(2025, m + 1, 3)))
        publish_month(CITY_B, 2025, m, "green", at(date(2025, m + 1, 3)))
    publish_month(CITY_A, 2025, 5, "red", at(date(2025, 6, 1), 9))
    publish_month(CITY_B, 2025, 5, "green", at(date(2025, 6, 1), 9))
    # News of the digest day (as the worker tests' month_data): 郑州's third red month.
    from screening.models import EscalationEvent, EscalationKind

    restriction = EscalationEvent.objects.create(
        region=region,
        kind=EscalationKind.RESTRICTION,
        started_year=2025,
        started_month=5,
        months=["2025-03", "2025-04", "2025-05"],
    )
    EscalationEvent.objects.filter(pk=restriction.pk).update(created_at=at(date(2025, 6, 1), 9))
    base, big, changed = folder / "base.xlsx", folder / "big.xlsx", folder / "changed.xlsx"
    write_ledger(base, rows // 10)
    write_ledger(big, rows)
    write_ledger(changed, rows, changed_every=10)
    apply_upload(prepare_upload(user, base), user, {})
    return {"user": user, "base": base, "big": big, "changed": changed}


def run(rows: int, keep_db: bool) -> dict:
    database = f"two_high_faults_{os.getpid()}"
    folder = Path(tempfile.mkdtemp(prefix="two-high-faults-", dir=ROOT / "var"))
    redis = Redis(folder)
    smtp_port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.fault_settings",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
        "REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
        "TWO_HIGH_VAR_DIR": str(folder),
        "TWO_HIGH_FILES_DIR": str(folder / "files"),
        "TWO_HIGH_TEST_SMTP_PORT": str(smtp_port),
        "TWO_HIGH_TEST_LEASE_SECONDS": "5",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "LEDGER_BACKGROUND_BYTES": "0",
        "PYTHONPATH": str(ROOT),
    }
    os.environ.update(env)
    create_database(database)
    redis.start()
    smtp = Smtp(smtp_port)
    smtp.start()
    celery = Celery(env, folder)
    results: list[dict] = []
    figures: dict = {"database": database}
    try:
        import django

        django.setup()
        import redis as redis_client

        from config.celery import app as broker

        ctx = {
            "database": database,
            "celery": celery,
            "broker": broker,
            "redis": redis,
            "smtp": smtp,
            "redis_llen": lambda: redis_client.Redis(port=REDIS_PORT).llen("celery"),
            **seed(rows, folder),
        }
        for fault in (
            fault_kill_mid_import,
            fault_pg_restart_mid_import,
            fault_kill_mid_report,
            fault_redis_restart,
            fault_smtp_down,
            fault_two_beats,
        ):
            started = time.monotonic()
            try:
                result = fault(ctx)
            except Exception as error:  # noqa: BLE001 (a fault that breaks the run is a figure)
                reset_django_connection()
                result = {
                    "fault": fault.__name__,
                    "survived": False,
                    "error": f"{type(error).__name__}: {error}"[:300],
                }
            result["seconds"] = round(time.monotonic() - started, 1)
            print(json.dumps(result, ensure_ascii=False), file=sys.stderr, flush=True)
            results.append(result)
        reset_django_connection()
        figures["reconciliation"] = reconcile(accepted_uploads=ACCEPTED["uploads"])
        figures["mail_duplicates"] = smtp.mailbox.duplicates()
    finally:
        celery.stop_all()
        smtp.stop()
        redis.stop()
        from django.db import connections

        connections.close_all()
        if not keep_db:
            drop_database(database)
    figures["faults"] = results
    figures["injected"] = len(results)
    figures["survived"] = sum(bool(r.get("survived")) for r in results)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()
    emit(run(args.rows, args.keep_db), args.json)


def emit(figures: dict, json_path: Path | None) -> None:
    """Print the figures as one JSON line, and keep them in `json_path` if given."""
    text = json.dumps(figures, ensure_ascii=False, default=str)
    if json_path:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
