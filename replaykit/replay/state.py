"""The fold state: a frozen attrs class of persistent collections.

Small, ordered collections (the repair list, the unsafe pending list, the missing-ref
set) are pyrsistent's. The keyed maps that change with the journal (pending effects,
output intents, results, dedupes and reconciliations) are ``immutables.Map``, a C hash
array mapped trie: at 100k entries, growing it by ``set`` is about 6x and a miss ``get``
about 11x faster than with ``pmap`` (``python bench/bench_maps.py``). ``seen_records``,
the one map that grows by an entry per accepted record and never loses one, is a
``SeenRecords``: a view of an append-only ledger shared by the states of one history,
O(1) per step and one small object per kept state (``replaykit.replay.seen``). All of
them share structure, so keeping every state of a fold costs only what each step
changed.

``seen_records`` maps each accepted record id to ``None``, or, for a record that may be
repeated as an idempotent duplicate (it has an envelope idempotency or dedupe key, or is
a checkpoint or recovery record), to a 16-byte BLAKE2b digest of its canonical wire
encoding: two records are equal exactly when their canonical encodings are (WIRE.md
section 12.4), so comparing digests decides duplicates like the reference's whole-record
comparison, at a small fraction of the memory.
"""

from __future__ import annotations

from typing import Any, Final, Protocol, Self, final

import attrs
import immutables
from pyrsistent import PSet, PVector, pset, pvector

from replaykit.model import (
    OutputDeliveryDedupeRecord,
    OutputDeliveryIntentRecord,
    OutputDeliveryReconciliationRecord,
    OutputDispatchStatus,
    ReplayPendingSideEffect,
    ReplayRepairNeeded,
    RunCheckpoint,
)
from replaykit.model._twin import generate
from replaykit.replay.args import expect
from replaykit.replay.config import ReplayConfig
from replaykit.replay.seen import SeenRecords

__all__ = [
    "STATE_FIELDS",
    "OutputIntentState",
    "OutputResultState",
    "ReplayState",
    "evolve_state",
    "evolver",
    "initial_state",
]


_EMPTY_MAP: Final[immutables.Map[Any, Any]] = immutables.Map()
_NO_RECORDS: Final = SeenRecords()
_EMPTY_SET: Final[PSet[Any]] = pset()
_EMPTY_VECTOR: Final[PVector[Any]] = pvector()


@final
@attrs.frozen(kw_only=True, weakref_slot=False)
class OutputIntentState:
    """What the fold keeps of an output-delivery intent: its record and what ``finish`` uses.

    The reference keeps the whole intent; ``finish`` reads only these fields, and the
    record itself stays in the journal (``record_id``). Keeping less lets a streaming
    replay of a long journal stay small.
    """

    record_id: str
    journal_seq: int
    delivery_id: str
    idempotency_key: str | None
    dedupe_key: str
    sink_ref: str

    @classmethod
    def of(cls, record_id: str, journal_seq: int, intent: OutputDeliveryIntentRecord) -> Self:
        """The state kept for ``intent``, carried by record ``record_id`` at ``journal_seq``."""
        return cls(
            record_id=record_id,
            journal_seq=journal_seq,
            delivery_id=intent.delivery_id,
            idempotency_key=intent.idempotency_key,
            dedupe_key=intent.dedupe_key,
            sink_ref=intent.sink_ref,
        )


@final
@attrs.frozen(kw_only=True, weakref_slot=False)
class OutputResultState:
    """What the fold keeps of an output-delivery result: the record that closed it.

    ``finish`` only asks whether a delivery has a result; the record id, seq and dispatch
    status say which record that was and how the delivery ended.
    """

    record_id: str
    journal_seq: int
    dispatch_status: OutputDispatchStatus


@final
@attrs.frozen(kw_only=True, weakref_slot=False)
class ReplayState:
    """Everything the fold carries from one record to the next (SEMANTICS.md)."""

    config: ReplayConfig
    last_journal_seq: int | None = None
    seen_records: SeenRecords = _NO_RECORDS
    missing_content_refs: PSet[str] = _EMPTY_SET
    repair_needed: PVector[ReplayRepairNeeded] = _EMPTY_VECTOR
    unsafe_pending_side_effects: PVector[ReplayPendingSideEffect] = _EMPTY_VECTOR
    pending_effects: immutables.Map[str, ReplayPendingSideEffect] = _EMPTY_MAP
    output_intents: immutables.Map[str, OutputIntentState] = _EMPTY_MAP
    output_results: immutables.Map[str, OutputResultState] = _EMPTY_MAP
    output_dedupes: immutables.Map[str, OutputDeliveryDedupeRecord] = _EMPTY_MAP
    output_reconciliations: immutables.Map[str, OutputDeliveryReconciliationRecord] = _EMPTY_MAP
    terminal_status: str | None = None
    latest_checkpoint: RunCheckpoint | None = None


#: Field names in declaration order, for code that walks a state generically.
STATE_FIELDS: Final = tuple(field.name for field in attrs.fields(ReplayState))


def initial_state(config: ReplayConfig) -> ReplayState:
    """The state before any record has been applied.

    >>> from replaykit.model import ReplayMode
    >>> initial_state(ReplayConfig(ReplayMode.RESUME_REPLAY)).last_journal_seq is None
    True
    """
    expect(config, ReplayConfig, "initial_state", "config")
    return ReplayState(config=config)


_STEP_FIELDS: Final = ("last_journal_seq", "seen_records", "missing_content_refs", "repair_needed")


def _make_evolve() -> Any:
    rest = [name for name in STATE_FIELDS if name != "config" and name not in _STEP_FIELDS]
    params = ", ".join(["state", *_STEP_FIELDS, *(f"{name}=KEEP" for name in rest)])
    values = {name: f"state.{name} if {name} is KEEP else {name}" for name in rest}
    values.update({name: name for name in _STEP_FIELDS}, config="state.config")
    return generate(ReplayState, "evolve", params, values, KEEP=object())


#: ``evolve_state(state, last_journal_seq, seen_records, missing_content_refs,
#: repair_needed, **changed)``: the state after one step, in one copy. The four step
#: fields are always given; any other field not named keeps its value (generated once).
class _Evolve(Protocol):
    def __call__(
        self,
        state: ReplayState,
        last_journal_seq: int | None,
        seen_records: SeenRecords,
        missing_content_refs: PSet[str],
        repair_needed: PVector[ReplayRepairNeeded],
        *,
        unsafe_pending_side_effects: PVector[ReplayPendingSideEffect] = ...,
        pending_effects: immutables.Map[str, ReplayPendingSideEffect] = ...,
        output_intents: immutables.Map[str, OutputIntentState] = ...,
        output_results: immutables.Map[str, OutputResultState] = ...,
        output_dedupes: immutables.Map[str, OutputDeliveryDedupeRecord] = ...,
        output_reconciliations: immutables.Map[str, OutputDeliveryReconciliationRecord] = ...,
        terminal_status: str | None = ...,
        latest_checkpoint: RunCheckpoint | None = ...,
    ) -> ReplayState: ...


evolve_state: Final[_Evolve] = _make_evolve()


def evolver(*changed: str) -> Any:
    """A copy function specialised for one rule: ``f(state, seq, seen, missing, repairs,
    *changed_values)`` sets the four step fields and the ``changed`` fields, in that
    order, and keeps the rest (no per-field test of what was given)."""
    unknown = set(changed) - set(STATE_FIELDS)
    if unknown:
        raise ValueError(f"not ReplayState fields: {sorted(unknown)}")
    given = {*_STEP_FIELDS, *changed}
    values = {name: name if name in given else f"state.{name}" for name in STATE_FIELDS}
    params = ", ".join(["state", *_STEP_FIELDS, *changed])
    return generate(ReplayState, "evolve", params, values)
