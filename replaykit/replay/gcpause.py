"""``pause_gc``: pause CPython's cyclic garbage collector, nesting- and thread-safely.

A fold, a bulk load or a timeline build allocates many small objects and frees almost
all of them by reference counting; the cyclic collector would still traverse every live
one again and again, which makes long runs quadratic. So those operations pause it.

The collector is one switch for the whole process, so the pause is process-wide too:
one counter, under a lock, of the pauses in progress in any thread. The first pause
remembers whether the collector was on and turns it off; the last one to end turns it
back on only if it was on then. So pauses nest, overlap across threads, and leave a
caller's own ``gc.disable()`` alone. A caller who changes the switch while a pause is in
progress gets, when the last pause ends, the state from before the first.

>>> import gc
>>> with pause_gc():
...     with pause_gc():
...         gc.isenabled()
...     gc.isenabled()
False
False
>>> gc.isenabled()
True
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["pause_gc"]

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextmanager
def pause_gc(enabled: bool = True) -> Iterator[None]:
    """Pause the cyclic garbage collector for the block (a no-op unless ``enabled``)."""
    global _depth, _was_enabled
    if not enabled:
        yield
        return
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
