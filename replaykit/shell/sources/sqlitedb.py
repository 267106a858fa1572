"""Opening an SQLite database for reading without changing any of its files.

Every SQLite reader in the shell (both journal layouts, the content table) opens its
database with ``connect_readonly`` and reports SQLite's errors with
``database_error``: a database left with a hot journal, or with pages in its
write-ahead log, is read through a private copy, and a WAL database without pages in
its log is opened as immutable, so that no side file is created or touched.
"""

from __future__ import annotations

import os
import pathlib
import shutil
import sqlite3
import stat
import tempfile
from collections.abc import Iterator
from typing import Any

from replaykit.shell.errors import Problem, SourceError, os_error

__all__ = [
    "connect_readonly",
    "database_error",
    "require_table",
    "stepped",
    "table_names",
]


def database_error(error: sqlite3.Error, name: str) -> SourceError:
    """The ``SourceError`` for an SQLite error met while reading ``name``."""
    code = getattr(error, "sqlite_errorname", "")
    if code in ("SQLITE_NOTADB", "SQLITE_CORRUPT") or "not a database" in str(error):
        return SourceError(Problem.NOT_DATABASE, name, f"not an SQLite database ({error})")
    if "no such table" in str(error) or "no such column" in str(error):
        return SourceError(Problem.MISSING_TABLE, name, f"unexpected database layout ({error})")
    return SourceError(Problem.UNREADABLE, name, f"cannot read the database ({error})")


def connect_readonly(path: str, name: str | None = None) -> sqlite3.Connection:
    """Open an existing SQLite database for reading without changing any of its files.

    - A database in rollback-journal mode is opened read-only (``mode=ro``); one left
      with a hot journal by a writer that died mid-transaction is read through a
      private copy, on which SQLite rolls the interrupted transaction back.
    - A database in WAL mode would have even a read-only connection create or update
      its ``-wal`` and ``-shm`` side files. With no ``-wal`` (or an empty one) it is
      opened as immutable; with committed pages still in its ``-wal`` (a writer that
      was killed, or one that is still open), the database and its ``-wal`` are copied
      and the copy is read: the last committed state, and the store stays as it was.

    Raises ``SourceError`` when ``path`` is missing, unreadable or not a database.
    """
    name = path if name is None else name
    try:
        if stat.S_ISDIR(os.stat(path).st_mode):
            raise SourceError(Problem.IS_DIRECTORY, name, "is a directory, not a database")
        with open(path, "rb") as file:
            header = file.read(20)
    except OSError as error:
        raise os_error(error, name) from None
    if len(header) == 20 and header[18] == 2:  # WAL mode (SQLite file format, offset 18)
        try:
            wal = os.stat(path + "-wal").st_size
        except FileNotFoundError:
            wal = 0
        except OSError as error:
            raise os_error(error, name + "-wal") from None
        if wal:
            return _recovered_copy(path, name, "-wal", "its write-ahead log holds pages")
        return _connect(pathlib.Path(path).resolve().as_uri() + "?mode=ro&immutable=1", name)
    uri = pathlib.Path(path).resolve().as_uri() + "?mode=ro"
    connection = sqlite3.connect(uri, uri=True)
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as error:
        connection.close()
        if _hot_journal(error, path):
            return _recovered_copy(
                path,
                name,
                "-journal",
                "the database has a hot journal (a writer died mid-transaction)",
            )
        raise database_error(error, name) from None
    return connection


def stepped(cursor: Iterator[tuple[Any, ...]], name: str) -> Iterator[tuple[Any, ...]]:
    """A cursor's rows, one at a time; an SQLite error while stepping (a page that turns
    out corrupt, say) is the ``SourceError`` naming ``name``."""
    while True:
        try:
            row = next(cursor, None)
        except sqlite3.Error as error:
            raise database_error(error, name) from None
        if row is None:
            return
        yield row


def _connect(uri: str, name: str) -> sqlite3.Connection:
    connection = sqlite3.connect(uri, uri=True)
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as error:
        connection.close()
        raise database_error(error, name) from None
    return connection


def _hot_journal(error: sqlite3.Error, path: str) -> bool:
    """Whether opening read-only failed because SQLite must first roll back the journal
    of a writer that died mid-transaction, which a read-only connection may not do."""
    code = getattr(error, "sqlite_errorname", "")
    return code.startswith("SQLITE_READONLY") and os.path.exists(path + "-journal")


def _recovered_copy(path: str, name: str, side: str, why: str) -> sqlite3.Connection:
    """A connection to a private copy of the database and its side file (``-journal``
    or ``-wal``), on which SQLite recovers: the last committed state, read without
    writing to the original. The copy is unlinked once open (the connection keeps it
    alive)."""
    scratch = tempfile.mkdtemp(prefix="replaykit-recover-")
    copy = os.path.join(scratch, "journal.db")
    try:
        try:
            shutil.copyfile(path, copy)
            shutil.copyfile(path + side, copy + side)
        except OSError as error:
            reason = error.strerror or str(error)
            message = f"{why} and a copy to read it from could not be made ({reason})"
            raise SourceError(Problem.UNREADABLE, name, message) from None
        return _connect(copy, name)
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


def table_names(connection: sqlite3.Connection) -> list[str]:
    """The names of the database's tables, sorted."""
    return [
        str(row[0])
        for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        )
    ]
