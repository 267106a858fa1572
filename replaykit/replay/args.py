"""Argument checks at the public boundary: a wrong type fails there, with a ``TypeError``
naming the function and the argument, not deep inside the fold.

>>> try:
...     expect(None, str, "replay", "config")
... except TypeError as error:
...     print(error)
replay: config must be a str, not NoneType
"""

from __future__ import annotations

from typing import Any

__all__ = ["expect"]


def expect(value: Any, cls: type, function: str, argument: str) -> None:
    """Raise ``TypeError`` unless ``value`` is a ``cls``."""
    if not isinstance(value, cls):
        raise TypeError(
            f"{function}: {argument} must be a {cls.__name__}, not {type(value).__name__}"
        )
