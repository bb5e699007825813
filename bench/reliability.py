"""`make reliability` (issue 9): the hostile corpus (with the 50 MB import), the access matrix,
the races on PostgreSQL and the deployment checks, then the running stack (gunicorn on
127.0.0.1 with the production settings) for headers, cookies and the server answering others
while hostile files are uploaded; prints one table of figures.

Loopback only, bounded in time. Needs PostgreSQL at DATABASE_URL (default: the local
two_high_rel database) for the races and the stack.

Then the fault injections of bench/faults.py (kill -9 of a worker mid-import and mid-report,
PostgreSQL "restart" by pg_terminate_backend, a restart of its own redis-server, SMTP down then
up, two beat processes) and the load run of bench/load.py (120 s; 300 s with --full), each in
its own database, with their reconciliation counts.

    .venv/bin/python bench/reliability.py [--full] [--only faults,load]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
FIGURES = ROOT / "var" / "reliability"
DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/two_high_rel")
TIME_LIMIT = 1800  # seconds for the test part


def run_tests() -> int:
    env = {
        **os.environ,
        "TWO_HIGH_FIGURES_DIR": str(FIGURES),
        "TWO_HIGH_CORPUS_HUGE": "1",
        "DATABASE_URL": DATABASE_URL,
        "TWO_HIGH_REQUIRE_SERVICES": "1",
        "TWO_HIGH_RACE_ROUNDS": "10",
    }
    command = [
        PY,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:logging",
        "tests/corpus",
        "tests/access",
        "tests/races",
        "tests/deploy",
    ]
    print("$", " ".join(command), flush=True)
    return subprocess.run(command, cwd=ROOT, env=env, timeout=TIME_LIMIT).returncode


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stack_env() -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": DATABASE_URL,
        "TWO_HIGH_VAR_DIR": str(ROOT / "var" / "rel-stack"),
        "CELERY_TASK_ALWAYS_EAGER": "True",
    }


def manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run(
        [PY, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=600,
        stdout=subprocess.DEVNULL,
    )


def stack_checks() -> dict:
    """gunicorn with the production settings: headers, cookie flags, and others answered
    while every corpus file is uploaded."""
    import requests
    import urllib3

    urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):  # they would override verify=False
        os.environ.pop(name, None)
    env = stack_env()
    manage("migrate", "--noinput", env=env)
    manage("createcachetable", env=env)
    manage("load_reference_data", env=env)
    password = secrets.token_urlsafe(12)
    subprocess.run(
        [
            PY,
            "manage.py",
            "shell",
            "-c",
            (
                "from accounts.models import User; from screening.models import Region;"
                "u, _ = User.objects.get_or_create(username='rel_agency', "
                "defaults={'role': 'agency'});"
                f"u.set_password('{password}'); u.role='agency'; u.save();"
                "u.regions.set([Region.objects.get(code='410100')])"
            ),
        ],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    manage("collectstatic", "--noinput", "-v", "0", env=env)
    port = free_port()
    base = f"https://127.0.0.1:{port}"
    # HTTPS on loopback with a throw-away certificate: the production cookies are Secure.
    cert, key = ROOT / "var" / "rel-stack" / "cert.pem", ROOT / "var" / "rel-stack" / "key.pem"
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
    server = subprocess.Popen(
        [
            str(Path(PY).with_name("gunicorn")),
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
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(ROOT / "var" / "rel-stack" / "gunicorn.log").open("w"),
    )
    figures: dict = {}
    try:
        for _ in range(60):  # workers load Django first
            try:
                requests.get(base + "/accounts/login/", timeout=10, verify=False)
                break
            except requests.RequestException:
                time.sleep(0.5)
        login_page = requests.get(base + "/accounts/login/", timeout=10, verify=False)
        headers = login_page.headers
        expected = {
            "X-Frame-Options": "DENY",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin",
            "Cross-Origin-Opener-Policy": "same-origin",
        }
        missing = [k for k, v in expected.items() if headers.get(k) != v]
        policy = headers.get("Content-Security-Policy", "")
        if "unsafe-inline" in policy or "script-src 'self'" not in policy:
            missing.append("Content-Security-Policy")
        cookie = headers.get("Set-Cookie", "")
        cookie_ok = "Secure" in cookie and "SameSite=Lax" in cookie
        if not headers.get("Strict-Transport-Security", "").startswith("max-age="):
            missing.append("Strict-Transport-Security")
        figures["headers_missing"] = missing
        figures["csrf_cookie_secure"] = cookie_ok
        figures.update(hostile_uploads_while_others_browse(base, password))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    return figures


def hostile_uploads_while_others_browse(base: str, password: str) -> dict:
    """Upload every corpus file over HTTPS-less loopback while another user polls a page."""
    import requests

    sys.path.insert(0, str(ROOT))
    from tests.corpus.generate import build

    folder = ROOT / "var" / "rel-stack" / "corpus"
    entries = build(folder)
    session = requests.Session()
    session.trust_env = False  # REQUESTS_CA_BUNDLE would override verify=False
    session.verify = False  # the throw-away certificate of this run
    session.get(base + "/accounts/login/", timeout=10)
    session.post(
        base + "/accounts/login/",
        data={
            "username": "rel_agency",
            "password": password,
            "csrfmiddlewaretoken": session.cookies.get("csrftoken", ""),
        },
        headers={"Referer": base + "/accounts/login/"},
        timeout=10,
    )
    latencies: list[float] = []
    stop = threading.Event()

    def browse() -> None:
        other = requests.Session()
        other.trust_env, other.verify = False, False
        while not stop.is_set():
            started = time.perf_counter()
            other.get(base + "/accounts/login/", timeout=30)
            latencies.append(time.perf_counter() - started)
            time.sleep(0.05)

    watcher = threading.Thread(target=browse, daemon=True)
    watcher.start()
    statuses = []
    slowest = 0.0
    for entry in entries:
        form = session.get(base + "/ledger/", timeout=30)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
        started = time.perf_counter()
        with entry.path.open("rb") as handle:
            response = session.post(
                base + "/ledger/",
                data={"region": "410100", "csrfmiddlewaretoken": token.group(1) if token else ""},
                files={"file": (entry.path.name, handle)},
                headers={"Referer": base + "/ledger/"},
                timeout=120,
            )
        slowest = max(slowest, time.perf_counter() - started)
        statuses.append(response.status_code)
    stop.set()
    watcher.join(timeout=30)
    latencies.sort()
    return {
        "stack_files": len(entries),
        "stack_5xx": sum(s >= 500 for s in statuses),
        "stack_slowest_upload_s": round(slowest, 2),
        "others_p95_ms": round(1000 * latencies[int(0.95 * (len(latencies) - 1))], 1)
        if latencies
        else None,
        "others_requests": len(latencies),
    }


def run_bench(script: str, name: str, *args: str, timeout: int = 1200) -> dict:
    """bench/faults.py or bench/load.py in its own process; its figures from its JSON file."""
    out = FIGURES / name
    out.unlink(missing_ok=True)
    command = [PY, f"bench/{script}", "--json", str(out), *args]
    print("$", " ".join(command), flush=True)
    try:
        subprocess.run(command, cwd=ROOT, timeout=timeout, stdout=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        print(f"{script} timed out after {timeout} s", file=sys.stderr)
    return load(name)


def fault_cell(faults: dict) -> str:
    if not faults:
        return "not run"
    missed = [f["fault"] for f in faults.get("faults", []) if not f.get("survived")]
    return f"{faults['injected']} / {faults['survived']}" + (
        f" (not survived: {'; '.join(missed)})" if missed else ""
    )


def fault_rows(faults: dict) -> list[tuple[str, object]]:
    rows = []
    for f in faults.get("faults", []):
        if "error" in f:
            detail = f"error: {f['error']}"
        else:
            detail = ", ".join(
                f"{k}={v}" for k, v in f.items() if k not in ("fault", "survived", "seconds")
            )
        rows.append(
            (
                f"  {f['fault']}",
                f"{'survived' if f.get('survived') else 'NOT survived'} in "
                f"{f.get('seconds', '?')} s ({detail})",
            )
        )
    return rows


def load_rows(figures: dict) -> list[tuple[str, object]]:
    if not figures or "p95_ms" not in figures:
        return [("load p50/p95/p99 / errors / RSS", "not run")]
    rss = figures.get("rss_mb", {})
    web, worker = rss.get("web", {}), rss.get("worker", {})
    p95 = figures["p95_ms"] or 0
    target = (
        "met"
        if p95 < 500 and figures["server_errors"] == 0 and not figures.get("sent_to_login")
        else "MISSED"
    )
    return [
        (
            "load (30 users, loopback)",
            f"{figures['seconds']} s, {figures['requests']} requests, 100,000 projects, "
            f"2,000 cases",
        ),
        (
            "load p50/p95/p99 (pages)",
            f"{figures['p50_ms']} / {figures['p95_ms']} / {figures['p99_ms']} ms "
            f"(target p95 < 500 ms, 0 5xx: {target})",
        ),
        (
            "load errors (5xx / connection / sent to login)",
            f"{figures['server_errors']} / {figures['connection_errors']} / "
            f"{figures.get('sent_to_login')} (login failures {figures.get('login_failures')})",
        ),
        (
            "load RSS web start-peak-end",
            f"{web.get('start')}-{web.get('peak')}-{web.get('end')} MB (3 gunicorn workers)",
        ),
        (
            "load RSS worker start-peak-end",
            f"{worker.get('start')}-{worker.get('peak')}-{worker.get('end')} MB",
        ),
        (
            "load transitions / conflicts (409)",
            f"{figures['transitions']} / {figures['conflicts']}",
        ),
        (
            "load uploads accepted / applied / refused stale",
            f"{figures['uploads_accepted']} / {figures['uploads_applied']} / "
            f"{figures['uploads_refused']}",
        ),
        (
            "load report + digest midway",
            f"{figures['reports_ready']} reports ready, {figures['digests_sent']} digests sent, "
            f"{figures['mail_duplicates']} duplicate mails, all jobs done within 180 s after: "
            f"{'yes' if figures['jobs_finished'] else 'NO'}",
        ),
    ]


def reconciliation_cell(name: str, figures: dict) -> tuple[str, str]:
    r = figures.get("reconciliation")
    if not r:
        return (f"reconciliation ({name})", "not run")
    parts = [
        f"uploads accepted {r['accepted_uploads']} = stored {r['stored_uploads']}",
        f"half-applied {r['half_applied_uploads']}",
    ]
    if r.get("transitions_done") is not None:
        parts.append(
            f"transitions {r['transitions_done']} = audit rows {r['transition_audit_rows']}"
        )
    parts += [
        f"reports {r['reports']}, duplicate (scope, month) {r['report_scope_month_duplicates']}",
        f"digests {r['digests']}, duplicate (user, period) {r['digest_user_period_duplicates']}",
    ]
    ok = (
        r["accepted_uploads"] == r["stored_uploads"]
        and not r["half_applied_uploads"]
        and not r["report_scope_month_duplicates"]
        and not r["digest_user_period_duplicates"]
        and (
            r.get("transitions_done") is None or r["transitions_done"] == r["transition_audit_rows"]
        )
        and not figures.get("mail_duplicates")
    )
    return (
        f"reconciliation ({name})",
        ("ok: " if ok else "MISMATCH: ")
        + "; ".join(parts)
        + f"; duplicate mails {figures.get('mail_duplicates', '?')}",
    )


def load(name: str) -> dict:
    path = FIGURES / name
    return json.loads(path.read_text()) if path.exists() else {}


def table(
    test_status: int, stack: dict, faults: dict | None = None, load_figures: dict | None = None
) -> str:
    faults, load_figures = faults or {}, load_figures or {}
    corpus = load("corpus.json")
    results = corpus.get("results", [])
    files = {r["file"] for r in results}
    ok_files = {r["file"] for r in results} - {r["file"] for r in results if not r["ok"]}
    rejections = [r for r in results if r["expected"] != "valid"]
    access = load("access.json")
    races = load("races.json")
    rows = [
        ("bad files tried", len(files)),
        ("bad files handled as expected", f"{len(ok_files)} (pytest exit {test_status})"),
        (
            "5xx (test client / running stack)",
            f"{sum(1 for r in results if (r.get('http_status') or 0) >= 500)} / "
            f"{stack.get('stack_5xx', 'not run')}",
        ),
        ("slowest rejection", f"{max((r['seconds'] for r in rejections), default=0):.2f} s"),
        (
            "peak memory growth per file",
            f"{max((r['peak_growth_mb'] for r in results), default=0):.0f} MB",
        ),
        ("external references fetched", corpus.get("canary_connections", "?")),
        (
            "others answered meanwhile (p95)",
            f"{stack.get('others_p95_ms', 'not run')} ms over "
            f"{stack.get('others_requests', 0)} requests",
        ),
        ("access cells tested", access.get("cells", "not run")),
        ("access leaks", access.get("leaks", "not run")),
        ("races run", races.get("races", 0) + races.get("upload_races", 0)),
        ("double transitions", races.get("double_transitions", "not run")),
        ("lost updates", races.get("lost_updates", "not run")),
        ("interleaved uploads", races.get("interleaved_uploads", "not run")),
        (
            "security headers on the stack",
            "ok"
            if stack and not stack.get("headers_missing")
            else stack.get("headers_missing", "not run"),
        ),
        ("faults injected / survived", fault_cell(faults)),
        *fault_rows(faults),
        *load_rows(load_figures),
        reconciliation_cell("faults", faults),
        reconciliation_cell("load", load_figures),
    ]
    width = max(len(k) for k, _v in rows)
    return "\n".join(f"{k:<{width}}  {v}" for k, v in rows)


def ensure_database(url: str) -> None:
    """Create the run's database if this machine does not have it yet (the stack part
    migrates it; the test part makes its own test_ copy)."""
    from urllib.parse import urlsplit

    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname="postgres",
        autocommit=True,
    ) as connection:
        if not connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone():
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def main() -> int:
    parser = argparse.ArgumentParser(description="make reliability (issue 9)")
    parser.add_argument("--full", action="store_true", help="the 5-minute load run")
    parser.add_argument(
        "--only",
        default="tests,stack,faults,load",
        help="comma-separated parts to run (default: all)",
    )
    args = parser.parse_args()
    parts = set(args.only.split(","))
    FIGURES.mkdir(parents=True, exist_ok=True)
    status = run_tests() if "tests" in parts else 0
    stack: dict = {}
    if "stack" in parts:
        try:
            ensure_database(DATABASE_URL)
            stack = stack_checks()
        except (subprocess.SubprocessError, OSError) as error:
            print(f"running stack not checked: {error}", file=sys.stderr)
    faults = run_bench("faults.py", "faults.json") if "faults" in parts else {}
    seconds = "300" if args.full else "120"
    load_figures = (
        run_bench("load.py", "load.json", "--seconds", seconds) if "load" in parts else {}
    )
    print("\n== reliability figures\n" + table(status, stack, faults, load_figures))
    failed = (faults and faults["survived"] < faults["injected"]) or (
        load_figures and load_figures.get("server_errors")
    )
    return status or int(bool(failed))


if __name__ == "__main__":
    raise SystemExit(main())
