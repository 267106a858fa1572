"""The closed sets of the wire format, as ``StrEnum``s whose values are the wire strings.

>>> ReplayMode("resume_replay") is ReplayMode.RESUME_REPLAY
True
>>> str(RetryClassification.REPAIR_NEEDED)
'RepairNeeded'
"""

from __future__ import annotations

import enum

__all__ = [
    "AgentErrorKind",
    "CursorCompatibility",
    "DestinationKind",
    "DurableReplaySupport",
    "EffectKind",
    "EffectTerminalStatus",
    "EntityKind",
    "JournalRecordKind",
    "MissingContentPolicy",
    "OutputContentMode",
    "OutputDeliveryEventKind",
    "OutputDispatchStatus",
    "PolicyKind",
    "PrivacyClass",
    "ReplayMode",
    "ReplayRepairDecision",
    "ReplayRepairKind",
    "ReplayStatus",
    "RetentionClass",
    "RetryClassification",
    "SourceKind",
    "TerminalAppendStatus",
    "TrustClass",
    "TurnLifecycleStatus",
]


class PrivacyClass(enum.StrEnum):
    PUBLIC = "public"
    INTERNAL = "internal"
    CONTENT_REFS_ONLY = "content_refs_only"
    SENSITIVE = "sensitive"
    SECRET = "secret"


class RetentionClass(enum.StrEnum):
    EPHEMERAL = "ephemeral"
    RUN_SCOPED = "run_scoped"
    SESSION_SCOPED = "session_scoped"
    DURABLE = "durable"
    PERSISTENT = "persistent"
    HOST_POLICY = "host_policy"


class TrustClass(enum.StrEnum):
    TRUSTED = "trusted"
    SDK_GENERATED = "sdk_generated"
    HOST_PROVIDED = "host_provided"
    USER_PROVIDED = "user_provided"
    EXTERNAL = "external"
    UNTRUSTED = "untrusted"


class EntityKind(enum.StrEnum):
    RUN = "run"
    TURN = "turn"
    ATTEMPT = "attempt"
    AGENT = "agent"
    AGENT_POOL = "agent_pool"
    TOPIC = "topic"
    EVENT = "event"
    MESSAGE = "message"
    WAKE_CONDITION = "wake_condition"
    CONTEXT_CONTRIBUTION = "context_contribution"
    CONTEXT_ITEM = "context_item"
    CONTEXT_PROJECTION = "context_projection"
    CONTENT = "content"
    ARTIFACT = "artifact"
    CAPABILITY = "capability"
    PACKAGE_SIDECAR = "package_sidecar"
    RUNTIME_PACKAGE = "runtime_package"
    POLICY_DECISION = "policy_decision"
    EFFECT = "effect"
    EFFECT_INTENT = "effect_intent"
    EFFECT_RESULT = "effect_result"
    TOOL_CALL = "tool_call"
    APPROVAL_REQUEST = "approval_request"
    STREAM_RULE = "stream_rule"
    REALTIME_SESSION = "realtime_session"
    HOOK = "hook"
    EXECUTION_ENVIRONMENT = "execution_environment"
    CHILD_ARTIFACT = "child_artifact"
    SUBAGENT_RUN = "subagent_run"
    EXTENSION_ACTION = "extension_action"
    OUTPUT_DELIVERY = "output_delivery"


class SourceKind(enum.StrEnum):
    SDK = "sdk"
    HOST = "host"
    USER = "user"
    SYSTEM = "system"
    DEVELOPER = "developer"
    MEMORY = "memory"
    COMPACTION = "compaction"
    HOOK = "hook"
    EXTENSION = "extension"
    TOOL = "tool"
    REMOTE_CHANNEL = "remote_channel"
    SCHEDULED_TASK = "scheduled_task"
    SUBAGENT = "subagent"
    EXTERNAL_RUNTIME = "external_runtime"
    REPLAY = "replay"


class DestinationKind(enum.StrEnum):
    AGENT = "agent"
    AGENT_POOL = "agent_pool"
    TOPIC = "topic"
    PROVIDER = "provider"
    CONTEXT_PROJECTION = "context_projection"
    JOURNAL = "journal"
    EVENT_STREAM = "event_stream"
    TELEMETRY = "telemetry"
    OUTPUT_SINK = "output_sink"
    HOST = "host"
    USER = "user"
    REMOTE_CHANNEL = "remote_channel"
    TOOL = "tool"
    EXTENSION = "extension"
    SUBAGENT = "subagent"
    EXTERNAL_RUNTIME = "external_runtime"


class PolicyKind(enum.StrEnum):
    APPROVAL = "approval"
    PERMISSION = "permission"
    SANDBOX = "sandbox"
    CONTEXT = "context"
    PRIVACY = "privacy"
    RETENTION = "retention"
    REDACTION = "redaction"
    RUNTIME_PACKAGE = "runtime_package"
    HOST = "host"


class JournalRecordKind(enum.StrEnum):
    RUN = "run"
    TURN = "turn"
    CONTEXT = "context"
    MESSAGE = "message"
    MODEL_ATTEMPT = "model_attempt"
    STRUCTURED_OUTPUT = "structured_output"
    STREAM_RULE = "stream_rule"
    REALTIME_SESSION = "realtime_session"
    HOOK = "hook"
    APPROVAL = "approval"
    TOOL = "tool"
    ISOLATION = "isolation"
    CHILD_LIFECYCLE = "child_lifecycle"
    AGENT_POOL = "agent_pool"
    RUN_MESSAGE = "run_message"
    WAKE = "wake"
    OUTPUT_DISPATCH = "output_dispatch"
    SUBAGENT = "subagent"
    EXTENSION_ACTION = "extension_action"
    TELEMETRY = "telemetry"
    RECOVERY = "recovery"
    CHECKPOINT = "checkpoint"
    EFFECT_INTENT = "effect_intent"
    EFFECT_RESULT = "effect_result"


class EffectKind(enum.StrEnum):
    PROVIDER_REQUEST = "provider_request"
    TOOL_EXECUTION = "tool_execution"
    APPROVAL_DISPATCH = "approval_dispatch"
    MEMORY_WRITE = "memory_write"
    EXTENSION_ACTION = "extension_action"
    OUTPUT_DELIVERY = "output_delivery"
    FILE_WRITE = "file_write"
    PROCESS_START = "process_start"
    PROCESS_SIGNAL = "process_signal"
    ISOLATED_PROCESS_START = "isolated_process_start"
    CHILD_AGENT_START = "child_agent_start"
    RUN_MESSAGE_DELIVERY = "run_message_delivery"
    CHILD_ARTIFACT_SHUTDOWN = "child_artifact_shutdown"
    DETACH_TRANSFER = "detach_transfer"
    HOOK_MUTATION = "hook_mutation"


class EffectTerminalStatus(enum.StrEnum):
    COMPLETED = "completed"
    FAILED = "failed"
    TIMED_OUT = "timed_out"
    CANCELLED = "cancelled"
    DENIED_BEFORE_EXECUTION = "denied_before_execution"
    UNKNOWN = "unknown"


class TurnLifecycleStatus(enum.StrEnum):
    STARTED = "started"
    COMPLETED = "completed"
    FAILED = "failed"


class OutputContentMode(enum.StrEnum):
    CONTENT_REFS_ONLY = "content_refs_only"
    REDACTED_SUMMARY = "redacted_summary"
    RAW_CONTENT_IF_POLICY_ALLOWS = "raw_content_if_policy_allows"


class OutputDispatchStatus(enum.StrEnum):
    REQUESTED = "requested"
    COMPLETED = "completed"
    FAILED = "failed"
    DEDUPED = "deduped"
    HOST_CONFIGURATION_NEEDED = "host_configuration_needed"
    POLICY_DENIED = "policy_denied"
    SKIPPED_OPTIONAL = "skipped_optional"
    RECONCILIATION_NEEDED = "reconciliation_needed"


class OutputDeliveryEventKind(enum.StrEnum):
    OUTPUT_DISPATCH_REQUESTED = "output_dispatch_requested"
    OUTPUT_DISPATCH_COMPLETED = "output_dispatch_completed"
    OUTPUT_DISPATCH_FAILED = "output_dispatch_failed"
    OUTPUT_DISPATCH_DEDUPED = "output_dispatch_deduped"


class TerminalAppendStatus(enum.StrEnum):
    NOT_ATTEMPTED = "not_attempted"
    APPENDED = "appended"
    APPEND_FAILED = "append_failed"


class ReplayRepairDecision(enum.StrEnum):
    COMPLETED_BY_DEDUPE_PROOF = "completed_by_dedupe_proof"
    REQUIRES_HOST_RECONCILIATION = "requires_host_reconciliation"
    UNSAFE_PENDING = "unsafe_pending"


class ReplayMode(enum.StrEnum):
    AUDIT_REPLAY = "audit_replay"
    RESUME_REPLAY = "resume_replay"
    REPAIR_REPLAY = "repair_replay"


class ReplayStatus(enum.StrEnum):
    COMPLETE = "complete"
    REPAIR_NEEDED = "repair_needed"


class ReplayRepairKind(enum.StrEnum):
    MISSING_CONTENT_REF = "missing_content_ref"
    UNSAFE_PENDING_SIDE_EFFECT = "unsafe_pending_side_effect"
    NON_IDEMPOTENT_PENDING_SIDE_EFFECT = "non_idempotent_pending_side_effect"
    OUTPUT_DELIVERY_RECONCILIATION = "output_delivery_reconciliation"
    CURSOR_SCOPE_MISMATCH = "cursor_scope_mismatch"
    CHECKPOINT_INVALID = "checkpoint_invalid"
    REPLAY_INVARIANT_VIOLATION = "replay_invariant_violation"


class CursorCompatibility(enum.StrEnum):
    COMPATIBLE = "compatible"
    SCOPE_MISMATCH = "scope_mismatch"


class DurableReplaySupport(enum.StrEnum):
    RUN_JOURNAL = "run_journal"
    HOST_ARCHIVE_REQUIRED = "host_archive_required"


class MissingContentPolicy(enum.StrEnum):
    FAIL = "fail"
    RECOVERABLE_REPLAY_GAP = "recoverable_replay_gap"
    OMIT_WITH_PROJECTION_AUDIT = "omit_with_projection_audit"
    REQUEST_HOST_REPAIR = "request_host_repair"


class AgentErrorKind(enum.StrEnum):
    """Error kinds; on the wire they keep the PascalCase variant names."""

    INVALID_PACKAGE = "InvalidPackage"
    INVALID_STATE_TRANSITION = "InvalidStateTransition"
    PROVIDER_FAILURE = "ProviderFailure"
    PROJECTION_FAILURE = "ProjectionFailure"
    TOOL_FAILURE = "ToolFailure"
    APPROVAL_FAILURE = "ApprovalFailure"
    POLICY_DENIAL = "PolicyDenial"
    JOURNAL_FAILURE = "JournalFailure"
    TELEMETRY_FAILURE = "TelemetryFailure"
    ISOLATION_FAILURE = "IsolationFailure"
    STRUCTURED_OUTPUT_FAILURE = "StructuredOutputFailure"
    STREAM_RULE_FAILURE = "StreamRuleFailure"
    SUBAGENT_FAILURE = "SubagentFailure"
    EXTENSION_FAILURE = "ExtensionFailure"
    CANCELLATION = "Cancellation"
    CHILD_LIFECYCLE_FAILURE = "ChildLifecycleFailure"
    HOOK_FAILURE = "HookFailure"
    TIMEOUT = "Timeout"
    RECOVERY_REPAIR_NEEDED = "RecoveryRepairNeeded"
    HOST_CONFIGURATION_NEEDED = "HostConfigurationNeeded"


class RetryClassification(enum.StrEnum):
    """Retry classes; on the wire they keep the PascalCase variant names."""

    RETRYABLE = "Retryable"
    NOT_RETRYABLE = "NotRetryable"
    REPAIR_NEEDED = "RepairNeeded"
    USER_ACTION_NEEDED = "UserActionNeeded"
    HOST_CONFIGURATION_NEEDED = "HostConfigurationNeeded"
