"""The floor: the replay rules as a plain mutable fold over dicts and lists.

It mirrors the reference reducer line by line with Python's mutable containers (the
whole record is kept per id, as the reference does), so it is the fastest a Python
fold of these rules can reasonably be. The benchmarks time replaykit against it and
check that both give the same ``ReplayResult``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from replaykit.model import (
    AgentError,
    ContractViolation,
    EffectIntent,
    EffectKind,
    EffectResult,
    JournalRecord,
    JournalRecordKind,
    MissingContentPolicy,
    OutputDeliveryDedupeRecord,
    OutputDeliveryIntentRecord,
    OutputDeliveryReconciliationRecord,
    OutputDeliveryResultRecord,
    OutputDispatchStatus,
    RecoveryMarker,
    ReplayMode,
    ReplayPendingSideEffect,
    ReplayRepairDecision,
    ReplayRepairKind,
    ReplayRepairNeeded,
    ReplayResult,
    ReplayStatus,
    RetryClassification,
    RunCheckpoint,
    RunLifecycleRecord,
    TerminalAppendStatus,
    TerminalResultMarker,
)
from replaykit.replay.transitions import (
    CHECKPOINT_PAST_SEQ,
    ERROR_AFTER_TERMINAL,
    ERROR_DUPLICATE,
    ERROR_ORDER,
    ERROR_SCHEMA,
)

__all__ = ["FloorReducer", "floor_replay"]

_EXEMPT = (JournalRecordKind.CHECKPOINT, JournalRecordKind.RECOVERY)
_TERMINAL = {"completed", "failed", "cancelled", "run_completed", "run_failed", "run_cancelled"}
_REPAIRING = (
    MissingContentPolicy.FAIL,
    MissingContentPolicy.RECOVERABLE_REPLAY_GAP,
    MissingContentPolicy.REQUEST_HOST_REPAIR,
)
_RN = RetryClassification.REPAIR_NEEDED


class FloorError(Exception):
    def __init__(self, error: AgentError) -> None:
        super().__init__(str(error))
        self.error = error


class FloorReducer:
    """The reference reducer, transcribed with mutable dicts, lists and sets."""

    def __init__(
        self,
        mode: ReplayMode,
        available: Iterable[str] | None = None,
        policy: MissingContentPolicy = MissingContentPolicy.FAIL,
    ) -> None:
        self.mode = mode
        self.available = None if available is None else set(available)
        self.policy = policy
        self.last: int | None = None
        self.seen: dict[str, JournalRecord] = {}
        self.missing: set[str] = set()
        self.repairs: list[ReplayRepairNeeded] = []
        self.unsafe: list[ReplayPendingSideEffect] = []
        self.pending: dict[str, ReplayPendingSideEffect] = {}
        self.intents: dict[str, tuple[str, int, OutputDeliveryIntentRecord]] = {}
        self.results: dict[str, OutputDeliveryResultRecord] = {}
        self.dedupes: dict[str, OutputDeliveryDedupeRecord] = {}
        self.recons: dict[str, OutputDeliveryReconciliationRecord] = {}
        self.terminal: str | None = None
        self.checkpoint: RunCheckpoint | None = None

    def repair(self, kind: ReplayRepairKind, rid: str, seq: int, reason: str, retry: Any) -> None:
        self.repairs.append(
            ReplayRepairNeeded(
                kind=kind, record_id=rid, journal_seq=seq, reason=reason, retry=retry
            )
        )

    def observe(self, rid: str, seq: int, refs: Iterable[str]) -> None:
        available = self.available
        if available is None:
            return
        missing = [r for r in refs if r not in available and r not in self.missing]
        for ref in missing:
            self.missing.add(ref)
            if self.policy in _REPAIRING:
                self.repair(
                    ReplayRepairKind.MISSING_CONTENT_REF,
                    rid,
                    seq,
                    f"content ref {ref} is missing for replay",
                    RetryClassification.USER_ACTION_NEEDED,
                )

    def apply(self, record: JournalRecord) -> None:
        rid = record.record_id
        seen = self.seen.get(rid)
        if (
            seen is not None
            and seen == record
            and (
                record.idempotency_key is not None
                or record.dedupe_key is not None
                or record.record_kind in _EXEMPT
            )
        ):
            return
        if record.journal_schema_version != 1:
            raise FloorError(ERROR_SCHEMA)
        if seen is not None:
            raise FloorError(ERROR_DUPLICATE)
        seq = record.journal_seq
        if self.last is not None and seq <= self.last:
            raise FloorError(ERROR_ORDER)
        if self.terminal is not None and record.record_kind not in _EXEMPT:
            raise FloorError(ERROR_AFTER_TERMINAL)
        self.observe(rid, seq, record.content_refs)
        payload = record.payload
        cls = payload.__class__
        if cls is EffectIntent:
            assert isinstance(payload, EffectIntent)
            self.pending[payload.effect_id] = ReplayPendingSideEffect(
                effect_id=payload.effect_id,
                intent_record_id=rid,
                idempotency_key=payload.idempotency_key,
                dedupe_key=payload.dedupe_key,
                unsafe_pending_reason="effect intent has no terminal result in replay",
                retry_allowed=payload.idempotency_key is not None or payload.dedupe_key is not None,
            )
        elif cls is EffectResult:
            assert isinstance(payload, EffectResult)
            self.pending.pop(payload.effect_id, None)
        elif cls is RunCheckpoint:
            assert isinstance(payload, RunCheckpoint)
            if payload.covers_journal_seq > seq:
                reason = CHECKPOINT_PAST_SEQ
                self.repair(ReplayRepairKind.CHECKPOINT_INVALID, rid, seq, reason, _RN)
                raise FloorError(ContractViolation(message=reason))
            self.observe(rid, seq, payload.content_ref_manifest)
            current = self.checkpoint
            if current is None or (
                payload.covers_journal_seq,
                payload.checkpoint_seq,
                payload.created_at_millis,
            ) > (current.covers_journal_seq, current.checkpoint_seq, current.created_at_millis):
                self.checkpoint = payload
        elif cls is RecoveryMarker:
            assert isinstance(payload, RecoveryMarker)
            for entry in payload.unsafe_pending:
                allowed = entry.idempotency_key is not None or entry.dedupe_key is not None
                kind = (
                    ReplayRepairKind.UNSAFE_PENDING_SIDE_EFFECT
                    if allowed
                    else ReplayRepairKind.NON_IDEMPOTENT_PENDING_SIDE_EFFECT
                )
                self.repair(kind, rid, seq, entry.unsafe_pending_reason, _RN)
                self.unsafe.append(
                    ReplayPendingSideEffect(
                        effect_id=entry.effect_id,
                        intent_record_id=entry.intent_record_id,
                        idempotency_key=entry.idempotency_key,
                        dedupe_key=entry.dedupe_key,
                        unsafe_pending_reason=entry.unsafe_pending_reason,
                        retry_allowed=allowed,
                    )
                )
        elif cls is OutputDeliveryIntentRecord:
            assert isinstance(payload, OutputDeliveryIntentRecord)
            self.intents[payload.delivery_id] = (rid, seq, payload)
        elif cls is OutputDeliveryResultRecord:
            assert isinstance(payload, OutputDeliveryResultRecord)
            self.results[payload.delivery_id] = payload
        elif cls is OutputDeliveryDedupeRecord:
            assert isinstance(payload, OutputDeliveryDedupeRecord)
            self.dedupes[payload.dedupe_key] = payload
        elif cls is OutputDeliveryReconciliationRecord:
            assert isinstance(payload, OutputDeliveryReconciliationRecord)
            self.recons[payload.delivery_id] = payload
            self.repair(
                ReplayRepairKind.OUTPUT_DELIVERY_RECONCILIATION,
                rid,
                seq,
                payload.unsafe_pending_reason,
                _RN,
            )
        elif cls is RunLifecycleRecord:
            assert isinstance(payload, RunLifecycleRecord)
            if payload.status in _TERMINAL:
                self.terminal = payload.status
        elif cls is TerminalResultMarker:
            assert isinstance(payload, TerminalResultMarker)
            self.pending.pop(payload.effect_id, None)
            self.terminal = payload.terminal_status
        self.last = seq
        self.seen[rid] = record

    def finish(self) -> ReplayResult:
        last = self.last or 0
        repairs = list(self.repairs)
        unsafe = list(self.unsafe)
        for effect_id in sorted(self.pending):
            p = self.pending[effect_id]
            kind = (
                ReplayRepairKind.UNSAFE_PENDING_SIDE_EFFECT
                if p.retry_allowed
                else ReplayRepairKind.NON_IDEMPOTENT_PENDING_SIDE_EFFECT
            )
            repairs.append(
                ReplayRepairNeeded(
                    kind=kind,
                    record_id=p.intent_record_id,
                    journal_seq=last,
                    reason=p.unsafe_pending_reason,
                    retry=_RN,
                )
            )
            unsafe.append(p)
        out: list[OutputDeliveryReconciliationRecord] = []
        for delivery_id in sorted(self.intents):
            if delivery_id in self.results:
                continue
            rid, seq, intent = self.intents[delivery_id]
            if delivery_id in self.recons:
                out.append(self.recons[delivery_id])
                continue
            dedupe = self.dedupes.get(intent.dedupe_key)
            common: dict[str, Any] = {
                "delivery_id": delivery_id,
                "intent_record_id": rid,
                "side_effect_kind": EffectKind.OUTPUT_DELIVERY,
                "idempotency_key": intent.idempotency_key,
                "dedupe_key": intent.dedupe_key,
                "terminal_append_status": TerminalAppendStatus.NOT_ATTEMPTED,
                "reconciliation_adapter": intent.sink_ref,
                "resend_allowed": False,
            }
            if dedupe is not None:
                out.append(
                    OutputDeliveryReconciliationRecord(
                        **common,
                        external_operation_id=dedupe.prior_external_operation_id,
                        terminal_status=dedupe.prior_terminal_status,
                        unsafe_pending_reason="repair replay found completed dedupe proof",
                        replay_decision=ReplayRepairDecision.COMPLETED_BY_DEDUPE_PROOF,
                    )
                )
                continue
            reason = "repair replay cannot resend output delivery without completed dedupe proof"
            out.append(
                OutputDeliveryReconciliationRecord(
                    **common,
                    external_operation_id=None,
                    terminal_status=OutputDispatchStatus.RECONCILIATION_NEEDED,
                    unsafe_pending_reason=reason,
                    replay_decision=ReplayRepairDecision.UNSAFE_PENDING,
                )
            )
            repairs.append(
                ReplayRepairNeeded(
                    kind=ReplayRepairKind.OUTPUT_DELIVERY_RECONCILIATION,
                    record_id=rid,
                    journal_seq=seq,
                    reason=reason,
                    retry=_RN,
                )
            )
        missing = sorted(self.missing)
        complete = not repairs and not missing and all(p.retry_allowed for p in unsafe)
        ckpt = self.checkpoint
        return ReplayResult(
            mode=self.mode,
            status=ReplayStatus.COMPLETE if complete else ReplayStatus.REPAIR_NEEDED,
            resume_allowed=self.mode is not ReplayMode.RESUME_REPLAY or complete,
            latest_journal_seq=last,
            terminal_status=self.terminal,
            next_loop_state=None if ckpt is None else ckpt.loop_state,
            unsafe_pending_side_effects=tuple(unsafe),
            missing_content_refs=tuple(missing),
            repair_needed=tuple(repairs),
            output_delivery_repairs=tuple(out),
            latest_checkpoint=ckpt,
        )


def floor_replay(
    records: Iterable[JournalRecord],
    mode: ReplayMode,
    available: Iterable[str] | None = None,
    policy: MissingContentPolicy = MissingContentPolicy.FAIL,
) -> ReplayResult | AgentError:
    """Fold strictly with the floor: the result, or the first rejection's error."""
    reducer = FloorReducer(mode, available, policy)
    for record in records:
        try:
            reducer.apply(record)
        except FloorError as error:
            return error.error
    return reducer.finish()
