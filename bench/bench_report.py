"""The HTML report on long journals: its size, and how fast headless Chromium shows it.

Run: ``python bench/bench_report.py [--records 10000 100000]``.

For each size: ``replaykit report`` end to end (and, as the baseline of the same run,
``replaykit replay`` on the same journal), the page's size, and in headless Chromium
(Debian's, through Playwright) the time from navigation until the page is ready (data
decoded, timeline painted) and then ``stateAt(last step)`` answered. Targets (issue):
10,000 records: < 5 MB and ready + ``stateAt(9999)`` < 2 s; 100,000 records: < 30 MB.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import journal

from replaykit.shell.browser import chromium

SCRIPT = os.path.join(os.path.dirname(sys.executable), "replaykit")


def command(*args: str) -> float:
    start = time.perf_counter()
    done = subprocess.run([SCRIPT, *args], capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1, 2):
        raise SystemExit(done.stderr.decode())
    return elapsed


def browse(path: Path, last: int, rounds: int) -> tuple[float, float]:
    """Best time to ready, and to ``stateAt(last)`` after it, over ``rounds`` fresh pages."""
    ready = answer = float("inf")
    with chromium() as browser:
        for _ in range(rounds):
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            start = time.perf_counter()
            page.goto(path.resolve().as_uri())
            page.locator("html[data-ready='true']").wait_for(state="attached")
            loaded = time.perf_counter()
            count = page.evaluate(f"Object.keys(window.replaykit.stateAt({last})).length")
            answered = time.perf_counter()
            assert count > 0
            ready = min(ready, loaded - start)
            answer = min(answer, answered - start)
            page.close()
    return ready, answer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        for n in args.records:
            source = str(journal(n))
            out = Path(folder) / f"report-{n}.html"
            made = min(command("report", source, "-o", str(out)) for _ in range(args.rounds))
            base = min(command("replay", source) for _ in range(args.rounds))
            size = out.stat().st_size / 1e6
            ready, answer = browse(out, n - 1, args.rounds)
            print(
                f"{n:,} records: report {made:.2f} s ({made / base:.2f}x replay's {base:.2f} s),"
                f" page {size:.2f} MB; Chromium ready {ready:.2f} s,"
                f" stateAt({n - 1:,}) answered at {answer:.2f} s"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
