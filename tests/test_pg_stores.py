"""Postgres stores, on a real throwaway server (``postgres_url``): both layouts, scopes,
schemas, jsonb, and errors that never show a password."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from cli_support import DATA, assert_clean_failure, example_lines, record_line, run_cli, write_lines
from store_support import (
    PG_LAYOUTS,
    SAMPLE,
    pg_create,
    pg_load,
    sample_checkpoints,
    sample_lines,
    write_runtime_sqlite,
)

from replaykit.shell.sources import PostgresStore, open_journal

RUN = "run.file.store"


@pytest.fixture(params=sorted(PG_LAYOUTS))
def layout(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_the_same_journal_gives_the_same_bytes_from_every_store(
    postgres_url: str, layout: str, tmp_path: Path
) -> None:
    """The issue's "done when": file store, runtime SQLite and Postgres (both layouts)."""
    pg_create(postgres_url, layout)
    pg_load(
        postgres_url,
        layout,
        "scope.a",
        RUN,
        sample_lines(),
        checkpoints=sample_checkpoints(),
        content_ids=["content.file.store"],
    )
    database = write_runtime_sqlite(
        tmp_path / "rt.db",
        {RUN: sample_lines()},
        checkpoints={RUN: sample_checkpoints()},
        content_ids=["content.file.store"],
    )
    for flags in ((), ("--mode", "audit"), ("--content-from-store",)):
        from_files = run_cli("replay", SAMPLE, "--run", RUN, *flags, "--json")
        from_sqlite = run_cli("replay", database, "--run", RUN, *flags, "--json")
        from_pg = run_cli(
            "replay", postgres_url, "--scope", "scope.a", "--run", RUN, *flags, "--json"
        )
        assert from_files.out.startswith(b'{"mode":')
        assert from_files.out == from_sqlite.out == from_pg.out, flags
        assert from_files.code == from_sqlite.code == from_pg.code
    store = PostgresStore(postgres_url, scope="scope.a")
    assert store.layout == f"Postgres {layout} layout"
    assert store.runs() == (RUN,)
    assert store.content_ids() == frozenset({"content.file.store"})
    assert [s.checkpoint.checkpoint_id for s in store.checkpoints(RUN)] == [
        "checkpoint.file.1",
        "checkpoint.file.2",
    ]
    listed = run_cli("checkpoints", postgres_url, "--json")  # the only scope, the only run
    assert listed.code == 0
    assert [orjson.loads(line)["checkpoint_id"] for line in listed.out.splitlines()] == [
        "checkpoint.file.1",
        "checkpoint.file.2",
    ]


def _runtime_journals() -> list[tuple[str, list[bytes]]]:
    names = sorted(
        path.stem for path in (DATA / "runtime").glob("*.jsonl") if path.stem != "expected"
    )
    found = [
        (name, (DATA / "runtime" / f"{name}.jsonl").read_bytes().splitlines()) for name in names
    ]
    found += [
        (name, example_lines(name))
        for name in ("crash-recovery", "output-delivery-mixed", "tool-run-completed")
    ]
    return found


def _without_place(out: bytes) -> object:
    data = orjson.loads(out)
    for unit in ("line", "row"):
        data["rejected"].pop(unit, None)
    return data


def test_records_read_back_from_jsonb_keep_their_verdict(postgres_url: str, tmp_path: Path) -> None:
    """jsonb reorders keys and respaces: the verdict (the duplicate check included) holds."""
    pg_create(postgres_url, "migration")
    for index, (name, lines) in enumerate(_runtime_journals()):
        run = orjson.loads(lines[0])["run_id"]
        scope = f"scope.{index}"
        pg_load(postgres_url, "migration", scope, run, lines)
        jsonl = write_lines(tmp_path / f"{name}.jsonl", lines)
        for mode in ("audit", "resume"):
            from_file = run_cli("replay", jsonl, "--mode", mode, "--json")
            from_pg = run_cli("replay", postgres_url, "--scope", scope, "--mode", mode, "--json")
            assert from_pg.code == from_file.code, (name, mode)
            if from_file.code == 2:  # a rejection names a line of the file, a row of the table
                assert _without_place(from_pg.out) == _without_place(from_file.out), (name, mode)
            else:  # the ReplayResult, byte for byte
                assert from_pg.out == from_file.out, (name, mode)


def test_a_repeated_record_id_in_another_spelling_gets_the_files_verdict(
    postgres_url: str, tmp_path: Path
) -> None:
    """A record id repeated at a later seq, keys in another order: Postgres keys rows by
    seq, so it is stored; the reference rejects it (the values differ by their seq), from
    jsonb exactly as from a file."""
    lines = example_lines("crash-recovery")
    keyed = next(line for line in lines if b'"idempotency_key"' in line)
    data = orjson.loads(keyed)
    reordered = orjson.dumps(dict(reversed(list(data.items()))))
    repeat = record_line(reordered, journal_seq=orjson.loads(lines[-1])["journal_seq"] + 1)
    pg_create(postgres_url, "migration")
    pg_load(postgres_url, "migration", "s", data["run_id"], [*lines, repeat])
    assert len(list(open_journal(postgres_url, scope="s"))) == len(lines) + 1
    as_file = write_lines(tmp_path / "j.jsonl", [*lines, repeat])
    for mode in ("audit", "resume"):
        from_file = run_cli("replay", as_file, "--mode", mode, "--json")
        from_pg = run_cli("replay", postgres_url, "--mode", mode, "--json")
        assert from_file.code == from_pg.code == 2
        assert b"duplicate non-idempotent journal record" in from_file.out
        assert _without_place(from_pg.out) == _without_place(from_file.out)


def test_scopes_and_schemas_keep_stores_apart(postgres_url: str) -> None:
    crash = example_lines("crash-recovery")
    tool = example_lines("tool-run-completed")
    run = orjson.loads(crash[0])["run_id"]
    pg_create(postgres_url, "adapter", schema="tenant_b")
    pg_create(postgres_url, "migration")
    # one run id, two unrelated journals in two scopes
    pg_load(postgres_url, "migration", "scope.crash", run, crash)
    pg_load(
        postgres_url,
        "migration",
        "scope.tool",
        run,
        [record_line(line, run_id=run) for line in tool],
    )
    pg_load(postgres_url, "adapter", "only", run, crash[:3], schema="tenant_b")
    assert len(list(open_journal(postgres_url, scope="scope.crash"))) == len(crash)
    assert len(list(open_journal(postgres_url, scope="scope.tool"))) == len(tool)
    assert len(list(open_journal(postgres_url, schema="tenant_b"))) == 3
    ambiguous = run_cli("replay", postgres_url)
    assert_clean_failure(
        ambiguous, 64, "several store scopes", "'scope.crash', 'scope.tool'", "--scope"
    )
    unknown = run_cli("replay", postgres_url, "--scope", "scope.crash", "--run", "run.nope")
    assert_clean_failure(unknown, 65, "no journal of run 'run.nope'", f"runs: '{run}'")
    missing_schema = run_cli("replay", postgres_url, "--schema", "nope")
    assert_clean_failure(
        missing_schema, 65, "unknown store layout in schema 'nope'", "no agent_sdk_journal_records"
    )
    jsonl_scope = run_cli("replay", "example:crash-recovery", "--scope", "x")
    assert jsonl_scope.code == 64 and "--scope applies to a postgresql:// source" in jsonl_scope.err


def test_a_row_that_is_no_record_is_named(postgres_url: str, layout: str) -> None:
    lines = example_lines("crash-recovery")
    bad = [*lines[:3], record_line(lines[3], agent_id=""), *lines[4:]]
    pg_create(postgres_url, layout)
    pg_load(postgres_url, layout, "s", orjson.loads(lines[0])["run_id"], bad)
    seq = orjson.loads(lines[3])["journal_seq"]
    run = run_cli("replay", postgres_url, "--scope", "s")
    assert_clean_failure(run, 65, "scope 's'", f"(journal_seq={seq})", "$.agent_id")


def test_errors_never_show_the_password(postgres_url: str, tmp_path: Path) -> None:
    secret = "hunter2-very-secret"
    # a server that is not there: the URL is named, the password masked
    nowhere = f"postgresql://ops:{secret}@/runs?host={tmp_path}&port=1"
    run = run_cli("replay", nowhere)
    line = assert_clean_failure(run, 66, "postgresql://ops:***@", "cannot connect")
    assert secret not in run.err and secret not in line
    # a real server with a password it does not need (trust auth): it works
    with_password = postgres_url.replace(
        "postgresql://postgres@", f"postgresql://postgres:{secret}@"
    )
    pg_create(postgres_url, "migration")
    pg_load(postgres_url, "migration", "s", RUN, sample_lines())
    assert run_cli("replay", with_password, "--json").out == run_cli("replay", SAMPLE, "--json").out
    # a layout that is not the runtime's is described, with what was found
    import psycopg

    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute("CREATE SCHEMA odd")
        connection.execute(
            "CREATE TABLE odd.agent_sdk_journal_records (store_scope text, body text)"
        )
    odd = run_cli("replay", with_password, "--schema", "odd")
    assert_clean_failure(odd, 65, "neither a record nor a record_json column")
    assert secret not in odd.err


def test_reading_is_read_only(postgres_url: str) -> None:
    """The session is read-only: a store is never written while it is read."""
    pg_create(postgres_url, "migration")
    pg_load(postgres_url, "migration", "s", RUN, sample_lines())
    store = PostgresStore(postgres_url)
    with store._connect() as connection:  # the connection every read uses
        assert connection.read_only is True
        assert connection.execute("SHOW transaction_read_only").fetchone() == ("on",)
