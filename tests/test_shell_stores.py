"""The runtime's stores: file store and SQLite, read as the runtime's readers read them.

Postgres has its own module (``test_pg_stores``), with a real server.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from cli_support import assert_clean_failure, example_lines, record_line, run_cli, write_lines
from store_support import (
    SAMPLE,
    content_metadata,
    sample_checkpoints,
    sample_lines,
    tree_digest,
    write_file_store,
    write_runtime_sqlite,
)

from replaykit.shell import Problem, SourceError
from replaykit.shell.sources import (
    FileStore,
    RuntimeSqliteStore,
    open_journal,
    open_store,
    safe_segment,
)

RUN = "run.file.store"


# -- safe_segment: the worked examples of STORES.md section 2.2 -----------------------------


@pytest.mark.parametrize(
    ("value", "segment"),
    [
        ("run.file.store", "run.file.store-3f6a79c4bb0e"),
        ("run.journal.1", "run.journal.1-1e938d93dac4"),
        ("checkpoint.file.2", "checkpoint.file.2-45c8ab18ce4d"),
        ("run:2026/06/11 café#1", "run_2026_06_11_caf__1-7fe52f18f54b"),
        ("run." + "x" * 100, "run." + "x" * 76 + "-21824f0f3e5e"),
        ("", "id-e3b0c44298fc"),
        ("ünï", "_n_-e975a52994d8"),
    ],
)
def test_safe_segment_matches_the_runtime(value: str, segment: str) -> None:
    assert safe_segment(value) == segment


def test_the_bundled_sample_is_the_reference_crates_store() -> None:
    from replaykit.examples import STORE_SAMPLE

    assert tree_digest(Path(STORE_SAMPLE)) == tree_digest(SAMPLE)
    assert open_store("example:file-store").runs() == (RUN,)


# -- the file store -------------------------------------------------------------------------


def test_sample_runs_content_and_checkpoints() -> None:
    store = FileStore(str(SAMPLE))
    assert store.runs() == (RUN,)
    assert store.content_ids() == frozenset({"content.file.store"})
    found = store.checkpoints(RUN)
    assert [stored.checkpoint.checkpoint_id for stored in found] == [
        "checkpoint.file.1",
        "checkpoint.file.2",
    ]
    assert [record.journal_seq for record in store.journal(RUN)] == [1, 2, 4]


def test_sample_replays_as_its_lines_do(tmp_path: Path) -> None:
    jsonl = write_lines(tmp_path / "j.jsonl", sample_lines())
    before = tree_digest(SAMPLE)
    for mode in ("audit", "resume", "repair"):
        from_store = run_cli("replay", SAMPLE, "--run", RUN, "--mode", mode, "--json")
        from_file = run_cli("replay", jsonl, "--mode", mode, "--json")
        assert from_store.out == from_file.out and from_store.code == from_file.code
        assert from_store.out.startswith(b'{"mode":')
    assert tree_digest(SAMPLE) == before


def test_records_come_sorted_by_seq_stably_and_only_of_the_run(tmp_path: Path) -> None:
    lines = example_lines("crash-recovery")
    other = [
        record_line(line, run_id="run.other", record_id=f"other.{n}")
        for n, line in enumerate(lines[:3])
    ]
    shuffled = [lines[3], other[0], lines[0], lines[2], other[1], lines[1], *lines[4:], other[2]]
    root = write_file_store(tmp_path / "store", {"run.example.crash": shuffled})
    run = orjson.loads(lines[0])["run_id"]
    records = list(open_journal(str(root), run_id=run))
    assert [record.record_id for record in records] == [
        orjson.loads(line)["record_id"] for line in lines
    ]
    # the locations are the lines of the file the records were on
    journal = open_journal(str(root))
    assert [location for location, _, _ in journal.entries()][:4] == [3, 6, 4, 1]
    # the verdict is the one of the journal in order
    in_order = write_lines(tmp_path / "in-order.jsonl", lines)
    assert run_cli("replay", root, "--json").out == run_cli("replay", in_order, "--json").out
    # lines of another run do not make a run (its folder would be seg("run.other"))
    assert FileStore(str(root)).runs() == (run,)


def test_equal_seqs_keep_their_file_order(tmp_path: Path) -> None:
    lines = example_lines("crash-recovery")[:3]
    twin = record_line(lines[1], record_id="twin.of.2")
    root = write_file_store(
        tmp_path / "s", {"run.example.crash": [lines[0], twin, lines[1], lines[2]]}
    )
    ids = [record.record_id for record in open_journal(str(root))]
    assert ids.index("twin.of.2") < ids.index(orjson.loads(lines[1])["record_id"])


def test_blank_lines_as_rust_trims_them_are_skipped(tmp_path: Path) -> None:
    lines = example_lines("crash-recovery")
    data = lines[0] + b"\n\xc2\xa0\xe3\x80\x80\n\r\n" + b"\n".join(lines[1:]) + b"\n"
    root = write_file_store(tmp_path / "s", {}, raw={"run.example.crash": data})
    assert len(list(open_journal(str(root)))) == len(lines)
    # a JSONL journal is stricter: a no-break space is no JSON
    with pytest.raises(SourceError) as caught:
        list(open_journal(str(write_lines(tmp_path / "j.jsonl", [lines[0], "\u00a0".encode()]))))
    assert caught.value.problem is Problem.UNDECODABLE


def test_several_runs_list_and_pick(tmp_path: Path) -> None:
    crash = example_lines("crash-recovery")
    tool = example_lines("tool-run-completed")
    root = write_file_store(tmp_path / "s", {"run.example.crash": crash, "run.example.tool": tool})
    ambiguous = run_cli("replay", root)
    assert_clean_failure(
        ambiguous, 64, "holds 2 runs", "'run.example.crash', 'run.example.tool'", "--run"
    )
    unknown = run_cli("replay", root, "--run", "run.nope")
    assert_clean_failure(unknown, 65, "no journal of run 'run.nope'", "runtime file store")
    tool_file = write_lines(tmp_path / "tool.jsonl", tool)
    picked = run_cli("replay", root, "--run", "run.example.tool", "--json")
    assert picked.out == run_cli("replay", tool_file, "--json").out


def test_a_run_folder_with_only_checkpoints_is_no_run(tmp_path: Path) -> None:
    root = write_file_store(
        tmp_path / "s",
        {"run.example.crash": example_lines("crash-recovery")},
        checkpoints={"run.elsewhere": sample_checkpoints()[:1]},
    )
    assert FileStore(str(root)).runs() == ("run.example.crash",)


def test_a_bad_line_names_the_file_and_line(tmp_path: Path) -> None:
    lines = example_lines("crash-recovery")
    bad = [*lines[:4], record_line(lines[4], agent_id=""), *lines[5:]]
    root = write_file_store(tmp_path / "s", {"run.example.crash": bad})
    before = tree_digest(root)
    run = run_cli("replay", root)
    journal = f"{root}/runs/{safe_segment('run.example.crash')}/journal.ndjson"
    assert_clean_failure(run, 65, f"{journal}:5", "$.agent_id")
    assert tree_digest(root) == before


def test_a_torn_last_line_is_reported_as_in_jsonl(tmp_path: Path) -> None:
    lines = example_lines("crash-recovery")
    data = b"".join(line + b"\n" for line in lines[:-1]) + lines[-1][:-30]
    root = write_file_store(tmp_path / "s", {}, raw={"run.example.crash": data})
    assert_clean_failure(run_cli("replay", root), 65, "torn tail", ":11")
    allowed = run_cli("replay", root, "--allow-torn-tail", "--json")
    in_order = write_lines(tmp_path / "j.jsonl", lines[:-1])
    assert allowed.out == run_cli("replay", in_order, "--json").out
    assert "torn" in allowed.err


def test_unknown_layouts_and_missing_stores(tmp_path: Path) -> None:
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "a.txt").write_text("x")
    assert_clean_failure(run_cli("replay", tmp_path / "plain"), 65, "unknown store layout", "a.txt")
    assert_clean_failure(run_cli("checkpoints", tmp_path / "nope"), 66, "no such file")
    jsonl = write_lines(tmp_path / "j.jsonl", example_lines("crash-recovery"))
    assert_clean_failure(run_cli("checkpoints", jsonl), 65, "not a store")
    empty = tmp_path / "empty"
    (empty / "runs").mkdir(parents=True)
    assert_clean_failure(run_cli("replay", empty), 65, "empty store")


def test_content_from_the_file_store(tmp_path: Path) -> None:
    lines = [
        record_line(line, content_refs=["c.present", "c.broken", "c.bin.only"]) if n == 2 else line
        for n, line in enumerate(example_lines("crash-recovery"))
    ]
    broken = content_metadata("c.broken").replace(b'"byte_len"', b'"byte_count"')
    root = write_file_store(
        tmp_path / "s",
        {"run.example.crash": lines},
        content={"c.present": content_metadata("c.present"), "c.broken": broken},
    )
    bin_only = root / "content" / safe_segment("c.bin.only")
    bin_only.mkdir()
    (bin_only / "content.bin").write_bytes(b"x")
    assert FileStore(str(root)).content_ids() == frozenset({"c.present"})
    result = orjson.loads(run_cli("replay", root, "--content-from-store", "--json").out)
    missing = set(result["missing_content_refs"])
    assert {"c.broken", "c.bin.only"} <= missing and "c.present" not in missing
    # the same ids from another store
    other = run_cli(
        "replay", write_lines(tmp_path / "j.jsonl", lines), "--content-store", root, "--json"
    )
    assert orjson.loads(other.out)["missing_content_refs"] == result["missing_content_refs"]
    usage = run_cli("replay", tmp_path / "j.jsonl", "--content-from-store")
    assert usage.code == 64 and "--content-from-store needs JOURNAL to be a store" in usage.err
    both = run_cli("replay", root, "--content-from-store", "--content-dir", tmp_path)
    assert both.code == 64 and "exclude each other" in both.err


# -- checkpoints ----------------------------------------------------------------------------


def test_checkpoints_command_lists_in_the_runtimes_order(tmp_path: Path) -> None:
    bodies = sample_checkpoints()
    later = orjson.loads(bodies[0])
    later.update(checkpoint_id="checkpoint.z.early.name", covers_journal_seq=4, checkpoint_seq=9)
    root = write_file_store(
        tmp_path / "s",
        {RUN: sample_lines()},
        checkpoints={RUN: [orjson.dumps(later, option=orjson.OPT_INDENT_2), *bodies]},
    )
    listed = run_cli("checkpoints", root, "--json")
    assert listed.code == 0
    ids = [orjson.loads(line)["checkpoint_id"] for line in listed.out.splitlines()]
    assert ids == ["checkpoint.file.1", "checkpoint.file.2", "checkpoint.z.early.name"]
    text = run_cli("checkpoints", root).text
    assert "3 stored checkpoints (runtime file store)" in text
    assert [line[:1] for line in text.splitlines()[2:]] == [" ", " ", "*"]
    # show --checkpoint: the latest covering no more than the step's seq
    at = {n: run_cli("show", root, "--at", str(n), "--checkpoint", "--json").out for n in (1, 2, 3)}
    assert orjson.loads(at[1])["checkpoint_id"] == "checkpoint.file.1"
    assert orjson.loads(at[2])["checkpoint_id"] == "checkpoint.file.2"
    assert orjson.loads(at[3])["checkpoint_id"] == "checkpoint.z.early.name"  # step 3 is seq 4
    history = run_cli("history", root).text.splitlines()
    assert "stored checkpoint checkpoint.file.1 (covers seq 1)" in history[0]
    assert "stored checkpoint checkpoint.z.early.name (covers seq 4)" in history[2]
    steps = [orjson.loads(line) for line in run_cli("history", root, "--json").out.splitlines()]
    assert [step["stored_checkpoint"] for step in steps] == [
        "checkpoint.file.1",
        "checkpoint.file.2",
        "checkpoint.z.early.name",
    ]


def test_a_bad_checkpoint_file_is_named(tmp_path: Path) -> None:
    bad = sample_checkpoints()[0].replace(b'"checkpoint_seq": 1', b'"checkpoint_seq": -1')
    root = write_file_store(tmp_path / "s", {RUN: sample_lines()}, checkpoints={RUN: [bad]})
    run = run_cli("checkpoints", root)
    assert_clean_failure(run, 65, "checkpoints", ".json", "$.checkpoint_seq")


def test_history_of_a_journal_without_stored_checkpoints_is_unchanged(tmp_path: Path) -> None:
    lines = example_lines("crash-recovery")
    root = write_file_store(tmp_path / "s", {"run.example.crash": lines})
    jsonl = write_lines(tmp_path / "j.jsonl", lines)
    assert run_cli("history", root, "--json").out == run_cli("history", jsonl, "--json").out


# -- the runtime's SQLite store --------------------------------------------------------------


def test_runtime_sqlite_gives_the_file_stores_verdict(tmp_path: Path) -> None:
    database = write_runtime_sqlite(
        tmp_path / "rt.db",
        {RUN: sample_lines()},
        checkpoints={RUN: sample_checkpoints()},
        content_ids=["content.file.store"],
    )
    store = open_store(str(database))
    assert isinstance(store, RuntimeSqliteStore)
    assert store.runs() == (RUN,)
    assert store.content_ids() == frozenset({"content.file.store"})
    assert [s.checkpoint.checkpoint_id for s in store.checkpoints(RUN)] == [
        "checkpoint.file.1",
        "checkpoint.file.2",
    ]
    for flags in ((), ("--content-from-store",), ("--mode", "audit")):
        from_db = run_cli("replay", database, *flags, "--json")
        from_files = run_cli("replay", SAMPLE, "--run", RUN, *flags, "--json")
        assert from_db.out == from_files.out and from_db.code == from_files.code


def test_import_writes_the_runtime_layout_by_its_writers_rules(tmp_path: Path) -> None:
    lines = example_lines("crash-recovery")
    repeated = [*lines[:3], lines[1], *lines[3:]]  # a repeated record id: skipped
    jsonl = write_lines(tmp_path / "j.jsonl", repeated)
    database = tmp_path / "rt.db"
    run = run_cli("import", jsonl, database, "--layout", "runtime")
    assert run.code == 0, run.err
    assert "imported 11 records" in run.text and "(created, runtime SQLite store)" in run.text
    assert "skipped 1 record whose record_id was already stored" in run.text
    with sqlite3.connect(database) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    assert {"run_journal_records", "checkpoints", "content"} <= tables
    assert "journal_records" not in tables
    clean = write_lines(tmp_path / "clean.jsonl", lines)
    assert run_cli("replay", database, "--json").out == run_cli("replay", clean, "--json").out
    # a second import keeps the layout it finds
    again = run_cli("import", clean, database, "--run-id", "run.copy")
    assert again.code == 0 and "runtime SQLite store" in again.text
    assert set(open_store(str(database)).runs()) == {"run.example.crash", "run.copy"}
    # and refuses to mix layouts
    mixed = run_cli("import", clean, database, "--layout", "replaykit", "--run-id", "run.x")
    assert_clean_failure(mixed, 65, "would mix two layouts")


def test_import_refuses_what_the_runtimes_writer_refuses(tmp_path: Path) -> None:
    lines = example_lines("crash-recovery")
    decreasing = [*lines[:4], record_line(lines[4], journal_seq=2), *lines[5:]]
    database = tmp_path / "rt.db"
    with_seq = run_cli(
        "import", write_lines(tmp_path / "d.jsonl", decreasing), database, "--layout", "runtime"
    )
    assert_clean_failure(
        with_seq, 65, "d.jsonl:5", "journal_seq 2 is not greater", "--layout replaykit"
    )
    assert not database.exists()
    # replaykit's layout keeps the journal as written, and replays to the same rejection
    kept = run_cli("import", tmp_path / "d.jsonl", database, "--layout", "replaykit")
    assert kept.code == 0
    assert run_cli("replay", database).code == 2


def test_a_wal_database_is_read_without_touching_its_files(tmp_path: Path) -> None:
    lines = sample_lines()
    database = write_runtime_sqlite(tmp_path / "rt.db", {RUN: lines[:2]}, wal=True)
    # a writer commits the last record and is killed before it can checkpoint the log
    writer = (
        "import sqlite3, os, sys\n"
        "c = sqlite3.connect(sys.argv[1])\n"
        "c.execute('INSERT INTO run_journal_records VALUES (?, ?, ?, ?)',"
        " (sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]))\n"
        "c.commit()\n"
        "os._exit(0)\n"
    )
    last = orjson.loads(lines[2])
    subprocess.run(
        [
            sys.executable,
            "-c",
            writer,
            str(database),
            RUN,
            str(last["journal_seq"]),
            last["record_id"],
            lines[2].decode(),
        ],
        check=True,
    )
    assert os.path.getsize(f"{database}-wal") > 0
    before = tree_digest(tmp_path)
    assert [r.journal_seq for r in open_journal(str(database))] == [1, 2, 4]
    from_files = run_cli("replay", SAMPLE, "--json").out
    assert run_cli("replay", database, "--json").out == from_files
    assert tree_digest(tmp_path) == before
    # with the log checkpointed away, the database is opened as immutable: no side files
    connection = sqlite3.connect(database)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    for side in ("-wal", "-shm"):
        if os.path.exists(f"{database}{side}"):
            os.unlink(f"{database}{side}")
    listing = sorted(os.listdir(tmp_path))
    assert run_cli("replay", database, "--json").out == from_files
    assert sorted(os.listdir(tmp_path)) == listing


def test_replaykit_layout_is_still_read(tmp_path: Path) -> None:
    jsonl = write_lines(tmp_path / "j.jsonl", example_lines("output-delivery-mixed"))
    database = tmp_path / "mine.db"
    assert run_cli("import", jsonl, database).code == 0
    assert open_store(str(database)).layout == "replaykit SQLite layout"
    assert run_cli("replay", database, "--json").out == run_cli("replay", jsonl, "--json").out
    checkpoints = run_cli("checkpoints", database)
    assert checkpoints.code == 0 and "0 stored checkpoints" in checkpoints.text


def test_reading_never_writes_the_store(tmp_path: Path) -> None:
    root = write_file_store(
        tmp_path / "s",
        {RUN: sample_lines()},
        checkpoints={RUN: sample_checkpoints()},
        content={"content.file.store": content_metadata("content.file.store")},
    )
    os.chmod(root, 0o755)
    before = tree_digest(root)
    digest = hashlib.sha256(repr(sorted(os.walk(root))).encode()).hexdigest()
    for command in (
        ("replay", root, "--content-from-store"),
        ("lint", root),
        ("history", root),
        ("show", root, "--at", "-1"),
        ("show", root, "--at", "2", "--checkpoint"),
        ("checkpoints", root),
        ("diff", root, "--from", "1", "--to", "2"),
    ):
        assert run_cli(*command).code in (0, 1), command
    assert tree_digest(root) == before
    assert hashlib.sha256(repr(sorted(os.walk(root))).encode()).hexdigest() == digest


def test_checkpoints_of_an_unknown_run_is_an_error() -> None:
    run = run_cli("checkpoints", "example:file-store", "--run", "run.nope")
    assert_clean_failure(run, 65, "no journal and no checkpoints of run 'run.nope'")
    imported = run_cli("import", "example:file-store", "x.db")
    assert imported.code == 64 and "JOURNAL is a store" in imported.err
