"""SQLite stores, read-only: replaykit's own layout and the runtime's (the importer that
writes either is ``replaykit.shell.importer``).

replaykit's layout (``replaykit import`` creates it; a host may write the same tables
itself)::

    CREATE TABLE journal_records (
        run_id      TEXT    NOT NULL,  -- the run whose journal this is
        position    INTEGER NOT NULL,  -- append order: replayed ORDER BY position
        journal_seq INTEGER NOT NULL,  -- the record's journal_seq
        record_id   TEXT    NOT NULL,  -- the record's record_id
        record_json TEXT    NOT NULL,  -- the record as written (WIRE.md)
        PRIMARY KEY (run_id, position)
    );
    CREATE TABLE content_refs (ref TEXT PRIMARY KEY) WITHOUT ROWID;

One row per record. ``position`` (not ``journal_seq``) orders the records and keys the
table, so that a database keeps a journal exactly as it was written, including the
records a replay must reject (a repeated or decreasing seq, an idempotent duplicate):
replaying the database gives the same verdict as replaying the file it came from. For a
healthy journal, position order is seq order and a host may use the seq as position.
``journal_seq`` and ``record_id`` must agree with the JSON; a row where they do not is
reported. ``content_refs`` lists the content refs that exist, for ``--content-db``.

The runtime's layout (``agent-sdk-store-sqlite``, ``RUNTIME_STATEMENTS``) keys its
journal by ``(run_id, journal_seq)`` and its writer drops a repeated ``record_id``, so
it only holds journals whose seqs strictly increase; ``RuntimeSqliteStore`` reads it as
the runtime does (``ORDER BY journal_seq``). ``open_sqlite_store`` tells the two apart
by their tables.

Databases are never written while read: both layouts open them with
``sqlitedb.connect_readonly``.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from typing import Final, final

from replaykit.model import JournalRecord
from replaykit.shell.errors import Problem, SourceError
from replaykit.shell.sources.base import (
    EntriesJournal,
    StoredCheckpoint,
    choose_run,
    decode_checkpoint,
    decode_record,
    sorted_checkpoints,
)
from replaykit.shell.sources.sqlitedb import (
    connect_readonly,
    database_error,
    require_table,
    stepped,
    table_names,
)

__all__ = [
    "JOURNAL_COLUMNS",
    "RUNTIME_STATEMENTS",
    "RUNTIME_TABLE",
    "SCHEMA",
    "STATEMENTS",
    "TABLE",
    "ReplaykitSqliteStore",
    "RuntimeSqliteStore",
    "SqliteJournal",
    "open_sqlite_store",
]

STATEMENTS: Final = (
    """CREATE TABLE IF NOT EXISTS journal_records (
    run_id      TEXT    NOT NULL,
    position    INTEGER NOT NULL,
    journal_seq INTEGER NOT NULL,
    record_id   TEXT    NOT NULL,
    record_json TEXT    NOT NULL,
    PRIMARY KEY (run_id, position)
)""",
    "CREATE TABLE IF NOT EXISTS content_refs (ref TEXT PRIMARY KEY) WITHOUT ROWID",
)

#: The layout, as SQL.
SCHEMA: Final = "".join(f"{statement};\n" for statement in STATEMENTS)

#: The columns of ``journal_records`` the reader needs.
JOURNAL_COLUMNS: Final = ("run_id", "position", "journal_seq", "record_id", "record_json")

TABLE: Final = "journal_records"
_LIST_RUNS: Final = 5


@final
class SqliteJournal(EntriesJournal):
    """The journal of one run in an SQLite database, read-only, in ``position`` order.

    ``run_id`` may be left out when the database holds exactly one run. The counting,
    locations and progress are ``EntriesJournal``'s; this class only reads the rows.
    """

    def __init__(self, path: str, *, run_id: str | None = None, allow_empty: bool = False) -> None:
        super().__init__(
            path, "row", self._rows, total=lambda: self._rows_total, allow_empty=allow_empty
        )
        self.path = path
        self.run_id = run_id
        self._rows_total: int | None = None

    def _rows(self) -> Iterator[tuple[int, bytes, JournalRecord]]:
        connection = connect_readonly(self.path, self.name)
        with contextlib.closing(connection):
            try:
                require_table(connection, TABLE, JOURNAL_COLUMNS, self.name)
                run = self._resolve_run(connection)
                if run is None:
                    return
                (self._rows_total,) = connection.execute(
                    f"SELECT count(*) FROM {TABLE} WHERE run_id = ?", (run,)
                ).fetchone()
                cursor = connection.execute(
                    "SELECT position, journal_seq, record_id, record_json"
                    f" FROM {TABLE} WHERE run_id = ? ORDER BY position",
                    (run,),
                )
                rows = iter(cursor)
            except sqlite3.Error as error:
                raise database_error(error, self.name) from None
            for done, row in enumerate(stepped(rows, self.name), 1):
                yield self._decode(run, row, done)

    def _decode(
        self, run: str, row: tuple[object, ...], done: int
    ) -> tuple[int, bytes, JournalRecord]:
        position, seq, record_id, text = row
        where = f"(run_id={run!r}, position={position!r})"
        if isinstance(text, str):
            raw = text.encode("utf-8", "surrogatepass")
        elif isinstance(text, bytes):
            raw = text
        else:
            message = f"record_json is not text (got {type(text).__name__})"
            raise SourceError(Problem.UNDECODABLE, self.name, message, row=where)
        record = decode_record(raw, self.name, row=where)
        if seq != record.journal_seq or record_id != record.record_id:
            message = (
                f"the row says journal_seq={seq!r}, record_id={record_id!r} but the record"
                f" says journal_seq={record.journal_seq}, record_id={record.record_id!r}"
            )
            raise SourceError(Problem.UNDECODABLE, self.name, message, row=where)
        return (position if isinstance(position, int) else done), raw, record

    def _resolve_run(self, connection: sqlite3.Connection) -> str | None:
        runs = [
            row[0]
            for row in connection.execute(
                f"SELECT DISTINCT run_id FROM {TABLE} ORDER BY run_id LIMIT ?",
                (_LIST_RUNS + 1,),
            )
        ]
        shown = ", ".join(repr(run) for run in runs[:_LIST_RUNS])
        if len(runs) > _LIST_RUNS:
            shown += ", ..."
        if self.run_id is not None:
            exists = connection.execute(
                f"SELECT 1 FROM {TABLE} WHERE run_id = ? LIMIT 1", (self.run_id,)
            ).fetchone()
            if exists is None:
                message = f"no records for run {self.run_id!r} (runs: {shown or 'none'})"
                raise SourceError(Problem.UNKNOWN_RUN, self.name, message)
            return self.run_id
        if not runs:
            if self.allow_empty:
                return None
            raise SourceError(Problem.EMPTY, self.name, "empty journal: the table holds no rows")
        if len(runs) > 1:
            message = f"the database holds several runs ({shown}); choose one with --run"
            raise SourceError(Problem.AMBIGUOUS_RUN, self.name, message)
        return str(runs[0])


#: The runtime's SQLite layout (``agent-sdk-store-sqlite``): the three tables replaykit
#: reads, as the runtime creates them (STORES.md section 3.2).
RUNTIME_STATEMENTS: Final = (
    """CREATE TABLE IF NOT EXISTS run_journal_records (
    run_id TEXT NOT NULL,
    journal_seq INTEGER NOT NULL,
    record_id TEXT NOT NULL,
    record_json TEXT NOT NULL,
    PRIMARY KEY (run_id, journal_seq)
)""",
    "CREATE UNIQUE INDEX IF NOT EXISTS idx_run_journal_record_id"
    " ON run_journal_records(run_id, record_id)",
    """CREATE TABLE IF NOT EXISTS checkpoints (
    run_id TEXT NOT NULL,
    checkpoint_id TEXT NOT NULL,
    latest_journal_seq INTEGER NOT NULL,
    checkpoint_json TEXT NOT NULL,
    PRIMARY KEY (run_id, checkpoint_id)
)""",
    "CREATE INDEX IF NOT EXISTS idx_checkpoints_latest ON checkpoints(run_id, latest_journal_seq)",
    """CREATE TABLE IF NOT EXISTS content (
    content_ref TEXT PRIMARY KEY,
    content_json TEXT NOT NULL,
    bytes BLOB NOT NULL,
    byte_len INTEGER NOT NULL
)""",
)

RUNTIME_TABLE: Final = "run_journal_records"
_CONTENT_REFS: Final = "content_refs"


def _text_bytes(value: object, name: str, column: str, where: str) -> bytes:
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass")
    if isinstance(value, bytes):
        return value
    message = f"{column} is not text (got {type(value).__name__})"
    raise SourceError(Problem.UNDECODABLE, name, message, row=where)


@final
class RuntimeSqliteStore:
    """The runtime's SQLite store (``run_journal_records``, ``checkpoints``, ``content``),
    read-only.

    A run's records come as the runtime's reader returns them: its rows ``ORDER BY
    journal_seq``, each row's ``record_json`` decoded. Content ids are the
    ``content.content_ref`` column (which holds the content id); checkpoints the
    ``checkpoints`` rows of the run.
    """

    layout: Final = "runtime SQLite store"
    keeps_checkpoints: Final = True

    def __init__(self, path: str) -> None:
        self.path = path
        self.name = path

    def _query(self, sql: str, parameters: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        connection = connect_readonly(self.path, self.name)
        with contextlib.closing(connection):
            try:
                return list(connection.execute(sql, parameters))
            except sqlite3.Error as error:
                raise database_error(error, self.name) from None

    def runs(self) -> tuple[str, ...]:
        """Every run with a journal row, sorted."""
        rows = self._query(f"SELECT DISTINCT run_id FROM {RUNTIME_TABLE} ORDER BY run_id")
        return tuple(str(run) for (run,) in rows)

    def journal(
        self,
        run_id: str,
        *,
        allow_torn_tail: bool = False,
        allow_empty: bool = False,
        verify: bool = True,
    ) -> EntriesJournal:
        """The run's rows in ``journal_seq`` order (``allow_torn_tail`` has no use here)."""
        del allow_torn_tail
        if verify:
            choose_run(self, run_id)
        counted: list[int] = []

        def read() -> Iterator[tuple[int, bytes, JournalRecord]]:
            connection = connect_readonly(self.path, self.name)
            with contextlib.closing(connection):
                try:
                    (total,) = connection.execute(
                        f"SELECT count(*) FROM {RUNTIME_TABLE} WHERE run_id = ?", (run_id,)
                    ).fetchone()
                    counted[:] = [total]
                    rows = iter(
                        connection.execute(
                            f"SELECT journal_seq, record_json FROM {RUNTIME_TABLE}"
                            " WHERE run_id = ? ORDER BY journal_seq",
                            (run_id,),
                        )
                    )
                except sqlite3.Error as error:
                    raise database_error(error, self.name) from None
                for ordinal, (seq, text) in enumerate(stepped(rows, self.name), 1):
                    where = f"(run_id={run_id!r}, journal_seq={seq!r})"
                    raw = _text_bytes(text, self.name, "record_json", where)
                    yield ordinal, raw, decode_record(raw, self.name, row=where)

        return EntriesJournal(
            f"{self.name} (run {run_id})",
            "row",
            read,
            total=lambda: counted[0] if counted else None,
            allow_empty=allow_empty,
        )

    def run_sizes(self) -> dict[str, int]:
        """The bytes of each run's records."""
        rows = self._query(
            f"SELECT run_id, sum(length(record_json)) FROM {RUNTIME_TABLE} GROUP BY run_id"
        )
        return {str(run): int(str(size or 0)) for run, size in rows}

    def content_ids(self) -> frozenset[str]:
        """The ``content_ref`` column of ``content`` (the runtime keeps the content id there)."""
        rows = self._query("SELECT content_ref FROM content")
        return frozenset(str(ref) for (ref,) in rows if ref is not None)

    def checkpoints(self, run_id: str) -> tuple[StoredCheckpoint, ...]:
        """The run's ``checkpoints`` rows, decoded, in the runtime's order."""
        rows = self._query(
            "SELECT checkpoint_id, checkpoint_json FROM checkpoints WHERE run_id = ?"
            " ORDER BY rowid",
            (run_id,),
        )
        found = []
        for checkpoint_id, text in rows:
            where = f"(run_id={run_id!r}, checkpoint_id={checkpoint_id!r})"
            raw = _text_bytes(text, self.name, "checkpoint_json", where)
            checkpoint = decode_checkpoint(raw, self.name, row=where)
            found.append(StoredCheckpoint(checkpoint, f"checkpoints row {where}"))
        return sorted_checkpoints(found)


@final
class ReplaykitSqliteStore:
    """replaykit's own SQLite layout (``journal_records``, ``content_refs``) as a store."""

    layout: Final = "replaykit SQLite layout"
    keeps_checkpoints: Final = False

    def __init__(self, path: str) -> None:
        self.path = path
        self.name = path

    def runs(self) -> tuple[str, ...]:
        """Every run with a row, sorted."""
        connection = connect_readonly(self.path, self.name)
        with contextlib.closing(connection):
            try:
                rows = connection.execute(f"SELECT DISTINCT run_id FROM {TABLE} ORDER BY run_id")
                return tuple(str(run) for (run,) in rows)
            except sqlite3.Error as error:
                raise database_error(error, self.name) from None

    def journal(
        self,
        run_id: str,
        *,
        allow_torn_tail: bool = False,
        allow_empty: bool = False,
        verify: bool = True,
    ) -> SqliteJournal:
        """The run's rows in ``position`` order."""
        del allow_torn_tail, verify
        return SqliteJournal(self.path, run_id=run_id, allow_empty=allow_empty)

    def run_sizes(self) -> dict[str, int]:
        """The bytes of each run's records."""
        connection = connect_readonly(self.path, self.name)
        with contextlib.closing(connection):
            try:
                rows = connection.execute(
                    f"SELECT run_id, sum(length(record_json)) FROM {TABLE} GROUP BY run_id"
                )
                return {str(run): int(size or 0) for run, size in rows}
            except sqlite3.Error as error:
                raise database_error(error, self.name) from None

    def content_ids(self) -> frozenset[str]:
        """The ``content_refs`` table (empty when the database has none)."""
        connection = connect_readonly(self.path, self.name)
        with contextlib.closing(connection):
            try:
                if _CONTENT_REFS not in table_names(connection):
                    return frozenset()
                rows = connection.execute(f"SELECT ref FROM {_CONTENT_REFS}")
                return frozenset(str(ref) for (ref,) in rows if ref is not None)
            except sqlite3.Error as error:
                raise database_error(error, self.name) from None

    def checkpoints(self, run_id: str) -> tuple[StoredCheckpoint, ...]:
        """None: this layout keeps journals only."""
        del run_id
        return ()


def open_sqlite_store(path: str) -> RuntimeSqliteStore | ReplaykitSqliteStore:
    """The store in the SQLite database at ``path``, by the tables it has.

    ``run_journal_records`` is the runtime's layout, ``journal_records`` replaykit's;
    a database with neither is ``Problem.MISSING_TABLE``, naming the tables found.
    """
    connection = connect_readonly(path)
    with contextlib.closing(connection):
        try:
            tables = table_names(connection)
            if RUNTIME_TABLE in tables:
                require_table(
                    connection, RUNTIME_TABLE, ("run_id", "journal_seq", "record_json"), path
                )
                return RuntimeSqliteStore(path)
            if TABLE in tables:
                require_table(connection, TABLE, JOURNAL_COLUMNS, path)
                return ReplaykitSqliteStore(path)
        except sqlite3.Error as error:
            raise database_error(error, path) from None
    found = ", ".join(tables) if tables else "no tables"
    message = (
        "unknown database layout: neither the runtime's run_journal_records nor"
        f" replaykit's journal_records table (found: {found})"
    )
    raise SourceError(Problem.UNKNOWN_LAYOUT, path, message)
