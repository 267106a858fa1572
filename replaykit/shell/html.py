"""The report's pages, ready made: the shell side of ``replaykit.report``.

It reads the page's assets (``replaykit/report/assets``: template, script, style) and
puts documents into them: ``report_html`` for records, ``timeline_html`` for a
``Timeline``, ``result_html`` for a ``ReplayResult``, and ``iframe`` for a notebook
(``Timeline._repr_html_`` and ``ReplayResult._repr_html_`` use these). The page needs no
network: its script, style and data are inside it.

>>> from replaykit import ReplayConfig, ReplayMode, load
>>> records = load("example:crash-recovery").unwrap()
>>> page = report_html(records, ReplayConfig(ReplayMode.RESUME_REPLAY), title="crash")
>>> page.startswith("<!DOCTYPE html>"), "crash" in page, "journal.run" in page
(True, True, False)
"""

from __future__ import annotations

import functools
import html
from collections.abc import Iterable, Sequence
from importlib import resources
from typing import Any, Final

from replaykit.model import JournalRecord, ReplayResult
from replaykit.replay import ReplayConfig, fold_steps, initial_state, pause_gc
from replaykit.report import Assets, document_chunks, page, result_document
from replaykit.timetravel import Timeline

__all__ = [
    "NOTEBOOK_STEPS",
    "assets",
    "iframe",
    "render",
    "report_html",
    "result_html",
    "timeline_html",
]

#: A notebook shows a timeline of at most this many steps in full (a page of about 4 MB);
#: a longer one shows its verdict, with a note on how to see the whole run.
NOTEBOOK_STEPS: Final = 20_000


@functools.cache
def assets() -> Assets:
    """The page's template, script and style, read once from the package."""
    folder = resources.files("replaykit.report") / "assets"
    return Assets(
        template=(folder / "page.html").read_text("utf-8"),
        script=(folder / "report.js").read_text("utf-8"),
        style=(folder / "report.css").read_text("utf-8"),
    )


def render(document: dict[str, Any] | Iterable[bytes], *, title: str) -> str:
    """The page of ``document`` (data, or ``document_chunks``' pieces)."""
    from replaykit import __version__

    return page(document, assets=assets(), title=title, version=__version__)


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
        return render(chunks, title=title)


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
            " here is its last verdict; replaykit.shell.html.timeline_html(timeline) or"
            " `replaykit report JOURNAL -o run.html` gives the page of every step"
        )
        return result_html(timeline.result(last), title=title, note=note)
    steps = [(s.record, s.state, s.fault) for s in timeline.steps(1) if s.record is not None]
    with pause_gc():
        chunks = document_chunks(
            steps,
            timeline.config,
            title=title,
            source=title,
            run=steps[0][0].run_id if steps else None,
            start=timeline[0],
        )
        return render(chunks, title=title)


def result_html(
    result: ReplayResult,
    *,
    title: str = "ReplayResult",
    note: str = "a verdict alone: the records behind it are not in this view",
) -> str:
    """The report page of a verdict alone (no steps), with ``note`` as its banner."""
    return render(result_document(result, title=title, note=note), title=title)


def iframe(document: str, *, height: int = 640) -> str:
    """``document`` inside a sandboxed ``<iframe srcdoc>`` (for notebooks)."""
    return (
        f'<iframe srcdoc="{html.escape(document, quote=True)}" sandbox="allow-scripts"'
        f' style="width: 100%; height: {height}px; border: 1px solid #ccc"></iframe>'
    )
