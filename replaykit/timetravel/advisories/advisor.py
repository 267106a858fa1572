"""``Advisor``: the advisories of a lenient fold, watched step by step. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final, final

from replaykit.model import (
    JournalRecord,
    OtherPayload,
    ReplayResult,
    RunCheckpoint,
    TurnLifecycleRecord,
)
from replaykit.replay import ReplayConfig, ReplayFault, ReplayState, finish, initial_state
from replaykit.timetravel.advisories.advisory import Advisory, Severity, ordered
from replaykit.timetravel.advisories.calls import Calls
from replaykit.timetravel.explain import Entity
from replaykit.wire.codec import record_digest

__all__ = ["Advisor"]

_SEALED: Final = "journal record appears after sealed terminal replay state"
_DUPLICATE: Final = "duplicate non-idempotent journal record during replay"


@final
class Advisor:
    """The advisories of a lenient fold (``fold_steps``), watched step by step.

    Give it every step from ``start`` (``see``), then ask for ``advisories()``. It keeps
    a few facts per tool call, approval, gap and rejected record, never the records.
    ``run_id`` is the run of the first record seen (to look up a store's checkpoints).
    """

    def __init__(self, config: ReplayConfig, *, start: ReplayState | None = None) -> None:
        self.config = config
        self.start = initial_state(config) if start is None else start
        self.run_id: str | None = None
        self._state = self.start
        self._offset = len(self.start.seen_records)
        self._quiet_steps: list[int] = []  # steps that added no seen record id
        self._last_seq: int | None = None
        self._terminal_step = 0
        self._fault_steps: list[int] = []
        self._trailer: list[int] = []
        self._calls = Calls()
        self._content: dict[str, list[int]] = {}
        self._checkpoints: list[tuple[int, str]] = []
        self._found: list[Advisory] = []

    @property
    def state(self) -> ReplayState:
        """The state after the last step seen (the lenient fold's)."""
        return self._state

    # Watching ---------------------------------------------------------------------------

    def see(
        self,
        number: int,
        record: JournalRecord,
        before: ReplayState,
        after: ReplayState,
        fault: ReplayFault | None,
    ) -> None:
        """Step ``number``: ``record`` took ``before`` to ``after``, or was rejected."""
        if self.run_id is None:
            self.run_id = record.run_id
        seq = record.journal_seq
        last = self._last_seq
        if last is not None and seq == last + 1:
            self._last_seq = seq  # the usual case, inline
        else:
            self._seq(number, seq)
        payload = record.payload
        if fault is not None:
            self._fault_steps.append(number)
            self._quiet_steps.append(number)
            if fault.message == _DUPLICATE:
                self._duplicate(number, record, before)
            elif (
                fault.message == _SEALED
                and isinstance(payload, TurnLifecycleRecord)
                and before.terminal_status is not None
            ):
                self._trailer.append(number)
        elif after is before:
            # accepted and changed nothing: an idempotent repeat (it adds no seen id)
            self._quiet_steps.append(number)
        else:
            if after.terminal_status is not None and before.terminal_status is None:
                self._terminal_step = number
            if after.missing_content_refs is not before.missing_content_refs:
                for ref in after.missing_content_refs - before.missing_content_refs:
                    self._content.setdefault(ref, []).append(number)
            if payload.__class__ is RunCheckpoint:
                self._checkpoints.append((number, payload.checkpoint_id))
        self._state = after
        if payload.__class__ is OtherPayload:
            if payload.type == "tool":
                self._calls.tool(number, payload)
            elif payload.type == "approval":
                self._calls.approval(number, payload)

    def _seq(self, number: int, seq: int) -> None:
        last = self._last_seq
        if last is None:
            if seq > 1 and number == 1 and self._offset == 0:
                self._gap(1, seq - 1, (1,))
        elif seq > last + 1:
            self._gap(last + 1, seq - 1, (number - 1, number))
        if last is None or seq > last:
            self._last_seq = seq

    def _gap(self, first: int, last: int, steps: tuple[int, ...]) -> None:
        seqs = str(first) if first == last else f"{first}-{last}"
        count = last - first + 1
        where = (
            "before the first record"
            if steps == (1,)
            else f"between steps {steps[0]} and {steps[1]}"
        )
        self._found.append(
            Advisory(
                "seq-gap",
                Severity.WARNING,
                steps,
                Entity("seq", seqs),
                (
                    f"journal seq {seqs} is missing"
                    if count == 1
                    else f"journal seqs {seqs} ({count} seqs) are missing"
                )
                + f" {where}: an append failed (the runtime skips the seq) or records were"
                " lost; the reference allows gaps, so its verdict does not say",
                f"check the runtime's log for failed appends at seq {seqs}: a lost"
                " effect_result or tool result means that effect's outcome is unknown",
            )
        )

    def _step_of_accepted(self, index: int) -> int:
        """The step of the ``index``-th (0-based) record that added a seen id."""
        step = index + 1
        for quiet in self._quiet_steps:
            if quiet <= step:
                step += 1
            else:
                break
        return step

    def _duplicate(self, number: int, record: JournalRecord, before: ReplayState) -> None:
        ident = record.record_id
        position = before.seen_records.position(ident)
        first = (
            self._step_of_accepted(position - self._offset)
            if position is not None and position >= self._offset
            else 0
        )
        stored = before.seen_records.get(ident)
        at = f"step {first}" if first else "an earlier step"
        if stored is None:
            what = (
                f"record id {ident} was accepted at {at} and appears again at step {number}"
                " (whether the two records differ is not known: the fold keeps a digest only"
                " of records with an idempotency or dedupe key)"
            )
        elif stored == record_digest(record):
            what = (
                f"the record {ident} accepted at {at} is appended again at step {number}, unchanged"
            )
        else:
            what = (
                f"two different records carry record id {ident} (at {at} and step {number});"
                " the runtime's isolation layer reuses one id for its own record"
            )
        self._found.append(
            Advisory(
                "duplicate-record-id",
                Severity.WARNING,
                (first, number) if first else (number,),
                Entity("record", ident),
                what + "; the reference rejects the second and replays nothing after it",
                f"compare the two (`replaykit show JOURNAL --at {number}`); `replaykit lint`"
                " gives the verdict without the rejected record, which is the run's state if"
                " the second record is the runtime's own",
            )
        )

    # Concluding -------------------------------------------------------------------------

    def advisories(
        self, *, stored_checkpoints: Sequence[RunCheckpoint] | None = None
    ) -> tuple[Advisory, ...]:
        """Every advisory of what was seen, ordered by first step, then code and id.

        ``stored_checkpoints``: the checkpoints a store holds for the run, for
        ``checkpoint-mismatch`` (``None`` when the journal does not come from a store
        that keeps checkpoints)."""
        state = self._state
        result = finish(state)
        found = list(self._found)
        found += self._trailer_advisory(result)
        found += self._calls.advisories(result)
        found += self._content_advisories(result)
        found += self._checkpoint_advisories(state, stored_checkpoints)
        return ordered(found)

    def _trailer_advisory(self, result: ReplayResult) -> list[Advisory]:
        steps = tuple(self._trailer)
        if not steps:
            return []
        alone = self._fault_steps == self._trailer
        count = len(steps)
        records = "record" if count == 1 else f"{count} records"
        them = "it" if count == 1 else "them"
        if alone:
            resume = "allowed" if result.resume_allowed else "refused"
            without = f"without {them} the verdict is {result.status.value}, resume {resume}"
        else:
            first = next(k for k in self._fault_steps if k not in self._trailer)
            without = f"without {them} the journal is still rejected, at step {first}"
        return [
            Advisory(
                "terminal-trailer",
                Severity.INFO,
                steps,
                None,
                f"the reference rejects the turn_lifecycle {records} after the run's terminal"
                f" record (step {self._terminal_step}), which the runtime itself writes when"
                f" a turn ends, so a finished run looks rejected; {without}",
                f"judge the run by the verdict without {them} (`replaykit lint` prints it);"
                f" the journal needs no repair for {them}",
                verdict_without=result if alone else None,
            )
        ]

    def _content_advisories(self, result: ReplayResult) -> list[Advisory]:
        if self.config.available_content_refs is None:
            return []
        policy = self.config.missing_content_policy.value
        out = []
        for ref in result.missing_content_refs:
            steps = tuple(self._content.get(ref, ()))
            where = f" at step {steps[0]}" if steps else ""
            out.append(
                Advisory(
                    "content-missing",
                    Severity.WARNING,
                    steps,
                    Entity("content", ref),
                    f"content ref {ref} is named{where} but is not in the content checked"
                    f" (policy {policy}): a resumed run that reads it will fail",
                    "restore it to the content store, or check that the replay was given the"
                    " run's own store (--content-from-store)",
                )
            )
        return out

    def _checkpoint_advisories(
        self, state: ReplayState, stored: Sequence[RunCheckpoint] | None
    ) -> list[Advisory]:
        if stored is None:
            return []
        out = []
        last = state.last_journal_seq or 0
        for checkpoint in stored:
            covers = checkpoint.covers_journal_seq
            if covers > last:
                out.append(
                    Advisory(
                        "checkpoint-mismatch",
                        Severity.DANGER,
                        (),
                        Entity("checkpoint", checkpoint.checkpoint_id),
                        f"the store's checkpoint {checkpoint.checkpoint_id} covers journal seq"
                        f" {covers}, past the journal's last accepted record (seq {last}): a"
                        " resume from it would skip records this journal does not hold",
                        "do not resume from it: find the missing records (a torn tail,"
                        " another store) or resume from a checkpoint the journal covers",
                    )
                )
        held = {checkpoint.checkpoint_id for checkpoint in stored}
        for number, ident in self._checkpoints:
            if ident not in held:
                out.append(
                    Advisory(
                        "checkpoint-mismatch",
                        Severity.WARNING,
                        (number,),
                        Entity("checkpoint", ident),
                        f"the journal records checkpoint {ident} at step {number}, but the"
                        " store holds no such checkpoint: a resume starts from an older one",
                        "check the checkpoint store's writes for that run; resuming from an"
                        " older checkpoint replays more of the run",
                    )
                )
        return out
