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
from replaykit.shell.sources import (
    JournalSource,
    Store,
    is_store_spec,
    open_journal,
    open_store,
)
from replaykit.shell.sources.postgres import URL_PREFIXES

__all__ = [
    "EXIT_CODES_HELP",
    "JOURNAL_HELP",
    "MODES",
    "JournalArgs",
    "StoreContent",
    "build_config",
    "check_store_options",
    "config_options",
    "journal_arguments",
    "journal_options",
    "open_source",
    "store_options",
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
JOURNAL is a JSONL file (gzip when it ends in .gz), `-` for standard
input, a store of the runtime (a file-store directory, an SQLite
database of either layout, or a postgresql:// URL with --scope and
--schema), or example:NAME for a journal bundled with replaykit
(example:crash-recovery, example:output-delivery-mixed,
example:tool-run-completed, example:file-store). --run picks the run
of a store that holds several."""

#: The epilog of every command that reads a journal: what JOURNAL is, the exit codes.
EPILOG: Final = JOURNAL_HELP + "\n\n" + EXIT_CODES_HELP


def store_options(function: F) -> F:
    """``--run``, ``--scope`` and ``--schema``: which run of a store, and where."""
    function = click.option(
        "--schema",
        metavar="SCHEMA",
        help="The Postgres schema of the runtime's tables (default: public).",
    )(function)
    function = click.option(
        "--scope",
        metavar="SCOPE",
        help="The Postgres store scope (default: the only one the tables hold).",
    )(function)
    return click.option(
        "--run",
        "--run-id",
        "run_id",
        metavar="RUN",
        help="The run to read from a store that holds several.",
    )(function)


def journal_options(function: F) -> F:
    """``JOURNAL``, ``--run``, ``--scope``, ``--schema`` and ``--allow-torn-tail``."""
    function = click.option(
        "--allow-torn-tail",
        is_flag=True,
        help="Replay the records before a torn (cut-short) last line instead of failing.",
    )(function)
    function = store_options(function)
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
            "--content-from-store",
            is_flag=True,
            help="The content ids the JOURNAL's store holds (JOURNAL must be a store).",
        ),
        click.option(
            "--content-store",
            metavar="STORE",
            help="The content ids another store holds (a file store, SQLite or Postgres).",
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


@final
@attrs.frozen
class StoreContent:
    """A store whose content ids are the available content refs (``ContentStore``)."""

    spec: str
    scope: str | None = None
    schema: str | None = None

    def refs(self) -> frozenset[str]:
        """The content ids the store holds."""
        return open_store(self.spec, scope=self.scope, schema=self.schema or "public").content_ids()

    def __contains__(self, ref: object) -> bool:
        return ref in self.refs()


def build_config(
    settings: Settings,
    mode: str,
    content_manifest: str | None,
    content_dir: str | None,
    content_db: str | None,
    missing_content_policy: str,
    *,
    content_store: StoreContent | None = None,
) -> ReplayConfig:
    """The replay configuration from the options (content stores are read here)."""
    given = [
        (flag, value)
        for flag, value in (
            ("--content-manifest", content_manifest),
            ("--content-dir", content_dir),
            ("--content-db", content_db),
            ("--content-store/--content-from-store", content_store),
        )
        if value is not None
    ]
    if len(given) > 1:
        names = " and ".join(flag for flag, _ in given)
        raise click.UsageError(f"{names} exclude each other: give one content store")
    store: ContentStore | None = content_store
    if content_manifest is not None:
        store = ManifestContent(content_manifest)
    elif content_dir is not None:
        store = DirectoryContent(content_dir)
    elif content_db is not None:
        store = SqliteContent(content_db)
    policy = MissingContentPolicy(missing_content_policy)
    if store is None and policy is not MissingContentPolicy.FAIL:
        settings.note(
            "note: --missing-content-policy has no effect without a content option"
            " (--content-manifest, --content-dir, --content-db, --content-store or"
            " --content-from-store)"
        )
    refs = None if store is None else store.refs()
    return ReplayConfig(MODES[mode.lower()], refs, policy)


def open_source(
    journal: str,
    run_id: str | None,
    allow_torn_tail: bool,
    *,
    scope: str | None = None,
    schema: str | None = None,
) -> JournalSource:
    """The journal named on the command line (errors are raised as ``SourceError``)."""
    check_store_options(journal, run_id, scope, schema)
    return open_journal(
        journal,
        run_id=run_id,
        scope=scope,
        schema=schema or "public",
        allow_torn_tail=allow_torn_tail,
    )


def check_store_options(
    journal: str, run_id: str | None, scope: str | None, schema: str | None
) -> None:
    """Usage errors for store options given with a source they do not apply to."""
    if (scope is not None or schema is not None) and not journal.startswith(URL_PREFIXES):
        flag = "--scope" if scope is not None else "--schema"
        raise click.UsageError(f"{flag} applies to a postgresql:// source; JOURNAL is not one")
    if run_id is not None and not is_store_spec(journal):
        raise click.UsageError(
            "--run selects a run in a store (a file store, an SQLite database or"
            " Postgres); JOURNAL is a JSONL journal"
        )


@final
@attrs.frozen
class JournalArgs:
    """``JOURNAL`` and the options that say how to read and replay it (as given)."""

    journal: str
    run_id: str | None
    scope: str | None
    schema: str | None
    allow_torn_tail: bool
    mode: str
    content_manifest: str | None
    content_dir: str | None
    content_db: str | None
    content_from_store: bool
    content_store: str | None
    missing_content_policy: str

    def config(self, settings: Settings) -> ReplayConfig:
        """The replay configuration (content stores are read here)."""
        store: StoreContent | None = None
        if self.content_from_store and self.content_store is not None:
            raise click.UsageError(
                "--content-from-store and --content-store exclude each other: give one"
            )
        if self.content_from_store:
            if not is_store_spec(self.journal):
                raise click.UsageError(
                    "--content-from-store needs JOURNAL to be a store (a file store, an"
                    " SQLite database or Postgres); use --content-store STORE"
                )
            store = StoreContent(self.journal, self.scope, self.schema)
        elif self.content_store is not None:
            scoped = self.content_store.startswith(URL_PREFIXES)
            store = StoreContent(
                self.content_store,
                self.scope if scoped else None,
                self.schema if scoped else None,
            )
        return build_config(
            settings,
            self.mode,
            self.content_manifest,
            self.content_dir,
            self.content_db,
            self.missing_content_policy,
            content_store=store,
        )

    def open(self) -> JournalSource:
        """The journal (errors are raised as ``SourceError``).

        ``--scope`` and ``--schema`` apply to a ``postgresql://`` JOURNAL, or else to a
        ``postgresql://`` ``--content-store``."""
        if not self.journal.startswith(URL_PREFIXES) and (self.content_store or "").startswith(
            URL_PREFIXES
        ):
            return open_source(self.journal, self.run_id, self.allow_torn_tail)
        return open_source(
            self.journal, self.run_id, self.allow_torn_tail, scope=self.scope, schema=self.schema
        )

    def store(self) -> Store | None:
        """The store JOURNAL names, or ``None`` for a JSONL journal."""
        if not is_store_spec(self.journal):
            return None
        return open_store(self.journal, scope=self.scope, schema=self.schema or "public")


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
