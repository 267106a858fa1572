"""Run every benchmark, one after another: ``python bench/run.py [--quick]``.

Each benchmark measures replaykit against a baseline in the same run (the mutable floor
of ``bench/floor.py``, untyped JSON parsing, ``pmap``) and prints the ratios next to the
targets. ``--quick`` uses small journals (a smoke run of a minute or two); the default
sizes (up to 1M records) take tens of minutes and a few GB of memory and disk.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small journals only")
    args = parser.parse_args(argv)
    if args.quick:
        runs = [
            ["bench_maps.py", "--entries", "20000"],
            ["bench_core.py", "--sizes", "10000", "--memory-records", "20000"],
            ["bench_decode.py", "--records", "10000", "--rounds", "1", "--bulk"],
            ["bench_timetravel.py", "--records", "20000", "--keyframe", "100"],
            ["bench_cli.py", "--records", "20000"],
            ["bench_debug.py", "--records", "20000"],
            ["bench_stores.py", "--records", "10000", "--rounds", "1"],
            ["bench_audit.py", "--runs", "100", "--records", "100", "--small-runs", "1000"],
            ["bench_report.py", "--records", "2000", "--rounds", "1"],
        ]
    else:
        runs = [
            ["bench_maps.py"],
            ["bench_core.py"],
            ["bench_decode.py", "--bulk"],
            ["bench_timetravel.py", "--records", "100000", "1000000"],
            ["bench_cli.py"],
            ["bench_debug.py"],
            ["bench_stores.py"],
            ["bench_audit.py"],
            ["bench_report.py"],
        ]
    failed = 0
    for run in runs:
        print(f"== {' '.join(run)}", flush=True)
        failed |= subprocess.run([sys.executable, str(HERE / run[0]), *run[1:]]).returncode
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
