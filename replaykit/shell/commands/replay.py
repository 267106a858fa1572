"""``replaykit replay``: the verdict of a journal, for people or as the reference's JSON."""

from __future__ import annotations

import click

from replaykit.replay import ReplayConfig, finish
from replaykit.replay import replay as replay_fold
from replaykit.shell.advice import (
    AdviceArgs,
    Observer,
    advice_arguments,
    advisories_lines,
    observe,
    stored_checkpoints,
    with_advisories,
)
from replaykit.shell.options import EPILOG, JournalArgs, journal_arguments
from replaykit.shell.output import Outcome, Settings, outcome_of
from replaykit.shell.progress import Feed
from replaykit.shell.render import fault_json, rejected_text, verdict_text
from replaykit.shell.sources import JournalSource
from replaykit.timetravel.advisories import Advisor
from replaykit.timetravel.explain import Explainer
from replaykit.wire import to_json_bytes

__all__ = ["replay"]


@click.command(epilog=EPILOG)
@journal_arguments
@click.option(
    "--json", "as_json", is_flag=True, help="Print the ReplayResult as JSON (wire bytes)."
)
@click.option(
    "--lists",
    is_flag=True,
    help="Print the verdict's lists (every unsafe effect, missing ref, delivery, repair)"
    " instead of its causes.",
)
@advice_arguments
@click.pass_obj
def replay(
    settings: Settings, args: JournalArgs, /, as_json: bool, lists: bool, advice: AdviceArgs
) -> Outcome:
    """Replay JOURNAL strictly and print the verdict.

    Says whether the run may resume and why not: one line per cause (an open effect, a
    delivery to reconcile, a missing content ref) with the steps behind it and what
    would close it; `replaykit explain` tells each step by step. --lists prints the
    verdict's own lists instead (each unsafe pending side effect, missing content ref,
    delivery to reconcile and repair with its reason), --json the reference's result.
    The replay's verdict stops at the first rejected record (exit 2).

    After the verdict come its advisories (see the Advisories page): what the reference
    does not see about a real run, such as the runtime's own records after the terminal
    record, a tool call with no result, or a gap in the seqs. They never change the
    verdict or, unless --fail-on is given, the exit code; --json leaves them out unless
    --advisories is given.
    """
    replay_config = args.config(settings)
    source = args.open()
    feed = Feed(source, progress=settings.progress)
    if as_json and not advice.in_json and advice.fail_on is None:
        return _reference_json(settings, feed, replay_config, source)
    advisor = Advisor(replay_config)
    explainer = None if (as_json or lists) else Explainer(replay_config)
    observers: list[Observer] = [advisor] if explainer is None else [explainer, advisor]
    folded = observe(feed, source, advisor.start, observers)
    settings.warn_torn_tail(source.torn_tail, feed.count)
    stored = stored_checkpoints(args.store(), advisor.run_id)
    advisories = advice.keep(advisor.advisories(stored_checkpoints=stored))
    notes = advisories_lines(advisories, stopped=folded.stopped)
    if folded.first_fault is None:
        result = finish(folded.state)
        if as_json:
            body = to_json_bytes(result)
            settings.echo_bytes(with_advisories(body, advisories) if advice.in_json else body)
        else:
            causes = None if explainer is None else explainer.explanation().causes
            text = verdict_text(result, records=folded.records, name=source.name, causes=causes)
            settings.echo("\n".join([text, *notes]))
        return advice.outcome(outcome_of(result), advisories)
    number, fault, location = folded.first_fault
    if as_json:
        body = (
            b'{"rejected":'
            + fault_json(fault, index=number - 1, unit=source.unit, location=location).encode()
            + b"}"
        )
        settings.echo_bytes(with_advisories(body, advisories) if advice.in_json else body)
    else:
        text = rejected_text(
            fault, unit=source.unit, location=location, records=number, name=source.name
        )
        settings.echo("\n".join([text, *notes]))
    return Outcome.REJECTED


def _reference_json(
    settings: Settings, feed: Feed, config: ReplayConfig, source: JournalSource
) -> Outcome:
    """The strict fold's JSON alone, streaming, stopping at the first rejected record."""
    folded = replay_fold(feed, config)
    result = folded.value_or(None)
    settings.warn_torn_tail(source.torn_tail, feed.count)
    if result is not None:
        settings.echo_bytes(to_json_bytes(result))
        return outcome_of(result)
    fault = fault_json(
        folded.failure(), index=feed.count - 1, unit=source.unit, location=source.location
    )
    settings.echo('{"rejected":' + fault + "}")
    return Outcome.REJECTED
