"""Model-based check: ``step``/``finish`` against a plain mutable transcription of the seed.

``bench/floor.py`` keeps whole records (compared with ``==``) where replaykit keeps
digests, and mutates dicts and lists where replaykit builds persistent states; after
every record of valid and adversarial journals, both must accept or reject alike (with
the same error) and give the same verdict. Records are sometimes decoded from their
JSON line, so digests taken from input lines are checked as well.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from returns.result import Failure

from replaykit import (
    JournalRecord,
    ReplayConfig,
    finish,
    from_json,
    initial_state,
    step,
    to_json,
)
from replaykit.testing.strategies import adversarial_journals, journals, replay_configs

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


CASES = (journals() | adversarial_journals()).flatmap(_with_duplicates).flatmap(mixed_forms)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records=CASES, config=replay_configs())
def test_step_and_finish_match_the_mutable_floor(
    records: list[JournalRecord], config: ReplayConfig
) -> None:
    floor = FLOOR.FloorReducer(
        config.mode, config.available_content_refs, config.missing_content_policy
    )
    state = initial_state(config)
    for index, record in enumerate(records):
        try:
            floor.apply(record)
            floor_error = None
        except FLOOR.FloorError as error:
            floor_error = error.error
        outcome = step(state, record)
        if isinstance(outcome, Failure):
            fault = outcome.failure()
            assert floor_error is not None, f"record {index} rejected, floor accepts"
            assert to_json(fault.error) == to_json(floor_error), f"record {index}"
            state = fault.state
        else:
            assert floor_error is None, f"record {index} accepted, floor rejects {floor_error}"
            state = outcome.unwrap()
        assert to_json(finish(state)) == to_json(floor.finish()), f"after record {index}"
