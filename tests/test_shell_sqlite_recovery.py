"""A database whose writer died mid-transaction is read as its last committed state.

SQLite leaves a *hot journal* beside the database when a writer is killed inside a
transaction; the next connection must roll it back before reading, which a read-only
connection may not do. replaykit reads such a database through a private copy on which
SQLite recovers, and never writes to the original.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
from cli_support import run_cli

from replaykit.examples import path as example_path
from replaykit.shell import JsonlJournal, SqliteJournal, import_journal

_KILLED_WRITER = """
import os, signal, sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN IMMEDIATE")
connection.execute("DELETE FROM journal_records")
connection.execute("PRAGMA cache_size=1")  # spill the changes to the file
for n in range(500):
    connection.execute(f"CREATE TABLE filler_{n}(x)")
os.kill(os.getpid(), signal.SIGKILL)
"""


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def hot_database(tmp_path: Path) -> Path:
    database = tmp_path / "runs.db"
    import_journal(JsonlJournal(example_path("crash-recovery")), str(database))
    done = subprocess.run([sys.executable, "-c", _KILLED_WRITER, str(database)], check=False)
    assert done.returncode != 0  # killed
    journal = Path(f"{database}-journal")
    assert journal.exists() and journal.stat().st_size > 0
    return database


def test_a_hot_journal_reads_as_the_last_committed_state(hot_database: Path) -> None:
    before = (_digest(hot_database), _digest(Path(f"{hot_database}-journal")))
    records = list(SqliteJournal(str(hot_database)))
    assert [record.journal_seq for record in records] == list(range(1, 12))
    after = (_digest(hot_database), _digest(Path(f"{hot_database}-journal")))
    assert after == before  # nothing written to the store being read


def test_the_command_line_replays_it(hot_database: Path) -> None:
    expected = run_cli("replay", "--json", "example:crash-recovery")
    run = run_cli("replay", "--json", hot_database)
    assert (run.code, run.out) == (expected.code, expected.out)
    assert "readonly" not in run.err
