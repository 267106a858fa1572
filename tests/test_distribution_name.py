"""The distribution name is ``agent-replaykit``: ``replaykit`` on the package index is an
unrelated project, and an install hint naming it would install someone else's code."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import distribution
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: ``pip install replaykit``, ``pip install 'replaykit[testing]'``, ``replaykit[test]`` ...
_WRONG = re.compile(r"pip install [\"']?replaykit\b|(?<![\w-])replaykit\[")


def test_the_project_is_agent_replaykit() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["name"] == "agent-replaykit"
    extras = [dep for deps in project["optional-dependencies"].values() for dep in deps]
    assert not [dep for dep in extras if _WRONG.search(dep)]
    assert distribution("agent-replaykit").metadata["Name"] == "agent-replaykit"


def test_no_install_hint_names_the_other_project() -> None:
    files = [
        *ROOT.glob("*.md"),
        *(ROOT / "docs").glob("*.md"),
        *(ROOT / "replaykit").rglob("*.py"),
        ROOT / "pyproject.toml",
    ]
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in files
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if _WRONG.search(line)
    ]
    assert offenders == []
