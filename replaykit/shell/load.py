"""``load``: every record of a journal in memory, decoded without the collector's toll.

Decoding into a list keeps every record alive, and CPython's cyclic collector traverses
all the live objects again at each of its full collections: with 100k records kept,
that halves the decode rate. ``load`` decodes with the collector paused (the nesting-
and thread-safe ``pause_gc``) and gives back an immutable tuple.

Keeping the records afterwards. Objects allocated while the collector is paused are
all "young" when it resumes, and its next young collection would traverse every one of
them, the records' too (about 4 s per million records of 1.7 KB here), only to find them
alive. So before the pause ends ``load`` moves every tracked object into the oldest
generation, where a long-lived object ends up anyway, without that traversal
(``gc.freeze()`` then ``gc.unfreeze()``: constant time, nothing left frozen). It does so
only when nothing is frozen, since ``gc.unfreeze()`` would thaw a caller's frozen
objects; the one visible effect is that the caller's own young objects are promoted
with the records, so a garbage cycle among them waits for the next full collection.

Full collections still traverse the records now and then (records hold no reference
cycles, so the collector never frees one; it only costs time). A program that keeps a
large journal for long (a service, a notebook) can spare itself that too by moving
everything alive into the permanent generation once loaded, with ``gc.freeze()``
(``gc.unfreeze()`` undoes it). That is a decision for the whole process (every object
alive then is frozen, not only the records), so ``load`` takes it only when asked:
``load(source, freeze=True)``.
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
    The records are moved to the collector's oldest generation, or, with
    ``freeze=True``, ``gc.freeze()`` is called once they are decoded (see the module's
    documentation), for a process that keeps them for long.

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
            elif gc.get_freeze_count() == 0:
                _promote()
    except SourceError as error:
        return Failure(error)
    return Success(records)


def _promote() -> None:
    """Move every tracked object into the collector's oldest generation, as surviving
    collections would, but without traversing them: ``gc.freeze()`` then
    ``gc.unfreeze()`` splice the generation lists in constant time and leave nothing
    frozen. Only when nothing is frozen (``unfreeze`` would thaw a caller's objects)."""
    gc.freeze()
    gc.unfreeze()


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
