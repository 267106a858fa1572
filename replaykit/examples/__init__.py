"""Example journals written by the reference runtime, bundled with the package.

JSONL journals, and ``file-store``: a runtime file store (a directory) written by the
reference crate, with one run, its checkpoints and one content item.

>>> sorted(names()), store_names()
(['crash-recovery', 'output-delivery-mixed', 'tool-run-completed'], ['file-store'])
"""

from __future__ import annotations

from importlib import resources
from typing import Final

__all__ = ["STORE_SAMPLE", "names", "path", "store_names"]

#: The name of the bundled file store.
_STORE: Final = "file-store"


def names() -> list[str]:
    """The names of the bundled example journals (JSONL)."""
    folder = resources.files(__name__)
    return [
        item.name.removesuffix(".jsonl")
        for item in folder.iterdir()
        if item.name.endswith(".jsonl")
    ]


def store_names() -> list[str]:
    """The names of the bundled example stores."""
    return [_STORE]


def path(name: str) -> str:
    """The file system path of a bundled example, by name (a directory for the store)."""
    if name == _STORE:
        return str(resources.files(__name__).joinpath(_STORE))
    return str(resources.files(__name__).joinpath(f"{name}.jsonl"))


#: The path of the bundled runtime file store (``example:file-store``).
STORE_SAMPLE: Final = path(_STORE)
