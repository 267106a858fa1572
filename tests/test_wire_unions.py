"""Decoding the three tagged-union shapes (WIRE.md sections 1.7, 6, 8, 10, 11): payloads,
output delivery, delivery kinds, scopes, cursors and ``AgentError``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from wire_support import compact, decoded, edit, failure, text_lines

from replaykit import (
    AgentError,
    Classified,
    ContractViolation,
    EventCursor,
    EventStreamScope,
    ReplayResult,
    RunCheckpoint,
    to_json,
)
from replaykit.model import (
    AgentErrorKind,
    AgentScope,
    AllScope,
    FilterScope,
    HostConfigurationNeeded,
    MissingRequiredField,
    OutputDeliveryIntentRecord,
    RetryClassification,
    RunScope,
    StreamChunk,
)

INTENT = text_lines("output-delivery-mixed")[1]
CHECKPOINT = text_lines("crash-recovery")[6]

#: WIRE.md section 10: ``AgentError::new(InvalidStateTransition, RepairNeeded, ...)``.
CLASSIFIED_JSON = (
    '{"Classified":{"kind":"InvalidStateTransition","retry":"RepairNeeded","context":'
    '{"message":"journal records must be strictly increasing during replay","policy_refs":[],'
    '"source":null,"destination":null,"subject":null,"privacy":null,"redacted_summary":null},'
    '"causal_ids":{"run_id":null,"turn_id":null,"attempt_id":null,"event_id":null,'
    '"tool_call_id":null,"span_id":null,"related":[]}}}'
)


# Tagged unions (section 1.7). ---------------------------------------------------------------


def test_decode_payload_tag_rules() -> None:
    missing = failure(edit(INTENT, "payload.type", delete=True))
    assert (missing.path, missing.message) == ("$.payload.type", "missing required field")
    unknown = failure(edit(INTENT, "payload.type", "output_deliveries"))
    assert unknown.path == "$.payload.type"
    assert "output_deliveries" in unknown.message
    not_string = failure(edit(INTENT, "payload.type", 1))
    assert not_string.path == "$.payload.type"
    not_object = failure(edit(INTENT, "payload", "output_delivery"))
    assert not_object.path == "$.payload"


def test_decode_output_delivery_adjacent_tag_rules() -> None:
    for key in ("record_type", "record"):
        error = failure(edit(INTENT, f"payload.{key}", delete=True))
        assert error.path == f"$.payload.{key}"
    null_record = failure(edit(INTENT, "payload.record", None))
    assert null_record.path == "$.payload.record"
    unknown = failure(edit(INTENT, "payload.record_type", "Intent"))
    assert unknown.path == "$.payload.record_type"


def test_decode_output_delivery_keys_in_any_order_encode_in_wire_order() -> None:
    data = json.loads(INTENT)
    payload = data["payload"]
    data["payload"] = {
        "record": payload["record"],
        "record_type": "intent",
        "type": "output_delivery",
    }
    record = decoded(compact(data))
    assert isinstance(record.payload, OutputDeliveryIntentRecord)
    assert to_json(record) == INTENT
    assert '"payload":{"type":"output_delivery","record_type":"intent","record":{' in INTENT


@pytest.mark.parametrize(
    "kind", ["final_message", {"type": "Final_message"}, {}, {"type": "stream_chunk"}, None]
)
def test_decode_rejects_bad_delivery_kind(kind: Any) -> None:
    """A bare string is rejected: the delivery kind is an internally tagged object."""
    error = failure(edit(INTENT, "payload.record.delivery_kind", kind))
    assert error.path.startswith("$.payload.record.delivery_kind")


def test_decode_stream_chunk_delivery_kind() -> None:
    kind = {"type": "stream_chunk", "stream_cursor": "c1", "chunk_index": 0}
    text = edit(INTENT, "payload.record.delivery_kind", kind)
    record = decoded(text)
    assert record.payload.delivery_kind == StreamChunk(stream_cursor="c1", chunk_index=0)
    assert to_json(record) == text


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ('"all"', AllScope()),
        ('{"run":"run.demo.1"}', RunScope("run.demo.1")),
        ('{"agent":"agent.demo"}', AgentScope("agent.demo")),
        (
            '{"filter":{"filter_id":"f1","filter_fingerprint":"fp1"}}',
            FilterScope(filter_id="f1", filter_fingerprint="fp1"),
        ),
        (
            '{"filter":{"filter_id":"","filter_fingerprint":""}}',
            FilterScope(filter_id="", filter_fingerprint=""),
        ),
    ],
)
def test_scope_is_externally_tagged(text: str, value: EventStreamScope) -> None:
    assert decoded(text, EventStreamScope) == value
    assert to_json(value) == text


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('{"run":"r","agent":"a"}', "$"),
        ("{}", "$"),
        ('"run"', "$"),
        ('"All"', "$"),
        ('{"Run":"r"}', "$.Run"),
        ('{"run":""}', "$.run"),
        ('{"run":null}', "$.run"),
        ('{"agent":"a\\u0007"}', "$.agent"),
        ('{"filter":{"filter_id":"f"}}', "$.filter.filter_fingerprint"),
        ("7", "$"),
        ("null", "$"),
    ],
)
def test_decode_rejects_bad_scope(text: str, where: str) -> None:
    assert failure(text, EventStreamScope).path == where


def test_event_cursor_example_round_trips() -> None:
    """WIRE.md section 11's example cursor."""
    text = (
        '{"scope":{"run":"run.demo.1"},"event_seq":3,"event_id":"ev.3",'
        '"journal_cursor":"journal.3"}'
    )
    cursor = decoded(text, EventCursor)
    assert cursor == EventCursor(
        scope=RunScope("run.demo.1"), event_seq=3, event_id="ev.3", journal_cursor="journal.3"
    )
    assert to_json(cursor) == text
    assert failure(text.replace('"journal.3"', '""'), EventCursor).path == "$.journal_cursor"


def test_classified_error_matches_wire_example() -> None:
    """WIRE.md section 10: every context and causal-id field written, absent ones as null."""
    error = Classified.new(
        AgentErrorKind.INVALID_STATE_TRANSITION,
        RetryClassification.REPAIR_NEEDED,
        "journal records must be strictly increasing during replay",
    )
    assert to_json(error) == CLASSIFIED_JSON
    assert decoded(CLASSIFIED_JSON, AgentError) == error
    assert str(error) == (
        "InvalidStateTransition: journal records must be strictly increasing during replay"
    )


@pytest.mark.parametrize(
    ("error", "text", "kind", "retry", "display"),
    [
        (
            ContractViolation(message="m"),
            '{"ContractViolation":{"message":"m"}}',
            "InvalidStateTransition",
            "RepairNeeded",
            "contract violation: m",
        ),
        (
            MissingRequiredField(field="f"),
            '{"MissingRequiredField":{"field":"f"}}',
            "InvalidPackage",
            "HostConfigurationNeeded",
            "missing required field: f",
        ),
        (
            HostConfigurationNeeded(message="m"),
            '{"HostConfigurationNeeded":{"message":"m"}}',
            "HostConfigurationNeeded",
            "HostConfigurationNeeded",
            "host configuration needed: m",
        ),
    ],
)
def test_agent_error_variants(
    error: AgentError, text: str, kind: str, retry: str, display: str
) -> None:
    """The other three variants: wire shape, kind, retry and display text (section 10)."""
    assert to_json(error) == text
    assert decoded(text, AgentError) == error
    assert (error.kind.value, error.retry.value, str(error)) == (kind, retry, display)


def test_classified_error_null_rules() -> None:
    """Option fields of the context may be missing; its two lists are required."""
    data = json.loads(CLASSIFIED_JSON)
    for key in ("source", "destination", "subject", "privacy", "redacted_summary"):
        del data["Classified"]["context"][key]
    for key in ("run_id", "turn_id", "attempt_id", "event_id", "tool_call_id", "span_id"):
        del data["Classified"]["causal_ids"][key]
    assert to_json(decoded(compact(data), AgentError)) == CLASSIFIED_JSON
    for path in ("context.policy_refs", "causal_ids.related"):
        text = edit(CLASSIFIED_JSON, f"Classified.{path}", delete=True)
        error = failure(text, AgentError)
        assert (error.path, error.message) == (f"$.Classified.{path}", "missing required field")


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('{"ContractViolation":{"message":"m"},"Classified":{}}', "$"),
        ('"ContractViolation"', "$"),
        ('{"contract_violation":{"message":"m"}}', "$.contract_violation"),
        ('{"ContractViolation":{}}', "$.ContractViolation.message"),
        ('{"ContractViolation":null}', "$.ContractViolation"),
        ('{"Classified":{"kind":"invalid_package"}}', "$.Classified.kind"),
    ],
)
def test_decode_rejects_bad_agent_error(text: str, where: str) -> None:
    assert failure(text, AgentError).path == where


def test_decode_rejects_other_variant_than_asked() -> None:
    assert failure('{"ContractViolation":{"message":"m"}}', Classified).path == "$"


def test_replay_result_and_checkpoint_decode() -> None:
    """``ReplayResult.latest_checkpoint`` is a ``RunCheckpoint`` without a ``type`` key."""
    payload = json.loads(CHECKPOINT)["payload"]
    del payload["type"]
    checkpoint = decoded(compact(payload), RunCheckpoint)
    assert to_json(checkpoint) == compact(payload)
    result_text = compact(
        {
            "mode": "audit_replay",
            "status": "complete",
            "resume_allowed": True,
            "latest_journal_seq": 7,
            "next_loop_state": payload["loop_state"],
            "latest_checkpoint": payload,
        }
    )
    result = decoded(result_text, ReplayResult)
    assert result.latest_checkpoint == checkpoint
    assert to_json(result) == result_text
    error = failure(edit(result_text, "latest_checkpoint.covers_journal_seq", -1), ReplayResult)
    assert error.path == "$.latest_checkpoint.covers_journal_seq"
