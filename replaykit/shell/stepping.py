"""The fold step by step, for ``replaykit history``, ``show``, ``diff`` and ``debug``.

Steps are numbered as the timeline's states are (``replaykit.timetravel``): step ``k``
applied the ``k``-th record and left state ``k``; step 0 is the initial state. The fold
is lenient, as in ``lint`` and ``Timeline``: a rejected record is a step whose state is
the fault's state. The commands (``replaykit.shell.commands``) stream (one state at a
time, plus what they show), so they work on journals of any length; ``debug`` keeps a
whole ``Timeline`` instead.
"""

from __future__ import annotations

import collections
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Final

import click
import orjson

from replaykit.model import JournalRecord
from replaykit.replay import ReplayConfig, fold_steps, initial_state, pause_gc
from replaykit.shell.render import one_line
from replaykit.timetravel import Operation, Step, parse_pointer
from replaykit.timetravel import diff as state_diff
from replaykit.timetravel.describe import change_summary, payload_name

__all__ = [
    "change_summary",
    "json_text",
    "patch_text",
    "payload_name",
    "pick",
    "select",
    "step_json",
    "step_line",
    "walk",
]

_INDEX: Final = re.compile(r"0|[1-9][0-9]*")


def walk(records: Iterable[JournalRecord], config: ReplayConfig) -> Iterator[Step]:
    """Every step of the lenient fold, from step 0, one at a time."""
    first = initial_state(config)
    yield Step(0, first, None, None)
    with pause_gc():
        for index, (record, state, fault) in enumerate(fold_steps(first, records), 1):
            yield Step(index, state, record, fault)


def step_line(current: Step, previous: Step | None, *, unit: str, location: int) -> str:
    """One line for a step: number, line, seq, kind, payload, outcome, what changed."""
    if current.record is None:
        return f"step {current.index:<4} initial state"
    record = current.record
    if current.fault is not None:
        fault = current.fault
        outcome = click.style(f"rejected {fault.kind}", fg="red") + f": {one_line(fault.message)}"
    elif previous is not None and previous.state is current.state:
        outcome = "accepted, no change"
    else:
        outcome = "accepted"
    ops = [] if previous is None else state_diff(previous.state, current.state, via=(record,))
    summary = change_summary(ops)
    where = f"{unit} {location}" if location else ""
    text = (
        f"step {current.index:<4} {where:<9} seq {record.journal_seq:<5} "
        f"{record.record_kind!s:<14} {payload_name(record):<23} {outcome}"
    )
    return f"{text}  [{summary}]" if summary else text


def json_text(value: Any, *, compact: bool) -> str:
    """JSON for people (indented) or for programs (compact), keys in the value's order."""
    option = 0 if compact else orjson.OPT_INDENT_2
    return orjson.dumps(value, option=option).decode()


def select(value: Any, path: str) -> Any:
    """The part of a snapshot under JSON Pointer ``path``; ``KeyError`` if absent."""
    for token in parse_pointer(path):
        if isinstance(value, dict) and token in value:
            value = value[token]
        elif isinstance(value, list) and _INDEX.fullmatch(token) and int(token) < len(value):
            value = value[int(token)]  # RFC 6901: 0, or digits without a leading zero
        else:
            raise KeyError(token)
    return value


def patch_text(ops: Sequence[Operation]) -> str:
    """A patch for people: one operation per line (``+`` add, ``-`` remove, ``~`` replace)."""
    if not ops:
        return "no differences"
    signs = {"add": "+", "remove": "-", "replace": "~"}
    lines = []
    for op in ops:
        head = f"{signs.get(op['op'], op['op'])} {op['path']}"
        lines.append(
            head if "value" not in op else f"{head} = {json_text(op['value'], compact=True)}"
        )
    return "\n".join(lines)


def step_json(current: Step, previous: Step, unit: str, location: int) -> str:
    record = current.record
    assert record is not None
    fault = current.fault
    error = (
        None
        if fault is None
        else {"kind": str(fault.kind), "retry": str(fault.retry), "message": fault.message}
    )
    return json_text(
        {
            "step": current.index,
            unit: location,
            "journal_seq": record.journal_seq,
            "record_id": record.record_id,
            "record_kind": str(record.record_kind),
            "payload": payload_name(record),
            "accepted": fault is None,
            "error": error,
            "patch": state_diff(previous.state, current.state, via=(record,)),
        },
        compact=True,
    )


def pick(
    steps: Iterable[Step], wanted: Sequence[int], name: str, hint: str = "--at"
) -> dict[int, Step]:
    """The steps numbered in ``wanted`` (negative: from the end), streaming.

    Only the wanted steps are kept (and, for negative numbers, a window at the end).
    ``click.BadParameter`` names the range when a step does not exist.
    """
    positives = {k for k in wanted if k >= 0}
    depth = max((-k for k in wanted if k < 0), default=0)
    window: collections.deque[Step] = collections.deque(maxlen=max(depth, 1))
    found: dict[int, Step] = {}
    last = -1
    for current in steps:
        last = current.index
        if last in positives:
            found[last] = current
        window.append(current)
        if not depth and last >= max(positives):
            break
    total = last + 1
    picked: dict[int, Step] = {}
    for k in wanted:
        index = k if k >= 0 else total + k
        if k >= 0 and k in found:
            picked[k] = found[k]
        elif k < 0 and index >= 0:
            picked[k] = window[index - (total - len(window))]
        else:
            message = f"no step {k}: {name} has steps 0 to {total - 1}"
            raise click.BadParameter(message, param_hint=hint)
    return picked
