"""``replaykit.testing.minimize``: a 1-minimal subsequence that keeps the predicate."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from replaykit import JournalRecord, LintReport, ReplayConfig, ReplayMode, ReplayStatus, lint
from replaykit.model import ReplayRepairKind
from replaykit.testing import ReplayPredicate, minimize, replay_predicate
from replaykit.testing import builders as b
from replaykit.testing import strategies as s

T = TypeVar("T")
AUDIT = ReplayConfig(ReplayMode.AUDIT_REPLAY)
RESUME = ReplayConfig(ReplayMode.RESUME_REPLAY)


def is_subsequence(small: Sequence[T], big: Sequence[T]) -> bool:
    """Whether ``small`` is ``big`` with some items left out (same objects, same order)."""
    items = iter(big)
    return all(any(item is candidate for candidate in items) for item in small)


def assert_one_minimal(
    result: Sequence[T], original: Sequence[T], predicate: Callable[[list[T]], bool]
) -> None:
    assert predicate(list(result))
    assert is_subsequence(result, original)
    for index in range(len(result)):
        without = [*result[:index], *result[index + 1 :]]
        assert not predicate(without), f"record {index} of the result is not needed"


def test_is_subsequence_helper() -> None:
    a, b_, c = object(), object(), object()
    assert is_subsequence([a, c], [a, b_, c])
    assert not is_subsequence([c, a], [a, b_, c])


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.integers(0, 20), max_size=40),
    st.sets(st.integers(0, 20), max_size=4),
    st.integers(0, 60),
)
def test_generic_predicates_give_one_minimal_subsequences(
    items: list[int], needed: set[int], threshold: int
) -> None:
    def predicate(xs: list[int]) -> bool:
        return needed <= set(xs) and sum(xs) >= threshold

    if not predicate(items):
        with pytest.raises(ValueError, match="does not hold"):
            minimize(items, predicate)
        return
    assert_one_minimal(minimize(items, predicate), items, predicate)


def test_each_candidate_is_tested_once_and_max_tests_bounds_the_calls() -> None:
    seen: list[tuple[int, ...]] = []

    def predicate(xs: list[int]) -> bool:
        seen.append(tuple(xs))
        return 3 in xs and 17 in xs

    assert minimize(list(range(30)), predicate) == [3, 17]
    assert len(seen) == len(set(seen))
    calls: list[int] = []

    def counted(xs: list[int]) -> bool:
        calls.append(1)
        return 3 in xs

    bounded = minimize(list(range(30)), counted, max_tests=4)
    assert len(calls) == 5  # the input itself, then at most four candidates
    assert 3 in bounded


def test_empty_result_when_the_predicate_holds_for_nothing() -> None:
    assert minimize([1, 2, 3], lambda xs: True) == []
    assert minimize([], lambda xs: True) == []


def needs_repair_non_idempotent(report: LintReport) -> bool:
    return not report.result.resume_allowed and any(
        r.kind is ReplayRepairKind.NON_IDEMPOTENT_PENDING_SIDE_EFFECT
        for r in report.result.repair_needed
    )


def has_fault(report: LintReport) -> bool:
    return not report.ok


CHECKS = {
    "non_idempotent": needs_repair_non_idempotent,
    "fault": has_fault,
    "repair_needed": lambda r: r.result.status is ReplayStatus.REPAIR_NEEDED,
    "two_repairs": lambda r: len(r.result.repair_needed) >= 2,
}


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_replay_predicates_minimize_like_the_black_box(name: str) -> None:
    predicate = replay_predicate(RESUME, CHECKS[name])

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.one_of(s.journals(), s.adversarial_journals()))
    def check(records: list[JournalRecord]) -> None:
        if not predicate(records):
            return
        fast = minimize(records, predicate)
        slow = minimize(records, lambda rs: predicate(rs))
        assert fast == slow
        assert_one_minimal(fast, records, predicate)

    check()


def test_replay_predicate_sees_fault_indices_of_the_candidate() -> None:
    records = b.journal(b.message(), b.message("message.2"), b.message("message.3"))
    broken = [*records, b.with_envelope(records[0], record_id="journal.run.test.9999")]
    indices: list[tuple[int, ...]] = []

    def check(report: LintReport) -> bool:
        indices.append(tuple(i for i, _ in report.faults))
        return not report.ok

    small = minimize(broken, replay_predicate(AUDIT, check))
    assert len(small) == 2  # an earlier record, then the one with a stale seq
    assert lint(small, AUDIT).faults[0][0] == 1
    assert all(i < len(broken) for found in indices for i in found)


def big_journal(seed: int, size: int = 200) -> list[JournalRecord]:
    """A valid journal of ``size`` records from the scenario blocks (deterministic)."""
    jb = b.JournalBuilder()
    n = 0
    while len(jb.records) < size:
        n += 1
        kind = (seed + n * 7) % 5
        if kind == 0:
            jb.add(b.effect_intent(f"effect.{n}"), b.effect_result(f"effect.{n}"))
        elif kind == 1:
            jb.add(b.effect_intent(f"effect.{n}", idempotency_key=f"idem.{n}"))
        elif kind == 2:
            jb.add(b.output_intent(f"output.delivery.{n}"), b.output_result(f"output.delivery.{n}"))
        elif kind == 3:
            jb.add(b.message(f"message.{n}"), b.checkpoint(f"checkpoint.{n}"))
        else:
            jb.add(b.effect_intent(f"effect.{n}"))
    return jb.records[:size]


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    s.journals(min_blocks=120, max_blocks=140, terminal=False),
    st.sampled_from(sorted(CHECKS)),
)
def test_two_hundred_records_are_one_minimized_within_ten_seconds(
    records: list[JournalRecord], name: str
) -> None:
    records = records[:200]
    predicate = replay_predicate(RESUME, CHECKS[name])
    if not predicate(records):
        return
    started = time.perf_counter()
    small = minimize(records, predicate)
    elapsed = time.perf_counter() - started
    assert elapsed < 10, f"{elapsed:.1f} s for {len(records)} records"
    assert_one_minimal(small, records, predicate)


def test_two_hundred_record_journal_minimizes_fast_for_each_check() -> None:
    records = big_journal(seed=3)
    assert len(records) == 200
    for name, check in sorted(CHECKS.items()):
        predicate: ReplayPredicate = replay_predicate(RESUME, check)
        if not predicate(records):
            continue
        started = time.perf_counter()
        small = minimize(records, predicate)
        assert time.perf_counter() - started < 10, name
        assert_one_minimal(small, records, predicate)


def test_a_journal_whose_every_record_is_needed_is_checked_fast() -> None:
    records = b.journal(*(b.effect_intent(f"effect.{n}") for n in range(200)))
    predicate = replay_predicate(RESUME, lambda r: len(r.result.repair_needed) >= 200)
    started = time.perf_counter()
    assert minimize(records, predicate) == records
    assert time.perf_counter() - started < 10
