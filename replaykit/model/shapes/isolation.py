"""The `isolation` payload (PAYLOADS.md 4.11)."""

from __future__ import annotations

from replaykit.model.effects import EffectIntent, EffectResult
from replaykit.model.enums import RetryClassification
from replaykit.model.refs import DestinationRef, PolicyRef, SourceRef
from replaykit.model.shapes._dsl import (
    BOOL,
    ID,
    STR,
    U64,
    adjacent,
    enum,
    null,
    payload,
    req,
    struct,
    vec,
)

__all__: list[str] = []

adjacent(
    "IsolationRecord",
    {
        "requested": "IsolationRequestedRecord",
        "adapter_capability_reported": "IsolationCapabilityReportedRecord",
        "capability_match": "IsolationCapabilityMatchRecord",
        "downgrade_decision": "IsolationDowngradeDecisionRecord",
        "environment_prepare_intent": "IsolationEnvironmentPrepareIntentRecord",
        "environment_prepare_result": "IsolationEnvironmentPrepareResultRecord",
        "process_start_intent": "IsolationProcessStartIntentRecord",
        "process_start_result": "IsolationProcessStartResultRecord",
        "process_io_frame": "ProcessIoFrame",
        "process_stats_snapshot": "IsolationProcessStatsRecord",
        "cleanup_intent": "IsolationCleanupIntentRecord",
        "cleanup_result": "IsolationCleanupResultRecord",
        "failed": "IsolationFailureRecord",
    },
)

struct(
    "IsolationRequestedRecord",
    req("environment_id", ID),
    req("requirement_ref", ID),
    req("requested_class", "IsolationClass"),
    req("source", SourceRef),
    req("destination", DestinationRef),
    vec("policy_refs", PolicyRef),
    req("redacted_summary", STR),
)

struct(
    "IsolationCapabilityReportedRecord",
    req("environment_id", ID),
    req("adapter_ref", ID),
    req("capability_report_ref", STR),
    req("health", STR),
    req("redacted_summary", STR),
)

struct(
    "IsolationCapabilityMatchRecord",
    req("environment_id", ID),
    req("adapter_ref", ID),
    req("requested_class", "IsolationClass"),
    req("selected_class", "IsolationClass"),
    vec("missing_capabilities", "IsolationCapability"),
    vec("trust_gaps", "IsolationTrustField"),
    req("redacted_summary", STR),
)

struct(
    "IsolationDowngradeDecisionRecord",
    req("environment_id", ID),
    req("adapter_ref", ID),
    req("requested_class", "IsolationClass"),
    req("selected_class", "IsolationClass"),
    vec("capability_gaps", "IsolationCapability"),
    vec("trust_gaps", "IsolationTrustField"),
    req("approved", BOOL),
    null("policy_decision_scope", "PolicyDecisionScope"),
    vec("policy_decision_refs", ID),
    req("redacted_summary", STR),
)

struct(
    "IsolationEnvironmentPrepareIntentRecord",
    req("environment_id", ID),
    req("effect_intent", EffectIntent),
    req("redacted_summary", STR),
)

struct(
    "IsolationEnvironmentPrepareResultRecord",
    req("environment_id", ID),
    req("prepared_environment_ref", ID),
    req("effect_result", EffectResult),
    req("redacted_summary", STR),
)

struct(
    "IsolationProcessStartIntentRecord",
    req("environment_id", ID),
    req("process_ref", ID),
    req("effect_intent", EffectIntent),
    req("redacted_summary", STR),
)

struct(
    "IsolationProcessStartResultRecord",
    req("environment_id", ID),
    req("process_ref", ID),
    req("effect_result", EffectResult),
    vec("content_refs", ID),
    req("redacted_summary", STR),
)

struct(
    "ProcessIoFrame",
    req("stream_ref", ID),
    req("stream", "ProcessIoStream"),
    req("cursor", U64),
    req("byte_count", U64),
    req("content_hash", STR),
    vec("content_refs", ID),
    req("raw_content_present", BOOL),
    req("truncated", BOOL),
    req("redacted_summary", STR),
)

struct(
    "IsolationProcessStatsRecord",
    req("environment_id", ID),
    req("snapshot_ref", ID),
    req("redacted_summary", STR),
)

struct(
    "IsolationCleanupIntentRecord",
    req("environment_id", ID),
    req("cleanup_plan_ref", ID),
    req("effect_intent", EffectIntent),
    req("redacted_summary", STR),
)

struct(
    "IsolationCleanupResultRecord",
    req("environment_id", ID),
    req("cleanup_plan_ref", ID),
    req("status", "CleanupStatus"),
    req("effect_result", EffectResult),
    req("redacted_summary", STR),
)

struct(
    "IsolationFailureRecord",
    req("environment_id", ID),
    null("adapter_ref", ID),
    req("reason", STR),
    req("retry_classification", RetryClassification),
)

enum("IsolationClass", "host_process sandbox container lightweight_vm remote_sandbox")

enum(
    "IsolationCapability",
    "read_only_root writable_layer mount_read_only_enforcement "
    "single_file_mount_expansion_audit no_network_guarantee egress_allowlist "
    "secret_isolation secret_mount secret_redaction process_timeout process_signal "
    "process_rlimits content_ref_io io_redaction process_stats cleanup detach reclaim "
    "audit_log",
)

enum("IsolationTrustField", "locality tenancy auditability cleanup data_residency secret_isolation")

enum("PolicyDecisionScope", "IsolationDowngrade ToolApproval")

enum("ProcessIoStream", "stdin stdout stderr")

enum("CleanupStatus", "completed repair_needed")

payload("isolation", "IsolationRecord")
