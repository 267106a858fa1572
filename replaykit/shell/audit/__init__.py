"""Audit: replay every run of one or more sources and give one small row per run.

The per-run work (``audit_run``) takes a ``Task`` (where the run is and how to replay it)
and returns a ``Row``; it holds no open handle between runs and imports nothing of the
CLI, so it is what a worker process or a Dask worker runs. ``discover`` turns sources
into tasks; an executor (``InProcess``, ``Processes``, ``Dask``) runs them, biggest
first, in chunks of small runs so that thousands of tiny runs do not each pay a round
trip; ``audit`` yields the rows in (source, run id) order as soon as every row before
them is done.

>>> from replaykit.replay import ReplayConfig
>>> sources = ["example:file-store", "example:crash-recovery"]
>>> for row in audit(sources, ReplayConfig("resume_replay")):
...     print(row.source, row.run_id, row.records, row.verdict)
example:crash-recovery run.example.crash 11 repair_needed
example:file-store run.file.store 3 repair_needed
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence

import attrs

from replaykit.replay import ReplayConfig
from replaykit.shell.audit.discover import discover
from replaykit.shell.audit.executors import (
    CHUNK_BYTES,
    Dask,
    Executor,
    InProcess,
    Processes,
    chunks,
)
from replaykit.shell.audit.work import VERDICTS, Row, Task, audit_chunk, audit_run

__all__ = [
    "VERDICTS",
    "Dask",
    "Executor",
    "InProcess",
    "Processes",
    "Row",
    "Task",
    "audit",
    "audit_chunk",
    "audit_run",
    "chunks",
    "discover",
]


def audit(
    sources: Iterable[str] | Sequence[Task],
    config: ReplayConfig,
    *,
    executor: Executor | None = None,
    scope: str | None = None,
    schema: str | None = None,
    content_from_store: bool = False,
    on_row: Callable[[Row], None] | None = None,
) -> Iterator[Row]:
    """Audit every run of ``sources`` (specs, or tasks from ``discover``): the rows in
    (source, run id) order, each given as soon as every row before it is done."""
    listed = list(sources)
    tasks = (
        [task for task in listed if isinstance(task, Task)]
        if listed and isinstance(listed[0], Task)
        else discover(
            [str(source) for source in listed],
            scope=scope,
            schema=schema,
            content_from_store=content_from_store,
        )
    )
    ordered = sorted(tasks, key=lambda task: (task.source, task.run_id or ""))
    numbered = [attrs.evolve(task, index=position) for position, task in enumerate(ordered)]
    ready: dict[int, Row] = {}
    next_out = 0
    runner = executor if executor is not None else InProcess()
    size = getattr(runner, "chunk_bytes", CHUNK_BYTES)
    for rows in runner.run(chunks(numbered, size), config):
        for row in rows:
            ready[row.index] = row
            if on_row is not None:
                on_row(row)
        while next_out in ready:
            yield ready.pop(next_out)
            next_out += 1
