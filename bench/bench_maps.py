"""Why the fold's growing maps are ``immutables.Map``: ``pmap`` against it, same run.

Run: ``python bench/bench_maps.py [--entries 100000]``. Times building a map of that
many entries by successive ``set`` calls (as a fold grows ``seen_records``), ``get`` of
a present and of a missing key, and ``delete``, and prints the ratios.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from typing import Any

import immutables
from pyrsistent import pmap


def _per_op(func: Callable[[], Any], ops: int) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best / ops * 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    args = parser.parse_args(argv)
    n = args.entries
    keys = [f"journal.run.bench.1.{i:06d}" for i in range(n)]
    fresh = [f"journal.run.bench.2.{i:06d}" for i in range(10_000)]

    def build(empty: Any) -> Any:
        m = empty
        for key in keys:
            m = m.set(key, None)
        return m

    big_p = build(pmap())
    big_i = build(immutables.Map())
    rows = {
        "set (growing)": (
            _per_op(lambda: build(pmap()), n),
            _per_op(lambda: build(immutables.Map()), n),
        ),
        "get (present)": (
            _per_op(lambda: [big_p.get(k) for k in keys[:10_000]], 10_000),
            _per_op(lambda: [big_i.get(k) for k in keys[:10_000]], 10_000),
        ),
        "get (missing)": (
            _per_op(lambda: [big_p.get(k) for k in fresh], len(fresh)),
            _per_op(lambda: [big_i.get(k) for k in fresh], len(fresh)),
        ),
        "delete": (
            _per_op(lambda: [big_p.discard(k) for k in keys[:200]], 200),
            _per_op(lambda: [big_i.delete(k) for k in keys[:200]], 200),
        ),
    }
    print(f"persistent maps of {n:,} entries (microseconds per operation)")
    for name, (p_us, i_us) in rows.items():
        print(
            f"  {name:<14} pmap {p_us:6.2f}  immutables.Map {i_us:6.2f}  ratio {p_us / i_us:5.1f}x"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
