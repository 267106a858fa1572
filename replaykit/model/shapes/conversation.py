"""The `context_projection`, `model_attempt`, `message`, `agent_pool`, `run_message` and
`wake` payloads (PAYLOADS.md 4.2-4.4, 4.13-4.15)."""

from __future__ import annotations

from replaykit.model.effects import EffectIntent, EffectResult
from replaykit.model.refs import CorrelationEntry, DestinationRef, PolicyRef
from replaykit.model.shapes._dsl import (
    ID,
    STR,
    U32,
    U64,
    enum,
    internal,
    null,
    opt,
    payload,
    req,
    struct,
    vec,
)

__all__: list[str] = []

struct(
    "ContextProjectionRecord",
    req("projection_id", ID),
    req("selected_item_count", U32),
    req("provider_destination", DestinationRef),
)

payload("context_projection", "ContextProjectionRecord")

struct(
    "ModelAttemptRecord",
    req("provider_route_id", STR),
    req("provider_model_id", STR),
    req("request_message_count", U32),
    opt("stop_reason", "ProviderStopReason"),
    opt("usage", "ProviderUsage"),
)

struct(
    "ProviderUsage",
    null("input_tokens", U32),
    null("output_tokens", U32),
    null("total_tokens", U32),
)

enum("ProviderStopReason", "end_turn max_tokens tool_use cancelled provider_error unknown")

payload("model_attempt", "ModelAttemptRecord")

struct(
    "MessageRecord",
    req("message_id", ID),
    req("role", STR),
    req("redacted_summary", STR),
)

payload("message", "MessageRecord")

struct(
    "AgentPoolRecord",
    req("pool_id", ID),
    vec("member_run_ids", ID),
    vec("topics", ID),
    vec("policy_refs", PolicyRef),
    req("lifecycle_status", "AgentPoolLifecycleStatus"),
)

enum("AgentPoolLifecycleStatus", "created run_joined run_left")

payload("agent_pool", "AgentPoolRecord")

struct(
    "RunMessageRecord",
    req("message_id", ID),
    req("source_run_id", ID),
    req("address_target", "RunMessageAddressTargetRecord"),
    req("content_ref", ID),
    req("correlation", "EventCorrelation"),
    opt("reply_to", ID),
    req("delivery_status", "RunMessageDeliveryStatus"),
    vec("delivered_to", ID),
    vec("policy_refs", PolicyRef),
    req("idempotency_key", ID),
    opt("effect_intent", EffectIntent),
    opt("effect_result", EffectResult),
)

internal(
    "RunMessageAddressTargetRecord",
    "type",
    {
        "run": struct(
            "RunMessageAddressTargetRecord::run",
            req("run_id", ID),
        ),
        "agent": struct(
            "RunMessageAddressTargetRecord::agent",
            req("agent_id", ID),
        ),
        "topic": struct(
            "RunMessageAddressTargetRecord::topic",
            req("topic_id", ID),
        ),
        "pool": struct(
            "RunMessageAddressTargetRecord::pool",
            req("pool_id", ID),
        ),
    },
)

struct(
    "EventCorrelation",
    vec("entries", CorrelationEntry),
)

enum("RunMessageDeliveryStatus", "accepted delivered responded failed timed_out expired cancelled")

payload("run_message", "RunMessageRecord")

struct(
    "WakeRecord",
    req("condition_id", ID),
    req("run_id", ID),
    req("event_filter_fingerprint", STR),
    opt("timeout_millis", U64),
    req("resume_policy", "WakeResumeInputPolicyRecord"),
    req("trigger_status", "WakeTriggerStatus"),
    vec("policy_refs", PolicyRef),
    req("idempotency_key", ID),
    opt("matched_event_id", ID),
)

enum("WakeResumeInputPolicyRecord", "matching_event_refs redacted_summary none")

enum("WakeTriggerStatus", "registered triggered timed_out cancelled failed")

payload("wake", "WakeRecord")
