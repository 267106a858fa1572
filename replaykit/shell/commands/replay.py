"""``replaykit replay``: the verdict of a journal, for people or as the reference's JSON."""

from __future__ import annotations

import click

from replaykit.replay import replay as replay_fold
from replaykit.shell.options import EPILOG, JournalArgs, journal_arguments
from replaykit.shell.output import Outcome, Settings, outcome_of
from replaykit.shell.progress import Feed
from replaykit.shell.render import fault_json, rejected_text, verdict_text
from replaykit.timetravel.explain import explain
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
@click.pass_obj
def replay(settings: Settings, args: JournalArgs, /, as_json: bool, lists: bool) -> Outcome:
    """Replay JOURNAL strictly and print the verdict.

    Says whether the run may resume and why not: one line per cause (an open effect, a
    delivery to reconcile, a missing content ref) with the steps behind it and what
    would close it; `replaykit explain` tells each step by step. --lists prints the
    verdict's own lists instead (each unsafe pending side effect, missing content ref,
    delivery to reconcile and repair with its reason), --json the reference's result.
    The replay stops at the first rejected record (exit 2).
    """
    replay_config = args.config(settings)
    source = args.open()
    feed = Feed(source, progress=settings.progress)
    causes = None
    if as_json or lists:
        folded = replay_fold(feed, replay_config)
        result = folded.value_or(None)
        fault = None if result is not None else folded.failure()
    else:
        explained = explain(feed, replay_config)
        result, fault, causes = explained.result, explained.fault, explained.causes
    settings.warn_torn_tail(source.torn_tail, feed.count)
    if result is not None:
        if as_json:
            settings.echo_bytes(to_json_bytes(result))
        else:
            text = verdict_text(result, records=feed.count, name=source.name, causes=causes)
            settings.echo(text)
        return outcome_of(result)
    assert fault is not None
    if as_json:
        settings.echo(
            '{"rejected":'
            + fault_json(fault, index=feed.count - 1, unit=source.unit, location=source.location)
            + "}"
        )
    else:
        settings.echo(
            rejected_text(
                fault,
                unit=source.unit,
                location=source.location,
                records=feed.count,
                name=source.name,
            )
        )
    return Outcome.REJECTED
