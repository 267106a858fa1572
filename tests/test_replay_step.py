"""``step`` checks 1-5 of SEMANTICS.md: idempotent duplicates, schema, duplicate ids,
order and the sealed run, with the reference's exact errors and untouched state.
"""

from __future__ import annotations

import json

import attrs
import pytest
from replay_support import AUDIT, accept, fault_of, fold

from replaykit import (
    JournalRecord,
    ReplayConfig,
    ReplayFault,
    ReplayMode,
    ReplayState,
    finish,
    from_json,
    initial_state,
    to_json,
)
from replaykit.model import EffectIntent, JournalRecordKind, RecoveryMarker, RunLifecycleRecord
from replaykit.testing.builders import (
    checkpoint,
    effect_intent,
    journal,
    message,
    output_intent,
    recovery,
    run_lifecycle,
    terminal_result,
    with_envelope,
)


def classified_json(kind: str, retry: str, message: str) -> str:
    """``AgentError::new(kind, retry, message)`` as WIRE.md section 10 writes it."""
    return (
        f'{{"Classified":{{"kind":"{kind}","retry":"{retry}","context":{{"message":'
        f'{json.dumps(message)},"policy_refs":[],"source":null,"destination":null,'
        '"subject":null,"privacy":null,"redacted_summary":null},"causal_ids":{"run_id":null,'
        '"turn_id":null,"attempt_id":null,"event_id":null,"tool_call_id":null,"span_id":null,'
        '"related":[]}}}'
    )


SCHEMA_ERROR = classified_json(
    "RecoveryRepairNeeded",
    "RepairNeeded",
    "journal record schema version is not supported by replay reducer",
)
DUPLICATE_ERROR = classified_json(
    "InvalidStateTransition",
    "RepairNeeded",
    "duplicate non-idempotent journal record during replay",
)
ORDER_ERROR = classified_json(
    "InvalidStateTransition",
    "RepairNeeded",
    "journal records must be strictly increasing during replay",
)
SEALED_ERROR = classified_json(
    "InvalidStateTransition",
    "RepairNeeded",
    "journal record appears after sealed terminal replay state",
)


def reject(state: ReplayState, record: JournalRecord, error_json: str) -> ReplayFault:
    """The fault for ``record``: the given error, the record's id and seq, state untouched."""
    fault = fault_of(state, record)
    assert to_json(fault.error) == error_json
    assert (fault.record_id, fault.journal_seq) == (record.record_id, record.journal_seq)
    assert fault.state is state
    return fault


# 1. Idempotent duplicates. -------------------------------------------------------------------


@pytest.mark.parametrize(
    "record",
    [
        pytest.param(effect_intent("effect.1", idempotency_key="idem.1"), id="idempotency-key"),
        pytest.param(effect_intent("effect.1", dedupe_key="dedupe.1"), id="dedupe-key"),
        pytest.param(output_intent("output.1"), id="output-intent-dedupe-key"),
        pytest.param(checkpoint(journal_seq=1), id="checkpoint-kind"),
        pytest.param(recovery(["effect.1"]), id="recovery-kind"),
        pytest.param(with_envelope(message(), idempotency_key="idem.m"), id="ignored-payload"),
    ],
)
def test_step_accepts_equal_allowed_duplicate_as_same_state(record: JournalRecord) -> None:
    """An equal repeat of an allowed record is accepted and returns the very same state."""
    state = fold([record])
    assert accept(state, record) is state


def test_step_idempotent_duplicate_accepted_after_seal_and_with_old_seq() -> None:
    """Check 1 precedes the order and sealed checks."""
    intent = effect_intent("effect.1", idempotency_key="idem.1")
    records = journal(run_lifecycle(), intent, message(), terminal_result("completed"))
    state = fold(records)
    assert state.terminal_status == "completed"
    repeated = records[1]
    assert repeated.journal_seq < records[-1].journal_seq
    assert accept(state, repeated) is state


def _spellings(record: JournalRecord) -> list[str]:
    """JSON texts of ``record`` that differ only where the wire gives no meaning."""
    canonical = to_json(record)
    data = json.loads(canonical)
    reordered = {key: data[key] for key in reversed(data)}
    unknown = {**data, "unknown": [1, 2]}
    nulled = {**data, "session_id": None}
    nested = json.loads(canonical)
    nested["payload"] = {"zz": 0, **nested["payload"]}
    compact = {"separators": (",", ":"), "ensure_ascii": False}
    return [
        canonical,
        json.dumps(data),
        json.dumps(reordered, **compact),  # type: ignore[arg-type]
        json.dumps(unknown, **compact),  # type: ignore[arg-type]
        json.dumps(nulled, **compact),  # type: ignore[arg-type]
        json.dumps(nested, **compact),  # type: ignore[arg-type]
    ]


@pytest.mark.parametrize("index", range(6))
def test_step_idempotent_duplicate_compares_typed_values_not_text(index: int) -> None:
    """Key order, unknown keys and a null Option do not make records differ (WIRE 12.4),
    whichever of the two was decoded from which text."""
    built = effect_intent("effect.1", idempotency_key="idem.1", journal_seq=1)
    texts = _spellings(built)
    decoded = from_json(JournalRecord, texts[index]).unwrap()
    assert decoded == built
    for first, second in [(built, decoded), (decoded, built)]:
        state = fold([first])
        assert accept(state, second) is state
    for other in texts:
        state = fold([decoded])
        assert accept(state, from_json(JournalRecord, other).unwrap()) is state


@pytest.mark.parametrize(
    "change",
    [
        {"timestamp_millis": 1},
        {"tags": ("x",)},
        {"event_family": "other"},
        {"session_id": "session.1"},
    ],
    ids=["timestamp", "tags", "event-index", "option"],
)
def test_step_rejects_unequal_duplicate_of_allowed_record(change: dict[str, object]) -> None:
    """Any difference, the event index included, makes a repeat a duplicate error."""
    record = effect_intent("effect.1", idempotency_key="idem.1")
    state = fold([record])
    reject(state, with_envelope(record, **change), DUPLICATE_ERROR)  # type: ignore[arg-type]


def test_step_rejects_payload_change_in_duplicate() -> None:
    record = effect_intent("effect.1", idempotency_key="idem.1")
    assert isinstance(record.payload, EffectIntent)
    changed = attrs.evolve(record, payload=attrs.evolve(record.payload, redacted_summary="x"))
    reject(fold([record]), changed, DUPLICATE_ERROR)


def test_step_rejects_equal_duplicate_without_keys() -> None:
    record = effect_intent("effect.1")
    reject(fold([record]), record, DUPLICATE_ERROR)


def test_step_record_kind_not_payload_decides_duplicate_exemption() -> None:
    """A checkpoint payload under ``record_kind`` run is not exempt; the reverse is."""
    payload_only = with_envelope(checkpoint(journal_seq=1), record_kind=JournalRecordKind.RUN)
    reject(fold([payload_only]), payload_only, DUPLICATE_ERROR)
    kind_only = with_envelope(run_lifecycle(), record_kind=JournalRecordKind.CHECKPOINT)
    state = fold([kind_only])
    assert accept(state, kind_only) is state


def test_step_payload_keys_do_not_make_duplicate_allowed() -> None:
    """Only the envelope's keys count, not the payload's."""
    record = with_envelope(
        effect_intent("effect.1", idempotency_key="idem.1"), idempotency_key=None
    )
    assert record.payload.idempotency_key == "idem.1"  # type: ignore[union-attr]
    reject(fold([record]), record, DUPLICATE_ERROR)


# 2. Schema version. --------------------------------------------------------------------------


@pytest.mark.parametrize("version", [0, 2, 65535])
def test_step_rejects_unsupported_schema_version(version: int) -> None:
    state = fold(journal(run_lifecycle()))
    record = with_envelope(message(journal_seq=5), journal_schema_version=version)
    reject(state, record, SCHEMA_ERROR)
    reject(initial_state(AUDIT), record, SCHEMA_ERROR)


def test_step_schema_check_precedes_duplicate_id_check() -> None:
    first = message(journal_seq=1)
    state = fold([first])
    reject(state, with_envelope(first, journal_schema_version=2), SCHEMA_ERROR)


def test_step_schema_check_precedes_order_and_sealed_checks() -> None:
    state = fold(journal(run_lifecycle("started"), run_lifecycle("completed")))
    old = with_envelope(message(journal_seq=1, record_id="m"), journal_schema_version=3)
    reject(state, old, SCHEMA_ERROR)


# 3. Duplicate ids. ---------------------------------------------------------------------------


def test_step_rejects_reused_record_id() -> None:
    first = message(journal_seq=1, record_id="rec.1")
    state = fold([first])
    reject(state, message("message.2", journal_seq=2, record_id="rec.1"), DUPLICATE_ERROR)


def test_step_duplicate_id_check_precedes_order_check() -> None:
    records = journal(message(), message("message.2"))
    state = fold(records)
    reject(state, with_envelope(records[0], tags=("changed",)), DUPLICATE_ERROR)


def test_step_rejected_record_id_is_not_remembered() -> None:
    """A rejected record leaves no trace: its id may be used again."""
    state = fold(journal(message(), message("message.2")))
    late = message("message.3", journal_seq=1, record_id="rec.late")
    reject(state, late, ORDER_ERROR)
    accept(state, with_envelope(late, journal_seq=3))


# 4. Order. -----------------------------------------------------------------------------------


@pytest.mark.parametrize("seq", [1, 4, 5])
def test_step_rejects_seq_not_above_last(seq: int) -> None:
    state = fold([message(journal_seq=5)])
    reject(state, message("message.2", journal_seq=seq, record_id=f"rec.{seq}.b"), ORDER_ERROR)


def test_step_allows_gaps_between_seqs() -> None:
    state = fold([message(journal_seq=s, record_id=f"rec.{s}") for s in (1, 5, 9)])
    assert state.last_journal_seq == 9
    assert finish(state).latest_journal_seq == 9


def test_step_first_record_may_have_any_seq_including_zero() -> None:
    state = fold([message(journal_seq=0)])
    assert state.last_journal_seq == 0
    reject(state, message("message.2", journal_seq=0, record_id="rec.b"), ORDER_ERROR)
    accept(state, message("message.2", journal_seq=2**64 - 1, record_id="rec.c"))


def test_step_order_check_precedes_sealed_check() -> None:
    state = fold(journal(run_lifecycle(), run_lifecycle("completed")))
    reject(state, message(journal_seq=1, record_id="rec.x"), ORDER_ERROR)


# 5. Sealed run. ------------------------------------------------------------------------------

TERMINAL = ["completed", "failed", "cancelled", "run_completed", "run_failed", "run_cancelled"]


@pytest.mark.parametrize("status", TERMINAL)
def test_step_terminal_lifecycle_seals_run(status: str) -> None:
    state = fold(journal(run_lifecycle(), run_lifecycle(status)))
    assert state.terminal_status == status
    reject(state, message(journal_seq=9), SEALED_ERROR)
    reject(state, run_lifecycle("started", journal_seq=9), SEALED_ERROR)


@pytest.mark.parametrize("status", ["started", "running", "Completed", "succeeded", ""])
def test_step_other_lifecycle_status_does_not_seal(status: str) -> None:
    state = fold(journal(run_lifecycle(status)))
    assert state.terminal_status is None
    accept(state, message(journal_seq=9))


def test_step_checkpoint_and_recovery_kinds_pass_the_seal() -> None:
    state = fold(journal(run_lifecycle(), terminal_result("completed")))
    state = accept(state, checkpoint(journal_seq=3))
    state = accept(state, recovery(["effect.1"], journal_seq=4))
    assert state.last_journal_seq == 4
    assert len(state.unsafe_pending_side_effects) == 1


def test_step_record_kind_not_payload_decides_seal_exemption() -> None:
    """A recovery payload under kind ``run`` is rejected; an intent under kind ``checkpoint``
    is accepted after the seal and opens an effect."""
    state = fold(journal(run_lifecycle("completed")))
    wrong_kind = with_envelope(
        recovery(["effect.1"], journal_seq=2), record_kind=JournalRecordKind.RUN
    )
    assert isinstance(wrong_kind.payload, RecoveryMarker)
    reject(state, wrong_kind, SEALED_ERROR)
    disguised = with_envelope(
        effect_intent("effect.9", journal_seq=2), record_kind=JournalRecordKind.CHECKPOINT
    )
    after = accept(state, disguised)
    assert list(after.pending_effects.keys()) == ["effect.9"]


def test_step_sealed_rejection_records_no_content_refs() -> None:
    """Check 5 runs before the content refs are observed."""
    config = ReplayConfig(ReplayMode.AUDIT_REPLAY, available_content_refs=())
    state = fold(journal(run_lifecycle("failed")), config)
    late = with_envelope(message(journal_seq=2), content_refs=("content.gone",))
    reject(state, late, SEALED_ERROR)
    assert state.missing_content_refs == initial_state(config).missing_content_refs


def test_step_lifecycle_under_exempt_kind_overwrites_terminal_status() -> None:
    """After the seal a terminal lifecycle payload under an exempt kind still applies."""
    state = fold(journal(run_lifecycle("cancelled")))
    late = with_envelope(
        run_lifecycle("completed", journal_seq=2), record_kind=JournalRecordKind.RECOVERY
    )
    assert isinstance(late.payload, RunLifecycleRecord)
    assert accept(state, late).terminal_status == "completed"


# Faults. --------------------------------------------------------------------------------------


def test_fault_exposes_kind_retry_and_message() -> None:
    record = message(journal_seq=1)
    fault = reject(fold([record]), record, DUPLICATE_ERROR)
    assert (fault.kind.value, fault.retry.value) == ("InvalidStateTransition", "RepairNeeded")
    assert fault.message == "duplicate non-idempotent journal record during replay"
    assert record.record_id in str(fault)
