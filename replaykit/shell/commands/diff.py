"""``replaykit diff``: what changed between two steps."""

from __future__ import annotations

import click

from replaykit.shell.options import EPILOG, JournalArgs, journal_arguments
from replaykit.shell.output import Settings
from replaykit.shell.progress import Feed
from replaykit.shell.stepping import json_text, patch_text, pick, walk
from replaykit.timetravel import diff as state_diff

__all__ = ["diff_command"]


@click.command("diff", epilog=EPILOG)
@journal_arguments
@click.option("--from", "start", type=int, default=0, show_default=True, help="The earlier step.")
@click.option(
    "--to", "stop", type=int, default=-1, show_default=True, help="The later step (-1: the last)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the RFC 6902 JSON Patch.")
@click.pass_obj
def diff_command(
    settings: Settings,
    args: JournalArgs,
    /,
    start: int,
    stop: int,
    as_json: bool,
) -> None:
    """What changed in the replay state of JOURNAL between step A and step B.

    Prints one operation per line (+ add, - remove, ~ replace, with JSON Pointer paths
    into the snapshot form), or with --json the RFC 6902 patch that turns state A into
    state B.
    """
    replay_config = args.config(settings)
    source = args.open()
    feed = Feed(source, progress=settings.progress)
    steps = pick(walk(feed, replay_config), [start, stop], source.name, "--from/--to")
    settings.warn_torn_tail(source.torn_tail, feed.count)
    ops = state_diff(steps[start].state, steps[stop].state)
    settings.echo(json_text(ops, compact=True) if as_json else patch_text(ops))
