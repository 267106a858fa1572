"""Text for people: verdicts, rejected records and lint reports.

Every function returns a string and does no I/O. Colour is added with ``click.style``
and removed again by ``click.echo(..., color=False)`` when the output is not a terminal
(or ``NO_COLOR`` is set), so the words are the same either way. Lists come out in the
order of the ``ReplayResult`` (which is deterministic), never in hash order.

>>> from replaykit import ReplayConfig, replay
>>> text = verdict_text(replay([], ReplayConfig("resume_replay")).unwrap(), records=0)
>>> print(click.unstyle(text))
0 records, last journal seq 0, mode resume_replay
verdict: complete, resume allowed
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import click
import orjson

from replaykit.model import ReplayMode, ReplayResult, ReplayStatus
from replaykit.replay import LintReport, ReplayFault
from replaykit.timetravel.explain import Cause
from replaykit.timetravel.snapshot import fault_data
from replaykit.wire import to_json

__all__ = [
    "fault_json",
    "fault_line",
    "lint_json",
    "lint_text",
    "one_line",
    "plural",
    "rejected_text",
    "verdict_text",
]

_MAX_MESSAGE = 400


def one_line(text: str) -> str:
    """``text`` as a single line: line breaks escaped, very long text shortened.

    >>> one_line("a\\nb")
    'a\\\\nb'
    """
    flat = text.replace("\r", "\\r").replace("\n", "\\n")
    if len(flat) > _MAX_MESSAGE:
        flat = flat[: _MAX_MESSAGE - 3] + "..."
    return flat


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """``"1 record"``, ``"2 records"``.

    >>> plural(1, "record"), plural(2, "entry", "entries")
    ('1 record', '2 entries')
    """
    return f"{count} {noun if count == 1 else (nouns or noun + 's')}"


def _heading(text: str) -> str:
    return click.style(text, bold=True)


def _why(result: ReplayResult) -> str:
    reasons: list[str] = []
    if result.repair_needed:
        reasons.append(plural(len(result.repair_needed), "repair") + " needed")
    if result.missing_content_refs:
        reasons.append(plural(len(result.missing_content_refs), "missing content ref"))
    blocked = sum(1 for effect in result.unsafe_pending_side_effects if not effect.retry_allowed)
    if blocked:
        reasons.append(plural(blocked, "pending side effect") + " that may not be retried")
    return ", ".join(reasons)


def causes_text(causes: Sequence[Cause]) -> str:
    """The short form of ``explain``: one line per cause (its steps) and its fix."""
    if not causes:
        return ""
    lines = ["", _heading(f"causes ({len(causes)}):")]
    for number, cause in enumerate(causes, 1):
        steps = ", ".join(str(step) for step in cause.steps)
        where = f" (step{'s' if len(cause.steps) > 1 else ''} {steps})" if steps else ""
        lines.append(f"  {number}. {cause.entity.kind} {cause.entity.id}{where}: {cause.summary}")
        lines.append(f"      fix: {cause.fix}")
    lines.append("")
    lines.append(
        "`replaykit explain` tells each cause step by step; `--lists` prints the verdict's"
        " lists, `--json` the reference's result"
    )
    return "\n".join(lines)


def verdict_text(
    result: ReplayResult,
    *,
    records: int,
    name: str | None = None,
    causes: Sequence[Cause] | None = None,
) -> str:
    """The verdict for people: may the run resume, why not, and what needs repair.

    With ``causes`` (from ``explain``), their short form replaces the verdict's lists.
    """
    head = f"{plural(records, 'record')}, last journal seq {result.latest_journal_seq}"
    head += f", mode {result.mode}"
    lines = [head if name is None else f"{name}: {head}"]
    if result.status is ReplayStatus.COMPLETE:
        lines.append("verdict: " + click.style("complete, resume allowed", fg="green"))
    elif result.resume_allowed:
        note = (
            ""
            if result.mode is ReplayMode.RESUME_REPLAY
            else f" ({result.mode} does not gate resuming)"
        )
        lines.append(
            "verdict: " + click.style("repair needed", fg="yellow") + ", resume allowed" + note
        )
    else:
        lines.append(
            "verdict: " + click.style("repair needed, resume REFUSED", fg="red", bold=True)
        )
    why = _why(result)
    if why:
        lines.append(f"why: {why}")
    if result.terminal_status is not None:
        lines.append(f"terminal status: {result.terminal_status}")
    if result.next_loop_state is not None:
        lines.append(f"next loop state: {result.next_loop_state}")
    checkpoint = result.latest_checkpoint
    if checkpoint is not None:
        lines.append(
            f"latest checkpoint: {checkpoint.checkpoint_id} (checkpoint seq"
            f" {checkpoint.checkpoint_seq}, covers journal seq {checkpoint.covers_journal_seq})"
        )
    if causes is not None:
        short = causes_text(causes)
        if short:
            lines.append(short)
        return "\n".join(lines)
    lines.extend(_sections(result))
    return "\n".join(lines)


def _sections(result: ReplayResult) -> Iterable[str]:
    if result.unsafe_pending_side_effects:
        yield ""
        yield _heading(f"unsafe pending side effects ({len(result.unsafe_pending_side_effects)}):")
        for effect in result.unsafe_pending_side_effects:
            retry = (
                "retry allowed"
                if effect.retry_allowed
                else click.style("retry NOT allowed", fg="red")
            )
            keys = [
                f"{label} {value}"
                for label, value in (
                    ("idempotency key", effect.idempotency_key),
                    ("dedupe key", effect.dedupe_key),
                )
                if value is not None
            ]
            extra = f", {', '.join(keys)}" if keys else ""
            created = f"created by record {effect.intent_record_id}"
            yield f"  {effect.effect_id}: {created}; {retry}{extra}"
            yield f"      {effect.unsafe_pending_reason}"
    if result.missing_content_refs:
        yield ""
        yield _heading(f"missing content refs ({len(result.missing_content_refs)}):")
        for ref in result.missing_content_refs:
            yield f"  {ref}"
    if result.output_delivery_repairs:
        yield ""
        yield _heading(f"deliveries to reconcile ({len(result.output_delivery_repairs)}):")
        for delivery in result.output_delivery_repairs:
            resend = "resend allowed" if delivery.resend_allowed else "resend NOT allowed"
            yield (
                f"  {delivery.delivery_id}: intent record {delivery.intent_record_id};"
                f" decision {delivery.replay_decision}; status {delivery.terminal_status};"
                f" terminal append {delivery.terminal_append_status}; {resend}"
            )
            yield f"      {delivery.unsafe_pending_reason}"
    if result.repair_needed:
        yield ""
        yield _heading(f"repairs needed ({len(result.repair_needed)}):")
        for number, repair in enumerate(result.repair_needed, 1):
            yield (
                f"  {number}. {repair.kind} at record {repair.record_id}"
                f" (seq {repair.journal_seq}), retry {repair.retry}"
            )
            yield f"      {repair.reason}"


def fault_line(fault: ReplayFault, *, unit: str, location: int) -> str:
    """One rejected record on one line: where, which record, the error kind and message.

    ``location`` 0 (unknown) leaves the line/row out.
    """
    where = f"{unit} {location}: " if location else ""
    return (
        f"{where}record {fault.record_id} (seq {fault.journal_seq}): "
        + click.style(str(fault.kind), fg="red")
        + f" [retry {fault.retry}]: {one_line(fault.message)}"
    )


def rejected_text(
    fault: ReplayFault, *, unit: str, location: int, records: int, name: str | None = None
) -> str:
    """Why a strict replay stopped: the rejected record and its error."""
    head = click.style("journal rejected", fg="red", bold=True)
    head += f" at record {records} (the replay stops at the first rejected record)"
    return "\n".join(
        [
            head if name is None else f"{name}: {head}",
            "  " + fault_line(fault, unit=unit, location=location),
            "run `replaykit lint` to list every rejected record and the verdict without them",
        ]
    )


def fault_json(fault: ReplayFault, *, index: int, unit: str, location: int) -> str:
    """A rejected record as one JSON object; ``error`` holds the reference's error bytes."""
    fields = {"index": index, unit: location, **fault_data(fault)}
    body = orjson.dumps(fields).decode()
    return body[:-1] + ',"error":' + to_json(fault.error) + "}"


def lint_text(
    report: LintReport, *, unit: str, locations: list[int], name: str | None = None
) -> str:
    """Every rejected record of the lenient fold, then the verdict without them."""
    count = len(report.faults)
    head = f"{plural(report.records, 'record')}, " + (
        click.style(plural(count, "rejected record"), fg="red", bold=True)
        if count
        else click.style("no rejected records", fg="green")
    )
    lines = [head if name is None else f"{name}: {head}"]
    for index, fault in report.faults:
        location = locations[index] if index < len(locations) else 0
        lines.append("  " + fault_line(fault, unit=unit, location=location))
    lines.append("")
    lines.append(verdict_text(report.result, records=report.records))
    return "\n".join(lines)


def lint_json(report: LintReport, *, unit: str, locations: list[int]) -> str:
    """The lint report as one JSON object: ``records``, ``faults`` and ``result``."""
    faults = ",".join(
        fault_json(
            fault,
            index=index,
            unit=unit,
            location=locations[index] if index < len(locations) else 0,
        )
        for index, fault in report.faults
    )
    return f'{{"records":{report.records},"faults":[{faults}],"result":{to_json(report.result)}}}'
