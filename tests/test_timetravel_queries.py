"""Timeline queries: ``first`` (scan and bisection), ``changes`` and ``history``."""

from __future__ import annotations

from typing import Any

import jsonpointer
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from timetravel_support import cases, example_journals

from replaykit import JournalRecord, ReplayConfig, ReplayMode, ReplayStatus, to_json
from replaykit.testing import builders as b
from replaykit.timetravel import Timeline, pointer, snapshot
from replaykit.timetravel.queries import mentions

AUDIT = ReplayConfig(ReplayMode.AUDIT_REPLAY)
_MISSING = object()


def _paths(value: Any, depth: int, prefix: tuple[str, ...] = ()) -> list[str]:
    """Every JSON Pointer into ``value`` down to ``depth`` tokens."""
    out = [pointer(*prefix)] if prefix else []
    if depth == 0:
        return out
    if isinstance(value, dict):
        for key, child in value.items():
            out += _paths(child, depth - 1, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            out += _paths(child, depth - 1, (*prefix, str(index)))
    return out


@settings(max_examples=60, deadline=None)
@given(cases(), st.data())
def test_changes_lists_the_steps_where_the_value_at_a_path_differs(
    case: tuple[list[JournalRecord], ReplayConfig], data: st.DataObject
) -> None:
    records, config = case
    timeline = Timeline(records, config, keyframe_every=data.draw(st.sampled_from([None, 2])))
    snapshots = [snapshot(state) for state in timeline]
    candidates = [*sorted({p for s in snapshots for p in _paths(s, 3)}), "", "/repair_needed/9"]
    for path in data.draw(st.lists(st.sampled_from(candidates), min_size=1, max_size=6)):
        values = [jsonpointer.resolve_pointer(s, path, _MISSING) for s in snapshots]
        expected = [k for k in range(1, len(values)) if values[k] != values[k - 1]]
        assert timeline.changes(path) == expected, path


@settings(max_examples=60, deadline=None)
@given(cases(), st.data())
def test_first_by_scan_and_by_bisection_agree_on_monotone_predicates(
    case: tuple[list[JournalRecord], ReplayConfig], data: st.DataObject
) -> None:
    records, config = case
    timeline = Timeline(records, config, keyframe_every=data.draw(st.sampled_from([None, 3])))
    threshold = data.draw(st.integers(0, len(records) + 1))

    def seen_enough(state: Any) -> bool:
        return len(state.seen_records) >= threshold

    expected = next(
        (k for k in range(len(timeline)) if len(timeline[k].seen_records) >= threshold), None
    )
    assert timeline.first(seen_enough) == expected
    assert timeline.first(seen_enough, monotone=True) == expected
    repairs = timeline.first(lambda r: r.status is ReplayStatus.REPAIR_NEEDED, on="result")
    by_hand = [timeline.result(k).status for k in range(len(timeline))]
    assert repairs == (
        by_hand.index(ReplayStatus.REPAIR_NEEDED) if ReplayStatus.REPAIR_NEEDED in by_hand else None
    )
    rejected = timeline.first(lambda step: not step.accepted, on="step")
    faults = timeline.faults()
    assert rejected == (faults[0][0] if faults else None)


def test_first_rejects_an_unknown_target() -> None:
    with pytest.raises(ValueError, match="on must be"):
        Timeline([], AUDIT).first(bool, on="verdict")  # type: ignore[call-overload]


def test_changes_rejects_bad_paths_and_ignores_the_header() -> None:
    timeline = Timeline(b.journal(b.message()), AUDIT)
    with pytest.raises(ValueError):
        timeline.changes("seen_records")
    with pytest.raises(ValueError, match="names no field"):
        timeline.changes("/seen")
    assert timeline.changes("/version") == []
    assert timeline.changes("") == [1]


@settings(max_examples=60, deadline=None)
@given(cases())
def test_history_is_every_step_whose_record_names_the_entity(
    case: tuple[list[JournalRecord], ReplayConfig],
) -> None:
    records, config = case
    timeline = Timeline(records, config)
    entities: set[str] = set()
    for record in records:
        entities.update(record.content_refs)
        for name in ("effect_id", "delivery_id"):
            value = getattr(record.payload, name, None)
            if value is not None:
                entities.add(value)
    for entity in sorted(entities):
        steps = timeline.history(entity)
        indices = [step.index for step in steps]
        assert indices == sorted(set(indices))
        for step in steps:
            assert step.record is records[step.index - 1]
            assert f'"{entity}"' in to_json(step.record)
        for k, record in enumerate(records, 1):
            payload = record.payload
            direct = entity in record.content_refs or entity in (
                getattr(payload, "effect_id", None),
                getattr(payload, "delivery_id", None),
            )
            assert not direct or k in indices


def test_history_of_an_effect_in_the_crash_example() -> None:
    journal = example_journals()["crash-recovery"]
    timeline = Timeline(journal, ReplayConfig(ReplayMode.RESUME_REPLAY))
    steps = timeline.history("effect.file.write.1")
    kinds = [step.record.record_kind.value for step in steps if step.record is not None]
    assert len(kinds) == len(steps)
    assert kinds == ["effect_intent", "checkpoint", "recovery"]
    assert not mentions(journal[0], "effect.file.write.1")
    assert timeline.history("nothing.here") == []
