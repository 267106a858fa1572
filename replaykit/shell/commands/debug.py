"""``replaykit debug``: step through the fold at a prompt."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator

import click

from replaykit.shell.advice import stored_checkpoints
from replaykit.shell.debug import PROMPT, Debugger
from replaykit.shell.options import EPILOG, JournalArgs, journal_arguments
from replaykit.shell.output import Settings
from replaykit.shell.progress import Feed
from replaykit.timetravel import Timeline

__all__ = ["completer", "debug", "history_path"]


@click.command(epilog=EPILOG)
@journal_arguments
@click.pass_obj
def debug(settings: Settings, args: JournalArgs, /) -> None:
    """Step through the replay of JOURNAL at a prompt: next, back, goto, find, show, diff.

    Reads commands from standard input, one per line: from the terminal (with line
    editing, Tab completion of commands and ids, and a history kept in
    $XDG_CACHE_HOME/replaykit/debug-history), or piped in (for scripts). `why` explains
    the verdict at the current step, `whatif` tries an edit. Type `help` at the prompt
    for the commands. Ends at `quit` or at the
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
    settings.warn_torn_tail(source.torn_tail, feed.count)
    run_id = timeline.record(1).run_id if len(timeline) > 1 else None
    debugger = Debugger(
        timeline,
        write=settings.echo,
        unit=source.unit,
        locations=locations,
        stored_checkpoints=stored_checkpoints(args.store(), run_id),
    )
    faults = len(timeline.faults())
    settings.echo(
        f"{source.name}: {feed.count} records, steps 0 to {debugger.last}"
        f"{f', {faults} rejected' if faults else ''}; type help for commands"
    )
    debugger.go(0)
    interactive = sys.stdin.isatty()
    with _line_editing(debugger) if interactive else contextlib.nullcontext():
        _session(debugger, settings, interactive)
    if debugger.failed and not interactive:
        raise click.ClickException(f"{debugger.failed} debug command(s) failed")


def history_path() -> str:
    """Where the prompt keeps its history: ``$XDG_CACHE_HOME/replaykit/debug-history``
    (``~/.cache/replaykit/debug-history`` by default)."""
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(cache, "replaykit", "debug-history")


def completer(debugger: Debugger, line: str, text: str) -> list[str]:
    """Tab completion for the prompt: the candidates for the word ``text`` being typed
    at the end of ``line``."""
    before = line[: len(line) - len(text)] if line.endswith(text) else line
    return debugger.completions(text, before.split())


@contextlib.contextmanager
def _line_editing(debugger: Debugger) -> Iterator[None]:
    """readline at a terminal: line editing, Tab completion of commands and ids, and a
    history kept between sessions (where readline is available)."""
    try:
        import readline
    except ImportError:  # no readline here: a plain prompt
        yield
        return
    path = history_path()
    with contextlib.suppress(OSError):
        readline.read_history_file(path)
    readline.set_history_length(1000)
    found: list[str] = []

    def complete(text: str, state: int) -> str | None:
        if state == 0:
            found[:] = completer(debugger, readline.get_line_buffer(), text)
        return found[state] if state < len(found) else None

    readline.set_completer_delims(" \t")
    readline.set_completer(complete)
    readline.parse_and_bind("tab: complete")
    try:
        yield
    finally:
        readline.set_completer(None)
        with contextlib.suppress(OSError):
            os.makedirs(os.path.dirname(path), exist_ok=True)
            readline.write_history_file(path)


def _session(debugger: Debugger, settings: Settings, interactive: bool) -> None:
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


def _read_piped(settings: Settings) -> str | None:
    line = sys.stdin.readline()
    if not line:
        return None
    command = line.rstrip("\r\n")
    settings.echo(PROMPT + command)
    return command
