"""The five output-delivery records and the delivery kinds.

As a journal payload each record is written as
``{"type":"output_delivery","record_type":RECORD_TYPE,"record":{...}}``.
"""

from __future__ import annotations

from typing import ClassVar, final

import attrs

from replaykit.model._wirespec import BOOL, ID, LIST, OPTIONAL, STR, U64, w
from replaykit.model.effects import EffectIntent, EffectResult
from replaykit.model.enums import (
    EffectKind,
    OutputContentMode,
    OutputDeliveryEventKind,
    OutputDispatchStatus,
    PrivacyClass,
    ReplayRepairDecision,
    RetentionClass,
    RetryClassification,
    TerminalAppendStatus,
)
from replaykit.model.refs import DestinationRef, PolicyRef

__all__ = [
    "FinalMessage",
    "FinalValidatedOutput",
    "OutputDeliveryDedupeRecord",
    "OutputDeliveryEventRecord",
    "OutputDeliveryIntentRecord",
    "OutputDeliveryKind",
    "OutputDeliveryReconciliationRecord",
    "OutputDeliveryRecord",
    "OutputDeliveryResultRecord",
    "StreamChunk",
]


@final
@attrs.frozen(kw_only=True, weakref_slot=False)
class StreamChunk:
    KIND_TYPE: ClassVar[str] = "stream_chunk"

    stream_cursor: str = attrs.field(metadata=w(STR))
    chunk_index: int = attrs.field(metadata=w(U64))


@final
@attrs.frozen(kw_only=True, weakref_slot=False)
class FinalMessage:
    KIND_TYPE: ClassVar[str] = "final_message"


@final
@attrs.frozen(kw_only=True, weakref_slot=False)
class FinalValidatedOutput:
    KIND_TYPE: ClassVar[str] = "final_validated_output"


OutputDeliveryKind = StreamChunk | FinalMessage | FinalValidatedOutput


@final
@attrs.frozen(kw_only=True, weakref_slot=False)
class OutputDeliveryIntentRecord:
    PAYLOAD_TYPE: ClassVar[str] = "output_delivery"
    RECORD_TYPE: ClassVar[str] = "intent"

    delivery_id: str = attrs.field(metadata=w(STR))
    effect_intent: EffectIntent = attrs.field(metadata=w(EffectIntent))
    destination: DestinationRef = attrs.field(metadata=w(DestinationRef))
    sink_ref: str = attrs.field(metadata=w(STR))
    desired_sink_ref: str = attrs.field(metadata=w(STR))
    delivery_kind: OutputDeliveryKind = attrs.field(metadata=w("delivery_kind"))
    content_mode: OutputContentMode = attrs.field(metadata=w(OutputContentMode))
    content_refs: tuple[str, ...] = attrs.field(default=(), metadata=w(ID, LIST))
    redacted_summary: str = attrs.field(metadata=w(STR))
    privacy: PrivacyClass = attrs.field(metadata=w(PrivacyClass))
    retention: RetentionClass = attrs.field(metadata=w(RetentionClass))
    policy_refs: tuple[PolicyRef, ...] = attrs.field(default=(), metadata=w(PolicyRef, LIST))
    idempotency_key: str | None = attrs.field(default=None, metadata=w(ID, OPTIONAL))
    dedupe_key: str = attrs.field(metadata=w(ID))
    runtime_package_fingerprint: str = attrs.field(metadata=w(STR))


@final
@attrs.frozen(kw_only=True, weakref_slot=False)
class OutputDeliveryResultRecord:
    PAYLOAD_TYPE: ClassVar[str] = "output_delivery"
    RECORD_TYPE: ClassVar[str] = "result"

    delivery_id: str = attrs.field(metadata=w(STR))
    effect_result: EffectResult = attrs.field(metadata=w(EffectResult))
    destination: DestinationRef = attrs.field(metadata=w(DestinationRef))
    sink_ref: str = attrs.field(metadata=w(STR))
    dispatch_status: OutputDispatchStatus = attrs.field(metadata=w(OutputDispatchStatus))
    ack_ref: str | None = attrs.field(default=None, metadata=w(STR, OPTIONAL))
    external_operation_id: str | None = attrs.field(default=None, metadata=w(STR, OPTIONAL))
    error_ref: str | None = attrs.field(default=None, metadata=w(STR, OPTIONAL))
    content_refs: tuple[str, ...] = attrs.field(default=(), metadata=w(ID, LIST))
    redacted_summary: str = attrs.field(metadata=w(STR))
    retry_classification: RetryClassification = attrs.field(metadata=w(RetryClassification))


@final
@attrs.frozen(kw_only=True, weakref_slot=False)
class OutputDeliveryDedupeRecord:
    PAYLOAD_TYPE: ClassVar[str] = "output_delivery"
    RECORD_TYPE: ClassVar[str] = "dedupe"

    delivery_id: str = attrs.field(metadata=w(STR))
    dedupe_key: str = attrs.field(metadata=w(ID))
    prior_delivery_id: str | None = attrs.field(default=None, metadata=w(STR, OPTIONAL))
    prior_external_operation_id: str | None = attrs.field(default=None, metadata=w(STR, OPTIONAL))
    prior_terminal_status: OutputDispatchStatus = attrs.field(metadata=w(OutputDispatchStatus))
    current_status: OutputDispatchStatus = attrs.field(metadata=w(OutputDispatchStatus))
    redacted_summary: str = attrs.field(metadata=w(STR))
    policy_refs: tuple[PolicyRef, ...] = attrs.field(default=(), metadata=w(PolicyRef, LIST))


@final
@attrs.frozen(kw_only=True, weakref_slot=False)
class OutputDeliveryReconciliationRecord:
    PAYLOAD_TYPE: ClassVar[str] = "output_delivery"
    RECORD_TYPE: ClassVar[str] = "reconciliation"

    delivery_id: str = attrs.field(metadata=w(STR))
    intent_record_id: str = attrs.field(metadata=w(STR))
    side_effect_kind: EffectKind = attrs.field(metadata=w(EffectKind))
    idempotency_key: str | None = attrs.field(default=None, metadata=w(ID, OPTIONAL))
    dedupe_key: str = attrs.field(metadata=w(ID))
    external_operation_id: str | None = attrs.field(default=None, metadata=w(STR, OPTIONAL))
    terminal_status: OutputDispatchStatus = attrs.field(metadata=w(OutputDispatchStatus))
    terminal_append_status: TerminalAppendStatus = attrs.field(metadata=w(TerminalAppendStatus))
    reconciliation_adapter: str | None = attrs.field(default=None, metadata=w(STR, OPTIONAL))
    unsafe_pending_reason: str = attrs.field(metadata=w(STR))
    replay_decision: ReplayRepairDecision = attrs.field(metadata=w(ReplayRepairDecision))
    resend_allowed: bool = attrs.field(metadata=w(BOOL))


@final
@attrs.frozen(kw_only=True, weakref_slot=False)
class OutputDeliveryEventRecord:
    PAYLOAD_TYPE: ClassVar[str] = "output_delivery"
    RECORD_TYPE: ClassVar[str] = "event"

    event_kind: OutputDeliveryEventKind = attrs.field(metadata=w(OutputDeliveryEventKind))
    delivery_id: str = attrs.field(metadata=w(STR))
    destination: DestinationRef = attrs.field(metadata=w(DestinationRef))
    sink_ref: str = attrs.field(metadata=w(STR))
    dedupe_key: str = attrs.field(metadata=w(ID))
    source_message_id: str | None = attrs.field(default=None, metadata=w(ID, OPTIONAL))
    dispatch_status: OutputDispatchStatus = attrs.field(metadata=w(OutputDispatchStatus))
    ack_ref: str | None = attrs.field(default=None, metadata=w(STR, OPTIONAL))
    reconciliation_status: ReplayRepairDecision | None = attrs.field(
        default=None, metadata=w(ReplayRepairDecision, OPTIONAL)
    )
    redacted_summary: str = attrs.field(metadata=w(STR))


OutputDeliveryRecord = (
    OutputDeliveryIntentRecord
    | OutputDeliveryResultRecord
    | OutputDeliveryDedupeRecord
    | OutputDeliveryReconciliationRecord
    | OutputDeliveryEventRecord
)
