"""Benchmarks of the core (issue: decode, strict fold, linearity, streaming memory).

Run: ``python bench/bench_core.py [--sizes 10000,100000,1000000] [--memory-records N]``.

Every figure is measured in one run against baselines measured in the same run:
- decode: ``from_json(JournalRecord, line)`` against ``json.loads`` and ``orjson.loads``
  (untyped) of the same lines (up to 100k), streaming (each value dropped at once, as a
  fold consumes records) and into a list that keeps every value (the collector then
  traverses all of them again and again);
- fold: replaykit's strict ``replay`` (which pauses the collector, as documented) against
  the mutable floor in ``bench/floor.py``, both with the garbage collector on as users run
  them, after checking that both give the same ``ReplayResult`` (best of 5 interleaved
  rounds up to 100k records, of 3 above);
- linearity: the fold rate at 1M records over the rate at 100k, both from separate runs
  and within the 1M run, where the first 100k records of the same journal (the 100k
  journal is exactly that prefix) are folded in the same interleaved rounds, so that
  the two rates see the same machine; the floor's own figure is printed beside it;
- memory: peak RSS of a child process that streams a JSONL journal through ``replay``,
  against a child that only imports replaykit.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

import orjson
from _common import child_peak_mb, journal, rounds, timed
from floor import floor_replay

from replaykit import JournalRecord, ReplayConfig, ReplayMode, from_json, replay, to_json

STREAM = """
import sys
from replaykit import JournalRecord, ReplayConfig, ReplayMode, from_json, replay
with open(sys.argv[1], "rb") as lines:
    records = (from_json(JournalRecord, line).unwrap() for line in lines)
    result = replay(records, ReplayConfig(ReplayMode.RESUME_REPLAY)).unwrap()
print(result.latest_journal_seq)
"""
BASE = "import replaykit, replaykit.wire, replaykit.replay\nprint(0)"


def bench_size(n: int) -> dict[str, float]:
    path = journal(n)
    with open(path, "rb") as handle:
        lines = handle.read().splitlines()
    sample = lines[: min(n, 100_000)]
    size_kb = sum(map(len, sample)) / len(sample) / 1024

    def stream(decode: Callable[[bytes], object]) -> None:
        for line in sample:
            decode(line)

    def typed(line: bytes) -> JournalRecord:
        return from_json(JournalRecord, line).unwrap()

    decoded, _ = rounds(
        {
            "json": lambda: stream(json.loads),
            "orjson": lambda: stream(orjson.loads),
            "decode": lambda: stream(typed),
        },
        3,
    )
    t_kept, _ = timed(lambda: [typed(line) for line in sample])
    t_orjson_kept, _ = timed(lambda: [orjson.loads(line) for line in sample])
    records = [typed(line) for line in lines]
    del lines
    config = ReplayConfig(ReplayMode.RESUME_REPLAY)
    expected = floor_replay(records, ReplayMode.RESUME_REPLAY)
    prefix = records[:100_000]
    funcs = {
        "floor": lambda: floor_replay(records, ReplayMode.RESUME_REPLAY),
        "fold": lambda: replay(records, config).unwrap(),
    }
    if n > 100_000:  # the same rounds fold the 100k prefix, for linearity within one run
        funcs = {
            "floor_prefix": lambda: floor_replay(prefix, ReplayMode.RESUME_REPLAY),
            "fold_prefix": lambda: replay(prefix, config).unwrap(),
            **funcs,
        }
    # Best of interleaved rounds, so that a change in machine load favours none of them.
    times, got = rounds(funcs, 5 if n <= 100_000 else 3)
    if to_json(got) != to_json(expected):
        raise SystemExit(f"replaykit and the floor disagree at {n} records")
    count = len(sample)
    row = {
        "records": n,
        "decode_rps": count / decoded["decode"],
        "json_rps": count / decoded["json"],
        "orjson_rps": count / decoded["orjson"],
        "decode_kept_rps": count / t_kept,
        "orjson_kept_rps": count / t_orjson_kept,
        "floor_rps": n / times["floor"],
        "fold_rps": n / times["fold"],
    }
    row["fold_vs_floor"] = row["fold_rps"] / row["floor_rps"]
    print(
        f"{n:>9,} records | decode {row['decode_rps']:>7,.0f} rec/s "
        f"({row['decode_rps'] * size_kb / 1024:.0f} MB/s) streaming "
        f"(json.loads {row['json_rps']:,.0f}, orjson.loads {row['orjson_rps']:,.0f} untyped), "
        f"{row['decode_kept_rps']:,.0f} rec/s into a list (orjson.loads "
        f"{row['orjson_kept_rps']:,.0f}); {size_kb:.2f} KB/record | "
        f"fold {row['fold_rps']:>7,.0f} rec/s, floor {row['floor_rps']:,.0f} rec/s, "
        f"ratio {row['fold_vs_floor']:.2f}",
        flush=True,
    )
    if n > 100_000:
        fold_prefix = 100_000 / times["fold_prefix"]
        floor_prefix = 100_000 / times["floor_prefix"]
        print(
            f"{'':>9} within this run | first 100k records: fold {fold_prefix:,.0f} rec/s, "
            f"floor {floor_prefix:,.0f} rec/s | linearity (rate at {n:,} / at 100k): fold "
            f"{row['fold_rps'] / fold_prefix:.2f} (target >= 0.80), floor "
            f"{row['floor_rps'] / floor_prefix:.2f}",
            flush=True,
        )
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--memory-records", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]
    rows = [bench_size(n) for n in sizes]
    by_size = {int(row["records"]): row for row in rows}
    if 100_000 in by_size and 1_000_000 in by_size:
        linear = by_size[1_000_000]["fold_rps"] / by_size[100_000]["fold_rps"]
        floor = by_size[1_000_000]["floor_rps"] / by_size[100_000]["floor_rps"]
        print(
            f"linearity across runs: fold rate at 1M / at 100k = {linear:.2f} "
            f"(target >= 0.80); floor {floor:.2f}"
        )
    if args.memory_records:
        path = journal(args.memory_records)
        base_mb, _ = child_peak_mb(BASE)
        peak_mb, out = child_peak_mb(STREAM, str(path))
        print(
            f"streaming replay of {args.memory_records:,} records: peak RSS {peak_mb:,.0f} MB "
            f"(interpreter + imports alone: {base_mb:,.0f} MB; target < 300 MB); "
            f"last seq {out.strip()}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
