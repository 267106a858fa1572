"""What the commands write, and how a fold ended.

Commands write through ``Settings`` (the group's options: colour, progress) and report
how a fold ended as an ``Outcome`` (or ``None`` when they just showed something);
``replaykit.shell.cli`` turns outcomes and errors into exit codes, in one place. Files
they write (``-o``) are written atomically: ``atomic_file``.
"""

from __future__ import annotations

import contextlib
import enum
import os
import sys
import tempfile
from collections.abc import Iterator
from typing import IO, final

import attrs
import click

from replaykit.model import ReplayResult, ReplayStatus
from replaykit.shell.errors import SourceError
from replaykit.shell.render import one_line

__all__ = [
    "Outcome",
    "PipeClosed",
    "Settings",
    "atomic_file",
    "color_wanted",
    "outcome_of",
    "write_atomically",
    "write_output",
]


@contextlib.contextmanager
def atomic_file(path: str) -> Iterator[IO[str]]:
    """A text file that becomes ``path`` only when the block ends without an error: it
    is written beside ``path`` under a temporary name, synced and renamed into place,
    and removed on any error (Ctrl-C included). It keeps the mode of the file it
    replaces (a new one gets 0666 minus the umask)."""
    directory = os.path.dirname(os.path.abspath(path))
    try:
        mode = os.stat(path).st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=".replaykit-", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def write_atomically(path: str, text: str) -> None:
    """Write ``text`` to ``path`` atomically (``atomic_file``)."""
    with atomic_file(path) as handle:
        handle.write(text)


def write_output(output: str, text: str) -> None:
    """``text`` to standard output (``-``) or atomically to the file ``output``; a file
    that cannot be written is a ``click.FileError`` naming it."""
    if output == "-":
        click.echo(text, nl=False)
        return
    try:
        write_atomically(output, text)
    except OSError as error:
        raise click.FileError(output, hint=error.strerror or str(error)) from None


class Outcome(enum.Enum):
    """How a fold ended, for the exit code."""

    COMPLETE = "complete"
    REPAIR_NEEDED = "repair_needed"
    REJECTED = "rejected"
    #: Complete, but an advisory at or above ``--fail-on`` remains.
    ADVISED = "advised"


def outcome_of(result: ReplayResult) -> Outcome:
    """``COMPLETE`` when nothing needs repair (resume is then always allowed)."""
    if result.status is ReplayStatus.COMPLETE and result.resume_allowed:
        return Outcome.COMPLETE
    return Outcome.REPAIR_NEEDED


class PipeClosed(Exception):
    """Standard output was closed by its reader (``| head``)."""


@final
@attrs.frozen
class Settings:
    """Options of the ``replaykit`` group, passed to every command as ``ctx.obj``."""

    color: bool = False
    progress: bool = False

    def echo(self, text: str = "") -> None:
        """Write a line of output (coloured only when ``color``)."""
        try:
            click.echo(text, color=self.color)
        except BrokenPipeError:
            raise PipeClosed from None

    def echo_bytes(self, data: bytes) -> None:
        """Write one line of raw UTF-8 output (JSON), without copying it into a ``str``."""
        try:
            sys.stdout.flush()  # keep the order of earlier lines
            sys.stdout.buffer.write(data + b"\n")
            sys.stdout.buffer.flush()
        except BrokenPipeError:
            raise PipeClosed from None

    def note(self, text: str) -> None:
        """Write a note on standard error."""
        click.echo(f"replaykit: {text}", err=True, color=False)

    def warn_torn_tail(self, tail: SourceError | None, records: int) -> None:
        """Say on standard error that a torn last line was skipped (if one was)."""
        if tail is not None:
            used = f"{records} record{'' if records == 1 else 's'}"
            self.note(f"warning: {one_line(str(tail))}; skipped it and used the {used} before it")


def color_wanted(choice: str) -> bool:
    """Whether to colour standard output: ``always``, ``never``, or ``auto``.

    ``auto`` colours only a terminal, and never when ``NO_COLOR`` is set (non-empty).
    """
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()
