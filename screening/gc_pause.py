"""Pausing Python's cyclic garbage collector around a batch (pure Python, imports nothing of
the app, so any layer may use it)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector around a batch: screening makes many small objects
    and no cycles, and the collector's passes cost a third of the time (bench/engine.py)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
