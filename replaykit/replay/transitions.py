"""Every rule of ``step``: how one journal record moves the fold (SEMANTICS.md, in order).

Theory of operation. ``apply(state, record)`` is the reference reducer's ``apply``
turned pure: it reads the old state, builds the new one with a single copy, and either
returns it or raises ``Rejected`` carrying the reference's error and the state the fold
is left in (the old state, except after an invalid checkpoint, whose content and
checkpoint repairs stay recorded). ``replaykit.replay.step`` turns that into a
``returns`` ``Result``. A record that changes nothing returns the very same state
object, so timelines and diffs can skip it by identity.

The checks run in the reference's order: (1) idempotent duplicate, (2) schema version,
(3) duplicate id, (4) strictly increasing seq, (5) sealed run, (6) envelope content
refs, (7) the payload's own rule, (8) remember the record and its seq.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Final

import immutables
from pyrsistent import PSet, PVector

from replaykit.model import (
    JOURNAL_SCHEMA_VERSION,
    AgentError,
    AgentErrorKind,
    Classified,
    ContractViolation,
    EffectIntent,
    EffectResult,
    JournalRecord,
    JournalRecordKind,
    MissingContentPolicy,
    OutputDeliveryDedupeRecord,
    OutputDeliveryEventRecord,
    OutputDeliveryIntentRecord,
    OutputDeliveryReconciliationRecord,
    OutputDeliveryResultRecord,
    PendingSideEffect,
    RecoveryMarker,
    ReplayPendingSideEffect,
    ReplayRepairKind,
    ReplayRepairNeeded,
    RetryClassification,
    RunCheckpoint,
    RunLifecycleRecord,
    TerminalResultMarker,
    duplicate_allowed,
)
from replaykit.replay.state import OutputIntentState, ReplayState, build_state
from replaykit.wire.codec import record_digest

__all__ = [
    "ERROR_AFTER_TERMINAL",
    "ERROR_DUPLICATE",
    "ERROR_ORDER",
    "ERROR_SCHEMA",
    "Rejected",
    "apply",
    "pending_repair_kind",
]

ERROR_SCHEMA: Final = Classified.new(
    AgentErrorKind.RECOVERY_REPAIR_NEEDED,
    RetryClassification.REPAIR_NEEDED,
    "journal record schema version is not supported by replay reducer",
)
ERROR_DUPLICATE: Final = Classified.new(
    AgentErrorKind.INVALID_STATE_TRANSITION,
    RetryClassification.REPAIR_NEEDED,
    "duplicate non-idempotent journal record during replay",
)
ERROR_ORDER: Final = Classified.new(
    AgentErrorKind.INVALID_STATE_TRANSITION,
    RetryClassification.REPAIR_NEEDED,
    "journal records must be strictly increasing during replay",
)
ERROR_AFTER_TERMINAL: Final = Classified.new(
    AgentErrorKind.INVALID_STATE_TRANSITION,
    RetryClassification.REPAIR_NEEDED,
    "journal record appears after sealed terminal replay state",
)
CHECKPOINT_PAST_SEQ: Final = (
    "checkpoint covers_journal_seq cannot point past latest committed journal record"
)
EFFECT_NO_RESULT: Final = "effect intent has no terminal result in replay"
TERMINAL_LIFECYCLE: Final = frozenset(
    {"completed", "failed", "cancelled", "run_completed", "run_failed", "run_cancelled"}
)
_REPAIRING_POLICIES: Final = frozenset(
    {
        MissingContentPolicy.FAIL,
        MissingContentPolicy.RECOVERABLE_REPLAY_GAP,
        MissingContentPolicy.REQUEST_HOST_REPAIR,
    }
)
_SEALED_EXEMPT: Final = frozenset({JournalRecordKind.CHECKPOINT, JournalRecordKind.RECOVERY})
_ABSENT: Final[Any] = object()


class Rejected(Exception):
    """A record the reference rejects: its error and the state the fold is left in."""

    def __init__(self, error: AgentError, state: ReplayState) -> None:
        super().__init__(str(error))
        self.error = error
        self.state = state


def pending_repair_kind(retry_allowed: bool) -> ReplayRepairKind:
    """The repair kind for an unsafe pending side effect."""
    if retry_allowed:
        return ReplayRepairKind.UNSAFE_PENDING_SIDE_EFFECT
    return ReplayRepairKind.NON_IDEMPOTENT_PENDING_SIDE_EFFECT


class _Draft:
    """The fields one step changes; it lives only inside ``apply``."""

    __slots__ = (
        "checkpoint",
        "missing",
        "output_dedupes",
        "output_intents",
        "output_reconciliations",
        "output_results",
        "pending",
        "record",
        "repairs",
        "state",
        "terminal",
        "unsafe",
    )

    def __init__(self, state: ReplayState, record: JournalRecord) -> None:
        self.state = state
        self.record = record
        self.missing: PSet[str] = state.missing_content_refs
        self.repairs: PVector[ReplayRepairNeeded] = state.repair_needed
        self.unsafe: PVector[ReplayPendingSideEffect] = state.unsafe_pending_side_effects
        self.pending = state.pending_effects
        self.output_intents = state.output_intents
        self.output_results = state.output_results
        self.output_dedupes = state.output_dedupes
        self.output_reconciliations = state.output_reconciliations
        self.terminal = state.terminal_status
        self.checkpoint = state.latest_checkpoint

    def repair(self, kind: ReplayRepairKind, reason: str, retry: RetryClassification) -> None:
        record = self.record
        self.repairs = self.repairs.append(
            ReplayRepairNeeded(
                kind=kind,
                record_id=record.record_id,
                journal_seq=record.journal_seq,
                reason=reason,
                retry=retry,
            )
        )

    def observe_content_refs(self, refs: Sequence[str]) -> None:
        """Step 6 (and the checkpoint manifest): record refs that are not available."""
        available = self.state.config.available_content_refs
        if available is None or not refs:
            return
        before = self.missing
        missing = [ref for ref in refs if ref not in available and ref not in before]
        if not missing:
            return
        repairing = self.state.config.missing_content_policy in _REPAIRING_POLICIES
        for ref in missing:
            self.missing = self.missing.add(ref)
            if repairing:
                self.repair(
                    ReplayRepairKind.MISSING_CONTENT_REF,
                    f"content ref {ref} is missing for replay",
                    RetryClassification.USER_ACTION_NEEDED,
                )

    def build(self, seen: immutables.Map[str, bytes | None], last_seq: int | None) -> ReplayState:
        state = self.state
        return build_state(  # type: ignore[no-any-return]
            state.config,
            last_seq,
            seen,
            self.missing,
            self.repairs,
            self.unsafe,
            self.pending,
            self.output_intents,
            self.output_results,
            self.output_dedupes,
            self.output_reconciliations,
            self.terminal,
            self.checkpoint,
        )


# Step 7, one rule per payload variant. -------------------------------------------------


def _checkpoint(draft: _Draft, checkpoint: RunCheckpoint) -> None:
    record = draft.record
    if checkpoint.covers_journal_seq > record.journal_seq:
        draft.repair(
            ReplayRepairKind.CHECKPOINT_INVALID,
            CHECKPOINT_PAST_SEQ,
            RetryClassification.REPAIR_NEEDED,
        )
        left = draft.build(draft.state.seen_records, draft.state.last_journal_seq)
        raise Rejected(ContractViolation(message=CHECKPOINT_PAST_SEQ), left)
    draft.observe_content_refs(checkpoint.content_ref_manifest)
    current = draft.checkpoint
    if current is None or (
        checkpoint.covers_journal_seq,
        checkpoint.checkpoint_seq,
        checkpoint.created_at_millis,
    ) > (current.covers_journal_seq, current.checkpoint_seq, current.created_at_millis):
        draft.checkpoint = checkpoint


def _recovery(draft: _Draft, recovery: RecoveryMarker) -> None:
    for entry in recovery.unsafe_pending:
        pending = pending_from_recovery(entry)
        draft.repair(
            pending_repair_kind(pending.retry_allowed),
            pending.unsafe_pending_reason,
            RetryClassification.REPAIR_NEEDED,
        )
        draft.unsafe = draft.unsafe.append(pending)


def pending_from_recovery(entry: PendingSideEffect) -> ReplayPendingSideEffect:
    """``ReplayPendingSideEffect::from_pending``: retry is allowed when a key exists."""
    return ReplayPendingSideEffect(
        effect_id=entry.effect_id,
        intent_record_id=entry.intent_record_id,
        idempotency_key=entry.idempotency_key,
        dedupe_key=entry.dedupe_key,
        unsafe_pending_reason=entry.unsafe_pending_reason,
        retry_allowed=entry.idempotency_key is not None or entry.dedupe_key is not None,
    )


def _effect_intent(draft: _Draft, intent: EffectIntent) -> None:
    draft.pending = draft.pending.set(
        intent.effect_id,
        ReplayPendingSideEffect(
            effect_id=intent.effect_id,
            intent_record_id=draft.record.record_id,
            idempotency_key=intent.idempotency_key,
            dedupe_key=intent.dedupe_key,
            unsafe_pending_reason=EFFECT_NO_RESULT,
            retry_allowed=intent.idempotency_key is not None or intent.dedupe_key is not None,
        ),
    )


def _effect_result(draft: _Draft, result: EffectResult) -> None:
    if result.effect_id in draft.pending:
        draft.pending = draft.pending.delete(result.effect_id)


def _output_intent(draft: _Draft, intent: OutputDeliveryIntentRecord) -> None:
    record = draft.record
    draft.output_intents = draft.output_intents.set(
        intent.delivery_id, OutputIntentState(record.record_id, record.journal_seq, intent)
    )


def _output_result(draft: _Draft, result: OutputDeliveryResultRecord) -> None:
    draft.output_results = draft.output_results.set(result.delivery_id, result)


def _output_dedupe(draft: _Draft, dedupe: OutputDeliveryDedupeRecord) -> None:
    draft.output_dedupes = draft.output_dedupes.set(dedupe.dedupe_key, dedupe)


def _output_reconciliation(draft: _Draft, recon: OutputDeliveryReconciliationRecord) -> None:
    draft.output_reconciliations = draft.output_reconciliations.set(recon.delivery_id, recon)
    draft.repair(
        ReplayRepairKind.OUTPUT_DELIVERY_RECONCILIATION,
        recon.unsafe_pending_reason,
        RetryClassification.REPAIR_NEEDED,
    )


def _output_event(draft: _Draft, event: OutputDeliveryEventRecord) -> None:
    return


def _run_lifecycle(draft: _Draft, lifecycle: RunLifecycleRecord) -> None:
    if lifecycle.status in TERMINAL_LIFECYCLE:
        draft.terminal = lifecycle.status


def _terminal_result(draft: _Draft, marker: TerminalResultMarker) -> None:
    if marker.effect_id in draft.pending:
        draft.pending = draft.pending.delete(marker.effect_id)
    draft.terminal = marker.terminal_status


#: Step 7 dispatch: payload class -> rule. Every other payload changes nothing.
PAYLOAD_RULES: Final[dict[type, Callable[[_Draft, Any], None]]] = {
    RunCheckpoint: _checkpoint,
    RecoveryMarker: _recovery,
    EffectIntent: _effect_intent,
    EffectResult: _effect_result,
    OutputDeliveryIntentRecord: _output_intent,
    OutputDeliveryResultRecord: _output_result,
    OutputDeliveryDedupeRecord: _output_dedupe,
    OutputDeliveryReconciliationRecord: _output_reconciliation,
    OutputDeliveryEventRecord: _output_event,
    RunLifecycleRecord: _run_lifecycle,
    TerminalResultMarker: _terminal_result,
}


def apply(state: ReplayState, record: JournalRecord) -> ReplayState:
    """Apply one record: the new state, or raise ``Rejected``."""
    record_id = record.record_id
    seen = state.seen_records
    stored = seen.get(record_id, _ABSENT)
    allowed = duplicate_allowed(record)
    # 1. Idempotent duplicate: an equal repeat of an allowed record changes nothing.
    if stored is not _ABSENT and stored is not None and allowed and stored == record_digest(record):
        return state
    # 2. Schema version.
    if record.journal_schema_version != JOURNAL_SCHEMA_VERSION:
        raise Rejected(ERROR_SCHEMA, state)
    # 3. Duplicate id.
    if stored is not _ABSENT:
        raise Rejected(ERROR_DUPLICATE, state)
    # 4. Strictly increasing seq (gaps allowed).
    last = state.last_journal_seq
    if last is not None and record.journal_seq <= last:
        raise Rejected(ERROR_ORDER, state)
    # 5. Sealed run: only checkpoint and recovery records may follow a terminal status.
    if state.terminal_status is not None and record.record_kind not in _SEALED_EXEMPT:
        raise Rejected(ERROR_AFTER_TERMINAL, state)
    draft = _Draft(state, record)
    # 6. Envelope content refs.
    draft.observe_content_refs(record.content_refs)
    # 7. The payload's rule.
    rule = PAYLOAD_RULES.get(record.payload.__class__)
    if rule is not None:
        rule(draft, record.payload)
    # 8. Remember the record and its seq.
    seen = seen.set(record_id, record_digest(record) if allowed else None)
    return draft.build(seen, record.journal_seq)
