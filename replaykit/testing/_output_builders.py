"""Builders of the five output-delivery records (re-exported by ``builders``).

Records of one delivery agree by default: the intent's effect is ``effect.<delivery_id>``
and its dedupe key ``dedupe.<delivery_id>``, so a result, dedupe proof, reconciliation or
event built with the same ``delivery_id`` refers to the same delivery.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final, Unpack

from replaykit.model import (
    DestinationKind,
    EffectIntent,
    EffectKind,
    EffectResult,
    EffectTerminalStatus,
    EntityKind,
    FinalMessage,
    JournalRecord,
    JournalRecordKind,
    OutputContentMode,
    OutputDeliveryDedupeRecord,
    OutputDeliveryEventKind,
    OutputDeliveryEventRecord,
    OutputDeliveryIntentRecord,
    OutputDeliveryKind,
    OutputDeliveryReconciliationRecord,
    OutputDeliveryResultRecord,
    OutputDispatchStatus,
    PolicyKind,
    PolicyRef,
    ReplayRepairDecision,
    RetentionClass,
    RetryClassification,
    SourceKind,
    SourceRef,
    TerminalAppendStatus,
    TrustClass,
)
from replaykit.testing._envelope import (
    DEFAULT_FINGERPRINT,
    DEFAULT_PRIVACY,
    Envelope,
    EnvelopeNoDedupe,
    EnvelopeNoKeys,
    EnvelopeNoRefs,
    build_record,
    destination,
    entity,
)

__all__ = [
    "output_dedupe",
    "output_event",
    "output_intent",
    "output_reconciliation",
    "output_result",
]

SINK: Final = "sink.chat.primary"
_DEST: Final = destination(DestinationKind.OUTPUT_SINK, "destination.output.chat")
_SOURCE: Final = SourceRef(
    kind=SourceKind.SDK,
    id="source.sdk.output_delivery",
    trust=TrustClass.HOST_PROVIDED,
    privacy=DEFAULT_PRIVACY,
)
_POLICY: Final = PolicyRef(kind=PolicyKind.HOST, id="policy.output.chat")
_EFFECT_STATUS: Final = {
    OutputDispatchStatus.COMPLETED: EffectTerminalStatus.COMPLETED,
    OutputDispatchStatus.DEDUPED: EffectTerminalStatus.COMPLETED,
    OutputDispatchStatus.FAILED: EffectTerminalStatus.FAILED,
    OutputDispatchStatus.POLICY_DENIED: EffectTerminalStatus.DENIED_BEFORE_EXECUTION,
}
_RETRY: Final = {
    OutputDispatchStatus.COMPLETED: RetryClassification.NOT_RETRYABLE,
    OutputDispatchStatus.DEDUPED: RetryClassification.NOT_RETRYABLE,
    OutputDispatchStatus.FAILED: RetryClassification.RETRYABLE,
}


def _defaults(delivery_id: str, event_kind: str) -> Envelope:
    return {
        "record_kind": JournalRecordKind.OUTPUT_DISPATCH,
        "turn_id": "turn.1",
        "subject_ref": entity(EntityKind.OUTPUT_DELIVERY, delivery_id),
        "source": _SOURCE,
        "destination": _DEST,
        "tags": ("output_delivery",),
        "event_family": "output_delivery",
        "event_kind": event_kind,
    }


def _dedupe_key(delivery_id: str, dedupe_key: str | None) -> str:
    return dedupe_key or f"dedupe.{delivery_id}"


def output_intent(
    delivery_id: str = "output.delivery.1",
    *,
    idempotency_key: str | None = None,
    dedupe_key: str | None = None,
    delivery_kind: OutputDeliveryKind | None = None,
    content_refs: Sequence[str] = (),
    sink_ref: str = SINK,
    **env: Unpack[EnvelopeNoKeys],
) -> JournalRecord:
    """An output-delivery ``intent``; keys and content refs go to the envelope too.

    >>> record = output_intent("output.delivery.3", idempotency_key="idem.3")
    >>> (record.dedupe_key, record.payload.effect_intent.effect_id)
    ('dedupe.output.delivery.3', 'effect.output.delivery.3')
    """
    key = _dedupe_key(delivery_id, dedupe_key)
    refs = tuple(content_refs)
    summary = f"output delivery {delivery_id}"
    effect = EffectIntent(
        effect_id=f"effect.{delivery_id}",
        kind=EffectKind.OUTPUT_DELIVERY,
        subject_ref=entity(EntityKind.OUTPUT_DELIVERY, delivery_id),
        source=_SOURCE,
        destination=_DEST,
        policy_refs=(_POLICY,),
        idempotency_key=idempotency_key,
        dedupe_key=key,
        content_refs=refs,
        redacted_summary=summary,
    )
    payload = OutputDeliveryIntentRecord(
        delivery_id=delivery_id,
        effect_intent=effect,
        destination=_DEST,
        sink_ref=sink_ref,
        desired_sink_ref=sink_ref,
        delivery_kind=delivery_kind or FinalMessage(),
        content_mode=OutputContentMode.CONTENT_REFS_ONLY,
        content_refs=refs,
        redacted_summary=summary,
        privacy=DEFAULT_PRIVACY,
        retention=RetentionClass.RUN_SCOPED,
        policy_refs=(_POLICY,),
        idempotency_key=idempotency_key,
        dedupe_key=key,
        runtime_package_fingerprint=env.get("runtime_package_fingerprint", DEFAULT_FINGERPRINT),
    )
    defaults = _defaults(delivery_id, "output_dispatch_requested")
    defaults["content_refs"] = refs
    defaults["idempotency_key"] = idempotency_key
    defaults["dedupe_key"] = key
    return build_record(payload, defaults, env)


def output_result(
    delivery_id: str = "output.delivery.1",
    *,
    status: OutputDispatchStatus = OutputDispatchStatus.COMPLETED,
    retry: RetryClassification | None = None,
    ack_ref: str | None = None,
    content_refs: Sequence[str] = (),
    **env: Unpack[EnvelopeNoRefs],
) -> JournalRecord:
    """An output-delivery ``result``; the effect status and retry class follow ``status``.

    >>> output_result(status=OutputDispatchStatus.FAILED).payload.retry_classification.value
    'Retryable'
    """
    refs = tuple(content_refs)
    summary = f"output delivery {status.value}"
    effect = EffectResult(
        effect_id=f"effect.{delivery_id}",
        terminal_status=_EFFECT_STATUS.get(status, EffectTerminalStatus.UNKNOWN),
        content_refs=refs,
        redacted_summary=summary,
    )
    payload = OutputDeliveryResultRecord(
        delivery_id=delivery_id,
        effect_result=effect,
        destination=_DEST,
        sink_ref=SINK,
        dispatch_status=status,
        ack_ref=ack_ref,
        content_refs=refs,
        redacted_summary=summary,
        retry_classification=retry or _RETRY.get(status, RetryClassification.REPAIR_NEEDED),
    )
    defaults = _defaults(delivery_id, f"output_dispatch_{status.value}")
    defaults["content_refs"] = refs
    return build_record(payload, defaults, env)


def output_dedupe(
    delivery_id: str = "output.delivery.1",
    *,
    dedupe_key: str | None = None,
    prior_delivery_id: str | None = None,
    prior_external_operation_id: str | None = "external.op.prior",
    prior_status: OutputDispatchStatus = OutputDispatchStatus.COMPLETED,
    **env: Unpack[EnvelopeNoDedupe],
) -> JournalRecord:
    """An output-delivery ``dedupe`` proof: the delivery already happened earlier.

    >>> output_dedupe("output.delivery.3").payload.dedupe_key
    'dedupe.output.delivery.3'
    """
    key = _dedupe_key(delivery_id, dedupe_key)
    payload = OutputDeliveryDedupeRecord(
        delivery_id=delivery_id,
        dedupe_key=key,
        prior_delivery_id=prior_delivery_id or f"{delivery_id}.prior",
        prior_external_operation_id=prior_external_operation_id,
        prior_terminal_status=prior_status,
        current_status=OutputDispatchStatus.DEDUPED,
        redacted_summary="deduped against prior delivery",
        policy_refs=(_POLICY,),
    )
    defaults = _defaults(delivery_id, "output_dispatch_deduped")
    defaults["dedupe_key"] = key
    return build_record(payload, defaults, env)


def output_reconciliation(
    delivery_id: str = "output.delivery.1",
    *,
    intent: JournalRecord | str | None = None,
    dedupe_key: str | None = None,
    reason: str = "terminal append failed after sink contact",
    decision: ReplayRepairDecision = ReplayRepairDecision.REQUIRES_HOST_RECONCILIATION,
    terminal_status: OutputDispatchStatus = OutputDispatchStatus.RECONCILIATION_NEEDED,
    **env: Unpack[EnvelopeNoDedupe],
) -> JournalRecord:
    """An output-delivery ``reconciliation`` record (always adds a repair when folded).

    ``intent`` is the intent record (or its record id) the reconciliation is about.

    >>> output_reconciliation(intent="journal.run.test.0002").payload.intent_record_id
    'journal.run.test.0002'
    """
    if isinstance(intent, JournalRecord):
        intent_id = intent.record_id
        if isinstance(intent.payload, OutputDeliveryIntentRecord) and dedupe_key is None:
            dedupe_key = intent.payload.dedupe_key
    else:
        intent_id = intent or "journal.run.test.unknown"
    key = _dedupe_key(delivery_id, dedupe_key)
    payload = OutputDeliveryReconciliationRecord(
        delivery_id=delivery_id,
        intent_record_id=intent_id,
        side_effect_kind=EffectKind.OUTPUT_DELIVERY,
        dedupe_key=key,
        terminal_status=terminal_status,
        terminal_append_status=TerminalAppendStatus.APPEND_FAILED,
        reconciliation_adapter=SINK,
        unsafe_pending_reason=reason,
        replay_decision=decision,
        resend_allowed=False,
    )
    defaults = _defaults(delivery_id, "output_dispatch_reconciliation_needed")
    defaults["dedupe_key"] = key
    return build_record(payload, defaults, env)


def output_event(
    delivery_id: str = "output.delivery.1",
    *,
    kind: OutputDeliveryEventKind = OutputDeliveryEventKind.OUTPUT_DISPATCH_COMPLETED,
    status: OutputDispatchStatus = OutputDispatchStatus.COMPLETED,
    dedupe_key: str | None = None,
    **env: Unpack[EnvelopeNoDedupe],
) -> JournalRecord:
    """An output-delivery ``event`` (the reducer accepts it and changes nothing).

    >>> output_event().payload.event_kind.value
    'output_dispatch_completed'
    """
    payload = OutputDeliveryEventRecord(
        event_kind=kind,
        delivery_id=delivery_id,
        destination=_DEST,
        sink_ref=SINK,
        dedupe_key=_dedupe_key(delivery_id, dedupe_key),
        dispatch_status=status,
        redacted_summary=f"output delivery {status.value}",
    )
    return build_record(payload, _defaults(delivery_id, kind.value), env)
