"""Journal sources: JSONL files (plain or gzip), standard input and SQLite databases.

A source is an iterable of decoded ``JournalRecord`` values that streams: it holds one
line (or row) at a time, so memory stays flat however long the journal is. Files are
read in binary, line by line, and never written to. Every problem is raised as one
``SourceError`` naming the file, the line (or row) and the JSON path.

Lines. Blank lines are skipped; the line ending (``\\n`` or ``\\r\\n``) is not part of the
record. A last line without a newline that is not complete JSON is a *torn tail*: the
writer crashed while appending it. It is reported as such (``Problem.TORN_TAIL``), apart
from corruption in the middle of the file (``Problem.UNDECODABLE``); with
``allow_torn_tail=True`` the records before it are replayed and the tail is kept in
``torn_tail``. A journal without records is an error (``Problem.EMPTY``) unless
``allow_empty=True``: a run journal always starts with a record, so an empty one is
almost always the wrong file or a write that never happened.

>>> import io
>>> from replaykit.examples import path
>>> data = open(path("crash-recovery"), "rb").read()
>>> journal = JsonlJournal(io.BytesIO(data), name="crash.jsonl")
>>> [record.journal_seq for record in journal][:3]
[1, 2, 3]
>>> torn = JsonlJournal(io.BytesIO(data[:-40]), name="crash.jsonl")
>>> try:
...     list(torn)
... except SourceError as error:
...     print(error.problem, error.line)
torn_tail 11
"""

from __future__ import annotations

import contextlib
import gzip
import os
import stat
import sys
import zlib
from collections.abc import Iterator
from typing import BinaryIO, Final, Protocol, cast, final

import orjson
from returns.result import Success

from replaykit import examples
from replaykit.model import JournalRecord
from replaykit.shell.errors import BOM, BOM_MESSAGE, Problem, SourceError, os_error
from replaykit.shell.sqlite import SqliteJournal, invalid_record_message
from replaykit.wire import from_json

__all__ = ["EXAMPLE_PREFIX", "JournalSource", "JsonlJournal", "open_journal"]

#: ``example:NAME`` names a journal bundled with the package.
EXAMPLE_PREFIX: Final = "example:"

#: A line longer than this is reported instead of read (keeps memory bounded).
MAX_LINE_BYTES: Final = 64 * 1024 * 1024
#: How much a JSONL reader asks for at a time.
_BLOCK: Final = 1024 * 1024
#: Bytes a blank line may hold (besides nothing at all).
_SPACE: Final = b" \t\r\n\x0b\x0c"

_GZIP_MAGIC: Final = b"\x1f\x8b"
_SQLITE_MAGIC: Final = b"SQLite format 3\x00"
_SQLITE_SUFFIXES: Final = (".sqlite", ".sqlite3", ".db")


class JournalSource(Protocol):
    """What the CLI needs of a journal: records, where the last one was, and progress."""

    @property
    def name(self) -> str:
        """The name used in messages (a path, ``<stdin>`` or ``example:NAME``)."""
        ...

    @property
    def unit(self) -> str:
        """What ``location`` counts: ``"line"`` or ``"row"``."""
        ...

    @property
    def location(self) -> int:
        """The line (or row position) of the record yielded last; 0 before the first."""
        ...

    @property
    def torn_tail(self) -> SourceError | None:
        """The torn last line that was skipped (only with ``allow_torn_tail``)."""
        ...

    def __iter__(self) -> Iterator[JournalRecord]: ...

    def entries(self) -> Iterator[tuple[int, bytes, JournalRecord]]:
        """Each record with its location and its raw JSON bytes."""
        ...

    def progress(self) -> tuple[int, int | None]:
        """How far reading has come and the total (bytes or rows; ``None`` if unknown)."""
        ...


@final
class JsonlJournal:
    """A JSONL journal read from a path or a binary stream; gzip by ``.gz`` or by magic.

    A path can be iterated any number of times (each pass reopens the file); a stream
    only once.
    """

    unit: Final = "line"

    def __init__(
        self,
        source: str | os.PathLike[str] | BinaryIO,
        *,
        name: str | None = None,
        compressed: bool | None = None,
        allow_torn_tail: bool = False,
        allow_empty: bool = False,
    ) -> None:
        if isinstance(source, str | os.PathLike):
            self._path: str | None = os.fspath(source)
            self._stream: BinaryIO | None = None
            default_name = self._path
        else:
            self._path = None
            self._stream = source
            default_name = "<stream>"
        self.name = name if name is not None else default_name
        self._compressed = compressed
        self.allow_torn_tail = allow_torn_tail
        self.allow_empty = allow_empty
        self.location = 0
        self.torn_tail: SourceError | None = None
        self._done = 0
        self._total: int | None = None
        self._raw: BinaryIO | None = None

    def __iter__(self) -> Iterator[JournalRecord]:
        for _, _, record in self.entries():
            yield record

    def entries(self) -> Iterator[tuple[int, bytes, JournalRecord]]:
        """Each record with its line number and its raw JSON bytes (line ending removed)."""
        self.location = 0
        self.torn_tail = None
        count = 0
        blank = False
        for lineno, body, ended in self._lines():
            if not body or (body[0] in _SPACE and not body.strip()):
                blank = True
                continue
            decoded = from_json(JournalRecord, body)
            if isinstance(decoded, Success):
                count += 1
                self.location = lineno
                yield lineno, body, decoded.unwrap()
                continue
            if lineno == 1 and body.startswith(BOM):
                raise SourceError(Problem.UNDECODABLE, self.name, BOM_MESSAGE, line=1)
            failure = decoded.failure()
            if not ended and _incomplete_json(body):
                tail = SourceError(
                    Problem.TORN_TAIL,
                    self.name,
                    f"torn tail: the last line ({len(body)} bytes, no newline) is cut short;"
                    " the writer probably crashed while appending it",
                    line=lineno,
                )
                if not self.allow_torn_tail:
                    raise tail
                self.torn_tail = tail
                break
            raise SourceError(
                Problem.UNDECODABLE,
                self.name,
                invalid_record_message(failure),
                line=lineno,
                path=failure.path,
            )
        if count == 0 and not self.allow_empty:
            what = "only blank lines" if blank else "no records"
            if self.torn_tail is not None:
                what = "no complete record (only a torn last line)"
            raise SourceError(Problem.EMPTY, self.name, f"empty journal: {what}")

    def progress(self) -> tuple[int, int | None]:
        """Bytes read so far (of the compressed file for gzip) and the file size."""
        if self._raw is not None:
            with contextlib.suppress(OSError, ValueError):
                return self._raw.tell(), self._total
        return self._done, self._total

    def _lines(self) -> Iterator[tuple[int, bytes, bool]]:
        """``(line number, line without its ending, whether a newline ended it)``.

        Reads blocks of ``_BLOCK`` bytes and splits them in C, which costs less per line
        than ``readline``; a line of ``MAX_LINE_BYTES`` or more is reported as soon as
        that many bytes of it are in, so memory stays bounded.
        """
        with self._open() as stream:
            read = getattr(stream, "read1", stream.read)
            lineno = 0
            pending = b""
            while True:
                try:
                    block = read(_BLOCK)
                except (gzip.BadGzipFile, EOFError, zlib.error) as error:
                    raise self._gzip_error(error, lineno + 1) from None
                except OSError as error:
                    raise os_error(error, self.name) from None
                if not block:
                    if pending:
                        yield lineno + 1, pending.rstrip(b"\r"), False
                    return
                self._done += len(block)
                data = pending + block if pending else block
                if not data.strip(b"\r\n"):
                    # Line endings only: counted in C, so a long run of blank lines (a
                    # gzip of a gigabyte of newlines) costs no Python step per line.
                    ends = data.count(b"\n")
                    if ends:
                        lineno += ends
                        yield lineno, b"", True
                        data = data[data.rfind(b"\n") + 1 :]
                    pending = data
                    continue
                lines = data.split(b"\n")
                pending = lines.pop()
                for line in lines:
                    lineno += 1
                    if len(line) >= MAX_LINE_BYTES:
                        raise self._too_long(lineno)
                    yield lineno, line.rstrip(b"\r") if line.endswith(b"\r") else line, True
                if len(pending) >= MAX_LINE_BYTES:
                    raise self._too_long(lineno + 1)

    def _too_long(self, lineno: int) -> SourceError:
        message = f"line is longer than {MAX_LINE_BYTES} bytes"
        return SourceError(Problem.UNDECODABLE, self.name, message, line=lineno)

    @contextlib.contextmanager
    def _open(self) -> Iterator[BinaryIO]:
        self._done = 0
        self._raw = None
        with contextlib.ExitStack() as stack:
            if self._stream is not None:
                raw = self._stream
            else:
                assert self._path is not None
                try:
                    raw = stack.enter_context(open(self._path, "rb"))
                    self._total = os.fstat(raw.fileno()).st_size
                except OSError as error:
                    raise os_error(error, self.name) from None
            if self._is_gzip(raw):
                self._raw = raw
                yield cast(BinaryIO, stack.enter_context(gzip.GzipFile(fileobj=raw, mode="rb")))
            else:
                yield raw

    def _is_gzip(self, raw: BinaryIO) -> bool:
        if self._compressed is not None:
            return self._compressed
        if self._path is not None and self._path.endswith(".gz"):
            return True
        peek = getattr(raw, "peek", None)
        if peek is None:
            return False
        try:
            head: bytes = peek(2)
        except OSError as error:
            raise os_error(error, self.name) from None
        return head[:2] == _GZIP_MAGIC

    def _gzip_error(self, error: Exception, lineno: int) -> SourceError:
        if isinstance(error, EOFError):
            message = "gzip data is cut short (the compressed stream ends early)"
            return SourceError(Problem.NOT_GZIP, self.name, message, line=lineno)
        if isinstance(error, zlib.error):
            message = f"gzip data is corrupt ({error})"
            return SourceError(Problem.NOT_GZIP, self.name, message, line=lineno)
        if "CRC" in str(error) or "length" in str(error):  # the data does not match its trailer
            message = f"gzip data is corrupt ({error})"
            return SourceError(Problem.NOT_GZIP, self.name, message, line=lineno)
        return SourceError(Problem.NOT_GZIP, self.name, "not a gzip file")


def _incomplete_json(body: bytes) -> bool:
    """Whether ``body`` is a strict prefix of JSON text: the parser ran out of input
    without finding anything wrong before the end (a damaged line is not torn)."""
    try:
        orjson.loads(body)
    except orjson.JSONDecodeError as error:
        return error.pos == len(body) and error.msg == "unexpected end of data"
    return False


def open_journal(
    spec: str,
    *,
    run_id: str | None = None,
    allow_torn_tail: bool = False,
    allow_empty: bool = False,
    stdin: BinaryIO | None = None,
) -> JournalSource:
    """The journal named by ``spec``: a path, ``-`` (standard input) or ``example:NAME``.

    SQLite databases are recognised by suffix (``.sqlite``, ``.sqlite3``, ``.db``) or by
    their header, gzip files by ``.gz`` or by their header; anything else is JSONL.

    >>> journal = open_journal("example:crash-recovery")
    >>> journal.name, sum(1 for _ in journal)
    ('example:crash-recovery', 11)
    """
    if spec == "-":
        if stdin is None and sys.stdin is None:  # started with standard input closed (`<&-`)
            raise SourceError(Problem.UNREADABLE, "<stdin>", "standard input is closed")
        stream = stdin if stdin is not None else sys.stdin.buffer
        return JsonlJournal(
            stream, name="<stdin>", allow_torn_tail=allow_torn_tail, allow_empty=allow_empty
        )
    if spec.startswith(EXAMPLE_PREFIX):
        name = spec.removeprefix(EXAMPLE_PREFIX)
        known = sorted(examples.names())
        if name not in known:
            message = f"no bundled example of that name (known: {', '.join(known)})"
            raise SourceError(Problem.NOT_FOUND, spec, message)
        return JsonlJournal(
            examples.path(name), name=spec, allow_torn_tail=allow_torn_tail, allow_empty=allow_empty
        )
    if spec.endswith(_SQLITE_SUFFIXES) or _has_sqlite_header(spec):
        return SqliteJournal(spec, run_id=run_id, allow_empty=allow_empty)
    return JsonlJournal(spec, allow_torn_tail=allow_torn_tail, allow_empty=allow_empty)


def _has_sqlite_header(path: str) -> bool:
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return False  # a directory, a pipe, a device: never read ahead
        with open(path, "rb") as file:
            return file.read(len(_SQLITE_MAGIC)) == _SQLITE_MAGIC
    except OSError as error:
        raise os_error(error, path) from None
