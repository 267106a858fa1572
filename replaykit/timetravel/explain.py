"""``explain``: from a verdict to its causes, one per entity, with the steps behind it.

The reference's ``ReplayResult`` lists an effect once per reason (a recovery marker's
repair, then the same effect again when it is still open at the end), and never says at
which step a repair arose. ``explain`` folds the records once, watching what each step
changes in the state (its repairs, unsafe entries, missing refs, open effects and
deliveries), and groups everything by the entity it concerns:

- ``effect``: an effect id (intents, results, recovery markers);
- ``delivery``: an output delivery id (intent, result, dedupe proof, reconciliation);
- ``content``: a content ref that is not available;
- ``record``: a record the reference rejects (the replay stops there).

Each ``Cause`` says which steps created, changed and left it open (steps numbered as
``show`` numbers them: step k is the state after the k-th record), which entries of the
verdict's lists it accounts for (indices into ``repair_needed``,
``unsafe_pending_side_effects``, ``missing_content_refs`` and
``output_delivery_repairs``: every entry belongs to exactly one cause), and what would
close it. Pure: it reads records and returns values.

>>> from replaykit import ReplayConfig, ReplayMode, load
>>> records = load("example:crash-recovery").unwrap()
>>> explained = explain(records, ReplayConfig(ReplayMode.RESUME_REPLAY))
>>> [(cause.entity.kind, cause.entity.id) for cause in explained.causes][:2]
[('effect', 'effect.file.write.1'), ('effect', 'effect.provider.1')]
"""

from __future__ import annotations

from collections.abc import Container, Iterable
from typing import final

import attrs

from replaykit.model import (
    EffectIntent,
    EffectResult,
    JournalRecord,
    OutputDeliveryResultRecord,
    ReplayResult,
)
from replaykit.replay import (
    ReplayConfig,
    ReplayFault,
    ReplayState,
    finish,
    fold_steps,
    initial_state,
    pause_gc,
)
from replaykit.timetravel.causes import (
    LISTS,
    Cause,
    Entity,
    Event,
    Story,
    account,
    cause_of,
    first_entry,
    observe,
)

__all__ = ["LISTS", "Cause", "Entity", "Event", "Explainer", "Explanation", "explain"]


@final
@attrs.frozen
class Explanation:
    """The verdict (a result, or the fault that stopped the replay) and its causes."""

    result: ReplayResult | None
    fault: ReplayFault | None
    #: The step of the rejected record (0 when none).
    fault_step: int
    records: int
    causes: tuple[Cause, ...]


def explain(records: Iterable[JournalRecord], config: ReplayConfig) -> Explanation:
    """The causes of the strict replay's verdict on ``records`` under ``config``.

    Folds with the cyclic collector paused, as the replay folds do; stops reading at the
    first rejected record, as the strict replay does."""
    explainer = Explainer(config)
    before = explainer.start
    with pause_gc():
        for number, (record, after, fault) in enumerate(fold_steps(before, records), 1):
            explainer.see(number, record, before, after, fault)
            if fault is not None:
                break
            before = after
    return explainer.explanation()


@final
class Explainer:
    """``explain`` as an observer of a lenient fold that someone else runs.

    Give it every step (``see``) from ``start``; it keeps what the strict replay would
    see (the steps up to the first rejected record) and ignores the rest, so one fold
    can serve it and other observers (``replaykit.timetravel.advisories``) together.
    """

    def __init__(self, config: ReplayConfig) -> None:
        self.config = config
        self.start = initial_state(config)
        self._stories: dict[Entity, Story] = {}
        #: The entity of each entry of ``state.repair_needed`` and of ``state.unsafe_...``.
        self._repair_owner: list[Entity] = []
        self._unsafe_owner: list[Entity] = []
        self._delivery_of_dedupe: dict[str, str] = {}
        #: Entities some repair or unsafe entry names (their stories are always kept).
        self._owned: set[Entity] = set()
        #: Effect id -> its first intent (step, verb, record id, summary), for an effect
        #: nothing else has happened to yet (``_quiet``).
        self._light: dict[str, tuple[int, str, str, str]] = {}
        self._state = self.start
        self._count = 0
        self._done: Explanation | None = None

    def _story(self, kind: str, ident: str) -> Story:
        key = Entity(kind, ident)
        found = self._stories.get(key)
        if found is None:
            found = self._stories[key] = Story(key)
            if kind == "effect":
                light = self._light.pop(ident, None)
                if light is not None:  # its intent, kept light until now
                    step, verb, record_id, summary = light
                    found.event(step, f"{verb} (record {record_id}): {summary}")
        return found

    def _quiet(
        self, number: int, record: JournalRecord, before: ReplayState, after: ReplayState
    ) -> bool:
        """The common steps, taken without a story: an effect's first intent (kept as
        a tuple until anything else happens to it) and the result that closes it
        cleanly (the tuple is dropped). Only when the step adds no repair, unsafe entry
        or missing ref; the story made later from the tuple is the same."""
        payload = record.payload
        ident = payload.effect_id  # type: ignore[union-attr]
        if payload.__class__ is EffectIntent:
            if ident in self._light or Entity("effect", ident) in self._stories:
                return False
            verb = "intent again" if ident in before.pending_effects else "intent"
            summary = payload.redacted_summary
            self._light[ident] = (number, verb, record.record_id, summary)
            return True
        if ident in self._light and ident not in after.pending_effects:
            del self._light[ident]
            return True
        return False

    def see(
        self,
        number: int,
        record: JournalRecord,
        before: ReplayState,
        after: ReplayState,
        fault: ReplayFault | None,
    ) -> None:
        """Step ``number`` of the fold: ``record`` took ``before`` to ``after`` (or was
        rejected with ``fault``)."""
        if self._done is not None:
            return
        self._count = number
        if fault is not None:
            rejected = self._story("record", record.record_id)
            rejected.event(number, f"rejected: {fault.message}")
            rejected.detail["fix"] = (
                f"the reference stops at this record (seq {record.journal_seq}): drop it"
                f" (whatif --drop {number}) or correct it, then replay again"
            )
            rejected.detail["summary"] = (
                f"record {record.record_id} (seq {record.journal_seq}) is rejected: {fault.message}"
            )
            cause = cause_of(rejected, self.config)
            self._done = Explanation(None, fault, number, number, (cause,))
            return
        cls = record.payload.__class__
        if (
            (cls is EffectIntent or cls is EffectResult)
            and after.repair_needed is before.repair_needed
            and after.unsafe_pending_side_effects is before.unsafe_pending_side_effects
            and after.missing_content_refs is before.missing_content_refs
            and self._quiet(number, record, before, after)
        ):
            self._state = after
            return
        repairs, unsafe = len(self._repair_owner), len(self._unsafe_owner)
        observe(
            number,
            record,
            before,
            after,
            self._story,
            self._repair_owner,
            self._unsafe_owner,
            self._delivery_of_dedupe,
        )
        self._state = after
        if len(self._repair_owner) != repairs:
            self._owned.update(self._repair_owner[repairs:])
        if len(self._unsafe_owner) != unsafe:
            self._owned.update(self._unsafe_owner[unsafe:])
        payload = record.payload
        if isinstance(payload, EffectResult):
            self._forget(Entity("effect", payload.effect_id), after.pending_effects)
        elif isinstance(payload, OutputDeliveryResultRecord):
            self._forget(Entity("delivery", payload.delivery_id), ())

    def _forget(self, entity: Entity, still_open: Container[str]) -> None:
        """Drop the story of an entity that just closed cleanly (no repair, no unsafe
        entry names it): such a story never becomes a cause, and a long journal would
        otherwise keep one per effect. Should a later record name it again (a recovery
        marker, a new intent), its story starts there."""
        if entity.id in still_open or entity in self._owned:
            return
        story = self._stories.pop(entity, None)
        if story is not None and entity.kind == "delivery":
            dedupe = story.detail.get("dedupe")
            if dedupe is not None and self._delivery_of_dedupe.get(dedupe) == entity.id:
                del self._delivery_of_dedupe[dedupe]

    def explanation(self) -> Explanation:
        """The explanation of what was seen: the first rejection, or the verdict's causes."""
        if self._done is not None:
            return self._done
        state = self._state
        result = finish(state)
        account(state, result, self._story, self._repair_owner, self._unsafe_owner)
        stories = self._stories.values()
        causes = [cause_of(found, self.config) for found in stories if any(found.accounts.values())]
        causes.sort(key=first_entry)
        self._done = Explanation(result, None, 0, self._count, tuple(causes))
        return self._done
