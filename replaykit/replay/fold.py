"""``step`` and the folds: strict ``replay`` and the lenient ``lint``.

Garbage collection. A fold allocates many small container objects (trie nodes, attrs
instances) and frees almost all of them by reference counting; CPython's cyclic
collector would still traverse every live one again and again, which makes a long fold
quadratic. The folds here therefore pause the collector while they run (``pause_gc``,
on by default; nesting- and thread-safe, see ``replaykit.replay.gcpause``) and restore
it afterwards. The state holds no reference cycles, so nothing is leaked. Pass
``pause_gc=False`` to leave the collector alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import final

import attrs
from returns.result import Failure, Result, Success

from replaykit.model import AgentError, AgentErrorKind, JournalRecord, ReplayResult
from replaykit.model import RetryClassification as Retry
from replaykit.replay.args import expect
from replaykit.replay.config import ReplayConfig
from replaykit.replay.finish import finish
from replaykit.replay.gcpause import pause_gc
from replaykit.replay.state import ReplayState, initial_state
from replaykit.replay.transitions import Rejected, apply

__all__ = ["LintReport", "ReplayFault", "fold_steps", "lint", "pause_gc", "replay", "step"]


@final
@attrs.frozen
class ReplayFault:
    """A rejected record: the reference's error, the record's id and seq, and the state.

    ``state`` is the state the fold is left in: the input state, except after an
    invalid checkpoint, whose content-ref and ``checkpoint_invalid`` repairs stay.
    """

    error: AgentError
    record_id: str
    journal_seq: int
    state: ReplayState = attrs.field(repr=False)

    @classmethod
    def of(cls, rejected: Rejected, record: JournalRecord) -> ReplayFault:
        """The fault for ``record``, which ``apply`` rejected with ``rejected``."""
        return cls(rejected.error, record.record_id, record.journal_seq, rejected.state)

    @property
    def kind(self) -> AgentErrorKind:
        return self.error.kind

    @property
    def retry(self) -> Retry:
        return self.error.retry

    @property
    def message(self) -> str:
        return self.error.message

    def __str__(self) -> str:
        return f"record {self.record_id!r} (seq {self.journal_seq}): {self.error}"


def _not_a_record(value: object, function: str) -> None:
    raise TypeError(f"{function}: records must be JournalRecord values, not {type(value).__name__}")


def step(state: ReplayState, record: JournalRecord) -> Result[ReplayState, ReplayFault]:
    """Apply one record: ``Success(new_state)`` or ``Failure(ReplayFault)``.

    An accepted record that changes nothing returns the very same state object.
    """
    if state.__class__ is not ReplayState:
        expect(state, ReplayState, "step", "state")
    if record.__class__ is not JournalRecord:
        expect(record, JournalRecord, "step", "record")
    try:
        return Success(apply(state, record))
    except Rejected as rejected:
        return Failure(ReplayFault.of(rejected, record))


def replay(
    records: Iterable[JournalRecord], config: ReplayConfig, *, pause_gc: bool = True
) -> Result[ReplayResult, ReplayFault]:
    """Fold records strictly: the verdict, or the fault of the first rejected record.

    Streams: records are read one at a time and no per-step state is kept.
    """
    expect(config, ReplayConfig, "replay", "config")
    state = initial_state(config)
    with _pause(pause_gc):
        for record in records:
            if record.__class__ is not JournalRecord:
                _not_a_record(record, "replay")
            try:
                state = apply(state, record)
            except Rejected as rejected:
                return Failure(ReplayFault.of(rejected, record))
    return Success(finish(state))


_pause = pause_gc


@final
@attrs.frozen
class LintReport:
    """What the lenient fold found: every fault with its record's index, and the verdict."""

    result: ReplayResult
    faults: tuple[tuple[int, ReplayFault], ...]
    state: ReplayState = attrs.field(repr=False)
    records: int = 0

    @property
    def ok(self) -> bool:
        return not self.faults


def fold_steps(
    state: ReplayState, records: Iterable[JournalRecord]
) -> Iterator[tuple[JournalRecord, ReplayState, ReplayFault | None]]:
    """The lenient fold, one step at a time: each record, the state after it, and its
    fault (``None`` when accepted). After a rejection it goes on from ``fault.state``.

    The one loop behind ``lint``, ``Timeline`` and the CLI's step-by-step commands; each
    keeps what it needs of the steps. It does not pause the collector (a generator
    cannot know when its consumer is done): wrap the loop that consumes it in
    ``pause_gc()``.

    >>> from replaykit.testing import builders as b
    >>> records = b.journal(b.effect_intent("effect.1"))
    >>> config = ReplayConfig("audit_replay")
    >>> [fault is None for _, _, fault in fold_steps(initial_state(config), records * 2)]
    [True, False]
    """
    for record in records:
        if record.__class__ is not JournalRecord:
            _not_a_record(record, "fold")
        try:
            after = apply(state, record)
        except Rejected as rejected:
            state = rejected.state
            yield record, state, ReplayFault.of(rejected, record)
            continue
        state = after
        yield record, state, None


def lint(
    records: Iterable[JournalRecord], config: ReplayConfig, *, pause_gc: bool = True
) -> LintReport:
    """Fold records leniently, going on from ``fault.state`` past every rejection.

    The journal linter the reference lacks: it lists every record the reference would
    reject (index counted from 0), and the verdict the fold ends with.
    """
    expect(config, ReplayConfig, "lint", "config")
    state = first = initial_state(config)
    faults: list[tuple[int, ReplayFault]] = []
    count = 0
    with _pause(pause_gc):
        for count, (_, after, fault) in enumerate(fold_steps(first, records), 1):
            state = after
            if fault is not None:
                faults.append((count - 1, fault))
    return LintReport(finish(state), tuple(faults), state, count)
