"""Time the upload's safety inspection and sheet reading; prints figures, asserts nothing.

    .venv/bin/python bench/read_sheet.py [--rows 100000] [--file existing.xlsx] [--repeat 2]

Each phase runs in its own subprocess (peak memory is its own): `inspect_workbook`, then
`read_sheet` of an inspected file (rows iterated, nothing else done), then the yardsticks
python-calamine `iter_rows()` of the whole sheet and its bare read (`to_python`). Printed per
phase: wall seconds, CPU seconds of the process (all threads) and of the main thread (what the
wall time tends to when another core is free: the reader parses pieces and the inspection
inflates in a thread), peak RSS, and the load average when it ran.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PHASES = ("inspect", "read", "calamine_iter_rows", "calamine_bare")


def phase(name: str, path: str) -> dict:
    import resource
    import time

    import python_calamine

    from screening.ledger.xlsx import reader
    from screening.ledger.xlsx.safety import Limits, inspect_workbook

    inspection = inspect_workbook(path, Limits()) if name == "read" else None
    start = time.perf_counter(), time.process_time(), time.thread_time()
    if name == "inspect":
        count = len(inspect_workbook(path, Limits()).markers)
    elif name == "read":
        count = sum(1 for _ in reader.read_sheet(path, Limits(), inspection=inspection).rows)
    else:
        sheet = python_calamine.CalamineWorkbook.from_path(path).get_sheet_by_index(0)
        if name == "calamine_iter_rows":
            count = sum(1 for _ in sheet.iter_rows())
        else:
            count = len(sheet.to_python())
    return {
        "wall": time.perf_counter() - start[0],
        "cpu": time.process_time() - start[1],
        "main": time.thread_time() - start[2],
        "count": count,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--file", help="use this ledger instead of writing one")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(phase(args.phase, args.file)))
        return
    with tempfile.TemporaryDirectory() as folder:
        path = args.file
        if path is None:
            from bench.import_ledger import write_ledger

            path = str(Path(folder, "ledger.xlsx"))
            write_ledger(Path(path), args.rows)
        print(f"{path}: {os.path.getsize(path) / 1e6:.1f} MB")
        for run in range(1, args.repeat + 1):
            for name in PHASES:
                load = Path("/proc/loadavg").read_text().split()[0]
                done = subprocess.run(
                    [sys.executable, __file__, "--phase", name, "--file", path],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                got = json.loads(done.stdout.strip().splitlines()[-1])
                print(
                    f"run {run} {name:20s} wall {got['wall']:6.2f} s  cpu {got['cpu']:6.2f} s  "
                    f"main thread {got['main']:6.2f} s  peak {got['peak_mb']:4d} MB  "
                    f"(load {load})"
                )


if __name__ == "__main__":
    main()
