"""What every journal source and store offers, and the pieces they share.

A *journal source* (``JournalSource``) is one run's records, streamed in the order a
replay takes them, with where each came from (a line or a row) for messages. A *store*
(``Store``) is where the agent runtime keeps many runs: its file store, its SQLite
database, Postgres (and replaykit's own SQLite layout). A store lists its runs, gives
one run's records as a journal source in the order the runtime's own reader returns
them, lists the content ids it holds and loads a run's checkpoints. Every store is read
only; none is ever written while it is read.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator, Sequence
from typing import Final, Protocol, final

import attrs
from returns.result import Success

from replaykit.model import JournalRecord, RunCheckpoint
from replaykit.shell.errors import Problem, SourceError
from replaykit.wire import DecodeError, from_json

#: The record of an ``entries()`` triple.
RECORD_OF: Final = operator.itemgetter(2)

__all__ = [
    "RECORD_OF",
    "EntriesJournal",
    "JournalSource",
    "Store",
    "StoredCheckpoint",
    "at_or_before",
    "choose_run",
    "decode_checkpoint",
    "decode_record",
    "invalid_record_message",
    "shown_runs",
    "sorted_checkpoints",
    "stored_checkpoints",
]

#: How many run ids an error message lists before "...".
LIST_RUNS: Final = 5


class JournalSource(Protocol):
    """What the CLI needs of a journal: records, where the last one was, and progress."""

    @property
    def name(self) -> str:
        """The name used in messages (a path, ``<stdin>`` or ``example:NAME``)."""
        ...

    @property
    def unit(self) -> str:
        """What ``location`` counts: ``"line"`` or ``"row"``."""
        ...

    @property
    def location(self) -> int:
        """The line (or row position) of the record yielded last; 0 before the first."""
        ...

    @property
    def torn_tail(self) -> SourceError | None:
        """The torn last line that was skipped (only with ``allow_torn_tail``)."""
        ...

    def __iter__(self) -> Iterator[JournalRecord]: ...

    def entries(self) -> Iterator[tuple[int, bytes, JournalRecord]]:
        """Each record with its location and its raw JSON bytes."""
        ...

    def progress(self) -> tuple[int, int | None]:
        """How far reading has come and the total (bytes or rows; ``None`` if unknown)."""
        ...


@final
@attrs.frozen
class StoredCheckpoint:
    """A checkpoint as a store keeps it: the ``RunCheckpoint`` and where it was read."""

    checkpoint: RunCheckpoint
    #: The file or row it was read from (for messages).
    where: str

    @property
    def order(self) -> tuple[int, int, int]:
        """The runtime's order for "latest": covers seq, checkpoint seq, creation time."""
        c = self.checkpoint
        return (c.covers_journal_seq, c.checkpoint_seq, c.created_at_millis)


class Store(Protocol):
    """A place where the runtime keeps runs: journals, content and checkpoints."""

    @property
    def name(self) -> str:
        """The store in messages (a path, or a Postgres URL without its password)."""
        ...

    @property
    def layout(self) -> str:
        """Which layout was found, for people (``"runtime file store"``...)."""
        ...

    def runs(self) -> tuple[str, ...]:
        """Every run id the store holds a journal for, sorted."""
        ...

    def journal(
        self,
        run_id: str,
        *,
        allow_torn_tail: bool = False,
        allow_empty: bool = False,
        verify: bool = True,
    ) -> JournalSource:
        """One run's records, in the order the runtime's own reader returns them.

        Raises ``SourceError`` (``Problem.UNKNOWN_RUN``) when the store has no such run
        (``verify=False`` skips that check, for a run just listed by ``runs``).
        """
        ...

    def run_sizes(self) -> dict[str, int]:
        """About how many bytes each run's journal holds (for scheduling an audit)."""
        ...

    def content_ids(self) -> frozenset[str]:
        """The content ids the store holds (what it would not resolve as missing)."""
        ...

    @property
    def keeps_checkpoints(self) -> bool:
        """Whether the layout has a place for checkpoints (so none there means none kept)."""
        ...

    def checkpoints(self, run_id: str) -> tuple[StoredCheckpoint, ...]:
        """The run's stored checkpoints, in the runtime's order (``StoredCheckpoint.order``)."""
        ...


def invalid_record_message(error: DecodeError, what: str = "journal record") -> str:
    """The message for a line or row that does not decode, naming the JSON path.

    A record is one line, so "line 1" in a JSON syntax error is dropped (it would be
    taken for the file's line).

    >>> invalid_record_message(DecodeError("$.payload.effect_id", "missing required field"))
    'not a valid journal record: $.payload.effect_id: missing required field'
    >>> invalid_record_message(DecodeError("$", "invalid JSON: Expecting ',' at line 1 column 9"))
    "not a valid journal record: invalid JSON: Expecting ',' at column 9"
    """
    where = "" if error.path == "$" else f"{error.path}: "
    message = error.message.replace(" at line 1 column ", " at column ")
    return f"not a valid {what}: {where}{message}"


def decode_record(raw: bytes, source: str, *, row: str | None = None) -> JournalRecord:
    """A stored record from its JSON, or ``SourceError`` naming the source and row."""
    decoded = from_json(JournalRecord, raw)
    if isinstance(decoded, Success):
        record: JournalRecord = decoded.unwrap()
        return record
    failure = decoded.failure()
    message = invalid_record_message(failure)
    raise SourceError(Problem.UNDECODABLE, source, message, row=row, path=failure.path)


def decode_checkpoint(raw: bytes, store: str, *, row: str | None = None) -> RunCheckpoint:
    """A stored ``RunCheckpoint`` from its JSON, or ``SourceError`` naming where it was."""
    decoded = from_json(RunCheckpoint, raw)
    if isinstance(decoded, Success):
        checkpoint: RunCheckpoint = decoded.unwrap()
        return checkpoint
    failure = decoded.failure()
    message = invalid_record_message(failure, "checkpoint")
    raise SourceError(Problem.UNDECODABLE, store, message, row=row, path=failure.path)


def sorted_checkpoints(found: Sequence[StoredCheckpoint]) -> tuple[StoredCheckpoint, ...]:
    """``found`` in the runtime's order (stable: equal keys keep their reading order)."""
    return tuple(sorted(found, key=lambda stored: stored.order))


def shown_runs(runs: Sequence[str]) -> str:
    """Up to ``LIST_RUNS`` run ids for a message.

    >>> shown_runs(["a", "b"]), shown_runs([]), shown_runs([str(n) for n in range(7)])
    ("'a', 'b'", 'none', "'0', '1', '2', '3', '4', ...")
    """
    if not runs:
        return "none"
    shown = ", ".join(repr(run) for run in runs[:LIST_RUNS])
    return shown + (", ..." if len(runs) > LIST_RUNS else "")


def choose_run(store: Store, run_id: str | None, *, allow_empty: bool = False) -> str | None:
    """The run to read: ``run_id`` when the store has it, else its only run.

    Raises ``Problem.UNKNOWN_RUN`` (no such run), ``Problem.AMBIGUOUS_RUN`` (several
    runs and none chosen: the message lists them) or ``Problem.EMPTY`` (no run at all;
    ``None`` with ``allow_empty``).
    """
    runs = store.runs()
    if run_id is not None:
        if run_id not in runs:
            message = f"no journal of run {run_id!r} ({store.layout}; runs: {shown_runs(runs)})"
            raise SourceError(Problem.UNKNOWN_RUN, store.name, message)
        return run_id
    if not runs:
        if allow_empty:
            return None
        raise SourceError(
            Problem.EMPTY, store.name, f"empty store: no run journal ({store.layout})"
        )
    if len(runs) > 1:
        message = f"the store holds {len(runs)} runs ({shown_runs(runs)}); choose one with --run"
        raise SourceError(Problem.AMBIGUOUS_RUN, store.name, message)
    return runs[0]


class EntriesJournal:
    """A journal source over entries a store has already put in order.

    The one home of a source's bookkeeping (location, count, progress, the empty check):
    stores build one with their reader, ``SqliteJournal`` subclasses it.

    ``read`` gives ``(location, raw JSON, record)`` triples each time the journal is
    iterated (a store that must sort reads everything first; one that streams, row by
    row). ``total`` is the number of records when known, for progress.
    """

    def __init__(
        self,
        name: str,
        unit: str,
        read: Callable[[], Iterator[tuple[int, bytes, JournalRecord]]],
        *,
        total: Callable[[], int | None] = lambda: None,
        allow_empty: bool = False,
        torn_tail: Callable[[], SourceError | None] = lambda: None,
    ) -> None:
        self.name = name
        self.unit = unit
        self.location = 0
        self._read = read
        self._total = total
        self._torn_tail = torn_tail
        self.allow_empty = allow_empty
        self._done = 0

    @property
    def torn_tail(self) -> SourceError | None:
        """The torn last line that was skipped (file stores, with ``allow_torn_tail``)."""
        return self._torn_tail()

    def __iter__(self) -> Iterator[JournalRecord]:
        return map(RECORD_OF, self.entries())  # in C: no generator step per record

    def entries(self) -> Iterator[tuple[int, bytes, JournalRecord]]:
        """Each record with its location and its raw JSON bytes."""
        self.location = 0
        self._done = 0
        for entry in self._read():
            self._done += 1
            self.location = entry[0]
            yield entry
        if self._done == 0 and not self.allow_empty:
            raise SourceError(Problem.EMPTY, self.name, "empty journal: the run has no records")

    def progress(self) -> tuple[int, int | None]:
        """Records read so far and how many the run has (when known)."""
        return self._done, self._total()


def stored_checkpoints(store: Store | None, run_id: str | None) -> tuple[RunCheckpoint, ...] | None:
    """A run's checkpoints in ``store``, to compare with its journal (advisories'
    ``checkpoint-mismatch``); ``None`` when there is no store or its layout keeps none."""
    if store is None or run_id is None or not store.keeps_checkpoints:
        return None
    return tuple(stored.checkpoint for stored in store.checkpoints(run_id))


def at_or_before(checkpoints: Sequence[StoredCheckpoint], seq: int) -> StoredCheckpoint | None:
    """The stored checkpoint the runtime's ``load_at_or_before(journal.<seq>)`` returns:
    the latest (``StoredCheckpoint.order``) of those covering no more than ``seq``."""
    eligible = [stored for stored in checkpoints if stored.checkpoint.covers_journal_seq <= seq]
    return max(eligible, key=lambda stored: stored.order, default=None)
