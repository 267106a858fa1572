"""``Timeline``: every state of a fold, read lazily, with jumps, outcomes and results.

Theory of operation. A timeline folds its records with the reducer's own ``apply`` as
far as it is asked to and no further: ``timeline[k]`` (the state after ``k`` records,
``0`` being the initial state) reads records up to the ``k``-th from the iterator it
was given. Operations that need the end (``len``, negative indices, ``faults``,
``halt``, ``changes``, ``history``, ``first(monotone=True)``) read the rest.

Lenient by default, like ``lint``: a rejected record is a step whose state is the
fault's state (the fold goes on from there). ``strict=True`` stops at the first
rejected record instead: the timeline ends with the state before it, and ``halt``
holds that step (its record and fault).

Memory. The timeline keeps a reference to every record it read (the records
themselves are what a caller decoded; replaykit's take about 3 KB each). With
``keyframe_every=None`` it keeps every state: thanks to structural sharing a state
costs only what its step changed (about 1 KB), and a jump is a list lookup. With
``keyframe_every=K`` it keeps one state in K and re-folds at most K - 1 records from
the nearest keyframe on a jump (the last state re-folded is remembered, so walking
forward costs one step per state, and states between two keyframes share structure as
folded ones do). A rejected record's fault is kept with its state.

Garbage collection. Folding pauses the cyclic collector (``pause_gc=True``), as the
folds in ``replaykit.replay`` do. The kept history is millions of container objects
that every full collection would walk again (about 20 s at a million states, and the
first one comes right after the fold). Freezing the history (``gc.freeze()``) moves it
to the permanent generation, which collections skip; but that is process-wide (every
object the process tracks at that moment is frozen with it: still freed by reference
counting, while cyclic garbage among them waits for ``gc.unfreeze()``), so a timeline
does it only when its owner asks: ``freeze_gc=None`` calls ``gc.freeze()`` once the
timeline holds ``AUTO_FREEZE_STATES`` (100,000) states that are not frozen yet,
``freeze_gc=True`` after every fold (the ``replaykit debug`` command does), and
``freeze_gc=False``, the default, never.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from itertools import count, islice
from typing import Any, Final, Literal, final, overload

import attrs
from returns.result import Failure, Result, Success

from replaykit.model import JournalRecord, ReplayResult
from replaykit.replay import (
    ReplayConfig,
    ReplayFault,
    ReplayState,
    finish,
    fold_steps,
    initial_state,
)
from replaykit.replay import pause_gc as _pause_gc
from replaykit.replay.args import expect
from replaykit.timetravel import queries
from replaykit.timetravel.diff import Operation, diff

__all__ = ["AUTO_FREEZE_STATES", "Step", "Timeline"]

#: With ``freeze_gc=None``, ``gc.freeze()`` once this many kept states are not frozen.
AUTO_FREEZE_STATES: Final = 100_000


@final
@attrs.frozen
class Step:
    """One step: the record applied (``None`` at step 0), its fault if it was rejected,
    and the state after it."""

    index: int
    state: ReplayState = attrs.field(repr=False)
    record: JournalRecord | None = attrs.field(repr=False)
    fault: ReplayFault | None = None

    @property
    def accepted(self) -> bool:
        """Whether the step's record was accepted (step 0 counts as accepted)."""
        return self.fault is None

    @property
    def outcome(self) -> Result[ReplayState, ReplayFault]:
        """``Success(state)`` or ``Failure(fault)``, as ``replaykit.step`` returned it."""
        return Success(self.state) if self.fault is None else Failure(self.fault)

    def result(self) -> ReplayResult:
        """The verdict ``finish`` gives after this step."""
        return finish(self.state)


@final
class Timeline:
    """Every state of the fold of ``records`` under ``config``, read lazily.

    >>> from replaykit import ReplayConfig, ReplayMode
    >>> timeline = Timeline([], ReplayConfig(ReplayMode.RESUME_REPLAY))
    >>> len(timeline), timeline[0].last_journal_seq, timeline.result(0).status.value
    (1, None, 'complete')
    """

    __slots__ = (
        "_cursor",
        "_faults",
        "_freeze",
        "_halt",
        "_kept",
        "_last",
        "_pause",
        "_records",
        "_source",
        "_unfrozen",
        "config",
        "keyframe_every",
        "strict",
    )

    def __init__(
        self,
        records: Iterable[JournalRecord],
        config: ReplayConfig,
        *,
        strict: bool = False,
        keyframe_every: int | None = None,
        start: ReplayState | None = None,
        pause_gc: bool = True,
        freeze_gc: bool | None = False,
    ) -> None:
        """Prepare the fold (nothing is read yet).

        ``start``: the state before the first record (a restored snapshot, say), by
        default ``initial_state(config)``; its config must be ``config``.
        """
        expect(config, ReplayConfig, "Timeline", "config")
        if keyframe_every is not None and (type(keyframe_every) is not int or keyframe_every < 1):
            raise ValueError(f"keyframe_every must be a positive int or None: {keyframe_every!r}")
        if start is not None and start.config != config:
            raise ValueError("the start state was folded under another config")
        self.config = config
        self.strict = strict
        self.keyframe_every = keyframe_every
        first = initial_state(config) if start is None else start
        self._source: Iterator[JournalRecord] | None = iter(records)
        self._records: list[JournalRecord] = []
        self._last = first
        self._kept: list[ReplayState] = [first]
        self._cursor = (0, first)
        self._faults: dict[int, ReplayFault] = {}
        self._halt: Step | None = None
        self._pause = pause_gc
        self._freeze = freeze_gc
        self._unfrozen = 0

    def __repr__(self) -> str:
        more = "" if self._source is None else "+"
        kept = "every state" if self.keyframe_every is None else f"K={self.keyframe_every}"
        return f"<Timeline {len(self._records) + 1}{more} states, {kept}>"

    def _repr_html_(self) -> str:
        """The HTML report of every step (Jupyter calls this; it folds what is left); a
        timeline of more than ``replaykit.shell.html.NOTEBOOK_STEPS`` steps shows its verdict."""
        from replaykit.shell.html import NOTEBOOK_STEPS, iframe, timeline_html  # the shell's

        return iframe(timeline_html(self, max_steps=NOTEBOOK_STEPS))

    # Folding -----------------------------------------------------------------------------

    def _fold(self, until: int | None) -> None:
        """Read and fold records until there are ``until`` states (``None``: all)."""
        source = self._source
        if source is None:
            return
        records = self._records
        index = len(records)
        wanted = None if until is None else until - 1 - index
        if wanted is not None and wanted <= 0:
            return
        batch = source if wanted is None else islice(source, wanted)
        kept = self._kept
        faults = self._faults
        every = self.keyframe_every
        strict = self.strict
        state = self._last
        read = 0
        kept_before = len(kept)
        try:
            with _pause_gc(self._pause):
                for record, state_after, fault in fold_steps(state, batch):
                    read += 1
                    if fault is not None:
                        if strict:
                            self._halt = Step(index + 1, state_after, record, fault)
                            self._source = None
                            break
                        faults[index + 1] = fault
                    records.append(record)
                    index += 1
                    state = state_after
                    if every is None or index % every == 0:
                        kept.append(state)
                else:
                    if wanted is None or read < wanted:
                        self._source = None
                self._unfrozen += len(kept) - kept_before
                if self._freeze or (self._freeze is None and self._unfrozen >= AUTO_FREEZE_STATES):
                    gc.freeze()
                    self._unfrozen = 0
        finally:
            self._last = state

    def _refold(self, state: ReplayState, start: int, stop: int) -> ReplayState:
        """Fold records ``start`` to ``stop`` (0-based, exclusive) again from ``state``."""
        with _pause_gc(self._pause):
            for _, after, _ in fold_steps(state, self._records[start:stop]):
                state = after
        return state

    def _index(self, k: int) -> int:
        if k < 0:
            k += len(self)
        elif k > len(self._records):
            self._fold(k + 1)
        if not 0 <= k <= len(self._records):
            raise IndexError(f"no state {k}: the timeline has {len(self._records) + 1} states")
        return k

    # Reading -----------------------------------------------------------------------------

    def __len__(self) -> int:
        """The number of states: records folded + 1. Reads all the records."""
        self._fold(None)
        return len(self._records) + 1

    def __getitem__(self, k: int) -> ReplayState:
        """The state after ``k`` records (``0``: the initial state; negative from the end)."""
        if not isinstance(k, int):
            raise TypeError(f"timeline indices are ints, not {type(k).__name__}")
        return self.state(k)

    def __iter__(self) -> Iterator[ReplayState]:
        """Every state in order, folding as it goes."""
        for k in count():
            if k > len(self._records):
                self._fold(k + 1)
                if k > len(self._records):
                    return
            yield self.state(k)

    @property
    def folded(self) -> int:
        """How many records have been read and folded so far (reads nothing)."""
        return len(self._records)

    @property
    def exhausted(self) -> bool:
        """Whether the records have all been read (or the strict fold stopped)."""
        return self._source is None

    def state(self, k: int) -> ReplayState:
        """The state after ``k`` records (``0``: the initial state; negative from the end)."""
        k = self._index(k)
        every = self.keyframe_every
        if every is None:
            return self._kept[k]
        if k == len(self._records):
            return self._last
        base = k - k % every
        if k == base:
            return self._kept[k // every]
        at, state = self._cursor
        if not base <= at <= k:
            at, state = base, self._kept[k // every]
        state = self._refold(state, at, k)
        self._cursor = (k, state)
        return state

    def fork(self, at: int, records: Iterable[JournalRecord]) -> Timeline:
        """A timeline that shares this one's first ``at`` steps, then folds ``records``.

        The prefix is not folded again: its records, kept states (keyframes) and faults
        are the same objects as this timeline's, so a branch costs only what it adds.
        Step numbers go on from ``at`` (the branch's step ``at + 1`` is the first of
        ``records``). A strict timeline that halted before ``at`` cannot fork there.

        >>> from replaykit import ReplayConfig, ReplayMode, load
        >>> records = load("example:crash-recovery").unwrap()
        >>> timeline = Timeline(records, ReplayConfig(ReplayMode.RESUME_REPLAY))
        >>> branch = timeline.fork(7, records[8:])  # without the recovery marker at step 8
        >>> branch[7] is timeline[7], len(branch), branch.result(-1).resume_allowed
        (True, 11, False)
        """
        k = self._index(at)
        if k < 0:
            raise IndexError(f"no state {at}")
        branch = Timeline(
            records,
            self.config,
            strict=self.strict,
            keyframe_every=self.keyframe_every,
            start=self.state(k),
            pause_gc=self._pause,
            freeze_gc=self._freeze,
        )
        every = self.keyframe_every
        branch._records[:0] = self._records[:k]
        branch._kept[:] = self._kept[: k + 1] if every is None else self._kept[: k // every + 1]
        branch._cursor = (k, branch._last)
        branch._faults.update({n: fault for n, fault in self._faults.items() if n <= k})
        return branch

    def record(self, k: int) -> JournalRecord:
        """The record applied at step ``k`` (``k >= 1``; step 0 has none)."""
        k = self._index(k)
        if k == 0:
            raise IndexError("step 0 is the initial state: no record was applied")
        return self._records[k - 1]

    def fault(self, k: int) -> ReplayFault | None:
        """The fault of step ``k`` if its record was rejected, else ``None``."""
        return self._faults.get(self._index(k))

    def result(self, k: int) -> ReplayResult:
        """The verdict ``finish`` gives after ``k`` records."""
        return finish(self.state(k))

    def step(self, k: int) -> Step:
        """Step ``k``: its record, fault and state."""
        k = self._index(k)
        record = None if k == 0 else self._records[k - 1]
        return Step(k, self.state(k), record, self._faults.get(k))

    def steps(self, start: int = 0) -> Iterator[Step]:
        """The steps from ``start`` on, folding as it goes."""
        for k in count(start):
            if k > len(self._records):
                self._fold(k + 1)
                if k > len(self._records):
                    return
            yield self.step(k)

    def faults(self) -> list[tuple[int, ReplayFault]]:
        """Every rejected record's step and fault, in order. Reads all the records.

        Steps count from 1 (the step of the first record), unlike ``lint``'s indices.
        """
        self._fold(None)
        return sorted(self._faults.items())

    @property
    def halt(self) -> Step | None:
        """The step a strict timeline stopped at (its record was rejected), or ``None``.

        Its state is the fault's state; it is not one of the timeline's states. Reads
        all the records.
        """
        self._fold(None)
        return self._halt

    def diff(self, i: int, j: int) -> list[Operation]:
        """``diff(self[i], self[j])``, looking only at what steps between them touched."""
        low, high = sorted((self._index(i), self._index(j)))
        state_low = self.state(low)
        state_high = self.state(high)
        a, b = (state_low, state_high) if i <= j else (state_high, state_low)
        span = high - low
        size = len(a.seen_records) + len(b.seen_records)
        via = self._records[low:high] if 4 * span <= size + 4 else None
        return diff(a, b, via=via)

    # Queries (replaykit.timetravel.queries) ----------------------------------------------

    @overload
    def first(
        self,
        predicate: Callable[[ReplayState], object],
        *,
        on: Literal["state"] = "state",
        monotone: bool = False,
    ) -> int | None: ...
    @overload
    def first(
        self,
        predicate: Callable[[ReplayResult], object],
        *,
        on: Literal["result"],
        monotone: bool = False,
    ) -> int | None: ...
    @overload
    def first(
        self, predicate: Callable[[Step], object], *, on: Literal["step"], monotone: bool = False
    ) -> int | None: ...
    def first(
        self,
        predicate: Callable[[Any], object],
        *,
        on: Literal["state", "result", "step"] = "state",
        monotone: bool = False,
    ) -> int | None:
        """The first step whose state (or result, or step) satisfies ``predicate``.

        A forward scan that reads only as far as needed; with ``monotone=True`` (the
        predicate, once true, stays true) a bisection over all the steps instead.
        """
        return queries.first(self, predicate, on=on, monotone=monotone)

    def changes(self, path: str) -> list[int]:
        """The steps after which the value at JSON Pointer ``path`` differs from before.

        >>> from replaykit import ReplayConfig, ReplayMode
        >>> Timeline([], ReplayConfig(ReplayMode.RESUME_REPLAY)).changes("/pending_effects")
        []
        """
        return queries.changes(self, path)

    def history(self, entity_id: str) -> list[Step]:
        """The steps whose record names ``entity_id`` (an effect, delivery, content ref,
        dedupe key or record id)."""
        return queries.history(self, entity_id)
