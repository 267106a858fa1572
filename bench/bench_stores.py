"""Reading and replaying one run from each store layout, against the same run as JSONL.

Run: ``python bench/bench_stores.py [--records N] [--rounds R] [--no-postgres]``.

The run is the synthetic journal of ``bench_core`` (``--records`` lines). It is laid out
as a JSONL file, a runtime file store (``runs/<seg>/journal.ndjson``), the runtime's
SQLite store (``run_journal_records``, written by ``import --layout runtime``) and, on a
throwaway PostgreSQL server started for the run (``tests/pgserver.py``), the runtime's
Postgres tables in both layouts (``record`` jsonb, ``record_json`` text). Each is read
and replayed strictly (``replay(open_journal(...))``), in interleaved rounds, best of
``--rounds``; the rates are records per second and each layout's ratio to JSONL in the
same run. Targets (issue: stores): file and SQLite stores >= 0.8x of JSONL; Postgres
reported.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from _common import journal, rounds

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))


def _layouts(source: Path, work: Path) -> dict[str, dict[str, Any]]:
    from replaykit.shell import JsonlJournal, import_journal
    from replaykit.shell.sources import safe_segment

    first = source.open("rb").readline()
    import orjson

    run = orjson.loads(first)["run_id"]
    store = work / "file-store"
    folder = store / "runs" / safe_segment(run)
    folder.mkdir(parents=True)
    shutil.copyfile(source, folder / "journal.ndjson")
    database = work / "runtime.db"
    import_journal(JsonlJournal(str(source)), str(database), layout="runtime")
    return {
        "jsonl": {"spec": str(source)},
        "file store": {"spec": str(store), "run_id": run},
        "runtime SQLite": {"spec": str(database), "run_id": run},
    }


def _postgres(source: Path, work: Path, run: str) -> tuple[Any, dict[str, dict[str, Any]]]:
    import psycopg
    from pgserver import fresh_database, start_server

    server = start_server(work / "pg")
    context = fresh_database(server)
    url = context.__enter__()
    lines = source.read_bytes().splitlines()
    import orjson

    with psycopg.connect(url, autocommit=True) as connection:
        for table, column, kind in (("mig", "record", "jsonb"), ("ada", "record_json", "text")):
            connection.execute(f"CREATE SCHEMA {table}")
            connection.execute(
                f"CREATE TABLE {table}.agent_sdk_journal_records (store_scope text NOT NULL,"
                f" run_id text NOT NULL, journal_seq bigint NOT NULL, {column} {kind} NOT NULL,"
                " PRIMARY KEY (store_scope, run_id, journal_seq))"
            )
            with (
                connection.cursor() as cursor,
                cursor.copy(
                    f"COPY {table}.agent_sdk_journal_records (store_scope, run_id, journal_seq,"
                    f" {column}) FROM STDIN"
                ) as copy,
            ):
                for line in lines:
                    copy.write_row(("bench", run, orjson.loads(line)["journal_seq"], line.decode()))
            connection.execute(f"ANALYZE {table}.agent_sdk_journal_records")
    found = {
        "Postgres jsonb": {"spec": url, "run_id": run, "schema": "mig", "scope": "bench"},
        "Postgres text": {"spec": url, "run_id": run, "schema": "ada", "scope": "bench"},
    }
    return (server, context), found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-postgres", action="store_true")
    options = parser.parse_args()

    from replaykit import ReplayConfig, ReplayMode, replay
    from replaykit.shell import open_journal

    source = journal(options.records)
    work = Path(tempfile.mkdtemp(prefix="replaykit-bench-stores-"))
    work.chmod(0o755)  # the postgres account must reach the server's folder
    handles: Any = None
    try:
        layouts = _layouts(source, work)
        if not options.no_postgres:
            run = layouts["file store"]["run_id"]
            handles, found = _postgres(source, work, run)
            layouts.update(found)
        config = ReplayConfig(ReplayMode.RESUME_REPLAY)
        verdicts: dict[str, Any] = {}

        def job(name: str, args: dict[str, Any]) -> Any:
            def run() -> None:
                spec = args["spec"]
                rest = {key: value for key, value in args.items() if key != "spec"}
                verdicts[name] = replay(open_journal(spec, **rest), config)

            return run

        best, _ = rounds({name: job(name, args) for name, args in layouts.items()}, options.rounds)
        first = verdicts["jsonl"]
        assert all(verdict == first for verdict in verdicts.values()), "verdicts differ"
        base = options.records / best["jsonl"]
        print(f"stores: {options.records} records, best of {options.rounds} rounds")
        for name in layouts:
            rate = options.records / best[name]
            print(f"  {name:<16} {rate:>10,.0f} rec/s  {rate / base:5.2f}x of JSONL")
    finally:
        if handles is not None:
            from pgserver import stop_server

            server, context = handles
            context.__exit__(None, None, None)
            stop_server(server)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
