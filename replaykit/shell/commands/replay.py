"""``replaykit replay``: the verdict of a journal, for people or as the reference's JSON."""

from __future__ import annotations

import click

from replaykit.replay import replay as replay_fold
from replaykit.shell.options import EPILOG, JournalArgs, journal_arguments
from replaykit.shell.output import Outcome, Settings, outcome_of
from replaykit.shell.progress import Feed
from replaykit.shell.render import fault_json, rejected_text, verdict_text
from replaykit.wire import to_json_bytes

__all__ = ["replay"]


@click.command(epilog=EPILOG)
@journal_arguments
@click.option(
    "--json", "as_json", is_flag=True, help="Print the ReplayResult as JSON (wire bytes)."
)
@click.pass_obj
def replay(settings: Settings, args: JournalArgs, /, as_json: bool) -> Outcome:
    """Replay JOURNAL strictly and print the verdict.

    Says whether the run may resume and why not: each unsafe pending side effect with the
    record that created it, each missing content ref, each delivery to reconcile and each
    repair with its reason. The replay stops at the first rejected record (exit 2).
    """
    replay_config = args.config(settings)
    source = args.open()
    feed = Feed(source, progress=settings.progress)
    folded = replay_fold(feed, replay_config)
    settings.warn_torn_tail(source.torn_tail, feed.count)
    result = folded.value_or(None)
    if result is not None:
        if as_json:
            settings.echo_bytes(to_json_bytes(result))
        else:
            settings.echo(verdict_text(result, records=feed.count, name=source.name))
        return outcome_of(result)
    fault = folded.failure()
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
