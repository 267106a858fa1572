"""The imperative shell: journal sources, content stores and the ``replaykit`` command.

All of replaykit's I/O lives here. The core (model, wire, replay, timetravel) only
computes; the shell reads journals and content stores, calls the core, and renders.

>>> from replaykit import ReplayConfig, replay
>>> journal = open_journal("example:tool-run-completed")
>>> replay(journal, ReplayConfig("resume_replay")).unwrap().status.value
'complete'
"""

from replaykit.shell.content import (
    ContentStore,
    DirectoryContent,
    ManifestContent,
    SqliteContent,
    safe_ref_name,
)
from replaykit.shell.errors import Problem, SourceError
from replaykit.shell.importer import ImportSummary, import_journal
from replaykit.shell.load import load
from replaykit.shell.sources import (
    EXAMPLE_PREFIX,
    FileStore,
    JournalSource,
    JsonlJournal,
    PostgresStore,
    ReplaykitSqliteStore,
    RuntimeSqliteStore,
    Store,
    StoredCheckpoint,
    open_journal,
    open_store,
)
from replaykit.shell.sources.sqlite import SCHEMA, SqliteJournal

__all__ = [
    "EXAMPLE_PREFIX",
    "SCHEMA",
    "ContentStore",
    "DirectoryContent",
    "FileStore",
    "ImportSummary",
    "JournalSource",
    "JsonlJournal",
    "ManifestContent",
    "PostgresStore",
    "Problem",
    "ReplaykitSqliteStore",
    "RuntimeSqliteStore",
    "SourceError",
    "SqliteContent",
    "SqliteJournal",
    "Store",
    "StoredCheckpoint",
    "import_journal",
    "load",
    "open_journal",
    "open_store",
    "safe_ref_name",
]
