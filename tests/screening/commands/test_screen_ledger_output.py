"""`screen_ledger`'s output and start-up (issue 19): the JSON writer builds its rows without
screening_to_dict, byte for byte the same; the command starts without the system checks and
without the web's libraries."""

from __future__ import annotations

import io
import itertools
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import orjson
import pytest
from django.conf import settings

from screening.ledger.batch import _JsonWriter, _TableWriter
from screening.management.commands.screen_ledger import Command
from screening.rules import screening_to_dict
from screening.rules.testing import context, load, months, run
from screening.rules.types import ConstructionType, Stage, TechClass, Tier

ROOT = Path(settings.BASE_DIR)


def varied_screenings():
    """Screenings across stages, classes, types, answers, areas and barometers: every rule
    and outcome the builders reach, some rows out of scope."""
    params = [load("henan-2021"), load("henan-2023")]
    contexts = [
        context(),
        context(key_air_area=True, non_attainment=False),
        context(barometer=months(Tier.RED, Tier.RED, Tier.RED), missed_dual_control_last_year=True),
        context(barometer=months(Tier.YELLOW, None), missed_pollutant_target_last_year=True),
    ]
    grid = itertools.product(
        Stage,
        TechClass,
        ConstructionType,
        (True, False, None),
        ("20000", "6000", "4000"),
        (None, "高炉工序", "水泥熟料", "氧化铝", "合成氨 (天然气)"),
    )
    for index, (stage, tech, kind, answer, energy, product) in enumerate(grid):
        screening = run(
            params[index % 2],
            contexts[index % len(contexts)],
            stage=stage,
            tech_class=tech,
            construction_type=kind,
            pollutant_control=answer,
            coal_substitution=answer,
            annual_energy_tce=energy,
            product=product,
            replaced_capacity=None if index % 7 == 0 else str(100 + index % 90),
            new_energy_tce=None if index % 5 == 0 else str(index % 3 * 500),
            last_energy_diagnosis=None if index % 11 == 0 else date(2015 + index % 8, 3, 1),
            replacement_plan_ref=None if index % 3 == 0 else "豫工信产业〔2021〕1号",
        )
        yield index + 2, f"2104-410100-04-01-{index:06d}", screening


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_json_writer_is_screening_to_dict_byte_for_byte(lang):
    rows = list(varied_screenings())
    assert len(rows) > 2000  # across the writer's batches of a thousand
    out = io.BytesIO()
    writer = _JsonWriter(out, lang)
    writer.start("henan-2021", date(2021, 12, 31), ["序号"])
    for row, code, screening in rows:
        writer.result(row, code, screening)
    writer.finish([])

    head = orjson.dumps(
        {"rule_set": "henan-2021", "as_of": "2021-12-31", "ignored_columns": ["序号"]}
    )
    items = [
        orjson.dumps({"row": row, "project_code": code, **screening_to_dict(screening, lang)})
        for row, code, screening in rows
    ]
    expected = head[:-1] + b',"results":[' + b",".join(items) + b'],"errors":[]}\n'
    assert out.getvalue() == expected
    outcomes = {f["outcome"] for r in orjson.loads(expected)["results"] for f in r["findings"]}
    assert outcomes == {"PASS", "FAIL", "NEEDS_INFO", "WARN", "INFO"}


def test_the_json_writer_with_no_rows():
    out = io.BytesIO()
    writer = _JsonWriter(out, "zh")
    writer.start("henan-2021", date(2021, 12, 31), [])
    writer.finish([])
    assert orjson.loads(out.getvalue())["results"] == []


def test_the_table_writer_lists_the_failed_rules():
    rows = list(itertools.islice(varied_screenings(), 300))
    out = io.BytesIO()
    writer = _TableWriter(out, "zh")
    writer.start("henan-2021", date(2021, 12, 31), [])
    for row, code, screening in rows:
        writer.result(row, code, screening)
    lines = out.getvalue().decode().splitlines()[2:]
    for line, (_row, _code, screening) in zip(lines, rows, strict=True):
        failed = [f.rule for f in screening.findings if f.outcome == "FAIL"]
        assert line.endswith(" " + ",".join(failed)), line


def test_the_command_skips_the_system_checks():
    assert Command.requires_system_checks == []


def test_the_command_starts_without_the_web_libraries():
    """Start-up imports neither the API's schema and field libraries (once pulled in by the
    id converter) nor the upload services (and psycopg with them)."""
    probe = (
        "import django, sys; django.setup(); "
        "import screening.management.commands.screen_ledger; "
        "print(sorted(m for m in ('drf_spectacular.utils', 'rest_framework.fields', "
        "'rest_framework.serializers', 'screening.ledger.services', 'screening.api.urls') "
        "if m in sys.modules))"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
