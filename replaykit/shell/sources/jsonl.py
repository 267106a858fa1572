"""JSONL journals: files (plain or gzip) and standard input.

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
import zlib
from collections.abc import Iterator
from typing import BinaryIO, Final, cast, final

import orjson
from returns.result import Success

from replaykit.model import JournalRecord
from replaykit.shell.errors import BOM, BOM_MESSAGE, Problem, SourceError, os_error
from replaykit.shell.sources.base import RECORD_OF, invalid_record_message
from replaykit.wire import from_json
from replaykit.wire.codec import decode_line

__all__ = ["JsonlJournal", "rust_blank"]

#: A line longer than this is reported instead of read (keeps memory bounded).
MAX_LINE_BYTES: Final = 64 * 1024 * 1024
#: How much a JSONL reader asks for at a time.
_BLOCK: Final = 1024 * 1024
_ENDS: Final = (b"\r", b"\n")
#: Bytes a blank line may hold (besides nothing at all).
_SPACE: Final = b" \t\r\n\x0b\x0c"

_GZIP_MAGIC: Final = b"\x1f\x8b"

#: The characters Rust's ``char::is_whitespace`` (Unicode White_Space) accepts: the
#: runtime's file-store reader skips a line made only of these.
_RUST_WHITESPACE: Final = frozenset(
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def rust_blank(body: bytes) -> bool:
    """Whether the runtime's reader skips this line: UTF-8 text of whitespace only, as
    Rust's ``str::trim`` sees it (Unicode White_Space, so a no-break space counts).

    >>> rust_blank(b"  "), rust_blank("\\u00a0\\u3000".encode())
    (True, True)
    >>> rust_blank(b"\\x1c"), rust_blank(b"{}"), rust_blank(b"\\xff")
    (False, False, False)
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return all(char in _RUST_WHITESPACE for char in text)


@final
class JsonlJournal:
    """A JSONL journal read from a path or a binary stream; gzip by ``.gz`` or by magic.

    A path can be iterated any number of times (each pass reopens the file); a stream
    only once. ``runtime_blank`` also skips lines of Unicode whitespace only, as the
    runtime's file-store reader does (``rust_blank``).
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
        runtime_blank: bool = False,
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
        self.runtime_blank = runtime_blank
        self.location = 0
        self.torn_tail: SourceError | None = None
        self._done = 0
        self._total: int | None = None
        self._raw: BinaryIO | None = None

    def __iter__(self) -> Iterator[JournalRecord]:
        return map(RECORD_OF, self.entries())  # in C: no generator step per record

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
            record = decode_line(body)  # the canonical lines' fast path, no Result
            if record is not None:
                count += 1
                self.location = lineno
                yield lineno, body, record
                continue
            decoded = from_json(JournalRecord, body)
            if isinstance(decoded, Success):
                count += 1
                self.location = lineno
                yield lineno, body, decoded.unwrap()
                continue
            if self.runtime_blank and rust_blank(body):
                blank = True
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
                if (
                    not pending
                    and block[:1] in _ENDS
                    and block[-1:] in _ENDS
                    and not block.strip(b"\r\n")
                ):
                    # Line endings only: counted in C, so a long run of blank lines (a
                    # gzip of a gigabyte of newlines) costs no Python step per line.
                    ends = block.count(b"\n")
                    if ends:
                        lineno += ends
                        yield lineno, b"", True
                        block = block[block.rfind(b"\n") + 1 :]
                    pending = block
                    continue
                # Split the block itself and join only the carried-over part to its first
                # line: the block's bytes are copied once, into its lines.
                lines = block.split(b"\n")
                if pending:
                    lines[0] = pending + lines[0]
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
