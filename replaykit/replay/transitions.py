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
from typing import Any, Final, TypeAlias

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
from replaykit.model._twin import constructor
from replaykit.replay.config import ReplayConfig
from replaykit.replay.seen import SeenRecords
from replaykit.replay.state import (
    OutputIntentState,
    OutputResultState,
    ReplayState,
    evolve_state,
    evolver,
)
from replaykit.wire.codec import record_digest

__all__ = [
    "ERROR_AFTER_TERMINAL",
    "ERROR_DUPLICATE",
    "ERROR_ORDER",
    "ERROR_SCHEMA",
    "PAYLOAD_RULES",
    "Rejected",
    "apply",
    "observe_content_refs",
    "pending_from_recovery",
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


def _repair(
    record: JournalRecord, kind: ReplayRepairKind, reason: str, retry: RetryClassification
) -> ReplayRepairNeeded:
    return ReplayRepairNeeded(
        kind=kind,
        record_id=record.record_id,
        journal_seq=record.journal_seq,
        reason=reason,
        retry=retry,
    )


def observe_content_refs(
    config: ReplayConfig,
    record: JournalRecord,
    refs: Sequence[str],
    missing: PSet[str],
    repairs: PVector[ReplayRepairNeeded],
) -> tuple[PSet[str], PVector[ReplayRepairNeeded]]:
    """Step 6 (and the checkpoint manifest): record the refs that are not available.

    The refs to record are chosen before any is added, so a ref repeated inside one
    list is recorded (and repaired) twice, as the reference does.
    """
    available = config.available_content_refs
    if available is None or not refs:
        return missing, repairs
    taken = [ref for ref in refs if ref not in available and ref not in missing]
    repairing = config.missing_content_policy in _REPAIRING_POLICIES
    for ref in taken:
        missing = missing.add(ref)
        if repairing:
            repairs = repairs.append(
                _repair(
                    record,
                    ReplayRepairKind.MISSING_CONTENT_REF,
                    f"content ref {ref} is missing for replay",
                    RetryClassification.USER_ACTION_NEEDED,
                )
            )
    return missing, repairs


# Step 7, one rule per payload variant. Each gets the state before the record, the
# record, its payload, and the four fields steps 6 and 8 have already moved (seq, seen
# set, missing refs, repairs); each returns the state after the record, in one copy.

Seen: TypeAlias = SeenRecords
Missing: TypeAlias = PSet[str]
Repairs: TypeAlias = PVector[ReplayRepairNeeded]


def _reject_checkpoint_past_seq(
    state: ReplayState,
    record: JournalRecord,
    checkpoint: RunCheckpoint,
    seq: int,
    missing: Missing,
    repairs: Repairs,
) -> None:
    """The checkpoint rule's rejection (the only one in step 7), checked before step 8
    remembers the record, so that a rejected record never enters ``seen_records``."""
    if checkpoint.covers_journal_seq > seq:
        repairs = repairs.append(
            _repair(
                record,
                ReplayRepairKind.CHECKPOINT_INVALID,
                CHECKPOINT_PAST_SEQ,
                RetryClassification.REPAIR_NEEDED,
            )
        )
        # Rejected, but the content-ref and checkpoint repairs stay (the seq and the
        # seen set do not move).
        left = evolve_state(state, state.last_journal_seq, state.seen_records, missing, repairs)
        raise Rejected(ContractViolation(message=CHECKPOINT_PAST_SEQ), left)


def _checkpoint(
    state: ReplayState,
    record: JournalRecord,
    checkpoint: RunCheckpoint,
    seq: int,
    seen: Seen,
    missing: Missing,
    repairs: Repairs,
) -> ReplayState:
    # ``_reject_checkpoint_past_seq`` has let it through.
    missing, repairs = observe_content_refs(
        state.config, record, checkpoint.content_ref_manifest, missing, repairs
    )
    current = state.latest_checkpoint
    if current is None or (
        checkpoint.covers_journal_seq,
        checkpoint.checkpoint_seq,
        checkpoint.created_at_millis,
    ) > (current.covers_journal_seq, current.checkpoint_seq, current.created_at_millis):
        current = checkpoint
    return evolve_state(state, seq, seen, missing, repairs, latest_checkpoint=current)


def _recovery(
    state: ReplayState,
    record: JournalRecord,
    recovery: RecoveryMarker,
    seq: int,
    seen: Seen,
    missing: Missing,
    repairs: Repairs,
) -> ReplayState:
    unsafe = state.unsafe_pending_side_effects
    for entry in recovery.unsafe_pending:
        pending = pending_from_recovery(entry)
        repairs = repairs.append(
            _repair(
                record,
                pending_repair_kind(pending.retry_allowed),
                pending.unsafe_pending_reason,
                RetryClassification.REPAIR_NEEDED,
            )
        )
        unsafe = unsafe.append(pending)
    return evolve_state(state, seq, seen, missing, repairs, unsafe_pending_side_effects=unsafe)


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


#: The two hottest rules copy through a specialised function (see ``evolver``).
_with_pending: Final[Callable[..., ReplayState]] = evolver("pending_effects")
_with_steps: Final[Callable[..., ReplayState]] = evolver()
#: ``ReplayPendingSideEffect`` from its fields, positionally (see ``model._twin``).
_new_pending: Final = constructor(ReplayPendingSideEffect)


def _effect_intent(
    state: ReplayState,
    record: JournalRecord,
    intent: EffectIntent,
    seq: int,
    seen: Seen,
    missing: Missing,
    repairs: Repairs,
) -> ReplayState:
    key, dedupe = intent.idempotency_key, intent.dedupe_key
    pending = _new_pending(  # the fields in declaration order
        intent.effect_id,
        record.record_id,
        key,
        dedupe,
        EFFECT_NO_RESULT,
        key is not None or dedupe is not None,
    )
    effects = state.pending_effects.set(intent.effect_id, pending)
    return _with_pending(state, seq, seen, missing, repairs, effects)


def _effect_result(
    state: ReplayState,
    record: JournalRecord,
    result: EffectResult,
    seq: int,
    seen: Seen,
    missing: Missing,
    repairs: Repairs,
) -> ReplayState:
    effects = _close_effect(state.pending_effects, result.effect_id)
    return _with_pending(state, seq, seen, missing, repairs, effects)


def _close_effect(
    effects: immutables.Map[str, ReplayPendingSideEffect], effect_id: str
) -> immutables.Map[str, ReplayPendingSideEffect]:
    """``pending_effects`` without ``effect_id`` (the same map when it was not open)."""
    return effects.delete(effect_id) if effect_id in effects else effects


def _output_intent(
    state: ReplayState,
    record: JournalRecord,
    intent: OutputDeliveryIntentRecord,
    seq: int,
    seen: Seen,
    missing: Missing,
    repairs: Repairs,
) -> ReplayState:
    held = OutputIntentState.of(record.record_id, seq, intent)
    intents = state.output_intents.set(intent.delivery_id, held)
    return evolve_state(state, seq, seen, missing, repairs, output_intents=intents)


def _output_result(
    state: ReplayState,
    record: JournalRecord,
    result: OutputDeliveryResultRecord,
    seq: int,
    seen: Seen,
    missing: Missing,
    repairs: Repairs,
) -> ReplayState:
    held = OutputResultState(
        record_id=record.record_id, journal_seq=seq, dispatch_status=result.dispatch_status
    )
    results = state.output_results.set(result.delivery_id, held)
    return evolve_state(state, seq, seen, missing, repairs, output_results=results)


def _output_dedupe(
    state: ReplayState,
    record: JournalRecord,
    dedupe: OutputDeliveryDedupeRecord,
    seq: int,
    seen: Seen,
    missing: Missing,
    repairs: Repairs,
) -> ReplayState:
    dedupes = state.output_dedupes.set(dedupe.dedupe_key, dedupe)
    return evolve_state(state, seq, seen, missing, repairs, output_dedupes=dedupes)


def _output_reconciliation(
    state: ReplayState,
    record: JournalRecord,
    recon: OutputDeliveryReconciliationRecord,
    seq: int,
    seen: Seen,
    missing: Missing,
    repairs: Repairs,
) -> ReplayState:
    recons = state.output_reconciliations.set(recon.delivery_id, recon)
    repairs = repairs.append(
        _repair(
            record,
            ReplayRepairKind.OUTPUT_DELIVERY_RECONCILIATION,
            recon.unsafe_pending_reason,
            RetryClassification.REPAIR_NEEDED,
        )
    )
    return evolve_state(state, seq, seen, missing, repairs, output_reconciliations=recons)


def _run_lifecycle(
    state: ReplayState,
    record: JournalRecord,
    lifecycle: RunLifecycleRecord,
    seq: int,
    seen: Seen,
    missing: Missing,
    repairs: Repairs,
) -> ReplayState:
    if lifecycle.status in TERMINAL_LIFECYCLE:
        return evolve_state(state, seq, seen, missing, repairs, terminal_status=lifecycle.status)
    return evolve_state(state, seq, seen, missing, repairs)


def _terminal_result(
    state: ReplayState,
    record: JournalRecord,
    marker: TerminalResultMarker,
    seq: int,
    seen: Seen,
    missing: Missing,
    repairs: Repairs,
) -> ReplayState:
    effects = _close_effect(state.pending_effects, marker.effect_id)
    return evolve_state(
        state,
        seq,
        seen,
        missing,
        repairs,
        pending_effects=effects,
        terminal_status=marker.terminal_status,
    )


#: Step 7 dispatch: payload class -> rule. Every other payload (output ``event``
#: records, ignored payloads, ``turn_lifecycle``) changes nothing but steps 6 and 8.
PAYLOAD_RULES: Final[dict[type, Callable[..., ReplayState]]] = {
    RunCheckpoint: _checkpoint,
    RecoveryMarker: _recovery,
    EffectIntent: _effect_intent,
    EffectResult: _effect_result,
    OutputDeliveryIntentRecord: _output_intent,
    OutputDeliveryResultRecord: _output_result,
    OutputDeliveryDedupeRecord: _output_dedupe,
    OutputDeliveryReconciliationRecord: _output_reconciliation,
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
    seq = record.journal_seq
    last = state.last_journal_seq
    if last is not None and seq <= last:
        raise Rejected(ERROR_ORDER, state)
    # 5. Sealed run: only checkpoint and recovery records may follow a terminal status.
    if state.terminal_status is not None and record.record_kind not in _SEALED_EXEMPT:
        raise Rejected(ERROR_AFTER_TERMINAL, state)
    # 6. Envelope content refs.
    missing, repairs = state.missing_content_refs, state.repair_needed
    if state.config.available_content_refs is not None:
        missing, repairs = observe_content_refs(
            state.config, record, record.content_refs, missing, repairs
        )
    payload = record.payload
    # 7. (its one rejection) A checkpoint may not cover a seq past its own record's.
    if payload.__class__ is RunCheckpoint:
        _reject_checkpoint_past_seq(state, record, payload, seq, missing, repairs)
    # 8. (taken before the rest of 7, which cannot reject) Remember the record and seq.
    seen = seen.grow(record_id, record_digest(record) if allowed else None)
    # 7. The payload's rule.
    rule = PAYLOAD_RULES.get(payload.__class__)
    if rule is None:
        return _with_steps(state, seq, seen, missing, repairs)
    return rule(state, record, payload, seq, seen, missing, repairs)
