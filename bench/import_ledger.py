"""Time importing and exporting a large ledger on PostgreSQL; prints figures, asserts nothing.

    .venv/bin/python bench/import_ledger.py [--rows 100000] [--file existing.xlsx]
                                            [--iex-rows 10000] [--keep-db] [--database NAME]
                                            [--skip-openpyxl] [--skip-export] [--stages]

It creates its own database (two_high_bench_<pid> on 127.0.0.1:5432, user postgres, trust
auth), migrates it, loads the reference data, creates an agency user of 郑州市 (410100) and
drops the database at the end. Each phase runs in its own subprocess so its peak memory (max
RSS from wait4) is its own; query counts come from a `connection.execute_wrapper` counter
plus the COPY statements sent through psycopg:

(y) python-calamine's read of the whole sheet plus a psycopg COPY of the rows as read into a
    table of text columns, in one process: the practical limit of an import (issue 19),
(a) openpyxl read-only bare iteration of the file (the yardstick of issue 4; --skip-openpyxl),
(b) django-import-export's plain xlsx import into Project (first --iex-rows rows, rolled back,
    extrapolated to the whole file),
(c) our import: receive_upload + validate_upload (preview) + apply_upload, 100 % new rows,
(d) a re-import of the same ledger with 1 % of the rows changed,
(g) a re-import of that file again (identical: nothing changes),
(s) PostgreSQL alone storing what (c) stored: its projects and history rows COPYed from files
    into a copy of the database whose two tables are emptied (same indexes, constraints and
    commit; no Python between): the floor under any import that stores those rows (measured
    after (g): copying the database would slow the phases after it),
(e) export_ledger of every project,
(f) openpyxl write-only of the same rows (the same query, values written as fetched): the
    yardstick of the export.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
REGION_CODE = "410100"
USERNAME = "bench_agency"
AS_OF = "2021-12-31"
PRODUCTS = [
    ("钢铁", "高炉工序", "kgce/t", 400),
    ("焦化", "焦炭（顶装焦炉）", "kgce/t", 120),
    ("建材", "水泥熟料", "kgce/t", 105),
    ("建材", "平板玻璃 (>800t/d)", "kgce/重量箱", 9),
    ("化工", "合成氨 (天然气)", "kgce/t", 1100),
    ("钢铁", "转炉工序", "kgce/t", -25),
    ("数据中心", None, None, None),
    ("其他", None, None, None),
]
STAGES = ["拟建", "在建", "存量"]
TYPES = ["新建", "改建", "扩建", "技术改造"]
TECH = ["鼓励类", "允许类", "限制类", "淘汰类"]


# ----------------------------------------------------------------------------- the file


def ledger_row(index: int, changed: bool = False) -> list[object]:
    """A valid, varied row of 郑州市 with a unique project code; `changed` alters two cells."""
    from screening.ledger.xlsx.parsers import uscc_check_character

    sector, product, unit, energy = PRODUCTS[index % len(PRODUCTS)]
    body = f"9141{index % 10000:04d}{index:09d}"[:17]
    month = index % 12 + 1
    return [
        f"21{month:02d}-410100-04-01-{index:06d}",
        f"项目{index}" + ("(更名)" if changed else ""),
        f"河南省某某有限公司{index % 3000}",
        body + uscc_check_character(body),
        "郑州市",
        sector,
        product,
        TYPES[index % 4],
        STAGES[index % 3],
        8000 + (index * 37) % 50000 + (1 if changed else 0),
        (index * 13) % 3000 or None,
        f"{(index * 7) % 90000:,}",
        100 if product else None,
        "万吨/年" if product else None,
        150 if product else None,
        "豫工信〔2021〕8号" if product else None,
        energy,
        unit,
        TECH[index % 4],
        "豫发改〔2021〕5号",
        datetime.date(2020, month, 15),
        "豫环审〔2021〕7号",
        f"2020-{month}-20",
        f"备{index}",
        "是",
        ["是", "否", None][index % 3],
        "是",
        "否",
        index % 5000,
        None,
        "20190101",
        datetime.datetime(2019, 6, 1, 8, 30),
        datetime.date(2021, 1, 1),
        "2023年7月1日",
        12_345.5 + index,
        "=这段文字以等号开头" if index % 997 == 0 else None,
    ]


def write_ledger(path: Path, rows: int, changed_every: int = 0) -> None:
    """The ledger with a leading 序号 column (ignored); every `changed_every`-th row changed."""
    from openpyxl import Workbook

    from screening.ledger.xlsx.template import HEADERS
    from screening.ledger.xlsx.xlsx_safe import text_safe_cell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("台账")
    sheet.append(["序号", *HEADERS])
    for index in range(rows):
        row = ledger_row(index, changed=bool(changed_every) and index % changed_every == 3)
        if isinstance(row[-1], str):  # keep formula-looking remarks as text
            row[-1] = text_safe_cell(sheet, row[-1])
        sheet.append([index + 1, *row])
    workbook.save(path)


# --------------------------------------------------------------------------- the database


def create_database(name: str) -> None:
    import psycopg

    with psycopg.connect(dbname="postgres", autocommit=True, **PG) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')


def drop_database(name: str) -> None:
    import psycopg

    with psycopg.connect(dbname="postgres", autocommit=True, **PG) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def child_env(database: str, files_dir: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "false",
        "TWO_HIGH_VAR_DIR": files_dir,
        "TWO_HIGH_FILES_DIR": files_dir,
        "PYTHONPATH": str(ROOT),
    }


# ------------------------------------------------------------------------------ phases
# Each runs in a fresh interpreter; it prints one JSON line {"rows": …, "queries": …}.


def _django():
    import django

    django.setup()


class QueryCounter:
    """Counts the statements Django sends."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _counted(work) -> dict:
    """Run `work`, counting statements: through Django, plus psycopg COPYs (which bypass
    Django's execute wrappers)."""
    import psycopg
    from django.db import connection

    counter = QueryCounter()
    copy = psycopg.Cursor.copy

    def counted_copy(cursor, statement, *args, **kwargs):
        counter.count += 1
        return copy(cursor, statement, *args, **kwargs)

    psycopg.Cursor.copy = counted_copy
    try:
        with connection.execute_wrapper(counter):
            rows = work()
    finally:
        psycopg.Cursor.copy = copy
    return {"rows": rows, "queries": counter.count}


def phase_setup(_path: str) -> dict:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("load_reference_data", stdout=open(os.devnull, "w"))  # noqa: SIM115
    from accounts.models import User
    from screening.models import Region

    user = User.objects.create_user(
        username=USERNAME, password="bench-pw", role="agency", email="bench@example.org"
    )
    user.regions.set([Region.objects.get(code=REGION_CODE)])
    return {"rows": 0, "queries": 0}


def phase_openpyxl_read(path: str) -> dict:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    started = time.perf_counter()
    rows = sum(1 for _ in workbook.worksheets[0].iter_rows(values_only=True)) - 1
    # A file without <dimension> (openpyxl write-only writes none) is parsed twice on
    # opening; the iteration alone is what a file saved by Excel would cost.
    return {"rows": rows, "queries": 0, "iteration_seconds": time.perf_counter() - started}


TIMED_STAGES = {  # where an upload's time goes: ledger functions timed by the bench
    "validate_workbook": "read + clean + validate the file",
    "region_errors": "validate against the database (regions, codes elsewhere)",
    "compute_diff": "diff with the stored ledger (digests, field by field)",
    "write_rows_spool": "keep the validated rows for the confirmation",
    "read_rows_spool": "read them back on confirmation",
    "screen": "screening (the pure engine)",
    "insert_rows": "writing new projects (COPY; includes their screening) and history",
    "update_rows": "writing changed projects and screenings",
}


def _time_stages() -> dict[str, float]:
    """Wrap the stages' functions with timers wherever the upload's modules call them (the
    bench's own view; the product is not instrumented). Screening is timed per row inside the
    screener."""
    from screening.ledger import db_checks, stored
    from screening.ledger import services as ledger_import

    spent = dict.fromkeys(TIMED_STAGES, 0.0)

    def timed(name, function):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - started

        return wrapper

    for name in TIMED_STAGES:
        if name == "screen":
            continue
        for module in (ledger_import, db_checks, stored):
            if hasattr(module, name):  # each module's own reference to the function
                setattr(module, name, timed(name, getattr(module, name)))
    screener = ledger_import.screener

    def timed_screener(*args, **kwargs):
        rule_set, screen_one = screener(*args, **kwargs)
        return rule_set, timed("screen", screen_one)

    ledger_import.screener = timed_screener
    return spent


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def phase_import(path: str) -> dict:
    """The service path the web and the API use: receive, validate (preview), apply."""
    from django.core.files import File

    from accounts.models import User
    from screening.ledger.services import apply_upload, receive_upload, validate_upload
    from screening.models import Region, UploadStatus

    stages = _time_stages() if os.environ.get("BENCH_STAGES") else {}

    def work() -> int:
        user = User.objects.get(username=USERNAME)
        region = Region.objects.get(code=REGION_CODE)
        with open(path, "rb") as handle:
            upload = receive_upload(
                user,
                region,
                File(handle, name="ledger.xlsx"),
                "ledger.xlsx",
                as_of=datetime.date.fromisoformat(AS_OF),
            )
        started = time.perf_counter()
        upload = validate_upload(upload)
        work.preview_seconds = time.perf_counter() - started
        work.preview_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        if upload.status != UploadStatus.PREVIEW:
            raise SystemExit(f"upload is {upload.status}: {upload.errors[:3]}")
        work.counts = upload.preview["counts"]
        started, cpu = time.perf_counter(), _cpu_seconds()
        upload = apply_upload(upload, user, {})
        work.apply_seconds = time.perf_counter() - started
        work.apply_cpu = _cpu_seconds() - cpu
        return upload.summary["screened"]

    result = _counted(work)
    return {
        **result,
        "preview_seconds": round(work.preview_seconds, 2),
        "counts": work.counts,
        "preview_peak_mb": work.preview_peak,
        "apply_seconds": round(work.apply_seconds, 2),
        "apply_cpu_seconds": round(work.apply_cpu, 2),
        "stages": {name: round(seconds, 2) for name, seconds in stages.items()},
    }


def phase_yardstick(path: str) -> dict:
    """python-calamine reads the sheet; psycopg COPYs every row as read into a plain table of
    text columns (created and dropped here): what any import of the file costs at least."""
    import psycopg
    import python_calamine

    database = os.environ["DATABASE_URL"].rsplit("/", 1)[1]
    sheet = python_calamine.CalamineWorkbook.from_path(path).get_sheet_by_index(0)
    rows = iter(sheet.iter_rows())
    width = len(next(rows))
    columns = ", ".join(f"c{i} text" for i in range(width))
    count = 0
    with psycopg.connect(dbname=database, **PG) as connection:
        connection.execute(f"CREATE TABLE bench_yardstick ({columns})")
        with connection.cursor() as cursor, cursor.copy("COPY bench_yardstick FROM STDIN") as copy:
            for row in rows:
                copy.write_row([None if value == "" else value for value in row])
                count += 1
        connection.commit()
        connection.execute("DROP TABLE bench_yardstick")
        connection.commit()
    return {"rows": count, "queries": 3}


FLOOR_TABLES = ("screening_project", "screening_projectchange")


def dump_stored_rows(database: str, temp_dir: Path) -> dict[str, Path]:
    """The rows of FLOOR_TABLES as COPY text, each in a file: what the first import stored."""
    import psycopg

    dumps = {table: temp_dir / f"{table}.copy" for table in FLOOR_TABLES}
    with psycopg.connect(dbname=database, **PG) as connection, connection.cursor() as cursor:
        for table, dump in dumps.items():
            with dump.open("wb") as out, cursor.copy(f"COPY {table} TO STDOUT") as copy:
                for data in copy:
                    out.write(data)
    return dumps


def server_floor(database: str, dumps: dict[str, Path]) -> float:
    """Seconds PostgreSQL takes to store the dumped rows with nothing else to do: a copy of
    the database is made (CREATE DATABASE … TEMPLATE) with the two tables emptied by
    TRUNCATE, and one transaction COPYs the rows back and commits. Run last: making the copy
    writes the whole database again, which would slow the phases after it."""
    import psycopg

    floor = f"{database}_floor"
    drop_database(floor)
    with psycopg.connect(dbname="postgres", autocommit=True, **PG) as connection:
        connection.execute(f'CREATE DATABASE "{floor}" TEMPLATE "{database}"')
        connection.execute("CHECKPOINT")
    try:
        with psycopg.connect(dbname=floor, **PG) as connection:
            connection.execute(f"TRUNCATE {', '.join(FLOOR_TABLES)} CASCADE")
            connection.commit()
            started = time.perf_counter()
            with connection.cursor() as cursor:
                for table, dump in dumps.items():
                    with dump.open("rb") as data, cursor.copy(f"COPY {table} FROM STDIN") as copy:
                        while chunk := data.read(1 << 20):
                            copy.write(chunk)
            connection.commit()
            return time.perf_counter() - started
    finally:
        drop_database(floor)
        for dump in dumps.values():
            dump.unlink(missing_ok=True)


def phase_export(path: str) -> dict:
    from screening.ledger.export import export_ledger
    from screening.models import Project

    out = Path(path).with_name("export.xlsx")
    return _counted(lambda: export_ledger(None, out, queryset=Project.objects.all()))


def phase_openpyxl_write(path: str) -> dict:
    """The same query as the export, each row written as fetched (no conversions)."""
    from openpyxl import Workbook

    from screening.ledger.export import EXPORT_FIELDS
    from screening.ledger.xlsx.template import HEADERS
    from screening.models import Project

    def work() -> int:
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("台账")
        sheet.append(HEADERS)
        count = 0
        for row in (
            Project.objects.order_by("region__code", "project_code")
            .values_list(*EXPORT_FIELDS)
            .iterator(chunk_size=2000)
        ):
            sheet.append(row)
            count += 1
        workbook.save(Path(path).with_name("write-only.xlsx"))
        return count

    return _counted(work)


def phase_import_export(path: str) -> dict:
    """django-import-export's plain import: a ModelResource with the ledger headers as
    column names, a few widgets for the file's 是/否, numbers with commas and text dates."""
    try:
        import tablib
        from import_export import fields, resources, widgets
    except ImportError:
        return {"skipped": "pip install django-import-export"}
    from django.db import transaction

    from screening.ledger.xlsx.template import COLUMNS, Kind
    from screening.models import Project, Region

    class YesNo(widgets.BooleanWidget):
        def __init__(self, blank=None):
            super().__init__()
            self.blank = blank

        def clean(self, value, row=None, **kwargs):
            return {"是": True, "否": False}.get(value, self.blank)

    class Number(widgets.DecimalWidget):
        def clean(self, value, row=None, **kwargs):
            return super().clean(str(value).replace(",", "") if value not in (None, "") else None)

    class TextDate(widgets.DateWidget):
        def __init__(self):
            super().__init__(format=None)
            self.formats = ("%Y-%m-%d", "%Y%m%d", "%Y年%m月%d日", "%Y/%m/%d", "%Y.%m.%d")

        def clean(self, value, row=None, **kwargs):
            if isinstance(value, datetime.datetime):
                return value.date()
            return super().clean(str(value) if isinstance(value, int) else value)

    def field_for(column):
        if column.key == "region":
            widget = widgets.ForeignKeyWidget(Region, field="name")
        elif column.kind is Kind.YESNO:
            widget = YesNo(blank=False if column.key == "livelihood" else None)
        elif column.kind in (Kind.NUMBER, Kind.SIGNED_NUMBER):
            widget = Number()
        elif column.kind is Kind.DATE:
            widget = TextDate()
        else:
            widget = widgets.CharWidget()
        return fields.Field(attribute=column.key, column_name=column.header, widget=widget)

    attrs = {column.key: field_for(column) for column in COLUMNS}

    class Meta:
        model = Project
        import_id_fields = ("project_code",)
        fields = tuple(attrs)
        use_bulk = False

    attrs["Meta"] = Meta
    resource_class = type("ProjectResource", (resources.ModelResource,), attrs)

    def work() -> int:
        with open(path, "rb") as handle:
            dataset = tablib.Dataset().load(handle.read(), format="xlsx")
        with transaction.atomic():
            result = resource_class().import_data(dataset, raise_errors=True)
            transaction.set_rollback(True)  # leave the ledger empty for (c)
        return result.totals["new"] + result.totals["update"]

    return _counted(work)


PHASES = {
    "setup": phase_setup,
    "openpyxl_read": phase_openpyxl_read,
    "yardstick": phase_yardstick,
    "import": phase_import,
    "export": phase_export,
    "openpyxl_write": phase_openpyxl_write,
    "import_export": phase_import_export,
}


def run_phase(phase: str, path: Path, env: dict[str, str]) -> tuple[float, int, dict]:
    """(wall seconds, max RSS in MB, the phase's JSON) of one subprocess."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, __file__, "--phase", phase, "--file", str(path)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
    )
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"phase {phase} failed (exit {os.waitstatus_to_exitcode(status)})")
    return seconds, usage.ru_maxrss // 1024, json.loads(output.decode().strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--file", help="use this ledger instead of writing one")
    parser.add_argument("--changed-file", help="use this ledger as the 1 %% changed one")
    parser.add_argument(
        "--iex-rows",
        type=int,
        default=10_000,
        help="rows for django-import-export (0: skip; ≥ --rows: all)",
    )
    parser.add_argument("--keep-db", action="store_true", help="do not drop the database")
    parser.add_argument(
        "--skip-openpyxl",
        action="store_true",
        help="leave out (a) and (b), the yardsticks of issue 4",
    )
    parser.add_argument("--skip-export", action="store_true", help="leave out (e) and (f)")
    parser.add_argument(
        "--stages",
        action="store_true",
        help="time the stages of each import (read + validate, diff, spool, screening, writing)",
    )
    parser.add_argument(
        "--database",
        help="database name (default two_high_bench_<pid>); "
        "it is created, and dropped at the end unless --keep-db",
    )
    parser.add_argument("--phase", choices=sorted(PHASES), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        if args.phase not in ("openpyxl_read", "yardstick"):
            _django()
        print(json.dumps(PHASES[args.phase](args.file), ensure_ascii=False))
        return

    database = args.database or f"two_high_bench_{os.getpid()}"
    with tempfile.TemporaryDirectory() as temp:
        temp_dir = Path(temp)
        path = Path(args.file) if args.file else temp_dir / "ledger.xlsx"
        rows = args.rows
        started = time.perf_counter()
        if not args.file:
            write_ledger(path, rows)
        changed_path = Path(args.changed_file or temp_dir / "ledger-1pc-changed.xlsx")
        if not args.changed_file:
            write_ledger(changed_path, rows, changed_every=100)
        iex_rows = 0 if args.skip_openpyxl else min(args.iex_rows, rows)
        iex_path = temp_dir / "ledger-iex.xlsx"
        if 0 < iex_rows < rows:
            write_ledger(iex_path, iex_rows)
        elif iex_rows:
            iex_path = path
        print(
            f"wrote the ledgers ({rows:,} rows, {path.stat().st_size / 1e6:.1f} MB) in "
            f"{time.perf_counter() - started:.1f} s"
        )
        if args.database:
            drop_database(database)  # a named one is the bench's own: start afresh
        create_database(database)
        env = child_env(database, str(temp_dir / "var"))
        try:
            run_phase("setup", path, env)
            print(f"database {database} migrated; reference data and user loaded")
            if args.stages:
                env["BENCH_STAGES"] = "1"
            _run_all(
                path,
                changed_path,
                iex_path,
                rows,
                iex_rows,
                env,
                openpyxl=not args.skip_openpyxl,
                export=not args.skip_export,
            )
        finally:
            if not args.keep_db:
                drop_database(database)


def _run_all(
    path: Path,
    changed_path: Path,
    iex_path: Path,
    rows: int,
    iex_rows: int,
    env: dict[str, str],
    openpyxl: bool = True,
    export: bool = True,
) -> None:
    print(f"{'phase':<44}{'seconds':>9}{'rows/s':>10}{'peak MB':>9}{'queries':>9}{'ratio':>8}  vs")
    yardstick, _peak, _out = _line(
        "(y) calamine read + COPY (yardstick)", "yardstick", path, rows, env
    )
    read = iteration = None
    if openpyxl:
        read, _peak, out = _line(
            "(a) openpyxl read-only iteration", "openpyxl_read", path, rows, env
        )
        iteration = out["iteration_seconds"]
        print(
            f"    of which the iteration alone: {iteration:.2f} s (the rest is openpyxl "
            f"sizing a sheet without <dimension>)"
        )
        if iex_rows:
            _line(
                f"(b) django-import-export ({iex_rows:,} rows)",
                "import_export",
                iex_path,
                iex_rows,
                env,
                yardstick=read * iex_rows / rows,
                versus="(a) same rows",
            )
    first, first_peak, out = _line(
        "(c) import, all new", "import", path, rows, env, yardstick=yardstick, versus="(y)"
    )
    _details(out)
    database = env["DATABASE_URL"].rsplit("/", 1)[1]
    dumps = dump_stored_rows(database, Path(env["TWO_HIGH_VAR_DIR"]).parent)
    again, again_peak, out = _line(
        "(d) re-import, 1 % changed",
        "import",
        changed_path,
        rows,
        env,
        yardstick=first,
        versus="(c)",
    )
    _details(out)
    again_preview = out["preview_seconds"]
    same, _peak, out = _line(
        "(g) re-import, identical file",
        "import",
        changed_path,
        rows,
        env,
        yardstick=first,
        versus="(c)",
    )
    _details(out)
    floor = server_floor(database, dumps)
    label = "(s) PostgreSQL alone storing (c)'s rows"
    print(
        f"{label:<44}{floor:>9.2f}{rows / floor:>10,.0f}{'':>9}{'':>9}{floor / yardstick:8.2f}  (y)"
    )
    if export:
        write, _peak, _out = _line(
            "(f) openpyxl write-only, same rows", "openpyxl_write", path, rows, env
        )
        exported, _peak, _out = _line(
            "(e) export_ledger", "export", path, rows, env, yardstick=write, versus="(f)"
        )
    print("targets (issue 19; ratios of this run):")
    _target(
        "first import ≤ 4 × (y) and ≤ 400 MB",
        f"{first / yardstick:.2f} ×, {first_peak} MB",
        first / yardstick <= 4 and first_peak <= 400,
    )
    print(
        f"    of which PostgreSQL's share cannot go below (s) = {floor / yardstick:.2f} × (y); "
        f"(c) − (s) = {(first - floor) / yardstick:.2f} × (y)"
    )
    _target(
        "re-import, 1 % changed ≤ 0.5 × (c)",
        f"{again / first:.2f} ×, {again_peak} MB",
        again / first <= 0.5,
    )
    _target(
        "its preview ≤ 0.3 × (c)", f"{again_preview / first:.2f} ×", again_preview / first <= 0.3
    )
    _target("identical file ≤ 0.2 × (c)", f"{same / first:.2f} ×", same / first <= 0.2)
    if openpyxl:
        faster = None
        if iex_rows and _line.iex_seconds:
            extrapolated = _line.iex_seconds * rows / iex_rows
            faster = extrapolated / first
            print(
                f"    django-import-export extrapolated to {rows:,} rows: {extrapolated:.1f} s "
                f"= {faster:.1f} × our first import"
            )
        print("targets (issue 4):")
        _target(
            "first import ≤ 1.5 × (a) and ≤ 500 MB",
            f"{first / read:.2f} ×, {first_peak} MB",
            first / read <= 1.5 and first_peak <= 500,
        )
        _target("re-import ≤ 1.0 × (a)", f"{again / read:.2f} ×", again / read <= 1.0)
        _target(
            "≥ 10 × faster than django-import-export",
            f"{faster:.1f} ×" if faster else "not measured",
            faster is not None and faster >= 10,
        )
        print(f"    (c) is {first / iteration:.2f} × openpyxl's iteration alone")
    if export:
        _target("export ≤ 1.3 × (f)", f"{exported / write:.2f} ×", exported / write <= 1.3)


def _target(what: str, figure: str, met: bool) -> None:
    print(f"    {what}: {figure} — {'met' if met else 'MISSED'}")


def _details(out: dict) -> None:
    print(
        f"    preview (validate_upload) {out['preview_seconds']} s, peak "
        f"{out['preview_peak_mb']} MB when done; counts {out['counts']}"
    )
    print(
        f"    apply {out['apply_seconds']} s, of which this process's CPU (its threads too) "
        f"{out['apply_cpu_seconds']} s: the rest is waiting for PostgreSQL"
    )
    if out.get("stages"):
        print(
            "    "
            + ", ".join(
                f"{name.strip('_')} {seconds:.2f}"
                for name, seconds in out["stages"].items()
                if seconds
            )
        )


def _line(
    label: str,
    phase: str,
    path: Path,
    rows: int,
    env: dict[str, str],
    yardstick: float | None = None,
    versus: str = "(a)",
) -> tuple[float, int, dict]:
    seconds, peak, out = run_phase(phase, path, env)
    if "skipped" in out:
        print(f"{label:<44} skipped: {out['skipped']}")
        _line.iex_seconds = 0.0
        return seconds, peak, out
    if phase == "import_export":
        _line.iex_seconds = seconds
    ratio = f"{seconds / yardstick:8.2f}  {versus}" if yardstick else ""
    print(f"{label:<44}{seconds:>9.2f}{rows / seconds:>10,.0f}{peak:>9}{out['queries']:>9,}{ratio}")
    return seconds, peak, out


_line.iex_seconds = 0.0


if __name__ == "__main__":
    main()
