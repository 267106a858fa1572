"""Example journals written by the reference runtime, bundled with the package.

>>> sorted(names())
['crash-recovery', 'output-delivery-mixed', 'tool-run-completed']
"""

from __future__ import annotations

from importlib import resources

__all__ = ["names", "path"]


def names() -> list[str]:
    """The names of the bundled example journals."""
    folder = resources.files(__name__)
    return [
        item.name.removesuffix(".jsonl")
        for item in folder.iterdir()
        if item.name.endswith(".jsonl")
    ]


def path(name: str) -> str:
    """The file system path of a bundled example journal, by name."""
    return str(resources.files(__name__).joinpath(f"{name}.jsonl"))
