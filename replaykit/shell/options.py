"""What the commands share: options, the replay configuration, output and progress.

Commands report how a fold ended as an ``Outcome`` (or ``None`` when they just showed
something); ``replaykit.shell.cli`` turns outcomes and errors into exit codes, in one
place.
"""

from __future__ import annotations

import array
import enum
import functools
import os
import sys
from collections.abc import Callable, Iterator
from typing import Any, Final, TypeVar, cast, final

import attrs
import click

from replaykit.model import (
    JournalRecord,
    MissingContentPolicy,
    ReplayMode,
    ReplayResult,
    ReplayStatus,
)
from replaykit.replay import ReplayConfig
from replaykit.shell.content import ContentStore, DirectoryContent, ManifestContent, SqliteContent
from replaykit.shell.errors import SourceError
from replaykit.shell.exits import exit_codes_help
from replaykit.shell.render import one_line
from replaykit.shell.sources import JournalSource, open_journal
from replaykit.shell.sqlite import SqliteJournal

__all__ = [
    "EXIT_CODES_HELP",
    "JOURNAL_HELP",
    "MODES",
    "Feed",
    "JournalArgs",
    "Outcome",
    "PipeClosed",
    "Settings",
    "build_config",
    "config_options",
    "journal_arguments",
    "journal_options",
    "open_source",
    "outcome_of",
]

F = TypeVar("F", bound=Callable[..., Any])

#: ``--mode`` values: the short names and the wire names.
MODES: Final = {
    "audit": ReplayMode.AUDIT_REPLAY,
    "resume": ReplayMode.RESUME_REPLAY,
    "repair": ReplayMode.REPAIR_REPLAY,
    **{mode.value: mode for mode in ReplayMode},
}

EXIT_CODES_HELP: Final = exit_codes_help()

JOURNAL_HELP: Final = """\b
JOURNAL is a JSONL file (gzip when it ends in .gz), an SQLite database
(.sqlite, .sqlite3, .db), `-` for standard input, or example:NAME for a
journal bundled with replaykit (example:crash-recovery,
example:output-delivery-mixed, example:tool-run-completed)."""

#: The epilog of every command that reads a journal: what JOURNAL is, the exit codes.
EPILOG: Final = JOURNAL_HELP + "\n\n" + EXIT_CODES_HELP


class Outcome(enum.Enum):
    """How a fold ended, for the exit code."""

    COMPLETE = "complete"
    REPAIR_NEEDED = "repair_needed"
    REJECTED = "rejected"


def outcome_of(result: ReplayResult) -> Outcome:
    """``COMPLETE`` when nothing needs repair (resume is then always allowed)."""
    if result.status is ReplayStatus.COMPLETE and result.resume_allowed:
        return Outcome.COMPLETE
    return Outcome.REPAIR_NEEDED


class PipeClosed(Exception):
    """Standard output was closed by its reader (``| head``)."""


@final
@attrs.frozen
class Settings:
    """Options of the ``replaykit`` group, passed to every command as ``ctx.obj``."""

    color: bool = False
    progress: bool = False

    def echo(self, text: str = "") -> None:
        """Write a line of output (coloured only when ``color``)."""
        try:
            click.echo(text, color=self.color)
        except BrokenPipeError:
            raise PipeClosed from None

    def echo_bytes(self, data: bytes) -> None:
        """Write one line of raw UTF-8 output (JSON), without copying it into a ``str``."""
        try:
            sys.stdout.flush()  # keep the order of earlier lines
            sys.stdout.buffer.write(data + b"\n")
            sys.stdout.buffer.flush()
        except BrokenPipeError:
            raise PipeClosed from None

    def note(self, text: str) -> None:
        """Write a note on standard error."""
        click.echo(f"replaykit: {text}", err=True, color=False)

    def warn_torn_tail(self, tail: SourceError | None, records: int) -> None:
        """Say on standard error that a torn last line was skipped (if one was)."""
        if tail is not None:
            used = f"{records} record{'' if records == 1 else 's'}"
            self.note(f"warning: {one_line(str(tail))}; skipped it and used the {used} before it")


def journal_options(function: F) -> F:
    """``JOURNAL``, ``--run-id`` and ``--allow-torn-tail``."""
    function = click.option(
        "--allow-torn-tail",
        is_flag=True,
        help="Replay the records before a torn (cut-short) last line instead of failing.",
    )(function)
    function = click.option(
        "--run-id",
        metavar="RUN",
        help="The run to read from an SQLite journal that holds several.",
    )(function)
    return click.argument("journal", metavar="JOURNAL")(function)


def config_options(function: F) -> F:
    """``--mode``, the content store options and ``--missing-content-policy``."""
    decorators = [
        click.option(
            "--mode",
            type=click.Choice(list(MODES), case_sensitive=False),
            default="resume_replay",
            show_default=True,
            help="Replay mode: audit, resume or repair (or the wire names).",
        ),
        click.option(
            "--content-manifest",
            metavar="FILE",
            help="Content refs that exist, one per line.",
        ),
        click.option(
            "--content-dir",
            metavar="DIR",
            help="A directory of files named by content ref.",
        ),
        click.option(
            "--content-db",
            metavar="FILE",
            help="An SQLite database with a content_refs(ref) table.",
        ),
        click.option(
            "--missing-content-policy",
            type=click.Choice([policy.value for policy in MissingContentPolicy]),
            default=MissingContentPolicy.FAIL.value,
            show_default=True,
            help="What a missing content ref means (only with a content option).",
        ),
    ]
    for decorator in reversed(decorators):
        function = decorator(function)
    return function


def build_config(
    settings: Settings,
    mode: str,
    content_manifest: str | None,
    content_dir: str | None,
    content_db: str | None,
    missing_content_policy: str,
) -> ReplayConfig:
    """The replay configuration from the options (content stores are read here)."""
    given = [
        (flag, value)
        for flag, value in (
            ("--content-manifest", content_manifest),
            ("--content-dir", content_dir),
            ("--content-db", content_db),
        )
        if value is not None
    ]
    if len(given) > 1:
        names = " and ".join(flag for flag, _ in given)
        raise click.UsageError(f"{names} exclude each other: give one content store")
    store: ContentStore | None = None
    if content_manifest is not None:
        store = ManifestContent(content_manifest)
    elif content_dir is not None:
        store = DirectoryContent(content_dir)
    elif content_db is not None:
        store = SqliteContent(content_db)
    policy = MissingContentPolicy(missing_content_policy)
    if store is None and policy is not MissingContentPolicy.FAIL:
        settings.note(
            "note: --missing-content-policy has no effect without --content-manifest,"
            " --content-dir or --content-db"
        )
    refs = None if store is None else store.refs()
    return ReplayConfig(MODES[mode.lower()], refs, policy)


def open_source(journal: str, run_id: str | None, allow_torn_tail: bool) -> JournalSource:
    """The journal named on the command line (errors are raised as ``SourceError``)."""
    source = open_journal(journal, run_id=run_id, allow_torn_tail=allow_torn_tail)
    if run_id is not None and not isinstance(source, SqliteJournal):
        raise click.UsageError("--run-id selects a run in an SQLite journal; JOURNAL is not one")
    return source


@final
@attrs.frozen
class JournalArgs:
    """``JOURNAL`` and the options that say how to read and replay it (as given)."""

    journal: str
    run_id: str | None
    allow_torn_tail: bool
    mode: str
    content_manifest: str | None
    content_dir: str | None
    content_db: str | None
    missing_content_policy: str

    def config(self, settings: Settings) -> ReplayConfig:
        """The replay configuration (content stores are read here)."""
        return build_config(
            settings,
            self.mode,
            self.content_manifest,
            self.content_dir,
            self.content_db,
            self.missing_content_policy,
        )

    def open(self) -> JournalSource:
        """The journal (errors are raised as ``SourceError``)."""
        return open_source(self.journal, self.run_id, self.allow_torn_tail)


_JOURNAL_ARGS: Final = tuple(field.name for field in attrs.fields(JournalArgs))


def journal_arguments(function: F) -> F:
    """``journal_options`` and ``config_options``, given to the command as one ``JournalArgs``.

    The command takes it right after the settings: ``def command(settings, args, /, ...)``.
    """

    @functools.wraps(function)
    def command(*args: Any, **options: Any) -> Any:
        given = JournalArgs(**{name: options.pop(name) for name in _JOURNAL_ARGS})
        return function(*args, given, **options)

    return journal_options(config_options(cast(F, command)))


_PROGRESS_EVERY: Final = 4096
_PROGRESS_MIN_BYTES: Final = 4 * 1024 * 1024
_PROGRESS_MIN_ROWS: Final = 20_000


@final
class Feed:
    """The records of a source, counted, with their locations and a progress bar.

    The bar is drawn on standard error only when ``progress`` is on (it is a terminal)
    and the journal is long.
    """

    def __init__(self, source: JournalSource, *, progress: bool, keep_locations: bool = False):
        self.source = source
        self.count = 0
        self.progress = progress
        self.locations: array.array[int] | None = array.array("q") if keep_locations else None

    def __iter__(self) -> Iterator[JournalRecord]:
        records = iter(self.source)
        for record in self._plain(records):
            yield record
            if self.progress and self.count == 1:
                yield from self._with_bar(records)
                return

    def _with_bar(self, records: Iterator[JournalRecord]) -> Iterator[JournalRecord]:
        done, total = self.source.progress()
        minimum = _PROGRESS_MIN_BYTES if self.source.unit == "line" else _PROGRESS_MIN_ROWS
        if total is None or total < minimum or not sys.stderr.isatty():
            yield from self._plain(records)
            return
        with click.progressbar(
            length=total, label="replaying", file=sys.stderr, show_pos=False
        ) as bar:
            bar.update(done)
            shown = done
            for record in self._plain(records):
                yield record
                if self.count % _PROGRESS_EVERY == 0:
                    done, _ = self.source.progress()
                    bar.update(done - shown)
                    shown = done
            bar.update(total - shown)

    def _plain(self, records: Iterator[JournalRecord]) -> Iterator[JournalRecord]:
        locations = self.locations
        for record in records:
            self.count += 1
            if locations is not None:
                locations.append(self.source.location)
            yield record


def color_wanted(choice: str) -> bool:
    """Whether to colour standard output: ``always``, ``never``, or ``auto``.

    ``auto`` colours only a terminal, and never when ``NO_COLOR`` is set (non-empty).
    """
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()
