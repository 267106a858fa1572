"""Benchmarks of time travel (issue 3): timeline build, memory, jumps and diffs.

Run: ``python bench/bench_timetravel.py [--records 100000 1000000] [--keyframe 1000]``.

On the same decoded records of a synthetic journal (``bench/journal_gen.py``; the
smaller sizes are prefixes of the largest), each size measures:

- build: ``len(Timeline(records, config))`` (every state kept) against the mutable floor
  (``bench/floor.py``) and replaykit's streaming ``replay``, all with the garbage
  collector on as users run them (the folds pause it themselves), after checking that
  the timeline's last verdict is the floor's;
- the first full collection after the build, with ``freeze_gc=None`` (the opt-in, which
  freezes a history this large) and with ``freeze_gc=False`` (the default);
- retained memory per step (``tracemalloc``, in a separate build: the states and the
  timeline's list of record references, not the records, which the caller holds anyway);
- jumps: ``timeline[k]`` for random ``k``, every state kept and with keyframes every K;
- diffs: ``timeline.diff(k - 1, k)`` for random ``k`` in the last tenth (where the state
  holds about ``n`` live entries), against ``diff`` without the change log and against
  diffing the two fully thawed snapshots (``snapshot`` of both, then a JSON diff).

The issue's targets are printed next to the figures.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
import tracemalloc
from collections.abc import Callable
from random import Random
from typing import Any

from _common import journal, rounds, timed
from floor import FloorReducer

from replaykit import JournalRecord, ReplayConfig, ReplayMode, ReplayResult, from_json, replay
from replaykit.replay import pause_gc
from replaykit.timetravel import Timeline, diff, snapshot
from replaykit.timetravel.diff import diff_json

CONFIG = ReplayConfig(ReplayMode.RESUME_REPLAY)


def decode(n: int) -> list[JournalRecord]:
    """The first ``n`` records of the synthetic journal, decoded (not timed)."""
    with open(journal(n), "rb") as handle, pause_gc():
        return [from_json(JournalRecord, line).unwrap() for line in handle]


def floor_fold(records: list[JournalRecord]) -> ReplayResult:
    reducer = FloorReducer(ReplayMode.RESUME_REPLAY)
    for record in records:
        reducer.apply(record)
    return reducer.finish()


def build(records: list[JournalRecord], **options: Any) -> Timeline:
    timeline = Timeline(records, CONFIG, **options)
    len(timeline)
    return timeline


def retained(make: Callable[[], Timeline]) -> int:
    """Bytes still allocated after ``make()`` built a timeline (which is then dropped)."""
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    kept = make()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del kept
    return after - before


def per_call(func: Callable[[int], object], arguments: list[int]) -> list[float]:
    """Wall time of ``func(a)`` for each argument, in seconds."""
    out = []
    clock = time.perf_counter
    for argument in arguments:
        start = clock()
        func(argument)
        out.append(clock() - start)
    return out


def collect_time() -> float:
    start = time.perf_counter()
    gc.collect()
    return time.perf_counter() - start


def bench_full(
    records: list[JournalRecord], keyframe: int, repeat: int, rng: Random
) -> dict[str, float]:
    """Build, jumps and diffs with every state kept (``freeze_gc=None``, which freezes
    the history once it is large), then the first full collection without freezing."""
    n = len(records)
    gc.unfreeze()
    out: dict[str, float] = {"n": n, "collect_records_s": collect_time()}
    expected = floor_fold(records)
    times, timeline = rounds(
        {
            "floor_s": lambda: floor_fold(records),
            "replay_s": lambda: replay(records, CONFIG).unwrap(),
            "build_keyframe_s": lambda: build(records, keyframe_every=keyframe),
            "build_s": lambda: build(records, freeze_gc=None),
        },
        repeat,
    )
    out.update(times)
    assert timeline.result(-1) == expected, "the timeline disagrees with the floor"
    # Jumps and diffs with the history frozen, as a service holding a timeline runs, so
    # that a full collection of the whole process does not land inside one call.
    gc.freeze()
    try:
        out.update(_jumps_and_diffs(timeline, rng))
    finally:
        gc.unfreeze()
    del timeline
    gc.collect()
    unfrozen = build(records, freeze_gc=False)
    out["collect_s"] = collect_time() if len(unfrozen) else 0.0
    return out


def _jumps_and_diffs(timeline: Timeline, rng: Random) -> dict[str, float]:
    n = len(timeline) - 1
    out: dict[str, float] = {}
    ks = [rng.randrange(n + 1) for _ in range(100_000)]
    out["jump_us"] = sum(per_call(timeline.state, ks)) / len(ks) * 1e6

    ends = [rng.randrange(n - n // 10 + 1, n + 1) for _ in range(2_000)]
    times = per_call(lambda k: timeline.diff(k - 1, k), ends)
    out["diff_us"] = sum(times) / len(times) * 1e6
    out["diff_median_us"] = sorted(times)[len(times) // 2] * 1e6
    a, b = timeline[n - 1], timeline[n]
    out["live_entries"] = len(b.seen_records) + len(b.pending_effects) + len(b.output_intents)
    seconds, _ = timed(lambda: diff(a, b), repeat=3)
    out["diff_unguided_ms"] = seconds * 1e3
    seconds, (thawed_a, thawed_b) = timed(lambda: (snapshot(a), snapshot(b)))
    out["thaw_ms"] = seconds * 1e3

    def thawed_diff() -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        diff_json("", thawed_a, thawed_b, found)
        return found

    seconds, ops = timed(thawed_diff, repeat=3)
    out["thawed_diff_ms"] = seconds * 1e3
    assert ops == timeline.diff(n - 1, n), "the thawed diff disagrees with the guided one"
    return out


def bench_frozen(records: list[JournalRecord]) -> float:
    """The first full collection after building with ``freeze_gc=None`` (the opt-in)."""
    frozen = build(records, freeze_gc=None)
    try:
        return collect_time() if len(frozen) else 0.0
    finally:
        gc.unfreeze()


def bench_keyframes(records: list[JournalRecord], keyframe: int, rng: Random) -> dict[str, float]:
    n = len(records)
    out: dict[str, float] = {}
    sparse = build(records, keyframe_every=keyframe)
    gc.freeze()
    try:
        ks = [rng.randrange(n + 1) for _ in range(300)]
        times = sorted(per_call(sparse.state, ks))
    finally:
        gc.unfreeze()
    out["jump_keyframe_ms"] = sum(times) / len(times) * 1e3
    out["jump_keyframe_median_ms"] = times[len(times) // 2] * 1e3
    out["jump_keyframe_max_ms"] = times[-1] * 1e3
    return out


def bench(records: list[JournalRecord], keyframe: int, seed: int) -> dict[str, float]:
    n = len(records)
    repeat = 3 if n <= 200_000 else 1
    rng = Random(seed)
    out = bench_full(records, keyframe, repeat, rng)
    gc.collect()
    out["collect_frozen_s"] = bench_frozen(records)
    gc.collect()
    out["mem_full_b"] = retained(lambda: build(records)) / n
    out["mem_keyframe_b"] = retained(lambda: build(records, keyframe_every=keyframe)) / n
    out.update(bench_keyframes(records, keyframe, rng))
    gc.collect()
    return out


def report(row: dict[str, float], keyframe: int) -> None:
    n = int(row["n"])
    us = 1e6 / n

    def check(ok: bool) -> str:
        return "ok" if ok else "MISSED"

    speed = row["floor_s"] / row["build_s"]
    print(f"\n== {n:,} records (keyframes every {keyframe}) ==")
    print(f"floor fold            {row['floor_s']:8.2f} s  {row['floor_s'] * us:6.2f} us/record")
    print(f"replay (streaming)    {row['replay_s']:8.2f} s  {row['replay_s'] * us:6.2f} us/record")
    print(
        f"timeline build        {row['build_s']:8.2f} s  {row['build_s'] * us:6.2f} us/record"
        f"  floor/timeline = {speed:.2f} (target >= 0.25: {check(speed >= 0.25)})"
    )
    print(
        f"  first gc.collect()  {row['collect_s']:8.2f} s  with freeze_gc=False (freeze_gc=None: "
        f"{row['collect_frozen_s']:.3f} s; the records alone: {row['collect_records_s']:.2f} s)"
    )
    mem = row["mem_full_b"]
    print(f"retained, all states  {mem:8.0f} B/step  (target <= 1536 at 1M: {check(mem <= 1536)})")
    print(f"retained, K={keyframe:<6}   {row['mem_keyframe_b']:8.0f} B/step")
    jump = row["jump_us"]
    print(f"jump, all states      {jump:8.3f} us   (target < 10: {check(jump < 10)})")
    jump_k = row["jump_keyframe_ms"]
    print(
        f"jump, K={keyframe:<6}       {jump_k:8.3f} ms   median "
        f"{row['jump_keyframe_median_ms']:.3f} ms, max {row['jump_keyframe_max_ms']:.3f} ms"
        f"  (target < 20: {check(jump_k < 20)})"
    )
    print(f"build, K={keyframe:<6}      {row['build_keyframe_s']:8.2f} s")
    guided = row["diff_us"]
    thawed_us = row["thawed_diff_ms"] * 1e3
    ratio = thawed_us / guided
    print(
        f"diff adjacent         {guided:8.2f} us   median {row['diff_median_us']:.1f} us"
        f"  ({int(row['live_entries']):,} live entries; target < 50: {check(guided < 50)})"
    )
    print(f"  without change log  {row['diff_unguided_ms']:8.2f} ms")
    print(
        f"  thawed snapshots    {row['thawed_diff_ms']:8.2f} ms   (+ {row['thaw_ms']:.0f} ms to"
        f" thaw)  thawed/guided = {ratio:,.0f}x (target >= 100: {check(ratio >= 100)})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--records", type=int, nargs="+", default=[100_000])
    parser.add_argument("--keyframe", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    sizes = sorted(args.records)
    print(f"decoding {sizes[-1]:,} records ...", flush=True)
    records = decode(sizes[-1])
    rows = []
    for n in sizes:
        row = bench(records[:n], args.keyframe, args.seed)
        report(row, args.keyframe)
        rows.append(row)
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        growth = (last["build_s"] / last["n"]) / (first["build_s"] / first["n"])
        print(
            f"\nlinearity: build time per record at {int(last['n']):,} is {growth:.2f}x "
            f"that at {int(first['n']):,} (floor: "
            f"{(last['floor_s'] / last['n']) / (first['floor_s'] / first['n']):.2f}x)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
