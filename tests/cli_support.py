"""Helpers for the CLI tests: run the real console script, check failures and inputs."""

from __future__ import annotations

import ctypes
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final

import attrs
import orjson

from replaykit.examples import path as example_path

__all__ = [
    "DATA",
    "EXIT_CODE_LINES",
    "SCRIPT",
    "Run",
    "assert_clean_failure",
    "drop_read_override",
    "example_lines",
    "expected_cases",
    "record_line",
    "run_cli",
    "unchanged",
    "write_lines",
]

DATA: Final = Path(__file__).resolve().parent / "data"

#: The console script installed next to the interpreter running the tests.
SCRIPT: Final = Path(sys.executable).with_name("replaykit")

#: What every ``--help`` must document (code and a word of its meaning).
EXIT_CODE_LINES: Final = (
    ("0", "complete"),
    ("1", "repair needed"),
    ("2", "rejected"),
    ("64", "usage"),
    ("65", "bad input"),
    ("66", "missing"),
    ("70", "internal"),
)


@attrs.frozen
class Run:
    """The result of one run of the command: exit code, standard output and error."""

    code: int
    out: bytes
    err: str

    @property
    def text(self) -> str:
        return self.out.decode("utf-8")


def run_cli(
    *args: str | os.PathLike[str],
    stdin: bytes | None = None,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    preexec_fn: Callable[[], None] | None = None,
) -> Run:
    """Run ``replaykit ARGS`` in a subprocess (the real console script)."""
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "REPLAYKIT_DEBUG")}
    environment.update(env or {})
    done = subprocess.run(
        [str(SCRIPT), *map(str, args)],
        input=stdin if stdin is not None else b"",
        capture_output=True,
        cwd=cwd,
        env=environment,
        preexec_fn=preexec_fn,
        check=False,
        timeout=120,
    )
    return Run(done.returncode, done.stdout, done.stderr.decode("utf-8", "replace"))


def assert_clean_failure(run: Run, code: int, *needles: str) -> str:
    """One line on stderr that names every needle, the exit code, and no traceback."""
    assert run.code == code, (run.code, run.err)
    assert "Traceback" not in run.err
    lines = run.err.splitlines()
    assert len(lines) == 1, run.err
    (line,) = lines
    assert line.startswith("replaykit: error: "), line
    for needle in needles:
        assert needle in line, (needle, line)
    return line


@contextmanager
def unchanged(*paths: Path) -> Iterator[None]:
    """Assert that the files (and the listing of their folders) are the same afterwards."""
    before = {path: (path.read_bytes() if path.is_file() else None) for path in paths}
    folders = {path.parent: sorted(os.listdir(path.parent)) for path in paths}
    yield
    for path, content in before.items():
        assert (path.read_bytes() if path.is_file() else None) == content, path
    for folder, listing in folders.items():
        assert sorted(os.listdir(folder)) == listing, folder


def example_lines(name: str) -> list[bytes]:
    """The lines of a bundled example journal, without line endings."""
    return Path(example_path(name)).read_bytes().splitlines()


def record_line(line: bytes, **changes: Any) -> bytes:
    """A journal line with some top-level fields changed (keys keep their order)."""
    data = orjson.loads(line)
    data.update(changes)
    return orjson.dumps(data)


def write_lines(path: Path, lines: list[bytes], *, final_newline: bool = True) -> Path:
    """Write JSONL lines to ``path``."""
    path.write_bytes(b"\n".join(lines) + (b"\n" if final_newline and lines else b""))
    return path


def expected_cases() -> list[dict[str, Any]]:
    """The golden cases of ``tests/data/expected.json`` (example journals and results)."""
    cases: list[dict[str, Any]] = json.loads((DATA / "expected.json").read_text())
    return cases


_PR_CAPBSET_DROP: Final = 24
_CAP_DAC_OVERRIDE: Final = 1
_CAP_DAC_READ_SEARCH: Final = 2


def drop_read_override() -> None:
    """In a child running as root: drop the capabilities that bypass file permissions."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH):
        if libc.prctl(_PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")
