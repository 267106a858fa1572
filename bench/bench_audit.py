"""``replaykit audit`` over a whole file store: workers, Dask, per-run overhead, memory.

Run: ``python bench/bench_audit.py [--runs N] [--records R] [--small-runs M] [--no-dask]``.

Two file stores are written once under ``bench/out``: ``--runs`` runs of ``--records``
records (the synthetic journal of ``bench_core``, one run id per run; default 2,000 x
500 = 1M records), and ``--small-runs`` runs of 10 records (default 20,000). Each audit
is the real command (``replaykit audit STORE --format jsonl``, output discarded) in a
fresh process, whose own peak memory (the parent's: worker processes not counted) is
reported. Figures, all from the same run:

- big store: ``--workers 1``, ``--workers 2`` and a 2-worker Dask ``LocalCluster``
  (started here, one thread per worker): records/s and the ratios to ``--workers 1``
  (targets: >= 1.7x for 2 workers, >= 1.5x for the cluster on 2 cores);
- small store with ``--workers 1``: runs/s (target >= 2,000 runs/s);
- the parent's peak memory for both stores (it should not grow with the number of runs).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from _common import OUT, child_peak_mb, journal

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from replaykit.shell.sources import safe_segment

_AUDIT = """
import sys, time, contextlib, io
from replaykit.shell.cli import run
start = time.perf_counter()
with contextlib.redirect_stdout(io.StringIO()) as out:
    code = run(sys.argv[1:])
print("SECONDS", time.perf_counter() - start, "CODE", code, "LINES", out.getvalue().count(chr(10)))
"""


def _store(runs: int, records: int) -> Path:
    root = OUT / f"store-{runs}x{records}"
    done = root / "complete"
    if done.exists():
        return root
    lines = journal(records).read_bytes().splitlines()
    token = b'"run_id":"run.bench.1"'
    assert all(token in line for line in lines)
    for index in range(runs):
        run = f"run.bench.1.{index:05d}"
        folder = root / "runs" / safe_segment(run)
        folder.mkdir(parents=True, exist_ok=True)
        replaced = b"\n".join(line.replace(token, f'"run_id":"{run}"'.encode()) for line in lines)
        (folder / "journal.ndjson").write_bytes(replaced + b"\n")
    done.write_text("")
    return root


def _audit(*args: str) -> tuple[float, float, int]:
    peak, out = child_peak_mb(_AUDIT, "audit", *args, "--format", "jsonl")
    fields = out.split()
    seconds = float(fields[fields.index("SECONDS") + 1])
    lines = int(fields[fields.index("LINES") + 1])
    return seconds, peak, lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--records", type=int, default=500)
    parser.add_argument("--small-runs", type=int, default=20000)
    parser.add_argument("--no-dask", action="store_true")
    parser.add_argument("--dask-only", action="store_true", help="only --workers 1 and Dask")
    options = parser.parse_args()

    big = _store(options.runs, options.records)
    small = _store(options.small_runs, 10)
    total = options.runs * options.records
    print(f"audit: {options.runs} runs x {options.records} records ({total:,} records)")
    one, peak_one, lines = _audit(str(big), "--workers", "1")
    assert lines == options.runs, lines
    print(f"  --workers 1      {total / one:>10,.0f} rec/s  1.00x   parent peak {peak_one:6.0f} MB")
    if not options.dask_only:
        two, peak_two, _ = _audit(str(big), "--workers", "2")
        print(
            f"  --workers 2      {total / two:>10,.0f} rec/s  {one / two:4.2f}x   parent peak"
            f" {peak_two:6.0f} MB"
        )
    if not options.no_dask:
        from distributed import LocalCluster

        with LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster:
            address = str(cluster.scheduler_address)
            _audit(str(small), "--scheduler", address)  # warm the workers' imports
            start = time.perf_counter()
            dask, peak_dask, _ = _audit(str(big), "--scheduler", address)
            del start
        print(
            f"  Dask 2 workers   {total / dask:>10,.0f} rec/s  {one / dask:4.2f}x   parent peak"
            f" {peak_dask:6.0f} MB"
        )
    if options.dask_only:
        return
    seconds, peak_small, lines = _audit(str(small), "--workers", "1")
    assert lines == options.small_runs, lines
    print(
        f"audit: {options.small_runs} runs x 10 records, --workers 1:"
        f" {options.small_runs / seconds:,.0f} runs/s, parent peak {peak_small:.0f} MB"
    )


if __name__ == "__main__":
    main()
