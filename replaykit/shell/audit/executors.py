"""Where an audit's tasks run: in this process, local processes, or a Dask cluster.

Tasks travel in chunks (``chunks``): the biggest runs first, small runs together, so
that thousands of tiny runs do not each pay a round trip and one large run is never
held back behind many small ones.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, Final, Protocol, final

from replaykit.replay import ReplayConfig
from replaykit.shell.audit.work import Row, Task, audit_chunk, audit_run
from replaykit.shell.errors import Problem, SourceError

__all__ = ["CHUNK_BYTES", "Dask", "Executor", "InProcess", "Processes", "chunks"]

#: Runs smaller than this (bytes of journal) share a chunk, up to ``_CHUNK_RUNS`` runs.
CHUNK_BYTES: Final = 2 * 1024 * 1024
_CHUNK_RUNS: Final = 256


def chunks(tasks: Sequence[Task], chunk_bytes: int = CHUNK_BYTES) -> list[list[Task]]:
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
