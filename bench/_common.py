"""Helpers shared by the benchmarks: journals on disk, timing, memory of a child."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent))

from journal_gen import write_journal

__all__ = ["OUT", "child_peak_mb", "journal", "rounds", "timed"]

OUT = Path(__file__).resolve().parent / "out"
T = TypeVar("T")


def journal(n: int, seed: int = 0) -> Path:
    """A synthetic journal of ``n`` records on disk (generated once, then reused)."""
    OUT.mkdir(exist_ok=True)
    path = OUT / f"journal-{n}-{seed}.jsonl"
    if not path.exists():
        write_journal(str(path), n, seed=seed)
    return path


def timed(func: Callable[[], T], *, repeat: int = 1) -> tuple[float, T]:
    """The best wall time of ``repeat`` runs of ``func`` (garbage collector on) and its value."""
    best = float("inf")
    value: T
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        value = func()
        best = min(best, time.perf_counter() - start)
    return best, value


def rounds(funcs: dict[str, Callable[[], Any]], repeat: int) -> tuple[dict[str, float], Any]:
    """Best wall time of each function over ``repeat`` interleaved rounds (collector on).

    Interleaving keeps a change in machine load from favouring one of them. Returns the
    times and the value of the last function's last run.
    """
    best = dict.fromkeys(funcs, float("inf"))
    value: Any = None
    for _ in range(repeat):
        for name, func in funcs.items():
            value = None
            gc.collect()
            start = time.perf_counter()
            value = func()
            best[name] = min(best[name], time.perf_counter() - start)
    return best, value


_PEAK = """
import re
with open("/proc/self/status") as status:
    print("PEAK_KB", re.search(r"VmHWM:\\s+(\\d+)", status.read()).group(1))
"""


def child_peak_mb(code: str, *args: str) -> tuple[float, str]:
    """Run ``python -c code args`` in a fresh process: its peak RSS in MB and its stdout.

    The peak is the child's own high-water mark (``VmHWM``), read by the child at exit.
    """
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).resolve().parent), *sys.path])
    done = subprocess.run(
        [sys.executable, "-c", code + _PEAK, *args],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    out, _, peak = done.stdout.rpartition("PEAK_KB ")
    return int(peak.strip()) / 1024, out
