"""`manage.py screen_ledger`: SPEC §8's JSON contract and exit statuses, on real files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from django.conf import settings
from django.core.management import call_command

from tests.ledger_files import valid_row, write_ledger

ROOT = Path(settings.BASE_DIR)


def screen(capsys, path, *args):
    with pytest.raises(SystemExit) as exit_info:
        call_command("screen_ledger", str(path), "--format", "json", *args)
        raise SystemExit(0)
    out = capsys.readouterr()
    return exit_info.value.code, out.out, out.err


def test_valid_rows_are_screened_in_rule_order_and_nothing_is_stored(db, tmp_path, capsys):
    from screening.models import Project

    path = write_ledger(tmp_path / "a.xlsx", [valid_row()], extra_headers=["序号"])
    code, out, _ = screen(capsys, path, "--as-of", "2021-12-31")
    assert code == 0
    data = orjson.loads(out)
    assert list(data) == ["rule_set", "as_of", "ignored_columns", "results", "errors"]
    assert data["rule_set"] == "henan-2021" and data["as_of"] == "2021-12-31"
    assert data["ignored_columns"] == ["序号"]
    [result] = data["results"]
    assert list(result) == ["row", "project_code", "in_scope", "verdict", "disposition", "findings"]
    assert result["row"] == 2 and result["verdict"] == "COMPLIANT"
    rules = [f["rule"] for f in result["findings"]]
    assert rules == sorted(rules)
    assert set(result["findings"][0]) == {"rule", "outcome", "clause", "message", "values"}
    assert not Project.objects.exists()


def test_rows_with_errors_appear_only_in_errors_and_exit_1(db, tmp_path, capsys):
    path = write_ledger(
        tmp_path / "a.xlsx",
        [valid_row(), valid_row(project_code="2105-410100-04-01-654321", uscc="bad")],
    )
    code, out, _ = screen(capsys, path, "--lang", "en")
    data = orjson.loads(out)
    assert code == 1
    assert [r["row"] for r in data["results"]] == [2]
    assert data["errors"][0]["row"] == 3
    assert data["errors"][0]["column"] == "统一社会信用代码"
    assert "18 characters" in data["errors"][0]["message"]


def test_header_errors_use_row_1_and_no_row_is_screened(db, tmp_path, capsys):
    path = write_ledger(tmp_path / "a.xlsx", [valid_row()], drop=("建设单位",))
    code, out, _ = screen(capsys, path)
    data = orjson.loads(out)
    assert code == 1 and data["results"] == []
    assert data["errors"] == [
        {"row": 1, "column": "建设单位", "value": "", "message": data["errors"][0]["message"]}
    ]


def test_a_file_with_headers_and_no_rows_exits_0(db, tmp_path, capsys):
    code, out, _ = screen(capsys, write_ledger(tmp_path / "a.xlsx", []))
    assert code == 0 and orjson.loads(out)["results"] == []


def test_no_rule_set_in_force_exits_2_with_one_line(db, tmp_path, capsys):
    code, out, err = screen(capsys, write_ledger(tmp_path / "a.xlsx", []), "--as-of", "2020-01-01")
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1


def test_an_unreadable_file_exits_2_with_one_line_on_stderr(tmp_path):
    """Run as a real process (against the database the setup migrated): nothing but the
    reason may reach standard error."""
    path = tmp_path / "ledger.xlsx"
    path.write_bytes(b"PK\x03\x04 truncated")
    result = subprocess.run(
        [sys.executable, "manage.py", "screen_ledger", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_an_ignored_header_is_listed_once_however_it_is_spaced(db, tmp_path, capsys):
    """SPEC §3: headers match after NFKC folding and removing all white space, so 序号, 序 号
    and a full-width-spaced 序　号 are one header, listed once as first written (stripped)."""
    path = write_ledger(
        tmp_path / "a.xlsx",
        [valid_row()],
        extra_headers=[" 序 号", "序号", "序\u3000号", "备注2", "备注 2"],
    )
    code, out, _ = screen(capsys, path, "--as-of", "2021-12-31")
    assert code == 0
    assert orjson.loads(out)["ignored_columns"] == ["序 号", "备注2"]
