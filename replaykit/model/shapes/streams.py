"""The `hook`, `stream_rule` and `realtime_session` payloads (PAYLOADS.md 4.8-4.10)."""

from __future__ import annotations

from replaykit.model.effects import EffectIntent, EffectResult
from replaykit.model.enums import PrivacyClass, RetentionClass
from replaykit.model.refs import EntityRef, PolicyRef
from replaykit.model.shapes._dsl import (
    ID,
    STR,
    U16,
    U32,
    U64,
    enum,
    internal,
    opt,
    payload,
    req,
    struct,
    vec,
    vec_req,
)

__all__: list[str] = []

struct(
    "HookRecord",
    req("schema_version", U16),
    req("hook_id", STR),
    req("point", "HookPoint"),
    req("payload", "HookRecordPayload"),
)

internal(
    "HookRecordPayload",
    "type",
    {
        "registered": struct(
            "HookRecordPayload::registered",
            req("spec_hash", STR),
            req("executor_ref", STR),
            req("policy_ref", PolicyRef),
        ),
        "invocation_started": struct(
            "HookRecordPayload::invocation_started",
            req("invocation_id", STR),
        ),
        "completed": struct(
            "HookRecordPayload::completed",
            req("invocation_id", STR),
            req("elapsed_ms", U64),
        ),
        "timed_out": struct(
            "HookRecordPayload::timed_out",
            req("invocation_id", STR),
            req("elapsed_ms", U64),
            req("failure_policy", STR),
        ),
        "cancelled": struct(
            "HookRecordPayload::cancelled",
            req("invocation_id", STR),
        ),
        "failed": struct(
            "HookRecordPayload::failed",
            req("invocation_id", STR),
            req("failure_policy", STR),
            req("redacted_summary", STR),
        ),
        "response_decision": struct(
            "HookRecordPayload::response_decision",
            req("invocation_id", STR),
            req("decision", "HookResponseDecision"),
            req("response_class", "HookResponseClass"),
            req("mutation_right_decision", STR),
            vec_req("target_domain_refs", EntityRef),
        ),
    },
)

enum(
    "HookPoint",
    "run_starting before_context_assembly after_context_assembly "
    "before_provider_projection before_model_call on_model_delta after_model_call "
    "before_structured_output_validation after_structured_output_validation "
    "before_tool_call after_tool_call before_approval_request after_approval_decision "
    "before_subagent_start after_subagent_terminal before_isolation_process_start "
    "after_isolation_process_exit on_run_cancel_requested before_run_complete "
    "after_run_terminal before_compaction after_compaction",
)

enum(
    "HookResponseDecision",
    "accepted_journaled_before_apply rejected_mutation_right rejected_point_matrix rejected_policy",
)

enum(
    "HookResponseClass",
    "observe inject_context modify_projection request_compaction modify_validation_hints "
    "modify_tool_request modify_approval_request deny request_approval request_retry "
    "rewrite_tool_result modify_subagent_request modify_process_request validate_detach "
    "request_usage_rollup_repair request_cleanup_repair mark_protected_context "
    "request_projection_audit_repair stop_completion_with_repair_needed stop_run",
)

payload("hook", "HookRecord")

struct(
    "StreamRuleRecord",
    req("record_kind", "StreamRuleRecordKind"),
    req("rule_id", ID),
    req("rule_version", U32),
    opt("channel", "StreamChannel"),
    opt("direction", "StreamDirection"),
    opt("cursor", "StreamCursor"),
    opt("redacted_match", "RedactedMatch"),
    opt("intervention", "StreamIntervention"),
    opt("repeat_state", "StreamRuleRepeatStateSnapshot"),
    vec("policy_refs", PolicyRef),
    req("redacted_summary", STR),
)

struct(
    "StreamCursor",
    req("chunk_sequence", U64),
    req("byte_offset", U64),
    req("precision", "StreamCursorPrecision"),
    opt("label", STR),
)

struct(
    "RedactedMatch",
    req("match_id", ID),
    req("channel", "StreamChannel"),
    opt("direction", "StreamDirection"),
    req("cursor", "StreamCursor"),
    req("byte_len", U64),
    req("text_hash", STR),
    req("redacted_summary", STR),
    req("privacy", PrivacyClass),
    req("retention", RetentionClass),
)

struct(
    "StreamIntervention",
    req("intervention_id", ID),
    req("rule_ref", EntityRef),
    req("requested_action", "StreamAction"),
    opt("applied_action", "StreamAction"),
    req("match_ref", "StreamMatchRef"),
    req("redacted_match", "RedactedMatch"),
    req("partial_output_policy", "PartialOutputPolicy"),
    vec("policy_refs", PolicyRef),
    opt("effect_intent_ref", ID),
    opt("effect_result_ref", ID),
    opt("effect_intent", EffectIntent),
    opt("effect_result", EffectResult),
)

struct(
    "StreamRuleRepeatStateSnapshot",
    vec("seen_match_keys", STR),
)

internal(
    "StreamAction",
    "action",
    {
        "stop_run": struct(
            "StreamAction::stop_run",
            req("reason", STR),
            req("partial_output", "PartialOutputPolicy"),
        ),
        "abort_and_retry": struct(
            "StreamAction::abort_and_retry",
            req("injection_summary", STR),
            req("retry_policy_ref", PolicyRef),
            req("partial_output", "PartialOutputPolicy"),
        ),
        "pause_for_approval": struct(
            "StreamAction::pause_for_approval",
            req("approval_policy_ref", PolicyRef),
            req("resume_policy_ref", PolicyRef),
        ),
        "mask_and_continue": struct(
            "StreamAction::mask_and_continue",
            req("replacement", STR),
        ),
        "emit_only": struct(
            "StreamAction::emit_only",
            req("notice_kind", STR),
        ),
    },
)

struct(
    "StreamMatchRef",
    req("match_id", ID),
    req("rule_id", ID),
    req("rule_version", U32),
)

enum(
    "StreamRuleRecordKind",
    "registered compile_failed matched intervention_intent intervention_result repeat_state",
)

enum(
    "StreamChannel",
    "assistant_text reasoning_summary provider_exposed_reasoning tool_call_arguments "
    "tool_result_text realtime_transcript realtime_media hidden_chain_of_thought",
)

enum("StreamDirection", "input_to_provider output_from_provider")

enum("StreamCursorPrecision", "byte_offset chunk_sequence_only marker")

enum("PartialOutputPolicy", "keep discard mask content_ref_only")

payload("stream_rule", "StreamRuleRecord")

struct(
    "RealtimeSessionRecord",
    req("kind", "RealtimeSessionRecordKind"),
    req("session_id", ID),
    opt("connection_id", ID),
    opt("response_id", ID),
    req("run_id", ID),
    req("agent_id", ID),
    req("provider_route_ref", STR),
    req("send_cursor", "StreamCursor"),
    req("receive_cursor", "StreamCursor"),
    req("restart_count", U32),
    req("backpressure_state", "RealtimeBackpressureState"),
    req("status", "RealtimeSessionStatus"),
    opt("close_reason", "RealtimeCloseReason"),
    req("channel", "StreamChannel"),
    opt("direction", "StreamDirection"),
    req("media_kind", "RealtimeMediaKind"),
    vec("content_refs", ID),
    vec("policy_refs", PolicyRef),
    req("privacy", PrivacyClass),
    req("retention", RetentionClass),
    req("redacted_summary", STR),
    opt("effect_intent_ref", ID),
    opt("effect_result_ref", ID),
    opt("effect_intent", EffectIntent),
    opt("effect_result", EffectResult),
)

struct(
    "RealtimeBackpressureState",
    req("capacity", U64),
    req("queued_frames", U64),
    req("dropped_frames", U64),
    req("gated_frames", U64),
    opt("last_action", "RealtimeBackpressureAction"),
    req("policy_ref", PolicyRef),
)

enum(
    "RealtimeSessionRecordKind",
    "connect_requested connected input_send_requested input_sent output_receive_requested "
    "output_received interrupt_requested interrupted restart_requested restart_started "
    "restart_completed restart_failed close_requested closed backpressure_applied",
)

enum(
    "RealtimeSessionStatus",
    "connecting connected input_sent output_received interrupted restart_requested "
    "restart_started restart_completed restart_failed closed failed detached "
    "backpressure_applied",
)

enum("RealtimeCloseReason", "normal cancel provider_failure policy_denial host_owned_detach")

enum("RealtimeMediaKind", "audio text image video transcript")

enum("RealtimeBackpressureAction", "block gate drop_noncritical summarize fail_send")

payload("realtime_session", "RealtimeSessionRecord")
