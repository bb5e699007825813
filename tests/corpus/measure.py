"""Wall time and peak resident memory of a block of code, for the corpus figures.

Peak memory is sampled from /proc (every 2 ms, in a thread) because the readers allocate
outside Python (calamine, zlib): tracemalloc would not see it.
"""

from __future__ import annotations

import os
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass

PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def rss_bytes(pid: int | str = "self") -> int:
    try:
        with open(f"/proc/{pid}/statm") as handle:
            return int(handle.read().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


@dataclass
class Measurement:
    seconds: float = 0.0
    start_rss: int = 0
    peak_rss: int = 0

    @property
    def peak_growth(self) -> int:
        return max(0, self.peak_rss - self.start_rss)


@contextmanager
def measure():
    result = Measurement(start_rss=rss_bytes())
    result.peak_rss = result.start_rss
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.002):
            result.peak_rss = max(result.peak_rss, rss_bytes())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    try:
        yield result
    finally:
        result.seconds = time.perf_counter() - started
        done.set()
        sampler.join()
        result.peak_rss = max(result.peak_rss, rss_bytes())
