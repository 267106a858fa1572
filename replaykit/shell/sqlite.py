"""The SQLite journal store: its table layout, a read-only reader and the JSONL importer.

Layout (``replaykit import`` creates it; a host may write the same tables itself)::

    CREATE TABLE journal_records (
        run_id      TEXT    NOT NULL,  -- the run whose journal this is
        position    INTEGER NOT NULL,  -- append order: replayed ORDER BY position
        journal_seq INTEGER NOT NULL,  -- the record's journal_seq
        record_id   TEXT    NOT NULL,  -- the record's record_id
        record_json TEXT    NOT NULL,  -- the record as written (WIRE.md)
        PRIMARY KEY (run_id, position)
    ) WITHOUT ROWID;
    CREATE TABLE content_refs (ref TEXT PRIMARY KEY) WITHOUT ROWID;

One row per record. ``position`` (not ``journal_seq``) orders the records and keys the
table, so that a database keeps a journal exactly as it was written, including the
records a replay must reject (a repeated or decreasing seq, an idempotent duplicate):
replaying the database gives the same verdict as replaying the file it came from. For a
healthy journal, position order is seq order and a host may use the seq as position.
``journal_seq`` and ``record_id`` must agree with the JSON; a row where they do not is
reported. ``content_refs`` lists the content refs that exist, for ``--content-db``.

Databases are opened read-only (``file:...?mode=ro``) for reading. An import into a new
file is built in a temporary file next to it and renamed into place, so a crash never
leaves half a database; an import into an existing database is one transaction.
"""

from __future__ import annotations

import contextlib
import errno
import os
import pathlib
import secrets
import shutil
import sqlite3
import stat
import tempfile
from collections.abc import Iterator
from typing import Final, Protocol, final

import attrs
from returns.result import Success

from replaykit.model import JournalRecord
from replaykit.shell.errors import Problem, SourceError, os_error
from replaykit.wire import DecodeError, from_json

__all__ = [
    "JOURNAL_COLUMNS",
    "SCHEMA",
    "ImportSummary",
    "SqliteJournal",
    "connect_readonly",
    "database_error",
    "import_journal",
    "invalid_record_message",
]

_STATEMENTS: Final = (
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
SCHEMA: Final = "".join(f"{statement};\n" for statement in _STATEMENTS)

#: The columns of ``journal_records`` the reader needs.
JOURNAL_COLUMNS: Final = ("run_id", "position", "journal_seq", "record_id", "record_json")

_TABLE: Final = "journal_records"
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
                require_table(connection, _TABLE, JOURNAL_COLUMNS, self.name)
                run = self._resolve_run(connection)
                if run is None:
                    return
                (self._total,) = connection.execute(
                    f"SELECT count(*) FROM {_TABLE} WHERE run_id = ?", (run,)
                ).fetchone()
                cursor = connection.execute(
                    "SELECT position, journal_seq, record_id, record_json"
                    f" FROM {_TABLE} WHERE run_id = ? ORDER BY position",
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
                f"SELECT DISTINCT run_id FROM {_TABLE} ORDER BY run_id LIMIT ?",
                (_LIST_RUNS + 1,),
            )
        ]
        shown = ", ".join(repr(run) for run in runs[:_LIST_RUNS])
        if len(runs) > _LIST_RUNS:
            shown += ", ..."
        if self.run_id is not None:
            exists = connection.execute(
                f"SELECT 1 FROM {_TABLE} WHERE run_id = ? LIMIT 1", (self.run_id,)
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


class _Entries(Protocol):
    @property
    def name(self) -> str: ...

    def entries(self) -> Iterator[tuple[int, bytes, JournalRecord]]: ...


@final
@attrs.frozen
class ImportSummary:
    """What ``import_journal`` wrote: the run id, how many records, and where."""

    run_id: str
    records: int
    database: str
    created: bool


def import_journal(
    journal: _Entries, database: str, *, run_id: str | None = None, replace: bool = False
) -> ImportSummary:
    """Copy a journal into an SQLite database (created atomically, or in one transaction).

    ``run_id`` defaults to the run id of the first record. An existing run is replaced
    only with ``replace=True``; otherwise ``Problem.CONFLICT`` is raised and nothing is
    written. Every record is decoded first: a journal that does not decode is not
    imported at all.

    Imports into one folder take turns (an exclusive lock on the folder), so two imports
    into the same new path both land: the second finds the database the first created
    and adds its run to it. Temporary files of imports that were killed are removed by
    the next import into the folder; a full disk is reported as such
    (``Problem.CANNOT_WRITE``), and a failed import leaves the database as it was.
    """
    folder = os.path.dirname(os.path.abspath(database))
    with _folder_lock(folder, database):
        _sweep_stale(folder, database)
        try:
            mode = os.stat(database).st_mode
        except FileNotFoundError:
            return _import_new(journal, database, run_id)
        except OSError as error:
            raise os_error(error, database) from None
        if stat.S_ISDIR(mode):
            raise SourceError(Problem.IS_DIRECTORY, database, "is a directory, not a database")
        connect_readonly(database).close()  # refuses files that are not SQLite databases
        connection = sqlite3.connect(database, isolation_level=None)
        with contextlib.closing(connection):
            try:
                connection.execute("BEGIN IMMEDIATE")
                try:
                    for statement in _STATEMENTS:
                        connection.execute(statement)
                    count, run = _insert(connection, journal, run_id, replace, database)
                    connection.execute("COMMIT")
                except BaseException:
                    # SQLite may have rolled back already (a full disk does): a second
                    # rollback would only hide the error that matters.
                    if connection.in_transaction:
                        with contextlib.suppress(sqlite3.Error):
                            connection.execute("ROLLBACK")
                    raise
            except sqlite3.Error as error:
                raise write_error(error, database) from None
        return ImportSummary(run, count, database, created=False)


@contextlib.contextmanager
def _folder_lock(folder: str, database: str) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``folder`` (where ``fcntl`` exists)."""
    try:
        import fcntl
    except ImportError:  # not a POSIX system: no lock
        yield
        return
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError as error:
        raise os_error(error, database) from None
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


def _temporary_name(database: str, pid: int) -> str:
    """The start of the name of an import's temporary database (its process id in it)."""
    return f".{os.path.basename(database)}.{pid}."


def _sweep_stale(folder: str, database: str) -> None:
    """Remove the temporary files of earlier imports into ``database`` whose process is
    gone (killed before it could clean up)."""
    prefix = f".{os.path.basename(database)}."
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            name = entry.name
            if not name.startswith(prefix) or ".tmp" not in name:
                continue
            pid_text = name[len(prefix) :].split(".", 1)[0]
            if pid_text.isdigit() and not _alive(int(pid_text)):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def write_error(error: sqlite3.Error, name: str) -> SourceError:
    """The ``SourceError`` for an SQLite error met while writing ``name``."""
    code = getattr(error, "sqlite_errorname", "")
    if code == "SQLITE_FULL" or "disk is full" in str(error):
        return SourceError(
            Problem.CANNOT_WRITE, name, "cannot write the database: the disk is full"
        )
    if code.startswith("SQLITE_IOERR") or code.startswith("SQLITE_READONLY"):
        return SourceError(Problem.CANNOT_WRITE, name, f"cannot write the database ({error})")
    return database_error(error, name)


def _import_new(journal: _Entries, database: str, run_id: str | None) -> ImportSummary:
    folder = os.path.dirname(os.path.abspath(database))
    # SQLite creates the file itself, so it gets the usual permissions (umask).
    temporary = os.path.join(
        folder, f"{_temporary_name(database, os.getpid())}{secrets.token_hex(4)}.tmp"
    )
    try:
        connection = sqlite3.connect(temporary, isolation_level=None)
        with contextlib.closing(connection):
            connection.execute("BEGIN")
            for statement in _STATEMENTS:
                connection.execute(statement)
            count, run = _insert(connection, journal, run_id, False, database)
            connection.execute("COMMIT")
        os.replace(temporary, database)
    except sqlite3.Error as error:
        raise write_error(error, database) from None
    except OSError as error:
        if error.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
            reason = error.strerror or str(error)
            raise SourceError(
                Problem.CANNOT_WRITE, database, f"cannot write the database: {reason}"
            ) from None
        raise os_error(error, database) from None
    finally:
        for leftover in (temporary, f"{temporary}-journal"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(leftover)
    return ImportSummary(run, count, database, created=True)


def _insert(
    connection: sqlite3.Connection,
    journal: _Entries,
    run_id: str | None,
    replace: bool,
    database: str,
) -> tuple[int, str]:
    entries = journal.entries()
    first = next(entries, None)
    if first is None:
        raise SourceError(Problem.EMPTY, journal.name, "empty journal: nothing to import")
    run = first[2].run_id if run_id is None else run_id
    present = connection.execute(
        f"SELECT count(*) FROM {_TABLE} WHERE run_id = ?", (run,)
    ).fetchone()[0]
    if present and not replace:
        message = f"already holds {present} records for run {run!r} (pass --replace to overwrite)"
        raise SourceError(Problem.CONFLICT, database, message)
    connection.execute(f"DELETE FROM {_TABLE} WHERE run_id = ?", (run,))
    counter = [0]

    def rows() -> Iterator[tuple[str, int, int, str, str]]:
        for _, raw, record in _chain(first, entries):
            counter[0] += 1
            text = raw.decode("utf-8", "surrogatepass")
            yield run, counter[0], record.journal_seq, record.record_id, text

    connection.executemany(
        f"INSERT INTO {_TABLE} (run_id, position, journal_seq, record_id, record_json)"
        " VALUES (?, ?, ?, ?, ?)",
        rows(),
    )
    return counter[0], run


def _chain(
    first: tuple[int, bytes, JournalRecord], rest: Iterator[tuple[int, bytes, JournalRecord]]
) -> Iterator[tuple[int, bytes, JournalRecord]]:
    yield first
    yield from rest
