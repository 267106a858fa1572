"""Streaming decode per payload mix, against untyped parsing and an earlier revision.

Run: ``python bench/bench_decode.py [--records N] [--against REV] [--rounds R] [--bulk]``.

Mixes (each ``--records`` lines, decoded one at a time and dropped, as a fold consumes
them):

- ``runtime-like``: the synthetic journal of ``bench_core`` (effects, output deliveries,
  checkpoints, turns; 4% of its lines are payloads the reducer ignores);
- ``ignored``: only payloads the reducer ignores, all sixteen kinds, rich ones (every
  optional field written): the reference's own re-encodings of the accepted lines of
  ``tests/data/payloads/payloads-sample.jsonl``, repeated;
- ``half-ignored``: the two interleaved line by line, about the share of ignored
  payloads in the runtime's own journals (``tests/data/runtime``: 45%);
- ``localized``: ``runtime-like`` with a third of its lines carrying non-ASCII text and
  an escaped new line in their summary (journals of non-English users), and the same
  split into its ``localized/ascii`` and ``localized/non-ascii`` lines.

Every rate comes from one run: ``json.loads`` and ``orjson.loads`` of the same lines, and
with ``--against REV`` the decoder of that revision (checked out into a temporary git
worktree), each in a fresh process, in interleaved rounds (best of ``--rounds``).
``--bulk`` also times ``replaykit.load`` (the whole file into a tuple, the collector
paused, including the young collection the pause put off, which traverses every record
once), ``load(freeze=True)`` (which spares that traversal) and a list comprehension
that keeps every record with the collector on, each against streaming decode.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import OUT, journal

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "data" / "payloads" / "payloads-sample.jsonl"

CHILD = """
import gc, json, sys, time
tree, path, what = sys.argv[1:4]
sys.path.insert(0, tree)
import orjson
from replaykit import JournalRecord, from_json
with open(path, "rb") as handle:
    lines = handle.read().splitlines()
if what in ("decode", "list", "load", "load-freeze"):
    def func(line):
        return from_json(JournalRecord, line).unwrap()
else:
    func = {"json": json.loads, "orjson": orjson.loads}[what]
for line in lines[:200]:
    func(line)  # warm up (generated code, caches)
gc.collect()
start = time.perf_counter()
if what.startswith("load"):  # bulk: the whole file into a tuple (collector paused inside)
    from replaykit import load
    kept = load(path, freeze=what == "load-freeze").unwrap()
    x = [[] for _ in range(1000)]  # enough to run the young collection the pause put off
elif what == "list":  # bulk by hand: every record kept in a list, collector on
    kept = [func(line) for line in lines]
else:  # streaming: each record dropped at once
    for line in lines:
        func(line)
print(len(lines) / (time.perf_counter() - start))
"""


def _ignored_lines() -> list[bytes]:
    rows = [json.loads(line) for line in SAMPLE.read_text("utf-8").split("\n") if line]
    lines = {
        row["canonical_line"]
        for row in rows
        if row["accept"]
        and json.loads(row["canonical_line"])["payload"]["type"] != "turn_lifecycle"
    }
    return [line.encode("utf-8") for line in sorted(lines)]


_SUMMARY = b'"redacted_summary":"'
_LOCAL = "Schritt ausgeführt: Änderung übernommen — 已执行工具调用\\n".encode()


def _localize(line: bytes) -> bytes:
    """The line with non-ASCII text and an escaped new line before its summaries."""
    return line.replace(_SUMMARY, _SUMMARY + _LOCAL)


def mixes(records: int) -> dict[str, Path]:
    """The mix files (written once into ``bench/out``)."""
    OUT.mkdir(exist_ok=True)
    runtime = journal(records).read_bytes().splitlines()[:records]
    ignored = _ignored_lines()
    ignored = [ignored[i % len(ignored)] for i in range(records)]
    half = [runtime[i // 2] if i % 2 == 0 else ignored[i // 2] for i in range(records)]
    localized = [_localize(line) if i % 3 == 0 else line for i, line in enumerate(runtime)]
    out = {}
    for name, lines in (
        ("runtime-like", runtime),
        ("ignored", ignored),
        ("half-ignored", half),
        ("localized", localized),
        ("localized/ascii", [line for line in localized if line.isascii()]),
        ("localized/non-ascii", [line for line in localized if not line.isascii()]),
    ):
        path = OUT / f"mix-{name.replace('/', '-')}-{records}.jsonl"
        if not path.exists():
            path.write_bytes(b"\n".join(lines) + b"\n")
        out[name] = path
    return out


def _rate(tree: Path, path: Path, what: str) -> float:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(tree), str(path), what],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    return float(done.stdout.strip())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--against", help="a git revision to compare the decoder with")
    parser.add_argument(
        "--bulk", action="store_true", help="also time load() and a list of all records"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        trees = {"decode": ROOT}
        if args.against:
            base = Path(scratch) / "base"
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(base), args.against],
                check=True,
                capture_output=True,
            )
            trees["base"] = base
        try:
            for name, path in mixes(args.records).items():
                count = path.read_bytes().count(b"\n")
                kb = path.stat().st_size / count / 1024
                best: dict[str, float] = {}
                for _ in range(args.rounds):
                    for label, tree, what in [
                        *((label, tree, "decode") for label, tree in trees.items()),
                        ("json", ROOT, "json"),
                        ("orjson", ROOT, "orjson"),
                        *(
                            [
                                ("load", ROOT, "load"),
                                ("load-freeze", ROOT, "load-freeze"),
                                ("list", ROOT, "list"),
                            ]
                            if args.bulk
                            else []
                        ),
                    ]:
                        best[label] = max(best.get(label, 0.0), _rate(tree, path, what))
                line = (
                    f"{name:>19} ({kb:.2f} KB/line) | decode {best['decode']:>7,.0f} rec/s "
                    f"= {best['decode'] / best['orjson']:.2f}x orjson.loads "
                    f"({best['orjson']:,.0f}; json.loads {best['json']:,.0f}; target >= 0.30)"
                )
                if args.bulk:
                    line += (
                        f" | load() {best['load'] / best['decode']:.2f}x streaming,"
                        f" load(freeze=True) {best['load-freeze'] / best['decode']:.2f}x"
                        f" (target >= 0.80); a list, collector on:"
                        f" {best['list'] / best['decode']:.2f}x"
                    )
                if "base" in best:
                    line += (
                        f" | {args.against}: {best['base']:,.0f} rec/s, this tree "
                        f"{best['decode'] / best['base']:.2f}x (target >= 0.90)"
                    )
                print(line, flush=True)
        finally:
            if args.against:
                subprocess.run(
                    ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base)],
                    check=False,
                    capture_output=True,
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
