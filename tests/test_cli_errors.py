"""Bad input and bad usage: one clear line, the documented exit code, the input untouched."""

from __future__ import annotations

import gzip
import io
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from cli_support import (
    EXIT_CODE_LINES,
    SCRIPT,
    assert_clean_failure,
    drop_read_override,
    example_lines,
    record_line,
    run_cli,
    unchanged,
    write_lines,
)

from replaykit.shell import cli
from replaykit.shell.commands import replay as replay_command
from replaykit.shell.exits import EXIT_TABLE


def test_invalid_json_line_names_file_and_line(tmp_path: Path) -> None:
    lines = example_lines("crash-recovery")
    journal = write_lines(
        tmp_path / "j.jsonl", [*lines[:2], b'{"journal_schema_version": 1,', *lines[2:]]
    )
    with unchanged(journal):
        run = run_cli("replay", journal)
    assert_clean_failure(run, 65, f"{journal}:3:", "invalid JSON")


def test_invalid_record_names_the_json_path(tmp_path: Path) -> None:
    lines = example_lines("crash-recovery")
    broken = record_line(lines[3], journal_seq=-4)
    journal = write_lines(tmp_path / "j.jsonl", [*lines[:3], broken, *lines[4:]])
    with unchanged(journal):
        run = run_cli("lint", journal)
    assert_clean_failure(run, 65, f"{journal}:4:", "$.journal_seq", "out of range")


def test_torn_tail_is_told_apart_from_corruption(tmp_path: Path) -> None:
    data = (Path(__file__).parent / "data" / "crash-recovery.jsonl").read_bytes()
    journal = tmp_path / "torn.jsonl"
    journal.write_bytes(data[:-100])  # the last record is cut mid-way, with no newline
    with unchanged(journal):
        run = run_cli("replay", journal)
    assert_clean_failure(run, 65, f"{journal}:11:", "torn tail")


def test_allow_torn_tail_replays_the_records_before_it(tmp_path: Path) -> None:
    data = (Path(__file__).parent / "data" / "crash-recovery.jsonl").read_bytes()
    journal = tmp_path / "torn.jsonl"
    journal.write_bytes(data[:-100])
    whole = tmp_path / "ten.jsonl"
    write_lines(whole, data.splitlines()[:10])
    with unchanged(journal):
        run = run_cli("replay", journal, "--allow-torn-tail", "--json")
    assert run.out == run_cli("replay", whole, "--json").out
    assert "warning" in run.err and "torn tail" in run.err and "10 records" in run.err
    assert len(run.err.splitlines()) == 1


def test_a_complete_last_line_without_newline_is_fine(tmp_path: Path) -> None:
    lines = example_lines("crash-recovery")
    journal = write_lines(tmp_path / "j.jsonl", lines, final_newline=False)
    with_newline = write_lines(tmp_path / "k.jsonl", lines)
    assert run_cli("replay", journal, "--json").out == run_cli("replay", with_newline, "--json").out


def test_corrupt_last_line_that_is_json_is_not_a_torn_tail(tmp_path: Path) -> None:
    lines = example_lines("crash-recovery")
    journal = write_lines(tmp_path / "j.jsonl", [*lines[:-1], b'{"a": 1}'], final_newline=False)
    run = run_cli("replay", journal)
    line = assert_clean_failure(run, 65, f"{journal}:11:", "not a valid journal record")
    assert "torn" not in line


def test_gzip_that_is_not_gzip(tmp_path: Path) -> None:
    journal = tmp_path / "j.jsonl.gz"
    journal.write_bytes((Path(__file__).parent / "data" / "crash-recovery.jsonl").read_bytes())
    with unchanged(journal):
        run = run_cli("replay", journal)
    assert_clean_failure(run, 65, str(journal), "not a gzip file")


def test_gzip_cut_short(tmp_path: Path) -> None:
    packed = gzip.compress((Path(__file__).parent / "data" / "crash-recovery.jsonl").read_bytes())
    journal = tmp_path / "j.jsonl.gz"
    journal.write_bytes(packed[: len(packed) // 2])
    with unchanged(journal):
        run = run_cli("replay", journal)
    assert_clean_failure(run, 65, str(journal), "gzip data is cut short")


@pytest.mark.parametrize("content", [b"", b"\n\n  \n"], ids=["empty", "blank-lines"])
def test_empty_journal_is_bad_input(tmp_path: Path, content: bytes) -> None:
    journal = tmp_path / "j.jsonl"
    journal.write_bytes(content)
    with unchanged(journal):
        run = run_cli("replay", journal)
    assert_clean_failure(run, 65, str(journal), "empty journal")


def test_empty_standard_input_is_bad_input() -> None:
    assert_clean_failure(run_cli("replay", "-", stdin=b""), 65, "<stdin>", "empty journal")


def test_directory_that_is_no_store(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x")
    run = run_cli("replay", tmp_path)
    assert_clean_failure(run, 65, str(tmp_path), "unknown store layout", "found: notes.txt")


def test_missing_journal(tmp_path: Path) -> None:
    assert_clean_failure(run_cli("lint", tmp_path / "nope.jsonl"), 66, "nope.jsonl", "no such file")


def test_unknown_example() -> None:
    run = run_cli("replay", "example:nope")
    assert_clean_failure(run, 66, "example:nope", "crash-recovery")


def test_unreadable_journal(tmp_path: Path) -> None:
    journal = write_lines(tmp_path / "j.jsonl", example_lines("crash-recovery"))
    journal.chmod(0)
    preexec = drop_read_override if os.geteuid() == 0 else None
    try:
        with unchanged(journal):
            run = run_cli("replay", journal, preexec_fn=preexec)
    finally:
        journal.chmod(0o644)
    assert_clean_failure(run, 66, str(journal), "permission denied")


def test_sqlite_file_that_is_not_a_database(tmp_path: Path) -> None:
    database = tmp_path / "j.sqlite"
    database.write_bytes(b"this is not a database, just text\n" * 100)
    with unchanged(database):
        run = run_cli("replay", database)
    assert_clean_failure(run, 65, str(database), "not an SQLite database")


def test_sqlite_database_without_the_table(tmp_path: Path) -> None:
    database = tmp_path / "j.sqlite"
    with sqlite3.connect(database) as connection:
        connection.execute("CREATE TABLE other (x)")
    with unchanged(database):
        run = run_cli("replay", database)
    assert_clean_failure(run, 65, str(database), "unknown database layout", "(found: other)")


def test_sqlite_row_that_does_not_decode_names_the_row(tmp_path: Path) -> None:
    database = tmp_path / "j.sqlite"
    assert run_cli("import", "example:crash-recovery", database).code == 0
    with sqlite3.connect(database) as connection:
        connection.execute(
            "UPDATE journal_records SET record_json = replace(record_json, '\"journal_seq\":3,',"
            ' \'"journal_seq":"3",\') WHERE position = 3'
        )
    with unchanged(database):
        run = run_cli("replay", database)
    assert_clean_failure(run, 65, "position=3", "$.journal_seq")


def test_several_runs_need_a_run_id(tmp_path: Path) -> None:
    database = tmp_path / "j.db"
    assert run_cli("import", "example:crash-recovery", database).code == 0
    assert run_cli("import", "example:tool-run-completed", database).code == 0
    with unchanged(database):
        ambiguous = run_cli("replay", database)
        unknown = run_cli("replay", database, "--run-id", "run.nope")
        chosen = run_cli("replay", database, "--run-id", "run.example.tool", "--json")
    assert_clean_failure(ambiguous, 64, "holds 2 runs", "'run.example.crash'", "--run")
    assert_clean_failure(unknown, 65, "run.nope", "run.example.crash")
    assert chosen.out == run_cli("replay", "example:tool-run-completed", "--json").out


def test_content_ref_trying_to_leave_the_directory_is_missing(tmp_path: Path) -> None:
    store = tmp_path / "store"
    store.mkdir()
    (tmp_path / "secret").write_text("outside")
    (store / "inside").write_text("inside")
    lines = example_lines("tool-run-completed")
    first = record_line(lines[0], content_refs=["../secret", "inside", str(tmp_path / "secret")])
    journal = write_lines(tmp_path / "j.jsonl", [first, *lines[1:]])
    run = run_cli(
        "replay",
        journal,
        "--content-dir",
        store,
        "--missing-content-policy",
        "omit_with_projection_audit",
        "--json",
    )
    missing = run.text
    assert '"../secret"' in missing and f'"{tmp_path / "secret"}"' in missing
    assert '"inside"' not in missing


@pytest.mark.parametrize(
    ("option", "make", "code", "needle"),
    [
        ("--content-dir", "file", 66, "is not a directory"),
        ("--content-dir", "missing", 66, "no such file"),
        ("--content-manifest", "missing", 66, "no such file"),
        ("--content-manifest", "dir", 66, "is a directory"),
        ("--content-db", "text", 65, "not an SQLite database"),
        ("--content-db", "no-table", 65, "content_refs"),
    ],
)
def test_bad_content_stores(tmp_path: Path, option: str, make: str, code: int, needle: str) -> None:
    target = tmp_path / "store"
    if make == "file" or make == "text":
        target.write_text("not what is expected\n" * 50)
    elif make == "dir":
        target.mkdir()
    elif make == "no-table":
        with sqlite3.connect(target) as connection:
            connection.execute("CREATE TABLE other (x)")
    run = run_cli("replay", "example:crash-recovery", option, target)
    assert_clean_failure(run, code, str(target), needle)


def test_manifest_that_is_not_utf8_names_the_line(tmp_path: Path) -> None:
    manifest = tmp_path / "refs.txt"
    manifest.write_bytes(b"content.1\n\xff\xfe\n")
    run = run_cli("replay", "example:crash-recovery", "--content-manifest", manifest)
    assert_clean_failure(run, 65, f"{manifest}:2:", "UTF-8")


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["replay"],
        ["nope"],
        ["replay", "example:crash-recovery", "--nope"],
        ["replay", "example:crash-recovery", "--mode", "fast"],
        ["replay", "example:crash-recovery", "--missing-content-policy", "ignore"],
        ["replay", "example:crash-recovery", "--content-dir", ".", "--content-manifest", "x"],
        ["replay", "example:crash-recovery", "--run-id", "run.1"],
        ["import", "example:crash-recovery"],
    ],
    ids=lambda args: " ".join(args) or "no-args",
)
def test_usage_errors_exit_64(args: list[str]) -> None:
    run = run_cli(*args)
    assert run.code == 64, run.err
    assert "Traceback" not in run.err
    assert run.out == b"" or b"Usage" in run.out


@pytest.mark.parametrize(
    "command", ["replay", "lint", "import", "history", "show", "diff", "debug"]
)
def test_help_documents_exit_codes(command: str) -> None:
    run = run_cli(command, "--help")
    assert run.code == 0
    text = run.text
    assert "Exit codes:" in text
    expected: tuple[tuple[str, str], ...] = EXIT_CODE_LINES
    if command == "import":  # no verdict: 0 means imported, and no 1 or 2
        expected = (("0", "imported"), *(line for line in EXIT_CODE_LINES if int(line[0]) > 2))
    for code, word in expected:
        assert any(
            line.strip().startswith(code + " ") and word in line for line in text.splitlines()
        ), (code, word)
    assert "example:NAME" in text


def test_internal_errors_exit_70_without_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr(replay_command, "observe", explode)
    monkeypatch.delenv("REPLAYKIT_DEBUG", raising=False)
    assert cli.run(["replay", "example:crash-recovery"]) == 70
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "RuntimeError: boom" in err and "Traceback" not in err
    monkeypatch.setenv("REPLAYKIT_DEBUG", "1")
    assert cli.run(["replay", "example:crash-recovery"]) == 70
    assert "Traceback" in capsys.readouterr().err


class _ClosedPipe(io.TextIOBase):
    """A standard output whose reader went away (``| head``)."""

    encoding = "utf-8"
    errors = "strict"

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self) -> None:
        raise BrokenPipeError(32, "Broken pipe")

    def isatty(self) -> bool:
        return False


def test_closed_output_pipe_exits_quietly_with_141(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    monkeypatch.setattr(sys, "stdout", _ClosedPipe())
    assert cli.run(["lint", "example:crash-recovery"]) == 141
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("page", ["cli.md", "verdict.md"])
def test_exit_codes_table_matches_the_docs(page: str) -> None:
    """The exit codes are defined once (``replaykit.shell.exits``); every documented
    table lists exactly those codes, in that order, and every code the CLI returns is
    among them."""
    docs = (Path(__file__).resolve().parent.parent / "docs" / page).read_text()
    section = docs[docs.index("Exit codes") :]
    documented = [int(code) for code in re.findall(r"^\| (\d+) \|", section, re.MULTILINE)]
    assert documented == [code for code, _ in EXIT_TABLE]
    used = {*cli.EXIT_CODES.values(), *cli.PROBLEM_EXIT_CODES.values()}
    assert used <= set(documented)


@pytest.mark.parametrize(
    ("shell", "code", "needle"),
    [
        ("replaykit replay example:crash-recovery >&-", 74, "standard output is closed"),
        ("replaykit replay example:crash-recovery > /dev/full", 74, "No space left on device"),
        ("replaykit replay - <&-", 66, "standard input is closed"),
        ("replaykit replay example:crash-recovery 2>&- >&-", 74, ""),
        ("ulimit -f 0; replaykit replay --json example:crash-recovery > out.json", 74, "too large"),
    ],
)
def test_failing_standard_streams_are_environment_errors(
    shell: str, code: int, needle: str, tmp_path: Path
) -> None:
    """Closed or failing standard streams are the environment's fault, not a bug (70)."""
    if "/dev/full" in shell and not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    environment = {**os.environ, "PATH": f"{SCRIPT.parent}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(
        ["bash", "-c", shell], capture_output=True, cwd=tmp_path, env=environment, check=False
    )
    assert done.returncode == code, done.stderr
    err = done.stderr.decode()
    assert "Traceback" not in err and "internal error" not in err
    assert needle in err


def test_gzip_whose_data_does_not_match_its_checksum(tmp_path: Path) -> None:
    data = bytearray(gzip.compress(b"\n".join(example_lines("crash-recovery")) + b"\n"))
    data[-8] ^= 0xFF  # the CRC-32 in the trailer
    path = tmp_path / "j.jsonl.gz"
    path.write_bytes(bytes(data))
    run = run_cli("replay", path)
    assert run.code == 65
    assert "gzip data is corrupt" in run.err and "not a gzip file" not in run.err


def test_import_refuses_an_empty_run_id(tmp_path: Path) -> None:
    run = run_cli("import", "example:crash-recovery", tmp_path / "x.db", "--run-id", "")
    assert run.code == 64 and "identifier is empty" in run.err
    assert not (tmp_path / "x.db").exists()


def test_minimize_never_overwrites_its_input(tmp_path: Path) -> None:
    journal = write_lines(tmp_path / "j.jsonl", example_lines("crash-recovery"))
    link = tmp_path / "link.jsonl"
    link.symlink_to(journal)
    with unchanged(journal):
        for target in (journal, link):
            run = run_cli("minimize", journal, "--keep", "status=repair_needed", "-o", target)
            assert run.code == 64 and "JOURNAL itself" in run.err
