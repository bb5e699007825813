"""Time the monthly alert report on 100,000 projects and the digests of 1,000 users; prints
figures, asserts nothing.

    .venv/bin/python bench/monthly_report.py [--projects 100000] [--users 1000]

A fresh SQLite database in a temporary folder is filled first (tables built from the models,
reference data loaded, projects bulk-inserted). Then each measured phase runs in its own
subprocess so its peak memory (max RSS from wait4) is its own: (a) the province-wide report
written to a file, (b) every daily digest sent (locmem e-mail backend). Targets: (a) under
60 s and 300 MB, (b) under 60 s.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SECTORS = ["钢铁", "焦化", "建材", "化工", "石化", "有色", "煤电", "煤化工", "数据中心", "其他"]
STAGES = ["拟建", "在建", "存量"]
TIERS = ["green", "yellow", "red", ""]
REPORT_MONTH = (2025, 5)
SEND_DAY = "2025-06-02"


def _setup(folder: Path) -> None:
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{folder / 'bench.sqlite3'}")
    os.environ["TWO_HIGH_VAR_DIR"] = str(folder)
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["LOG_LEVEL"] = "WARNING"
    import django

    django.setup()


def _findings(index: int, in_scope: bool, stage: str) -> list[dict]:
    findings = [
        {
            "rule": "R01",
            "outcome": "INFO",
            "clause": "(三)",
            "message_zh": "属于两高项目",
            "message_en": "a two-high project",
            "values": {"E": 10000 + index},
        }
    ]
    if index % 7 == 0:
        findings.append(
            {
                "rule": "R13",
                "outcome": "FAIL",
                "clause": "(四)3",
                "message_zh": "不符合产业政策和规划",
                "message_en": "does not fit policy",
                "values": {},
            }
        )
    if stage == "存量" and index % 5 == 0:
        findings.append(
            {
                "rule": "R12",
                "outcome": "WARN",
                "clause": "(十)",
                "message_zh": "节能诊断已超过五年",
                "message_en": "energy diagnosis due",
                "values": {"last": "2018-01-01"},
            }
        )
    findings.append(
        {
            "rule": "R09",
            "outcome": "PASS",
            "clause": "(十一)",
            "message_zh": "工艺技术类别为允许类",
            "message_en": "permitted technology",
            "values": {},
        }
    )
    return findings if in_scope else []


def fill(folder: Path, projects: int, users: int) -> None:
    """Build the schema from the models and insert the bench data."""
    _setup(folder)
    from datetime import datetime, timedelta
    from decimal import Decimal

    from django.apps import apps
    from django.db import connection
    from django.utils import timezone

    from accounts.models import User
    from screening.models import (
        EscalationEvent,
        IndicatorMonth,
        Project,
        ProjectEnergyMonth,
        Region,
    )
    from screening.reference_data import load_reference_data

    with connection.schema_editor() as editor:
        for model in apps.get_models():
            editor.create_model(model)
    load_reference_data()
    regions = list(Region.objects.filter(is_project_region=True).order_by("code"))
    cities = [r for r in regions if r.level in ("city", "zone")]
    published = timezone.make_aware(datetime(2025, 6, 1, 9))
    months = [
        IndicatorMonth(
            region=city,
            year=2025,
            month=m,
            tier=TIERS[(i + m) % 4],
            intensity_tier=TIERS[(i + m) % 4],
            published_at=published,
            intensity_change_pct=Decimal("1.2"),
        )
        for i, city in enumerate(cities)
        for m in range(1, 6)
    ]
    IndicatorMonth.objects.bulk_create(months)
    EscalationEvent.objects.bulk_create(
        [
            EscalationEvent(
                region=city,
                kind="restriction",
                started_year=2025,
                started_month=5,
                months=["2025-03", "2025-04", "2025-05"],
            )
            for city in cities[:4]
        ]
    )
    batch = []
    for index in range(projects):
        sector = SECTORS[index % len(SECTORS)]
        stage = STAGES[index % 3]
        in_scope = sector not in ("数据中心", "其他")
        verdict = (
            "NOT_IN_SCOPE" if not in_scope else "NON_COMPLIANT" if index % 7 == 0 else "COMPLIANT"
        )
        batch.append(
            Project(
                region=regions[index % len(regions)],
                project_code=f"2401-410100-04-01-{index:06d}",
                name=f"年产{index}万吨{sector}项目",
                enterprise=f"河南某某{sector}有限公司{index % 3000}",
                uscc="91410100MA44UNKN0W",
                sector=sector,
                construction_type="新建",
                stage=stage,
                annual_energy_tce=Decimal(10000 + index),
                tech_class="允许类",
                policy_fit=True,
                in_scope=in_scope,
                verdict=verdict,
                disposition="REJECT" if verdict == "NON_COMPLIANT" else "PROCEED",
                findings=_findings(index, in_scope, stage),
                remarks="=SUM(A1)" if index % 997 == 0 else None,
            )
        )
        if len(batch) == 5000:
            Project.objects.bulk_create(batch)
            batch = []
    Project.objects.bulk_create(batch)
    operating = list(
        Project.objects.filter(stage="存量", in_scope=True).values_list("pk", flat=True)[:2000]
    )
    ProjectEnergyMonth.objects.bulk_create(
        [
            ProjectEnergyMonth(
                project_id=pk,
                year=2025,
                month=5,
                actual_tce=Decimal(2000),
                cumulative_tce=Decimal(9500),
                months_reported=5,
                approved_annual_tce=Decimal(20000),
                tier="red",
            )
            for pk in operating
        ]
    )
    ProjectEnergyMonth.objects.update(updated_at=published)
    Project.objects.update(updated_at=published + timedelta(days=0))
    province = Region.objects.get(level="province")
    people, homes = [], []
    for index in range(users):
        region = province if index % 10 == 0 else cities[index % len(cities)]
        role = (
            "provincial_reviewer"
            if region == province
            else ["agency", "city_reviewer", "observer"][index % 3]
        )
        # No password hashing: 1,000 PBKDF2 rounds would time the fill, not the digests.
        people.append(
            User(
                username=f"bench{index:04d}",
                email=f"bench{index}@example.org",
                password="!",
                role=role,
                digest_frequency="daily",
            )
        )
        homes.append(region)
    User.objects.bulk_create(people)
    through = User.regions.through
    saved = dict(User.objects.filter(username__startswith="bench").values_list("username", "pk"))
    through.objects.bulk_create(
        [
            through(user_id=saved[p.username], region_id=r.pk)
            for p, r in zip(people, homes, strict=True)
        ]
    )


def phase_report(folder: Path) -> None:
    _setup(folder)
    from screening.models import Region
    from screening.reports import monthly as reports

    out = folder / "report.xlsx"
    started = time.perf_counter()
    summary = reports.write_monthly_report(out, Region.objects.get(level="province"), *REPORT_MONTH)
    elapsed = time.perf_counter() - started
    print(
        f"report: {elapsed:.1f} s, {out.stat().st_size / 1e6:.1f} MB file, "
        f"two-high rows {summary['two_high']}, non-compliant {summary['non_compliant']}, "
        f"diagnoses due {summary['diagnoses_due']}"
    )


def phase_digests(folder: Path) -> None:
    _setup(folder)
    from datetime import date

    from django.core import mail

    from screening.reports import digests

    mail.outbox = []
    started = time.perf_counter()
    counts = digests.send_digests("daily", date.fromisoformat(SEND_DAY))
    elapsed = time.perf_counter() - started
    # The locmem backend keeps every message: their size is part of the phase's peak RSS.
    kept = sum(len(m.body) + sum(len(part) for part, _kind in m.alternatives) for m in mail.outbox)
    largest = max((len(m.body) for m in mail.outbox), default=0)
    print(
        f"digests: {elapsed:.1f} s, {counts}, messages {len(mail.outbox)}, "
        f"{kept / 1e6:.0f} MB of text kept by the test backend, largest plain part "
        f"{largest / 1e3:.0f} kB"
    )


# Issue 7: seconds and MB for each phase (None: no memory target).
TARGETS = {"report": (60, 300), "digests": (60, None)}


def run_phase(name: str, folder: Path) -> None:
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, __file__, "--phase", name, "--folder", str(folder)], cwd=ROOT
    )
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    peak = usage.ru_maxrss / 1024
    print(
        f"  {name}: wall {elapsed:.1f} s (with start-up), peak RSS "
        f"{peak:.0f} MB, exit {os.waitstatus_to_exitcode(status)}"
    )
    seconds, megabytes = TARGETS[name]
    met = elapsed < seconds and (megabytes is None or peak < megabytes) and status == 0
    limit = f"< {seconds} s" + (f" and < {megabytes} MB" if megabytes else "")
    print(f"    target {limit}: {'met' if met else 'MISSED'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=1_000)
    parser.add_argument(
        "--phase", choices=["fill", "report", "digests", "profile"], help=argparse.SUPPRESS
    )
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase == "fill":
        fill(Path(args.folder), args.projects, args.users)
        return
    if args.phase == "profile":  # developer aid: where the digests spend their time
        import cProfile

        cProfile.runctx(
            "phase_digests(folder)", globals(), {"folder": Path(args.folder)}, sort="cumulative"
        )
        return
    if args.phase:
        {"report": phase_report, "digests": phase_digests}[args.phase](Path(args.folder))
        return
    with tempfile.TemporaryDirectory(prefix="two-high-bench-") as name:
        folder = Path(name)
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--phase",
                "fill",
                "--folder",
                str(folder),
                "--projects",
                str(args.projects),
                "--users",
                str(args.users),
            ],
            check=True,
            cwd=ROOT,
        )
        print(
            f"filled {args.projects:,} projects and {args.users:,} users in "
            f"{time.perf_counter() - started:.0f} s"
        )
        run_phase("report", folder)
        run_phase("digests", folder)


if __name__ == "__main__":
    main()
