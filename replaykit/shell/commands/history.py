"""``replaykit history``: one line (or JSON object) per step of the fold."""

from __future__ import annotations

import click

from replaykit.shell.options import EPILOG, JournalArgs, journal_arguments
from replaykit.shell.output import Settings
from replaykit.shell.progress import Feed
from replaykit.shell.stepping import step_json, step_line, walk
from replaykit.timetravel import Step

__all__ = ["history"]


@click.command(epilog=EPILOG)
@journal_arguments
@click.option("--json", "as_json", is_flag=True, help="One JSON object per step (JSON Lines).")
@click.pass_obj
def history(settings: Settings, args: JournalArgs, /, as_json: bool) -> None:
    """One line per step of JOURNAL: what each record did to the replay state.

    Each line shows the step, the line (or row), seq, record kind, payload type, the
    outcome (accepted or rejected, with the error) and a summary of what changed:
    +pending/-pending effect, +repair KIND, +unsafe effect, +missing REF, +intent,
    +result, +dedupe, +reconciliation, terminal STATUS, checkpoint ID. With --json each
    step carries its full RFC 6902 patch.
    """
    replay_config = args.config(settings)
    source = args.open()
    previous: Step | None = None
    feed = Feed(source, progress=False)
    for current in walk(feed, replay_config):
        location = source.location if current.index else 0
        if as_json:
            if current.record is not None and previous is not None:
                settings.echo(step_json(current, previous, source.unit, location))
        elif current.index:
            settings.echo(step_line(current, previous, unit=source.unit, location=location))
        previous = current
    settings.warn_torn_tail(source.torn_tail, feed.count)
