"""``step`` checks 6-7 of SEMANTICS.md: content refs and their policies, checkpoints and
recovery markers.
"""

from __future__ import annotations

import pytest
from replay_support import fault_of, fold
from returns.result import Success

from replaykit import (
    JournalRecord,
    MissingContentPolicy,
    ReplayConfig,
    ReplayMode,
    finish,
    step,
    to_json,
)
from replaykit.model import (
    ReplayPendingSideEffect,
    ReplayRepairKind,
    ReplayRepairNeeded,
    RetryClassification,
)
from replaykit.testing.builders import (
    checkpoint,
    effect_intent,
    journal,
    message,
    pending_effect,
    recovery,
    with_envelope,
)

CHECKED = ReplayConfig(ReplayMode.AUDIT_REPLAY, available_content_refs=["content.ok"])
CHECKPOINT_REASON = (
    "checkpoint covers_journal_seq cannot point past latest committed journal record"
)


def missing_repair(ref: str, record: JournalRecord) -> ReplayRepairNeeded:
    return ReplayRepairNeeded(
        kind=ReplayRepairKind.MISSING_CONTENT_REF,
        record_id=record.record_id,
        journal_seq=record.journal_seq,
        reason=f"content ref {ref} is missing for replay",
        retry=RetryClassification.USER_ACTION_NEEDED,
    )


def refs_record(*refs: str, seq: int = 1) -> JournalRecord:
    return with_envelope(message(journal_seq=seq), content_refs=refs)


# 6. Content refs. ----------------------------------------------------------------------------


def test_step_ignores_content_refs_when_availability_unknown() -> None:
    state = fold([refs_record("content.a", "content.b")])
    assert len(state.missing_content_refs) == 0
    assert len(state.repair_needed) == 0


def test_step_records_missing_refs_with_repairs_in_list_order() -> None:
    record = refs_record("content.b", "content.ok", "content.a")
    state = fold([record], CHECKED)
    assert set(state.missing_content_refs) == {"content.a", "content.b"}
    assert list(state.repair_needed) == [
        missing_repair("content.b", record),
        missing_repair("content.a", record),
    ]


def test_step_repeated_missing_ref_in_one_record_gives_two_repairs() -> None:
    """The missing list is computed before any insert, so a repeat is taken twice."""
    record = refs_record("content.x", "content.x")
    state = fold([record], CHECKED)
    assert list(state.missing_content_refs) == ["content.x"]
    assert list(state.repair_needed) == [missing_repair("content.x", record)] * 2


def test_step_already_missing_ref_is_not_repaired_again() -> None:
    records = [refs_record("content.x", seq=1), refs_record("content.x", "content.y", seq=2)]
    records[1] = with_envelope(records[1], record_id="rec.2")
    state = fold(records, CHECKED)
    assert [r.record_id for r in state.repair_needed] == [records[0].record_id, "rec.2"]
    assert state.repair_needed[1].reason == "content ref content.y is missing for replay"


def test_step_empty_available_set_makes_every_ref_missing() -> None:
    config = ReplayConfig(ReplayMode.AUDIT_REPLAY, available_content_refs=[])
    state = fold([refs_record("content.ok")], config)
    assert list(state.missing_content_refs) == ["content.ok"]


def test_step_reads_envelope_refs_not_payload_refs() -> None:
    intent = with_envelope(effect_intent("effect.1", content_refs=["content.p"]), content_refs=())
    state = fold([intent], CHECKED)
    assert len(state.missing_content_refs) == 0


@pytest.mark.parametrize(
    ("policy", "repairs"),
    [
        (MissingContentPolicy.FAIL, 1),
        (MissingContentPolicy.RECOVERABLE_REPLAY_GAP, 1),
        (MissingContentPolicy.REQUEST_HOST_REPAIR, 1),
        (MissingContentPolicy.OMIT_WITH_PROJECTION_AUDIT, 0),
    ],
)
def test_step_missing_content_policy(policy: MissingContentPolicy, repairs: int) -> None:
    """Every policy records the ref; only omit_with_projection_audit adds no repair."""
    config = ReplayConfig(
        ReplayMode.RESUME_REPLAY, available_content_refs=(), missing_content_policy=policy
    )
    state = fold([refs_record("content.gone")], config)
    assert list(state.missing_content_refs) == ["content.gone"]
    assert len(state.repair_needed) == repairs
    result = finish(state)
    assert result.missing_content_refs == ("content.gone",)
    assert (result.status.value, result.resume_allowed) == ("repair_needed", False)


# 7. Checkpoints. -----------------------------------------------------------------------------


def test_step_checkpoint_manifest_checked_after_envelope_with_same_record() -> None:
    record = with_envelope(
        checkpoint(journal_seq=3, manifest=["content.m", "content.e", "content.m"]),
        content_refs=("content.e",),
    )
    state = fold([record], CHECKED)
    assert [r.reason for r in state.repair_needed] == [
        "content ref content.e is missing for replay",
        "content ref content.m is missing for replay",
        "content ref content.m is missing for replay",
    ]
    assert {(r.record_id, r.journal_seq) for r in state.repair_needed} == {(record.record_id, 3)}


def test_step_checkpoint_may_cover_its_own_seq() -> None:
    record = checkpoint(journal_seq=4, covers_journal_seq=4)
    assert fold([record]).latest_checkpoint == record.payload


def test_step_rejected_checkpoint_keeps_its_repairs() -> None:
    """Covering a later seq: envelope refs and the checkpoint_invalid repair stay, the seq,
    the seen set, the manifest and the latest checkpoint do not move."""
    before = fold([checkpoint(journal_seq=1, covers_journal_seq=1)], CHECKED)
    bad = with_envelope(
        checkpoint("checkpoint.2", journal_seq=2, covers_journal_seq=3, manifest=["content.m"]),
        content_refs=("content.e",),
    )
    fault = fault_of(before, bad)
    assert to_json(fault.error) == f'{{"ContractViolation":{{"message":"{CHECKPOINT_REASON}"}}}}'
    assert (fault.kind.value, fault.retry.value) == ("InvalidStateTransition", "RepairNeeded")
    assert (fault.record_id, fault.journal_seq) == (bad.record_id, 2)
    left = fault.state
    assert left is not before
    assert list(left.missing_content_refs) == ["content.e"]
    assert list(left.repair_needed) == [
        missing_repair("content.e", bad),
        ReplayRepairNeeded(
            kind=ReplayRepairKind.CHECKPOINT_INVALID,
            record_id=bad.record_id,
            journal_seq=2,
            reason=CHECKPOINT_REASON,
            retry=RetryClassification.REPAIR_NEEDED,
        ),
    ]
    assert left.last_journal_seq == 1
    assert left.seen_records is before.seen_records
    assert left.latest_checkpoint is before.latest_checkpoint
    assert bad.record_id not in left.seen_records
    assert isinstance(step(left, with_envelope(bad, journal_seq=3)), Success)


def test_step_rejected_checkpoint_without_refs_still_adds_repair() -> None:
    before = fold(journal(message()))
    fault = fault_of(before, checkpoint(journal_seq=2, covers_journal_seq=99))
    assert [r.kind for r in fault.state.repair_needed] == [ReplayRepairKind.CHECKPOINT_INVALID]
    assert len(before.repair_needed) == 0


def _ckpt(seq: int, covers: int, ckpt_seq: int, created: int) -> JournalRecord:
    return checkpoint(
        f"checkpoint.{seq}",
        journal_seq=seq,
        covers_journal_seq=covers,
        checkpoint_seq=ckpt_seq,
        created_at_millis=created,
        loop_state=f"state.{seq}",
    )


@pytest.mark.parametrize(
    ("first", "second", "winner"),
    [
        ((5, 1, 1), (6, 0, 0), 2),  # higher covers wins
        ((5, 1, 1), (4, 9, 9), 1),  # lower covers loses whatever else
        ((5, 1, 9), (5, 2, 0), 2),  # equal covers: higher checkpoint_seq wins
        ((5, 2, 0), (5, 1, 9), 1),
        ((5, 1, 1), (5, 1, 2), 2),  # then created_at
        ((5, 1, 2), (5, 1, 1), 1),
        ((5, 1, 1), (5, 1, 1), 1),  # a full tie keeps the older
    ],
)
def test_step_latest_checkpoint_tuple_order(
    first: tuple[int, int, int], second: tuple[int, int, int], winner: int
) -> None:
    records = [_ckpt(10, *first), _ckpt(11, *second)]
    state = fold(records)
    assert state.latest_checkpoint == records[winner - 1].payload
    assert finish(state).next_loop_state == f"state.{9 + winner}"


def test_step_first_checkpoint_wins_over_none() -> None:
    state = fold([_ckpt(0, 0, 0, 0)])
    assert state.latest_checkpoint is not None
    assert finish(state).next_loop_state == "state.0"


def test_step_checkpoint_pending_side_effects_are_not_read() -> None:
    state = fold([checkpoint(journal_seq=2, pending=["effect.1", "effect.2"])])
    result = finish(state)
    assert (result.status.value, result.unsafe_pending_side_effects) == ("complete", ())


# 7. Recovery. --------------------------------------------------------------------------------


def test_step_recovery_adds_each_entry_and_repair_in_order() -> None:
    entries = [
        pending_effect("effect.b", reason="no keys"),
        pending_effect("effect.a", idempotency_key="idem.a", reason="idempotent"),
        pending_effect("effect.c", dedupe_key="dedupe.c", reason="deduped"),
    ]
    record = recovery(entries, journal_seq=7)
    state = fold([record])
    assert [
        (r.kind.value, r.record_id, r.journal_seq, r.reason, r.retry.value)
        for r in state.repair_needed
    ] == [
        ("non_idempotent_pending_side_effect", record.record_id, 7, "no keys", "RepairNeeded"),
        ("unsafe_pending_side_effect", record.record_id, 7, "idempotent", "RepairNeeded"),
        ("unsafe_pending_side_effect", record.record_id, 7, "deduped", "RepairNeeded"),
    ]
    assert list(state.unsafe_pending_side_effects) == [
        ReplayPendingSideEffect(
            effect_id=e.effect_id,
            intent_record_id=e.intent_record_id,
            idempotency_key=e.idempotency_key,
            dedupe_key=e.dedupe_key,
            unsafe_pending_reason=e.unsafe_pending_reason,
            retry_allowed=e.effect_id != "effect.b",
        )
        for e in entries
    ]


def test_step_empty_recovery_changes_only_seq_and_seen() -> None:
    before = fold(journal(message()))
    after = fold(journal(message(), recovery([])))
    assert len(after.repair_needed) == len(after.unsafe_pending_side_effects) == 0
    assert after.last_journal_seq == 2
    assert finish(after).status == finish(before).status
