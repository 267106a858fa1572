"""``replaykit debug``: step through the fold at a prompt."""

from __future__ import annotations

import sys

import click

from replaykit.shell.debug import PROMPT, Debugger
from replaykit.shell.options import EPILOG, JournalArgs, journal_arguments
from replaykit.shell.output import Settings
from replaykit.shell.progress import Feed
from replaykit.timetravel import Timeline

__all__ = ["debug"]


@click.command(epilog=EPILOG)
@journal_arguments
@click.pass_obj
def debug(settings: Settings, args: JournalArgs, /) -> None:
    """Step through the replay of JOURNAL at a prompt: next, back, goto, find, show, diff.

    Reads commands from standard input, one per line: from the terminal, or piped in
    (for scripts). Type `help` at the prompt for the commands. Ends at `quit` or at the
    end of input; piped sessions exit 64 if any command failed.
    """
    if args.journal == "-":
        raise click.UsageError("debug reads its commands from standard input; JOURNAL cannot be -")
    replay_config = args.config(settings)
    source = args.open()
    feed = Feed(source, progress=settings.progress, keep_locations=True)
    # The command owns its process: it freezes the history out of the collector's way
    # once folded (a library caller decides that for itself). Without it, the young
    # collection the fold's pause put off walks every kept state: 6 s of a 7 s session
    # on 20k records with content checked.
    timeline = Timeline(feed, replay_config, freeze_gc=True)
    locations = feed.locations if feed.locations is not None else []
    debugger = Debugger(timeline, write=settings.echo, unit=source.unit, locations=locations)
    settings.warn_torn_tail(source.torn_tail, feed.count)
    faults = len(timeline.faults())
    settings.echo(
        f"{source.name}: {feed.count} records, steps 0 to {debugger.last}"
        f"{f', {faults} rejected' if faults else ''}; type help for commands"
    )
    debugger.go(0)
    interactive = sys.stdin.isatty()
    while True:
        try:
            line = input(PROMPT) if interactive else _read_piped(settings)
        except EOFError:
            break
        except KeyboardInterrupt:  # Ctrl-C at the prompt: a new prompt (Ctrl-D leaves)
            if not interactive:
                raise
            settings.echo("")
            continue
        if line is None:
            break
        try:
            if not debugger.handle(line):
                break
        except KeyboardInterrupt:  # Ctrl-C during a command: back to the prompt
            if not interactive:
                raise
            settings.echo("interrupted")
    if debugger.failed and not interactive:
        raise click.ClickException(f"{debugger.failed} debug command(s) failed")


def _read_piped(settings: Settings) -> str | None:
    line = sys.stdin.readline()
    if not line:
        return None
    command = line.rstrip("\r\n")
    settings.echo(PROMPT + command)
    return command
