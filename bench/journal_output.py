"""Output-delivery records of the synthetic journals (intents, results, dedupe proofs,
reconciliations and events) and the pool of deliveries still open.

Part of ``journal_gen``: a ``Deliveries`` belongs to one generator, whose envelopes,
random numbers and content refs it uses.
"""

from __future__ import annotations

import hashlib
from collections import deque
from typing import TYPE_CHECKING

from journal_shapes import (
    DELIVERY_ABANDON,
    DELIVERY_POOL_CAP,
    DEST_OUTPUT,
    FINGERPRINT,
    POLICY_OUTPUT,
    PRIVACY,
    RING,
    SOURCE_OUTPUT,
    TAGS_OUTPUT,
    OpenDelivery,
    entity_ref,
    take_random,
)

if TYPE_CHECKING:
    from journal_gen import Generator

__all__ = ["Deliveries"]


def _payload(record_type: str, record: dict[str, object]) -> dict[str, object]:
    return {"type": "output_delivery", "record_type": record_type, "record": record}


class Deliveries:
    """The output-delivery records of one generator, and their open pool."""

    def __init__(self, gen: Generator) -> None:
        self.gen = gen
        self.delivery_n = 0
        self.open_deliveries: list[OpenDelivery] = []
        self.delivered: deque[tuple[int, str, str, str]] = deque(maxlen=RING)
        self.stream_n = 1
        self.chunk_index = 0

    def output(self) -> dict[str, object]:
        r = self.gen.rand()
        pool = self.open_deliveries
        if r < 0.18 and self.delivered:
            return self.output_event()
        if not pool or (r < 0.60 and len(pool) < DELIVERY_POOL_CAP):
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
        related: list[object] = [entity_ref("content", str(ref)) for ref in refs]
        return self.gen.envelope(
            "output_dispatch",
            entity_ref("output_delivery", delivery_id),
            payload,
            "output_delivery",
            event_kind,
            related=related,
            source=SOURCE_OUTPUT,
            destination=DEST_OUTPUT,
            index_destination=True,
            tags=TAGS_OUTPUT,
            content_refs=refs,
            idempotency_key=idempotency_key,
            dedupe_key=dedupe_key,
        )

    def output_intent(self) -> dict[str, object]:
        rand = self.gen.rand
        self.delivery_n += 1
        n = self.delivery_n
        delivery_id = f"output.delivery.{n}"
        digest = hashlib.sha256(f"{self.gen.run_id}/{delivery_id}".encode()).hexdigest()
        dedupe = f"dedupe.output_delivery.{digest}"
        idem = f"idem.output.{n}" if rand() < 0.5 else None
        refs = self.gen.new_refs("output", 1 + int(rand() * 3))
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
        subject = entity_ref("output_delivery", delivery_id)
        effect_intent: dict[str, object] = {
            "effect_id": f"effect.output.{n}",
            "kind": "output_delivery",
            "subject_ref": subject,
            "source": SOURCE_OUTPUT,
            "destination": DEST_OUTPUT,
            "policy_refs": POLICY_OUTPUT,
        }
        if idem is not None:
            effect_intent["idempotency_key"] = idem
        effect_intent["dedupe_key"] = dedupe
        effect_intent["content_refs"] = refs
        effect_intent["redacted_summary"] = summary
        record: dict[str, object] = {
            "delivery_id": delivery_id,
            "effect_intent": effect_intent,
            "destination": DEST_OUTPUT,
            "sink_ref": "sink.chat.primary",
            "desired_sink_ref": "sink.chat.primary",
            "delivery_kind": delivery_kind,
            "content_mode": "content_refs_only",
            "content_refs": refs,
            "redacted_summary": summary,
            "privacy": PRIVACY,
            "retention": "run_scoped",
            "policy_refs": POLICY_OUTPUT,
        }
        if idem is not None:
            record["idempotency_key"] = idem
        record["dedupe_key"] = dedupe
        record["runtime_package_fingerprint"] = FINGERPRINT
        payload = _payload("intent", record)
        rec = self.output_envelope(
            delivery_id,
            payload,
            "output_dispatch_requested",
            refs,
            idempotency_key=idem,
            dedupe_key=dedupe,
        )
        if rand() >= DELIVERY_ABANDON:
            record_id = f"{self.gen.record_prefix}{self.gen.seq:06d}"
            self.open_deliveries.append((n, delivery_id, record_id, idem, dedupe, refs))
        return rec

    def output_resolution(self) -> dict[str, object]:
        rand = self.gen.rand
        delivery = take_random(self.open_deliveries, rand)
        n, delivery_id, intent_record_id, idem, dedupe, refs = delivery
        r = rand()
        if r < 0.07:
            return self.output_dedupe(n, delivery_id, dedupe)
        if r < 0.14:
            return self.output_reconciliation(n, delivery_id, intent_record_id, idem, dedupe)
        r = rand()
        # Each outcome: statuses, retry class, summary, then the one key each of the
        # effect result and the record adds after its common keys (in wire key order).
        effect_extra: dict[str, object]
        record_extra: dict[str, object]
        if r < 0.80:
            status, terminal, retry = "completed", "completed", "NotRetryable"
            summary = "output delivery completed"
            effect_extra, record_extra = {}, {"ack_ref": f"ack.chat.{n}"}
        elif r < 0.90:
            status, terminal, retry = "failed", "failed", "Retryable"
            summary = "output delivery failed before host send or at sink boundary"
            error_ref = f"error.sink.{n}"
            effect_extra, record_extra = {"error_ref": error_ref}, {"error_ref": error_ref}
        else:
            status, terminal, retry = "reconciliation_needed", "unknown", "RepairNeeded"
            summary = "output delivery outcome unknown"
            effect_extra, record_extra = {"reconciliation_ref": f"reconcile.output.{n}"}, {}
        if status != "reconciliation_needed":
            self.delivered.append((n, delivery_id, dedupe, status))
        effect_result: dict[str, object] = {
            "effect_id": f"effect.output.{n}",
            "terminal_status": terminal,
            **effect_extra,
            "content_refs": refs,
            "redacted_summary": summary,
        }
        record: dict[str, object] = {
            "delivery_id": delivery_id,
            "effect_result": effect_result,
            "destination": DEST_OUTPUT,
            "sink_ref": "sink.chat.primary",
            "dispatch_status": status,
            **record_extra,
            "content_refs": refs,
            "redacted_summary": summary,
            "retry_classification": retry,
        }
        payload = _payload("result", record)
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
            "policy_refs": POLICY_OUTPUT,
        }
        payload = _payload("dedupe", record)
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
        payload = _payload("reconciliation", record)
        return self.output_envelope(
            delivery_id, payload, "output_dispatch_reconciliation_needed", [], dedupe_key=dedupe
        )

    def output_event(self) -> dict[str, object]:
        delivered = self.delivered
        n, delivery_id, dedupe, status = delivered[int(self.gen.rand() * len(delivered))]
        record: dict[str, object] = {
            "event_kind": f"output_dispatch_{status}",
            "delivery_id": delivery_id,
            "destination": DEST_OUTPUT,
            "sink_ref": "sink.chat.primary",
            "dedupe_key": dedupe,
            "source_message_id": f"message.output.{n}",
            "dispatch_status": status,
        }
        if status == "completed":
            record["ack_ref"] = f"ack.chat.{n}"
        record["redacted_summary"] = f"output delivery {status}"
        payload = _payload("event", record)
        return self.gen.envelope(
            "output_dispatch",
            entity_ref("output_delivery", delivery_id),
            payload,
            "output_delivery",
            f"output_dispatch_{status}",
        )
