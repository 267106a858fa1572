"""The visual report: a run's fold as one self-contained HTML page.

``report_html`` folds the records (leniently, as ``show`` and ``history`` do) and gives
the page; ``timeline_html`` and ``result_html`` are the same renderer for a ``Timeline``
and a ``ReplayResult`` (their ``_repr_html_`` in Jupyter shows it in an ``<iframe>``).
The page needs no network: its script, style and data are inside it.

>>> from replaykit import ReplayConfig, ReplayMode, load
>>> records = load("example:crash-recovery").unwrap()
>>> page = report_html(records, ReplayConfig(ReplayMode.RESUME_REPLAY), title="crash")
>>> page.startswith("<!DOCTYPE html>"), "crash" in page, "journal.run" in page
(True, True, False)
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import Any, Final

from replaykit.model import JournalRecord, ReplayResult
from replaykit.replay import ReplayConfig, fold_steps, initial_state, pause_gc
from replaykit.report.document import (
    FORMAT,
    VERSION,
    document_chunks,
    document_data,
    verdict_data,
)
from replaykit.report.page import page
from replaykit.timetravel import Timeline, snapshot
from replaykit.wire import to_data

__all__ = [
    "FORMAT",
    "NOTEBOOK_STEPS",
    "VERSION",
    "document_chunks",
    "document_data",
    "iframe",
    "page",
    "report_html",
    "result_html",
    "timeline_html",
    "verdict_data",
]


def _version() -> str:
    from replaykit import __version__

    return __version__


def report_html(
    records: Iterable[JournalRecord],
    config: ReplayConfig,
    *,
    title: str = "replaykit report",
    source: str | None = None,
    unit: str = "line",
    locations: Sequence[int] = (),
    sampling: str | None = None,
) -> str:
    """The report page of ``records`` folded under ``config``."""
    kept = list(records)
    start = initial_state(config)
    with pause_gc():
        chunks = document_chunks(
            fold_steps(start, kept),
            config,
            title=title,
            source=title if source is None else source,
            run=kept[0].run_id if kept else None,
            unit=unit,
            locations=locations,
            start=start,
            sampling=sampling,
        )
        return page(chunks, title=title, version=_version())


#: A notebook shows a timeline of at most this many steps in full (a page of about 4 MB);
#: a longer one shows its verdict, with a note on how to see the whole run.
NOTEBOOK_STEPS: Final = 20_000


def timeline_html(
    timeline: Timeline, *, title: str = "Timeline", max_steps: int | None = None
) -> str:
    """The report page of every step of ``timeline`` (it folds what is left to fold).

    With ``max_steps``, a longer timeline gives the page of its last verdict instead,
    saying so (what ``Timeline._repr_html_`` does with ``NOTEBOOK_STEPS``)."""
    last = len(timeline) - 1
    if max_steps is not None and last > max_steps:
        note = (
            f"this timeline has {last:,} steps, more than a notebook shows ({max_steps:,}):"
            " here is its last verdict; replaykit.report.timeline_html(timeline) or"
            " `replaykit report JOURNAL -o run.html` gives the page of every step"
        )
        return result_html(timeline.result(last), title=title, note=note)
    steps = [(s.record, s.state, s.fault) for s in timeline.steps(1) if s.record is not None]
    start = timeline[0]
    with pause_gc():
        chunks = document_chunks(
            steps,
            timeline.config,
            title=title,
            source=title,
            run=steps[0][0].run_id if steps else None,
            start=start,
        )
        return page(chunks, title=title, version=_version())


def result_html(
    result: ReplayResult,
    *,
    title: str = "ReplayResult",
    note: str = "a verdict alone: the records behind it are not in this view",
) -> str:
    """The report page of a verdict alone (no steps), with ``note`` as its banner."""
    start = initial_state(ReplayConfig(result.mode))
    data: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "title": title,
        "source": title,
        "run": None,
        "unit": "line",
        "mode": result.mode.value,
        "verdict": to_data(result),
        "lenient": to_data(result),
        "causes": [],
        "initial": snapshot(start),
        "steps": [],
        "lanes": [],
        "markers": [],
        "advisories": [],
        "sampling": {"note": note},
    }
    return page(data, title=title, version=_version())


def iframe(document: str, *, height: int = 640) -> str:
    """``document`` inside a sandboxed ``<iframe srcdoc>`` (for notebooks)."""
    return (
        f'<iframe srcdoc="{html.escape(document, quote=True)}" sandbox="allow-scripts"'
        f' style="width: 100%; height: {height}px; border: 1px solid #ccc"></iframe>'
    )
