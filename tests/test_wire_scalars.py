"""Decoding scalars (WIRE.md sections 1.4-1.6, 2, 3): ids, integers, booleans, enums, strings.

Each rejection is checked for its JSON path and a readable one-line message.
"""

from __future__ import annotations

import enum
import json
from typing import Any

import pytest
from returns.result import Failure
from wire_support import decoded, edit, failure, text_lines

from replaykit import from_data, to_json
from replaykit.model import enums

_OUTPUT = text_lines("output-delivery-mixed")
INTENT = _OUTPUT[1]  # output-delivery intent record with both envelope keys
RESULT = _OUTPUT[2]  # output-delivery result record (PascalCase retry_classification)
RECONCILIATION = _OUTPUT[10]  # output-delivery reconciliation record (a boolean field)
RAW = "@@raw@@"


def with_raw(line: str, path: str, raw: str) -> str:
    """``line`` with the raw JSON text ``raw`` as the value at ``path``."""
    return edit(line, path, RAW).replace(json.dumps(RAW), raw)


# Identifiers (section 2). -------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param("", "identifier is empty", id="empty"),
        pytest.param("a" * 513, "identifier length 513 exceeds max 512", id="513-ascii"),
        pytest.param("é" * 257, "identifier length 514 exceeds max 512", id="257-e-acute"),
        pytest.param("\x00run", "identifier contains control character at byte 0", id="nul"),
        pytest.param("run\n1", "identifier contains control character at byte 3", id="newline"),
        pytest.param("run\x1f", "identifier contains control character at byte 3", id="us"),
        pytest.param("run\x7f", "identifier contains control character at byte 3", id="del"),
        pytest.param("éé\x85", "identifier contains control character at byte 4", id="u0085"),
        pytest.param("日\x9f", "identifier contains control character at byte 3", id="u009f"),
        pytest.param("\n" * 600, "identifier length 600 exceeds max 512", id="length-first"),
    ],
)
def test_decode_rejects_invalid_identifier(value: str, message: str) -> None:
    """Empty, over 512 UTF-8 bytes, or a Cc character (byte offset reported)."""
    error = failure(edit(INTENT, "run_id", value))
    assert (error.path, error.message) == ("$.run_id", message)


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("a" * 512, id="512-ascii"),
        pytest.param("é" * 256, id="512-bytes-e-acute"),
        pytest.param("日" * 170 + "ab", id="512-bytes-cjk"),
        pytest.param(" ", id="space-only"),
        pytest.param("\u00a0\u3000", id="unicode-spaces"),
        pytest.param("a\u200bb\u00ad\ufeff", id="cf-format-chars"),
        pytest.param("run 1/ä", id="punctuation-non-ascii"),
        pytest.param("\U0001f600", id="astral"),
    ],
)
def test_decode_accepts_valid_identifier(value: str) -> None:
    """Exactly 512 bytes, whitespace, non-ASCII and Cf characters are all allowed."""
    record = decoded(edit(INTENT, "run_id", value))
    assert record.run_id == value


def test_decode_validates_ids_at_every_depth() -> None:
    """Ids nested in payloads, lists and refs are validated with their own path."""
    cases = {
        "payload.record.effect_intent.effect_id": "$.payload.record.effect_intent.effect_id",
        "content_refs.0": "$.content_refs[0]",
        "payload.record.destination.id": "$.payload.record.destination.id",
        "event_index.source.id": "$.event_index.source.id",
        "payload.record.policy_refs.0.id": "$.payload.record.policy_refs[0].id",
        "payload.record.dedupe_key": "$.payload.record.dedupe_key",
        "idempotency_key": "$.idempotency_key",
    }
    for field, path in cases.items():
        error = failure(edit(INTENT, field, ""))
        assert (error.path, error.message) == (path, "identifier is empty")


@pytest.mark.parametrize(
    "field",
    [
        "record_id",
        "causal_refs",
        "payload.record.delivery_id",
        "payload.record.sink_ref",
        "payload.record.runtime_package_fingerprint",
        "delivery_semantics",
        "redaction_policy_id",
    ],
)
def test_decode_accepts_empty_free_strings(field: str) -> None:
    """Free strings (record ids, delivery ids, sink refs, ...) are not validated."""
    value: Any = [""] if field == "causal_refs" else ""
    record: Any = decoded(edit(INTENT, field, value))
    for part in field.replace("payload.record", "payload").split("."):
        record = getattr(record, part)
    assert record == (("",) if field == "causal_refs" else "")


def test_decode_rejects_control_character_written_as_escape() -> None:
    """``\\u0085`` in the JSON text is a Cc character in the decoded id."""
    error = failure(with_raw(INTENT, "agent_id", '"agent\\u0085x"'))
    assert error.message == "identifier contains control character at byte 5"


def test_decode_rejects_non_string_identifier() -> None:
    error = failure(edit(INTENT, "run_id", 7))
    assert error.path == "$.run_id"
    assert "integer 7" in error.message


# Integers (section 1.4). ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("journal_schema_version", 0),
        ("journal_schema_version", 65535),
        ("journal_seq", 0),
        ("journal_seq", 2**64 - 1),
        ("timestamp_millis", 2**64 - 1),
    ],
)
def test_decode_accepts_unsigned_bounds(field: str, value: int) -> None:
    text = with_raw(INTENT, field, str(value))
    record = decoded(text)
    assert getattr(record, field) == value
    assert to_json(record) == json.dumps(json.loads(text), separators=(",", ":"))


@pytest.mark.parametrize(
    ("field", "raw", "path"),
    [
        pytest.param("journal_schema_version", "65536", "$.journal_schema_version", id="u16+1"),
        pytest.param("journal_schema_version", "-1", "$.journal_schema_version", id="u16-neg"),
        pytest.param("journal_seq", str(2**64), "$.journal_seq", id="u64+1"),
        pytest.param("journal_seq", "-1", "$.journal_seq", id="u64-neg"),
        pytest.param("journal_seq", str(10**30), "$.journal_seq", id="huge"),
        pytest.param(
            "payload.record.delivery_kind",
            '{"type":"stream_chunk","stream_cursor":"c","chunk_index":-5}',
            "$.payload.record.delivery_kind.chunk_index",
            id="nested",
        ),
    ],
)
def test_decode_rejects_out_of_range_integer(field: str, raw: str, path: str) -> None:
    error = failure(with_raw(INTENT, field, raw))
    assert error.path == path
    assert "out of range for u" in error.message


@pytest.mark.parametrize(
    "raw", ["1.0", "1e3", "1E3", "2.5", "1e0", "-0", "-0.0", '"1"', "true", "false", "null"]
)
def test_decode_rejects_non_integer_where_integer_expected(raw: str) -> None:
    """Fractions, exponents, ``-0``, strings, booleans and null are not integers."""
    error = failure(with_raw(INTENT, "journal_seq", raw))
    assert error.path == "$.journal_seq"
    assert "integer" in error.message


def test_decode_rejects_missing_integer() -> None:
    data = json.loads(INTENT)
    del data["timestamp_millis"]
    error = failure(json.dumps(data))
    assert (error.path, error.message) == ("$.timestamp_millis", "missing required field")


# Booleans (section 1.5). ------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["0", "1", '"false"', "null", "[]"])
def test_decode_rejects_non_boolean_where_boolean_expected(raw: str) -> None:
    error = failure(with_raw(RECONCILIATION, "payload.record.resend_allowed", raw))
    assert error.path == "$.payload.record.resend_allowed"
    assert "true or false" in error.message


@pytest.mark.parametrize("value", [True, False])
def test_decode_accepts_boolean_literals(value: bool) -> None:
    record = decoded(edit(RECONCILIATION, "payload.record.resend_allowed", value))
    assert getattr(record.payload, "resend_allowed") is value  # noqa: B009


# Enumerations (sections 1.6 and 3). -------------------------------------------------------

#: The JSON values of every enumeration, in declaration order, copied from WIRE.md section 3.
WIRE_ENUMS = {
    "PrivacyClass": "public internal content_refs_only sensitive secret",
    "RetentionClass": "ephemeral run_scoped session_scoped durable persistent host_policy",
    "TrustClass": "trusted sdk_generated host_provided user_provided external untrusted",
    "EntityKind": "run turn attempt agent agent_pool topic event message wake_condition "
    "context_contribution context_item context_projection content artifact capability "
    "package_sidecar runtime_package policy_decision effect effect_intent effect_result "
    "tool_call approval_request stream_rule realtime_session hook execution_environment "
    "child_artifact subagent_run extension_action output_delivery",
    "SourceKind": "sdk host user system developer memory compaction hook extension tool "
    "remote_channel scheduled_task subagent external_runtime replay",
    "DestinationKind": "agent agent_pool topic provider context_projection journal "
    "event_stream telemetry output_sink host user remote_channel tool extension subagent "
    "external_runtime",
    "PolicyKind": "approval permission sandbox context privacy retention redaction "
    "runtime_package host",
    "JournalRecordKind": "run turn context message model_attempt structured_output "
    "stream_rule realtime_session hook approval tool isolation child_lifecycle agent_pool "
    "run_message wake output_dispatch subagent extension_action telemetry recovery "
    "checkpoint effect_intent effect_result",
    "EffectKind": "provider_request tool_execution approval_dispatch memory_write "
    "extension_action output_delivery file_write process_start process_signal "
    "isolated_process_start child_agent_start run_message_delivery child_artifact_shutdown "
    "detach_transfer hook_mutation",
    "EffectTerminalStatus": "completed failed timed_out cancelled denied_before_execution unknown",
    "TurnLifecycleStatus": "started completed failed",
    "OutputContentMode": "content_refs_only redacted_summary raw_content_if_policy_allows",
    "OutputDispatchStatus": "requested completed failed deduped host_configuration_needed "
    "policy_denied skipped_optional reconciliation_needed",
    "OutputDeliveryEventKind": "output_dispatch_requested output_dispatch_completed "
    "output_dispatch_failed output_dispatch_deduped",
    "TerminalAppendStatus": "not_attempted appended append_failed",
    "ReplayRepairDecision": "completed_by_dedupe_proof requires_host_reconciliation unsafe_pending",
    "ReplayMode": "audit_replay resume_replay repair_replay",
    "ReplayStatus": "complete repair_needed",
    "ReplayRepairKind": "missing_content_ref unsafe_pending_side_effect "
    "non_idempotent_pending_side_effect output_delivery_reconciliation "
    "cursor_scope_mismatch checkpoint_invalid replay_invariant_violation",
    "CursorCompatibility": "compatible scope_mismatch",
    "DurableReplaySupport": "run_journal host_archive_required",
    "MissingContentPolicy": "fail recoverable_replay_gap omit_with_projection_audit "
    "request_host_repair",
    "AgentErrorKind": "InvalidPackage InvalidStateTransition ProviderFailure "
    "ProjectionFailure ToolFailure ApprovalFailure PolicyDenial JournalFailure "
    "TelemetryFailure IsolationFailure StructuredOutputFailure StreamRuleFailure "
    "SubagentFailure ExtensionFailure Cancellation ChildLifecycleFailure HookFailure "
    "Timeout RecoveryRepairNeeded HostConfigurationNeeded",
    "RetryClassification": "Retryable NotRetryable RepairNeeded UserActionNeeded "
    "HostConfigurationNeeded",
}


def _enum(name: str) -> type[enum.StrEnum]:
    cls = getattr(enums, name)
    assert issubclass(cls, enum.StrEnum)
    return cls  # type: ignore[no-any-return]


@pytest.mark.parametrize("name", sorted(WIRE_ENUMS))
def test_enum_values_are_the_wire_strings(name: str) -> None:
    """Every enum has exactly the values of WIRE.md section 3, in order, and decodes them."""
    cls = _enum(name)
    assert [member.value for member in cls] == WIRE_ENUMS[name].split()
    for member in cls:
        assert from_data(cls, member.value).unwrap() is member
        assert to_json(member) == json.dumps(member.value)
        assert cls(member.value) is member


@pytest.mark.parametrize("name", sorted(WIRE_ENUMS))
def test_enum_rejects_other_spellings(name: str) -> None:
    """Matching is exact and case-sensitive; non-strings are rejected."""
    cls = _enum(name)
    first = next(iter(cls)).value
    for wrong in {first.upper(), first.lower(), first.title(), f" {first}", f"{first}_x", ""}:
        if wrong in WIRE_ENUMS[name].split():
            continue
        outcome = from_data(cls, wrong)
        assert isinstance(outcome, Failure), wrong
    assert isinstance(from_data(cls, 1), Failure)
    assert isinstance(from_data(cls, None), Failure)


@pytest.mark.parametrize("raw", ['"Public"', '"PUBLIC"', '"public "', '"pub"', "1", "null"])
def test_decode_rejects_bad_enum_value_in_record(raw: str) -> None:
    error = failure(with_raw(INTENT, "privacy", raw))
    assert error.path == "$.privacy"
    assert "PrivacyClass" in error.message


@pytest.mark.parametrize("raw", ['"repair_needed"', '"repairNeeded"', '"REPAIR_NEEDED"'])
def test_decode_rejects_snake_case_retry_classification(raw: str) -> None:
    """``RetryClassification`` is PascalCase on the wire."""
    error = failure(with_raw(RESULT, "payload.record.retry_classification", raw))
    assert error.path == "$.payload.record.retry_classification"
    assert "RetryClassification" in error.message


# Strings and surrogates (section 1.5). ----------------------------------------------------


@pytest.mark.parametrize(
    "escape",
    [r"\ud800", r"\udfff", r"\udc00\ud800", r"\ud800\u0041", r"x\ud83d", r"\ud83dx"],
)
def test_decode_rejects_lone_surrogate_in_value(escape: str) -> None:
    error = failure(with_raw(INTENT, "record_id", f'"{escape}"'))
    assert error.path == "$.record_id"
    assert "surrogate" in error.message


def test_decode_rejects_lone_surrogate_in_nested_and_ignored_values() -> None:
    nested = failure(with_raw(INTENT, "payload.record.redacted_summary", r'"\udead"'))
    assert nested.path == "$.payload.record.redacted_summary"
    unknown = failure(with_raw(INTENT, "payload.record.extra", r'["ok", "\udead"]'))
    assert unknown.path == "$.payload.record.extra[1]"


KEY_SURROGATE = INTENT.replace(
    '{"journal_schema_version"', r'{"a\ud800b":1,"journal_schema_version"', 1
)


def test_decode_rejects_lone_surrogate_in_key() -> None:
    error = failure(KEY_SURROGATE, readable=False)
    assert "surrogate" in error.message
    assert error.path.startswith('$["a')


def test_decode_error_naming_a_lone_surrogate_key_is_printable() -> None:
    """A message that cannot even be encoded as UTF-8 is not a readable line."""
    failure(KEY_SURROGATE)


def test_decode_error_naming_a_key_with_newline_is_one_line() -> None:
    deep = "[" * 200 + "]" * 200
    failure(
        INTENT.replace('{"journal_schema_version"', f'{{"a\\nb":{deep},"journal_schema_version"', 1)
    )


def test_decode_accepts_escaped_surrogate_pair() -> None:
    record = decoded(with_raw(INTENT, "record_id", r'"x\ud83d\ude00y"'))
    assert record.record_id == "x\U0001f600y"
    assert '"record_id":"x\U0001f600y"' in to_json(record)


def test_decode_rejects_non_string_free_string() -> None:
    error = failure(edit(INTENT, "payload.record.sink_ref", 5))
    assert (error.path, error.message) == (
        "$.payload.record.sink_ref",
        "expected a string, got integer 5",
    )
