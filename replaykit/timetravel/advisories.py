"""Advisories: what the reference verdict does not tell you about a real run. Pure.

The reference reducer is the contract, and replaykit gives its verdict exactly. But a
verdict can mislead an operator who must decide whether to resume a real run:

- ``terminal-trailer``: the runtime writes a ``turn_lifecycle`` record after the run's
  terminal record when a turn ends, and the reference rejects anything after a terminal
  record, so every complete run of the runtime looks rejected;
- ``tool-call-open`` / ``approval-open``: tool calls and approval requests live in
  ``tool`` and ``approval`` payloads, which the reducer ignores: a crash right after a
  tool started can be judged complete;
- ``duplicate-record-id``: two records under one record id (the runtime's isolation
  layer reuses one); the reference rejects the second and stops;
- ``seq-gap``: missing journal seqs (a failed append skips its seq); the reference
  allows gaps;
- ``content-missing``: a content ref the journal names is not available (only when the
  replay checks content);
- ``checkpoint-mismatch``: with a store, a stored checkpoint that covers seqs the journal
  does not have, or a checkpoint the journal records that the store lacks.

Each ``Advisory`` has a stable ``code``, a ``severity`` (``info``, ``warning``,
``danger``), the steps and entity it concerns (steps as ``show`` numbers them), one
sentence of what it means and one of what to do. Advisories never change the verdict:
they are shown after it, and in JSON only when asked for.

``Advisor`` watches a lenient fold that someone else runs (so ``replay`` and ``explain``
fold once); ``advise`` runs the fold itself.

>>> from replaykit import ReplayConfig, ReplayMode
>>> from replaykit.testing import builders as b
>>> records = b.journal(b.effect_intent("effect.1"), b.effect_result("effect.1"))
>>> records = [records[0], attrs.evolve(records[1], journal_seq=4)]
>>> [(a.code, a.severity.value, a.steps) for a in advise(records, ReplayConfig("audit_replay"))]
[('seq-gap', 'warning', (1, 2))]
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from typing import Any, Final, final

import attrs

from replaykit.model import (
    JournalRecord,
    OtherPayload,
    ReplayResult,
    RunCheckpoint,
    TurnLifecycleRecord,
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
from replaykit.timetravel.explain import Entity
from replaykit.wire import to_data
from replaykit.wire.codec import record_digest

__all__ = [
    "CODES",
    "Advisor",
    "Advisory",
    "Severity",
    "advise",
    "at_least",
]


class Severity(enum.Enum):
    """How much an advisory matters to a decision to resume, in increasing order."""

    INFO = "info"
    WARNING = "warning"
    DANGER = "danger"

    @property
    def rank(self) -> int:
        """0, 1, 2 for info, warning, danger."""
        return _RANKS[self]

    def __str__(self) -> str:
        return self.value


_RANKS: Final = {Severity.INFO: 0, Severity.WARNING: 1, Severity.DANGER: 2}

#: Every advisory code, in the order the documentation lists them.
CODES: Final = (
    "terminal-trailer",
    "tool-call-open",
    "approval-open",
    "duplicate-record-id",
    "seq-gap",
    "content-missing",
    "checkpoint-mismatch",
)

#: More advisories of one code than this are summed up in one (a journal full of gaps).
MAX_PER_CODE: Final = 20

_SEALED: Final = "journal record appears after sealed terminal replay state"
_DUPLICATE: Final = "duplicate non-idempotent journal record during replay"
#: Tool call statuses after which the call is over (PAYLOADS.md, ``ToolCallRecordStatus``).
_TOOL_DONE: Final = frozenset(
    {
        "completed",
        "failed",
        "timed_out",
        "cancelled",
        "denied_before_execution",
        "result_rewritten",
    }
)
#: Tool call statuses that mean it was dispatched and may have run.
_TOOL_STARTED: Final = frozenset({"intent_recorded", "unknown", "recovery_required"})
#: Approval lifecycle statuses that end a request (``ApprovalLifecycleStatus``).
_APPROVAL_DONE: Final = frozenset(
    {
        "approved",
        "approved_for_session",
        "denied",
        "timed_out",
        "cancelled",
        "dispatcher_unavailable",
    }
)


@final
@attrs.frozen
class Advisory:
    """One thing the verdict does not say about the run, and what to do about it."""

    code: str
    severity: Severity
    #: The steps it concerns, in order (as ``show`` numbers them; may be empty).
    steps: tuple[int, ...]
    #: What it is about (``tool_call``, ``approval``, ``record``, ``seq``, ``content``,
    #: ``checkpoint``), or ``None`` for the run as a whole.
    entity: Entity | None
    #: What it means, in one sentence.
    meaning: str
    #: What to do, in one sentence.
    action: str
    #: ``terminal-trailer``: the verdict of the journal without the trailing records.
    verdict_without: ReplayResult | None = None

    def to_data(self) -> dict[str, Any]:
        """The JSON form (``--advisories``)."""
        data: dict[str, Any] = {
            "code": self.code,
            "severity": self.severity.value,
            "steps": list(self.steps),
            "entity": None
            if self.entity is None
            else {"kind": self.entity.kind, "id": self.entity.id},
            "meaning": self.meaning,
            "action": self.action,
        }
        if self.verdict_without is not None:
            data["verdict_without"] = to_data(self.verdict_without)
        return data


def at_least(advisories: Iterable[Advisory], severity: Severity) -> bool:
    """Whether any advisory is ``severity`` or worse (``--fail-on``)."""
    return any(advisory.severity.rank >= severity.rank for advisory in advisories)


@final
class _Call:
    """What the records say of one tool call or approval request."""

    __slots__ = ("detail", "status", "steps")

    def __init__(self) -> None:
        self.steps: list[int] = []
        self.status = ""
        self.detail: dict[str, str] = {}

    def saw(self, number: int, status: str) -> None:
        if not self.steps or self.steps[-1] != number:
            self.steps.append(number)
        if status:
            self.status = status

    def note(self, key: str, value: object) -> None:
        if isinstance(value, str) and value and key not in self.detail:
            self.detail[key] = value


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
        self._tools: dict[str, _Call] = {}
        self._approvals: dict[str, _Call] = {}
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
                self._tool(number, payload)
            elif payload.type == "approval":
                self._approval(number, payload)

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

    def _tool(self, number: int, payload: OtherPayload) -> None:
        ident = payload.get("tool_call_id")
        if not isinstance(ident, str):
            return
        call = self._tools.setdefault(ident, _Call())
        status = payload.get("status")
        call.saw(number, status if isinstance(status, str) else "")
        call.note("name", payload.get("canonical_tool_name"))
        call.note("effect_class", payload.get("effect_class"))
        call.note("idempotency_key", payload.get("idempotency_key"))
        call.note("effect_id", payload.get("effect_intent", "effect_id"))

    def _approval(self, number: int, payload: OtherPayload) -> None:
        kind = payload.get("record_type")
        if kind == "requested":
            ident = payload.get("record", "request", "approval_request_id")
        else:
            ident = payload.get("record", "request_id")
        if not isinstance(ident, str) or not isinstance(kind, str):
            return
        call = self._approvals.setdefault(ident, _Call())
        if kind == "dispatch_result":
            lifecycle = payload.get("record", "lifecycle_status")
            status = lifecycle if isinstance(lifecycle, str) else "dispatch_result"
        elif kind in ("responded", "denied"):
            status = "answered" if kind == "responded" else "denied"
        else:
            status = kind
        call.saw(number, status)
        call.note("effect_class", payload.get("record", "request", "effect_class"))
        call.note("tool", payload.get("record", "request", "canonical_tool_name"))
        call.note("effect_id", payload.get("record", "effect_intent", "effect_id"))

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
        found += self._tool_advisories(result)
        found += self._approval_advisories()
        found += self._content_advisories(result)
        found += self._checkpoint_advisories(state, stored_checkpoints)
        found.sort(key=_order)
        return tuple(_capped(found))

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

    def _tool_advisories(self, result: ReplayResult) -> list[Advisory]:
        listed = {effect.effect_id for effect in result.unsafe_pending_side_effects}
        out = []
        for ident, call in self._tools.items():
            if call.status in _TOOL_DONE:
                continue
            detail = call.detail
            effect_class = detail.get("effect_class", "unknown")
            keyed = "idempotency_key" in detail
            name = detail.get("name", "a tool")
            started = call.status in _TOOL_STARTED
            if not started:
                severity = Severity.INFO
                risk = "it was requested and never dispatched, so it did not run"
                action = "nothing ran: a resumed run asks for the tool again"
            elif effect_class != "Read" and not keyed:
                severity = Severity.DANGER
                risk = (
                    f"it may have run; its effect class is {effect_class} and it has no"
                    " idempotency key, so running it again may apply it twice"
                )
                action = (
                    f"before resuming, find out in the system {name} acts on whether it ran,"
                    " and record its outcome"
                )
            else:
                severity = Severity.WARNING
                risk = f"it may have run; running it again is safe ({effect_class} effect" + (
                    ", with an idempotency key)" if keyed else ")"
                )
                action = f"check whether {name} ran; a retry after resuming is safe"
            effect = detail.get("effect_id")
            seen = (
                f"; the verdict lists its effect {effect} as unsafe"
                if effect in listed
                else "; the reference ignores tool records, so its verdict does not mention it"
            )
            out.append(
                Advisory(
                    "tool-call-open",
                    severity,
                    tuple(call.steps),
                    Entity("tool_call", ident),
                    f"tool call {ident} ({name}) is {call.status} at step {call.steps[-1]}"
                    f" with no terminal tool record by the end of the journal: {risk}{seen}",
                    action,
                )
            )
        return out

    def _approval_advisories(self) -> list[Advisory]:
        out = []
        for ident, call in self._approvals.items():
            if call.status in _APPROVAL_DONE or call.status in ("answered", "denied"):
                continue
            detail = call.detail
            asked = call.status == "requested"
            tool = detail.get("tool")
            about = f" for {tool}" if tool else ""
            effect_class = detail.get("effect_class")
            kind = f", effect class {effect_class}" if effect_class else ""
            if asked:
                severity = Severity.INFO
                what = "it was requested and never dispatched to an approver"
                action = "nothing reached an approver: a resumed run requests it again"
            else:
                severity = Severity.WARNING
                what = (
                    "it was dispatched and has no answer: an approver may have been asked,"
                    " and may answer a request the resumed run no longer waits for"
                )
                action = (
                    f"check the approval dispatcher for request {ident} before resuming, so a"
                    " person is not asked twice"
                )
            out.append(
                Advisory(
                    "approval-open",
                    severity,
                    tuple(call.steps),
                    Entity("approval", ident),
                    f"approval request {ident}{about}{kind} is {call.status} at step"
                    f" {call.steps[-1]}: {what}; the reference ignores approval records",
                    action,
                )
            )
        return out

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


def _order(advisory: Advisory) -> tuple[int, int, str, str]:
    first = advisory.steps[0] if advisory.steps else 0
    ident = "" if advisory.entity is None else advisory.entity.id
    return (first, CODES.index(advisory.code), advisory.severity.value, ident)


def _capped(found: list[Advisory]) -> list[Advisory]:
    """At most ``MAX_PER_CODE`` advisories of each code: the rest summed up in one."""
    counts: dict[str, int] = {}
    rest: dict[str, list[Advisory]] = {}
    out: list[Advisory] = []
    for advisory in found:
        seen = counts.get(advisory.code, 0)
        counts[advisory.code] = seen + 1
        if seen < MAX_PER_CODE - 1:
            out.append(advisory)
        else:
            rest.setdefault(advisory.code, []).append(advisory)
    for code, more in rest.items():
        if len(more) == 1:
            out.append(more[0])
            continue
        worst = max((advisory.severity for advisory in more), key=lambda s: s.rank)
        steps = sorted({step for advisory in more for step in advisory.steps})
        out.append(
            Advisory(
                code,
                worst,
                tuple(steps),
                None,
                f"{len(more)} more {code} advisories like the ones above"
                f" (first: {more[0].meaning})",
                more[0].action,
            )
        )
    return out


def advise(
    records: Iterable[JournalRecord],
    config: ReplayConfig,
    *,
    stored_checkpoints: Sequence[RunCheckpoint] | None = None,
) -> tuple[Advisory, ...]:
    """The advisories of ``records`` folded (leniently) under ``config``."""
    advisor = Advisor(config)
    before = advisor.start
    with pause_gc():
        for number, (record, after, fault) in enumerate(fold_steps(before, records), 1):
            advisor.see(number, record, before, after, fault)
            before = after
    return advisor.advisories(stored_checkpoints=stored_checkpoints)
