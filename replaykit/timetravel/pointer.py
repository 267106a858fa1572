"""JSON Pointers (RFC 6901): the paths of diff operations and queries.

>>> pointer("seen_records", "rec/1~a")
'/seen_records/rec~11~0a'
>>> parse_pointer("/seen_records/rec~11~0a")
['seen_records', 'rec/1~a']
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["escape", "parse_pointer", "pointer"]


_BAD_ESCAPE: Final = re.compile("~(?![01])")


def escape(token: str) -> str:
    """One reference token, escaped: ``~`` becomes ``~0`` and ``/`` becomes ``~1``.

    >>> escape("a/b~c")
    'a~1b~0c'
    """
    if "~" in token:
        token = token.replace("~", "~0")
    if "/" in token:
        token = token.replace("/", "~1")
    return token


def pointer(*tokens: str | int) -> str:
    """The JSON Pointer made of ``tokens`` (object keys or list indices).

    >>> pointer("repair_needed", 0)
    '/repair_needed/0'
    """
    return "".join("/" + escape(str(token)) for token in tokens)


def parse_pointer(path: str) -> list[str]:
    """The unescaped tokens of a JSON Pointer; ``ValueError`` if it is not one.

    >>> parse_pointer("")
    []
    >>> parse_pointer("pending_effects")
    Traceback (most recent call last):
    ValueError: a JSON Pointer is empty or starts with '/': 'pending_effects'
    """
    if path == "":
        return []
    if not path.startswith("/"):
        raise ValueError(f"a JSON Pointer is empty or starts with '/': {path!r}")
    tokens = path[1:].split("/")
    for token in tokens:
        if _BAD_ESCAPE.search(token):
            raise ValueError(f"bad escape in JSON Pointer {path!r}: '~' must be followed by 0 or 1")
    return [token.replace("~1", "/").replace("~0", "~") for token in tokens]
