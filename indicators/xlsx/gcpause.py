"""Pausing the cyclic garbage collector while a workbook is read.

Reading a workbook builds tens of thousands of small objects (rows, dicts, models) that
all live until the tables are built, and creates no reference cycles. CPython's collector
runs a full pass over every live object each time enough of them have survived, so it
scanned the same objects again and again and found nothing: about a fifth of the time of
reading 200 tables (benchmarks/read.py). The pause is scoped, nests, and is thread-safe:
the collector is switched back on when the last read that switched it off ends, and never
switched on if it was off before.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused"]

_lock = threading.Lock()
_readers = 0
_paused_by_us = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the ``with`` body with the cyclic collector paused (reference counting still frees memory)."""
    global _readers, _paused_by_us
    with _lock:
        _readers += 1
        if _readers == 1 and gc.isenabled():
            gc.disable()
            _paused_by_us = True
    try:
        yield
    finally:
        with _lock:
            _readers -= 1
            if _readers == 0 and _paused_by_us:
                _paused_by_us = False
                gc.enable()
