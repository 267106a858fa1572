"""``replaykit lint``: every record a replay rejects, then the verdict without them."""

from __future__ import annotations

import click

from replaykit.replay import lint as lint_fold
from replaykit.shell.options import EPILOG, JournalArgs, journal_arguments
from replaykit.shell.output import Outcome, Settings, outcome_of
from replaykit.shell.progress import Feed
from replaykit.shell.render import lint_json, lint_text

__all__ = ["lint"]


@click.command(epilog=EPILOG)
@journal_arguments
@click.option("--json", "as_json", is_flag=True, help="Print the faults and the verdict as JSON.")
@click.pass_obj
def lint(settings: Settings, args: JournalArgs, /, as_json: bool) -> Outcome:
    """List every record of JOURNAL that a replay rejects, then the verdict without them.

    Each rejected record is shown with its line (or row), record id, seq, error kind and
    message. Exit 2 when any record is rejected, else the exit code of `replay`.
    """
    replay_config = args.config(settings)
    source = args.open()
    feed = Feed(source, progress=settings.progress, keep_locations=True)
    report = lint_fold(feed, replay_config)
    settings.warn_torn_tail(source.torn_tail, feed.count)
    locations = list(feed.locations or ())
    if as_json:
        settings.echo(lint_json(report, unit=source.unit, locations=locations))
    else:
        settings.echo(lint_text(report, unit=source.unit, locations=locations, name=source.name))
    return Outcome.REJECTED if report.faults else outcome_of(report.result)
