"""``Timeline``: every state equals the fold of the prefix, in both memory modes, lazily."""

from __future__ import annotations

import gc
import importlib
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from returns.result import Failure, Success
from timetravel_support import cases, example_journals, reference_states

from replaykit import JournalRecord, ReplayConfig, ReplayMode, finish, lint, replay
from replaykit.replay.state import STATE_FIELDS
from replaykit.testing import builders as b
from replaykit.timetravel import Timeline

timeline_module = importlib.import_module("replaykit.timetravel.timeline")

AUDIT = ReplayConfig(ReplayMode.AUDIT_REPLAY)


@settings(max_examples=120, deadline=None)
@given(cases(), st.integers(1, 7))
def test_timeline_state_k_is_the_fold_of_the_first_k_records(
    case: tuple[list[JournalRecord], ReplayConfig], every: int
) -> None:
    records, config = case
    expected = reference_states(records, config)
    full = Timeline(records, config)
    keyframes = Timeline(records, config, keyframe_every=every)
    assert len(full) == len(expected) == len(keyframes)
    for k, state in enumerate(expected):
        assert full[k] == state
        assert keyframes[k] == state
    # Jumping around (backwards, across keyframes) gives the same states.
    for k in reversed(range(len(expected))):
        assert keyframes.state(k) == expected[k]
    assert full[-1] == lint(records, config).state


@settings(max_examples=80, deadline=None)
@given(cases())
def test_timeline_faults_results_and_steps_match_lint(
    case: tuple[list[JournalRecord], ReplayConfig],
) -> None:
    records, config = case
    report = lint(records, config)
    timeline = Timeline(records, config)
    assert [(k - 1, fault) for k, fault in timeline.faults()] == list(report.faults)
    assert timeline.result(-1) == report.result
    for step in timeline.steps():
        assert step.state is timeline[step.index]
        assert step.fault is timeline.fault(step.index)
        assert step.accepted is (step.fault is None)
        assert step.result() == finish(step.state)
        if step.index:
            assert step.record is records[step.index - 1]
            assert step.outcome == (Success(step.state) if step.accepted else Failure(step.fault))


@settings(max_examples=80, deadline=None)
@given(cases(), st.sampled_from([None, 1, 3]))
def test_strict_timeline_ends_before_the_first_rejected_record(
    case: tuple[list[JournalRecord], ReplayConfig], every: int | None
) -> None:
    records, config = case
    timeline = Timeline(records, config, strict=True, keyframe_every=every)
    match replay(records, config):
        case Success(result):
            assert len(timeline) == len(records) + 1
            assert timeline.halt is None
            assert timeline.result(-1) == result
        case Failure(fault):
            index = lint(records, config).faults[0][0]
            halt = timeline.halt
            assert halt is not None
            assert halt.fault == fault
            assert len(timeline) == halt.index == index + 1
            assert halt.record is records[index]
            assert timeline[-1] == reference_states(records[:index], config)[-1]
    assert not timeline.faults()


def test_timeline_reads_records_only_as_far_as_asked() -> None:
    records = b.journal(*(b.effect_intent(f"effect.{n}") for n in range(10)))
    read: list[int] = []

    def source() -> Iterator[JournalRecord]:
        for record in records:
            read.append(record.journal_seq)
            yield record

    timeline = Timeline(source(), AUDIT)
    assert read == [] and timeline.folded == 0 and not timeline.exhausted
    assert timeline[3].last_journal_seq == 3
    assert read == [1, 2, 3] and timeline.folded == 3
    assert timeline.first(lambda s: len(s.pending_effects) >= 5) == 5
    assert len(read) == 5
    assert len(timeline) == 11 and timeline.exhausted
    assert len(read) == 10


def test_timeline_index_errors_and_types() -> None:
    timeline = Timeline(b.journal(b.run_lifecycle()), AUDIT)
    with pytest.raises(IndexError):
        timeline[2]
    with pytest.raises(IndexError):
        timeline[-3]
    with pytest.raises(IndexError):
        timeline.record(0)
    with pytest.raises(TypeError):
        timeline[0:1]  # type: ignore[index]
    assert timeline[-1] is timeline[1]
    with pytest.raises(ValueError, match="keyframe_every"):
        Timeline([], AUDIT, keyframe_every=0)


def test_timeline_starts_from_a_given_state() -> None:
    records = b.journal(b.effect_intent("effect.1"), b.effect_result("effect.1"), b.message())
    whole = Timeline(records, AUDIT)
    rest = Timeline(records[1:], AUDIT, start=whole[1])
    assert [rest[k] for k in range(len(rest))] == [whole[k] for k in range(1, len(whole))]
    with pytest.raises(ValueError, match="config"):
        Timeline(records, ReplayConfig(ReplayMode.RESUME_REPLAY), start=whole[1])


def test_keyframe_timeline_walks_forward_from_its_cursor() -> None:
    journal = example_journals()["output-delivery-mixed"]
    full = Timeline(journal, AUDIT)
    sparse = Timeline(journal, AUDIT, keyframe_every=4)
    assert list(sparse) == list(full)
    # Walking forward, each state between keyframes is folded from the one before, so it
    # shares every field its step left alone, as in the full timeline.
    previous = sparse[0]
    for k in range(1, len(sparse)):
        state = sparse[k]
        for name in STATE_FIELDS:
            if k % 4 and getattr(full[k - 1], name) is getattr(full[k], name):
                assert getattr(previous, name) is getattr(state, name), (k, name)
        previous = state


def test_timeline_leaves_the_collector_as_it_found_it() -> None:
    journal = example_journals()["crash-recovery"]
    assert gc.isenabled()
    len(Timeline(journal, AUDIT))
    assert gc.isenabled()
    before = gc.get_freeze_count()
    try:
        len(Timeline(journal, AUDIT, freeze_gc=True))
        assert gc.get_freeze_count() > before
    finally:
        gc.unfreeze()


def test_timeline_freezes_a_large_history_only_when_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """gc.freeze() is process-wide: the library never calls it unless its caller opted in
    (freeze_gc=None: once the history is large; True: after every fold)."""
    journal = example_journals()["crash-recovery"]
    monkeypatch.setattr(timeline_module, "AUTO_FREEZE_STATES", 5)
    gc.unfreeze()
    try:
        len(Timeline(journal, AUDIT))  # the default: never
        assert gc.get_freeze_count() == 0
        small = Timeline(journal, AUDIT, freeze_gc=None)
        small[3]  # 3 new states: below the threshold
        assert gc.get_freeze_count() == 0
        small[6]  # 6 states not frozen yet: frozen now
        assert gc.get_freeze_count() > 0
        gc.unfreeze()
        len(Timeline(journal, AUDIT, freeze_gc=False))
        assert gc.get_freeze_count() == 0
        len(Timeline(journal, AUDIT, keyframe_every=100, freeze_gc=None))  # one state kept
        assert gc.get_freeze_count() == 0
    finally:
        gc.unfreeze()


def test_timeline_repr_says_how_far_it_read() -> None:
    timeline = Timeline(iter(b.journal(b.message(), b.message("m.2"))), AUDIT, keyframe_every=8)
    assert repr(timeline) == "<Timeline 1+ states, K=8>"
    len(timeline)
    assert repr(timeline) == "<Timeline 3 states, K=8>"


def test_timeline_keeps_what_it_folded_when_the_source_fails() -> None:
    records = b.journal(b.message(), b.message("message.2"), b.message("message.3"))

    def source() -> Iterator[JournalRecord]:
        yield from records[:2]
        raise OSError("disk gone")

    timeline = Timeline(source(), AUDIT)
    with pytest.raises(OSError, match="disk gone"):
        timeline[3]
    assert timeline.folded == 2
    assert timeline[2] == reference_states(records, AUDIT)[2]
    assert len(timeline) == 3 and timeline.exhausted
