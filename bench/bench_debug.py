"""The debugger's searches on a long journal: ``find`` costs one check per step.

Run: ``python bench/bench_debug.py [--records N]`` (default 200,000).

Times ``replaykit debug JOURNAL`` (piped commands) with an empty content manifest, so
every content ref is missing: once with just ``quit`` (reading and folding the
journal) and once with searches that run to the end of the journal (``find missing``
from the first step, then ``find rejected`` and ``find terminal``, which find nothing),
and reports the searches' own time (the difference). Target: ``find missing`` and the
others on 200k records in under 5 s (they recomputed the verdict at every step).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

from _common import journal

SCRIPT = os.path.join(os.path.dirname(sys.executable), "replaykit")


def session(path: str, manifest: str, commands: str) -> float:
    start = time.perf_counter()
    done = subprocess.run(
        [SCRIPT, "debug", path, "--content-manifest", manifest],
        input=commands.encode(),
        capture_output=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 64):
        raise SystemExit(done.stderr.decode())
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=200_000)
    args = parser.parse_args(argv)
    path = str(journal(args.records))
    searches = "find missing\ngoto 0\nfind rejected\nfind terminal\nfind checkpoint\nquit\n"
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as manifest:
        base = with_finds = float("inf")
        for _ in range(3):  # interleaved, best of three: the machine's load varies
            base = min(base, session(path, manifest.name, "quit\n"))
            with_finds = min(with_finds, session(path, manifest.name, searches))
    spent = with_finds - base
    print(
        f"{args.records:,} records: session {base:.1f} s to read and fold; four searches over"
        f" the journal {spent:.2f} s (target < 5 s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
