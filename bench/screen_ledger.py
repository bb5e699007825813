"""Time reading, validating and screening a large ledger; prints figures, asserts nothing.

    .venv/bin/python bench/screen_ledger.py [--rows 100000] [--file existing.xlsx]

Each phase runs in its own subprocess so its peak memory (max RSS from wait4) is its own:
(a) openpyxl read-only bare iteration (the yardstick), (b) python-calamine's bare read of the
whole sheet, (c) the whole `manage.py screen_ledger --format json` (safety checks, read,
validate, screen, JSON: the issue's target, ≤ 1.0 × (a) and ≤ 400 MB), and for reference
(c′) our safety checks + read + validate alone.
"""

from __future__ import annotations

import argparse
import datetime
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

REGIONS = ["郑州市", "开封", "410300", "济源示范区", "巩义市", "郑州航空港区", "南阳市"]
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


def ledger_row(index: int) -> list[object]:
    """A varied, mostly valid row; about one row in 500 carries an error."""
    from screening.ledger.xlsx.parsers import uscc_check_character

    sector, product, unit, energy = PRODUCTS[index % len(PRODUCTS)]
    body = f"9141{index % 10000:04d}{index:09d}"[:17]
    uscc = body + uscc_check_character(body)
    if index % 500 == 7:
        uscc = body + "I"  # a wrong character: an error row
    month = index % 12 + 1
    return [
        f"21{month:02d}-410100-04-01-{index:06d}",
        f"项目{index}",
        f"河南省某某有限公司{index % 3000}",
        uscc,
        REGIONS[index % len(REGIONS)],
        sector,
        product,
        TYPES[index % 4],
        STAGES[index % 3],
        8000 + (index * 37) % 50000,
        (index * 13) % 3000 or None,
        f"{(index * 7) % 90000:,}",
        100 if product else None,
        "万吨/年" if product else None,
        150 if product else None,
        "豫工信〔2021〕8号" if product else None,
        energy,
        unit,
        ["鼓励类", "允许类", "限制类", "淘汰类"][index % 4],
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


def write_ledger(path: Path, rows: int) -> None:
    from openpyxl import Workbook

    from screening.ledger.xlsx.template import HEADERS

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("台账")
    sheet.append(["序号", *HEADERS])
    for index in range(rows):
        row = ledger_row(index)
        if isinstance(row[-1], str):  # keep formula-looking remarks as text
            from screening.ledger.xlsx.xlsx_safe import text_safe_cell

            row[-1] = text_safe_cell(sheet, row[-1])
        sheet.append([index + 1, *row])
    workbook.save(path)


# ------------------------------------------------------------------------------ phases


def phase_openpyxl(path: str) -> int:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    return sum(1 for _ in workbook.worksheets[0].iter_rows(values_only=True))


def phase_calamine(path: str) -> int:
    import python_calamine

    sheet = python_calamine.CalamineWorkbook.from_path(path).get_sheet_by_index(0)
    return sum(1 for _ in sheet.iter_rows())


def _reference():
    from screening.ledger.xlsx.reference import LedgerReference

    return LedgerReference.from_fixture_files(
        ROOT / "fixtures" / "regions.json", ROOT / "fixtures" / "rule_sets" / "henan-2021.json"
    )


def phase_validate(path: str) -> int:
    from screening.ledger.xlsx.validate import validate_workbook

    result = validate_workbook(path, _reference())
    return result.data_rows


PHASES = {"openpyxl": phase_openpyxl, "calamine": phase_calamine, "validate": phase_validate}

TARGET_RATIO = 1.0  # (c) against (a)
TARGET_PEAK_MB = 400
TARGET_CALAMINE_RATIO = 3.0  # (c) against (b), issue 19


def run_child(command: list[str], **popen) -> tuple[float, int, int]:
    """(wall seconds, max RSS in MB, exit status) of one subprocess."""
    started = time.perf_counter()
    child = subprocess.Popen(command, **popen)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - started, usage.ru_maxrss // 1024, child.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--file", help="use this ledger instead of writing one")
    parser.add_argument("--phase", choices=sorted(PHASES), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(PHASES[args.phase](args.file))
        return
    with tempfile.TemporaryDirectory() as temp:
        path = Path(args.file) if args.file else Path(temp) / "ledger.xlsx"
        if not args.file:
            started = time.perf_counter()
            write_ledger(path, args.rows)
            print(
                f"wrote {args.rows:,} rows ({path.stat().st_size / 1e6:.1f} MB) in "
                f"{time.perf_counter() - started:.1f} s"
            )
        rows = args.rows
        figures: dict[str, float] = {}
        print(f"{'phase':<38}{'seconds':>9}{'rows/s':>11}{'peak MB':>9}{'vs (a)':>8}")
        labels = {
            "openpyxl": "(a) openpyxl read-only iteration",
            "calamine": "(b) python-calamine bare read",
        }
        for phase, label in labels.items():
            seconds, peak, status = run_child(
                [sys.executable, __file__, "--phase", phase, "--file", str(path)],
                stdout=subprocess.DEVNULL,
            )
            figures[phase] = seconds
            _print(
                label if status == 0 else f"{label} (exit {status})", seconds, rows, peak, figures
            )
        with open(os.devnull, "wb") as sink:
            seconds, peak, status = run_child(
                [
                    sys.executable,
                    str(ROOT / "manage.py"),
                    "screen_ledger",
                    str(path),
                    "--as-of",
                    "2021-12-31",
                    "--format",
                    "json",
                ],
                stdout=sink,
                cwd=ROOT,
            )
        # exit 1 is expected: about one row in 500 carries an error
        _print(f"(c) manage.py screen_ledger (exit {status})", seconds, rows, peak, figures)
        ratio = seconds / figures["openpyxl"]
        met = ratio <= TARGET_RATIO and peak <= TARGET_PEAK_MB
        print(
            f"    target (c) ≤ {TARGET_RATIO} × (a) and ≤ {TARGET_PEAK_MB} MB: "
            f"{ratio:.2f} ×, {peak} MB — {'met' if met else 'MISSED'}"
        )
        ratio = seconds / figures["calamine"]
        print(
            f"    target (c) ≤ {TARGET_CALAMINE_RATIO} × (b) (issue 19): {ratio:.2f} × — "
            f"{'met' if ratio <= TARGET_CALAMINE_RATIO else 'MISSED'}"
        )
        seconds, peak, status = run_child(
            [sys.executable, __file__, "--phase", "validate", "--file", str(path)],
            stdout=subprocess.DEVNULL,
        )
        _print("(c′) check + read + validate only", seconds, rows, peak, figures)


def _print(label: str, seconds: float, rows: int, peak: int, figures: dict[str, float]) -> None:
    ratio = seconds / figures["openpyxl"] if "openpyxl" in figures else float("nan")
    print(f"{label:<38}{seconds:>9.2f}{rows / seconds:>11,.0f}{peak:>9}{ratio:>8.2f}")


if __name__ == "__main__":
    main()
