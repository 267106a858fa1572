"""A model-based check of the reducer: ``Model`` is SEMANTICS.md written as plain
mutable Python (dicts, lists, sets; pyrsistent checks its vector against ``list`` the same
way), and every step of the reducer must agree with it, on journals from
``replaykit.testing.strategies`` and in a hypothesis state machine.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from returns.result import Failure, Success

from replaykit import (
    JournalRecord,
    ReplayConfig,
    ReplayPendingSideEffect,
    ReplayRepairKind,
    ReplayRepairNeeded,
    ReplayResult,
    ReplayStatus,
    finish,
    initial_state,
    step,
)
from replaykit.model import (
    EffectIntent,
    EffectKind,
    EffectResult,
    JournalRecordKind,
    MissingContentPolicy,
    OutputDeliveryDedupeRecord,
    OutputDeliveryIntentRecord,
    OutputDeliveryReconciliationRecord,
    OutputDeliveryResultRecord,
    OutputDispatchStatus,
    RecoveryMarker,
    ReplayMode,
    ReplayRepairDecision,
    RetryClassification,
    RunCheckpoint,
    RunLifecycleRecord,
    TerminalAppendStatus,
    TerminalResultMarker,
)
from replaykit.testing import builders as b
from replaykit.testing import strategies as s

# The reference model: SEMANTICS.md as plain mutable Python. ----------------------------

SCHEMA = "journal record schema version is not supported by replay reducer"
DUPLICATE = "duplicate non-idempotent journal record during replay"
ORDER = "journal records must be strictly increasing during replay"
SEALED = "journal record appears after sealed terminal replay state"
CHECKPOINT_PAST = "checkpoint covers_journal_seq cannot point past latest committed journal record"
NO_RESULT = "effect intent has no terminal result in replay"
DEDUPE_PROOF = "repair replay found completed dedupe proof"
UNSAFE_OUTPUT = "repair replay cannot resend output delivery without completed dedupe proof"
TERMINAL = {"completed", "failed", "cancelled", "run_completed", "run_failed", "run_cancelled"}
REPAIRING = {
    MissingContentPolicy.FAIL,
    MissingContentPolicy.RECOVERABLE_REPLAY_GAP,
    MissingContentPolicy.REQUEST_HOST_REPAIR,
}
NEED = RetryClassification.REPAIR_NEEDED


def pending_kind(retry_allowed: bool) -> ReplayRepairKind:
    if retry_allowed:
        return ReplayRepairKind.UNSAFE_PENDING_SIDE_EFFECT
    return ReplayRepairKind.NON_IDEMPOTENT_PENDING_SIDE_EFFECT


class Model:
    """The fold of SEMANTICS.md with dicts, lists and sets; ``apply`` returns the error."""

    def __init__(self, config: ReplayConfig) -> None:
        self.config = config
        self.last: int | None = None
        self.seen: dict[str, JournalRecord] = {}
        self.missing: set[str] = set()
        self.repairs: list[ReplayRepairNeeded] = []
        self.unsafe: list[ReplayPendingSideEffect] = []
        self.pending: dict[str, ReplayPendingSideEffect] = {}
        self.intents: dict[str, tuple[str, int, OutputDeliveryIntentRecord]] = {}
        self.results: set[str] = set()
        self.dedupes: dict[str, OutputDeliveryDedupeRecord] = {}
        self.recons: dict[str, OutputDeliveryReconciliationRecord] = {}
        self.terminal: str | None = None
        self.checkpoint: RunCheckpoint | None = None

    def repair(self, kind: ReplayRepairKind, r: JournalRecord, reason: str, retry: Any) -> None:
        self.repairs.append(
            ReplayRepairNeeded(
                kind=kind,
                record_id=r.record_id,
                journal_seq=r.journal_seq,
                reason=reason,
                retry=retry,
            )
        )

    def observe(self, refs: tuple[str, ...], r: JournalRecord) -> None:
        available = self.config.available_content_refs
        if available is None:
            return
        taken = [ref for ref in refs if ref not in available and ref not in self.missing]
        for ref in taken:
            self.missing.add(ref)
            if self.config.missing_content_policy in REPAIRING:
                self.repair(
                    ReplayRepairKind.MISSING_CONTENT_REF,
                    r,
                    f"content ref {ref} is missing for replay",
                    RetryClassification.USER_ACTION_NEEDED,
                )

    def apply(self, r: JournalRecord) -> str | None:
        keyed = (
            r.idempotency_key is not None
            or r.dedupe_key is not None
            or r.record_kind in (JournalRecordKind.CHECKPOINT, JournalRecordKind.RECOVERY)
        )
        if r.record_id in self.seen and keyed and self.seen[r.record_id] == r:
            return None
        if r.journal_schema_version != 1:
            return SCHEMA
        if r.record_id in self.seen:
            return DUPLICATE
        if self.last is not None and r.journal_seq <= self.last:
            return ORDER
        if self.terminal is not None and r.record_kind not in (
            JournalRecordKind.CHECKPOINT,
            JournalRecordKind.RECOVERY,
        ):
            return SEALED
        self.observe(r.content_refs, r)
        p = r.payload
        if isinstance(p, RunCheckpoint):
            if p.covers_journal_seq > r.journal_seq:
                self.repair(ReplayRepairKind.CHECKPOINT_INVALID, r, CHECKPOINT_PAST, NEED)
                return CHECKPOINT_PAST
            self.observe(p.content_ref_manifest, r)
            c = self.checkpoint
            key = (p.covers_journal_seq, p.checkpoint_seq, p.created_at_millis)
            if c is None or key > (c.covers_journal_seq, c.checkpoint_seq, c.created_at_millis):
                self.checkpoint = p
        elif isinstance(p, RecoveryMarker):
            for e in p.unsafe_pending:
                allowed = e.idempotency_key is not None or e.dedupe_key is not None
                self.repair(pending_kind(allowed), r, e.unsafe_pending_reason, NEED)
                self.unsafe.append(
                    ReplayPendingSideEffect(
                        effect_id=e.effect_id,
                        intent_record_id=e.intent_record_id,
                        idempotency_key=e.idempotency_key,
                        dedupe_key=e.dedupe_key,
                        unsafe_pending_reason=e.unsafe_pending_reason,
                        retry_allowed=allowed,
                    )
                )
        elif isinstance(p, EffectIntent):
            self.pending[p.effect_id] = ReplayPendingSideEffect(
                effect_id=p.effect_id,
                intent_record_id=r.record_id,
                idempotency_key=p.idempotency_key,
                dedupe_key=p.dedupe_key,
                unsafe_pending_reason=NO_RESULT,
                retry_allowed=p.idempotency_key is not None or p.dedupe_key is not None,
            )
        elif isinstance(p, EffectResult):
            self.pending.pop(p.effect_id, None)
        elif isinstance(p, OutputDeliveryIntentRecord):
            self.intents[p.delivery_id] = (r.record_id, r.journal_seq, p)
        elif isinstance(p, OutputDeliveryResultRecord):
            self.results.add(p.delivery_id)
        elif isinstance(p, OutputDeliveryDedupeRecord):
            self.dedupes[p.dedupe_key] = p
        elif isinstance(p, OutputDeliveryReconciliationRecord):
            self.recons[p.delivery_id] = p
            kind = ReplayRepairKind.OUTPUT_DELIVERY_RECONCILIATION
            self.repair(kind, r, p.unsafe_pending_reason, NEED)
        elif isinstance(p, RunLifecycleRecord):
            if p.status in TERMINAL:
                self.terminal = p.status
        elif isinstance(p, TerminalResultMarker):
            self.pending.pop(p.effect_id, None)
            self.terminal = p.terminal_status
        self.seen[r.record_id] = r
        self.last = r.journal_seq
        return None

    def finish(self) -> ReplayResult:
        repairs, unsafe = list(self.repairs), list(self.unsafe)
        last = self.last or 0
        for effect_id in sorted(self.pending):
            entry = self.pending[effect_id]
            repairs.append(
                ReplayRepairNeeded(
                    kind=pending_kind(entry.retry_allowed),
                    record_id=entry.intent_record_id,
                    journal_seq=last,
                    reason=entry.unsafe_pending_reason,
                    retry=NEED,
                )
            )
            unsafe.append(entry)
        outputs = []
        for delivery_id in sorted(self.intents):
            if delivery_id in self.results:
                continue
            record_id, seq, intent = self.intents[delivery_id]
            if delivery_id in self.recons:
                outputs.append(self.recons[delivery_id])
                continue
            proof = self.dedupes.get(intent.dedupe_key)
            common: dict[str, Any] = {
                "delivery_id": delivery_id,
                "intent_record_id": record_id,
                "side_effect_kind": EffectKind.OUTPUT_DELIVERY,
                "idempotency_key": intent.idempotency_key,
                "dedupe_key": intent.dedupe_key,
                "terminal_append_status": TerminalAppendStatus.NOT_ATTEMPTED,
                "reconciliation_adapter": intent.sink_ref,
                "resend_allowed": False,
            }
            if proof is not None:
                outputs.append(
                    OutputDeliveryReconciliationRecord(
                        **common,
                        external_operation_id=proof.prior_external_operation_id,
                        terminal_status=proof.prior_terminal_status,
                        unsafe_pending_reason=DEDUPE_PROOF,
                        replay_decision=ReplayRepairDecision.COMPLETED_BY_DEDUPE_PROOF,
                    )
                )
                continue
            outputs.append(
                OutputDeliveryReconciliationRecord(
                    **common,
                    external_operation_id=None,
                    terminal_status=OutputDispatchStatus.RECONCILIATION_NEEDED,
                    unsafe_pending_reason=UNSAFE_OUTPUT,
                    replay_decision=ReplayRepairDecision.UNSAFE_PENDING,
                )
            )
            repairs.append(
                ReplayRepairNeeded(
                    kind=ReplayRepairKind.OUTPUT_DELIVERY_RECONCILIATION,
                    record_id=record_id,
                    journal_seq=seq,
                    reason=UNSAFE_OUTPUT,
                    retry=NEED,
                )
            )
        complete = not repairs and not self.missing and all(u.retry_allowed for u in unsafe)
        mode = self.config.mode
        return ReplayResult(
            mode=mode,
            status=ReplayStatus.COMPLETE if complete else ReplayStatus.REPAIR_NEEDED,
            resume_allowed=mode is not ReplayMode.RESUME_REPLAY or complete,
            latest_journal_seq=last,
            terminal_status=self.terminal,
            next_loop_state=None if self.checkpoint is None else self.checkpoint.loop_state,
            unsafe_pending_side_effects=tuple(unsafe),
            missing_content_refs=tuple(sorted(self.missing)),
            repair_needed=tuple(repairs),
            output_delivery_repairs=tuple(outputs),
            latest_checkpoint=self.checkpoint,
        )


FAST = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(st.one_of(s.journals(gaps=True), s.adversarial_journals()), s.replay_configs())
def test_the_reducer_agrees_with_the_reference_model_step_by_step(
    records: list[JournalRecord], config: ReplayConfig
) -> None:
    state = initial_state(config)
    model = Model(config)
    for record in records:
        expected = model.apply(record)
        outcome = step(state, record)
        if expected is None:
            assert isinstance(outcome, Success), outcome
            state = outcome.unwrap()
        else:
            assert isinstance(outcome, Failure)
            assert outcome.failure().message == expected
            state = outcome.failure().state
        assert finish(state) == model.finish()


class ReducerMachine(RuleBasedStateMachine):
    """Random records (random seqs, so repeated ids), replays and breakages, in any order."""

    def __init__(self) -> None:
        super().__init__()
        self.applied: list[JournalRecord] = []

    @initialize(config=s.replay_configs())
    def start(self, config: ReplayConfig) -> None:
        self.state = initial_state(config)
        self.model = Model(config)

    def apply(self, record: JournalRecord) -> None:
        expected = self.model.apply(record)
        outcome = step(self.state, record)
        if expected is None:
            assert isinstance(outcome, Success), outcome
            self.state = outcome.unwrap()
        else:
            assert isinstance(outcome, Failure)
            assert outcome.failure().message == expected
            self.state = outcome.failure().state
        self.applied.append(record)

    @rule(record=s.records(max_seq=12))
    def a_record(self, record: JournalRecord) -> None:
        self.apply(record)

    @rule(data=st.data())
    def an_earlier_record_again(self, data: st.DataObject) -> None:
        if self.applied:
            self.apply(data.draw(st.sampled_from(self.applied)))

    @rule(data=st.data(), version=st.sampled_from([0, 2]))
    def a_wrong_schema(self, data: st.DataObject, version: int) -> None:
        self.apply(b.with_envelope(data.draw(s.records()), journal_schema_version=version))

    @rule(seq=st.integers(1, 12), past=st.integers(1, 3))
    def a_checkpoint_past_its_seq(self, seq: int, past: int) -> None:
        self.apply(b.checkpoint(journal_seq=seq, covers_journal_seq=seq + past, manifest=["c"]))

    @rule(
        seq=st.integers(1, 12),
        covers=st.integers(0, 3),
        checkpoint_seq=st.integers(1, 2),
        loop_state=st.sampled_from(["a", "b"]),
    )
    def a_checkpoint(self, seq: int, covers: int, checkpoint_seq: int, loop_state: str) -> None:
        ckpt = b.checkpoint(
            f"checkpoint.{loop_state}",
            journal_seq=seq,
            covers_journal_seq=covers,
            checkpoint_seq=checkpoint_seq,
            loop_state=loop_state,
        )
        self.apply(ckpt)

    @invariant()
    def results_agree(self) -> None:
        if hasattr(self, "model"):
            assert finish(self.state) == self.model.finish()


TestReducerMachine = ReducerMachine.TestCase
TestReducerMachine.settings = settings(max_examples=60, stateful_step_count=25, deadline=None)
