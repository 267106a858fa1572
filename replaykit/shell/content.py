"""Content stores: which content refs exist, for ``ReplayConfig.available_content_refs``.

Three stores, each read once into a set of refs:

- ``ManifestContent``: a text file, one ref per line (UTF-8). Only the line ending is
  removed, since a ref may contain spaces; empty lines are skipped.
- ``DirectoryContent``: a directory whose regular files are named by content ref. Only
  names directly inside the directory count, so a ref can never reach outside it: a ref
  that is ``.`` or ``..``, absolute, or holds a path separator or NUL is simply missing,
  and so is a symbolic link that leads out of the directory.
- ``SqliteContent``: the ``content_refs(ref TEXT PRIMARY KEY)`` table of an SQLite
  database (see ``replaykit.shell.sources.sqlite``), opened read-only.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "content.1").write_bytes(b"...")
>>> store = DirectoryContent(str(folder))
>>> "content.1" in store, "../content.1" in store, sorted(store.refs())
(True, False, ['content.1'])
"""

from __future__ import annotations

import abc
import contextlib
import os
import sqlite3
import stat
from typing import Final, Protocol, final

from replaykit.shell.errors import BOM, BOM_MESSAGE, Problem, SourceError, os_error
from replaykit.shell.sources.sqlitedb import connect_readonly, database_error, require_table

__all__ = [
    "ContentStore",
    "DirectoryContent",
    "ManifestContent",
    "SqliteContent",
    "safe_ref_name",
]

_CONTENT_TABLE: Final = "content_refs"


class ContentStore(Protocol):
    """A place that knows which content refs exist."""

    def refs(self) -> frozenset[str]:
        """Every ref the store holds."""
        ...

    def __contains__(self, ref: object) -> bool: ...


def safe_ref_name(ref: str) -> bool:
    """Whether ``ref`` can name a file directly inside a directory (and nothing else).

    >>> [safe_ref_name(ref) for ref in ["content.1", "..", "a/b", "/etc/passwd", "a\\x00"]]
    [True, False, False, False, False]
    """
    if ref in ("", ".", "..") or "\x00" in ref or "/" in ref or "\\" in ref:
        return False
    return not (os.sep in ref or (os.altsep is not None and os.altsep in ref))


class _ReadOnce(abc.ABC):
    """A store at ``path`` whose refs are read once, on first use."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._refs: frozenset[str] | None = None

    def refs(self) -> frozenset[str]:
        """Every ref the store holds (read on first use)."""
        if self._refs is None:
            self._refs = self._read()
        return self._refs

    def __contains__(self, ref: object) -> bool:
        return ref in self.refs()

    @abc.abstractmethod
    def _read(self) -> frozenset[str]:
        """Read every ref from the store."""


#: A manifest line longer than this is no content ref (refs are at most 512 bytes).
_MAX_LINE: Final = 64 * 1024


@final
class ManifestContent(_ReadOnce):
    """A manifest file: one content ref per line."""

    def _read(self) -> frozenset[str]:
        refs: set[str] = set()
        try:
            with open(self.path, "rb") as file:
                for lineno, line in enumerate(iter(lambda: file.readline(_MAX_LINE + 1), b""), 1):
                    if len(line) > _MAX_LINE:
                        message = f"line is longer than {_MAX_LINE} bytes: not a content ref"
                        raise SourceError(Problem.UNDECODABLE, self.path, message, line=lineno)
                    if lineno == 1 and line.startswith(BOM):
                        raise SourceError(Problem.UNDECODABLE, self.path, BOM_MESSAGE, line=1)
                    body = line.removesuffix(b"\n").removesuffix(b"\r")
                    if not body:
                        continue
                    try:
                        refs.add(body.decode("utf-8"))
                    except UnicodeDecodeError as error:
                        message = f"not UTF-8 text (byte {error.start + 1} of the line)"
                        raise SourceError(
                            Problem.UNDECODABLE, self.path, message, line=lineno
                        ) from None
        except OSError as error:
            raise os_error(error, self.path) from None
        return frozenset(refs)


@final
class DirectoryContent(_ReadOnce):
    """A directory of files named by content ref (flat: no sub-directories).

    Its refs are the names of the regular files directly inside it.
    """

    def __contains__(self, ref: object) -> bool:
        if not isinstance(ref, str) or not safe_ref_name(ref):
            return False
        if self._refs is not None:
            return ref in self._refs
        return self._is_content_file(os.path.join(self.path, ref))

    def _read(self) -> frozenset[str]:
        try:
            if not stat.S_ISDIR(os.stat(self.path).st_mode):
                message = "is not a directory (--content-dir needs one)"
                raise SourceError(Problem.NOT_DIRECTORY, self.path, message)
            with os.scandir(self.path) as entries:
                return frozenset(
                    entry.name
                    for entry in entries
                    if safe_ref_name(entry.name) and self._is_content_file(entry.path)
                )
        except OSError as error:
            raise os_error(error, self.path) from None

    def _is_content_file(self, path: str) -> bool:
        try:
            if not stat.S_ISREG(os.stat(path).st_mode):
                return False
        except OSError:
            return False
        if not os.path.islink(path):
            return True
        root = os.path.realpath(self.path)
        return os.path.dirname(os.path.realpath(path)) == root


@final
class SqliteContent(_ReadOnce):
    """The ``content_refs`` table of an SQLite database."""

    def _read(self) -> frozenset[str]:
        connection = connect_readonly(self.path)
        with contextlib.closing(connection):
            try:
                require_table(connection, _CONTENT_TABLE, ("ref",), self.path)
                rows = connection.execute(f"SELECT ref FROM {_CONTENT_TABLE}")
                return frozenset(str(ref) for (ref,) in rows if ref is not None)
            except sqlite3.Error as error:
                raise database_error(error, self.path) from None
