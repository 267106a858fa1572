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

import glob
import os
import signal
import stat
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, Final, Protocol, final

import attrs
import orjson

from replaykit.model import ReplayStatus
from replaykit.replay import ReplayConfig, replay
from replaykit.shell.errors import Problem, SourceError, os_error
from replaykit.shell.sources import (
    EXAMPLE_PREFIX,
    is_store_spec,
    open_journal,
    open_store,
)
from replaykit.shell.sources.postgres import URL_PREFIXES, PostgresStore
from replaykit.wire import to_json_bytes

__all__ = [
    "VERDICTS",
    "Dask",
    "Executor",
    "InProcess",
    "Processes",
    "Row",
    "Task",
    "audit",
    "audit_run",
    "discover",
]

#: The verdicts, best to worst.
VERDICTS: Final = ("complete", "repair_needed", "rejected", "unreadable")

#: Runs smaller than this (bytes, or records times ``_RECORD_BYTES``) share a chunk.
_CHUNK_BYTES: Final = 2 * 1024 * 1024
_CHUNK_RUNS: Final = 256
_RECORD_BYTES: Final = 1500


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

    @property
    def key(self) -> tuple[str, str]:
        return (self.source, self.run_id or "")

    def to_json(self) -> bytes:
        """One JSON object, the pinned fields in order (``result`` as written by replay)."""
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
        return head[:-1] + b',"result":' + result + b"," + tail[1:]


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

        folded = replay(counted(), config)
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
    result = folded.value_or(None)
    if result is not None:
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
        )
    fault = folded.failure()
    where = {
        "index": count - 1,
        "record_id": fault.record_id,
        "journal_seq": fault.journal_seq,
        "kind": str(fault.kind),
        "message": fault.message,
    }
    return Row(task.source, run_id, count, "rejected", None, None, where, None, index=task.index)


def audit_chunk(tasks: Sequence[Task], config: ReplayConfig) -> list[Row]:
    """``audit_run`` over a chunk of tasks (what one worker call does)."""
    return [audit_run(task, config) for task in tasks]


# -- discovery ----------------------------------------------------------------------------------


def _file_size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def discover(
    sources: Iterable[str],
    *,
    scope: str | None = None,
    schema: str | None = None,
    content_from_store: bool = False,
) -> list[Task]:
    """Every run of every source, as tasks: a store gives one task per run, a JSONL
    file one, a directory that is no store (or a glob) one per ``*.jsonl``/``*.jsonl.gz``
    file in it. A source that cannot be listed becomes one task that is unreadable."""
    tasks: list[Task] = []
    for source in sources:
        try:
            tasks.extend(_discover_one(source, scope, schema, content_from_store))
        except SourceError as error:
            tasks.append(Task(source, None, error=str(error), problem=str(error.problem)))
    return tasks


def _jsonl_files(folder: str) -> list[str]:
    found: list[str] = []
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        found.extend(
            os.path.join(root, name)
            for name in sorted(files)
            if name.endswith((".jsonl", ".jsonl.gz", ".ndjson"))
        )
    return found


def _discover_one(
    source: str, scope: str | None, schema: str | None, from_store: bool
) -> list[Task]:
    if source.startswith(URL_PREFIXES) or source.startswith(EXAMPLE_PREFIX):
        pass
    elif glob.has_magic(source) and not os.path.exists(source):
        matches = sorted(glob.glob(source, recursive=True))
        if not matches:
            raise SourceError(Problem.NOT_FOUND, source, "no file matches the pattern")
        return [
            task for match in matches for task in _discover_one(match, scope, schema, from_store)
        ]
    else:
        try:
            mode = os.stat(source).st_mode
        except OSError as error:
            raise os_error(error, source) from None
        if stat.S_ISDIR(mode):
            from replaykit.shell.sources.filestore import looks_like_file_store

            if not looks_like_file_store(source):
                files = _jsonl_files(source)
                if not files:
                    raise SourceError(
                        Problem.UNKNOWN_LAYOUT,
                        source,
                        "neither a runtime file store nor a folder of JSONL journals",
                    )
                return [Task(path, None, size=_file_size(path)) for path in files]
    if not is_store_spec(source):
        if from_store:
            message = "--content-from-store: not a store (a JSONL journal)"
            raise SourceError(Problem.UNKNOWN_LAYOUT, source, message)
        return [Task(source, None, size=_file_size(source))]
    pg = source.startswith(URL_PREFIXES)
    store = open_store(
        source, scope=scope if pg else None, schema=(schema if pg else None) or "public"
    )
    sizes = store.run_sizes()
    return [
        Task(
            source,
            run,
            scope=store.scope if isinstance(store, PostgresStore) else None,
            schema=schema if pg else None,
            size=sizes.get(run, 0),
            content_from_store=from_store,
        )
        for run in store.runs()
    ]


# -- executors ----------------------------------------------------------------------------------


def chunks(tasks: Sequence[Task], chunk_bytes: int = _CHUNK_BYTES) -> list[list[Task]]:
    """Biggest first; runs of less than ``chunk_bytes`` grouped (up to ``_CHUNK_RUNS``)."""
    ordered = sorted(tasks, key=lambda task: -task.size)
    out: list[list[Task]] = []
    current: list[Task] = []
    weight = 0
    for task in ordered:
        if task.size >= chunk_bytes:
            out.append([task])
            continue
        current.append(task)
        weight += task.size
        if weight >= chunk_bytes or len(current) >= _CHUNK_RUNS:
            out.append(current)
            current, weight = [], 0
    if current:
        out.append(current)
    return out


class Executor(Protocol):
    """Runs chunks of tasks; yields each chunk's rows as it finishes (any order)."""

    def run(self, work: list[list[Task]], config: ReplayConfig) -> Iterator[list[Row]]: ...


@final
class InProcess:
    """In this process, one run after another (``--workers 1``), each row as it is done."""

    def run(self, work: list[list[Task]], config: ReplayConfig) -> Iterator[list[Row]]:
        for chunk in work:
            for task in chunk:
                yield [audit_run(task, config)]


def _quiet_interrupt() -> None:
    """In a worker process: Ctrl-C (which a terminal sends to the whole process group)
    ends the worker at once and silently; the audit itself reports the interruption."""
    signal.signal(signal.SIGINT, lambda *_: os._exit(130))


@final
class Processes:
    """Local worker processes (``--workers N``); at most ``2 * workers`` chunks in flight,
    so the parent's memory does not grow with the number of runs."""

    def __init__(self, workers: int) -> None:
        self.workers = workers

    def run(self, work: list[list[Task]], config: ReplayConfig) -> Iterator[list[Row]]:
        pending = iter(work)
        with ProcessPoolExecutor(max_workers=self.workers, initializer=_quiet_interrupt) as pool:
            running: set[Future[list[Row]]] = set()
            try:
                while True:
                    while len(running) < 2 * self.workers:
                        chunk = next(pending, None)
                        if chunk is None:
                            break
                        running.add(pool.submit(audit_chunk, chunk, config))
                    if not running:
                        return
                    done, running = wait(running, return_when=FIRST_COMPLETED)
                    for future in done:
                        yield future.result()
            finally:
                for future in running:
                    future.cancel()


@final
class Dask:
    """An existing Dask ``distributed`` cluster (``--scheduler ADDRESS``), or a client.

    Workers read the sources themselves (paths and URLs they can reach); only tasks and
    rows travel. Chunks are bigger than for local processes (``chunk_bytes``): each
    round trip through the scheduler costs more."""

    def __init__(self, address: str | Any, *, chunk_bytes: int = 16 * 1024 * 1024) -> None:
        self.address = address
        self.chunk_bytes = chunk_bytes

    def run(self, work: list[list[Task]], config: ReplayConfig) -> Iterator[list[Row]]:
        try:
            from distributed import Client, as_completed
        except ImportError:
            raise SourceError(
                Problem.UNREADABLE,
                str(self.address),
                "Dask is not installed: pip install 'agent-replaykit[dask]'",
            ) from None
        own = isinstance(self.address, str)
        client: Any
        try:
            client = Client(self.address, timeout=30) if own else self.address  # type: ignore[no-untyped-call]
        except OSError as error:
            raise SourceError(
                Problem.UNREADABLE, str(self.address), f"cannot reach the Dask scheduler ({error})"
            ) from None
        try:
            scattered = client.scatter(config, broadcast=True, hash=False)
            futures = [client.submit(audit_chunk, chunk, scattered, pure=False) for chunk in work]
            # results travel as they complete, fetched in batches by as_completed
            done = as_completed(futures, with_results=True)  # type: ignore[no-untyped-call]
            for future, rows in done:
                future.release()
                yield rows
        finally:
            if own:
                client.close()


# -- the driver ---------------------------------------------------------------------------------


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
    size = getattr(runner, "chunk_bytes", _CHUNK_BYTES)
    for rows in runner.run(chunks(numbered, size), config):
        for row in rows:
            ready[row.index] = row
            if on_row is not None:
                on_row(row)
        while next_out in ready:
            yield ready.pop(next_out)
            next_out += 1
