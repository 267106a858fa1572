"""``replaykit import``: JSONL into SQLite, atomically, and replays that agree."""

from __future__ import annotations

import os
import resource
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

from cli_support import (
    SCRIPT,
    assert_clean_failure,
    example_lines,
    record_line,
    run_cli,
    unchanged,
    write_lines,
)

from replaykit import to_json
from replaykit.shell import SCHEMA
from replaykit.testing import builders as b


def test_import_then_replay_gives_the_same_bytes(tmp_path: Path) -> None:
    database = tmp_path / "runs.sqlite"
    run = run_cli("import", "example:output-delivery-mixed", database)
    assert run.code == 0
    assert "imported 16 records of run run.example.output" in run.text
    assert "(created, replaykit SQLite layout)" in run.text
    for mode in ("audit", "resume", "repair"):
        from_db = run_cli("replay", database, "--mode", mode, "--json")
        from_file = run_cli("replay", "example:output-delivery-mixed", "--mode", mode, "--json")
        assert from_db.out == from_file.out and from_db.code == from_file.code


def test_import_keeps_rejected_records_so_verdicts_agree(tmp_path: Path) -> None:
    lines = example_lines("crash-recovery")
    bad = [*lines[:4], lines[0], record_line(lines[5], journal_seq=2), *lines[4:]]
    journal = write_lines(tmp_path / "bad.jsonl", bad)
    (tmp_path / "out").mkdir()
    database = tmp_path / "out" / "bad.db"
    with unchanged(journal):
        assert run_cli("import", journal, database).code == 0
    for command in ("replay", "lint"):
        from_db = run_cli(command, database, "--json")
        from_file = run_cli(command, journal, "--json")
        assert from_db.code == from_file.code == 2
        assert from_db.out.replace(b'"row":', b'"line":') == from_file.out


def test_new_database_has_the_documented_layout_and_normal_permissions(tmp_path: Path) -> None:
    database = tmp_path / "runs.sqlite"
    assert run_cli("import", "example:crash-recovery", database).code == 0
    assert sorted(os.listdir(tmp_path)) == ["runs.sqlite"]  # no temporary file left
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(database.stat().st_mode) == 0o644 & ~umask  # SQLite's default mode
    with sqlite3.connect(database) as connection:
        tables = dict(
            connection.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
        )
        rows = connection.execute(
            "SELECT run_id, position, journal_seq, record_id, record_json FROM journal_records"
            " ORDER BY position"
        ).fetchall()
    assert set(tables) == {"journal_records", "content_refs"}
    documented = " ".join(SCHEMA.replace("IF NOT EXISTS ", "").split())
    for sql in tables.values():
        assert " ".join(sql.split()) in documented
    lines = example_lines("crash-recovery")
    assert [row[4].encode() for row in rows] == lines
    assert [row[1] for row in rows] == list(range(1, len(lines) + 1))
    assert {row[0] for row in rows} == {"run.example.crash"}


def test_import_refuses_to_overwrite_a_run_unless_told(tmp_path: Path) -> None:
    database = tmp_path / "runs.sqlite"
    assert run_cli("import", "example:crash-recovery", database).code == 0
    with unchanged(database):
        again = run_cli("import", "example:crash-recovery", database)
    assert_clean_failure(again, 65, str(database), "already holds 11 records", "--replace")
    replaced = run_cli("import", "example:crash-recovery", database, "--replace")
    assert replaced.code == 0 and "(updated, replaykit SQLite layout)" in replaced.text
    other = run_cli("import", "example:tool-run-completed", database, "--run-id", "run.other")
    assert other.code == 0
    chosen = run_cli("replay", database, "--run-id", "run.other", "--json")
    assert chosen.out == run_cli("replay", "example:tool-run-completed", "--json").out


def test_bad_journal_writes_nothing(tmp_path: Path) -> None:
    lines = example_lines("crash-recovery")
    journal = write_lines(tmp_path / "bad.jsonl", [*lines[:5], b"{not json", *lines[6:]])
    database = tmp_path / "new.sqlite"
    with unchanged(journal):
        run = run_cli("import", journal, database)
    assert_clean_failure(run, 65, f"{journal}:6:")
    assert not database.exists()
    assert sorted(os.listdir(tmp_path)) == ["bad.jsonl"]
    existing = tmp_path / "old.sqlite"
    assert run_cli("import", "example:tool-run-completed", existing).code == 0
    with unchanged(existing):
        assert_clean_failure(run_cli("import", journal, existing), 65, f"{journal}:6:")


def test_import_into_something_that_is_not_a_database(tmp_path: Path) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("my notes\n" * 200)
    with unchanged(target):
        run = run_cli("import", "example:crash-recovery", target)
    assert_clean_failure(run, 65, str(target), "not an SQLite database")
    assert_clean_failure(
        run_cli("import", "example:crash-recovery", tmp_path), 66, "is a directory"
    )


def test_import_of_an_empty_journal_or_a_database(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    assert_clean_failure(run_cli("import", empty, tmp_path / "x.sqlite"), 65, "empty journal")
    assert not (tmp_path / "x.sqlite").exists()
    database = tmp_path / "runs.sqlite"
    assert run_cli("import", "example:crash-recovery", database).code == 0
    assert run_cli("import", database, tmp_path / "copy.sqlite").code == 64


def test_import_from_standard_input(tmp_path: Path) -> None:
    database = tmp_path / "runs.sqlite"
    data = b"\n".join(example_lines("tool-run-completed")) + b"\n"
    assert run_cli("import", "-", database, stdin=data).code == 0
    assert (
        run_cli("replay", database, "--json").out
        == run_cli("replay", "example:tool-run-completed", "--json").out
    )


def _two_runs(tmp_path: Path) -> tuple[Path, Path]:
    lines = example_lines("crash-recovery")
    first = write_lines(tmp_path / "a.jsonl", lines)
    second = write_lines(
        tmp_path / "b.jsonl",
        [line.replace(b"run.example.crash", b"run.example.other") for line in lines],
    )
    return first, second


def test_concurrent_imports_into_one_new_path_both_land(tmp_path: Path) -> None:
    """Both used to say "(created)" and the file kept one run: imports into one folder
    now take turns, and the second adds its run to the database the first created."""
    journals = [  # long enough for the imports to overlap
        write_lines(
            tmp_path / f"{n}.jsonl",
            [
                to_json(record).encode()
                for record in b.journal(
                    *[b.message(f"message.{m}", run_id=f"run.{n}") for m in range(3000)]
                )
            ],
        )
        for n in range(4)
    ]
    database = tmp_path / "runs.db"
    script = str(SCRIPT)
    processes = [
        subprocess.Popen([script, "import", str(journal), str(database)], stderr=subprocess.PIPE)
        for journal in journals
    ]
    errors = [process.communicate(timeout=60)[1] for process in processes]
    assert [process.returncode for process in processes] == [0] * 4, errors
    with sqlite3.connect(database) as connection:
        runs = connection.execute("select distinct run_id from journal_records").fetchall()
    assert sorted(runs) == [(f"run.{n}",) for n in range(4)]


def test_a_killed_imports_temporary_files_are_swept(tmp_path: Path) -> None:
    first, _ = _two_runs(tmp_path)
    database = tmp_path / "runs.db"
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    stale = tmp_path / f".runs.db.{dead}.abcd1234.tmp"
    stale.write_bytes(b"x" * 1000)
    Path(f"{stale}-journal").write_bytes(b"y")
    alive = tmp_path / f".runs.db.{os.getpid()}.abcd1234.tmp"  # a live import's: kept
    alive.write_bytes(b"z")
    assert run_cli("import", first, database).code == 0
    assert not stale.exists() and not Path(f"{stale}-journal").exists()
    assert alive.exists()


def test_a_write_that_fails_is_reported_and_leaves_nothing(tmp_path: Path) -> None:
    """A file size limit (as a full disk) is reported as a write failure (74), not as a
    database that cannot be read; no temporary file is left, and an existing database
    keeps exactly its rows."""
    first, _ = _two_runs(tmp_path)
    records = b.journal(*[b.message(f"message.{n}", summary="x" * 3000) for n in range(400)])
    big = write_lines(tmp_path / "big.jsonl", [to_json(r).encode() for r in records])
    database = tmp_path / "runs.db"
    assert run_cli("import", first, database).code == 0
    before = database.read_bytes()

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (256 * 1024, 256 * 1024))

    inputs = sorted(path.name for path in tmp_path.iterdir())
    for target in (tmp_path / "new.db", database):
        run = run_cli("import", big, target, preexec_fn=limit)
        assert run.code == 74, run.err
        assert "cannot write the database" in run.err and "cannot read" not in run.err
    assert (
        sorted(path.name for path in tmp_path.iterdir() if path.name != "runs.db-journal") == inputs
    )
    replayed = run_cli("replay", "--json", database)
    assert replayed.code == run_cli("replay", "--json", first).code
    assert replayed.out == run_cli("replay", "--json", first).out
    assert database.read_bytes() == before
    assert not Path(f"{database}-journal").exists()


def test_imported_database_is_a_rowid_table(tmp_path: Path) -> None:
    """Large rows suit a rowid table: with the same rows, a WITHOUT ROWID table (the
    earlier layout) takes more than half again as much space."""
    records = b.journal(*[b.message(f"message.{n}", summary="s" * 400) for n in range(2000)])
    journal = write_lines(tmp_path / "j.jsonl", [to_json(r).encode() for r in records])
    database = tmp_path / "j.db"
    assert run_cli("import", journal, database).code == 0
    with sqlite3.connect(database) as connection:
        (ddl,) = connection.execute(
            "select sql from sqlite_master where name = 'journal_records'"
        ).fetchone()
        rows = connection.execute("select * from journal_records").fetchall()
    assert "WITHOUT ROWID" not in ddl.upper()
    earlier = tmp_path / "earlier.db"
    with sqlite3.connect(earlier) as connection:
        connection.execute(ddl.rstrip().removesuffix(")") + ") WITHOUT ROWID")
        connection.executemany("insert into journal_records values (?, ?, ?, ?, ?)", rows)
    assert database.stat().st_size * 1.5 < earlier.stat().st_size
