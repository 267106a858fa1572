"""``replaykit import``: copy a JSONL journal into the SQLite layout of ``shell.sqlite``.

A new database is built in a temporary file next to it and renamed into place, so a
crash never leaves half a database; an existing database is changed in one
transaction. Imports into one folder take turns (an exclusive ``flock`` on it); a write
that fails (a full disk, a file size limit) is reported as such and leaves the database
as it was; temporary files of imports that were killed are swept by the next one.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import sqlite3
import stat
from collections.abc import Iterator
from typing import Protocol, final

import attrs

from replaykit.model import JournalRecord
from replaykit.shell.errors import Problem, SourceError, os_error
from replaykit.shell.sqlite import STATEMENTS, TABLE, connect_readonly, database_error

__all__ = ["ImportSummary", "import_journal", "write_error"]


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
                    for statement in STATEMENTS:
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
            for statement in STATEMENTS:
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
        f"SELECT count(*) FROM {TABLE} WHERE run_id = ?", (run,)
    ).fetchone()[0]
    if present and not replace:
        message = f"already holds {present} records for run {run!r} (pass --replace to overwrite)"
        raise SourceError(Problem.CONFLICT, database, message)
    connection.execute(f"DELETE FROM {TABLE} WHERE run_id = ?", (run,))
    counter = [0]

    def rows() -> Iterator[tuple[str, int, int, str, str]]:
        for _, raw, record in _chain(first, entries):
            counter[0] += 1
            text = raw.decode("utf-8", "surrogatepass")
            yield run, counter[0], record.journal_seq, record.record_id, text

    connection.executemany(
        f"INSERT INTO {TABLE} (run_id, position, journal_seq, record_id, record_json)"
        " VALUES (?, ?, ?, ?, ?)",
        rows(),
    )
    return counter[0], run


def _chain(
    first: tuple[int, bytes, JournalRecord], rest: Iterator[tuple[int, bytes, JournalRecord]]
) -> Iterator[tuple[int, bytes, JournalRecord]]:
    yield first
    yield from rest
