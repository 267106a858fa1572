"""``replaykit checkpoints``: the checkpoints a store keeps for a run."""

from __future__ import annotations

import datetime
from typing import Final

import click

from replaykit.shell.errors import Problem, SourceError
from replaykit.shell.exits import exit_codes_help
from replaykit.shell.options import check_store_options, store_options
from replaykit.shell.output import Settings
from replaykit.shell.render import plural
from replaykit.shell.sources import StoredCheckpoint, choose_run, open_store
from replaykit.wire import to_json

__all__ = ["checkpoints"]

_EPILOG: Final = """\b
STORE is a store of the runtime: a file-store directory, an SQLite
database (the runtime's layout; replaykit's own keeps no checkpoints), or a
postgresql:// URL with --scope and --schema; example:file-store is bundled.

""" + exit_codes_help((0, 64, 65, 66, 70, 74, 130), {0: "listed (also when there are none)"})


def _when(millis: int) -> str:
    try:
        moment = datetime.datetime.fromtimestamp(millis / 1000, tz=datetime.UTC)
    except (OverflowError, OSError, ValueError):
        return str(millis)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{millis % 1000:03d}Z"


def _row(stored: StoredCheckpoint, latest: bool) -> str:
    c = stored.checkpoint
    effects = ", ".join(effect.effect_id for effect in c.pending_side_effects) or "-"
    approvals = ", ".join(c.pending_approvals) or "-"
    mark = "*" if latest else " "
    return (
        f"{mark} {c.covers_journal_seq:>6} {c.checkpoint_seq:>6}  {c.checkpoint_id:<24}"
        f" {c.loop_state:<16} {_when(c.created_at_millis):<24} pending effects: {effects};"
        f" approvals: {approvals}"
    )


@click.command(epilog=_EPILOG)
@click.argument("store", metavar="STORE")
@store_options
@click.option(
    "--json", "as_json", is_flag=True, help="One RunCheckpoint per line, as the store holds it."
)
@click.pass_obj
def checkpoints(
    settings: Settings,
    /,
    store: str,
    run_id: str | None,
    scope: str | None,
    schema: str | None,
    as_json: bool,
) -> None:
    """The checkpoints STORE keeps for a run, in the runtime's order.

    The order is the runtime's "latest" order: covered journal seq, then checkpoint seq,
    then creation time; the latest (what a resume starts from) is marked `*`. Each row
    shows what it covers, its loop state, when it was written and the side effects and
    approvals it records as pending. `show --checkpoint` and `history` tell which of them
    a step falls under.
    """
    check_store_options(store, run_id, scope, schema)
    opened = open_store(store, scope=scope, schema=schema or "public")
    run = run_id if run_id is not None else choose_run(opened, None)
    assert run is not None
    found = opened.checkpoints(run)
    if not found and run_id is not None and run_id not in opened.runs():
        message = f"no journal and no checkpoints of run {run_id!r} ({opened.layout})"
        raise SourceError(Problem.UNKNOWN_RUN, opened.name, message)
    if as_json:
        for stored in found:
            settings.echo(to_json(stored.checkpoint))
        return
    settings.echo(
        f"{opened.name}: run {run}, {plural(len(found), 'stored checkpoint')} ({opened.layout})"
    )
    if not found:
        return
    settings.echo(f"  {'covers':>6} {'seq':>6}  {'checkpoint':<24} {'loop state':<16} written")
    latest = max(found, key=lambda stored: stored.order)
    for stored in found:
        settings.echo(_row(stored, stored is latest))
