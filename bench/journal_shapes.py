"""The fixed parts of the synthetic journals of ``journal_gen``: shared sub-objects
(sources, destinations, policy refs, payloads), the record mix and the pool bounds, and
the small helpers the record modules share.

Built once and shared by every record the generator yields; treat them as read-only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

BASE_MILLIS = 1767225600000
MILLIS_STEP = 7

AGENT_ID = "agent.bench"
FINGERPRINT = "sha256:runtime.package.bench"
PRIVACY = "content_refs_only"
JOURNAL_BACKED = "journal_backed"
REDACTION = "redaction.default"
WRITER = "writer.bench"

SOURCE_RUN_LOOP: dict[str, object] = {
    "kind": "sdk",
    "id": "source.sdk.run_loop",
    "trust": "host_provided",
    "privacy": PRIVACY,
}
SOURCE_OUTPUT: dict[str, object] = {
    "kind": "sdk",
    "id": "source.sdk.output_delivery",
    "trust": "host_provided",
    "privacy": PRIVACY,
}


def tool_destination(name: str) -> dict[str, object]:
    return {
        "kind": "tool",
        "id": f"destination.tool.{name}",
        "privacy": PRIVACY,
        "retention": "host_policy",
    }


DEST_WORKSPACE = tool_destination("workspace")
DEST_SEARCH = tool_destination("search")
DEST_SHELL = tool_destination("shell")
DEST_PROVIDER: dict[str, object] = {
    "kind": "provider",
    "id": "destination.provider.primary",
    "privacy": PRIVACY,
    "retention": "run_scoped",
}
DEST_MEMORY: dict[str, object] = {
    "kind": "host",
    "id": "destination.host.memory",
    "privacy": PRIVACY,
    "retention": "durable",
}
DEST_OUTPUT: dict[str, object] = {
    "kind": "output_sink",
    "id": "destination.output.chat",
    "privacy": PRIVACY,
    "retention": "host_policy",
}

POLICY_TOOL_READ: list[object] = [{"kind": "permission", "id": "policy.tool.read", "version": "1"}]
POLICY_TOOL_WRITE: list[object] = [
    {"kind": "permission", "id": "policy.tool.write", "version": "1"},
    {"kind": "sandbox", "id": "policy.sandbox.workspace"},
]
POLICY_OUTPUT: list[object] = [{"kind": "host", "id": "policy.output.chat"}]
POLICY_RECOVERY: list[object] = [{"kind": "host", "id": "policy.recovery.host"}]

TAGS_OUTPUT: list[object] = ["output_delivery"]
RUN_STARTED_PAYLOAD: dict[str, object] = {
    "type": "run_lifecycle",
    "status": "started",
    "reason": "run accepted",
}
RUN_COMPLETED_PAYLOAD: dict[str, object] = {
    "type": "run_lifecycle",
    "status": "completed",
    "reason": "final answer produced",
}

# Effect families: (cumulative weight, id family, EffectKind, destination, policy refs,
# intent summary).
EFFECT_FAMILIES: tuple[tuple[float, str, str, dict[str, object], list[object], str], ...] = (
    (0.55, "tool", "tool_execution", DEST_WORKSPACE, POLICY_TOOL_READ, "execute tool"),
    (0.70, "tool.search", "tool_execution", DEST_SEARCH, POLICY_TOOL_READ, "search workspace"),
    (0.82, "provider", "provider_request", DEST_PROVIDER, POLICY_TOOL_READ, "call provider"),
    (0.92, "file.write", "file_write", DEST_WORKSPACE, POLICY_TOOL_WRITE, "write one file"),
    (0.97, "process", "process_start", DEST_SHELL, POLICY_TOOL_WRITE, "start a process"),
    (1.01, "memory", "memory_write", DEST_MEMORY, POLICY_TOOL_WRITE, "write memory entry"),
)

# Effect result outcomes: (cumulative weight, terminal_status, summary).
RESULT_OUTCOMES: tuple[tuple[float, str, str], ...] = (
    (0.86, "completed", "tool completed"),
    (0.93, "failed", "tool failed"),
    (0.96, "timed_out", "tool timed out"),
    (0.98, "cancelled", "tool cancelled"),
    (1.01, "unknown", "process exited during tool"),
)

LOOP_STATES = (
    "awaiting_input",
    "awaiting_model",
    "awaiting_tool_result",
    "awaiting_output_delivery",
)
STOP_REASONS = ("tool_use", "tool_use", "end_turn", "max_tokens")
ROLES = ("assistant", "assistant", "user", "tool")
UNSAFE_REASONS = (
    "effect intent has no terminal result in replay",
    "host restarted before the effect result was journaled",
    "effect outcome unknown after crash",
)

# Record categories by share: (cumulative weight, category).
INTENT, RESULT, OUTPUT, CHECKPOINT, OTHER, RECOVERY = range(6)
MIX: tuple[tuple[float, int], ...] = (
    (0.400, INTENT),
    (0.780, RESULT),
    (0.880, OUTPUT),
    (0.930, CHECKPOINT),
    (0.985, OTHER),
    (1.001, RECOVERY),
)

EFFECT_ABANDON = 0.05  # share of effect intents that are never closed
EFFECT_POOL_CAP = 48  # bound on closable open effects (keeps memory flat)
DELIVERY_ABANDON = 0.03  # share of output intents with no result, dedupe or reconciliation
DELIVERY_POOL_CAP = 16
RING = 32  # size of the rings of recent content refs / open effects / closed deliveries

# An open effect: (effect_id, intent record_id, idempotency_key, dedupe_key).
OpenEffect = tuple[str, str, str | None, str | None]
# An open delivery: (number, delivery_id, intent record_id, idempotency_key, dedupe_key,
# content refs).
OpenDelivery = tuple[int, str, str, str | None, str, list[object]]


def entity_ref(kind: str, ident: str) -> dict[str, object]:
    return {"kind": kind, "id": ident, "privacy": PRIVACY}


def pending_entry(entry: OpenEffect, reason: str) -> dict[str, object]:
    effect_id, record_id, idem, dedupe = entry
    out: dict[str, object] = {"effect_id": effect_id, "intent_record_id": record_id}
    if idem is not None:
        out["idempotency_key"] = idem
    if dedupe is not None:
        out["dedupe_key"] = dedupe
    out["unsafe_pending_reason"] = reason
    return out


def take_random(pool: list[T], rand: Callable[[], float]) -> T:
    """Remove and return a random entry of ``pool`` (the last entry fills its place)."""
    i = int(rand() * len(pool))
    entry = pool[i]
    pool[i] = pool[-1]
    pool.pop()
    return entry
