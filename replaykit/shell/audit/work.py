"""The per-run work of an audit: ``Task`` in, ``Row`` out (``audit_run``).

It is what a worker process or a Dask worker runs: it holds no open handle between
runs and imports nothing of the command line.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Final, final

import attrs
import orjson

from replaykit.model import JournalRecord, ReplayStatus
from replaykit.replay import ReplayConfig, ReplayFault, finish, fold_steps, pause_gc
from replaykit.shell.errors import SourceError
from replaykit.shell.sources import open_journal, open_store
from replaykit.shell.sources.base import stored_checkpoints
from replaykit.timetravel.advisories import Advisor
from replaykit.wire import to_json_bytes

__all__ = ["VERDICTS", "Row", "Task", "audit_chunk", "audit_run"]

#: The verdicts, best to worst.
VERDICTS: Final = ("complete", "repair_needed", "rejected", "unreadable")


@final
@attrs.frozen
class Task:
    """One run to audit: its source, the run (``None``: the source's only run), how big
    it is (for scheduling), and whether content comes from the run's store."""

    source: str
    run_id: str | None
    scope: str | None = None
    schema: str | None = None
    size: int = 0
    content_from_store: bool = False
    #: The reason the source could not even be listed (the row is then unreadable).
    error: str | None = None
    problem: str | None = None
    #: Its place in the output order (set by ``audit``).
    index: int = 0


@final
@attrs.frozen
class Row:
    """The audit of one run (the fields of ``--format jsonl``)."""

    source: str
    run_id: str | None
    records: int
    verdict: str
    resume_allowed: bool | None
    #: The ReplayResult JSON, exactly what ``replay --json`` prints (without newline).
    result: bytes | None
    fault: dict[str, Any] | None
    error: str | None
    #: For an unreadable run: the ``Problem`` (for the exit code).
    problem: str | None = None
    repairs: int = 0
    #: The task's place in the output order.
    index: int = 0
    #: Its advisories: ``(code, severity, steps)`` each (``replaykit.timetravel.advisories``).
    advisories: tuple[tuple[str, str, tuple[int, ...]], ...] = ()

    @property
    def key(self) -> tuple[str, str]:
        return (self.source, self.run_id or "")

    def to_json(self, *, advisories: bool = False) -> bytes:
        """One JSON object, the pinned fields in order (``result`` as written by replay);
        with ``advisories``, an ``advisories`` list ({code, severity, steps}) at the end."""
        head = orjson.dumps(
            {
                "source": self.source,
                "run_id": self.run_id,
                "records": self.records,
                "verdict": self.verdict,
                "resume_allowed": self.resume_allowed,
            }
        )
        tail = orjson.dumps({"fault": self.fault, "error": self.error})
        result = self.result if self.result is not None else b"null"
        line = head[:-1] + b',"result":' + result + b"," + tail[1:]
        if not advisories:
            return line
        listed = orjson.dumps(
            [
                {"code": code, "severity": severity, "steps": list(steps)}
                for code, severity, steps in self.advisories
            ]
        )
        return line[:-1] + b',"advisories":' + listed + b"}"


_CONTENT_CACHE: dict[tuple[str, str | None, str | None], frozenset[str]] = {}


def _store_content(task: Task) -> frozenset[str]:
    key = (task.source, task.scope, task.schema)
    if key not in _CONTENT_CACHE:
        store = open_store(task.source, scope=task.scope, schema=task.schema or "public")
        _CONTENT_CACHE[key] = store.content_ids()
    return _CONTENT_CACHE[key]


def audit_run(task: Task, config: ReplayConfig) -> Row:
    """Replay one run strictly: its row. Never raises for bad input (it becomes an
    ``unreadable`` row naming the problem)."""
    if task.error is not None:
        return Row(
            task.source,
            task.run_id,
            0,
            "unreadable",
            None,
            None,
            None,
            task.error,
            task.problem,
            index=task.index,
        )
    count = 0
    try:
        if task.content_from_store:
            config = attrs.evolve(config, available_content_refs=_store_content(task))
        store = None
        if task.run_id is None:
            journal = open_journal(task.source)
        else:  # a run the store listed: no need to list them all again
            store = open_store(task.source, scope=task.scope, schema=task.schema or "public")
            journal = store.journal(task.run_id, verify=False)
        run_id = task.run_id

        def counted() -> Iterator[Any]:
            nonlocal count, run_id
            for record in journal:
                count += 1
                if run_id is None:
                    run_id = record.run_id
                yield record

        advisor = Advisor(config)
        first = _fold(counted(), advisor)
        stored = stored_checkpoints(store, task.run_id)
        advisories = tuple(
            (advisory.code, advisory.severity.value, advisory.steps)
            for advisory in advisor.advisories(stored_checkpoints=stored)
        )
    except SourceError as error:
        return Row(
            task.source,
            task.run_id,
            count,
            "unreadable",
            None,
            None,
            None,
            str(error),
            str(error.problem),
            index=task.index,
        )
    if first is None:
        result = finish(advisor.state)
        verdict = (
            "complete"
            if result.status is ReplayStatus.COMPLETE and result.resume_allowed
            else "repair_needed"
        )
        return Row(
            task.source,
            run_id,
            count,
            verdict,
            result.resume_allowed,
            to_json_bytes(result).rstrip(b"\n"),
            None,
            None,
            repairs=len(result.repair_needed),
            index=task.index,
            advisories=advisories,
        )
    number, fault = first
    where = {
        "index": number - 1,
        "record_id": fault.record_id,
        "journal_seq": fault.journal_seq,
        "kind": str(fault.kind),
        "message": fault.message,
    }
    return Row(
        task.source,
        run_id,
        count,
        "rejected",
        None,
        None,
        where,
        None,
        index=task.index,
        advisories=advisories,
    )


def _fold(records: Iterator[JournalRecord], advisor: Advisor) -> tuple[int, ReplayFault] | None:
    """The lenient fold of a run for its advisories; the first rejected record, if any
    (a source error after it ends the reading: the verdict is known by then)."""
    first: tuple[int, ReplayFault] | None = None
    before = advisor.start
    steps = fold_steps(before, records)
    number = 0
    with pause_gc():
        while True:
            try:
                step = next(steps, None)
            except SourceError:
                if first is None:
                    raise
                return first
            if step is None:
                return first
            record, after, fault = step
            number += 1
            advisor.see(number, record, before, after, fault)
            if fault is not None and first is None:
                first = (number, fault)
            before = after


def audit_chunk(tasks: Sequence[Task], config: ReplayConfig) -> list[Row]:
    """``audit_run`` over a chunk of tasks (what one worker call does)."""
    return [audit_run(task, config) for task in tasks]
