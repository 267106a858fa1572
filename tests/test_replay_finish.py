"""``finish`` (SEMANTICS.md): open effects, output deliveries, status, resume and the rest."""

from __future__ import annotations

import attrs
import pytest
from replay_support import fold
from returns.result import Success

from replaykit import (
    JournalRecord,
    ReplayConfig,
    ReplayMode,
    finish,
    initial_state,
    step,
    to_json,
)
from replaykit.model import (
    EffectKind,
    OutputDeliveryDedupeRecord,
    OutputDeliveryReconciliationRecord,
    OutputDispatchStatus,
    ReplayRepairDecision,
    ReplayRepairKind,
    TerminalAppendStatus,
)
from replaykit.testing.builders import (
    checkpoint,
    effect_intent,
    effect_result,
    journal,
    message,
    output_dedupe,
    output_intent,
    output_reconciliation,
    output_result,
    pending_effect,
    recovery,
    with_envelope,
)

DEDUPE_REASON = "repair replay found completed dedupe proof"
UNSAFE_REASON = "repair replay cannot resend output delivery without completed dedupe proof"


# 1. Open effects. ----------------------------------------------------------------------------


def test_finish_reports_open_effects_in_effect_id_order_at_last_seq() -> None:
    """Repairs name the intent record but carry the last accepted seq."""
    records = journal(
        effect_intent("effect.b"),
        effect_intent("effect.B", idempotency_key="idem.B"),
        effect_intent("effect.a", dedupe_key="dedupe.a"),
        message(),
        message("message.2"),
    )
    result = finish(fold(records))
    assert [p.effect_id for p in result.unsafe_pending_side_effects] == [
        "effect.B",
        "effect.a",
        "effect.b",
    ]
    assert [(r.kind.value, r.record_id, r.journal_seq) for r in result.repair_needed] == [
        ("unsafe_pending_side_effect", records[1].record_id, 5),
        ("unsafe_pending_side_effect", records[2].record_id, 5),
        ("non_idempotent_pending_side_effect", records[0].record_id, 5),
    ]
    assert {r.reason for r in result.repair_needed} == {
        "effect intent has no terminal result in replay"
    }
    assert {r.retry.value for r in result.repair_needed} == {"RepairNeeded"}


def test_finish_appends_open_effects_after_recovery_entries() -> None:
    records = journal(
        effect_intent("effect.a"), recovery([pending_effect("effect.z", reason="crash")])
    )
    result = finish(fold(records))
    assert [p.effect_id for p in result.unsafe_pending_side_effects] == ["effect.z", "effect.a"]
    assert [r.reason for r in result.repair_needed] == [
        "crash",
        "effect intent has no terminal result in replay",
    ]


def test_finish_open_effect_seq_ignores_rejected_records() -> None:
    state = fold(journal(effect_intent("effect.1"), message()))
    outcome = step(state, message("message.9", journal_seq=1, record_id="late"))
    assert not isinstance(outcome, Success)
    assert finish(outcome.failure().state).repair_needed[0].journal_seq == 2


# 2. Output deliveries. -----------------------------------------------------------------------


def test_finish_unresolved_output_intent_gets_unsafe_reconciliation_and_repair() -> None:
    records = journal(
        message(), output_intent("output.1", idempotency_key="idem.o", sink_ref="sink.x"), message()
    )
    result = finish(fold(records))
    assert result.output_delivery_repairs == (
        OutputDeliveryReconciliationRecord(
            delivery_id="output.1",
            intent_record_id=records[1].record_id,
            side_effect_kind=EffectKind.OUTPUT_DELIVERY,
            idempotency_key="idem.o",
            dedupe_key="dedupe.output.1",
            external_operation_id=None,
            terminal_status=OutputDispatchStatus.RECONCILIATION_NEEDED,
            terminal_append_status=TerminalAppendStatus.NOT_ATTEMPTED,
            reconciliation_adapter="sink.x",
            unsafe_pending_reason=UNSAFE_REASON,
            replay_decision=ReplayRepairDecision.UNSAFE_PENDING,
            resend_allowed=False,
        ),
    )
    repair = result.repair_needed[-1]
    assert (repair.kind.value, repair.record_id, repair.journal_seq) == (
        "output_delivery_reconciliation",
        records[1].record_id,
        2,
    )
    assert (repair.reason, repair.retry.value) == (UNSAFE_REASON, "RepairNeeded")


@pytest.mark.parametrize(
    ("prior", "current"),
    [
        (OutputDispatchStatus.COMPLETED, OutputDispatchStatus.DEDUPED),
        (OutputDispatchStatus.FAILED, OutputDispatchStatus.FAILED),
        (OutputDispatchStatus.REQUESTED, OutputDispatchStatus.POLICY_DENIED),
    ],
)
def test_finish_dedupe_proof_completes_delivery_whatever_its_statuses(
    prior: OutputDispatchStatus, current: OutputDispatchStatus
) -> None:
    """The proof is found by the intent's dedupe key; it adds no repair."""
    records = journal(
        output_intent("output.1", idempotency_key="idem.o", dedupe_key="dedupe.k", sink_ref="s"),
        output_dedupe(
            "output.other",
            dedupe_key="dedupe.k",
            prior_external_operation_id="op.prior",
            prior_status=prior,
        ),
    )
    assert isinstance(records[1].payload, OutputDeliveryDedupeRecord)
    dedupe = attrs.evolve(records[1].payload, current_status=current)
    records[1] = attrs.evolve(records[1], payload=dedupe)
    result = finish(fold(records, ReplayConfig(ReplayMode.REPAIR_REPLAY)))
    assert result.output_delivery_repairs == (
        OutputDeliveryReconciliationRecord(
            delivery_id="output.1",
            intent_record_id=records[0].record_id,
            side_effect_kind=EffectKind.OUTPUT_DELIVERY,
            idempotency_key="idem.o",
            dedupe_key="dedupe.k",
            external_operation_id="op.prior",
            terminal_status=prior,
            terminal_append_status=TerminalAppendStatus.NOT_ATTEMPTED,
            reconciliation_adapter="s",
            unsafe_pending_reason=DEDUPE_REASON,
            replay_decision=ReplayRepairDecision.COMPLETED_BY_DEDUPE_PROOF,
            resend_allowed=False,
        ),
    )
    assert result.repair_needed == ()
    assert (result.status.value, result.resume_allowed) == ("complete", True)


def test_finish_dedupe_under_other_key_is_no_proof() -> None:
    records = journal(
        output_intent("output.1", dedupe_key="dedupe.k"),
        output_dedupe("output.1", dedupe_key="dedupe.other"),
    )
    repairs = finish(fold(records)).output_delivery_repairs
    assert [r.replay_decision for r in repairs] == [ReplayRepairDecision.UNSAFE_PENDING]


def test_finish_stored_reconciliation_wins_over_dedupe_proof_and_adds_no_repair() -> None:
    records = journal(
        output_intent("output.1"),
        output_dedupe("output.1"),
        output_reconciliation("output.1", reason="host must check"),
    )
    result = finish(fold(records))
    assert result.output_delivery_repairs == (records[2].payload,)
    assert [r.reason for r in result.repair_needed] == ["host must check"]


def test_finish_result_wins_over_reconciliation() -> None:
    records = journal(
        output_intent("output.1"), output_reconciliation("output.1"), output_result("output.1")
    )
    result = finish(fold(records))
    assert result.output_delivery_repairs == ()
    assert len(result.repair_needed) == 1  # the reconciliation's own, from step


def test_finish_reconciliation_without_intent_is_not_listed() -> None:
    result = finish(fold(journal(output_reconciliation("output.1"))))
    assert result.output_delivery_repairs == ()
    assert [r.kind for r in result.repair_needed] == [
        ReplayRepairKind.OUTPUT_DELIVERY_RECONCILIATION
    ]


def test_finish_output_deliveries_in_delivery_id_order_after_effect_repairs() -> None:
    records = journal(
        output_intent("out.b"),
        output_intent("out.a"),
        output_intent("out.C"),
        effect_intent("effect.1"),
    )
    result = finish(fold(records))
    assert [r.delivery_id for r in result.output_delivery_repairs] == ["out.C", "out.a", "out.b"]
    assert [r.kind.value for r in result.repair_needed] == [
        "non_idempotent_pending_side_effect",
        "output_delivery_reconciliation",
        "output_delivery_reconciliation",
        "output_delivery_reconciliation",
    ]
    assert [r.record_id for r in result.repair_needed[1:]] == [
        records[2].record_id,
        records[1].record_id,
        records[0].record_id,
    ]


# 3-5. Status, resume and the rest. -----------------------------------------------------------


def test_finish_of_empty_state() -> None:
    for mode in ReplayMode:
        result = finish(initial_state(ReplayConfig(mode)))
        assert to_json(result) == (
            f'{{"mode":"{mode.value}","status":"complete","resume_allowed":true,'
            '"latest_journal_seq":0}'
        )


@pytest.mark.parametrize(
    "records",
    [
        pytest.param(journal(recovery([pending_effect("e", idempotency_key="k")])), id="recovery"),
        pytest.param(journal(effect_intent("e", idempotency_key="k")), id="open-effect"),
        pytest.param(journal(effect_intent("e", dedupe_key="d")), id="open-effect-dedupe"),
        pytest.param(journal(recovery([pending_effect("e")])), id="non-idempotent"),
    ],
)
def test_finish_every_unsafe_pending_entry_blocks_complete(records: list[JournalRecord]) -> None:
    """Even a retry-allowed entry comes with a repair, so the status is repair_needed."""
    result = finish(fold(records))
    assert len(result.unsafe_pending_side_effects) == 1
    assert result.status.value == "repair_needed"


def test_finish_complete_when_nothing_to_repair() -> None:
    records = journal(
        effect_intent("e"), effect_result("e"), output_intent("o"), output_result("o")
    )
    result = finish(fold(records, ReplayConfig(ReplayMode.RESUME_REPLAY)))
    assert (result.status.value, result.resume_allowed) == ("complete", True)


@pytest.mark.parametrize(
    ("mode", "resume_when_repair_needed"),
    [
        (ReplayMode.AUDIT_REPLAY, True),
        (ReplayMode.REPAIR_REPLAY, True),
        (ReplayMode.RESUME_REPLAY, False),
    ],
)
def test_finish_resume_allowed_per_mode(mode: ReplayMode, resume_when_repair_needed: bool) -> None:
    result = finish(fold(journal(effect_intent("e")), ReplayConfig(mode)))
    assert result.status.value == "repair_needed"
    assert result.resume_allowed is resume_when_repair_needed
    assert result.mode is mode


def test_finish_missing_refs_sorted_by_code_point() -> None:
    refs = ("content.b", "content.é", "content.B", "content.a", "content.\U0001f600", "content.z")
    config = ReplayConfig(ReplayMode.AUDIT_REPLAY, available_content_refs=())
    result = finish(fold([with_envelope(message(), content_refs=refs)], config))
    assert list(result.missing_content_refs) == sorted(refs, key=lambda r: r.encode("utf-8"))
    assert result.missing_content_refs[0] == "content.B"


def test_finish_reports_latest_checkpoint_and_terminal_status() -> None:
    records = journal(checkpoint(loop_state="awaiting_tool"), message())
    state = fold(records)
    result = finish(state)
    assert result.latest_checkpoint == records[0].payload
    assert result.next_loop_state == "awaiting_tool"
    assert (result.latest_journal_seq, result.terminal_status) == (2, None)


def test_finish_is_pure_and_the_fold_goes_on() -> None:
    state = fold(journal(effect_intent("e"), output_intent("o")))
    first = finish(state)
    assert finish(state) == first
    assert len(state.repair_needed) == 0
    assert len(state.unsafe_pending_side_effects) == 0
    later = step(state, effect_result("e", journal_seq=3)).unwrap()
    assert finish(later).unsafe_pending_side_effects == ()
