"""``SourceError``: the one exception the shell raises for bad input, and its ``Problem``.

Every reader in the shell (journal files, standard input, SQLite databases, content
stores) reports a problem with its input by raising ``SourceError``: what went wrong
(``problem``), where (``source``, then ``line`` or ``row``, then the JSON ``path`` inside
the record) and a message for people. The CLI turns it into one line on standard error
and an exit code, in one place (``replaykit.shell.cli``).

>>> error = SourceError(Problem.EMPTY, "run.jsonl", "empty journal: no records")
>>> str(error)
'run.jsonl: empty journal: no records'
>>> str(SourceError(Problem.UNDECODABLE, "db.sqlite", "bad", row="(position=3)"))
'db.sqlite: row (position=3): bad'
"""

from __future__ import annotations

import enum
from typing import Final

import attrs

__all__ = ["BOM", "BOM_MESSAGE", "Problem", "SourceError", "os_error"]

#: The UTF-8 byte order mark some editors put at the start of a text file.
BOM: Final = b"\xef\xbb\xbf"
BOM_MESSAGE: Final = (
    "starts with a UTF-8 byte order mark (BOM), which is not part of JSON or of a content"
    " ref; save the file as UTF-8 without a BOM"
)


class Problem(enum.StrEnum):
    """What is wrong with an input (the CLI maps each to an exit code)."""

    #: The file does not exist.
    NOT_FOUND = "not_found"
    #: The file exists but cannot be read (permissions, I/O error, locked database).
    UNREADABLE = "unreadable"
    #: A directory was given where a file is needed.
    IS_DIRECTORY = "is_directory"
    #: A file was given where a directory is needed.
    NOT_DIRECTORY = "not_directory"
    #: A line or row is not a valid journal record (or not UTF-8 text).
    UNDECODABLE = "undecodable"
    #: The last line has no newline and is not complete JSON: the writer crashed mid-append.
    TORN_TAIL = "torn_tail"
    #: A ``.gz`` file that is not gzip data, or whose compressed stream is cut short.
    NOT_GZIP = "not_gzip"
    #: The journal holds no records at all.
    EMPTY = "empty"
    #: The file is not an SQLite database.
    NOT_DATABASE = "not_database"
    #: The database lacks the table (or a column) the layout needs.
    MISSING_TABLE = "missing_table"
    #: A directory or database that is no store replaykit knows (the message says what
    #: was found).
    UNKNOWN_LAYOUT = "unknown_layout"
    #: The database holds no records for the requested run.
    UNKNOWN_RUN = "unknown_run"
    #: The database holds several runs and none was chosen.
    AMBIGUOUS_RUN = "ambiguous_run"
    #: The destination already holds what an import would write.
    CONFLICT = "conflict"
    #: The journal cannot be stored in the destination's layout (the runtime's SQLite
    #: layout refuses what its writer refuses: a seq that does not increase ...).
    UNSTORABLE = "unstorable"
    #: The destination cannot be written (a full disk, a file size limit, read-only).
    CANNOT_WRITE = "cannot_write"


@attrs.frozen(auto_exc=True)
class SourceError(Exception):
    """An input the shell cannot use: the problem, its place, and a message for people.

    ``line`` counts lines of a text journal from 1; ``row`` names a database row;
    ``path`` is the JSON path inside the record (``$.payload.effect_id``), which the
    message also names.
    """

    problem: Problem
    source: str
    message: str
    line: int | None = attrs.field(default=None, kw_only=True)
    row: str | None = attrs.field(default=None, kw_only=True)
    path: str | None = attrs.field(default=None, kw_only=True)

    def __str__(self) -> str:
        place = self.source if self.line is None else f"{self.source}:{self.line}"
        parts = [place]
        if self.row is not None:
            parts.append(f"row {self.row}")
        parts.append(self.message)
        return ": ".join(parts)


def os_error(error: OSError, source: str) -> SourceError:
    """The ``SourceError`` for an ``OSError`` met while opening or reading ``source``.

    >>> str(os_error(FileNotFoundError(2, "No such file or directory"), "run.jsonl"))
    'run.jsonl: no such file'
    """
    if isinstance(error, FileNotFoundError):
        return SourceError(Problem.NOT_FOUND, source, "no such file")
    if isinstance(error, IsADirectoryError):
        return SourceError(Problem.IS_DIRECTORY, source, "is a directory, not a file")
    if isinstance(error, NotADirectoryError):
        return SourceError(Problem.NOT_FOUND, source, "no such file (a parent is not a directory)")
    if isinstance(error, PermissionError):
        return SourceError(Problem.UNREADABLE, source, "permission denied")
    reason = error.strerror or str(error) or type(error).__name__
    return SourceError(Problem.UNREADABLE, source, f"cannot read: {reason}")
