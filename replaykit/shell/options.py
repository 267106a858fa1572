"""The options the commands share: the journal, its run, content and the replay mode.

``journal_arguments`` gives a command every one of them as one ``JournalArgs``, which
opens the journal and builds the ``ReplayConfig``. What commands write (``Settings``,
``Outcome``) is ``shell.output``; the progress bar over a journal (``Feed``) is
``shell.progress``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Final, TypeVar, cast, final

import attrs
import click

from replaykit.model import (
    MissingContentPolicy,
    ReplayMode,
)
from replaykit.replay import ReplayConfig
from replaykit.shell.content import ContentStore, DirectoryContent, ManifestContent, SqliteContent
from replaykit.shell.exits import exit_codes_help
from replaykit.shell.output import Settings
from replaykit.shell.sources import JournalSource, open_journal
from replaykit.shell.sqlite import SqliteJournal

__all__ = [
    "EXIT_CODES_HELP",
    "JOURNAL_HELP",
    "MODES",
    "JournalArgs",
    "build_config",
    "config_options",
    "journal_arguments",
    "journal_options",
    "open_source",
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
