"""Time the registry's cross-checks page and R14 over 10,000 sources and 100,000 projects
(issue 17); prints figures, asserts nothing.

    .venv/bin/python bench/registry.py [--sources 10000] [--projects 100000] [--runs 5]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/two_high_registry .venv/bin/python \\
        bench/registry.py          # on PostgreSQL (the database is migrated and filled)

Without DATABASE_URL a fresh SQLite database in a temporary folder is used. The registry is
filled in bulk: `--sources` sources, about 0.6 plans per source with one to three draws each
(a tenth of the sources drawn by two plans, some across regions), and `--projects` ledger
projects of which one in twelve names a registered plan. Then:
(a) the cross-checks page as the provincial reviewer, `--runs` times (target < 500 ms);
(b) screening the projects' 100,000 rows as the app does (context resolver with the registry
    read from the database, rule set, engine), with R14 and with the engine's rules as they
    were before it; the difference is what R14 adds (target < 10 %), in wall-clock and CPU
    time (the machine may be shared). Each figure is the best of seven, alternated.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

AS_OF = date(2024, 6, 30)
REPEATS = 7  # screening runs with and without R14, alternated; the best of each counts
FAMILIES = ("高炉工序", "转炉工序", "水泥熟料", "平板玻璃", "焦炭", "电解铝")
PRODUCT_OF = {
    "高炉工序": "高炉工序",
    "转炉工序": "转炉工序",
    "水泥熟料": "水泥熟料",
    "平板玻璃": "平板玻璃 (>800t/d)",
    "焦炭": "焦炭 (顶装焦炉)",
    "电解铝": "电解铝",
}
SECTOR_OF = {
    "高炉工序": "钢铁",
    "转炉工序": "钢铁",
    "水泥熟料": "建材",
    "平板玻璃": "建材",
    "焦炭": "焦化",
    "电解铝": "有色",
}


def _setup(folder: Path) -> None:
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{folder / 'bench.sqlite3'}")
    os.environ["TWO_HIGH_VAR_DIR"] = str(folder)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["LOG_LEVEL"] = "WARNING"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)


def _fill(n_sources: int, n_projects: int, seed: int) -> dict:
    from django.db import connection, transaction

    from accounts.models import User
    from screening.models import (
        CapacityDraw,
        CapacitySource,
        Project,
        Region,
        ReplacementPlan,
    )

    rng = random.Random(seed)
    with transaction.atomic():
        CapacityDraw.objects.all().delete()
        ReplacementPlan.objects.all().delete()
        CapacitySource.objects.all().delete()
        Project.objects.filter(project_code__startswith="9").delete()
        user, _ = User.objects.get_or_create(
            username="bench_province", defaults={"role": "provincial_reviewer"}
        )
        user.regions.set([Region.objects.get(code="410000")])
        regions = list(Region.objects.filter(is_project_region=True).order_by("code"))
        sources = [
            CapacitySource(
                region=rng.choice(regions),
                enterprise=f"示例企业{i % 997}",
                uscc="91110000600037341L",
                family=FAMILIES[i % len(FAMILIES)],
                capacity=Decimal(rng.randint(100, 500)),
                capacity_unit="万吨/年",
                equipment=f"{i}号装置",
                shutdown_date=date(2021, 1, 1 + i % 28),
                dismantled_date=date(2022, 1, 1) if i % 5 else None,
                subsidised=i % 41 == 0,
                created_by=user,
            )
            for i in range(n_sources)
        ]
        CapacitySource.objects.bulk_create(sources, batch_size=2000)
        sources = list(CapacitySource.objects.order_by("id"))
        n_plans = int(n_sources * 0.6)
        plans = []
        for i in range(n_plans):
            family = FAMILIES[i % len(FAMILIES)]
            plans.append(
                ReplacementPlan(
                    ref=f"豫工信产业〔2023〕{i + 1}号",
                    ref_key=f"豫工信产业〔2023〕{i + 1}号",
                    plan_date=date(2023, 1, 1),
                    region=rng.choice(regions),
                    enterprise=f"示例企业{i % 997}",
                    uscc="91110000600037341L",
                    family=family,
                    new_capacity=Decimal(100),
                    capacity_unit="万吨/年",
                    project_codes=[f"9{i:03d}-410100-04-01-{i:06d}"],
                    created_by=user,
                )
            )
        ReplacementPlan.objects.bulk_create(plans, batch_size=2000)
        plans = list(ReplacementPlan.objects.order_by("id"))
        by_family: dict[str, list] = {f: [] for f in FAMILIES}
        for source in sources:
            by_family[source.family].append(source)
        drawn: dict[int, Decimal] = {}
        draws = []
        for plan in plans:
            pool = by_family[plan.family]
            for source in rng.sample(pool, rng.randint(1, 3)):
                left = source.capacity - drawn.get(source.pk, Decimal(0))
                amount = min(left, Decimal(rng.randint(30, 120)))
                if amount <= 0:
                    continue
                drawn[source.pk] = drawn.get(source.pk, Decimal(0)) + amount
                draws.append(CapacityDraw(plan=plan, source=source, amount=amount, drawn_by=user))
        CapacityDraw.objects.bulk_create(draws, batch_size=5000)
        for source in sources:
            source.drawn = drawn.get(source.pk, Decimal(0))
        CapacitySource.objects.bulk_update(sources, ["drawn"], batch_size=2000)
        projects = []
        for i in range(n_projects):
            plan = plans[i // 12] if i % 12 == 0 and i // 12 < len(plans) else None
            family = plan.family if plan else FAMILIES[i % len(FAMILIES)]
            projects.append(
                Project(
                    region=rng.choice(regions),
                    project_code=f"9{i % 1000:03d}-410100-04-01-{i:06d}",
                    name=f"基准项目{i}",
                    enterprise="示例企业",
                    uscc="91110000600037341L",
                    sector=SECTOR_OF[family],
                    product=PRODUCT_OF[family],
                    construction_type="新建",
                    stage=rng.choice(("拟建", "在建", "存量")),
                    annual_energy_tce=Decimal(rng.choice((8000, 20000, 120000))),
                    new_capacity=Decimal(100),
                    capacity_unit="万吨/年",
                    replaced_capacity=Decimal(rng.choice((120, 150, 200))),
                    replacement_plan_ref=plan.ref
                    if plan
                    else (f"未登记〔2023〕{i}号" if i % 12 == 6 else None),
                    tech_class="允许类",
                    policy_fit=True,
                    energy_review_ref="豫发改〔2023〕1号",
                    eia_ref="豫环审〔2023〕1号",
                    status="active",
                )
            )
        Project.objects.bulk_create(projects, batch_size=5000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "user": user,
        "plans": len(plans),
        "draws": len(draws),
        "naming": sum(1 for p in projects if p.replacement_plan_ref),
    }


def _reused(args) -> dict | None:
    """The registry of an earlier run, when it has the requested size."""
    from accounts.models import User
    from screening.models import CapacityDraw, CapacitySource, Project, ReplacementPlan

    user = User.objects.filter(username="bench_province").first()
    projects = Project.objects.filter(project_code__startswith="9")
    if (
        user is None
        or CapacitySource.objects.count() != args.sources
        or projects.count() != args.projects
    ):
        return None
    return {
        "user": user,
        "plans": ReplacementPlan.objects.count(),
        "draws": CapacityDraw.objects.count(),
        "naming": projects.exclude(replacement_plan_ref=None).count(),
    }


def _page(user, runs: int) -> list[float]:
    from django.test import Client

    client = Client()
    client.force_login(user)
    timings = []
    for _ in range(runs + 1):
        started, cpu = time.perf_counter(), time.process_time()
        response = client.get("/registry/cross-checks/")
        timings.append(((time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000))
        assert response.status_code == 200, response.status_code
    return timings[1:]  # the first run warms caches (templates, rule set)


def _screen_times(rows) -> tuple[tuple[float, float], tuple[float, float], int]:
    """(wall, CPU) seconds of screening `rows` without R14 (the engine's rules as before
    issue 17) and with it (the registry read from the database), best of REPEATS each,
    alternated so the machine's other load hits both alike."""
    import screening.rules.engine as engine
    from screening.context import ContextResolver
    from screening.screen import gc_paused, parameters_of, rule_set_for

    params = parameters_of(rule_set_for(AS_OF))
    with_r14 = engine.RULES
    without_r14 = tuple(rule for rule in with_r14 if rule.id != "R14")

    def run(rules) -> tuple[float, float, int]:
        engine.RULES = rules
        try:
            started, cpu = time.perf_counter(), time.process_time()
            resolver = ContextResolver(AS_OF)  # a fresh registry: its load is timed too
            contexts = {}
            r14 = 0
            with gc_paused():
                for row in rows:
                    ctx = contexts.get(row.region)
                    if ctx is None:
                        ctx = contexts[row.region] = resolver.for_region(row.region)
                    result = engine.screen(row, ctx, params)
                    r14 += any(f.rule == "R14" for f in result.findings)
            return time.perf_counter() - started, time.process_time() - cpu, r14
        finally:
            engine.RULES = with_r14

    without, timed = [], []
    for _ in range(REPEATS):
        without.append(run(without_r14))
        timed.append(run(with_r14))

    def best(runs) -> tuple[float, float]:
        return min(r[0] for r in runs), min(r[1] for r in runs)

    return best(without), best(timed), timed[0][2]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=10_000)
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep a registry filled by an earlier run of the same size (with DATABASE_URL)",
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        _setup(Path(folder))
        from django.db import connection

        started = time.perf_counter()
        filled = _reused(args) if args.reuse else None
        filled = filled or _fill(args.sources, args.projects, args.seed)
        fill_seconds = time.perf_counter() - started
        from screening.models import Project
        from screening.registry.queries import cross_checks_now
        from screening.screen import project_input

        page = _page(filled["user"], args.runs)
        checks = cross_checks_now(AS_OF, limit=0)
        rows = [
            project_input(p)
            for p in Project.objects.filter(project_code__startswith="9")
            .select_related("region")
            .iterator(chunk_size=5000)
        ]
        without, with_registry, r14 = _screen_times(rows)
        added = (with_registry[0] - without[0]) / without[0] * 100
        added_cpu = (with_registry[1] - without[1]) / without[1] * 100
        print(f"database            {connection.vendor}")
        print(
            f"registry            {args.sources:,} sources, {filled['plans']:,} plans, "
            f"{filled['draws']:,} draws; {args.projects:,} projects, "
            f"{filled['naming']:,} naming a plan (filled in {fill_seconds:.1f} s)"
        )
        print(
            f"cross-checks        {checks.counts['shared']:,} shared sources, "
            f"{checks.counts['mismatches']:,} ledger disagreements, "
            f"{checks.counts['cross']:,} cross-region draws"
        )
        wall = [w for w, _ in page]
        print(
            f"cross-checks page   median {statistics.median(wall):.0f} ms, max "
            f"{max(wall):.0f} ms over {len(wall)} runs (web process CPU median "
            f"{statistics.median(c for _, c in page):.0f} ms; load average "
            f"{os.getloadavg()[0]:.1f}) — target < 500 ms: "
            f"{'met' if max(wall) < 500 else 'MISSED'}"
        )
        print(
            f"screening {len(rows):,} rows  without R14 {without[0]:.2f} s (CPU "
            f"{without[1]:.2f} s), with R14 {with_registry[0]:.2f} s (CPU "
            f"{with_registry[1]:.2f} s); {r14:,} R14 findings"
        )
        print(
            f"R14 adds            {added:.1f} % wall, {added_cpu:.1f} % CPU (load average "
            f"{os.getloadavg()[0]:.1f}) — target < 10 %: "
            f"{'met' if max(added, added_cpu) < 10 else 'MISSED'}"
        )


if __name__ == "__main__":
    main()
