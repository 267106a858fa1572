"""The session of ``replaykit debug``: a time-travel prompt over a journal's timeline.

The prompt reads one command per line, from a terminal or from a pipe (so sessions can
be scripted and tested): ``printf 'find pending\\nshow /pending_effects\\n' | replaykit
debug run.jsonl``. Without a terminal each command is echoed after the prompt, so the
output reads like the session would on screen. ``Debugger`` holds the position and
answers one command at a time; it does no I/O of its own (output goes to ``write``).
The command that runs it is ``replaykit.shell.commands.debug``.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Sequence
from typing import Final, final

from replaykit.model import ReplayResult, ReplayStatus, RunCheckpoint
from replaykit.replay import ReplayState, finish
from replaykit.replay.state import STATE_FIELDS
from replaykit.shell.advice import advisories_lines
from replaykit.shell.render import verdict_text
from replaykit.shell.stepping import json_text, patch_text, payload_name, select, step_line
from replaykit.timetravel import Step, Timeline, mentions, snapshot
from replaykit.timetravel.advisories import advise
from replaykit.timetravel.explain import explain
from replaykit.timetravel.whatif import Deliver, Drop, Edit, EditError, Resolve, whatif
from replaykit.wire import to_data, to_json

__all__ = ["FINDERS", "HELP", "PROMPT", "Debugger"]

#: ``find NAME`` for what the state or step shows: no verdict needed.
FINDERS: Final[dict[str, tuple[str, Callable[[Step], bool]]]] = {
    "pending": ("effect intents without a result", lambda s: bool(s.state.pending_effects)),
    "unsafe": (
        "unsafe pending side effects",
        lambda s: bool(s.state.unsafe_pending_side_effects),
    ),
    "repair": ("a repair recorded by the fold", lambda s: bool(s.state.repair_needed)),
    "missing": ("missing content refs", lambda s: bool(s.state.missing_content_refs)),
    "rejected": ("a rejected record", lambda s: s.fault is not None),
    "terminal": ("a terminal status", lambda s: s.state.terminal_status is not None),
    "checkpoint": ("a checkpoint", lambda s: s.state.latest_checkpoint is not None),
}

#: ``find NAME`` for what the verdict at a step says (``finish`` of its state).
VERDICT_FINDERS: Final[dict[str, tuple[str, Callable[[ReplayResult], bool]]]] = {
    "refused": ("the verdict refuses resume", lambda r: not r.resume_allowed),
    "repair-needed": (
        "the verdict needs repair",
        lambda r: r.status is ReplayStatus.REPAIR_NEEDED,
    ),
}

#: State fields a step changes without touching the verdict's status or resume answer.
_BOOKKEEPING: Final = frozenset({"seen_records", "last_journal_seq"})


HELP: Final = """\
commands (the step is the state after that many records; 0 is the initial state):
  next [N], n      go forward N steps (1)          back [N], b   go back N steps (1)
  goto N, g N      go to step N (-1: the last)     where, w      show the current step
  find WHAT, f     go to the next step after this one where WHAT holds:
                     pending, unsafe, repair, missing, rejected, terminal, checkpoint,
                     refused, repair-needed (the verdict at that step),
                     seq N (the record's seq is N), id TEXT (the record names TEXT),
                     kind K (record kind or payload type K);
                   find became WHAT: the next step where WHAT starts to hold
                     (e.g. find became refused: where resume became refused)
  rfind WHAT, fb   the same, backwards (rfind became WHAT too)
  why              the causes of the verdict at this step (explain), with their steps
  advisories       what the verdict does not say about the whole run (Advisories page)
  whatif EDIT...   the verdict after an edit of the whole journal, before writing it:
                     drop N, resolve EFFECT_ID=STATUS, deliver DELIVERY_ID=STATUS
  show [POINTER]   the state here in snapshot form (or the part at a JSON Pointer)
  diff [N]         what this step changed (or what changed since step N)
  result           the verdict if the journal ended here (result json: the wire bytes)
  record           the record applied at this step, as JSON
  help, h          this text                       quit, q       leave (so does end of input)"""


@final
class Debugger:
    """A position on a timeline, moved and inspected by text commands."""

    def __init__(
        self,
        timeline: Timeline,
        *,
        write: Callable[[str], None],
        unit: str,
        locations: Sequence[int],
        stored_checkpoints: Sequence[RunCheckpoint] | None = None,
    ) -> None:
        self.timeline = timeline
        self.stored_checkpoints = stored_checkpoints
        self.write = write
        self.unit = unit
        self.locations = locations
        self.position = 0
        self.last = len(timeline) - 1
        self.failed = 0
        self._known_ids: set[str] | None = None

    def handle(self, line: str) -> bool:
        """Run one command line; ``False`` when the session should end."""
        try:
            words = shlex.split(line)
        except ValueError as error:
            return self._error(f"cannot read the command: {error}")
        if not words:
            return True
        name, args = words[0].lower(), words[1:]
        if name in ("quit", "q", "exit"):
            return False
        handler = _COMMANDS.get(name)
        if handler is None:
            return self._error(f"unknown command {name!r} (type help)")
        try:
            handler(self, args)
        except _Refused as refused:
            return self._error(str(refused))
        return True

    def _error(self, message: str) -> bool:
        self.failed += 1
        self.write(f"error: {message}")
        return True

    # Moving ------------------------------------------------------------------------------

    def _line(self, k: int) -> str:
        previous = None if k == 0 else self.timeline.step(k - 1)
        location = self.locations[k - 1] if 0 < k <= len(self.locations) else 0
        return step_line(self.timeline.step(k), previous, unit=self.unit, location=location)

    def go(self, k: int) -> None:
        """Move to step ``k`` (negative: from the end) and say where we are."""
        if k < 0:
            k += self.last + 1
        if not 0 <= k <= self.last:
            raise _Refused(f"no step {k}: steps go from 0 to {self.last}")
        self.position = k
        self.write(self._line(k))

    def _next(self, args: list[str]) -> None:
        count = _count(args)
        if self.position + count > self.last:
            raise _Refused(f"cannot go {count} forward: step {self.last} is the last")
        self.go(self.position + count)

    def _back(self, args: list[str]) -> None:
        count = _count(args)
        if self.position - count < 0:
            raise _Refused(f"cannot go {count} back: step 0 is the first")
        self.go(self.position - count)

    def _goto(self, args: list[str]) -> None:
        if len(args) != 1:
            raise _Refused("goto needs a step number")
        self.go(_number(args, 0))

    def _where(self, args: list[str]) -> None:
        self.write(self._line(self.position))

    def _find(self, args: list[str], *, backwards: bool = False) -> None:
        if not args:
            names = [*FINDERS, *VERDICT_FINDERS, "seq N", "id TEXT", "kind K", "became WHAT"]
            raise _Refused("find what? " + ", ".join(names))
        became = args[0].lower() == "became"
        if became:
            args = args[1:]
            if not args:
                raise _Refused("find became what? (e.g. find became refused)")
        what = args[0].lower()
        test, label = self._finder(what, args[1:])
        steps = (
            range(self.position - 1, -1, -1)
            if backwards
            else range(self.position + 1, self.last + 1)
        )
        if became:
            # a transition: WHAT holds at k and not at k - 1 (tests are computed afresh:
            # a verdict test remembers only the last state it saw)
            test = _became(test, self.timeline)
        for k in steps:
            current = self.timeline.step(k)
            if test(current):
                self.go(k)
                return
        where = "before" if backwards else "after"
        if became:
            raise _Refused(f"no step {where} {self.position} where {label} starts to hold")
        raise _Refused(f"no step {where} {self.position} with {label}")

    def _rfind(self, args: list[str]) -> None:
        self._find(args, backwards=True)

    def _why(self, args: list[str]) -> None:
        records = [self.timeline.record(k) for k in range(1, self.position + 1)]
        explained = explain(records, self.timeline.config)
        if explained.fault is not None:
            self.write(
                f"the strict replay stops at step {explained.fault_step}: {explained.fault.message}"
            )
            return
        if not explained.causes:
            self.write(f"nothing to explain at step {self.position}: the verdict is complete")
            return
        lines = [f"{len(explained.causes)} cause(s) at step {self.position}:"]
        for number, cause in enumerate(explained.causes, 1):
            lines.append(f"{number}. {cause.entity.kind} {cause.entity.id}: {cause.summary}")
            lines.extend(f"     step {event.step:<5} {event.what}" for event in cause.events)
            lines.append(f"     fix: {cause.fix}")
        self.write("\n".join(lines))

    def _advisories(self, args: list[str]) -> None:
        records = [self.timeline.record(k) for k in range(1, self.last + 1)]
        found = advise(records, self.timeline.config, stored_checkpoints=self.stored_checkpoints)
        self.write("\n".join(advisories_lines(found)[1:] or ["no advisories for this run"]))

    def _whatif(self, args: list[str]) -> None:
        if not args:
            raise _Refused("whatif what? drop N, resolve EFFECT_ID=STATUS, deliver ID=STATUS")
        edits: list[Edit] = []
        words = list(args)
        while words:
            verb = words.pop(0).lower()
            if not words:
                raise _Refused(f"whatif {verb}: what?")
            value = words.pop(0)
            if verb == "drop":
                edits.append(Drop(_number([value], 0)))
            elif verb in ("resolve", "deliver"):
                ident, sep, status = value.partition("=")
                if not sep or not ident or not status:
                    raise _Refused(f"whatif {verb} {value}: expected ID=STATUS")
                edits.append(
                    Resolve(ident, status) if verb == "resolve" else Deliver(ident, status)
                )
            else:
                raise _Refused(f"whatif: unknown edit {verb!r} (drop, resolve, deliver)")
        records = [self.timeline.record(k) for k in range(1, self.last + 1)]
        try:
            tried = whatif(records, self.timeline.config, edits)
        except EditError as error:
            raise _Refused(str(error)) from None
        lines = []
        for label, side in (("before", tried.before), ("after ", tried.after)):
            if side.result is None:
                assert side.fault is not None
                lines.append(f"{label}: rejected at step {side.fault_step}: {side.fault.message}")
            else:
                resume = "resume allowed" if side.result.resume_allowed else "resume REFUSED"
                lines.append(
                    f"{label}: {side.result.status.value}, {resume},"
                    f" {len(side.result.repair_needed)} repairs"
                )
        first = tried.first_difference
        lines.append(
            "the folds are the same at every step"
            if first is None
            else f"the folds first differ at step {first}"
        )
        self.write("\n".join(lines))

    def completions(self, text: str, words: Sequence[str]) -> list[str]:
        """What ``text`` may complete to: a command name first, then finder names and
        the ids the journal's records name (effects, deliveries, records)."""
        if not words:
            return sorted(name for name in _COMMANDS if name.startswith(text))
        command = words[0].lower()
        options: set[str] = set()
        if command in ("find", "f", "rfind", "fb"):
            options.update(FINDERS, VERDICT_FINDERS, ("seq", "id", "kind", "became"))
        if command == "whatif":
            options.update(("drop", "resolve", "deliver"))
        if command in ("find", "f", "rfind", "fb", "whatif") and len(words) >= 2:
            options.update(self._ids())
        return sorted(option for option in options if option.startswith(text))

    def _ids(self) -> set[str]:
        if self._known_ids is None:
            found: set[str] = set()
            for k in range(1, self.last + 1):
                record = self.timeline.record(k)
                found.add(record.record_id)
                for name in ("effect_id", "delivery_id"):
                    value = getattr(record.payload, name, None)
                    if isinstance(value, str):
                        found.add(value)
            self._known_ids = found
        return self._known_ids

    def _finder(self, what: str, args: list[str]) -> tuple[Callable[[Step], bool], str]:
        if what in FINDERS:
            label, holds = FINDERS[what]
            return holds, label
        if what in VERDICT_FINDERS:
            label, says = VERDICT_FINDERS[what]
            return _verdict_test(says), label
        if what in ("seq", "id", "kind") and len(args) == 1:
            value = args[0]
            if what == "seq":
                seq = _number(args, 0)
                return (
                    lambda s: s.record is not None and s.record.journal_seq == seq
                ), f"seq {seq}"
            if what == "id":
                return (
                    lambda s: s.record is not None and mentions(s.record, value)
                ), f"a record naming {value!r}"
            return (lambda s: s.record is not None and _kind_matches(s, value)), f"kind {value}"
        raise _Refused(f"cannot find {' '.join([what, *args])!r} (type help)")

    # Looking ----------------------------------------------------------------------------

    def _state(self) -> ReplayState:
        return self.timeline.state(self.position)

    def _show(self, args: list[str]) -> None:
        pointer = args[0] if args else ""
        try:
            value = select(snapshot(self._state()), pointer)
        except (KeyError, ValueError) as error:
            raise _Refused(f"nothing at {pointer!r} ({error})") from None
        self.write(json_text(value, compact=False))

    def _diff(self, args: list[str]) -> None:
        start = _number(args, self.position - 1) if args else self.position - 1
        if start < 0:
            start += self.last + 1
        if not 0 <= start <= self.last:
            raise _Refused(f"no step {start}: steps go from 0 to {self.last}")
        self.write(patch_text(self.timeline.diff(start, self.position)))

    def _result(self, args: list[str]) -> None:
        result = self.timeline.result(self.position)
        if args and args[0].lower() == "json":
            self.write(to_json(result))
        else:
            self.write(verdict_text(result, records=self.position))

    def _record(self, args: list[str]) -> None:
        if self.position == 0:
            raise _Refused("step 0 is the initial state: no record was applied")
        self.write(json_text(to_data(self.timeline.record(self.position)), compact=False))

    def _help(self, args: list[str]) -> None:
        self.write(HELP)


class _Refused(Exception):
    """A command that cannot be done here (shown as ``error: ...``)."""


def _verdict_test(says: Callable[[ReplayResult], bool]) -> Callable[[Step], bool]:
    """``says(finish(state))`` for each step, computing the verdict again only when the
    step changed more than its bookkeeping (most steps of a long journal do not), so a
    search costs one ``finish`` per step that matters, not one per step."""
    last: list[tuple[ReplayState, bool]] = []

    def test(step: Step) -> bool:
        state = step.state
        if last:
            before, answer = last[0]
            if all(
                getattr(state, name) is getattr(before, name)
                for name in STATE_FIELDS
                if name not in _BOOKKEEPING
            ):
                return answer
        answer = says(finish(state))
        last[:] = [(state, answer)]
        return answer

    return test


def _became(test: Callable[[Step], bool], timeline: Timeline) -> Callable[[Step], bool]:
    """Whether ``test`` holds at a step and not at the one before it."""

    def transition(step: Step) -> bool:
        if step.index == 0 or not test(step):
            return False
        return not test(timeline.step(step.index - 1))

    return transition


def _count(args: list[str]) -> int:
    count = _number(args, 1)
    if count < 1:
        raise _Refused(f"the count must be a positive number, not {count}")
    return count


def _number(args: list[str], default: int) -> int:
    if not args:
        return default
    try:
        return int(args[0])
    except ValueError:
        raise _Refused(f"{args[0]!r} is not a number") from None


def _kind_matches(current: Step, value: str) -> bool:
    record = current.record
    assert record is not None
    return value in (
        str(record.record_kind),
        payload_name(record),
        payload_name(record).split("/")[0],
    )


_COMMANDS: Final[dict[str, Callable[[Debugger, list[str]], None]]] = {
    "next": Debugger._next,
    "n": Debugger._next,
    "back": Debugger._back,
    "b": Debugger._back,
    "prev": Debugger._back,
    "goto": Debugger._goto,
    "g": Debugger._goto,
    "where": Debugger._where,
    "w": Debugger._where,
    "find": Debugger._find,
    "f": Debugger._find,
    "rfind": Debugger._rfind,
    "fb": Debugger._rfind,
    "why": Debugger._why,
    "advisories": Debugger._advisories,
    "whatif": Debugger._whatif,
    "show": Debugger._show,
    "diff": Debugger._diff,
    "result": Debugger._result,
    "record": Debugger._record,
    "help": Debugger._help,
    "h": Debugger._help,
    "?": Debugger._help,
}

PROMPT: Final = "(replaykit) "
