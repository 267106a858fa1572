"""Sources to tasks: every run of every store, JSONL file, folder and glob."""

from __future__ import annotations

import glob
import os
import stat
from collections.abc import Iterable

from replaykit.shell.audit.work import Task
from replaykit.shell.errors import Problem, SourceError, os_error
from replaykit.shell.sources import EXAMPLE_PREFIX, is_store_spec, open_store
from replaykit.shell.sources.filestore import looks_like_file_store
from replaykit.shell.sources.postgres import URL_PREFIXES, PostgresStore

__all__ = ["discover"]


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
    on_disk = not source.startswith((*URL_PREFIXES, EXAMPLE_PREFIX))
    if on_disk and glob.has_magic(source) and not os.path.exists(source):
        matches = sorted(glob.glob(source, recursive=True))
        if not matches:
            raise SourceError(Problem.NOT_FOUND, source, "no file matches the pattern")
        return [
            task for match in matches for task in _discover_one(match, scope, schema, from_store)
        ]
    if on_disk:
        try:
            mode = os.stat(source).st_mode
        except OSError as error:
            raise os_error(error, source) from None
        if stat.S_ISDIR(mode) and not looks_like_file_store(source):
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
