"""Where journals come from: JSONL files, standard input, and the runtime's stores.

One way to name a source, everywhere a command takes a journal (``open_journal``):

- a path: a directory is a runtime file store; a file is an SQLite database (by its
  header, or a ``.db``/``.sqlite``/``.sqlite3`` name), whose layout (the runtime's or
  replaykit's own) is told by its tables; anything else is JSONL (gzip by ``.gz`` or by
  its header);
- ``-``: JSONL on standard input;
- ``example:NAME``: a journal (or the file store) bundled with replaykit;
- ``postgresql://...``: the runtime's tables in Postgres, with a store scope and a
  schema (``public`` by default).

A store holds many runs: ``run_id`` picks one; without it a store of one run just works
and a store of several is an error that lists them. ``open_store`` gives the store
itself (runs, content ids, checkpoints).

>>> journal = open_journal("example:crash-recovery")
>>> journal.name, sum(1 for _ in journal)
('example:crash-recovery', 11)
>>> store = open_store("example:file-store")
>>> store.layout, store.runs()
('runtime file store', ('run.file.store',))
"""

from __future__ import annotations

import os
import stat
import sys
from typing import BinaryIO, Final

from replaykit import examples
from replaykit.shell.errors import Problem, SourceError, os_error
from replaykit.shell.sources.base import (
    EntriesJournal,
    JournalSource,
    Store,
    StoredCheckpoint,
    at_or_before,
    choose_run,
    invalid_record_message,
)
from replaykit.shell.sources.filestore import (
    FileStore,
    looks_like_file_store,
    not_a_store,
    safe_segment,
)
from replaykit.shell.sources.jsonl import JsonlJournal
from replaykit.shell.sources.postgres import URL_PREFIXES, PostgresStore, mask_password
from replaykit.shell.sources.sqlite import (
    ReplaykitSqliteStore,
    RuntimeSqliteStore,
    SqliteJournal,
    open_sqlite_store,
)

__all__ = [
    "EXAMPLE_PREFIX",
    "EntriesJournal",
    "FileStore",
    "JournalSource",
    "JsonlJournal",
    "PostgresStore",
    "ReplaykitSqliteStore",
    "RuntimeSqliteStore",
    "SqliteJournal",
    "Store",
    "StoredCheckpoint",
    "at_or_before",
    "choose_run",
    "invalid_record_message",
    "is_store_spec",
    "mask_password",
    "open_journal",
    "open_store",
    "safe_segment",
]

#: ``example:NAME`` names a journal bundled with the package.
EXAMPLE_PREFIX: Final = "example:"

_SQLITE_MAGIC: Final = b"SQLite format 3\x00"
_SQLITE_SUFFIXES: Final = (".sqlite", ".sqlite3", ".db")


def _example(spec: str) -> str:
    name = spec.removeprefix(EXAMPLE_PREFIX)
    known = sorted([*examples.names(), *examples.store_names()])
    if name not in known:
        message = f"no bundled example of that name (known: {', '.join(known)})"
        raise SourceError(Problem.NOT_FOUND, spec, message)
    return examples.path(name)


def _is_dir(path: str) -> bool:
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except FileNotFoundError:
        return False
    except OSError as error:
        raise os_error(error, path) from None


def is_store_spec(spec: str) -> bool:
    """Whether ``spec`` names a store (Postgres, a directory, an SQLite database) rather
    than a JSONL journal."""
    if spec == "-":
        return False
    if spec.startswith(URL_PREFIXES):
        return True
    path = _example(spec) if spec.startswith(EXAMPLE_PREFIX) else spec
    return _is_dir(path) or path.endswith(_SQLITE_SUFFIXES) or _has_sqlite_header(path)


def open_store(spec: str, *, scope: str | None = None, schema: str = "public") -> Store:
    """The store named by ``spec``: a ``postgresql://`` URL (with ``scope`` and
    ``schema``), a directory (a runtime file store), or an SQLite database (either
    layout). A JSONL journal is no store: ``Problem.UNKNOWN_LAYOUT``."""
    if spec.startswith(URL_PREFIXES):
        return PostgresStore(spec, scope=scope, schema=schema)
    path = _example(spec) if spec.startswith(EXAMPLE_PREFIX) else spec
    if _is_dir(path):
        if not looks_like_file_store(path):
            raise not_a_store(path)
        store = FileStore(path)
        store.name = spec
        return store
    if path.endswith(_SQLITE_SUFFIXES) or _has_sqlite_header(path):
        return open_sqlite_store(path)
    try:
        os.stat(path)
    except OSError as error:
        raise os_error(error, spec) from None
    message = "not a store: a file that is neither an SQLite database nor a directory"
    raise SourceError(Problem.UNKNOWN_LAYOUT, spec, message)


def open_journal(
    spec: str,
    *,
    run_id: str | None = None,
    scope: str | None = None,
    schema: str = "public",
    allow_torn_tail: bool = False,
    allow_empty: bool = False,
    stdin: BinaryIO | None = None,
) -> JournalSource:
    """The journal named by ``spec`` (see the module's documentation).

    ``run_id`` picks a run of a store (it is an error for a JSONL journal, which holds
    one run as written); ``scope`` and ``schema`` are Postgres's.
    """
    if spec == "-":
        if stdin is None and sys.stdin is None:  # started with standard input closed (`<&-`)
            raise SourceError(Problem.UNREADABLE, "<stdin>", "standard input is closed")
        stream = stdin if stdin is not None else sys.stdin.buffer
        return JsonlJournal(
            stream, name="<stdin>", allow_torn_tail=allow_torn_tail, allow_empty=allow_empty
        )
    if is_store_spec(spec):
        store = open_store(spec, scope=scope, schema=schema)
        run = choose_run(store, run_id, allow_empty=allow_empty)
        if run is None:
            return EntriesJournal(store.name, "row", lambda: iter(()), allow_empty=True)
        return store.journal(run, allow_torn_tail=allow_torn_tail, allow_empty=allow_empty)
    path = _example(spec) if spec.startswith(EXAMPLE_PREFIX) else spec
    return JsonlJournal(path, name=spec, allow_torn_tail=allow_torn_tail, allow_empty=allow_empty)


def _has_sqlite_header(path: str) -> bool:
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return False  # a pipe, a device: never read ahead
        with open(path, "rb") as file:
            return file.read(len(_SQLITE_MAGIC)) == _SQLITE_MAGIC
    except FileNotFoundError:
        return False
    except OSError as error:
        raise os_error(error, path) from None
