"""``whatif``: try an edit of a journal before writing it, and see what it changes.

Edits name steps as ``show`` numbers them (step k is the k-th record of the original):

- ``Drop(k)``: leave record k out;
- ``InsertAfter(k, records)``: put records after record k (``k = 0``: before the first);
- ``Append(records)``: put records at the end;
- ``Resolve(effect_id, status)``: append an ``effect_result`` closing an open effect;
- ``Deliver(delivery_id, status)``: append the ``output_delivery`` result of a delivery.

``Resolve`` and ``Deliver`` synthesize their record from the effect's (or delivery's)
last intent in the journal: the same envelope (run, agent, refs, privacy), the result's
record kind and payload, and a record id (``whatif.result.<id>.<n>``) that no record of
the branch has. It goes where the result would have been written: after that intent,
before the first record that reports the effect unsafe (a recovery marker naming it)
or seals the run (a terminal result or status), else at the end; its seq follows the
record before it, and when no gap is left the later records' seqs move up by one.
Nothing is written: the branch is a tuple of records; the shell writes it when asked
(``whatif -o``).

``whatif`` replays both journals strictly and returns a ``WhatIf``: the two verdicts
(results or faults) and the first step at which the two folds' states differ. Pure.

>>> from replaykit import ReplayConfig, ReplayMode, load
>>> records = load("example:crash-recovery").unwrap()
>>> config = ReplayConfig(ReplayMode.RESUME_REPLAY)
>>> tried = whatif(records, config, [Resolve("effect.file.write.1", "completed")])
>>> tried.before.result.resume_allowed, len(tried.branch) - len(records)
(False, 1)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import final

import attrs

from replaykit.model import (
    EffectIntent,
    EffectResult,
    EffectTerminalStatus,
    JournalRecord,
    JournalRecordKind,
    OutputDeliveryIntentRecord,
    OutputDeliveryResultRecord,
    OutputDispatchStatus,
    RecoveryMarker,
    ReplayResult,
    RetryClassification,
    RunLifecycleRecord,
    TerminalResultMarker,
)
from replaykit.replay import ReplayConfig, ReplayFault
from replaykit.replay.transitions import TERMINAL_LIFECYCLE
from replaykit.timetravel.timeline import Timeline

__all__ = [
    "Append",
    "Deliver",
    "Drop",
    "Edit",
    "EditError",
    "InsertAfter",
    "Resolve",
    "Side",
    "WhatIf",
    "branch",
    "whatif",
]

SUMMARY = "what-if: appended by replaykit whatif"


@final
@attrs.frozen
class Drop:
    step: int


@final
@attrs.frozen
class InsertAfter:
    step: int
    records: tuple[JournalRecord, ...]


@final
@attrs.frozen
class Append:
    records: tuple[JournalRecord, ...]


@final
@attrs.frozen
class Resolve:
    effect_id: str
    status: str = "completed"


@final
@attrs.frozen
class Deliver:
    delivery_id: str
    status: str = "completed"


Edit = Drop | InsertAfter | Append | Resolve | Deliver


class EditError(ValueError):
    """An edit that cannot apply to the journal (a step out of range, an unknown id)."""


@final
@attrs.frozen
class Side:
    """One journal's strict replay: its verdict, or the fault and its step."""

    result: ReplayResult | None
    fault: ReplayFault | None
    fault_step: int
    records: int

    @property
    def resume_allowed(self) -> bool | None:
        return None if self.result is None else self.result.resume_allowed


@final
@attrs.frozen
class WhatIf:
    """Both verdicts, the branch, and where the two folds first differ."""

    before: Side
    after: Side
    branch: tuple[JournalRecord, ...]
    #: The first step (of the branch) whose state differs from the original's at the
    #: same step, or ``None`` when every state is the same.
    first_difference: int | None


def _side(timeline: Timeline) -> Side:
    halted = timeline.halt
    if halted is not None:
        return Side(None, halted.fault, halted.index, halted.index)
    return Side(timeline.result(-1), None, 0, len(timeline) - 1)


def _check_step(number: int, total: int, what: str) -> None:
    if not 0 <= number <= total or (what == "drop" and number == 0):
        low = 1 if what == "drop" else 0
        raise EditError(f"{what}: step {number} is not in {low}..{total}")


def branch(records: Sequence[JournalRecord], edits: Iterable[Edit]) -> tuple[JournalRecord, ...]:
    """The edited journal (edits that name steps use the original's numbers)."""
    edits = list(edits)
    total = len(records)
    dropped: set[int] = set()
    after: dict[int, list[JournalRecord]] = {}
    tail: list[JournalRecord] = []
    for edit in edits:
        if isinstance(edit, Drop):
            _check_step(edit.step, total, "drop")
            dropped.add(edit.step)
        elif isinstance(edit, InsertAfter):
            _check_step(edit.step, total, "insert after")
            after.setdefault(edit.step, []).extend(edit.records)
        elif isinstance(edit, Append):
            tail.extend(edit.records)
    out: list[JournalRecord] = list(after.get(0, []))
    for number, record in enumerate(records, 1):
        if number not in dropped:
            out.append(record)
        out.extend(after.get(number, []))
    out.extend(tail)
    for edit in edits:
        if isinstance(edit, Resolve | Deliver):
            out = _place(out, edit)
    return tuple(out)


def _names(record: JournalRecord, edit: Resolve | Deliver) -> bool:
    payload = record.payload
    if isinstance(edit, Resolve):
        return isinstance(payload, EffectIntent) and payload.effect_id == edit.effect_id
    return (
        isinstance(payload, OutputDeliveryIntentRecord) and payload.delivery_id == edit.delivery_id
    )


def _stops(record: JournalRecord, edit: Resolve | Deliver) -> bool:
    """Whether the result belongs before ``record``: a recovery marker that reports the
    effect unsafe, or a record that seals the run (a terminal result or status)."""
    payload = record.payload
    if isinstance(payload, RecoveryMarker):
        ident = edit.effect_id if isinstance(edit, Resolve) else None
        return ident is None or any(item.effect_id == ident for item in payload.unsafe_pending)
    if isinstance(payload, TerminalResultMarker):
        return True
    return isinstance(payload, RunLifecycleRecord) and payload.status in TERMINAL_LIFECYCLE


def _place(out: list[JournalRecord], edit: Resolve | Deliver) -> list[JournalRecord]:
    """The branch with the synthesized result where it belongs: after the last intent,
    before the first record that reports it unsafe or seals the run (else at the end).
    When the seqs around that place leave no gap, the later records' seqs move up by
    one (they must strictly increase)."""
    last = max((i for i, record in enumerate(out) if _names(record, edit)), default=None)
    if last is None:
        what = "effect_intent" if isinstance(edit, Resolve) else "output_delivery intent"
        ident = edit.effect_id if isinstance(edit, Resolve) else edit.delivery_id
        verb = "resolve" if isinstance(edit, Resolve) else "deliver"
        raise EditError(f"{verb}: no {what} for {ident!r} in the journal")
    place = next((i for i in range(last + 1, len(out)) if _stops(out[i], edit)), len(out))
    before_seq = max((record.journal_seq for record in out[:place]), default=0)
    intent = out[last]
    if isinstance(edit, Resolve):
        made = _resolve(out, edit, intent, before_seq + 1)
    else:
        made = _deliver(out, edit, intent, before_seq + 1)
    rest = out[place:]
    if rest and min(record.journal_seq for record in rest) <= made.journal_seq:
        rest = [attrs.evolve(record, journal_seq=record.journal_seq + 1) for record in rest]
    return [*out[:place], made, *rest]


def _next(records: Sequence[JournalRecord], kind: str, ident: str) -> str:
    taken = {record.record_id for record in records}
    number = 1
    while f"whatif.{kind}.{ident}.{number}" in taken:
        number += 1
    return f"whatif.{kind}.{ident}.{number}"


def _resolve(
    records: Sequence[JournalRecord], edit: Resolve, intent: JournalRecord, seq: int
) -> JournalRecord:
    try:
        status = EffectTerminalStatus(edit.status)
    except ValueError:
        choices = ", ".join(member.value for member in EffectTerminalStatus)
        raise EditError(f"resolve: {edit.status!r} is not one of {choices}") from None
    record_id = _next(records, "result", edit.effect_id)
    payload = EffectResult(
        effect_id=edit.effect_id, terminal_status=status, redacted_summary=SUMMARY
    )
    return attrs.evolve(
        intent,
        journal_seq=seq,
        record_id=record_id,
        record_kind=JournalRecordKind.EFFECT_RESULT,
        payload=payload,
        content_refs=(),
        checkpoint_ref=None,
    )


def _deliver(
    records: Sequence[JournalRecord], edit: Deliver, intent: JournalRecord, seq: int
) -> JournalRecord:
    assert isinstance(intent.payload, OutputDeliveryIntentRecord)
    try:
        status = OutputDispatchStatus(edit.status)
    except ValueError:
        choices = ", ".join(member.value for member in OutputDispatchStatus)
        raise EditError(f"deliver: {edit.status!r} is not one of {choices}") from None
    effect = (
        EffectTerminalStatus.COMPLETED
        if status is OutputDispatchStatus.COMPLETED
        else EffectTerminalStatus.FAILED
    )
    record_id = _next(records, "delivery", edit.delivery_id)
    planned = intent.payload
    payload = OutputDeliveryResultRecord(
        delivery_id=edit.delivery_id,
        effect_result=EffectResult(
            effect_id=planned.effect_intent.effect_id,
            terminal_status=effect,
            redacted_summary=SUMMARY,
        ),
        destination=planned.destination,
        sink_ref=planned.sink_ref,
        dispatch_status=status,
        redacted_summary=SUMMARY,
        retry_classification=RetryClassification.NOT_RETRYABLE,
    )
    return attrs.evolve(
        intent,
        journal_seq=seq,
        record_id=record_id,
        payload=payload,
        content_refs=(),
        checkpoint_ref=None,
    )


def whatif(records: Sequence[JournalRecord], config: ReplayConfig, edits: Iterable[Edit]) -> WhatIf:
    """Replay ``records`` and their edited branch; compare the verdicts and the folds.

    The branch is a fork of the original's timeline where the two first part: the
    records before that are folded once, and their states are the same objects.
    """
    records = tuple(records)
    edited = branch(records, edits)
    original = Timeline(records, config, strict=True, pause_gc=True)
    same = next(
        (n for n, (a, b) in enumerate(zip(records, edited, strict=False)) if a is not b),
        min(len(records), len(edited)),
    )
    shared = min(same, len(original) - 1)
    forked = original.fork(shared, edited[shared:])
    before, after = _side(original), _side(forked)
    first = None
    for number in range(shared + 1, max(len(original), len(forked))):
        if number >= len(original) or number >= len(forked) or original[number] != forked[number]:
            first = number
            break
    if first is None and (before.fault is None) != (after.fault is None):
        first = min(len(original), len(forked))
    return WhatIf(before, after, edited, first)
