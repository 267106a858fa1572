"""The core (model, wire, replay, timetravel) does no I/O: a check of what it imports.

Two views: the import statements of every core module (the AST, which also sees modules
the interpreter loads at start-up, such as ``os`` and ``sys``), and ``sys.modules`` after
importing every core module in a fresh interpreter (which also sees imports hidden in
functions or pulled in indirectly by the core's own code).
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path
from typing import Final

import pytest

import replaykit

PACKAGE = Path(replaykit.__file__).parent
CORE = ("model", "wire", "replay", "timetravel", "report")
IO_MODULES = frozenset(
    {
        "sqlite3",
        "os",
        "sys",
        "pathlib",
        "io",
        "subprocess",
        "socket",
        "click",
        "rich",
        "shutil",
        "tempfile",
        "time",
        "datetime",
        "random",
        "importlib",
        "builtins",
    }
)
IO_BUILTINS = frozenset({"open", "print", "input", "breakpoint", "__import__"})
#: ARCHITECTURE.md walls: which replaykit packages each core package may import.
#: (It also keeps ``timetravel`` off ``wire``; its diffs use ``to_data`` today.)
ALLOWED = {
    "model": {"model"},
    "wire": {"model", "wire"},
    # The reducer takes one thing from wire: the digest of a record's canonical encoding,
    # which it stores instead of the whole record (see replaykit/replay/state.py).
    "replay": {"model", "replay", "wire"},
    "timetravel": {"model", "replay", "timetravel", "wire"},
    # The report's rendering: a fold's document and the page around it.
    "report": {"model", "replay", "report", "timetravel", "wire"},
}


def core_files() -> list[Path]:
    return sorted(
        path
        for room in CORE
        if (PACKAGE / room).is_dir()
        for path in (PACKAGE / room).rglob("*.py")
    )


#: The one import that crosses the walls outward: a notebook's ``_repr_html_`` hook
#: imports the HTML renderer when it is called (never when the core is imported).
DISPLAY_HOOK: Final = "_repr_html_"
RENDERER: Final = "replaykit.shell.html"


def display_hook_imports(tree: ast.AST) -> list[ast.AST]:
    """The ``from replaykit.shell.html import ...`` statements inside ``_repr_html_`` bodies."""
    return [
        node
        for function in ast.walk(tree)
        if isinstance(function, ast.FunctionDef) and function.name == DISPLAY_HOOK
        for node in ast.walk(function)
        if isinstance(node, ast.ImportFrom) and node.module == RENDERER
    ]


def imported_names(path: Path) -> list[str]:
    """Absolute names of every module ``path`` imports (relative imports resolved),
    except the display hook's renderer (``display_hook_imports``)."""
    tree = ast.parse(path.read_text("utf-8"), str(path))
    package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
    hooks = {id(node) for node in display_hook_imports(tree)}
    names = []
    for node in ast.walk(tree):
        if id(node) in hooks:
            continue
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base]) if base else ".".join(parent)
            names.append(base)
            names += [f"{base}.{alias.name}" for alias in node.names]
    return names


def test_core_modules_are_found() -> None:
    rooms = {path.relative_to(PACKAGE).parts[0] for path in core_files()}
    assert {"model", "wire", "replay"} <= rooms
    assert len(core_files()) >= 15


@pytest.mark.parametrize("path", core_files(), ids=lambda p: str(p.relative_to(PACKAGE.parent)))
def test_core_module_imports_no_io_module(path: Path) -> None:
    bad = sorted({n for n in imported_names(path) if n.split(".")[0] in IO_MODULES})
    assert bad == [], f"{path.name} imports {bad}"


@pytest.mark.parametrize("path", core_files(), ids=lambda p: str(p.relative_to(PACKAGE.parent)))
def test_core_module_calls_no_io_builtin(path: Path) -> None:
    tree = ast.parse(path.read_text("utf-8"))
    calls = {
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    assert sorted(calls & IO_BUILTINS) == []


def _wall_breaches(room: str) -> list[str]:
    breaches = []
    for path in core_files():
        if path.relative_to(PACKAGE).parts[0] != room:
            continue
        for name in imported_names(path):
            parts = name.split(".")
            if parts[0] == "replaykit" and len(parts) > 1 and parts[1] not in ALLOWED[room]:
                breaches.append(f"{path.name}: {name}")
    return sorted(set(breaches))


@pytest.mark.parametrize("room", ["model", "wire", "replay", "timetravel"])
def test_core_package_respects_its_walls(room: str) -> None:
    """model imports nothing of replaykit; nothing in the core imports shell or testing."""
    assert _wall_breaches(room) == []


def test_replay_takes_only_the_record_digest_from_wire() -> None:
    """The one crossing from replay to wire is the canonical record digest."""
    imports: set[tuple[str | None, str]] = set()
    for path in sorted((PACKAGE / "replay").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "replaykit.wire"
            ):
                imports.update((node.module, alias.name) for alias in node.names)
    assert imports == {("replaykit.wire.codec", "record_digest")}


_PROBE = """
import importlib, json, pkgutil, sys, types
import attrs, hashlib, immutables, orjson, pyrsistent, returns.result  # allowed dependencies
root, rooms = sys.argv[1], sys.argv[2:]
package = types.ModuleType("replaykit")  # skip replaykit/__init__.py: it may import the shell
package.__path__ = [root]
sys.modules["replaykit"] = package
before = set(sys.modules)
loaded = []
for room in rooms:
    module = importlib.import_module("replaykit." + room)
    for info in pkgutil.walk_packages(module.__path__, module.__name__ + "."):
        importlib.import_module(info.name)
        loaded.append(info.name)
print(json.dumps({"loaded": loaded, "new": sorted(set(sys.modules) - before)}))
"""


def test_importing_the_core_loads_no_io_module() -> None:
    rooms = [room for room in CORE if (PACKAGE / room).is_dir()]
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, str(PACKAGE), *rooms],
        capture_output=True,
        check=True,
        text=True,
        timeout=60,
    )
    report = json.loads(done.stdout)
    assert len(report["loaded"]) >= 15
    new = report["new"]
    assert "replaykit.replay.transitions" in new
    forbidden = IO_MODULES - {"importlib"}
    bad = [name for name in new if name.split(".")[0] in forbidden]
    outside = [n for n in new if n.startswith(("replaykit.shell", "replaykit.testing", RENDERER))]
    assert (bad, outside) == ([], [])


def test_only_the_result_and_the_timeline_reach_the_renderer() -> None:
    """The display hooks are the only crossing outward, and each is a lazy import."""
    found = []
    for path in core_files():
        for node in display_hook_imports(ast.parse(path.read_text("utf-8"))):
            assert isinstance(node, ast.ImportFrom)
            found += [(path.name, alias.name) for alias in node.names]
    assert sorted(found) == [
        ("results.py", "iframe"),
        ("results.py", "result_html"),
        ("timeline.py", "NOTEBOOK_STEPS"),
        ("timeline.py", "iframe"),
        ("timeline.py", "timeline_html"),
    ]
