"""``finish``: the verdict after the records so far (SEMANTICS.md, "finish").

``finish`` is pure and leaves the state as it is, so it can be called after every step
(the timeline does) and the fold can go on afterwards.
"""

from __future__ import annotations

from typing import Final

from replaykit.model import (
    EffectKind,
    OutputDeliveryDedupeRecord,
    OutputDeliveryReconciliationRecord,
    OutputDispatchStatus,
    ReplayMode,
    ReplayRepairDecision,
    ReplayRepairKind,
    ReplayRepairNeeded,
    ReplayResult,
    ReplayStatus,
    RetryClassification,
    TerminalAppendStatus,
)
from replaykit.replay.args import expect
from replaykit.replay.state import OutputIntentState, ReplayState
from replaykit.replay.transitions import pending_repair_kind

__all__ = ["DEDUPE_PROOF_REASON", "UNSAFE_OUTPUT_REASON", "finish"]

DEDUPE_PROOF_REASON: Final = "repair replay found completed dedupe proof"
UNSAFE_OUTPUT_REASON: Final = (
    "repair replay cannot resend output delivery without completed dedupe proof"
)


def finish(state: ReplayState) -> ReplayResult:
    """The ``ReplayResult`` the reference's ``finish`` gives for this state.

    >>> from replaykit.replay.config import ReplayConfig
    >>> from replaykit.replay.state import initial_state
    >>> result = finish(initial_state(ReplayConfig(ReplayMode.RESUME_REPLAY)))
    >>> (result.status.value, result.resume_allowed, result.latest_journal_seq)
    ('complete', True, 0)
    """
    if state.__class__ is not ReplayState:
        expect(state, ReplayState, "finish", "state")
    repairs = list(state.repair_needed)
    unsafe = list(state.unsafe_pending_side_effects)
    last_seq = state.last_journal_seq if state.last_journal_seq is not None else 0

    # 1. Effects still open, in effect_id order.
    for effect_id in sorted(state.pending_effects.keys()):
        pending = state.pending_effects[effect_id]
        repairs.append(
            ReplayRepairNeeded(
                kind=pending_repair_kind(pending.retry_allowed),
                record_id=pending.intent_record_id,
                journal_seq=last_seq,
                reason=pending.unsafe_pending_reason,
                retry=RetryClassification.REPAIR_NEEDED,
            )
        )
        unsafe.append(pending)

    # 2. Output intents without a result, in delivery_id order.
    output_repairs: list[OutputDeliveryReconciliationRecord] = []
    for delivery_id in sorted(state.output_intents.keys()):
        if delivery_id in state.output_results:
            continue
        intent_state = state.output_intents[delivery_id]
        stored = state.output_reconciliations.get(delivery_id)
        if stored is not None:
            output_repairs.append(stored)
            continue
        dedupe = state.output_dedupes.get(intent_state.dedupe_key)
        if dedupe is not None:
            output_repairs.append(_from_dedupe(intent_state, dedupe))
            continue
        unsafe_output = _unsafe_output(intent_state)
        repairs.append(
            ReplayRepairNeeded(
                kind=ReplayRepairKind.OUTPUT_DELIVERY_RECONCILIATION,
                record_id=intent_state.record_id,
                journal_seq=intent_state.journal_seq,
                reason=unsafe_output.unsafe_pending_reason,
                retry=RetryClassification.REPAIR_NEEDED,
            )
        )
        output_repairs.append(unsafe_output)

    # 3-5. Status, resume and the rest.
    missing = sorted(state.missing_content_refs)
    complete = not repairs and not missing and all(p.retry_allowed for p in unsafe)
    status = ReplayStatus.COMPLETE if complete else ReplayStatus.REPAIR_NEEDED
    mode = state.config.mode
    checkpoint = state.latest_checkpoint
    return ReplayResult(
        mode=mode,
        status=status,
        resume_allowed=mode is not ReplayMode.RESUME_REPLAY or complete,
        latest_journal_seq=last_seq,
        terminal_status=state.terminal_status,
        next_loop_state=None if checkpoint is None else checkpoint.loop_state,
        unsafe_pending_side_effects=tuple(unsafe),
        missing_content_refs=tuple(missing),
        repair_needed=tuple(repairs),
        output_delivery_repairs=tuple(output_repairs),
        latest_checkpoint=checkpoint,
    )


def _reconciliation(
    intent: OutputIntentState,
    external_operation_id: str | None,
    terminal_status: OutputDispatchStatus,
    reason: str,
    decision: ReplayRepairDecision,
) -> OutputDeliveryReconciliationRecord:
    """A reconciliation ``finish`` derives for an undelivered intent (never resendable)."""
    return OutputDeliveryReconciliationRecord(
        delivery_id=intent.delivery_id,
        intent_record_id=intent.record_id,
        side_effect_kind=EffectKind.OUTPUT_DELIVERY,
        idempotency_key=intent.idempotency_key,
        dedupe_key=intent.dedupe_key,
        external_operation_id=external_operation_id,
        terminal_status=terminal_status,
        terminal_append_status=TerminalAppendStatus.NOT_ATTEMPTED,
        reconciliation_adapter=intent.sink_ref,
        unsafe_pending_reason=reason,
        replay_decision=decision,
        resend_allowed=False,
    )


def _from_dedupe(
    intent: OutputIntentState, dedupe: OutputDeliveryDedupeRecord
) -> OutputDeliveryReconciliationRecord:
    return _reconciliation(
        intent,
        dedupe.prior_external_operation_id,
        dedupe.prior_terminal_status,
        DEDUPE_PROOF_REASON,
        ReplayRepairDecision.COMPLETED_BY_DEDUPE_PROOF,
    )


def _unsafe_output(intent: OutputIntentState) -> OutputDeliveryReconciliationRecord:
    return _reconciliation(
        intent,
        None,
        OutputDispatchStatus.RECONCILIATION_NEEDED,
        UNSAFE_OUTPUT_REASON,
        ReplayRepairDecision.UNSAFE_PENDING,
    )
