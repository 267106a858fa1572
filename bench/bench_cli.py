"""End-to-end benchmark of the ``replaykit`` command on a long JSONL journal.

Runs ``replaykit replay JOURNAL --json`` (and, for comparison, the text form, which also
folds for the causes and the advisories) in a child process on a synthetic journal of
``--records`` records (default 1,000,000; written by ``bench/journal_gen.py`` and kept
in ``--dir`` for the next run) and reports the child's peak memory (its maximum
resident set size, read with ``getrusage(RUSAGE_CHILDREN)`` by a wrapper process that
runs nothing else) and records per second, wall clock, decode included. For scale it
measures, in the same run, an empty interpreter, a child that only reads the lines, one
that also parses them with orjson, and one that decodes them with the journal source
but does not fold, and prints ratios against them. The targets: peak memory < 300 MB,
at least 50,000 records/s, and a replay rate at least 0.7x the rate of the decode-only
child (reading and folding add at most ~30%).

    python bench/bench_cli.py [--records N] [--dir DIR]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from typing import Final

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from journal_gen import write_journal

MAX_RSS_MB: Final = 300.0
MIN_RECORDS_PER_SECOND: Final = 50_000.0

_READ_LINES: Final = """
import sys
count = 0
with open(sys.argv[1], "rb") as file:
    for line in file:
        count += 1
print(count)
"""

_PARSE_LINES: Final = """
import sys, orjson
count = 0
with open(sys.argv[1], "rb") as file:
    for line in file:
        orjson.loads(line)
        count += 1
print(count)
"""


_DECODE_ONLY: Final = """
import sys
from replaykit.shell import open_journal
count = 0
for record in open_journal(sys.argv[1]):
    count += 1
print(count)
"""


def measure(argv: list[str]) -> tuple[float, float, bytes]:
    """Run ``argv`` as the only child of a fresh interpreter; wall time, peak RSS, output.

    The wrapper runs the command and then reads ``getrusage(RUSAGE_CHILDREN).ru_maxrss``
    (kilobytes on Linux), which is the peak of that one child.
    """
    wrapper = (
        "import resource, subprocess, sys, time\n"
        "start = time.perf_counter()\n"
        "done = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE)\n"
        "elapsed = time.perf_counter() - start\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "sys.stderr.write(f'{elapsed} {peak} {done.returncode}\\n')\n"
        "sys.stdout.buffer.write(done.stdout)\n"
    )
    child = subprocess.run([sys.executable, "-c", wrapper, *argv], capture_output=True, check=False)
    last = child.stderr.decode().strip().splitlines()[-1]
    elapsed, peak_kb, code = last.split()
    if int(code) not in (0, 1):
        raise SystemExit(f"command failed with exit code {code}: {argv}")
    if sys.platform == "darwin":  # ru_maxrss is in bytes there
        return float(elapsed), int(peak_kb) / 1024 / 1024, child.stdout
    return float(elapsed), int(peak_kb) / 1024, child.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--dir", default=os.path.join(tempfile.gettempdir(), "replaykit-bench"))
    options = parser.parse_args(argv)
    os.makedirs(options.dir, exist_ok=True)
    journal = os.path.join(options.dir, f"journal-{options.records}.jsonl")
    if not os.path.exists(journal):
        print(f"writing {options.records:,} records to {journal} ...", flush=True)
        write_journal(journal, options.records, seed=0)
    size_mb = os.path.getsize(journal) / 1024 / 1024
    n = options.records
    print(f"journal: {n:,} records, {size_mb:,.0f} MB ({size_mb * 1024 * 1024 / n:,.0f} B/record)")

    python = sys.executable
    empty_s, empty_mb, _ = measure([python, "-c", "pass"])
    read_s, read_mb, _ = measure([python, "-c", _READ_LINES, journal])
    parse_s, parse_mb, _ = measure([python, "-c", _PARSE_LINES, journal])
    decode_s, decode_mb, _ = measure([python, "-c", _DECODE_ONLY, journal])
    cli_s, cli_mb, out = measure([python, "-m", "replaykit", "replay", journal, "--json"])
    text_s, text_mb, _ = measure([python, "-m", "replaykit", "replay", journal])

    rate = n / cli_s
    print()
    print(f"{'child':<34}{'wall s':>9}{'records/s':>14}{'peak RSS MB':>14}")
    for label, seconds, peak in (
        ("python -c pass", empty_s, empty_mb),
        ("read lines", read_s, read_mb),
        ("read lines + orjson.loads", parse_s, parse_mb),
        ("journal source (decode, no fold)", decode_s, decode_mb),
        ("replaykit replay --json", cli_s, cli_mb),
        ("replaykit replay (causes, advice)", text_s, text_mb),
    ):
        per_second = f"{n / seconds:,.0f}" if label != "python -c pass" else "-"
        print(f"{label:<34}{seconds:>9.2f}{per_second:>14}{peak:>14.1f}")
    print()
    print(f"replay vs read lines:          {cli_s / read_s:6.1f}x the time")
    print(f"replay vs read + orjson.loads: {cli_s / parse_s:6.1f}x the time")
    print(f"decode share of the replay:    {decode_s / cli_s:6.0%} of the time")
    print(
        f"replay rate / decode-only rate: {decode_s / cli_s:5.2f} (target >= 0.70: reading and"
        " folding add at most ~30% to decoding)"
    )
    print(
        f"replay text (one fold for the causes and the advisories) / decode-only rate:"
        f" {decode_s / text_s:5.2f}; its peak {text_mb:,.1f} MB"
    )
    print(f"peak RSS above an empty interpreter: {cli_mb - empty_mb:,.1f} MB")
    print(f"verdict: {out.decode()[:120]}...")
    memory_ok = cli_mb < MAX_RSS_MB
    speed_ok = rate >= MIN_RECORDS_PER_SECOND
    print()
    print(
        f"peak memory {cli_mb:,.1f} MB (target < {MAX_RSS_MB:.0f}):"
        f" {'ok' if memory_ok else 'MISSED'}"
    )
    print(
        f"throughput {rate:,.0f} records/s (target >= {MIN_RECORDS_PER_SECOND:,.0f}):"
        f" {'ok' if speed_ok else 'MISSED'}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
