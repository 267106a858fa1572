"""The command-line transcripts in the docs are real: each command prints what is shown.

In the pages of ``PAGES``, every fenced ``console`` block is a
transcript: a line starting with ``$ `` is a shell command, the lines after it (up to
the next command) are its standard output. Each command runs in a fresh temporary
directory with the installed ``replaykit`` first on ``PATH``.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from cli_support import SCRIPT

DOCS = Path(__file__).resolve().parent.parent / "docs"
PAGES = ("advisories.md", "cli.md", "debugging.md", "report.md", "stores.md")
_FENCE = re.compile(r"^```(\w*)\s*$")


def transcripts(page: str) -> list[tuple[int, str, str]]:
    """``(line, command, expected output)`` for every command of the page's console blocks."""
    found: list[tuple[int, str, str]] = []
    language: str | None = None
    command: tuple[int, str] | None = None
    output: list[str] = []
    for number, line in enumerate((DOCS / page).read_text().splitlines(), 1):
        fence = _FENCE.match(line)
        if fence and language is None:
            language = fence.group(1)
            continue
        if fence:
            if command is not None:
                found.append((*command, "\n".join(output)))
            language, command, output = None, None, []
            continue
        if language != "console":
            continue
        if line.startswith("$ "):
            if command is not None:
                found.append((*command, "\n".join(output)))
            command, output = (number, line[2:]), []
        else:
            output.append(line)
    return found


CASES = [(page, *case) for page in PAGES for case in transcripts(page)]


def test_the_pages_have_transcripts() -> None:
    assert {page for page, *_ in CASES} == set(PAGES)
    assert sum(1 for case in CASES if case[0] == "debugging.md") >= 4


@pytest.mark.parametrize(("page", "line", "command", "expected"), CASES, ids=lambda v: str(v)[:40])
def test_transcript(page: str, line: int, command: str, expected: str, tmp_path: Path) -> None:
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "REPLAYKIT_DEBUG")}
    environment["PATH"] = f"{SCRIPT.parent}{os.pathsep}{environment.get('PATH', '')}"
    done = subprocess.run(
        ["bash", "-c", command],
        capture_output=True,
        cwd=tmp_path,
        env=environment,
        check=False,
        timeout=120,
    )
    assert "Traceback" not in done.stderr.decode()
    actual = "\n".join(line.rstrip() for line in done.stdout.decode().splitlines())
    assert actual == expected.rstrip("\n"), f"{page}:{line}: {command}"
