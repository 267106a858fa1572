"""The `approval` payload (PAYLOADS.md 4.6)."""

from __future__ import annotations

from replaykit.model.effects import EffectIntent, EffectResult
from replaykit.model.refs import DestinationRef, PolicyRef, SourceRef
from replaykit.model.shapes._dsl import (
    ID,
    STR,
    U64,
    adjacent,
    enum,
    internal,
    null,
    opt,
    payload,
    req,
    struct,
    vec_req,
)

__all__: list[str] = []

adjacent(
    "ApprovalRecord",
    {
        "requested": struct(
            "ApprovalRecord::requested",
            req("request", "ApprovalRequest"),
        ),
        "dispatch_intent": struct(
            "ApprovalRecord::dispatch_intent",
            req("request_id", ID),
            req("effect_intent", EffectIntent),
        ),
        "dispatch_result": struct(
            "ApprovalRecord::dispatch_result",
            req("request_id", ID),
            req("lifecycle_status", "ApprovalLifecycleStatus"),
            req("effect_result", EffectResult),
        ),
        "responded": struct(
            "ApprovalRecord::responded",
            req("request_id", ID),
            req("decision", "ApprovalDecision"),
        ),
        "denied": struct(
            "ApprovalRecord::denied",
            req("request_id", ID),
            req("reason_code", STR),
        ),
    },
)

struct(
    "ApprovalRequest",
    req("approval_request_id", ID),
    req("approval_dispatch_effect_id", ID),
    req("run_id", ID),
    opt("session_id", ID),
    req("agent_id", ID),
    req("turn_id", ID),
    req("tool_call_id", ID),
    req("source", SourceRef),
    req("destination", DestinationRef),
    req("canonical_tool_name", STR),
    req("tool_source", SourceRef),
    req("effect_class", "EffectClass"),
    req("risk_class", "RiskClass"),
    req("requested_args_ref", ID),
    req("redacted_args_summary", STR),
    vec_req("policy_refs", PolicyRef),
    req("dispatcher_scope", "DispatcherScope"),
    req("timeout_ms", U64),
    vec_req("allowed_decisions", "ApprovalDecisionKind"),
    req("created_at_millis", U64),
    req("runtime_package_fingerprint", STR),
)

internal(
    "ApprovalDecision",
    "decision",
    {
        "approved": struct(
            "ApprovalDecision::approved",
            req("actor_ref", SourceRef),
        ),
        "approved_for_session": struct(
            "ApprovalDecision::approved_for_session",
            req("actor_ref", SourceRef),
        ),
        "denied": struct(
            "ApprovalDecision::denied",
            req("reason_code", STR),
            null("actor_ref", SourceRef),
        ),
    },
)

enum(
    "ApprovalLifecycleStatus",
    "requested dispatch_intent_recorded dispatched approved approved_for_session denied "
    "timed_out cancelled dispatcher_unavailable recovery_required",
)

payload("approval", "ApprovalRecord")
