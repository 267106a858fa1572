"""``step`` check 7 for effects, output delivery, lifecycle and ignored payloads (SEMANTICS.md)."""

from __future__ import annotations

import attrs
import pytest
from replay_support import fold
from returns.result import Failure

from replaykit import (
    JournalRecord,
    finish,
    step,
)
from replaykit.model import (
    EffectTerminalStatus,
    OutputDeliveryIntentRecord,
    OutputDeliveryResultRecord,
    OutputDispatchStatus,
    ReplayPendingSideEffect,
    ReplayRepairKind,
    ReplayRepairNeeded,
    RetryClassification,
)
from replaykit.replay.state import STATE_FIELDS, OutputIntentState, OutputResultState
from replaykit.testing.builders import (
    effect_intent,
    effect_result,
    journal,
    message,
    other,
    output_dedupe,
    output_event,
    output_intent,
    output_reconciliation,
    output_result,
    run_lifecycle,
    terminal_result,
    turn_lifecycle,
    with_envelope,
)

# 7. Effects. ---------------------------------------------------------------------------------


def test_step_effect_intent_opens_pending_entry_with_payload_keys() -> None:
    intent = with_envelope(
        effect_intent("effect.1", dedupe_key="dedupe.p"),
        idempotency_key="idem.env",
        dedupe_key=None,
    )
    state = fold([intent])
    assert dict(state.pending_effects) == {
        "effect.1": ReplayPendingSideEffect(
            effect_id="effect.1",
            intent_record_id=intent.record_id,
            idempotency_key=None,
            dedupe_key="dedupe.p",
            unsafe_pending_reason="effect intent has no terminal result in replay",
            retry_allowed=True,
        )
    }


def test_step_effect_intent_replaces_earlier_intent_for_same_effect() -> None:
    records = journal(
        effect_intent("effect.1", idempotency_key="idem.1"), effect_intent("effect.1")
    )
    entry = fold(records).pending_effects["effect.1"]
    assert (entry.intent_record_id, entry.retry_allowed) == (records[1].record_id, False)


@pytest.mark.parametrize("status", list(EffectTerminalStatus))
def test_step_effect_result_closes_whatever_its_status(status: EffectTerminalStatus) -> None:
    state = fold(journal(effect_intent("effect.1"), effect_result("effect.1", status=status)))
    assert len(state.pending_effects) == 0


def test_step_effect_result_for_unknown_effect_is_harmless() -> None:
    state = fold(journal(effect_intent("effect.1"), effect_result("effect.2")))
    assert list(state.pending_effects.keys()) == ["effect.1"]


def test_step_nested_effects_are_not_tracked() -> None:
    """Effect intents and results inside output-delivery records are not pending effects."""
    intent = output_intent("output.1")
    nested_id = intent.payload.effect_intent.effect_id  # type: ignore[union-attr]
    state = fold(journal(intent))
    assert len(state.pending_effects) == 0
    top = effect_intent(nested_id)
    state = fold(journal(top, output_result("output.1")))
    assert nested_id in state.pending_effects


def test_step_terminal_result_closes_effect_and_seals_with_any_status() -> None:
    records = journal(
        effect_intent("effect.1"),
        effect_intent("effect.2"),
        terminal_result("weird status", effect_id="effect.1"),
    )
    state = fold(records)
    assert list(state.pending_effects.keys()) == ["effect.2"]
    assert state.terminal_status == "weird status"
    sealed = fold(journal(terminal_result("")))
    assert sealed.terminal_status == ""
    assert isinstance(step(sealed, message(journal_seq=5)), Failure)


# 7. Output delivery. -------------------------------------------------------------------------


def test_step_output_records_fill_their_maps() -> None:
    records = journal(
        output_intent("output.1", dedupe_key="dedupe.k"),
        output_result("output.1"),
        output_dedupe("output.9", dedupe_key="dedupe.k"),
        output_reconciliation("output.2", reason="why"),
    )
    state = fold(records)
    assert state.output_intents["output.1"].record_id == records[0].record_id
    assert state.output_intents["output.1"].journal_seq == 1
    intent = records[0].payload
    assert isinstance(intent, OutputDeliveryIntentRecord)
    assert state.output_intents["output.1"] == OutputIntentState(
        record_id=records[0].record_id,
        journal_seq=1,
        delivery_id="output.1",
        idempotency_key=intent.idempotency_key,
        dedupe_key="dedupe.k",
        sink_ref=intent.sink_ref,
    )
    result = records[1].payload
    assert isinstance(result, OutputDeliveryResultRecord)
    assert state.output_results["output.1"] == OutputResultState(
        record_id=records[1].record_id, journal_seq=2, dispatch_status=result.dispatch_status
    )
    assert state.output_dedupes["dedupe.k"] == records[2].payload
    assert state.output_reconciliations["output.2"] == records[3].payload
    assert list(state.repair_needed) == [
        ReplayRepairNeeded(
            kind=ReplayRepairKind.OUTPUT_DELIVERY_RECONCILIATION,
            record_id=records[3].record_id,
            journal_seq=4,
            reason="why",
            retry=RetryClassification.REPAIR_NEEDED,
        )
    ]


def test_step_output_intent_replaces_earlier_intent() -> None:
    records = journal(output_intent("output.1"), output_intent("output.1", dedupe_key="dedupe.2"))
    held = fold(records).output_intents["output.1"]
    assert (held.record_id, held.dedupe_key) == (records[1].record_id, "dedupe.2")


def test_step_output_result_with_failed_status_still_counts() -> None:
    state = fold(
        journal(
            output_intent("output.1"), output_result("output.1", status=OutputDispatchStatus.FAILED)
        )
    )
    assert finish(state).output_delivery_repairs == ()


@pytest.mark.parametrize(
    "record",
    [
        pytest.param(output_event("output.1"), id="output-event"),
        pytest.param(message(), id="message"),
        pytest.param(turn_lifecycle(), id="turn-lifecycle"),
        pytest.param(other("model_attempt", {"request_message_count": 2}), id="model-attempt"),
        pytest.param(run_lifecycle("started"), id="non-terminal-lifecycle"),
    ],
)
def test_step_ignored_payload_changes_only_seq_and_seen(record: JournalRecord) -> None:
    """Other fields of the new state are the very same objects as before."""
    state = fold(journal(effect_intent("effect.1"), output_intent("output.1")))
    new = step(state, attrs.evolve(record, journal_seq=3, record_id="rec.3")).unwrap()
    assert new.last_journal_seq == 3
    assert "rec.3" in new.seen_records
    for name in STATE_FIELDS:
        if name not in ("last_journal_seq", "seen_records"):
            assert getattr(new, name) is getattr(state, name), name
