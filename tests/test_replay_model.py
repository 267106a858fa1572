"""Model-based check: ``step``/``finish`` against a plain mutable transcription of the seed.

``bench/floor.py`` keeps whole records (compared with ``==``) where replaykit keeps
digests, and mutates dicts and lists where replaykit builds persistent states; after
every record of valid and adversarial journals, both must accept or reject alike (with
the same error) and give the same verdict. Records are sometimes decoded from their
JSON line, so digests taken from input lines are checked as well. A hypothesis state
machine then throws random records, replays, wrong schemas and checkpoints at both in any
order (pyrsistent checks its vector against ``list`` the same way).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from returns.result import Failure

from replaykit import (
    JournalRecord,
    ReplayConfig,
    ReplayState,
    finish,
    from_json,
    initial_state,
    step,
    to_json,
)
from replaykit.testing import builders as b
from replaykit.testing.strategies import adversarial_journals, journals, replay_configs
from replaykit.testing.strategies import records as one_record

_FLOOR_PATH = Path(__file__).parents[1] / "bench" / "floor.py"


def _load_floor() -> Any:
    spec = importlib.util.spec_from_file_location("replaykit_bench_floor", _FLOOR_PATH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


FLOOR = _load_floor()


@st.composite
def mixed_forms(draw: st.DrawFn, records: list[JournalRecord]) -> list[JournalRecord]:
    """Each record as built, or decoded from its canonical JSON line."""
    flags = draw(st.lists(st.booleans(), min_size=len(records), max_size=len(records)))
    return [
        from_json(JournalRecord, to_json(r)).unwrap() if decode else r
        for r, decode in zip(records, flags, strict=True)
    ]


def _with_duplicates(records: list[JournalRecord]) -> st.SearchStrategy[list[JournalRecord]]:
    """The journal with some records repeated at random places (same or other form)."""
    if not records:
        return st.just(records)
    picks = st.lists(
        st.tuples(st.integers(0, len(records) - 1), st.integers(0, len(records))), max_size=3
    )

    def insert(pairs: list[tuple[int, int]]) -> list[JournalRecord]:
        out = list(records)
        for source, at in pairs:
            out.insert(min(at, len(out)), records[source])
        return out

    return picks.map(insert)


CASES = (
    (journals() | journals(gaps=True) | adversarial_journals())
    .flatmap(_with_duplicates)
    .flatmap(mixed_forms)
)


def _floor(config: ReplayConfig) -> Any:
    """A fresh floor reducer for ``config``."""
    return FLOOR.FloorReducer(
        config.mode, config.available_content_refs, config.missing_content_policy
    )


def _step_both(floor: Any, state: ReplayState, record: JournalRecord, where: str) -> ReplayState:
    """Apply ``record`` to the floor and step ``state``: both accept, or both reject alike."""
    try:
        floor.apply(record)
        floor_error = None
    except FLOOR.FloorError as error:
        floor_error = error.error
    outcome = step(state, record)
    if isinstance(outcome, Failure):
        fault = outcome.failure()
        assert floor_error is not None, f"{where} rejected, floor accepts"
        assert to_json(fault.error) == to_json(floor_error), where
        new: ReplayState = fault.state
        return new
    assert floor_error is None, f"{where} accepted, floor rejects {floor_error}"
    accepted: ReplayState = outcome.unwrap()
    return accepted


def _assert_same_verdict(floor: Any, state: ReplayState, where: str) -> None:
    """``finish`` of the state equals the floor's verdict, as values and as bytes."""
    expected = floor.finish()
    result = finish(state)
    assert result == expected, where
    assert to_json(result) == to_json(expected), where


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records=CASES, config=replay_configs())
def test_step_and_finish_match_the_mutable_floor(
    records: list[JournalRecord], config: ReplayConfig
) -> None:
    floor = _floor(config)
    state = initial_state(config)
    for index, record in enumerate(records):
        state = _step_both(floor, state, record, f"record {index}")
        _assert_same_verdict(floor, state, f"after record {index}")


class ReducerMachine(RuleBasedStateMachine):
    """Random records (random seqs, so repeated ids), replays and breakages, in any order."""

    def __init__(self) -> None:
        super().__init__()
        self.applied: list[JournalRecord] = []

    @initialize(config=replay_configs())
    def start(self, config: ReplayConfig) -> None:
        self.state = initial_state(config)
        self.floor = _floor(config)

    def apply(self, record: JournalRecord) -> None:
        where = f"record {len(self.applied)}"
        self.state = _step_both(self.floor, self.state, record, where)
        self.applied.append(record)

    @rule(record=one_record(max_seq=12))
    def a_record(self, record: JournalRecord) -> None:
        self.apply(record)

    @rule(data=st.data())
    def an_earlier_record_again(self, data: st.DataObject) -> None:
        if self.applied:
            self.apply(data.draw(st.sampled_from(self.applied)))

    @rule(data=st.data(), version=st.sampled_from([0, 2]))
    def a_wrong_schema(self, data: st.DataObject, version: int) -> None:
        self.apply(b.with_envelope(data.draw(one_record()), journal_schema_version=version))

    @rule(seq=st.integers(1, 12), past=st.integers(1, 3))
    def a_checkpoint_past_its_seq(self, seq: int, past: int) -> None:
        self.apply(b.checkpoint(journal_seq=seq, covers_journal_seq=seq + past, manifest=["c"]))

    @rule(
        seq=st.integers(1, 12),
        covers=st.integers(0, 3),
        checkpoint_seq=st.integers(1, 2),
        loop_state=st.sampled_from(["a", "b"]),
    )
    def a_checkpoint(self, seq: int, covers: int, checkpoint_seq: int, loop_state: str) -> None:
        ckpt = b.checkpoint(
            f"checkpoint.{loop_state}",
            journal_seq=seq,
            covers_journal_seq=covers,
            checkpoint_seq=checkpoint_seq,
            loop_state=loop_state,
        )
        self.apply(ckpt)

    @invariant()
    def results_agree(self) -> None:
        if hasattr(self, "floor"):
            _assert_same_verdict(self.floor, self.state, f"after {len(self.applied)} records")


TestReducerMachine = ReducerMachine.TestCase
TestReducerMachine.settings = settings(max_examples=60, stateful_step_count=25, deadline=None)
