"""``minimize``: shrink a journal to a 1-minimal subsequence that keeps a property.

Delta debugging (Zeller's ddmin, complements only, sweeping). A pass walks over the
current subsequence in chunks of ``size`` records and tests each complement (the
subsequence without that chunk); a complement that keeps the property becomes the
current subsequence at once and the sweep goes on from the same place. After each pass
the chunks get twice as fine, down to single records; passes of single records repeat
until one removes nothing, so the result is 1-minimal: removing any one record breaks
the property. Every tested subsequence is remembered, so none is tested twice.

A plain predicate is a black box and is called on each candidate list. A
``ReplayPredicate`` (a config and a test of the lenient fold's ``LintReport``) lets
``minimize`` fold incrementally instead: it keeps the fold's state after every prefix of
the current subsequence, so testing "the current subsequence without chunk ``[a, b)``"
only folds the records after the chunk, starting from the state after ``a`` records.
That makes 1-minimizing a 200-record journal take well under a second.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Final, TypeVar, final, overload

import attrs

from replaykit.model import JournalRecord
from replaykit.replay import LintReport, ReplayConfig, ReplayFault, ReplayState, finish
from replaykit.replay import initial_state as _initial_state
from replaykit.replay import lint as _lint
from replaykit.replay import pause_gc as _pause_gc
from replaykit.replay.transitions import Rejected, apply

__all__ = ["ReplayPredicate", "minimize", "replay_predicate"]

T = TypeVar("T")
_Faults = tuple[tuple[int, ReplayFault], ...]
_NO_FAULTS: Final[_Faults] = ()


@final
@attrs.frozen
class ReplayPredicate:
    """A property of a journal's lenient fold: ``check(lint(records, config))``.

    Calling it folds the records; ``minimize`` folds incrementally instead.

    >>> from replaykit import ReplayMode, ReplayStatus
    >>> from replaykit.testing.builders import effect_intent, journal
    >>> needs_repair = replay_predicate(
    ...     ReplayConfig(ReplayMode.RESUME_REPLAY),
    ...     lambda report: report.result.status is ReplayStatus.REPAIR_NEEDED,
    ... )
    >>> (needs_repair([]), needs_repair(journal(effect_intent("effect.1"))))
    (False, True)
    """

    config: ReplayConfig
    check: Callable[[LintReport], bool]

    def __call__(self, records: Sequence[JournalRecord]) -> bool:
        return self.check(_lint(records, self.config))


def replay_predicate(config: ReplayConfig, check: Callable[[LintReport], bool]) -> ReplayPredicate:
    """A ``ReplayPredicate``: ``check`` gets the ``LintReport`` of the candidate journal."""
    return ReplayPredicate(config, check)


class _Folds:
    """Candidate tests of a ``ReplayPredicate``, folding from cached prefix states."""

    def __init__(self, records: Sequence[JournalRecord], predicate: ReplayPredicate) -> None:
        self.records = records
        self.predicate = predicate
        self.current: tuple[int, ...] = ()
        # prefixes[j]: (state, faults) after folding the first j records of ``current``.
        self.prefixes: list[tuple[ReplayState, _Faults]] = [
            (_initial_state(predicate.config), _NO_FAULTS)
        ]

    def fold(
        self, start: tuple[ReplayState, _Faults], indices: Sequence[int], offset: int, keep: bool
    ) -> tuple[ReplayState, _Faults]:
        state, faults = start
        extra: list[tuple[int, ReplayFault]] = []
        for position, index in enumerate(indices, offset):
            record = self.records[index]
            try:
                state = apply(state, record)
            except Rejected as rejected:
                extra.append((position, ReplayFault.of(rejected, record)))
                state = rejected.state
            if keep:
                self.prefixes.append((state, faults + tuple(extra)))
        return state, faults + tuple(extra)

    def accept(self, candidate: tuple[int, ...], start: int) -> None:
        """``candidate`` (equal to ``current`` before ``start``) becomes ``current``."""
        del self.prefixes[start + 1 :]
        self.current = candidate
        self.fold(self.prefixes[start], candidate[start:], start, keep=True)

    def holds(self) -> bool:
        """Whether the predicate holds for ``current``."""
        state, faults = self.prefixes[-1]
        return self.predicate.check(LintReport(finish(state), faults, state, len(self.current)))

    def test(self, candidate: tuple[int, ...], start: int) -> bool:
        state, faults = self.fold(self.prefixes[start], candidate[start:], start, keep=False)
        report = LintReport(finish(state), faults, state, len(candidate))
        return self.predicate.check(report)


@overload
def minimize(
    records: Sequence[JournalRecord], predicate: ReplayPredicate, *, max_tests: int | None = None
) -> list[JournalRecord]: ...


@overload
def minimize(
    records: Sequence[T], predicate: Callable[[list[T]], bool], *, max_tests: int | None = None
) -> list[T]: ...


def minimize(
    records: Sequence[Any],
    predicate: Callable[[list[Any]], bool] | ReplayPredicate,
    *,
    max_tests: int | None = None,
) -> list[Any]:
    """A 1-minimal subsequence of ``records`` for which ``predicate`` still holds.

    The result keeps the input's order and objects. ``predicate`` must hold for
    ``records`` (``ValueError`` otherwise). With ``max_tests`` the search stops after that
    many predicate calls and returns the smallest subsequence found so far (then it
    may not be 1-minimal).

    >>> from replaykit import ReplayConfig, ReplayMode, ReplayRepairKind
    >>> from replaykit.testing import builders as b
    >>> records = b.journal(
    ...     b.run_lifecycle(), b.effect_intent("effect.1"), b.effect_result("effect.1"),
    ...     b.effect_intent("effect.2"), b.message(), b.checkpoint(), b.terminal_result(),
    ... )
    >>> refused_non_idempotent = replay_predicate(
    ...     ReplayConfig(ReplayMode.RESUME_REPLAY),
    ...     lambda report: not report.result.resume_allowed and any(
    ...         r.kind is ReplayRepairKind.NON_IDEMPOTENT_PENDING_SIDE_EFFECT
    ...         for r in report.result.repair_needed),
    ... )
    >>> [r.record_id for r in minimize(records, refused_non_idempotent)]
    ['journal.run.test.0004']
    >>> minimize(list(range(10)), lambda xs: sum(xs) >= 15)
    [7, 8]
    """
    items = list(records)
    folds = _Folds(records, predicate) if isinstance(predicate, ReplayPredicate) else None
    with _pause_gc():
        if folds is not None:
            folds.accept(tuple(range(len(items))), 0)
            holds = folds.holds()
        else:
            assert not isinstance(predicate, ReplayPredicate)
            holds = predicate(list(items))
        if not holds:
            raise ValueError("the predicate does not hold for the input records")
        best = _ddmin(items, predicate, folds, max_tests)
    return [items[i] for i in best]


def _ddmin(
    items: list[Any],
    predicate: Callable[[list[Any]], bool] | ReplayPredicate,
    folds: _Folds | None,
    max_tests: int | None,
) -> tuple[int, ...]:
    current = tuple(range(len(items)))
    tested: set[tuple[int, ...]] = set()
    budget = max_tests
    chunk = max(len(current) // 2, 1)
    while current:
        removed = False
        start = 0
        while start < len(current):
            stop = min(start + chunk, len(current))
            candidate = current[:start] + current[stop:]
            if candidate in tested:
                start = stop
                continue
            if budget is not None:
                if budget <= 0:
                    return current
                budget -= 1
            tested.add(candidate)
            if folds is not None:
                holds = folds.test(candidate, start)
            else:
                assert not isinstance(predicate, ReplayPredicate)
                holds = predicate([items[i] for i in candidate])
            if holds:  # drop the chunk; the next one now starts at ``start``
                if folds is not None:
                    folds.accept(candidate, start)
                current = candidate
                removed = True
            else:
                start = stop
        if chunk == 1 and not removed:
            return current  # no single record can go: 1-minimal
        chunk = max(min(chunk // 2, len(current) // 2), 1)
    return current
