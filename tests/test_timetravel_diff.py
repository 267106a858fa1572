"""``diff``: RFC 6902 patches between snapshots; the record-guided path equals the full one."""

from __future__ import annotations

import json
from typing import Any

import attrs
import jsonpatch
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from timetravel_support import cases, example_journals

from replaykit import JournalRecord, ReplayConfig, ReplayMode, lint, to_data
from replaykit.testing import builders as b
from replaykit.timetravel import Timeline, diff, restore, snapshot, touched
from replaykit.timetravel.diff import diff_json

AUDIT = ReplayConfig(ReplayMode.AUDIT_REPLAY)


def _apply(value: Any, ops: list[dict[str, Any]]) -> Any:
    return jsonpatch.apply_patch(json.loads(json.dumps(value)), ops)


def _json(value: Any) -> Any:
    return json.loads(json.dumps(value))


@settings(max_examples=120, deadline=None)
@given(cases(), st.data())
def test_patch_from_diff_turns_snapshot_i_into_snapshot_j(
    case: tuple[list[JournalRecord], ReplayConfig], data: st.DataObject
) -> None:
    records, config = case
    timeline = Timeline(records, config, keyframe_every=data.draw(st.sampled_from([None, 3])))
    last = len(timeline) - 1
    for _ in range(4):
        i = data.draw(st.integers(0, last))
        j = data.draw(st.integers(0, last))
        ops = timeline.diff(i, j)
        assert _apply(snapshot(timeline[i]), ops) == _json(snapshot(timeline[j]))
        # The record-guided diff is the full comparison's diff, operation for operation.
        assert ops == diff(timeline[i], timeline[j])
        assert (ops == []) == (snapshot(timeline[i]) == snapshot(timeline[j]))


@settings(max_examples=100, deadline=None)
@given(cases())
def test_adjacent_diffs_guided_by_one_record_equal_the_full_diff(
    case: tuple[list[JournalRecord], ReplayConfig],
) -> None:
    records, config = case
    timeline = Timeline(records, config)
    for k in range(1, len(timeline)):
        guided = diff(timeline[k - 1], timeline[k], via=[records[k - 1]])
        assert guided == diff(timeline[k - 1], timeline[k])
        backwards = diff(timeline[k], timeline[k - 1], via=touched([records[k - 1]]))
        assert _apply(snapshot(timeline[k]), backwards) == _json(snapshot(timeline[k - 1]))


@settings(max_examples=60, deadline=None)
@given(cases(), cases())
def test_diff_between_unrelated_states_and_restored_states(
    one: tuple[list[JournalRecord], ReplayConfig], other: tuple[list[JournalRecord], ReplayConfig]
) -> None:
    a = lint(*one).state
    c = lint(*other).state
    assert _apply(snapshot(a), diff(a, c)) == _json(snapshot(c))
    copy = restore(_json(snapshot(a))).unwrap()
    assert copy is not a and diff(a, copy) == []
    on_snapshots = diff(snapshot(a), snapshot(c))
    assert _apply(snapshot(a), on_snapshots) == _json(snapshot(c))
    same_shape = a.missing_content_refs == c.missing_content_refs
    assert not same_shape or on_snapshots == diff(a, c)


def test_diff_escapes_pointer_tokens() -> None:
    records = b.journal(b.effect_intent("effect/1~x"), b.message())
    records[1] = b.with_envelope(records[1], record_id="rec~1/b")
    timeline = Timeline(records, AUDIT)
    paths = [op["path"] for op in timeline.diff(0, 2)]
    assert "/pending_effects/effect~11~0x" in paths
    assert "/seen_records/rec~01~1b" in paths
    assert _apply(snapshot(timeline[0]), timeline.diff(0, 2)) == _json(snapshot(timeline[2]))


def test_diff_of_a_step_that_changes_nothing_is_empty() -> None:
    intent = b.effect_intent("effect.1", idempotency_key="idem.1")
    timeline = Timeline(b.journal(intent) + b.journal(intent), AUDIT)
    assert timeline[2] is timeline[1]
    assert timeline.diff(1, 2) == []


def test_size_check_catches_a_change_log_that_missed_an_entry() -> None:
    records = b.journal(b.effect_intent("effect.1"), b.effect_intent("effect.2"))
    timeline = Timeline(records, AUDIT)
    wrong = diff(timeline[1], timeline[2], via=[records[0]])
    assert wrong == diff(timeline[1], timeline[2])


def test_diff_between_results() -> None:
    journal = example_journals()["crash-recovery"]
    timeline = Timeline(journal, ReplayConfig(ReplayMode.RESUME_REPLAY))
    a, c = timeline.result(3), timeline.result(9)
    ops = diff(a, c)
    assert ops and {op["path"].split("/")[1] for op in ops} >= {"latest_journal_seq"}
    assert _apply(to_data(a), ops) == _json(to_data(c))
    with pytest.raises(TypeError):
        diff(timeline[0], a)
    with pytest.raises(TypeError):
        diff(timeline[0], 3)  # type: ignore[arg-type]


def test_diff_json_keeps_json_types_apart() -> None:
    ops: list[dict[str, Any]] = []
    diff_json("", {"a": True, "b": [1, 2, 3], "c": {"d": 1}}, {"a": 1, "b": [1], "c": "x"}, ops)
    assert ops == [
        {"op": "replace", "path": "/a", "value": 1},
        {"op": "remove", "path": "/b/2"},
        {"op": "remove", "path": "/b/1"},
        {"op": "replace", "path": "/c", "value": "x"},
    ]
    root: list[dict[str, Any]] = []
    diff_json("", [1], {"a": 1}, root)
    assert root == [{"op": "replace", "path": "", "value": {"a": 1}}]


def test_missing_content_refs_diff_inserts_in_sorted_place() -> None:
    config = ReplayConfig(ReplayMode.AUDIT_REPLAY, available_content_refs=[])
    records = b.journal(
        b.message(content_refs=("content.b", "content.d")),
        b.message("message.2", content_refs=("content.a", "content.c", "content.e")),
    )
    timeline = Timeline(records, config)
    ops = [op for op in timeline.diff(1, 2) if op["path"].startswith("/missing_content_refs")]
    assert [op["path"] for op in ops] == [f"/missing_content_refs/{i}" for i in (0, 2, 4)]
    unguided = [op for op in diff(timeline[1], timeline[2]) if op in ops]
    assert unguided == ops
    state = timeline[2]
    fewer = attrs.evolve(state, missing_content_refs=state.missing_content_refs.remove("content.c"))
    assert _apply(snapshot(state), diff(state, fewer)) == _json(snapshot(fewer))
