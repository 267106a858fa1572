"""``replaykit import``: copy a JSONL journal into an SQLite database, in replaykit's
layout or in the runtime's (``shell.sources.sqlite``).

replaykit's layout keeps the journal exactly as written (records a replay rejects
included). The runtime's layout is what the runtime's own SQLite store holds, so an
import into it applies the runtime writer's rules, in its order: a record whose schema
version is not 1 is refused, a repeated ``record_id`` is skipped (the writer returns
the stored record's cursor and writes nothing; the summary counts them), and a
``journal_seq`` that is not greater than the last one stored (or is 0) is refused; a
refusal names the line and nothing is written (``Problem.UNSTORABLE``).

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
from typing import Final, Protocol, final

import attrs

from replaykit.model import JournalRecord
from replaykit.shell.errors import Problem, SourceError, os_error
from replaykit.shell.sources.sqlite import (
    RUNTIME_STATEMENTS,
    RUNTIME_TABLE,
    STATEMENTS,
    TABLE,
)
from replaykit.shell.sources.sqlitedb import connect_readonly, database_error

__all__ = ["LAYOUTS", "ImportSummary", "import_journal", "write_error"]

#: ``layout`` values: replaykit's own, the runtime's.
LAYOUTS: Final = ("replaykit", "runtime")
_LAYOUT_NAMES: Final = {"replaykit": "replaykit SQLite layout", "runtime": "runtime SQLite store"}


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
    #: ``"replaykit"`` or ``"runtime"``.
    layout: str = "replaykit"
    #: Records the runtime's writer would not write (a repeated ``record_id``).
    skipped: int = 0

    @property
    def layout_name(self) -> str:
        """The layout, for people."""
        return _LAYOUT_NAMES[self.layout]


def import_journal(
    journal: _Entries,
    database: str,
    *,
    run_id: str | None = None,
    replace: bool = False,
    layout: str | None = None,
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

    ``layout`` is ``"replaykit"`` or ``"runtime"`` (see the module's documentation);
    ``None`` keeps the layout of an existing database and makes a new one replaykit's.
    """
    if layout is not None and layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}, not {layout!r}")
    folder = os.path.dirname(os.path.abspath(database))
    with _folder_lock(folder, database):
        _sweep_stale(folder, database)
        try:
            mode = os.stat(database).st_mode
        except FileNotFoundError:
            return _import_new(journal, database, run_id, layout or "replaykit")
        except OSError as error:
            raise os_error(error, database) from None
        if stat.S_ISDIR(mode):
            raise SourceError(Problem.IS_DIRECTORY, database, "is a directory, not a database")
        reader = connect_readonly(database)  # refuses files that are not SQLite databases
        with contextlib.closing(reader):
            try:
                layout = _existing_layout(reader, database, layout)
            except sqlite3.Error as error:
                raise database_error(error, database) from None
        connection = sqlite3.connect(database, isolation_level=None)
        with contextlib.closing(connection):
            try:
                connection.execute("BEGIN IMMEDIATE")
                try:
                    summary = _fill(connection, journal, run_id, replace, database, layout)
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
        return summary


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


def _existing_layout(connection: sqlite3.Connection, database: str, wanted: str | None) -> str:
    """The layout of an existing database (the wanted one for a database with neither)."""
    tables = {
        str(name)
        for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    has = [
        layout
        for layout, table in (("replaykit", TABLE), ("runtime", RUNTIME_TABLE))
        if table in tables
    ]
    if wanted is None:
        return has[0] if has else "replaykit"
    other = [layout for layout in has if layout != wanted]
    if other and wanted not in has:
        message = (
            f"holds the {_LAYOUT_NAMES[other[0]]}; importing in the {_LAYOUT_NAMES[wanted]}"
            " would mix two layouts in one database (choose another DATABASE)"
        )
        raise SourceError(Problem.CONFLICT, database, message)
    return wanted


def _fill(
    connection: sqlite3.Connection,
    journal: _Entries,
    run_id: str | None,
    replace: bool,
    database: str,
    layout: str,
) -> ImportSummary:
    if layout == "runtime":
        for statement in RUNTIME_STATEMENTS:
            connection.execute(statement)
        count, run, skipped = _insert_runtime(connection, journal, run_id, replace, database)
        return ImportSummary(run, count, database, False, layout, skipped)
    for statement in STATEMENTS:
        connection.execute(statement)
    count, run = _insert(connection, journal, run_id, replace, database)
    return ImportSummary(run, count, database, False, layout)


def _import_new(journal: _Entries, database: str, run_id: str | None, layout: str) -> ImportSummary:
    folder = os.path.dirname(os.path.abspath(database))
    # SQLite creates the file itself, so it gets the usual permissions (umask).
    temporary = os.path.join(
        folder, f"{_temporary_name(database, os.getpid())}{secrets.token_hex(4)}.tmp"
    )
    try:
        connection = sqlite3.connect(temporary, isolation_level=None)
        with contextlib.closing(connection):
            connection.execute("BEGIN")
            summary = _fill(connection, journal, run_id, False, database, layout)
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
    return attrs.evolve(summary, created=True)


def _take_run(
    connection: sqlite3.Connection,
    journal: _Entries,
    run_id: str | None,
    replace: bool,
    database: str,
    table: str,
) -> tuple[str, Iterator[tuple[int, bytes, JournalRecord]]]:
    """The run the journal is imported as, with its table emptied of that run (refused
    when it holds the run and ``replace`` is off), and the journal's entries."""
    entries = journal.entries()
    first = next(entries, None)
    if first is None:
        raise SourceError(Problem.EMPTY, journal.name, "empty journal: nothing to import")
    run = first[2].run_id if run_id is None else run_id
    present = connection.execute(
        f"SELECT count(*) FROM {table} WHERE run_id = ?", (run,)
    ).fetchone()[0]
    if present and not replace:
        message = f"already holds {present} records for run {run!r} (pass --replace to overwrite)"
        raise SourceError(Problem.CONFLICT, database, message)
    connection.execute(f"DELETE FROM {table} WHERE run_id = ?", (run,))
    return run, _chain(first, entries)


def _insert(
    connection: sqlite3.Connection,
    journal: _Entries,
    run_id: str | None,
    replace: bool,
    database: str,
) -> tuple[int, str]:
    run, entries = _take_run(connection, journal, run_id, replace, database, TABLE)
    counter = [0]

    def rows() -> Iterator[tuple[str, int, int, str, str]]:
        for _, raw, record in entries:
            counter[0] += 1
            text = raw.decode("utf-8", "surrogatepass")
            yield run, counter[0], record.journal_seq, record.record_id, text

    connection.executemany(
        f"INSERT INTO {TABLE} (run_id, position, journal_seq, record_id, record_json)"
        " VALUES (?, ?, ?, ?, ?)",
        rows(),
    )
    return counter[0], run


def _insert_runtime(
    connection: sqlite3.Connection,
    journal: _Entries,
    run_id: str | None,
    replace: bool,
    database: str,
) -> tuple[int, str, int]:
    """Rows of the runtime's ``run_journal_records``, by its writer's rules."""
    run, entries = _take_run(connection, journal, run_id, replace, database, RUNTIME_TABLE)
    seen: set[str] = set()
    counts = [0, 0]  # written, skipped

    def rows() -> Iterator[tuple[str, int, str, str]]:
        last = 0
        for location, raw, record in entries:
            if record.journal_schema_version != 1:
                message = (
                    f"journal_schema_version {record.journal_schema_version}: the runtime's"
                    " writer stores version 1 only"
                )
                raise SourceError(Problem.UNSTORABLE, journal.name, message, line=location)
            if record.record_id in seen:
                counts[1] += 1
                continue
            if record.journal_seq <= last:
                message = (
                    f"journal_seq {record.journal_seq} is not greater than the last one stored"
                    f" ({last}): the runtime's SQLite store cannot hold this journal as"
                    " written (import it with --layout replaykit to keep it whole)"
                )
                raise SourceError(Problem.UNSTORABLE, journal.name, message, line=location)
            seen.add(record.record_id)
            last = record.journal_seq
            counts[0] += 1
            # The runtime stores a u64 with an ``as i64`` cast: past 2**63 it wraps negative.
            stored = last if last < 2**63 else last - 2**64
            yield run, stored, record.record_id, raw.decode("utf-8", "surrogatepass")

    connection.executemany(
        f"INSERT INTO {RUNTIME_TABLE} (run_id, journal_seq, record_id, record_json)"
        " VALUES (?, ?, ?, ?)",
        rows(),
    )
    return counts[0], run, counts[1]


def _chain(
    first: tuple[int, bytes, JournalRecord], rest: Iterator[tuple[int, bytes, JournalRecord]]
) -> Iterator[tuple[int, bytes, JournalRecord]]:
    yield first
    yield from rest
