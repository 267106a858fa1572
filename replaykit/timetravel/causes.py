"""The rules behind ``explain``: what each step does to an entity's story, which
entries of the verdict each story accounts for, and the words of each cause. Pure.

``replaykit.timetravel.explain`` runs them over a fold (``Explainer``); the types of its
answer (``Entity``, ``Event``, ``Cause``) live here with the rules that make them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final, final

import attrs

from replaykit.model import (
    EffectIntent,
    EffectResult,
    JournalRecord,
    OutputDeliveryDedupeRecord,
    OutputDeliveryIntentRecord,
    OutputDeliveryReconciliationRecord,
    OutputDeliveryResultRecord,
    RecoveryMarker,
    ReplayRepairKind,
    ReplayResult,
)
from replaykit.replay import ReplayConfig, ReplayState

__all__ = [
    "LISTS",
    "Cause",
    "Entity",
    "Event",
    "Stories",
    "Story",
    "account",
    "cause_of",
    "first_entry",
    "observe",
]

#: The verdict's lists a cause accounts for, in the order of ``accounts_for``.
LISTS: Final = (
    "repair_needed",
    "unsafe_pending_side_effects",
    "missing_content_refs",
    "output_delivery_repairs",
)

_MISSING_PREFIX: Final = "content ref "
_MISSING_SUFFIX: Final = " is missing for replay"


@final
@attrs.frozen
class Entity:
    """What a cause is about: ``kind`` (effect, delivery, content, record) and its id."""

    kind: str
    id: str


@final
@attrs.frozen
class Event:
    """One step in an entity's story: the step and what it did."""

    step: int
    what: str


@final
@attrs.frozen
class Cause:
    """One reason the run needs repair (or may not resume), and how to close it."""

    entity: Entity
    #: What happened to it, step by step.
    events: tuple[Event, ...]
    #: List name -> indices into that list of the verdict.
    accounts_for: dict[str, tuple[int, ...]]
    #: What would close it.
    fix: str
    #: What it is, in one sentence.
    summary: str

    @property
    def steps(self) -> tuple[int, ...]:
        """The steps of its story, in order."""
        return tuple(sorted({event.step for event in self.events}))

    def to_data(self) -> dict[str, object]:
        """The pinned JSON form (``explain --json``)."""
        return {
            "entity": {"kind": self.entity.kind, "id": self.entity.id},
            "summary": self.summary,
            "steps": list(self.steps),
            "events": [{"step": event.step, "what": event.what} for event in self.events],
            "accounts_for": {name: list(self.accounts_for.get(name, ())) for name in LISTS},
            "fix": self.fix,
        }


class Story:
    """What the fold saw of one entity (mutable while folding, then a ``Cause``)."""

    def __init__(self, entity: Entity) -> None:
        self.entity = entity
        self.events: list[Event] = []
        self.accounts: dict[str, list[int]] = {}
        self.detail: dict[str, str] = {}

    def event(self, step_number: int, what: str) -> None:
        self.events.append(Event(step_number, what))

    def account(self, name: str, index: int) -> None:
        self.accounts.setdefault(name, []).append(index)


#: ``(kind, id)`` -> the story of that entity (made on first use).
Stories = Callable[[str, str], Story]


def first_entry(cause: Cause) -> tuple[int, int, str, str]:
    for position, name in enumerate(LISTS):
        indices = cause.accounts_for.get(name)
        if indices:
            return (position, min(indices), cause.entity.kind, cause.entity.id)
    return (len(LISTS), 0, cause.entity.kind, cause.entity.id)


def observe(
    number: int,
    record: JournalRecord,
    before: ReplayState,
    after: ReplayState,
    get: Stories,
    repair_owner: list[Entity],
    unsafe_owner: list[Entity],
    delivery_of_dedupe: dict[str, str],
) -> None:
    payload = record.payload
    # Missing content refs first: the reducer observes them before the payload's rule.
    new_repairs = (
        []
        if after.repair_needed is before.repair_needed
        else list(after.repair_needed[len(before.repair_needed) :])
    )
    added_refs = (
        ()
        if after.missing_content_refs is before.missing_content_refs
        else sorted(after.missing_content_refs - before.missing_content_refs)
    )
    for ref in added_refs:
        get("content", ref).event(
            number, f"record {record.record_id} names it; it is not available"
        )
    recovery_items = list(payload.unsafe_pending) if isinstance(payload, RecoveryMarker) else []
    for repair in new_repairs:
        if repair.kind is ReplayRepairKind.MISSING_CONTENT_REF and repair.reason.startswith(
            _MISSING_PREFIX
        ):
            ref = repair.reason[len(_MISSING_PREFIX) : -len(_MISSING_SUFFIX)]
            repair_owner.append(Entity("content", ref))
        elif recovery_items:
            item = recovery_items.pop(0)
            repair_owner.append(Entity("effect", item.effect_id))
        elif isinstance(payload, OutputDeliveryReconciliationRecord):
            repair_owner.append(Entity("delivery", payload.delivery_id))
        else:  # not produced by any rule today; keep it accounted for
            repair_owner.append(Entity("record", record.record_id))
    unsafe_before = before.unsafe_pending_side_effects
    new_unsafe = (
        ()
        if after.unsafe_pending_side_effects is unsafe_before
        else after.unsafe_pending_side_effects[len(unsafe_before) :]
    )
    for entry in new_unsafe:
        unsafe_owner.append(Entity("effect", entry.effect_id))
        marked = get("effect", entry.effect_id)
        marked.detail["markers"] = " ".join(
            [*marked.detail.get("markers", "").split(), str(number)]
        )
        marked.event(
            number,
            f"recovery marker {record.record_id} reports it unsafe: {entry.unsafe_pending_reason}",
        )
    if isinstance(payload, EffectIntent):
        verb = "intent again" if payload.effect_id in before.pending_effects else "intent"
        get("effect", payload.effect_id).event(
            number, f"{verb} (record {record.record_id}): {payload.redacted_summary}"
        )
    elif isinstance(payload, EffectResult):
        get("effect", payload.effect_id).event(
            number, f"result {payload.terminal_status.value} (record {record.record_id})"
        )
    elif isinstance(payload, OutputDeliveryIntentRecord):
        delivery_of_dedupe[payload.dedupe_key] = payload.delivery_id
        found = get("delivery", payload.delivery_id)
        found.detail["sink"] = str(payload.sink_ref)
        found.detail["dedupe"] = payload.dedupe_key
        found.event(number, f"intent to deliver to {payload.sink_ref} (record {record.record_id})")
    elif isinstance(payload, OutputDeliveryResultRecord):
        get("delivery", payload.delivery_id).event(
            number, f"result {payload.dispatch_status.value} (record {record.record_id})"
        )
    elif isinstance(payload, OutputDeliveryDedupeRecord):
        delivery = delivery_of_dedupe.get(payload.dedupe_key)
        if delivery is not None:
            get("delivery", delivery).event(
                number, f"dedupe proof {payload.dedupe_key} (record {record.record_id})"
            )
    elif isinstance(payload, OutputDeliveryReconciliationRecord):
        get("delivery", payload.delivery_id).event(
            number,
            f"reconciliation: {payload.unsafe_pending_reason} (record {record.record_id})",
        )


def account(
    state: ReplayState,
    result: ReplayResult,
    get: Stories,
    repair_owner: list[Entity],
    unsafe_owner: list[Entity],
) -> None:
    last = len(repair_owner)
    for index, owner in enumerate(repair_owner):
        get(owner.kind, owner.id).account("repair_needed", index)
    for index, owner in enumerate(unsafe_owner):
        get(owner.kind, owner.id).account("unsafe_pending_side_effects", index)
    open_effects = sorted(state.pending_effects.keys())
    for offset, effect_id in enumerate(open_effects):
        found = get("effect", effect_id)
        found.account("repair_needed", last + offset)
        found.account("unsafe_pending_side_effects", len(unsafe_owner) + offset)
        pending = state.pending_effects[effect_id]
        found.detail["open"] = "yes"
        found.detail["retry"] = "yes" if pending.retry_allowed else "no"
        found.event(
            max((event.step for event in found.events), default=0),
            "no result by the end of the journal",
        )
    repair_index = last + len(open_effects)
    undelivered = [
        delivery
        for delivery in sorted(state.output_intents.keys())
        if delivery not in state.output_results
    ]
    for index, delivery in enumerate(undelivered):
        found = get("delivery", delivery)
        found.account("output_delivery_repairs", index)
        repair = result.output_delivery_repairs[index]
        intent = state.output_intents[delivery]
        if delivery in state.output_reconciliations:
            found.detail["state"] = "reconciliation"
        elif intent.dedupe_key in state.output_dedupes:
            found.detail["state"] = "dedupe"
        else:
            found.detail["state"] = "unsafe"
            found.account("repair_needed", repair_index)
            repair_index += 1
        found.detail["sink"] = str(repair.reconciliation_adapter)
    for index, ref in enumerate(result.missing_content_refs):
        get("content", ref).account("missing_content_refs", index)


def cause_of(found: Story, config: ReplayConfig) -> Cause:
    entity = found.entity
    detail = found.detail
    accounts = {name: tuple(indices) for name, indices in found.accounts.items()}
    if entity.kind == "record":
        return Cause(entity, tuple(found.events), accounts, detail["fix"], detail["summary"])
    if entity.kind == "effect":
        if detail.get("open"):
            retry = (
                "a retry is safe (it has an idempotency or dedupe key)"
                if detail.get("retry") == "yes"
                else "it has no idempotency or dedupe key, so a retry may apply it twice"
            )
            summary = f"effect {entity.id} has an intent and no result: it may or may not have run"
            fix = (
                f"check whether {entity.id} happened, then append an effect_result for it"
                f" (whatif --resolve {entity.id}=completed or =failed); {retry}"
            )
            markers = detail.get("markers", "").split()
            if markers:
                drops = " ".join(f"--drop {step}" for step in markers)
                fix += (
                    f". The recovery marker at step {', '.join(markers)} also reports it"
                    " unsafe, and the reference keeps that whatever follows: only a journal"
                    f" without it resumes (whatif {drops} shows the difference)"
                )
        else:
            summary = f"a recovery marker reports effect {entity.id} as possibly applied"
            fix = (
                f"reconcile {entity.id} with the system it acted on: the reference keeps a"
                " recovery marker's unsafe entries whatever follows, so only a repair"
                " outside this journal (or a new run) clears it"
            )
    elif entity.kind == "delivery":
        sink = detail.get("sink", "its sink")
        state = detail.get("state")
        if state == "dedupe":
            summary = (
                f"output delivery {entity.id} has no result, but a dedupe proof shows it"
                " was delivered"
            )
            fix = "nothing to resend: the dedupe proof completes it (a repair replay reports it)"
        elif state == "reconciliation":
            summary = f"output delivery {entity.id} has a reconciliation record asking for repair"
            fix = f"reconcile delivery {entity.id} with sink {sink}"
        else:
            summary = f"output delivery {entity.id} has an intent and no result or dedupe proof"
            fix = (
                f"reconcile delivery {entity.id} with sink {sink}, then append its"
                f" output_delivery result (whatif --deliver {entity.id}=completed)"
            )
    else:  # content
        summary = f"content ref {entity.id} is named by the journal but not available"
        fix = (
            f"make content ref {entity.id} available (add it to the content store or"
            " manifest the replay checks against)"
        )
    del config
    return Cause(entity, tuple(found.events), accounts, fix, summary)
