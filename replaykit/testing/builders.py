"""Builders of valid journal records, one function per payload kind, and ``JournalBuilder``.

Every builder returns a ``JournalRecord`` whose envelope and payload agree (ids, keys,
content refs, event index), with stable defaults for everything a test does not care
about. Envelope fields (``journal_seq``, ``record_id``, ``record_kind``, ``content_refs``,
``idempotency_key``, ``dedupe_key``, ``journal_schema_version``, ...) are keyword
arguments of every builder (see ``Envelope``); keys a payload also carries are given once
and written to both places. ``with_envelope`` makes the two disagree on purpose.

>>> from replaykit import ReplayConfig, ReplayMode, replay
>>> records = journal(run_lifecycle(), effect_intent("effect.1"), effect_result("effect.1"))
>>> [(r.journal_seq, r.record_id) for r in records][:2]
[(1, 'journal.run.test.0001'), (2, 'journal.run.test.0002')]
>>> replay(records, ReplayConfig(ReplayMode.RESUME_REPLAY)).unwrap().status.value
'complete'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final, Unpack

from returns.result import Failure

from replaykit.model import (
    EffectIntent,
    EffectKind,
    EffectResult,
    EffectTerminalStatus,
    EntityKind,
    JournalRecord,
    JournalRecordKind,
    OtherPayload,
    PendingSideEffect,
    PolicyRef,
    RecoveryMarker,
    RunCheckpoint,
    RunLifecycleRecord,
    TerminalResultMarker,
    TurnLifecycleRecord,
    TurnLifecycleStatus,
)
from replaykit.model.output_delivery import OutputDeliveryIntentRecord
from replaykit.testing._envelope import (
    BASE_TIMESTAMP_MILLIS,
    DEFAULT_AGENT_ID,
    DEFAULT_FINGERPRINT,
    DEFAULT_RUN_ID,
    DEFAULT_SOURCE,
    Envelope,
    EnvelopeNoDedupe,
    EnvelopeNoKeys,
    EnvelopeNoRefs,
    build_record,
    default_record_id,
    destination,
    entity,
    with_envelope,
)
from replaykit.testing._journal import JournalBuilder, journal
from replaykit.testing._output_builders import (
    output_dedupe,
    output_event,
    output_intent,
    output_reconciliation,
    output_result,
)
from replaykit.testing._shapes import minimal_payload_data
from replaykit.wire import from_data

__all__ = [
    "BASE_TIMESTAMP_MILLIS",
    "DEFAULT_AGENT_ID",
    "DEFAULT_FINGERPRINT",
    "DEFAULT_RUN_ID",
    "DEFAULT_SOURCE",
    "Envelope",
    "EnvelopeNoDedupe",
    "EnvelopeNoKeys",
    "EnvelopeNoRefs",
    "JournalBuilder",
    "checkpoint",
    "default_record_id",
    "destination",
    "effect_intent",
    "effect_result",
    "entity",
    "ignored_payload",
    "journal",
    "message",
    "other",
    "output_dedupe",
    "output_event",
    "output_intent",
    "output_reconciliation",
    "output_result",
    "pending_effect",
    "recovery",
    "run_lifecycle",
    "terminal_result",
    "turn_lifecycle",
    "with_envelope",
]

_TOOL_DEST: Final = destination()


def effect_intent(
    effect_id: str = "effect.1",
    *,
    kind: EffectKind = EffectKind.TOOL_EXECUTION,
    idempotency_key: str | None = None,
    dedupe_key: str | None = None,
    content_refs: Sequence[str] = (),
    policy_refs: Sequence[PolicyRef] = (),
    summary: str = "execute tool",
    **env: Unpack[EnvelopeNoKeys],
) -> JournalRecord:
    """An ``effect_intent`` record; its keys and content refs go to the envelope too.

    >>> effect_intent("effect.1", idempotency_key="idem.1").idempotency_key
    'idem.1'
    """
    subject = entity(EntityKind.TOOL_CALL, f"tool.call.{effect_id}")
    payload = EffectIntent(
        effect_id=effect_id,
        kind=kind,
        subject_ref=subject,
        source=env.get("source", DEFAULT_SOURCE),
        destination=_TOOL_DEST,
        policy_refs=tuple(policy_refs),
        idempotency_key=idempotency_key,
        dedupe_key=dedupe_key,
        content_refs=tuple(content_refs),
        redacted_summary=summary,
    )
    defaults: Envelope = {
        "record_kind": JournalRecordKind.EFFECT_INTENT,
        "turn_id": "turn.1",
        "subject_ref": subject,
        "related_refs": (entity(EntityKind.EFFECT, effect_id),),
        "destination": _TOOL_DEST,
        "event_family": "effect",
        "event_kind": "intent",
        "content_refs": tuple(content_refs),
        "idempotency_key": idempotency_key,
        "dedupe_key": dedupe_key,
    }
    return build_record(payload, defaults, env)


def effect_result(
    effect_id: str = "effect.1",
    *,
    status: EffectTerminalStatus = EffectTerminalStatus.COMPLETED,
    content_refs: Sequence[str] = (),
    external_operation_id: str | None = None,
    error_ref: str | None = None,
    summary: str = "tool completed",
    **env: Unpack[EnvelopeNoRefs],
) -> JournalRecord:
    """An ``effect_result`` record that closes ``effect_id``.

    >>> effect_result("effect.1", status=EffectTerminalStatus.FAILED).payload.terminal_status
    <EffectTerminalStatus.FAILED: 'failed'>
    """
    payload = EffectResult(
        effect_id=effect_id,
        terminal_status=status,
        external_operation_id=external_operation_id,
        error_ref=error_ref,
        content_refs=tuple(content_refs),
        redacted_summary=summary,
    )
    ref = entity(EntityKind.EFFECT, effect_id)
    defaults: Envelope = {
        "record_kind": JournalRecordKind.EFFECT_RESULT,
        "turn_id": "turn.1",
        "subject_ref": ref,
        "related_refs": (ref,),
        "event_family": "effect",
        "event_kind": "result",
        "content_refs": tuple(content_refs),
    }
    return build_record(payload, defaults, env)


def pending_effect(
    intent: JournalRecord | str,
    *,
    intent_record_id: str | None = None,
    idempotency_key: str | None = None,
    dedupe_key: str | None = None,
    reason: str = "effect outcome unknown after crash",
) -> PendingSideEffect:
    """A ``PendingSideEffect``: from an effect-intent record, or from an effect id.

    >>> pending_effect(effect_intent("effect.1", dedupe_key="d.1")).dedupe_key
    'd.1'
    >>> pending_effect("effect.2").intent_record_id
    'journal.run.test.unknown'
    """
    if isinstance(intent, str):
        return PendingSideEffect(
            effect_id=intent,
            intent_record_id=intent_record_id or f"journal.{DEFAULT_RUN_ID}.unknown",
            idempotency_key=idempotency_key,
            dedupe_key=dedupe_key,
            unsafe_pending_reason=reason,
        )
    payload = intent.payload
    if isinstance(payload, OutputDeliveryIntentRecord):
        payload = payload.effect_intent
    if not isinstance(payload, EffectIntent):
        raise TypeError(f"record {intent.record_id!r} is not an effect or output intent")
    return PendingSideEffect(
        effect_id=payload.effect_id,
        intent_record_id=intent_record_id or intent.record_id,
        idempotency_key=payload.idempotency_key if idempotency_key is None else idempotency_key,
        dedupe_key=payload.dedupe_key if dedupe_key is None else dedupe_key,
        unsafe_pending_reason=reason,
    )


def _pending(
    items: Iterable[PendingSideEffect | JournalRecord | str],
) -> tuple[PendingSideEffect, ...]:
    return tuple(i if isinstance(i, PendingSideEffect) else pending_effect(i) for i in items)


def checkpoint(
    checkpoint_id: str = "checkpoint.1",
    *,
    covers_journal_seq: int | None = None,
    checkpoint_seq: int = 1,
    loop_state: str = "awaiting_input",
    pending: Iterable[PendingSideEffect | JournalRecord | str] = (),
    manifest: Sequence[str] = (),
    created_at_millis: int = BASE_TIMESTAMP_MILLIS,
    **env: Unpack[EnvelopeNoRefs],
) -> JournalRecord:
    """A ``checkpoint`` record; it covers the seq before its own unless told otherwise.

    >>> checkpoint(journal_seq=5).payload.covers_journal_seq
    4
    """
    seq = env.get("journal_seq", 1)
    run_id = env.get("run_id", DEFAULT_RUN_ID)
    payload = RunCheckpoint(
        checkpoint_id=checkpoint_id,
        run_id=run_id,
        checkpoint_seq=checkpoint_seq,
        covers_journal_seq=max(seq - 1, 0) if covers_journal_seq is None else covers_journal_seq,
        loop_state=loop_state,
        runtime_package_fingerprint=env.get("runtime_package_fingerprint", DEFAULT_FINGERPRINT),
        pending_side_effects=_pending(pending),
        content_ref_manifest=tuple(manifest),
        state_hash=f"state.hash.{checkpoint_id}",
        created_at_millis=created_at_millis,
        writer_id="writer.test",
    )
    defaults: Envelope = {
        "record_kind": JournalRecordKind.CHECKPOINT,
        "event_family": "checkpoint",
        "event_kind": "saved",
        "content_refs": tuple(manifest),
        "checkpoint_ref": checkpoint_id,
    }
    return build_record(payload, defaults, env)


def recovery(
    pending: Iterable[PendingSideEffect | JournalRecord | str] = (),
    *,
    reason: str = "process restarted with pending effects",
    policy_refs: Sequence[PolicyRef] = (),
    **env: Unpack[Envelope],
) -> JournalRecord:
    """A ``recovery`` marker; ``pending`` takes intent records, effect ids or entries.

    >>> intent = effect_intent("effect.1")
    >>> recovery(pending=[intent]).payload.unsafe_pending[0].intent_record_id
    'journal.run.test.0001'
    """
    payload = RecoveryMarker(
        unsafe_pending=_pending(pending), recovery_reason=reason, policy_refs=tuple(policy_refs)
    )
    defaults: Envelope = {
        "record_kind": JournalRecordKind.RECOVERY,
        "event_family": "recovery",
        "event_kind": "marker",
    }
    return build_record(payload, defaults, env)


def run_lifecycle(
    status: str = "started", *, reason: str | None = None, **env: Unpack[Envelope]
) -> JournalRecord:
    """A ``run_lifecycle`` record; ``completed``, ``failed``, ``cancelled`` seal the run.

    >>> run_lifecycle("completed").payload
    RunLifecycleRecord(status='completed', reason='run completed')
    """
    payload = RunLifecycleRecord(status=status, reason=reason or f"run {status}")
    defaults: Envelope = {
        "record_kind": JournalRecordKind.RUN,
        "event_family": "run",
        "event_kind": f"run_{status}",
    }
    return build_record(payload, defaults, env)


def turn_lifecycle(
    status: TurnLifecycleStatus = TurnLifecycleStatus.STARTED,
    *,
    turn: str = "turn.1",
    **env: Unpack[Envelope],
) -> JournalRecord:
    """A ``turn_lifecycle`` record (ignored by the reducer apart from the envelope).

    >>> turn_lifecycle().payload.status.value
    'started'
    """
    run_id = env.get("run_id", DEFAULT_RUN_ID)
    payload = TurnLifecycleRecord(
        turn_id=turn, run_ids=(run_id,), status=status, redacted_summary="turn lifecycle"
    )
    defaults: Envelope = {
        "record_kind": JournalRecordKind.TURN,
        "turn_id": turn,
        "subject_ref": entity(EntityKind.TURN, turn),
        "event_family": "turn",
        "event_kind": f"turn_{status.value}",
    }
    return build_record(payload, defaults, env)


def terminal_result(
    status: str = "completed",
    *,
    effect_id: str | None = None,
    result_record_id: str | None = None,
    **env: Unpack[Envelope],
) -> JournalRecord:
    """A ``terminal_result`` marker: closes ``effect_id`` (if open) and seals the run.

    >>> terminal_result("failed", journal_seq=9).payload.result_record_id
    'journal.run.test.0009'
    """
    run_id = env.get("run_id", DEFAULT_RUN_ID)
    own_id = env.get("record_id") or default_record_id(run_id, env.get("journal_seq", 1))
    payload = TerminalResultMarker(
        effect_id=effect_id or f"effect.{run_id}.terminal",
        result_record_id=result_record_id or own_id,
        terminal_status=status,
    )
    defaults: Envelope = {
        "record_kind": JournalRecordKind.RUN,
        "event_family": "run",
        "event_kind": status,
    }
    return build_record(payload, defaults, env)


def ignored_payload(
    payload_type: str, fields: Mapping[str, Any] | Iterable[tuple[str, Any]] = ()
) -> OtherPayload:
    """A payload the reducer ignores: every required field with a plain default
    (``minimal_payload_data``), overridden by ``fields`` (plain JSON data), in the
    canonical form decoding gives. Raises ``ValueError`` naming the field when the
    reference would refuse the payload.

    >>> ignored_payload("model_attempt", {"request_message_count": 3}).get("request_message_count")
    3
    >>> ignored_payload("model_attempt", {"request_message_count": -1})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: model_attempt payload refused: $.request_message_count: integer -1 is out ...
    """
    data = {**minimal_payload_data(payload_type), **dict(fields), "type": payload_type}
    decoded = from_data(OtherPayload, data)
    if isinstance(decoded, Failure):
        raise ValueError(f"{payload_type} payload refused: {decoded.failure()}")
    return decoded.unwrap()


def other(
    payload_type: str,
    fields: Mapping[str, Any] | Iterable[tuple[str, Any]] = (),
    **env: Unpack[Envelope],
) -> JournalRecord:
    """A record with a payload the reducer ignores (``ignored_payload``).

    >>> record = other("model_attempt", {"request_message_count": 3})
    >>> record.record_kind.value, record.payload.get("request_message_count")
    ('model_attempt', 3)
    """
    kinds = {k.value for k in JournalRecordKind}
    kind = JournalRecordKind(payload_type) if payload_type in kinds else JournalRecordKind.CONTEXT
    payload = ignored_payload(payload_type, fields)
    defaults: Envelope = {
        "record_kind": kind,
        "event_family": payload_type,
        "event_kind": "recorded",
    }
    return build_record(payload, defaults, env)


def message(
    message_id: str = "message.1",
    *,
    role: str = "assistant",
    summary: str = "assistant message committed",
    **env: Unpack[Envelope],
) -> JournalRecord:
    """A ``message`` record (an ``OtherPayload``: the reducer ignores its payload).

    >>> message("message.7").payload.fields.get("message_id")
    'message.7'
    """
    fields = {"message_id": message_id, "role": role, "redacted_summary": summary}
    defaults: Envelope = {
        "record_kind": JournalRecordKind.MESSAGE,
        "turn_id": "turn.1",
        "subject_ref": entity(EntityKind.MESSAGE, message_id),
        "event_family": "message",
        "event_kind": "committed",
    }
    return build_record(ignored_payload("message", fields), defaults, env)
