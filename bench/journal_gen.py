"""Deterministic generator of synthetic, valid journals (JSONL) for benchmarks.

The records follow the wire format in ``WIRE.md`` (sections 1-8) and are shaped like the
ones the reference runtime writes (see ``spec/examples/*.jsonl``): compact JSON, keys in
declaration order, optional fields left out when absent and empty lists left out.

The journal starts with a ``run_lifecycle`` "started" record and then mixes, by share of
records, about 40% top-level effect intents, 38% effect results (each closing an intent that
is still open), 10% output-delivery records (intents, results, dedupes, reconciliations and
events), 5% checkpoints, 5% turn / message / model-attempt records and 1.5% recovery markers
(copying 1-2 currently open effects). About 5% of effect intents are never closed. No
terminal record is written unless ``terminal=True``, in which case the last record (for
``n > 1``) is a ``run_lifecycle`` "completed" record.

Only ``random.Random(seed).random()`` is used for randomness, so the output is byte-identical
for the same arguments on every machine. Memory use is flat: every pool of open state is
bounded.

The dicts yielded by :func:`generate_records` share sub-objects (source refs, destinations,
policy refs, ...) with each other; treat them as read-only.

CLI::

    python bench/journal_gen.py N OUT.jsonl [--seed S] [--terminal]
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import sys
import tempfile
from collections import deque
from collections.abc import Iterator
from random import Random

__all__ = ["generate_lines", "generate_records", "write_journal"]

# ---------------------------------------------------------------------------------------
# Constants and shared sub-objects (built once, shared by every record).

_BASE_MILLIS = 1767225600000
_MILLIS_STEP = 7

_AGENT_ID = "agent.bench"
_FINGERPRINT = "sha256:runtime.package.bench"
_PRIVACY = "content_refs_only"
_JOURNAL_BACKED = "journal_backed"
_REDACTION = "redaction.default"
_WRITER = "writer.bench"

_SOURCE_RUN_LOOP: dict[str, object] = {
    "kind": "sdk",
    "id": "source.sdk.run_loop",
    "trust": "host_provided",
    "privacy": _PRIVACY,
}
_SOURCE_OUTPUT: dict[str, object] = {
    "kind": "sdk",
    "id": "source.sdk.output_delivery",
    "trust": "host_provided",
    "privacy": _PRIVACY,
}


def _tool_destination(name: str) -> dict[str, object]:
    return {
        "kind": "tool",
        "id": f"destination.tool.{name}",
        "privacy": _PRIVACY,
        "retention": "host_policy",
    }


_DEST_WORKSPACE = _tool_destination("workspace")
_DEST_SEARCH = _tool_destination("search")
_DEST_SHELL = _tool_destination("shell")
_DEST_PROVIDER: dict[str, object] = {
    "kind": "provider",
    "id": "destination.provider.primary",
    "privacy": _PRIVACY,
    "retention": "run_scoped",
}
_DEST_MEMORY: dict[str, object] = {
    "kind": "host",
    "id": "destination.host.memory",
    "privacy": _PRIVACY,
    "retention": "durable",
}
_DEST_OUTPUT: dict[str, object] = {
    "kind": "output_sink",
    "id": "destination.output.chat",
    "privacy": _PRIVACY,
    "retention": "host_policy",
}

_POLICY_TOOL_READ: list[object] = [{"kind": "permission", "id": "policy.tool.read", "version": "1"}]
_POLICY_TOOL_WRITE: list[object] = [
    {"kind": "permission", "id": "policy.tool.write", "version": "1"},
    {"kind": "sandbox", "id": "policy.sandbox.workspace"},
]
_POLICY_OUTPUT: list[object] = [{"kind": "host", "id": "policy.output.chat"}]
_POLICY_RECOVERY: list[object] = [{"kind": "host", "id": "policy.recovery.host"}]

_TAGS_OUTPUT: list[object] = ["output_delivery"]
_RUN_STARTED_PAYLOAD: dict[str, object] = {
    "type": "run_lifecycle",
    "status": "started",
    "reason": "run accepted",
}
_RUN_COMPLETED_PAYLOAD: dict[str, object] = {
    "type": "run_lifecycle",
    "status": "completed",
    "reason": "final answer produced",
}

# Effect families: (cumulative weight, id family, EffectKind, destination, policy refs,
# intent summary).
_EFFECT_FAMILIES: tuple[tuple[float, str, str, dict[str, object], list[object], str], ...] = (
    (0.55, "tool", "tool_execution", _DEST_WORKSPACE, _POLICY_TOOL_READ, "execute tool"),
    (0.70, "tool.search", "tool_execution", _DEST_SEARCH, _POLICY_TOOL_READ, "search workspace"),
    (0.82, "provider", "provider_request", _DEST_PROVIDER, _POLICY_TOOL_READ, "call provider"),
    (0.92, "file.write", "file_write", _DEST_WORKSPACE, _POLICY_TOOL_WRITE, "write one file"),
    (0.97, "process", "process_start", _DEST_SHELL, _POLICY_TOOL_WRITE, "start a process"),
    (1.01, "memory", "memory_write", _DEST_MEMORY, _POLICY_TOOL_WRITE, "write memory entry"),
)

# Effect result outcomes: (cumulative weight, terminal_status, summary).
_RESULT_OUTCOMES: tuple[tuple[float, str, str], ...] = (
    (0.86, "completed", "tool completed"),
    (0.93, "failed", "tool failed"),
    (0.96, "timed_out", "tool timed out"),
    (0.98, "cancelled", "tool cancelled"),
    (1.01, "unknown", "process exited during tool"),
)

_LOOP_STATES = (
    "awaiting_input",
    "awaiting_model",
    "awaiting_tool_result",
    "awaiting_output_delivery",
)
_STOP_REASONS = ("tool_use", "tool_use", "end_turn", "max_tokens")
_ROLES = ("assistant", "assistant", "user", "tool")
_UNSAFE_REASONS = (
    "effect intent has no terminal result in replay",
    "host restarted before the effect result was journaled",
    "effect outcome unknown after crash",
)

# Record categories by share: (cumulative weight, category).
_INTENT, _RESULT, _OUTPUT, _CHECKPOINT, _OTHER, _RECOVERY = range(6)
_MIX: tuple[tuple[float, int], ...] = (
    (0.400, _INTENT),
    (0.780, _RESULT),
    (0.880, _OUTPUT),
    (0.930, _CHECKPOINT),
    (0.985, _OTHER),
    (1.001, _RECOVERY),
)

_EFFECT_ABANDON = 0.05  # share of effect intents that are never closed
_EFFECT_POOL_CAP = 48  # bound on closable open effects (keeps memory flat)
_DELIVERY_ABANDON = 0.03  # share of output intents with no result, dedupe or reconciliation
_DELIVERY_POOL_CAP = 16
_RING = 32  # size of the rings of recent content refs / open effects / closed deliveries

# An open effect: (effect_id, intent record_id, idempotency_key, dedupe_key).
_Open = tuple[str, str, str | None, str | None]
# An open delivery: (number, delivery_id, intent record_id, idempotency_key, dedupe_key,
# content refs).
_Delivery = tuple[int, str, str, str | None, str, list[object]]


def _ref(kind: str, ident: str) -> dict[str, object]:
    return {"kind": kind, "id": ident, "privacy": _PRIVACY}


def _pending(entry: _Open, reason: str) -> dict[str, object]:
    effect_id, record_id, idem, dedupe = entry
    out: dict[str, object] = {"effect_id": effect_id, "intent_record_id": record_id}
    if idem is not None:
        out["idempotency_key"] = idem
    if dedupe is not None:
        out["dedupe_key"] = dedupe
    out["unsafe_pending_reason"] = reason
    return out


class _Generator:
    """Holds the generator state; one method per record shape."""

    def __init__(self, seed: int, run_id: str) -> None:
        self.rand = Random(seed).random
        self.run_id = run_id
        self.record_prefix = f"journal.{run_id}."
        self.run_ref = _ref("run", run_id)
        self.run_ids: list[object] = [run_id]
        self.seq = 0
        # Content refs.
        self.content_n = 0
        self.recent_refs: deque[str] = deque(maxlen=_RING)
        # Turns and attempts.
        self.turn_n = 1
        self.turn_id = "turn.1"
        self.turn_open = False
        self.turn_started = False
        self.attempt_n = 0
        self.message_n = 0
        # Effects.
        self.effect_n = 0
        self.open_effects: list[_Open] = []  # closable, bounded by _EFFECT_POOL_CAP
        self.abandoned: deque[_Open] = deque(maxlen=_RING)  # never closed
        # Output deliveries.
        self.delivery_n = 0
        self.open_deliveries: list[_Delivery] = []
        self.delivered: deque[tuple[int, str, str, str]] = deque(maxlen=_RING)
        self.stream_n = 1
        self.chunk_index = 0
        # Checkpoints.
        self.checkpoint_n = 0
        self.covers = 0

    # -- helpers -------------------------------------------------------------------------

    def ref_count(self) -> int:
        r = self.rand()
        if r < 0.20:
            return 0
        if r < 0.65:
            return 1
        if r < 0.88:
            return 2
        return 3

    def new_refs(self, family: str, count: int) -> list[object]:
        refs: list[object] = []
        for _ in range(count):
            self.content_n += 1
            ref = f"content.{family}.{self.content_n}"
            refs.append(ref)
            self.recent_refs.append(ref)
        return refs

    def old_refs(self, count: int) -> list[object]:
        recent = self.recent_refs
        size = len(recent)
        if size == 0:
            return []
        rand = self.rand
        return [recent[int(rand() * size)] for _ in range(count)]

    def envelope(
        self,
        record_kind: str,
        subject: dict[str, object],
        payload: dict[str, object],
        family: str,
        event_kind: str,
        *,
        turn: bool = True,
        attempt_id: str | None = None,
        related: list[object] | None = None,
        source: dict[str, object] = _SOURCE_RUN_LOOP,
        destination: dict[str, object] | None = None,
        index_destination: bool = False,
        tags: list[object] | None = None,
        content_refs: list[object] | None = None,
        idempotency_key: str | None = None,
        dedupe_key: str | None = None,
        checkpoint_ref: str | None = None,
    ) -> dict[str, object]:
        self.seq += 1
        seq = self.seq
        run_id = self.run_id
        turn_id = self.turn_id if turn else None
        rec: dict[str, object] = {
            "journal_schema_version": 1,
            "journal_seq": seq,
            "record_id": f"{self.record_prefix}{seq:06d}",
            "record_kind": record_kind,
            "run_id": run_id,
            "agent_id": _AGENT_ID,
        }
        index: dict[str, object] = {"run_id": run_id, "agent_id": _AGENT_ID}
        if turn_id is not None:
            rec["turn_id"] = turn_id
            index["turn_id"] = turn_id
        if attempt_id is not None:
            rec["attempt_id"] = attempt_id
        rec["subject_ref"] = subject
        if related:
            rec["related_refs"] = related
        rec["source"] = source
        if destination is not None:
            rec["destination"] = destination
        if tags:
            rec["tags"] = tags
        rec["delivery_semantics"] = _JOURNAL_BACKED
        index["event_family"] = family
        index["event_kind"] = event_kind
        index["source"] = source
        if index_destination and destination is not None:
            index["destination"] = destination
        index["subject_ref"] = subject
        if related:
            index["related_refs"] = related
        if tags:
            index["tags"] = tags
        index["privacy_class"] = _PRIVACY
        index["delivery_semantics"] = _JOURNAL_BACKED
        rec["event_index"] = index
        rec["timestamp_millis"] = _BASE_MILLIS + seq * _MILLIS_STEP
        rec["runtime_package_fingerprint"] = _FINGERPRINT
        rec["privacy"] = _PRIVACY
        if content_refs:
            rec["content_refs"] = content_refs
        rec["redaction_policy_id"] = _REDACTION
        if idempotency_key is not None:
            rec["idempotency_key"] = idempotency_key
        if dedupe_key is not None:
            rec["dedupe_key"] = dedupe_key
        if checkpoint_ref is not None:
            rec["checkpoint_ref"] = checkpoint_ref
        rec["payload"] = payload
        return rec

    # -- run lifecycle -------------------------------------------------------------------

    def run_started(self) -> dict[str, object]:
        return self.envelope(
            "run", self.run_ref, _RUN_STARTED_PAYLOAD, "run", "run_started", turn=False
        )

    def run_completed(self) -> dict[str, object]:
        return self.envelope(
            "run", self.run_ref, _RUN_COMPLETED_PAYLOAD, "run", "run_completed", turn=False
        )

    # -- effects -------------------------------------------------------------------------

    def effect_intent(self) -> dict[str, object]:
        rand = self.rand
        r = rand()
        for family in _EFFECT_FAMILIES:
            if r < family[0]:
                break
        _, fam, kind, dest, policies, summary = family
        self.effect_n += 1
        n = self.effect_n
        effect_id = f"effect.{fam}.{n}"
        subject = _ref("tool_call", f"tool.call.{effect_id}")
        related: list[object] = [_ref("effect", effect_id)]
        refs = self.new_refs("tool.args", self.ref_count())

        r = rand()
        idem: str | None = None
        dedupe: str | None = None
        env_idem = env_dedupe = False
        if r < 0.45:  # idempotency key, mirrored on the envelope
            idem, env_idem = f"idem.{fam}.{n}", True
        elif r < 0.55:  # idempotency key in the payload only
            idem = f"idem.{fam}.{n}"
        elif r < 0.60:  # both keys, both mirrored
            idem, dedupe, env_idem, env_dedupe = f"idem.{fam}.{n}", f"dedupe.{fam}.{n}", True, True
        elif r < 0.82:  # dedupe key, mirrored
            dedupe, env_dedupe = f"dedupe.{fam}.{n}", True
        elif r < 0.85:  # dedupe key in the payload only
            dedupe = f"dedupe.{fam}.{n}"
        # else: neither key (not retry-safe)

        payload: dict[str, object] = {
            "type": "effect_intent",
            "effect_id": effect_id,
            "kind": kind,
            "subject_ref": subject,
            "source": _SOURCE_RUN_LOOP,
            "destination": dest,
        }
        if rand() < 0.3:
            payload["policy_refs"] = policies
        if idem is not None:
            payload["idempotency_key"] = idem
        if dedupe is not None:
            payload["dedupe_key"] = dedupe
        if refs:
            payload["content_refs"] = refs
        payload["redacted_summary"] = summary

        rec = self.envelope(
            "effect_intent",
            subject,
            payload,
            "effect",
            "intent",
            related=related,
            destination=dest,
            content_refs=refs,
            idempotency_key=idem if env_idem else None,
            dedupe_key=dedupe if env_dedupe else None,
        )
        entry: _Open = (effect_id, f"{self.record_prefix}{self.seq:06d}", idem, dedupe)
        if rand() < _EFFECT_ABANDON:
            self.abandoned.append(entry)
        else:
            self.open_effects.append(entry)
        return rec

    def effect_result(self) -> dict[str, object]:
        rand = self.rand
        pool = self.open_effects
        i = int(rand() * len(pool))
        entry = pool[i]
        pool[i] = pool[-1]
        pool.pop()
        effect_id = entry[0]

        r = rand()
        for outcome in _RESULT_OUTCOMES:
            if r < outcome[0]:
                break
        _, status, summary = outcome
        refs = self.new_refs("tool.result", self.ref_count())
        payload: dict[str, object] = {
            "type": "effect_result",
            "effect_id": effect_id,
            "terminal_status": status,
        }
        if status == "completed":
            if rand() < 0.5:
                payload["external_operation_id"] = f"op.{effect_id}"
        elif status == "unknown":
            payload["reconciliation_ref"] = f"reconcile.{effect_id}"
        else:
            payload["error_ref"] = f"error.{effect_id}"
        if refs:
            payload["content_refs"] = refs
        payload["redacted_summary"] = summary
        subject = _ref("effect", effect_id)
        return self.envelope(
            "effect_result",
            subject,
            payload,
            "effect",
            "result",
            related=[subject],
            content_refs=refs,
        )

    def open_effect_sample(self, count: int) -> list[_Open]:
        """Up to ``count`` distinct currently open effects (closable or abandoned)."""
        rand = self.rand
        candidates: list[_Open] = []
        pool = self.open_effects
        ring = self.abandoned
        picked: set[str] = set()
        for _ in range(count * 2):
            if len(candidates) >= count:
                break
            if ring and (not pool or rand() < 0.5):
                entry = ring[int(rand() * len(ring))]
            elif pool:
                entry = pool[int(rand() * len(pool))]
            else:
                break
            if entry[0] not in picked:
                picked.add(entry[0])
                candidates.append(entry)
        return candidates

    # -- recovery and checkpoints --------------------------------------------------------

    def recovery(self) -> dict[str, object]:
        rand = self.rand
        entries = self.open_effect_sample(1 if rand() < 0.6 else 2)
        unsafe: list[object] = [
            _pending(e, _UNSAFE_REASONS[int(rand() * len(_UNSAFE_REASONS))]) for e in entries
        ]
        payload: dict[str, object] = {
            "type": "recovery",
            "unsafe_pending": unsafe,
            "recovery_reason": "process restarted with pending effects",
            "policy_refs": _POLICY_RECOVERY,
        }
        refs = self.old_refs(self.ref_count())
        return self.envelope(
            "recovery", self.run_ref, payload, "recovery", "marker", turn=False, content_refs=refs
        )

    def checkpoint(self) -> dict[str, object]:
        rand = self.rand
        self.checkpoint_n += 1
        k = self.checkpoint_n
        seq = self.seq + 1  # the seq this record will get
        covers = max(self.covers, seq - 1 - int(rand() * 4), 1)
        self.covers = covers
        checkpoint_id = f"checkpoint.bench.{k}"
        manifest = self.old_refs(int(rand() * 4))
        payload: dict[str, object] = {
            "type": "checkpoint",
            "checkpoint_id": checkpoint_id,
            "run_id": self.run_id,
            "checkpoint_seq": k,
            "covers_journal_seq": covers,
            "loop_state": _LOOP_STATES[int(rand() * len(_LOOP_STATES))],
            "turn_id": self.turn_id,
        }
        if self.attempt_n and rand() < 0.5:
            payload["attempt_id"] = f"attempt.{self.attempt_n}"
        payload["runtime_package_fingerprint"] = _FINGERPRINT
        if rand() < 0.3:
            pending = self.open_effect_sample(1 + int(rand() * 2))
            if pending:
                payload["pending_side_effects"] = [
                    _pending(e, "effect intent has no terminal result at checkpoint")
                    for e in pending
                ]
        if rand() < 0.05:
            payload["pending_approvals"] = [f"approval.request.{k}"]
        if manifest:
            payload["content_ref_manifest"] = manifest
        payload["state_hash"] = f"state.hash.{checkpoint_id}"
        payload["created_at_millis"] = _BASE_MILLIS + seq * _MILLIS_STEP - 2
        payload["writer_id"] = _WRITER
        return self.envelope(
            "checkpoint",
            self.run_ref,
            payload,
            "checkpoint",
            "saved",
            content_refs=manifest,
            checkpoint_ref=checkpoint_id,
        )

    # -- turns, messages, model attempts -------------------------------------------------

    def other(self) -> dict[str, object]:
        r = self.rand()
        if r < 0.40:
            return self.model_attempt()
        if r < 0.75:
            return self.message()
        return self.turn_lifecycle()

    def turn_lifecycle(self) -> dict[str, object]:
        if self.turn_open:
            status = "completed"
            self.turn_open = False
        else:
            if self.turn_started:
                self.turn_n += 1
                self.turn_id = f"turn.{self.turn_n}"
            status = "started"
            self.turn_open = self.turn_started = True
        turn_id = self.turn_id
        payload: dict[str, object] = {
            "type": "turn_lifecycle",
            "turn_id": turn_id,
            "run_ids": self.run_ids,
            "status": status,
            "input_message_id": f"message.{turn_id}.input",
        }
        if status == "completed":
            payload["output_message_id"] = f"message.{turn_id}.output"
        payload["redacted_summary"] = "turn lifecycle"
        return self.envelope(
            "turn",
            _ref("turn", turn_id),
            payload,
            "turn",
            f"turn_{status}",
            content_refs=self.old_refs(self.ref_count()),
        )

    def message(self) -> dict[str, object]:
        rand = self.rand
        self.message_n += 1
        message_id = f"message.{self.turn_id}.{self.message_n}"
        payload: dict[str, object] = {
            "type": "message",
            "message_id": message_id,
            "role": _ROLES[int(rand() * len(_ROLES))],
            "redacted_summary": "message committed",
        }
        return self.envelope(
            "message",
            _ref("message", message_id),
            payload,
            "message",
            "message_committed",
            content_refs=self.new_refs("message", self.ref_count()),
        )

    def model_attempt(self) -> dict[str, object]:
        rand = self.rand
        self.attempt_n += 1
        attempt_id = f"attempt.{self.attempt_n}"
        input_tokens = 200 + int(rand() * 8000)
        output_tokens = 16 + int(rand() * 1024)
        payload: dict[str, object] = {
            "type": "model_attempt",
            "provider_route_id": "route.fake.primary",
            "provider_model_id": "model.fake.large",
            "request_message_count": 1 + int(rand() * 40),
            "stop_reason": _STOP_REASONS[int(rand() * len(_STOP_REASONS))],
            "usage": {
                "input_tokens": input_tokens,
                "output_tokens": output_tokens,
                "total_tokens": input_tokens + output_tokens,
            },
        }
        return self.envelope(
            "model_attempt",
            _ref("attempt", attempt_id),
            payload,
            "model",
            "model_attempt_completed",
            attempt_id=attempt_id,
            content_refs=self.old_refs(self.ref_count()),
        )

    # -- output delivery -----------------------------------------------------------------

    def output(self) -> dict[str, object]:
        r = self.rand()
        pool = self.open_deliveries
        if r < 0.18 and self.delivered:
            return self.output_event()
        if not pool or (r < 0.60 and len(pool) < _DELIVERY_POOL_CAP):
            return self.output_intent()
        return self.output_resolution()

    def output_envelope(
        self,
        delivery_id: str,
        payload: dict[str, object],
        event_kind: str,
        refs: list[object],
        *,
        idempotency_key: str | None = None,
        dedupe_key: str | None = None,
    ) -> dict[str, object]:
        related: list[object] = [_ref("content", str(ref)) for ref in refs]
        return self.envelope(
            "output_dispatch",
            _ref("output_delivery", delivery_id),
            payload,
            "output_delivery",
            event_kind,
            related=related,
            source=_SOURCE_OUTPUT,
            destination=_DEST_OUTPUT,
            index_destination=True,
            tags=_TAGS_OUTPUT,
            content_refs=refs,
            idempotency_key=idempotency_key,
            dedupe_key=dedupe_key,
        )

    def output_intent(self) -> dict[str, object]:
        rand = self.rand
        self.delivery_n += 1
        n = self.delivery_n
        delivery_id = f"output.delivery.{n}"
        digest = hashlib.sha256(f"{self.run_id}/{delivery_id}".encode()).hexdigest()
        dedupe = f"dedupe.output_delivery.{digest}"
        idem = f"idem.output.{n}" if rand() < 0.5 else None
        refs = self.new_refs("output", 1 + int(rand() * 3))
        summary = f"output delivery {n}"
        r = rand()
        delivery_kind: dict[str, object]
        if r < 0.4:
            delivery_kind = {
                "type": "stream_chunk",
                "stream_cursor": f"stream.{self.stream_n}",
                "chunk_index": self.chunk_index,
            }
            self.chunk_index += 1
            if self.chunk_index >= 8:
                self.stream_n += 1
                self.chunk_index = 0
        elif r < 0.85:
            delivery_kind = {"type": "final_message"}
        else:
            delivery_kind = {"type": "final_validated_output"}
        subject = _ref("output_delivery", delivery_id)
        effect_intent: dict[str, object] = {
            "effect_id": f"effect.output.{n}",
            "kind": "output_delivery",
            "subject_ref": subject,
            "source": _SOURCE_OUTPUT,
            "destination": _DEST_OUTPUT,
            "policy_refs": _POLICY_OUTPUT,
        }
        if idem is not None:
            effect_intent["idempotency_key"] = idem
        effect_intent["dedupe_key"] = dedupe
        effect_intent["content_refs"] = refs
        effect_intent["redacted_summary"] = summary
        record: dict[str, object] = {
            "delivery_id": delivery_id,
            "effect_intent": effect_intent,
            "destination": _DEST_OUTPUT,
            "sink_ref": "sink.chat.primary",
            "desired_sink_ref": "sink.chat.primary",
            "delivery_kind": delivery_kind,
            "content_mode": "content_refs_only",
            "content_refs": refs,
            "redacted_summary": summary,
            "privacy": _PRIVACY,
            "retention": "run_scoped",
            "policy_refs": _POLICY_OUTPUT,
        }
        if idem is not None:
            record["idempotency_key"] = idem
        record["dedupe_key"] = dedupe
        record["runtime_package_fingerprint"] = _FINGERPRINT
        payload: dict[str, object] = {
            "type": "output_delivery",
            "record_type": "intent",
            "record": record,
        }
        rec = self.output_envelope(
            delivery_id,
            payload,
            "output_dispatch_requested",
            refs,
            idempotency_key=idem,
            dedupe_key=dedupe,
        )
        if rand() >= _DELIVERY_ABANDON:
            record_id = f"{self.record_prefix}{self.seq:06d}"
            self.open_deliveries.append((n, delivery_id, record_id, idem, dedupe, refs))
        return rec

    def output_resolution(self) -> dict[str, object]:
        rand = self.rand
        pool = self.open_deliveries
        i = int(rand() * len(pool))
        delivery = pool[i]
        pool[i] = pool[-1]
        pool.pop()
        n, delivery_id, intent_record_id, idem, dedupe, refs = delivery
        r = rand()
        if r < 0.07:
            return self.output_dedupe(n, delivery_id, dedupe)
        if r < 0.14:
            return self.output_reconciliation(n, delivery_id, intent_record_id, idem, dedupe)
        r = rand()
        effect_result: dict[str, object] = {"effect_id": f"effect.output.{n}"}
        record: dict[str, object] = {"delivery_id": delivery_id}
        if r < 0.80:
            status, terminal, retry = "completed", "completed", "NotRetryable"
            summary = "output delivery completed"
            effect_result["terminal_status"] = terminal
            effect_result["content_refs"] = refs
            effect_result["redacted_summary"] = summary
            record["effect_result"] = effect_result
            record["destination"] = _DEST_OUTPUT
            record["sink_ref"] = "sink.chat.primary"
            record["dispatch_status"] = status
            record["ack_ref"] = f"ack.chat.{n}"
            self.delivered.append((n, delivery_id, dedupe, status))
        elif r < 0.90:
            status, terminal, retry = "failed", "failed", "Retryable"
            summary = "output delivery failed before host send or at sink boundary"
            error_ref = f"error.sink.{n}"
            effect_result["terminal_status"] = terminal
            effect_result["error_ref"] = error_ref
            effect_result["content_refs"] = refs
            effect_result["redacted_summary"] = summary
            record["effect_result"] = effect_result
            record["destination"] = _DEST_OUTPUT
            record["sink_ref"] = "sink.chat.primary"
            record["dispatch_status"] = status
            record["error_ref"] = error_ref
            self.delivered.append((n, delivery_id, dedupe, status))
        else:
            status, terminal, retry = "reconciliation_needed", "unknown", "RepairNeeded"
            summary = "output delivery outcome unknown"
            effect_result["terminal_status"] = terminal
            effect_result["reconciliation_ref"] = f"reconcile.output.{n}"
            effect_result["content_refs"] = refs
            effect_result["redacted_summary"] = summary
            record["effect_result"] = effect_result
            record["destination"] = _DEST_OUTPUT
            record["sink_ref"] = "sink.chat.primary"
            record["dispatch_status"] = status
        record["content_refs"] = refs
        record["redacted_summary"] = summary
        record["retry_classification"] = retry
        payload: dict[str, object] = {
            "type": "output_delivery",
            "record_type": "result",
            "record": record,
        }
        return self.output_envelope(delivery_id, payload, f"output_dispatch_{status}", refs)

    def output_dedupe(self, n: int, delivery_id: str, dedupe: str) -> dict[str, object]:
        record: dict[str, object] = {
            "delivery_id": delivery_id,
            "dedupe_key": dedupe,
            "prior_delivery_id": f"output.delivery.prior.{n}",
            "prior_external_operation_id": f"external.op.{n}",
            "prior_terminal_status": "completed",
            "current_status": "deduped",
            "redacted_summary": "deduped against prior completed delivery",
            "policy_refs": _POLICY_OUTPUT,
        }
        payload: dict[str, object] = {
            "type": "output_delivery",
            "record_type": "dedupe",
            "record": record,
        }
        self.delivered.append((n, delivery_id, dedupe, "deduped"))
        return self.output_envelope(
            delivery_id, payload, "output_dispatch_deduped", [], dedupe_key=dedupe
        )

    def output_reconciliation(
        self, n: int, delivery_id: str, intent_record_id: str, idem: str | None, dedupe: str
    ) -> dict[str, object]:
        record: dict[str, object] = {
            "delivery_id": delivery_id,
            "intent_record_id": intent_record_id,
            "side_effect_kind": "output_delivery",
        }
        if idem is not None:
            record["idempotency_key"] = idem
        record["dedupe_key"] = dedupe
        record["external_operation_id"] = f"external.op.{n}"
        record["terminal_status"] = "reconciliation_needed"
        record["terminal_append_status"] = "append_failed"
        record["reconciliation_adapter"] = "sink.chat.primary"
        record["unsafe_pending_reason"] = "terminal append failed after sink contact"
        record["replay_decision"] = "requires_host_reconciliation"
        record["resend_allowed"] = False
        payload: dict[str, object] = {
            "type": "output_delivery",
            "record_type": "reconciliation",
            "record": record,
        }
        return self.output_envelope(
            delivery_id, payload, "output_dispatch_reconciliation_needed", [], dedupe_key=dedupe
        )

    def output_event(self) -> dict[str, object]:
        delivered = self.delivered
        n, delivery_id, dedupe, status = delivered[int(self.rand() * len(delivered))]
        record: dict[str, object] = {
            "event_kind": f"output_dispatch_{status}",
            "delivery_id": delivery_id,
            "destination": _DEST_OUTPUT,
            "sink_ref": "sink.chat.primary",
            "dedupe_key": dedupe,
            "source_message_id": f"message.output.{n}",
            "dispatch_status": status,
        }
        if status == "completed":
            record["ack_ref"] = f"ack.chat.{n}"
        record["redacted_summary"] = f"output delivery {status}"
        payload: dict[str, object] = {
            "type": "output_delivery",
            "record_type": "event",
            "record": record,
        }
        return self.envelope(
            "output_dispatch",
            _ref("output_delivery", delivery_id),
            payload,
            "output_delivery",
            f"output_dispatch_{status}",
        )

    # -- driver --------------------------------------------------------------------------

    def next_record(self) -> dict[str, object]:
        r = self.rand()
        for entry in _MIX:
            if r < entry[0]:
                break
        category = entry[1]
        if category == _RESULT:
            if not self.open_effects:
                return self.effect_intent()
            return self.effect_result()
        if category == _INTENT:
            if len(self.open_effects) >= _EFFECT_POOL_CAP:
                return self.effect_result()
            return self.effect_intent()
        if category == _OUTPUT:
            return self.output()
        if category == _CHECKPOINT:
            return self.checkpoint()
        if category == _RECOVERY and (self.open_effects or self.abandoned):
            return self.recovery()
        return self.other()


# Same output as json.dumps(obj, ensure_ascii=False, separators=(",", ":")).
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def generate_records(
    n: int, *, seed: int = 0, run_id: str = "run.bench.1", terminal: bool = False
) -> Iterator[dict[str, object]]:
    """Yield ``n`` journal records as dicts built in wire key order.

    The first record is a ``run_lifecycle`` "started" record. With ``terminal=True`` and
    ``n > 1`` the last record is a ``run_lifecycle`` "completed" record; otherwise the
    journal is left unsealed. Yielded dicts share sub-objects: do not mutate them.
    """
    if (
        not run_id
        or len(run_id.encode()) > 256
        or any(c < " " or "\x7f" <= c <= "\x9f" for c in run_id)
    ):
        raise ValueError("run_id must be a non-empty id of at most 256 bytes without control chars")
    if n <= 0:
        return
    gen = _Generator(seed, run_id)
    yield gen.run_started()
    body = n - 2 if terminal and n > 1 else n - 1
    if body > 0:
        yield gen.turn_lifecycle()  # the first turn starts right after the run
        body -= 1
    next_record = gen.next_record
    for _ in range(body):
        yield next_record()
    if terminal and n > 1:
        yield gen.run_completed()


def generate_lines(
    n: int, *, seed: int = 0, run_id: str = "run.bench.1", terminal: bool = False
) -> Iterator[bytes]:
    """Yield each record of :func:`generate_records` as compact JSON bytes (no newline).

    Each line is exactly ``json.dumps(record, ensure_ascii=False, separators=(",", ":"))``
    encoded as UTF-8 (the reference encoder's bytes, WIRE.md §1.9); one shared encoder is
    used because building a new one per record, as ``json.dumps`` does, costs about 10%.
    """
    encode = _ENCODER.encode
    for record in generate_records(n, seed=seed, run_id=run_id, terminal=terminal):
        yield encode(record).encode()


def write_journal(
    path: str, n: int, *, seed: int = 0, run_id: str = "run.bench.1", terminal: bool = False
) -> None:
    """Write a JSONL journal of ``n`` records to ``path`` atomically (temp file + replace)."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".journal_gen.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb", buffering=1 << 20) as out:
            write = out.write
            for line in generate_lines(n, seed=seed, run_id=run_id, terminal=terminal):
                write(line)
                write(b"\n")
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a synthetic, valid JSONL journal.")
    parser.add_argument("n", type=int, help="number of records")
    parser.add_argument("out", help="output .jsonl path")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--run-id", default="run.bench.1", help="run id (default run.bench.1)")
    parser.add_argument(
        "--terminal", action="store_true", help="end with a run_lifecycle 'completed' record"
    )
    args = parser.parse_args(argv)
    if args.n < 0:
        parser.error("n must be >= 0")
    write_journal(args.out, args.n, seed=args.seed, run_id=args.run_id, terminal=args.terminal)
    return 0


if __name__ == "__main__":
    sys.exit(main())
