"""``replaykit show``: the state (or the verdict) after one step."""

from __future__ import annotations

import click

from replaykit.replay import finish
from replaykit.shell.options import EPILOG, JournalArgs, journal_arguments
from replaykit.shell.output import Settings
from replaykit.shell.progress import Feed
from replaykit.shell.render import verdict_text
from replaykit.shell.sources import at_or_before
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
@click.option(
    "--checkpoint",
    "as_checkpoint",
    is_flag=True,
    help="Show the store's checkpoint at or before the step instead (JOURNAL is a store).",
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
    as_checkpoint: bool,
    as_json: bool,
) -> None:
    """The replay state after step N of JOURNAL, in snapshot form (or the verdict).

    Step 0 is the initial state, step k the state after the k-th record, -1 the last.
    With --checkpoint, the stored checkpoint a resume at that step would start from:
    the store's latest checkpoint covering no more than the step's journal seq (as the
    runtime's load_at_or_before finds it), or null.
    """
    if as_checkpoint and (as_result or pointer):
        raise click.UsageError("--checkpoint excludes --result and --path")
    store = args.store() if as_checkpoint else None
    if as_checkpoint and store is None:
        raise click.UsageError("--checkpoint needs JOURNAL to be a store that keeps checkpoints")
    replay_config = args.config(settings)
    source = args.open()
    feed = Feed(source, progress=settings.progress)
    current = pick(walk(feed, replay_config), [at], source.name)[at]
    settings.warn_torn_tail(source.torn_tail, feed.count)
    if store is not None:
        seq = 0 if current.record is None else current.record.journal_seq
        run = current.record.run_id if current.record is not None else args.run_id
        stored = None if run is None else at_or_before(store.checkpoints(run), seq)
        if stored is None:
            settings.echo("null")
        else:
            settings.echo(json_text(to_data(stored.checkpoint), compact=as_json))
        return
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
