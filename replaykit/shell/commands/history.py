"""``replaykit history``: one line (or JSON object) per step of the fold."""

from __future__ import annotations

import click

from replaykit.shell.options import EPILOG, JournalArgs, journal_arguments
from replaykit.shell.output import Settings
from replaykit.shell.progress import Feed
from replaykit.shell.sources import StoredCheckpoint, at_or_before
from replaykit.shell.stepping import json_text, step_json, step_line, walk
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

    When JOURNAL is a store that keeps checkpoints for the run, the step from which a
    stored checkpoint is the one a resume would start from (the latest covering no more
    than the step's seq) says so ("stored checkpoint ID"); with --json every step has
    "stored_checkpoint" (its id, or null).
    """
    replay_config = args.config(settings)
    source = args.open()
    store = args.store()
    stored: tuple[StoredCheckpoint, ...] | None = None
    previous: Step | None = None
    feed = Feed(source, progress=False)
    covering: StoredCheckpoint | None = None
    for current in walk(feed, replay_config):
        location = source.location if current.index else 0
        record = current.record
        marker = ""
        if store is not None and record is not None:
            if stored is None:
                stored = store.checkpoints(record.run_id)
            now = at_or_before(stored, record.journal_seq)
            if now is not None and now is not covering:
                c = now.checkpoint
                marker = (
                    f"  stored checkpoint {c.checkpoint_id} (covers seq {c.covers_journal_seq})"
                )
            covering = now
        if as_json:
            if record is not None and previous is not None:
                line = step_json(current, previous, source.unit, location)
                if stored:
                    name = None if covering is None else covering.checkpoint.checkpoint_id
                    line = line[:-1] + ',"stored_checkpoint":' + json_text(name, compact=True) + "}"
                settings.echo(line)
        elif current.index:
            line = step_line(current, previous, unit=source.unit, location=location)
            settings.echo(line + marker)
        previous = current
    settings.warn_torn_tail(source.torn_tail, feed.count)
