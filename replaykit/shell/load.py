"""``load``: every record of a journal in memory, decoded without the collector's toll.

Decoding into a list keeps every record alive, and CPython's cyclic collector traverses
all the live objects again at each of its full collections: with 100k records kept,
that halves the decode rate. ``load`` decodes with the collector paused (the nesting-
and thread-safe ``pause_gc``) and gives back an immutable tuple.

Keeping the records afterwards. Once the pause ends, the collector runs as usual: its
next collection traverses every object allocated during the pause, the records' too,
once (about 4 s per million records of 1.7 KB here), and its later full collections
traverse them again. Records hold no reference cycles, so the collector never frees
one; it only costs time. A program that keeps a large journal for long (a service, a
notebook) can spare itself that cost by moving everything alive into the collector's
permanent generation once loaded, with ``gc.freeze()`` (``gc.unfreeze()`` undoes it).
That is a decision for the whole process (every object alive then is frozen, not only
the records), so ``load`` takes it only when asked: ``load(source, freeze=True)``.
"""

from __future__ import annotations

import gc
import os
from typing import BinaryIO

from returns.result import Failure, Result, Success

from replaykit.model import JournalRecord
from replaykit.replay import pause_gc
from replaykit.shell.errors import SourceError
from replaykit.shell.sources import JournalSource, JsonlJournal, open_journal

__all__ = ["load"]


def load(
    source: str | os.PathLike[str] | BinaryIO | JournalSource,
    *,
    run_id: str | None = None,
    scope: str | None = None,
    schema: str = "public",
    allow_torn_tail: bool = False,
    allow_empty: bool = False,
    freeze: bool = False,
) -> Result[tuple[JournalRecord, ...], SourceError]:
    """Every record of a journal, in order: ``Success(records)`` or
    ``Failure(SourceError)`` naming the file, the line (or row) and the JSON path.

    ``source`` is what ``open_journal`` takes (a path to a JSONL or gzip journal, a
    store of the runtime: a file-store directory, an SQLite database, a
    ``postgresql://`` URL; ``-`` for standard input, ``example:NAME``), a path object, a
    binary stream of JSONL, or an open journal source (``store.journal(run)`` ...).
    ``run_id`` picks the run of a store that holds several, ``scope`` and ``schema``
    are Postgres's; ``allow_torn_tail`` and ``allow_empty`` are those of the sources.
    ``freeze=True`` calls ``gc.freeze()`` once the records are decoded (see the
    module's documentation), for a process that keeps them for long.

    >>> records = load("example:crash-recovery").unwrap()
    >>> len(records), records[0].journal_seq
    (11, 1)
    >>> [record.journal_seq for record in load("example:file-store").unwrap()]
    [1, 2, 4]
    >>> print(load("no/such.jsonl").failure())
    no/such.jsonl: no such file
    """
    try:
        journal = _journal(source, run_id, scope, schema, allow_torn_tail, allow_empty)
        with pause_gc():
            records = tuple(journal)
            if freeze:
                gc.freeze()
    except SourceError as error:
        return Failure(error)
    return Success(records)


def _journal(
    source: str | os.PathLike[str] | BinaryIO | JournalSource,
    run_id: str | None,
    scope: str | None,
    schema: str,
    allow_torn_tail: bool,
    allow_empty: bool,
) -> JournalSource:
    if isinstance(source, str | os.PathLike):
        return open_journal(
            os.fspath(source),
            run_id=run_id,
            scope=scope,
            schema=schema,
            allow_torn_tail=allow_torn_tail,
            allow_empty=allow_empty,
        )
    if hasattr(source, "entries"):
        return source  # type: ignore[return-value]
    return JsonlJournal(source, allow_torn_tail=allow_torn_tail, allow_empty=allow_empty)
