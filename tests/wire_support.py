"""Helpers for the wire tests: example lines, edited records and checked decode outcomes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final

from returns.result import Failure, Result, Success

from replaykit import DecodeError, JournalRecord, examples, from_json

__all__ = ["EXAMPLE_LINES", "compact", "decoded", "edit", "failure", "text_lines"]


def text_lines(name: str) -> list[str]:
    """The lines of a bundled example journal, as text without line endings."""
    return Path(examples.path(name)).read_text("utf-8").splitlines()


#: Every line of every bundled example: ``(example name, line index, line)``, by name.
EXAMPLE_LINES: Final = [
    (name, index, line)
    for name in sorted(examples.names())
    for index, line in enumerate(text_lines(name))
]


def compact(data: Any) -> str:
    """What serde_json writes for ``data`` (WIRE.md section 1.9)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def edit(line: str, path: str, value: Any = ..., *, delete: bool = False) -> str:
    """``line`` with the value at dotted ``path`` replaced (or the key deleted)."""
    data = json.loads(line)
    *parents, last = path.split(".")
    target = data
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    if delete:
        del target[last]
    else:
        target[int(last) if last.isdigit() else last] = value
    return compact(data)


def failure(text: str | bytes, cls: type = JournalRecord, *, readable: bool = True) -> DecodeError:
    """The decode error for ``text``, checked to be one (with ``readable``: printable) line."""
    outcome: Result[Any, DecodeError] = from_json(cls, text)
    assert isinstance(outcome, Failure), outcome
    error = outcome.failure()
    assert isinstance(error, DecodeError)
    line = str(error)
    assert line == f"{error.path}: {error.message}"
    if readable:
        assert line.isprintable(), ascii(line)
        line.encode("utf-8")
    return error


def decoded(text: str | bytes, cls: type[Any] = JournalRecord) -> Any:
    """The value ``text`` decodes to, checked to be a success."""
    outcome = from_json(cls, text)
    assert isinstance(outcome, Success), outcome
    return outcome.unwrap()
