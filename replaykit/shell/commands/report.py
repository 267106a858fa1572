"""``replaykit report``: the run as one self-contained HTML page (``replaykit.report``)."""

from __future__ import annotations

import itertools

import click

from replaykit.replay import initial_state, pause_gc
from replaykit.replay.fold import fold_steps
from replaykit.report import document_chunks
from replaykit.shell.advice import stored_checkpoints
from replaykit.shell.html import render
from replaykit.shell.options import EPILOG, JournalArgs, journal_arguments
from replaykit.shell.output import Settings, write_output
from replaykit.shell.progress import Feed

__all__ = ["report"]


@click.command(epilog=EPILOG)
@journal_arguments
@click.option(
    "-o",
    "--output",
    metavar="FILE",
    required=True,
    help="Write the page to FILE (atomically), or `-` for standard output.",
)
@click.option("--title", metavar="TEXT", help="The page's title (default: JOURNAL and its run).")
@click.pass_obj
def report(settings: Settings, args: JournalArgs, /, output: str, title: str | None) -> None:
    """Write JOURNAL's fold as one HTML page that any browser opens offline.

    The page shows the verdict (as `replay` explains it, each cause linked to its steps),
    a timeline with one lane per effect and output delivery (open ones highlighted) and
    markers for checkpoints, recovery records, the terminal record and rejected records,
    and every step: its record, the state after it and its patch. Steps are numbered as
    `show` numbers them; `run.html#step=N` opens step N. Scripts can read
    `window.replaykit.stateAt(n)` (what `show --at n --json` prints),
    `window.replaykit.verdict()` (what `replay --json` prints) and `stepCount()`.

    \b
      replaykit report run.jsonl -o run.html
    """
    replay_config = args.config(settings)
    source = args.open()
    feed = Feed(source, progress=settings.progress, keep_locations=True)
    records = iter(feed)  # streamed: the page's title needs only the first record's run
    first = next(records, None)
    run = None if first is None else first.run_id
    if first is not None:
        records = itertools.chain([first], records)
    name = source.name if run is None else f"{source.name} (run {run})"
    start = initial_state(replay_config)
    with pause_gc():
        chunks = document_chunks(
            fold_steps(start, records),
            replay_config,
            title=title or name,
            source=source.name,
            run=run,
            unit=source.unit,
            locations=feed.locations if feed.locations is not None else (),
            start=start,
            stored_checkpoints=stored_checkpoints(args.store(), run),
        )
        text = render(chunks, title=title or name)
    write_output(output, text)
    if output != "-":
        settings.note(f"wrote {output}: {feed.count} steps, {len(text):,} bytes")
    settings.warn_torn_tail(source.torn_tail, feed.count)
