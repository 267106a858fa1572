"""The `tool` payload and its policy outcome (PAYLOADS.md 4.7)."""

from __future__ import annotations

from replaykit.model.effects import EffectIntent, EffectResult
from replaykit.model.enums import PrivacyClass, RetentionClass
from replaykit.model.refs import DestinationRef, EntityRef, PolicyRef, SourceRef
from replaykit.model.shapes._dsl import (
    ID,
    STR,
    U64,
    enum,
    external,
    null,
    opt,
    payload,
    req,
    struct,
    vec,
    vec_req,
)

__all__: list[str] = []

struct(
    "ToolCallRecord",
    req("tool_call_id", ID),
    req("run_id", ID),
    opt("turn_id", ID),
    req("capability_id", ID),
    req("canonical_tool_name", ID),
    req("namespace", ID),
    req("source", SourceRef),
    req("destination", DestinationRef),
    opt("executor_ref", ID),
    vec("policy_refs", PolicyRef),
    vec("sidecar_refs", "PackageSidecarRef"),
    req("effect_class", "EffectClass"),
    req("risk_class", "RiskClass"),
    req("privacy", PrivacyClass),
    req("retention", RetentionClass),
    vec("requested_args_refs", ID),
    req("redacted_args_summary", STR),
    opt("original_redacted_args_summary", STR),
    opt("patched_redacted_args_summary", STR),
    vec("result_content_refs", ID),
    opt("redacted_result_summary", STR),
    opt("original_redacted_result_summary", STR),
    opt("patched_redacted_result_summary", STR),
    opt("hook_id", STR),
    opt("idempotency_key", ID),
    req("status", "ToolCallRecordStatus"),
    opt("policy_outcome", "PolicyOutcome"),
    opt("effect_intent", EffectIntent),
    opt("effect_result", EffectResult),
    opt("unsafe_pending_reason", STR),
)

struct(
    "PackageSidecarRef",
    req("sidecar_id", STR),
    req("kind", STR),
    req("version", STR),
    opt("content_hash", STR),
)

struct(
    "PolicyOutcome",
    req("stage", "PolicyStage"),
    req("decision", "PolicyDecision"),
    null("subject", EntityRef),
    null("source", SourceRef),
    null("destination", DestinationRef),
    vec_req("policy_refs", PolicyRef),
    req("privacy", PrivacyClass),
    req("retention", RetentionClass),
)

external(
    "PolicyDecision",
    {
        "Allow": struct(
            "PolicyDecision::Allow",
            req("reason", "DecisionReason"),
        ),
        "Deny": struct(
            "PolicyDecision::Deny",
            req("reason", "DecisionReason"),
        ),
        "Ask": struct(
            "PolicyDecision::Ask",
            req("approval", "ApprovalRequestSpec"),
        ),
        "Modify": struct(
            "PolicyDecision::Modify",
            req("modification", "ToolRequestModification"),
        ),
        "Defer": struct(
            "PolicyDecision::Defer",
            req("resume_policy", "ResumePolicy"),
        ),
        "Interrupt": struct(
            "PolicyDecision::Interrupt",
            req("reason", "DecisionReason"),
        ),
    },
)

struct(
    "DecisionReason",
    req("code", STR),
    null("redacted_summary", STR),
    vec_req("policy_refs", PolicyRef),
)

struct(
    "ApprovalRequestSpec",
    req("source", SourceRef),
    req("destination", DestinationRef),
    req("effect_class", "EffectClass"),
    req("risk_class", "RiskClass"),
    req("dispatcher_scope", "DispatcherScope"),
    req("timeout_ms", U64),
    vec_req("allowed_decisions", "ApprovalDecisionKind"),
    vec_req("policy_refs", PolicyRef),
)

struct(
    "ToolRequestModification",
    req("redacted_summary", STR),
    vec_req("policy_refs", PolicyRef),
)

struct(
    "ResumePolicy",
    null("resume_after_ms", U64),
    req("reason", "DecisionReason"),
)

enum(
    "ToolCallRecordStatus",
    "requested request_modified intent_recorded completed failed timed_out cancelled "
    "denied_before_execution result_rewritten unknown recovery_required",
)

enum("PolicyStage", "Input ModelInputProjection PreTool PostTool Output Handoff Stream Delivery")

payload("tool", "ToolCallRecord")
