"""``replaykit.testing.snapshots``: snapshot documents, traces, redaction, canonical text."""

from __future__ import annotations

import json
from typing import Any

import jsonpatch
import pytest
from hypothesis import HealthCheck, given, settings
from returns.result import Failure, Success

from replaykit import JournalRecord, ReplayConfig, ReplayMode, Timeline, lint, replay, to_json
from replaykit.testing import builders as b
from replaykit.testing import strategies as s
from replaykit.testing.snapshots import (
    REDACTED,
    canonical_json,
    redact,
    render,
    snapshot_data,
    trace,
)
from replaykit.timetravel import snapshot

AUDIT = ReplayConfig(ReplayMode.AUDIT_REPLAY)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(s.adversarial_journals(), s.replay_configs())
def test_trace_changes_replay_the_fold_step_by_step(
    records: list[JournalRecord], config: ReplayConfig
) -> None:
    document = trace(records, config)
    timeline = Timeline(records, config)
    current = json.loads(json.dumps(snapshot(timeline[0])))
    for step in document["steps"]:
        current = jsonpatch.apply_patch(current, step["changes"])
        assert current == json.loads(json.dumps(snapshot(timeline[step["index"]])))
    assert len(document["steps"]) == len(records)
    faults = [step["index"] - 1 for step in document["steps"] if not step["accepted"]]
    assert faults == [index for index, _ in lint(records, config).faults]
    assert document["result"] == json.loads(to_json(lint(records, config).result))


def test_trace_names_each_record_and_fault() -> None:
    records = b.journal(b.message(), b.run_lifecycle("completed"))
    late = b.message("message.late", journal_seq=3)
    document = trace([*records, late], AUDIT)
    last = document["steps"][-1]
    assert last["record"] == {
        "record_id": "journal.run.test.0003",
        "journal_seq": 3,
        "record_kind": "message",
        "payload": "message",
    }
    assert last["accepted"] is False
    assert last["fault"]["message"] == "journal record appears after sealed terminal replay state"
    assert last["fault"]["kind"] == "InvalidStateTransition"
    assert last["changes"] == []
    assert document["config"] == {
        "mode": "audit_replay",
        "available_content_refs": None,
        "missing_content_policy": "fail",
    }


def test_trace_needs_a_config_unless_given_a_timeline() -> None:
    with pytest.raises(TypeError, match="needs a config"):
        trace([])
    assert trace(Timeline([], AUDIT))["steps"] == []


def test_snapshot_data_of_every_kind_of_value() -> None:
    records = b.journal(b.effect_intent("effect.1"))
    result = replay(records, AUDIT)
    report = lint(records, AUDIT)
    timeline = Timeline(records, AUDIT)
    assert snapshot_data(result) == {"ok": json.loads(to_json(result.unwrap()))}
    assert snapshot_data(records[0]) == json.loads(to_json(records[0]))
    assert snapshot_data(timeline[1])["pending_effects"]["effect.1"]["effect_id"] == "effect.1"
    assert snapshot_data(report)["faults"] == []
    assert snapshot_data(timeline.step(1))["record"]["payload"] == "effect_intent"
    assert snapshot_data(AUDIT)["mode"] == "audit_replay"
    stale = lint([*records, records[0]], AUDIT).faults[0][1]
    assert snapshot_data(Failure(stale))["error"]["journal_seq"] == 1
    assert snapshot_data(Success(3)) == {"ok": 3}
    assert snapshot_data({"diff": timeline.diff(0, 1)})["diff"][0]["op"] == "replace"
    with pytest.raises(TypeError, match="cannot snapshot"):
        snapshot_data(object())


def test_enum_members_become_plain_strings() -> None:
    data = snapshot_data(replay([], AUDIT).unwrap())
    assert type(data["status"]) is str
    assert type(data["mode"]) is str


def test_redaction_keeps_the_shape_and_replaces_only_what_was_asked() -> None:
    data: dict[str, Any] = {
        "timestamp_millis": 1,
        "seen_records": {"r.1": "00ff", "r.2": None},
        "items": [{"reason": "x", "keep": "y"}, {"reason": "z"}],
        "ops": [{"op": "add", "path": "/items/0/reason", "value": "x"}],
    }
    out = redact(data, ["/items/*/reason"])
    assert out == {
        "timestamp_millis": REDACTED,
        "seen_records": {"r.1": "<digest>", "r.2": None},
        "items": [{"reason": REDACTED, "keep": "y"}, {"reason": REDACTED}],
        "ops": [{"op": "add", "path": "/items/0/reason", "value": REDACTED}],
    }
    assert data["timestamp_millis"] == 1  # the input is not changed
    assert redact(data, volatile=False)["timestamp_millis"] == 1
    assert redact(data, volatile=False)["seen_records"]["r.1"] == "00ff"


def test_pointer_tokens_are_unescaped() -> None:
    data = {"seen_records": {"a/b~c": "ff"}}
    assert redact(data, ["/seen_records/a~1b~0c"])["seen_records"]["a/b~c"] == REDACTED


def test_canonical_json_sorts_keys_and_is_independent_of_insertion_order() -> None:
    assert canonical_json({"b": 1, "a": {"d": 2, "c": 3}}) == canonical_json(
        {"a": {"c": 3, "d": 2}, "b": 1}
    )
    text = canonical_json({"b": 1, "a": "é"})
    assert text == '{\n  "a": "é",\n  "b": 1\n}\n'


def test_render_is_the_same_for_equal_values_built_twice() -> None:
    def build() -> str:
        records = b.journal(b.effect_intent("effect.1", content_refs=["c.2", "c.1"]))
        config = ReplayConfig(ReplayMode.AUDIT_REPLAY, available_content_refs=["c.3"])
        return render(Timeline(records, config)[-1])

    assert build() == build()
    assert '"missing_content_refs": [\n    "c.1",\n    "c.2"\n  ]' in build()
