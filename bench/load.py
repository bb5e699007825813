"""Load on the real stack (issue 9): a bounded client, loopback only; prints one JSON line.

    .venv/bin/python bench/load.py [--seconds 300] [--users 30] [--json out.json] [--keep-db]

It creates its own PostgreSQL database (two_high_load_<pid> on 127.0.0.1:5432, user postgres),
seeds 100,000 screened projects (bulk_create) in 洛阳, 安阳 and 新乡 and 2,000 review cases
submitted to their city reviewers, and starts gunicorn (production settings, HTTPS with a
throw-away certificate on 127.0.0.1), a Celery worker on Redis DB 12 of 127.0.0.1:6379
(flushed before and after) and an aiosmtpd server on a loopback port.

30 simulated users (agencies, city and provincial reviewers, observers of four cities), each a
thread with a think time of 0.5-1.5 s, browse the project list (a third of those views with a
search or filters) and detail pages, the case list and detail pages and the dashboard; city
reviewers forward submitted cases two at a time on the same case (a deliberate conflict: one
gets 409); 郑州's agencies upload and confirm a small ledger (concurrently, so previews go
stale). Midway the monthly reports of every scope and the daily digest are queued. RSS of the
gunicorn workers and the Celery worker is sampled every 2 s from /proc (start, peak, end and
the last sample of each minute). Afterwards the database is reconciled
(bench/faults.reconcile) and dropped. Besides the overall percentiles, `per_page` gives
n / p50 / p95 for each kind of request (dashboard, project_list, project_search,
project_detail, case_list, case_detail, upload_page, login, actions).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.faults import (  # noqa: E402
    Smtp,
    emit,
    free_port,
    reconcile,
    stop_process,
    wait_for,
)
from bench.import_ledger import create_database, drop_database, write_ledger  # noqa: E402

REDIS_URL = "redis://127.0.0.1:6379/12"
PROJECTS = 100_000
CASES = 2_000
CITIES = ["410300", "410500", "410700"]  # the seeded ledgers
UPLOAD_REGION = "410100"  # 郑州: its agencies upload small ledgers during the run
PASSWORD = secrets.token_urlsafe(12)


# -------------------------------------------------------------------------------- seeding


def seed(folder: Path) -> dict:
    from django.contrib.auth.hashers import PBKDF2PasswordHasher
    from django.core.management import call_command
    from django.utils import timezone

    from accounts.models import User
    from screening.models import CaseEvent, Project, Region, ReviewCase
    from tests.screening.reports.conftest import at, publish_month

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("load_reference_data", stdout=open(os.devnull, "w"))  # noqa: SIM115
    regions = {r.code: r for r in Region.objects.all()}
    hashed = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())  # as prod
    users: list[dict] = []

    def add(username: str, role: str, code: str) -> User:
        user = User.objects.create(
            username=username,
            role=role,
            password=hashed,
            email=f"{username}@example.org",
            digest_frequency="daily",
        )
        user.regions.set([regions[code]])
        users.append({"username": username, "role": role, "region": code})
        return user

    agencies = {}
    for code in [*CITIES, UPLOAD_REGION]:
        agencies[code] = add(f"load_agency_{code}_0", "agency", code)
        add(f"load_agency_{code}_1", "agency", code)
    for code in CITIES:
        for i in range(4):
            add(f"load_city_{code}_{i}", "city_reviewer", code)
    add(f"load_city_{UPLOAD_REGION}_0", "city_reviewer", UPLOAD_REGION)
    for i in range(5):
        add(f"load_province_{i}", "provincial_reviewer", "410000")
    for i in range(4):
        add(f"load_observer_{i}", "observer", "410000")
    assert len(users) == 30, len(users)

    now = timezone.now()
    verdicts = [
        ("COMPLIANT", "PROCEED"),
        ("NON_COMPLIANT", "REJECT"),
        ("INCOMPLETE", "RECTIFY"),
        ("NOT_IN_SCOPE", "NONE"),
    ]
    findings = [
        {
            "rule": "R01",
            "outcome": "INFO",
            "clause": "(三)",
            "message_zh": "两高项目",
            "message_en": "two-high project",
            "values": {},
        }
    ]
    batch = []
    for i in range(PROJECTS):
        code = CITIES[i % len(CITIES)]
        verdict, disposition = verdicts[i % len(verdicts)] if i % 5 else verdicts[0]
        batch.append(
            Project(
                region=regions[code],
                project_code=f"2401-{code}-04-01-{i:06d}",
                name=f"年产{i + 1}万吨化工新材料项目",
                enterprise=f"河南某化工有限公司{i % 997}",
                uscc="91410100MA44UNKN0W",
                sector="化工",
                construction_type="新建",
                stage="拟建",
                annual_energy_tce=20000 + i % 5000,
                new_energy_tce=20000,
                energy_rights_tce=20000,
                tech_class="允许类",
                policy_fit=True,
                pollutant_control=True,
                livelihood=False,
                in_scope=verdict != "NOT_IN_SCOPE",
                verdict=verdict,
                disposition=disposition,
                screened_rule_set="seed",
                screened_as_of=date(2025, 1, 1),
                findings=findings if verdict != "NOT_IN_SCOPE" else [],
            )
        )
        if len(batch) == 5000:
            Project.objects.bulk_create(batch)
            batch = []
    Project.objects.bulk_create(batch)

    cases, events = [], []
    projects = Project.objects.filter(region__code__in=CITIES).order_by("id")[:CASES]
    for project in projects:
        agency = agencies[CITIES[(int(project.project_code[-6:])) % len(CITIES)]]
        cases.append(
            ReviewCase(
                project=project,
                region_id=project.region_id,
                cycle=1,
                state="submitted",
                opened_by=agency,
                opened_at=now,
                submitted_by=agency,
                submitted_at=now,
                in_scope=True,
                verdict=project.verdict,
                disposition=project.disposition,
                findings=project.findings,
                state_entered_at=now,
                due_date=date.today(),
            )
        )
    ReviewCase.objects.bulk_create(cases)
    for case in ReviewCase.objects.all():
        events.append(
            CaseEvent(
                case=case,
                transition="open",
                actor_id=case.opened_by_id,
                at=now,
                from_state="",
                to_state="draft",
            )
        )
        events.append(
            CaseEvent(
                case=case,
                transition="submit",
                actor_id=case.opened_by_id,
                at=now,
                from_state="draft",
                to_state="submitted",
            )
        )
    CaseEvent.objects.bulk_create(events)
    for m, tier in ((1, "green"), (2, "yellow"), (3, "red"), (4, "red"), (5, "red")):
        for code in CITIES:
            publish_month(code, 2025, m, tier, at(date(2025, m + 1, 3)))
    files = []
    for k, changed in enumerate((0, 2)):
        path = folder / f"small{k}.xlsx"
        write_ledger(path, 20, changed_every=changed)
        files.append(str(path))
    case_ids = {
        code: list(
            ReviewCase.objects.filter(region__code=code).order_by("id").values_list("id", flat=True)
        )
        for code in CITIES
    }
    project_ids = {
        code: list(
            Project.objects.filter(region__code=code)
            .order_by("?")
            .values_list("id", flat=True)[:500]
        )
        for code in CITIES
    }
    from django.db import connection

    # Fresh statistics and visibility map after the bulk load, as autovacuum would give a
    # production database (it vacuums insert-only tables too, since PostgreSQL 13; the shared
    # cluster here runs with autovacuum off). The visibility map lets counts read indexes only.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {"users": users, "files": files, "cases": case_ids, "projects": project_ids}


# ---------------------------------------------------------------------------- processes


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


class Sampler(threading.Thread):
    """RSS of the web workers (summed) and the Celery worker every two seconds."""

    def __init__(self, gunicorn: int, worker: int):
        super().__init__(daemon=True)
        self.gunicorn, self.worker = gunicorn, worker
        self.samples: list[tuple[float, float]] = []
        self.times: list[float] = []
        self.stop = threading.Event()

    def sample(self) -> None:
        web = sum(rss_mb(p) for p in children(self.gunicorn))
        self.samples.append((web, rss_mb(self.worker)))
        self.times.append(time.monotonic())

    def run(self) -> None:
        while not self.stop.wait(2):
            self.sample()

    def figures(self) -> dict:
        if not self.samples:
            return {}
        out = {}
        for index, name in ((0, "web"), (1, "worker")):
            values = [s[index] for s in self.samples]
            # The last sample of each minute since the baseline: creep shows as a steady rise,
            # warm-up as a rise that flattens.
            minutes: dict[int, float] = {}
            for at, value in zip(self.times, values, strict=True):
                minutes[int((at - self.times[0]) // 60)] = value
            out[name] = {
                "start": round(values[0]),
                "peak": round(max(values)),
                "end": round(values[-1]),
                "by_minute": [round(minutes[m]) for m in sorted(minutes)],
            }
        return out


# ------------------------------------------------------------------------------ the client


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.pages: list[float] = []
        self.actions: list[float] = []
        self.kinds: dict[str, list[float]] = {}
        self.statuses: Counter = Counter()
        self.errors: list[str] = []
        self.transitions = 0
        self.conflicts = 0
        self.uploads_accepted = 0
        self.uploads_applied = 0
        self.uploads_refused = 0
        self.login_failures = 0
        self.to_login = 0

    def add(self, seconds: float, status: int, page: bool, what: str, kind: str) -> None:
        with self.lock:
            (self.pages if page else self.actions).append(seconds)
            self.kinds.setdefault(kind if page else "actions", []).append(seconds)
            self.statuses[status] += 1
            if status >= 500 or status == 0:
                self.errors.append(f"{status} {what}")


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    return round(1000 * values[min(len(values) - 1, int(q * len(values)))], 1)


# Searches and filters of the project list (text in code, name and enterprise; choices)
SEARCHES = [
    "q=000123",
    "q=化工新材料",
    "q=有限公司42",
    "q=2401-410500",
    "verdict=NON_COMPLIANT",
    "sector=化工&stage=拟建",
    "in_scope=true&ordering=-energy",
    "q=12345&verdict=COMPLIANT",
    "disposition=RECTIFY&page=3",
    "ordering=name",
]

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class User(threading.Thread):
    def __init__(
        self,
        base: str,
        profile: dict,
        seeded: dict,
        stats: Stats,
        until: float,
        pairs: dict,
        lock: threading.Lock,
    ):
        super().__init__(daemon=True)
        self.base, self.profile, self.seeded, self.stats = base, profile, seeded, stats
        self.until, self.pairs, self.lock = until, pairs, lock
        self.random = random.Random(profile["username"])

    def request(self, method: str, path: str, page: bool, kind: str = "other", **kwargs):
        import requests

        started = time.perf_counter()
        try:
            response = self.session.request(
                method, self.base + path, timeout=60, allow_redirects=False, **kwargs
            )
            status = response.status_code
            if status == 302 and "/accounts/login/" in response.headers.get("Location", ""):
                with self.stats.lock:
                    self.stats.to_login += 1  # not logged in: counted, never a success
        except requests.RequestException as error:
            response, status = None, 0
            path = f"{path} {type(error).__name__}"
        self.stats.add(time.perf_counter() - started, status, page, f"{method} {path}", kind)
        return response

    def login(self) -> None:
        import requests

        self.session = requests.Session()
        self.session.trust_env, self.session.verify = False, False
        self.request("GET", "/accounts/login/", True, "login")
        self.post("/accounts/login/", {"username": self.profile["username"], "password": PASSWORD})
        if "sessionid" not in self.session.cookies:
            with self.stats.lock:
                self.stats.login_failures += 1

    def post(self, path: str, data: dict, files=None):
        data = {**data, "csrfmiddlewaretoken": self.session.cookies.get("csrftoken", "")}
        return self.request(
            "POST",
            path,
            False,
            "actions",
            data=data,
            files=files,
            headers={"Referer": self.base + path},
        )

    def browse(self) -> None:
        region = self.profile["region"]
        codes = CITIES if region not in CITIES else [region]
        code = self.random.choice(codes)
        choice = self.random.random()
        if choice < 0.17:
            page = self.random.randint(1, 50)
            self.request("GET", f"/ledger/projects/?page={page}", True, "project_list")
        elif choice < 0.25:  # a search or filters, as users narrow the list down
            self.request(
                "GET", "/ledger/projects/?" + self.random.choice(SEARCHES), True, "project_search"
            )
        elif choice < 0.45 and region != UPLOAD_REGION:
            pk = self.random.choice(self.seeded["projects"][code])
            self.request("GET", f"/ledger/projects/{pk}/", True, "project_detail")
        elif choice < 0.65:
            self.request("GET", "/cases/", True, "case_list")
        elif choice < 0.8 and region != UPLOAD_REGION:
            pk = self.random.choice(self.seeded["cases"][code])
            self.request("GET", f"/cases/{pk}/", True, "case_detail")
        else:
            self.request("GET", "/dashboard/", True, "dashboard")

    def forward(self) -> None:
        """Two reviewers of a city take the same next case: one forwards, one is told no."""
        code = self.profile["region"]
        with self.lock:
            index = self.pairs[code] // 2
            self.pairs[code] += 1
        cases = self.seeded["cases"][code]
        if index >= len(cases):
            return
        pk = cases[index]
        self.request("GET", f"/cases/{pk}/", True, "case_detail")
        response = self.post(
            f"/cases/{pk}/do/forward/",
            {
                "forward-opinion": "经市级初审,同意报省级审核。",
                "forward-expected_state": "submitted",
            },
        )
        if response is not None and response.status_code == 302:
            with self.stats.lock:
                self.stats.transitions += 1
        elif response is not None and response.status_code == 409:
            with self.stats.lock:
                self.stats.conflicts += 1

    def upload(self) -> None:
        path = Path(self.random.choice(self.seeded["files"]))
        with path.open("rb") as handle:
            response = self.post(
                "/ledger/", {"region": UPLOAD_REGION}, files={"file": (path.name, handle)}
            )
        if response is None or response.status_code != 302:
            return
        with self.stats.lock:
            self.stats.uploads_accepted += 1
        location = urlsplit(response.headers["Location"]).path
        self.request("GET", location, True, "upload_page")
        confirmed = self.post(location.rstrip("/") + "/confirm/", {})
        self.request("GET", location, True, "upload_page")
        state = self.request("GET", location.rstrip("/") + "/status/", False, "actions")
        applied = (
            state is not None
            and state.status_code == 200
            and state.headers.get("Content-Type", "").startswith("application/json")
            and state.json().get("status") == "applied"
        )
        with self.stats.lock:
            if confirmed is not None and confirmed.status_code == 302 and applied:
                self.stats.uploads_applied += 1
            else:
                self.stats.uploads_refused += 1

    def run(self) -> None:
        self.login()
        role = self.profile["role"]
        while time.monotonic() < self.until:
            roll = self.random.random()
            if role == "city_reviewer" and self.profile["region"] in CITIES and roll < 0.3:
                self.forward()
            elif role == "agency" and self.profile["region"] == UPLOAD_REGION and roll < 0.3:
                self.upload()
            else:
                self.browse()
            time.sleep(self.random.uniform(0.5, 1.5))


# ---------------------------------------------------------------------------------- main


def run(seconds: int, keep_db: bool) -> dict:
    import django

    database = f"two_high_load_{os.getpid()}"
    folder = Path(tempfile.mkdtemp(prefix="two-high-load-", dir=ROOT / "var"))
    smtp_port = free_port()
    common = {
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
        "REDIS_URL": REDIS_URL,
        "TWO_HIGH_VAR_DIR": str(folder),
        "TWO_HIGH_FILES_DIR": str(folder / "files"),
        "PYTHONPATH": str(ROOT),
        "TWO_HIGH_TEST_SMTP_PORT": str(smtp_port),
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    worker_env = {
        **os.environ,
        **common,
        "DJANGO_SETTINGS_MODULE": "bench.fault_settings",
        "TWO_HIGH_TEST_LEASE_SECONDS": "600",
    }
    web_env = {
        **os.environ,
        **common,
        "DJANGO_SETTINGS_MODULE": "config.settings_production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    os.environ.update(worker_env)
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    create_database(database)
    smtp = Smtp(smtp_port)
    smtp.start()
    processes: list[subprocess.Popen] = []
    figures: dict = {"seconds": seconds}
    try:
        django.setup()
        started = time.monotonic()
        seeded = seed(folder)
        figures["seed_seconds"] = round(time.monotonic() - started, 1)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=web_env,
            check=True,
            timeout=300,
        )
        cert, key = folder / "cert.pem", folder / "key.pem"
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=127.0.0.1",
                "-keyout",
                str(key),
                "-out",
                str(cert),
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
        port = free_port()
        base = f"https://127.0.0.1:{port}"
        gunicorn = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "config.wsgi",
                "-b",
                f"127.0.0.1:{port}",
                "-c",
                str(ROOT / "config" / "gunicorn.conf.py"),
                "--certfile",
                str(cert),
                "--keyfile",
                str(key),
            ],
            cwd=ROOT,
            env=web_env,
            stdout=subprocess.DEVNULL,
            stderr=(folder / "gunicorn.log").open("w"),
        )
        processes.append(gunicorn)
        log = folder / "worker.log"
        worker = subprocess.Popen(
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
                "load@%h",
                "-l",
                "info",
                "-f",
                str(log),
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=worker_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        processes.append(worker)
        wait_for(lambda: log.exists() and " ready." in log.read_text(errors="replace"), 90)
        import requests
        import urllib3

        urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
        wait_for(lambda: _answers(requests, base), 90, 0.5)
        figures.update(drive(base, seeded, seconds, gunicorn.pid, worker.pid, smtp))
    finally:
        for process in processes:
            stop_process(process)
        smtp.stop()
        from django.db import connections

        connections.close_all()
        redis.Redis.from_url(REDIS_URL).flushdb()
        if not keep_db:
            drop_database(database)
    return figures


def _answers(requests, base: str) -> bool:
    try:
        return requests.get(base + "/accounts/login/", timeout=5, verify=False).ok
    except requests.RequestException:
        return False


def drive(base: str, seeded: dict, seconds: int, gunicorn: int, worker: int, smtp: Smtp) -> dict:
    from django.utils import timezone

    from config.celery import app as broker
    from screening.models import DigestDelivery, JobRun, Report, ReportStatus

    stats = Stats()
    sampler = Sampler(gunicorn, worker)
    since = timezone.now()
    until = time.monotonic() + seconds
    pairs: dict[str, int] = dict.fromkeys(CITIES, 0)
    lock = threading.Lock()
    users = [User(base, profile, seeded, stats, until, pairs, lock) for profile in seeded["users"]]
    for user in users:
        user.start()
    time.sleep(min(10, seconds / 10))  # logged in and warm: the RSS baseline
    sampler.sample()
    sampler.start()
    time.sleep(max(0, until - time.monotonic()) / 2)
    broker.send_task("screening.tasks_reports.monthly_reports", kwargs={"month": "2025-05"})
    broker.send_task(
        "screening.tasks_reports.send_digests", kwargs={"frequency": "daily", "on": "2025-06-02"}
    )
    for user in users:
        user.join(timeout=max(1, until - time.monotonic()) + 90)
    jobs_done = wait_for(
        lambda: (
            JobRun.objects.filter(finished_at__isnull=True).count() == 0
            and JobRun.objects.filter(job="send_digests").exists()
            and not Report.objects.exclude(status=ReportStatus.READY)
            .exclude(status="failed")
            .exists()
        ),
        timeout=180,
        step=1,
    )
    sampler.sample()
    sampler.stop.set()
    pages = stats.pages
    return {
        "requests": len(pages) + len(stats.actions),
        "page_requests": len(pages),
        "p50_ms": percentile(pages, 0.50),
        "p95_ms": percentile(pages, 0.95),
        "p99_ms": percentile(pages, 0.99),
        "action_p95_ms": percentile(stats.actions, 0.95),
        "per_page": {
            kind: {
                "n": len(values),
                "p50_ms": percentile(values, 0.50),
                "p95_ms": percentile(values, 0.95),
            }
            for kind, values in sorted(stats.kinds.items())
        },
        "server_errors": sum(n for s, n in stats.statuses.items() if s >= 500),
        "connection_errors": stats.statuses.get(0, 0),
        "error_samples": stats.errors[:5],
        "statuses": dict(stats.statuses),
        "login_failures": stats.login_failures,
        "sent_to_login": stats.to_login,
        "transitions": stats.transitions,
        "conflicts": stats.conflicts,
        "uploads_accepted": stats.uploads_accepted,
        "uploads_applied": stats.uploads_applied,
        "uploads_refused": stats.uploads_refused,
        "jobs_finished": bool(jobs_done),
        "reports_ready": Report.objects.filter(status=ReportStatus.READY).count(),
        "digests_sent": DigestDelivery.objects.filter(status="sent").count(),
        "mail_duplicates": smtp.mailbox.duplicates(),
        "rss_mb": sampler.figures(),
        "reconciliation": reconcile(
            accepted_uploads=stats.uploads_accepted, transitions=stats.transitions, since=since
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=300)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()
    emit(run(args.seconds, args.keep_db), args.json)


if __name__ == "__main__":
    main()
