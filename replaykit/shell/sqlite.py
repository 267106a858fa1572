"""The SQLite journal store: its table layout and a read-only reader (the importer that
writes it is ``replaykit.shell.importer``).

Layout (``replaykit import`` creates it; a host may write the same tables itself)::

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

Databases are opened read-only (``file:...?mode=ro``) for reading, and never written:
one left with a hot journal by a writer that died mid-transaction is read through a
private copy, on which SQLite rolls the interrupted transaction back.
"""

from __future__ import annotations

import contextlib
import os
import pathlib
import shutil
import sqlite3
import stat
import tempfile
from collections.abc import Iterator
from typing import Final, final

from returns.result import Success

from replaykit.model import JournalRecord
from replaykit.shell.errors import Problem, SourceError, os_error
from replaykit.wire import DecodeError, from_json

__all__ = [
    "JOURNAL_COLUMNS",
    "SCHEMA",
    "STATEMENTS",
    "TABLE",
    "SqliteJournal",
    "connect_readonly",
    "database_error",
    "invalid_record_message",
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


def invalid_record_message(error: DecodeError) -> str:
    """The message for a line or row that does not decode, naming the JSON path.

    A record is one line, so "line 1" in a JSON syntax error is dropped (it would be
    taken for the file's line).

    >>> invalid_record_message(DecodeError("$.payload.effect_id", "missing required field"))
    'not a valid journal record: $.payload.effect_id: missing required field'
    >>> invalid_record_message(DecodeError("$", "invalid JSON: Expecting ',' at line 1 column 9"))
    "not a valid journal record: invalid JSON: Expecting ',' at column 9"
    """
    where = "" if error.path == "$" else f"{error.path}: "
    message = error.message.replace(" at line 1 column ", " at column ")
    return f"not a valid journal record: {where}{message}"


def database_error(error: sqlite3.Error, name: str) -> SourceError:
    """The ``SourceError`` for an SQLite error met while reading ``name``."""
    code = getattr(error, "sqlite_errorname", "")
    if code in ("SQLITE_NOTADB", "SQLITE_CORRUPT") or "not a database" in str(error):
        return SourceError(Problem.NOT_DATABASE, name, f"not an SQLite database ({error})")
    if "no such table" in str(error) or "no such column" in str(error):
        return SourceError(Problem.MISSING_TABLE, name, f"unexpected database layout ({error})")
    return SourceError(Problem.UNREADABLE, name, f"cannot read the database ({error})")


def connect_readonly(path: str, name: str | None = None) -> sqlite3.Connection:
    """Open an existing SQLite database read-only; raise ``SourceError`` when it is not one."""
    name = path if name is None else name
    try:
        if stat.S_ISDIR(os.stat(path).st_mode):
            raise SourceError(Problem.IS_DIRECTORY, name, "is a directory, not a database")
        with open(path, "rb"):
            pass
    except OSError as error:
        raise os_error(error, name) from None
    uri = pathlib.Path(path).resolve().as_uri() + "?mode=ro"
    connection = sqlite3.connect(uri, uri=True)
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as error:
        connection.close()
        if _hot_journal(error, path):
            return _recovered_copy(path, name)
        raise database_error(error, name) from None
    return connection


def _hot_journal(error: sqlite3.Error, path: str) -> bool:
    """Whether opening read-only failed because SQLite must first roll back the journal
    of a writer that died mid-transaction, which a read-only connection may not do."""
    code = getattr(error, "sqlite_errorname", "")
    return code.startswith("SQLITE_READONLY") and os.path.exists(path + "-journal")


def _recovered_copy(path: str, name: str) -> sqlite3.Connection:
    """A connection to a private copy of the database and its hot journal, on which
    SQLite rolls the interrupted transaction back: the last committed state, read
    without writing to the original. The copy is unlinked once open (the connection
    keeps it alive)."""
    scratch = tempfile.mkdtemp(prefix="replaykit-recover-")
    copy = os.path.join(scratch, "journal.db")
    try:
        try:
            shutil.copyfile(path, copy)
            shutil.copyfile(path + "-journal", copy + "-journal")
        except OSError as error:
            reason = error.strerror or str(error)
            message = (
                "the database has a hot journal (a writer died mid-transaction) and a copy"
                f" to recover it from could not be made ({reason})"
            )
            raise SourceError(Problem.UNREADABLE, name, message) from None
        connection = sqlite3.connect(copy)
        try:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.Error as error:
            connection.close()
            raise database_error(error, name) from None
        return connection
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def require_table(
    connection: sqlite3.Connection, table: str, columns: tuple[str, ...], name: str
) -> None:
    """Raise ``Problem.MISSING_TABLE`` unless ``table`` exists with all ``columns``."""
    found = {row[1] for row in connection.execute(f"PRAGMA table_info({table})")}
    if not found:
        raise SourceError(Problem.MISSING_TABLE, name, f"the database has no table {table!r}")
    missing = [column for column in columns if column not in found]
    if missing:
        message = f"table {table!r} lacks column(s) {', '.join(missing)}"
        raise SourceError(Problem.MISSING_TABLE, name, message)


@final
class SqliteJournal:
    """The journal of one run in an SQLite database, read-only, in ``position`` order.

    ``run_id`` may be left out when the database holds exactly one run.
    """

    unit: Final = "row"

    def __init__(self, path: str, *, run_id: str | None = None, allow_empty: bool = False) -> None:
        self.path = path
        self.name = path
        self.run_id = run_id
        self.allow_empty = allow_empty
        self.location = 0
        self.torn_tail: SourceError | None = None
        self._done = 0
        self._total: int | None = None

    def __iter__(self) -> Iterator[JournalRecord]:
        for _, _, record in self.entries():
            yield record

    def progress(self) -> tuple[int, int | None]:
        """Rows read so far and the number of rows of the run."""
        return self._done, self._total

    def entries(self) -> Iterator[tuple[int, bytes, JournalRecord]]:
        """Each record with its position and its raw JSON bytes."""
        self.location = 0
        self._done = 0
        connection = connect_readonly(self.path, self.name)
        with contextlib.closing(connection):
            try:
                require_table(connection, TABLE, JOURNAL_COLUMNS, self.name)
                run = self._resolve_run(connection)
                if run is None:
                    return
                (self._total,) = connection.execute(
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
            while True:
                try:
                    row = next(rows, None)
                except sqlite3.Error as error:
                    raise database_error(error, self.name) from None
                if row is None:
                    return
                self._done += 1
                yield self._decode(run, row)

    def _decode(self, run: str, row: tuple[object, ...]) -> tuple[int, bytes, JournalRecord]:
        position, seq, record_id, text = row
        where = f"(run_id={run!r}, position={position!r})"
        if isinstance(text, str):
            raw = text.encode("utf-8", "surrogatepass")
        elif isinstance(text, bytes):
            raw = text
        else:
            message = f"record_json is not text (got {type(text).__name__})"
            raise SourceError(Problem.UNDECODABLE, self.name, message, row=where)
        decoded = from_json(JournalRecord, raw)
        if not isinstance(decoded, Success):
            failure = decoded.failure()
            message = invalid_record_message(failure)
            raise SourceError(Problem.UNDECODABLE, self.name, message, row=where, path=failure.path)
        record = decoded.unwrap()
        if seq != record.journal_seq or record_id != record.record_id:
            message = (
                f"the row says journal_seq={seq!r}, record_id={record_id!r} but the record"
                f" says journal_seq={record.journal_seq}, record_id={record.record_id!r}"
            )
            raise SourceError(Problem.UNDECODABLE, self.name, message, row=where)
        self.location = position if isinstance(position, int) else self._done
        return self.location, raw, record

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
            message = f"the database holds several runs ({shown}); choose one with --run-id"
            raise SourceError(Problem.AMBIGUOUS_RUN, self.name, message)
        return str(runs[0])
