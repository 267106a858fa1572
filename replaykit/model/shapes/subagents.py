"""The `child_lifecycle`, `subagent` and `extension_action` payloads (PAYLOADS.md 4.12,
4.16, 4.17)."""

from __future__ import annotations

from replaykit.model.effects import EffectIntent, EffectResult
from replaykit.model.enums import PrivacyClass, RetentionClass
from replaykit.model.refs import DestinationRef, PolicyRef, SourceRef
from replaykit.model.shapes._dsl import (
    BOOL,
    ID,
    STR,
    U32,
    U64,
    adjacent,
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
    "ChildLifecycleRecord",
    req("child_run_id", ID),
    req("parent_run_id", ID),
    req("artifact_kind", "ChildArtifactKind"),
    req("action", "ChildLifecycleAction"),
    req("status", "ChildLifecycleStatus"),
    vec("policy_refs", PolicyRef),
    opt("host_ack_ref", STR),
    opt("reclaim_policy_ref", PolicyRef),
    opt("effect_intent", EffectIntent),
    opt("effect_result", EffectResult),
    req("idempotency_key", ID),
)

enum("ChildArtifactKind", "subagent_run")

enum("ChildLifecycleAction", "shutdown_intent shutdown_completed detach_intent detached")

enum("ChildLifecycleStatus", "requested completed detached failed")

payload("child_lifecycle", "ChildLifecycleRecord")

adjacent(
    "SubagentRecord",
    {
        "started": "SubagentStartedRecord",
        "handoff": "SubagentHandoffRecord",
        "wrapped_event": "SubagentWrappedEventRecord",
        "usage_rolled_up": "SubagentUsageRolledUpRecord",
        "completed": "SubagentCompletedRecord",
        "child_lifecycle": "ChildLifecycleRecord",
    },
)

struct(
    "SubagentStartedRecord",
    req("request_id", ID),
    req("parent_run_id", ID),
    req("child_run_id", ID),
    req("parent_tool_call_id", ID),
    req("child_agent_id", ID),
    req("child_package_fingerprint", STR),
    req("child_journal_ref", "RunJournalRef"),
    req("handoff_policy", "ContextHandoffPolicy"),
    req("tool_policy", "SubagentToolPolicy"),
    vec("message_ids", ID),
    vec("wake_condition_ids", ID),
    req("effect_intent", EffectIntent),
)

struct(
    "SubagentHandoffRecord",
    req("request_id", ID),
    req("parent_run_id", ID),
    req("child_run_id", ID),
    req("handoff_policy", "ContextHandoffPolicy"),
    vec("selected_content_refs", ID),
    opt("projection_audit_ref", STR),
    vec("policy_refs", PolicyRef),
    req("redaction_policy_id", STR),
)

struct(
    "SubagentWrappedEventRecord",
    req("parent_run_id", ID),
    req("child_run_id", ID),
    req("child_agent_id", ID),
    req("original_child_event_id", ID),
    req("original_child_event_kind", "EventKind"),
    req("wrapped_event_ref", STR),
    opt("child_journal_cursor", ID),
    req("child_journal_ref", "RunJournalRef"),
    req("privacy", PrivacyClass),
)

struct(
    "SubagentUsageRolledUpRecord",
    req("child_run_id", ID),
    req("parent_run_id", ID),
    req("child_usage_ref", STR),
    req("parent_usage_ref", STR),
    req("input_tokens", U32),
    req("output_tokens", U32),
    req("total_tokens", U32),
    opt("cost_micros", U64),
    opt("currency", STR),
    req("terminal_status", "SubagentTerminalStatus"),
)

struct(
    "SubagentCompletedRecord",
    req("child_run_id", ID),
    req("parent_run_id", ID),
    req("terminal_status", "SubagentTerminalStatus"),
    opt("result_ref", ID),
    opt("error_ref", STR),
    req("policy_outcome", STR),
    req("effect_result", EffectResult),
)

struct(
    "RunJournalRef",
    req("run_id", ID),
    req("journal_partition_ref", STR),
)

internal(
    "ContextHandoffPolicy",
    "type",
    {
        "none": None,
        "summary_only": struct(
            "ContextHandoffPolicy::summary_only",
            req("summary_ref", ID),
            req("max_tokens", U32),
            req("policy_ref", PolicyRef),
        ),
        "selected_refs": struct(
            "ContextHandoffPolicy::selected_refs",
            vec_req("refs", ID),
            req("policy_ref", PolicyRef),
        ),
        "full_history_with_policy": struct(
            "ContextHandoffPolicy::full_history_with_policy",
            req("policy_ref", PolicyRef),
            req("projection_audit_required", BOOL),
        ),
    },
)

internal(
    "SubagentToolPolicy",
    "type",
    {
        "inherit_allowlist": None,
        "read_only": None,
        "no_tools": None,
        "custom_allowlist": struct(
            "SubagentToolPolicy::custom_allowlist",
            vec_req("capability_ids", ID),
        ),
    },
)

enum(
    "EventKind",
    "run_started run_completed run_failed run_cancelled run_checkpointed "
    "run_cancel_requested run_resume_requested run_resume_failed turn_started "
    "turn_completed turn_failed message_accepted message_committed "
    "provider_request_projected model_attempt_started model_stream_delta "
    "model_message_completed model_attempt_failed tool_requested tool_started "
    "tool_completed tool_failed tool_denied tool_recovery_required approval_requested "
    "approval_dispatched approval_dispatch_unavailable approval_responded approval_denied "
    "approval_timed_out approval_cancelled hook_registered hook_invoked hook_completed "
    "hook_failed hook_timed_out hook_cancelled hook_response_applied "
    "hook_response_rejected context_assembled stream_rule_registered "
    "stream_rule_compile_failed stream_rule_matched stream_intervention_requested "
    "stream_intervention_applied stream_rule_repeat_state_recorded "
    "realtime_connect_requested realtime_connected realtime_input_send_requested "
    "realtime_input_sent realtime_output_receive_requested realtime_output_received "
    "realtime_interrupted realtime_restart_requested realtime_restart_started "
    "realtime_restart_completed realtime_restart_failed realtime_close_requested "
    "realtime_closed realtime_backpressure_applied isolation_requested "
    "isolation_adapter_health_checked isolation_capability_matched "
    "isolation_downgrade_denied isolation_downgrade_approved "
    "isolation_environment_prepared isolation_process_started "
    "isolation_process_io_captured isolation_process_stats_recorded "
    "isolation_cleanup_started isolation_cleanup_completed isolation_cleanup_failed "
    "isolation_failed child_lifecycle_requested child_lifecycle_completed "
    "child_lifecycle_detached subagent_started subagent_handoff subagent_event_wrapped "
    "subagent_usage_rolled_up subagent_completed extension_action_submitted "
    "extension_action_started extension_action_completed extension_action_failed "
    "extension_action_denied output_dispatch_requested output_dispatch_completed "
    "output_dispatch_failed output_dispatch_deduped structured_output_requested "
    "structured_output_validation_started structured_output_validation_failed "
    "structured_output_repair_requested structured_output_validated "
    "structured_output_failed telemetry_sink_failed telemetry_sink_recovered "
    "usage_recorded cost_estimated cost_corrected replay_started replay_completed "
    "replay_failed agent_pool_created agent_pool_run_joined agent_pool_run_left "
    "run_message_accepted run_message_delivered run_message_responded run_message_failed "
    "run_message_timed_out run_message_expired run_message_cancelled "
    "wake_condition_registered wake_condition_triggered wake_condition_timed_out "
    "wake_condition_cancelled wake_condition_failed",
)

enum("SubagentTerminalStatus", "completed failed cancelled detached")

payload("subagent", "SubagentRecord")

struct(
    "ExtensionActionRecord",
    req("request_id", ID),
    req("run_id", ID),
    opt("turn_id", ID),
    req("action_ref", "ExtensionActionRef"),
    req("action_kind", "ExtensionActionKind"),
    req("source", SourceRef),
    req("destination", DestinationRef),
    vec("policy_refs", PolicyRef),
    req("risk_class", "RiskClass"),
    req("privacy", PrivacyClass),
    req("retention", RetentionClass),
    vec("input_refs", ID),
    req("redacted_input_summary", STR),
    opt("idempotency_key", ID),
    req("status", "ExtensionActionRecordStatus"),
    opt("approval_request_ref", STR),
    opt("effect_intent", EffectIntent),
    opt("effect_result", EffectResult),
    opt("denied_reason", STR),
    opt("unsafe_pending_reason", STR),
)

struct(
    "ExtensionActionRef",
    req("extension_id", ID),
    req("action_id", ID),
    req("capability_id", ID),
)

enum("ExtensionActionKind", "host_action output_delivery tool_request")

enum(
    "ExtensionActionRecordStatus",
    "submitted started completed failed timed_out cancelled denied unknown recovery_required",
)

payload("extension_action", "ExtensionActionRecord")
