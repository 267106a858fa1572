"""``replaykit import``: copy a JSONL journal into an SQLite database."""

from __future__ import annotations

from typing import Final

import click

from replaykit.model.ids import id_error
from replaykit.shell.exits import exit_codes_help
from replaykit.shell.importer import LAYOUTS, import_journal
from replaykit.shell.output import Settings
from replaykit.shell.render import plural
from replaykit.shell.sources import JsonlJournal, open_journal

__all__ = ["import_"]

_IMPORT_EPILOG: Final = """\b
JOURNAL is a JSONL file (gzip when it ends in .gz), `-` for standard input, or
example:NAME for a journal bundled with replaykit.

""" + exit_codes_help(
    (0, 64, 65, 66, 70, 74, 130),
    {
        0: "imported",
        64: "usage error (unknown option, JOURNAL is already an SQLite database)",
        65: "bad input data (undecodable line, torn tail, not gzip, empty journal),"
        " DATABASE is not an SQLite database, it already holds the run, or the runtime"
        " layout cannot hold the journal",
    },
)


@click.command("import", epilog=_IMPORT_EPILOG)
@click.argument("journal", metavar="JOURNAL")
@click.argument("database", metavar="DATABASE")
@click.option(
    "--run-id",
    metavar="RUN",
    help="Store the records under this run id (default: the first record's).",
)
@click.option("--replace", is_flag=True, help="Replace the run if DATABASE already holds it.")
@click.option(
    "--layout",
    type=click.Choice(LAYOUTS),
    help="replaykit (the journal as written) or runtime (the runtime's SQLite store, by"
    " its writer's rules). Default: an existing DATABASE's layout, else replaykit.",
)
@click.option("--allow-torn-tail", is_flag=True, help="Import the records before a torn last line.")
@click.pass_obj
def import_(
    settings: Settings,
    /,
    journal: str,
    database: str,
    run_id: str | None,
    replace: bool,
    layout: str | None,
    allow_torn_tail: bool,
) -> None:
    """Copy a JSONL JOURNAL into the SQLite DATABASE (see docs/stores.md for the layouts).

    A new DATABASE is built in a temporary file and renamed into place; an existing one
    is changed in one transaction. Every record is decoded first, and nothing is written
    unless all of them decode. With --layout runtime, DATABASE is a store of the runtime
    (its run_journal_records table), written by the runtime writer's rules: a repeated
    record_id is skipped, a journal_seq that does not increase is refused.
    """
    if run_id is not None and (problem := id_error(run_id)) is not None:
        raise click.BadParameter(f"{run_id!r} is not a run id ({problem})", param_hint="--run-id")
    source = open_journal(journal, allow_torn_tail=allow_torn_tail)
    if not isinstance(source, JsonlJournal):
        raise click.UsageError(
            "import reads JSONL journals; JOURNAL is a store (replay it with --run instead)"
        )
    summary = import_journal(source, database, run_id=run_id, replace=replace, layout=layout)
    settings.warn_torn_tail(source.torn_tail, summary.records)
    verb = "created" if summary.created else "updated"
    skipped = ""
    if summary.skipped:
        skipped = (
            f"; skipped {plural(summary.skipped, 'record')} whose record_id was already"
            " stored, as the runtime's writer does"
        )
    settings.echo(
        f"imported {plural(summary.records, 'record')} of run {summary.run_id}"
        f" into {summary.database} ({verb}, {summary.layout_name}){skipped}"
    )
