"""``replaykit.testing.builders``: valid records of every payload kind, numbered journals."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest
from returns.result import Success

from replaykit import (
    JournalRecord,
    ReplayConfig,
    ReplayMode,
    ReplayRepairKind,
    ReplayStatus,
    from_json,
    lint,
    replay,
    to_json,
)
from replaykit.examples import path as example_path
from replaykit.model import (
    IGNORED_PAYLOAD_TYPES,
    JournalRecordKind,
    OutputDispatchStatus,
    PendingSideEffect,
    RunCheckpoint,
    TerminalResultMarker,
)
from replaykit.testing import builders as b

AUDIT = ReplayConfig(ReplayMode.AUDIT_REPLAY)
RESUME = ReplayConfig(ReplayMode.RESUME_REPLAY)

#: One default record of every builder, by payload tag (output records by record type).
EVERY_BUILDER: dict[str, Callable[[], JournalRecord]] = {
    "effect_intent": b.effect_intent,
    "effect_result": b.effect_result,
    "checkpoint": b.checkpoint,
    "recovery": b.recovery,
    "run_lifecycle": b.run_lifecycle,
    "turn_lifecycle": b.turn_lifecycle,
    "terminal_result": b.terminal_result,
    "intent": b.output_intent,
    "result": b.output_result,
    "dedupe": b.output_dedupe,
    "reconciliation": b.output_reconciliation,
    "event": b.output_event,
    "message": b.message,
}


def payload_tag(record: JournalRecord) -> str:
    data = json.loads(to_json(record))["payload"]
    return str(data.get("record_type", data["type"]))


@pytest.mark.parametrize("tag", sorted(EVERY_BUILDER))
def test_every_builder_writes_a_record_that_decodes_back_equal(tag: str) -> None:
    record = EVERY_BUILDER[tag]()
    assert payload_tag(record) == tag
    assert from_json(JournalRecord, to_json(record)) == Success(record)


def test_builders_cover_every_payload_tag_of_the_examples() -> None:
    tags = set()
    for name in ("crash-recovery", "output-delivery-mixed", "tool-run-completed"):
        with open(example_path(name), encoding="utf-8") as lines:
            tags |= {payload_tag(from_json(JournalRecord, line).unwrap()) for line in lines}
    covered = set(EVERY_BUILDER) | IGNORED_PAYLOAD_TYPES
    assert tags <= covered, tags - covered


def test_builder_records_have_the_envelope_keys_the_examples_have() -> None:
    with open(example_path("crash-recovery"), encoding="utf-8") as lines:
        example = json.loads(next(lines))
    built = json.loads(to_json(b.run_lifecycle()))
    assert list(built) == list(example)
    assert list(built["event_index"]) == list(example["event_index"])


def test_defaults_are_stable_so_two_builds_are_byte_identical() -> None:
    first = [to_json(make()) for make in EVERY_BUILDER.values()]
    second = [to_json(make()) for make in EVERY_BUILDER.values()]
    assert first == second


def test_payload_keys_and_refs_are_mirrored_on_the_envelope() -> None:
    record = b.effect_intent("effect.9", idempotency_key="idem.9", content_refs=["c.1"])
    assert (record.idempotency_key, record.dedupe_key, record.content_refs) == (
        "idem.9",
        None,
        ("c.1",),
    )
    assert record.record_kind is JournalRecordKind.EFFECT_INTENT
    output = b.output_intent("output.delivery.2")
    assert output.dedupe_key == "dedupe.output.delivery.2"


def test_envelope_fields_can_be_overridden() -> None:
    record = b.run_lifecycle(
        "started", journal_seq=7, run_id="run.other", journal_schema_version=2, tags=("t",)
    )
    assert (record.journal_seq, record.record_id) == (7, "journal.run.other.0007")
    assert record.journal_schema_version == 2
    assert record.event_index.run_id == "run.other"
    assert record.event_index.tags == ("t",)


def test_with_envelope_changes_the_envelope_only() -> None:
    record = b.with_envelope(b.effect_intent(), dedupe_key="dedupe.only.envelope")
    assert record.dedupe_key == "dedupe.only.envelope"
    assert record.payload == b.effect_intent().payload


def test_journal_numbers_records_with_increasing_seqs_and_unique_ids() -> None:
    records = b.journal(*(make() for make in EVERY_BUILDER.values()))
    seqs = [r.journal_seq for r in records]
    assert seqs == list(range(1, len(records) + 1))
    assert len({r.record_id for r in records}) == len(records)
    timestamps = [r.timestamp_millis for r in records]
    assert timestamps == sorted(timestamps)


def test_journal_builder_renumbers_what_defaults_to_the_seq_and_id() -> None:
    jb = b.JournalBuilder(start_seq=5)
    jb.add(b.message(), b.checkpoint())
    jb.skip(3)
    marker = jb.append(b.terminal_result("failed"))
    ckpt = jb.records[1].payload
    assert isinstance(ckpt, RunCheckpoint)
    assert ckpt.covers_journal_seq == 5
    assert marker.journal_seq == 10
    assert isinstance(marker.payload, TerminalResultMarker)
    assert marker.payload.result_record_id == marker.record_id


def test_journal_builder_raw_keeps_records_as_given() -> None:
    record = b.message(journal_seq=3)
    jb = b.JournalBuilder().add(b.message()).raw(record)
    assert jb.records[-1] is record
    assert [r.journal_seq for r in jb.records] == [1, 3]


def test_recovery_pending_entries_name_the_intent_records() -> None:
    jb = b.JournalBuilder()
    intent = jb.append(b.effect_intent("effect.1", dedupe_key="d.1"))
    entry = b.pending_effect(intent, reason="unknown")
    assert entry == PendingSideEffect(
        effect_id="effect.1",
        intent_record_id=intent.record_id,
        dedupe_key="d.1",
        unsafe_pending_reason="unknown",
    )
    marker = jb.append(b.recovery(pending=[intent, "effect.2"]))
    assert [p.effect_id for p in marker.payload.unsafe_pending] == ["effect.1", "effect.2"]  # type: ignore[union-attr]
    with pytest.raises(TypeError):
        b.pending_effect(b.message())


def test_a_completed_tool_run_replays_complete() -> None:
    records = b.journal(
        b.run_lifecycle(),
        b.effect_intent("effect.1"),
        b.effect_result("effect.1"),
        b.run_lifecycle("completed"),
    )
    result = replay(records, RESUME).unwrap()
    assert (result.status, result.resume_allowed, result.terminal_status) == (
        ReplayStatus.COMPLETE,
        True,
        "completed",
    )


def test_an_open_intent_without_keys_refuses_resume() -> None:
    result = replay(b.journal(b.effect_intent("effect.1")), RESUME).unwrap()
    assert not result.resume_allowed
    assert [r.kind for r in result.repair_needed] == [
        ReplayRepairKind.NON_IDEMPOTENT_PENDING_SIDE_EFFECT
    ]


def test_output_delivery_builders_agree_on_one_delivery() -> None:
    records = b.journal(
        b.output_intent("output.delivery.1"),
        b.output_dedupe("output.delivery.1"),
        b.output_intent("output.delivery.2"),
        b.output_result("output.delivery.2", status=OutputDispatchStatus.COMPLETED),
    )
    result = replay(records, AUDIT).unwrap()
    assert [r.delivery_id for r in result.output_delivery_repairs] == ["output.delivery.1"]
    assert result.repair_needed == ()


def test_missing_content_is_reported_for_builder_refs() -> None:
    records = b.journal(b.effect_intent("effect.1", content_refs=["content.9"]), b.effect_result())
    report = lint(records, ReplayConfig(ReplayMode.AUDIT_REPLAY, available_content_refs=[]))
    assert report.result.missing_content_refs == ("content.9",)


def test_other_payload_is_canonical_whatever_the_field_order() -> None:
    record = b.other("model_attempt", [("request_message_count", 4), ("provider_route_id", "r")])
    payload = json.loads(to_json(record))["payload"]
    assert list(payload) == [
        "type",
        "provider_route_id",
        "provider_model_id",
        "request_message_count",
    ]
    assert (payload["provider_route_id"], payload["request_message_count"]) == ("r", 4)
    assert b.other("stream_rule").record_kind is JournalRecordKind.STREAM_RULE
    assert b.other("context_projection").record_kind is JournalRecordKind.CONTEXT


@pytest.mark.parametrize(
    ("fields", "path"),
    [
        ({"request_message_count": 2**32}, "$.request_message_count"),
        ({"provider_route_id": None}, "$.provider_route_id"),
        ({"stop_reason": "TOOL_USE"}, "$.stop_reason"),
        ({"usage": {"input_tokens": "3"}}, "$.usage.input_tokens"),
    ],
)
def test_other_refuses_what_the_reference_refuses(fields: dict[str, object], path: str) -> None:
    with pytest.raises(ValueError, match=re.escape(f"model_attempt payload refused: {path}:")):
        b.other("model_attempt", fields)


@pytest.mark.parametrize("tag", sorted(IGNORED_PAYLOAD_TYPES))
def test_every_ignored_payload_builds_and_round_trips(tag: str) -> None:
    record = b.other(tag)
    assert from_json(JournalRecord, to_json(record)).unwrap() == record
