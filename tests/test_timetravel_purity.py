"""The wall around ``replaykit.timetravel``: pure, and only above model, wire and replay."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "replaykit" / "timetravel"
ALLOWED_REPLAYKIT = (
    "replaykit.model",
    "replaykit.replay",
    "replaykit.wire",
    "replaykit.timetravel",
)
ALLOWED_OTHERS = frozenset(
    {
        "__future__",
        "attrs",
        "collections",
        "enum",
        "gc",
        "hashlib",
        "immutables",
        "itertools",
        "orjson",
        "pyrsistent",
        "re",
        "returns",
        "typing",
    }
)


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module != "replaykit.shell.html":
            names.append(node.module or "")  # the renderer: see test_purity's display hooks
    return names


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: p.name)
def test_timetravel_modules_import_only_the_pure_core(path: Path) -> None:
    for name in _imports(path):
        if name.startswith("replaykit"):
            assert name == "replaykit.timetravel" or name.startswith(ALLOWED_REPLAYKIT), name
        else:
            assert name.split(".")[0] in ALLOWED_OTHERS, name
