"""``replaykit explain`` and ``replaykit whatif``: a verdict's causes, and trying a repair."""

from __future__ import annotations

from typing import Final

import click
import orjson

from replaykit.model import JournalRecord
from replaykit.replay import pause_gc
from replaykit.shell.advice import (
    AdviceArgs,
    advice_arguments,
    advisories_lines,
    observe,
    stored_checkpoints,
    with_advisories,
)
from replaykit.shell.errors import SourceError
from replaykit.shell.options import EPILOG, JournalArgs, journal_arguments
from replaykit.shell.output import Outcome, Settings, outcome_of, write_atomically
from replaykit.shell.render import fault_json, plural
from replaykit.shell.sources import open_journal
from replaykit.timetravel.advisories import Advisor
from replaykit.timetravel.explain import LISTS, Explainer, Explanation
from replaykit.timetravel.whatif import (
    Append,
    Deliver,
    Drop,
    Edit,
    EditError,
    InsertAfter,
    Resolve,
    Side,
    whatif,
)
from replaykit.wire import to_json, to_json_bytes

__all__ = ["explain_command", "whatif_command"]

_SHORT: Final = {
    "repair_needed": "repairs",
    "unsafe_pending_side_effects": "unsafe",
    "missing_content_refs": "missing",
    "output_delivery_repairs": "output repairs",
}


def _load(args: JournalArgs) -> tuple[list[JournalRecord], str]:
    source = args.open()
    with pause_gc():
        records = list(source)
    return records, source.name


def _verdict_json(side: Side) -> bytes:
    if side.result is not None:
        return to_json_bytes(side.result).rstrip(b"\n")
    assert side.fault is not None
    body = fault_json(side.fault, index=side.fault_step - 1, unit="line", location=side.fault_step)
    return b'{"rejected":' + body.encode() + b"}"


def _head(explained: Explanation | Side, name: str) -> str:
    if explained.result is None:
        assert explained.fault is not None
        return f"{name}: rejected at step {explained.fault_step}: {explained.fault.message}"
    result = explained.result
    resume = "resume allowed" if result.resume_allowed else "resume REFUSED"
    status = "complete" if result.status.value == "complete" else "repair needed"
    return f"{name}: {plural(explained.records, 'record')}, {status}, {resume} ({result.mode})"


@click.command("explain", epilog=EPILOG)
@journal_arguments
@click.option("--json", "as_json", is_flag=True, help="An object with the verdict and its causes.")
@advice_arguments
@click.pass_obj
def explain_command(
    settings: Settings, args: JournalArgs, /, as_json: bool, advice: AdviceArgs
) -> Outcome:
    """Why JOURNAL's verdict is what it is: one cause per effect, delivery, content ref or
    rejected record.

    Each cause tells what happened to it step by step (steps as `show` numbers them),
    which entries of the verdict it accounts for (an effect the reference lists twice is
    one cause), and what would close it. --json prints {"verdict", "rejected", "causes"}:
    each cause has entity {kind, id}, summary, steps, events, accounts_for (indices into
    repair_needed, unsafe_pending_side_effects, missing_content_refs and
    output_delivery_repairs) and fix. The advisories follow the causes (with --json, under
    "advisories" when --advisories is given).
    """
    config = args.config(settings)
    records, name = _load(args)
    explainer, advisor = Explainer(config), Advisor(config)
    observe(records, None, explainer.start, [explainer, advisor])  # one fold for both
    explained = explainer.explanation()
    stored = stored_checkpoints(args.store(), advisor.run_id)
    advisories = advice.keep(advisor.advisories(stored_checkpoints=stored))
    if explained.result is None:
        outcome = Outcome.REJECTED
    else:
        outcome = advice.outcome(outcome_of(explained.result), advisories)
    if as_json:
        side = Side(explained.result, explained.fault, explained.fault_step, explained.records)
        verdict = _verdict_json(side)
        causes = orjson.dumps([cause.to_data() for cause in explained.causes])
        if explained.result is not None:
            body = b'{"verdict":' + verdict + b',"rejected":null,"causes":' + causes + b"}"
        else:
            rejected = verdict[len(b'{"rejected":') : -1]
            body = b'{"verdict":null,"rejected":' + rejected + b',"causes":' + causes + b"}"
        settings.echo_bytes(with_advisories(body, advisories) if advice.in_json else body)
        return outcome
    lines = [_head(explained, name)]
    if not explained.causes:
        lines.append("nothing to explain: no repair, no unsafe effect, no missing content")
    else:
        lines.append(f"{plural(len(explained.causes), 'cause')}:")
    for number, cause in enumerate(explained.causes, 1):
        lines.append(f"{number}. {cause.entity.kind} {cause.entity.id}: {cause.summary}")
        for event in cause.events:
            lines.append(f"     step {event.step:<5} {event.what}")
        counted = ", ".join(
            f"{_SHORT[list_name]} {list(cause.accounts_for[list_name])}"
            for list_name in LISTS
            if cause.accounts_for.get(list_name)
        )
        if counted:
            lines.append(f"     accounts for: {counted}")
        lines.append(f"     fix: {cause.fix}")
    settings.echo("\n".join([*lines, *advisories_lines(advisories)]))
    return outcome


def _pair(value: str, flag: str) -> tuple[str, str]:
    ident, sep, status = value.partition("=")
    if not sep or not ident or not status:
        raise click.BadParameter(f"{value!r}: expected ID=STATUS", param_hint=flag)
    return ident, status


def _records_of(path: str, flag: str) -> tuple[JournalRecord, ...]:
    try:
        return tuple(open_journal(path))
    except SourceError as error:
        raise click.BadParameter(str(error), param_hint=flag) from None


@click.command("whatif", epilog=EPILOG)
@journal_arguments
@click.option(
    "--drop", "drops", type=int, multiple=True, metavar="N", help="Leave out step N's record."
)
@click.option(
    "--append", "appends", multiple=True, metavar="FILE", help="Append the records of a JSONL FILE."
)
@click.option(
    "--insert-after",
    "inserts",
    type=(int, str),
    multiple=True,
    metavar="N FILE",
    help="Insert the records of FILE after step N (0: before the first).",
)
@click.option(
    "--resolve",
    "resolves",
    multiple=True,
    metavar="EFFECT_ID=STATUS",
    help="Add an effect_result (completed, failed ...) where the effect's result belongs.",
)
@click.option(
    "--deliver",
    "delivers",
    multiple=True,
    metavar="DELIVERY_ID=STATUS",
    help="Add an output_delivery result (completed, failed ...) for a delivery.",
)
@click.option(
    "-o", "--output", metavar="FILE", help="Write the edited journal (JSONL, atomically)."
)
@click.option("--json", "as_json", is_flag=True, help="{before, after, first_difference, ...}.")
@click.pass_obj
def whatif_command(
    settings: Settings,
    args: JournalArgs,
    /,
    drops: tuple[int, ...],
    appends: tuple[str, ...],
    inserts: tuple[tuple[int, str], ...],
    resolves: tuple[str, ...],
    delivers: tuple[str, ...],
    output: str | None,
    as_json: bool,
) -> Outcome:
    """What JOURNAL's verdict would be after an edit, before touching the journal.

    Builds the edited journal (the branch), replays both strictly, and prints the change:
    resume allowed before and after, repairs gone and added, and the first step where
    the two folds differ. The input is never changed; -o writes the branch. --json
    prints {"before", "after", "first_difference", "records_before", "records_after"},
    where before and after are exactly what `replay --json` prints for each journal.
    The exit code is the branch's verdict.
    """
    edits: list[Edit] = [Drop(step) for step in drops]
    edits += [InsertAfter(step, _records_of(path, "--insert-after")) for step, path in inserts]
    edits += [Append(_records_of(path, "--append")) for path in appends]
    edits += [Resolve(*_pair(value, "--resolve")) for value in resolves]
    edits += [Deliver(*_pair(value, "--deliver")) for value in delivers]
    if not edits:
        raise click.UsageError(
            "nothing to try: give --drop, --append, --insert-after, --resolve or --deliver"
        )
    config = args.config(settings)
    records, name = _load(args)
    try:
        tried = whatif(records, config, edits)
    except EditError as error:
        raise click.UsageError(str(error)) from None
    if output is not None:
        write_atomically(output, "".join(to_json(record) + "\n" for record in tried.branch))
    outcome = Outcome.REJECTED if tried.after.result is None else outcome_of(tried.after.result)
    if as_json:
        body = (
            b'{"before":'
            + _verdict_json(tried.before)
            + b',"after":'
            + _verdict_json(tried.after)
            + b',"first_difference":'
            + orjson.dumps(tried.first_difference)
            + b',"records_before":'
            + str(len(records)).encode()
            + b',"records_after":'
            + str(len(tried.branch)).encode()
            + b"}"
        )
        settings.echo_bytes(body)
        return outcome
    lines = [
        "before: " + _head(tried.before, name),
        "after:  " + _head(tried.after, "the branch"),
    ]
    before = tried.before.result
    after = tried.after.result
    if before is not None and after is not None:
        old = {(r.kind.value, r.record_id, r.reason) for r in before.repair_needed}
        new = {(r.kind.value, r.record_id, r.reason) for r in after.repair_needed}
        for kind, record_id, reason in sorted(old - new):
            lines.append(f"  repair gone:  {kind} at record {record_id}: {reason}")
        for kind, record_id, reason in sorted(new - old):
            lines.append(f"  repair added: {kind} at record {record_id}: {reason}")
        if old == new:
            lines.append("  repairs: the same")
    if tried.first_difference is None:
        lines.append("the two folds are the same at every step")
    else:
        lines.append(f"the folds first differ at step {tried.first_difference}")
    if output is not None:
        lines.append(f"wrote the branch ({plural(len(tried.branch), 'record')}) to {output}")
    settings.echo("\n".join(lines))
    return outcome
