"""Advisories on the command line: the options, one fold for several observers, the text.

``advisory_options`` gives a command ``--advisories`` (JSON output gets a separate
top-level ``advisories`` key; without it the reference's bytes are untouched),
``--ignore CODE`` and ``--fail-on warning|danger`` (exit 3 when the verdict alone would
exit 0 and an advisory at or above that severity remains). ``observe`` runs one
lenient fold over a source for several observers (``Explainer``, ``Advisor``), keeping
where the first rejected record was; the text goes after the verdict, never inside it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Final, Protocol, TypeVar, cast, final

import attrs
import click
import orjson

from replaykit.model import JournalRecord
from replaykit.replay import ReplayFault, ReplayState, fold_steps, pause_gc
from replaykit.shell.errors import SourceError
from replaykit.shell.output import Outcome
from replaykit.shell.sources import JournalSource
from replaykit.shell.sources.base import stored_checkpoints
from replaykit.timetravel.advisories import CODES, Advisory, Severity, at_least

__all__ = [
    "AdviceArgs",
    "Folded",
    "advice_arguments",
    "advisories_json",
    "advisories_lines",
    "observe",
    "stored_checkpoints",
    "with_advisories",
]

F = TypeVar("F", bound=Callable[..., Any])

_MARKS: Final = {Severity.INFO: "info", Severity.WARNING: "WARNING", Severity.DANGER: "DANGER"}
_COLOURS: Final = {Severity.INFO: "cyan", Severity.WARNING: "yellow", Severity.DANGER: "red"}


@final
@attrs.frozen
class AdviceArgs:
    """``--advisories``, ``--ignore`` and ``--fail-on`` as given."""

    in_json: bool
    ignore: tuple[str, ...]
    fail_on: str | None

    def keep(self, advisories: Iterable[Advisory]) -> tuple[Advisory, ...]:
        """The advisories not silenced by ``--ignore``."""
        return tuple(advisory for advisory in advisories if advisory.code not in self.ignore)

    def outcome(self, outcome: Outcome, advisories: Sequence[Advisory]) -> Outcome:
        """``ADVISED`` instead of ``COMPLETE`` when ``--fail-on`` is met; else ``outcome``."""
        if self.fail_on is None or outcome is not Outcome.COMPLETE:
            return outcome
        return Outcome.ADVISED if at_least(advisories, Severity(self.fail_on)) else outcome


def advice_arguments(function: F) -> F:
    """The three options, given to the command as one ``AdviceArgs`` keyword ``advice``."""

    @functools.wraps(function)
    def command(*args: Any, **options: Any) -> Any:
        advice = AdviceArgs(
            options.pop("advisories"), tuple(options.pop("ignore")), options.pop("fail_on")
        )
        return function(*args, advice=advice, **options)

    decorators = [
        click.option(
            "--advisories",
            is_flag=True,
            help="With --json: add the advisories under a separate top-level key.",
        ),
        click.option(
            "--ignore",
            type=click.Choice(CODES),
            multiple=True,
            metavar="CODE",
            help="Silence an advisory code (repeatable): " + ", ".join(CODES) + ".",
        ),
        click.option(
            "--fail-on",
            type=click.Choice(["warning", "danger"]),
            help="Exit 3 when the verdict is complete but an advisory this severe remains.",
        ),
    ]
    wrapped = cast(F, command)
    for decorator in reversed(decorators):
        wrapped = decorator(wrapped)
    return wrapped


class Observer(Protocol):
    """Something that watches a lenient fold step by step."""

    def see(
        self,
        number: int,
        record: JournalRecord,
        before: ReplayState,
        after: ReplayState,
        fault: ReplayFault | None,
    ) -> None: ...


@final
@attrs.frozen
class Folded:
    """What ``observe`` saw: the count, the last state, the first fault and where it was."""

    records: int
    state: ReplayState
    #: ``(step, fault, line or row)`` of the first rejected record.
    first_fault: tuple[int, ReplayFault, int] | None
    #: A source error met after the first rejected record (reading stopped there).
    stopped: SourceError | None


def observe(
    records: Iterable[JournalRecord],
    source: JournalSource | None,
    start: ReplayState,
    observers: Sequence[Observer],
    *,
    strict: bool = True,
) -> Folded:
    """Fold ``records`` leniently once, showing every step to each observer
    (``source``, when given, tells where the first rejected record was).

    A source error is raised, except, when ``strict`` (the verdict is the strict
    replay's), one after the first rejected record: the verdict is known by then, so
    reading stops and the error is kept (``stopped``)."""
    first: tuple[int, ReplayFault, int] | None = None
    number = 0
    before = start
    steps = fold_steps(start, records)
    with pause_gc():
        while True:
            try:
                step = next(steps, None)
            except SourceError as error:
                if first is None or not strict:
                    raise
                return Folded(number, before, first, error)
            if step is None:
                return Folded(number, before, first, None)
            record, after, fault = step
            number += 1
            for observer in observers:
                observer.see(number, record, before, after, fault)
            if fault is not None and first is None:
                first = (number, fault, 0 if source is None else source.location)
            before = after


def advisories_lines(
    advisories: Sequence[Advisory], *, stopped: SourceError | None = None
) -> list[str]:
    """The advisories as text, after a verdict: a heading, then two lines each."""
    if not advisories and stopped is None:
        return []
    lines = ["", click.style(f"advisories ({len(advisories)}), beside the verdict:", bold=True)]
    for advisory in advisories:
        mark = click.style(_MARKS[advisory.severity], fg=_COLOURS[advisory.severity], bold=True)
        steps = ", ".join(str(step) for step in advisory.steps[:8])
        if len(advisory.steps) > 8:
            steps += ", ..."
        where = f" (step{'s' if len(advisory.steps) > 1 else ''} {steps})" if steps else ""
        lines.append(f"  {mark} {advisory.code}{where}: {advisory.meaning}")
        lines.append(f"      do: {advisory.action}")
    if stopped is not None:
        lines.append(f"  (advisories stop where reading stopped: {stopped})")
    return lines


def advisories_json(advisories: Sequence[Advisory]) -> bytes:
    """The advisories as a JSON array (the value of the ``advisories`` key)."""
    return orjson.dumps([advisory.to_data() for advisory in advisories])


def with_advisories(body: bytes, advisories: Sequence[Advisory]) -> bytes:
    """A JSON object's bytes with ``"advisories": [...]`` added as its last key."""
    body = body.rstrip(b"\n")
    assert body.endswith(b"}")
    return body[:-1] + b',"advisories":' + advisories_json(advisories) + b"}"
