"""``replaykit show``: the state (or the verdict) after one step."""

from __future__ import annotations

import click

from replaykit.replay import finish
from replaykit.shell.options import EPILOG, JournalArgs, journal_arguments
from replaykit.shell.output import Settings
from replaykit.shell.progress import Feed
from replaykit.shell.render import verdict_text
from replaykit.shell.stepping import json_text, pick, select, walk
from replaykit.timetravel import snapshot
from replaykit.wire import to_data, to_json

__all__ = ["show"]


@click.command(epilog=EPILOG)
@journal_arguments
@click.option(
    "--at", "at", type=int, required=True, help="The step (0: initial state; -1: the last)."
)
@click.option(
    "--path",
    "pointer",
    default="",
    metavar="POINTER",
    help="Show only this part (a JSON Pointer into the state, or the verdict with --result).",
)
@click.option(
    "--result", "as_result", is_flag=True, help="Show the verdict after the step instead."
)
@click.option("--json", "as_json", is_flag=True, help="Compact JSON (the snapshot form).")
@click.pass_obj
def show(
    settings: Settings,
    args: JournalArgs,
    /,
    at: int,
    pointer: str,
    as_result: bool,
    as_json: bool,
) -> None:
    """The replay state after step N of JOURNAL, in snapshot form (or the verdict).

    Step 0 is the initial state, step k the state after the k-th record, -1 the last.
    """
    replay_config = args.config(settings)
    source = args.open()
    feed = Feed(source, progress=settings.progress)
    current = pick(walk(feed, replay_config), [at], source.name)[at]
    settings.warn_torn_tail(source.torn_tail, feed.count)
    if as_result and not pointer:
        result = finish(current.state)
        settings.echo(to_json(result) if as_json else verdict_text(result, records=current.index))
        return
    try:
        whole = to_data(finish(current.state)) if as_result else snapshot(current.state)
        value = select(whole, pointer)
    except (KeyError, ValueError) as error:
        raise click.BadParameter(
            f"{pointer!r}: nothing there ({error})", param_hint="--path"
        ) from None
    settings.echo(json_text(value, compact=as_json))
