"""Helpers for the store tests: build runtime stores (file, SQLite, Postgres) from lines
as the runtime's writers lay them out, and fingerprint them to prove they are unchanged."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import orjson

from replaykit.shell.sources import safe_segment
from replaykit.shell.sources.sqlite import RUNTIME_STATEMENTS

__all__ = [
    "PG_LAYOUTS",
    "SAMPLE",
    "content_metadata",
    "pg_create",
    "pg_load",
    "sample_checkpoints",
    "sample_lines",
    "tree_digest",
    "write_file_store",
    "write_runtime_sqlite",
]


def _sample() -> Path:
    beside = Path(__file__).resolve().parents[2] / "shared" / "spec" / "stores"
    if (beside / "file-store-sample").is_dir():
        return beside / "file-store-sample"
    from replaykit.examples import STORE_SAMPLE  # the copy bundled with the package

    return Path(STORE_SAMPLE)


#: The file store written by the reference crate (STORES.md), beside the specs.
SAMPLE: Final = _sample()

_SAMPLE_RUN: Final = "run.file.store"


def sample_lines() -> list[bytes]:
    """The sample's journal lines, as written."""
    folder = SAMPLE / "runs" / safe_segment(_SAMPLE_RUN)
    return (folder / "journal.ndjson").read_bytes().splitlines()


def sample_checkpoints() -> list[bytes]:
    """The sample's checkpoint files (pretty JSON), in file-name order."""
    folder = SAMPLE / "runs" / safe_segment(_SAMPLE_RUN) / "checkpoints"
    return [path.read_bytes() for path in sorted(folder.glob("*.json"))]


def content_metadata(content_id: str) -> bytes:
    """A ``metadata.json`` the runtime would write for ``content_id`` (2-space pretty)."""
    sample = next((SAMPLE / "content").glob("*/metadata.json")).read_bytes()
    data = orjson.loads(sample)
    data["content_ref"]["content_id"] = content_id
    return orjson.dumps(data, option=orjson.OPT_INDENT_2)


def tree_digest(root: Path) -> dict[str, str]:
    """Every file under ``root`` (side files included) with the SHA-256 of its bytes."""
    found = {}
    for folder, _, files in os.walk(root):
        for name in files:
            path = Path(folder) / name
            found[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def write_file_store(
    root: Path,
    journals: Mapping[str, Sequence[bytes]],
    *,
    checkpoints: Mapping[str, Sequence[bytes]] | None = None,
    content: Mapping[str, bytes] | None = None,
    raw: Mapping[str, bytes] | None = None,
) -> Path:
    """A file store: ``journals`` maps the run whose folder a journal is in to its lines;
    ``raw`` maps a run to the exact bytes of its journal file instead."""
    for run, lines in journals.items():
        folder = root / "runs" / safe_segment(run)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "journal.ndjson").write_bytes(b"".join(line + b"\n" for line in lines))
    for run, data in (raw or {}).items():
        folder = root / "runs" / safe_segment(run)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "journal.ndjson").write_bytes(data)
    for run, bodies in (checkpoints or {}).items():
        folder = root / "runs" / safe_segment(run) / "checkpoints"
        folder.mkdir(parents=True, exist_ok=True)
        for body in bodies:
            data = orjson.loads(body)
            name = f"{data['covers_journal_seq']:020d}-{safe_segment(data['checkpoint_id'])}.json"
            (folder / name).write_bytes(body)
    for content_id, metadata in (content or {}).items():
        folder = root / "content" / safe_segment(content_id)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "content.bin").write_bytes(b"bytes of " + content_id.encode())
        (folder / "metadata.json").write_bytes(metadata)
    (root / "runs").mkdir(parents=True, exist_ok=True)
    return root


def write_runtime_sqlite(
    path: Path,
    journals: Mapping[str, Sequence[bytes]],
    *,
    checkpoints: Mapping[str, Sequence[bytes]] | None = None,
    content_ids: Sequence[str] = (),
    wal: bool = False,
) -> Path:
    """An SQLite database in the runtime's layout, rows as its writer inserts them."""
    connection = sqlite3.connect(path)
    with connection:
        if wal:
            connection.execute("PRAGMA journal_mode = WAL")
        for statement in RUNTIME_STATEMENTS:
            connection.execute(statement)
        for run, lines in journals.items():
            for line in lines:
                data = orjson.loads(line)
                connection.execute(
                    "INSERT INTO run_journal_records VALUES (?, ?, ?, ?)",
                    (run, data["journal_seq"], data["record_id"], line.decode()),
                )
        for run, bodies in (checkpoints or {}).items():
            for body in bodies:
                data = orjson.loads(body)
                connection.execute(
                    "INSERT INTO checkpoints VALUES (?, ?, ?, ?)",
                    (
                        run,
                        data["checkpoint_id"],
                        data["covers_journal_seq"],
                        orjson.dumps(data).decode(),
                    ),
                )
        for content_id in content_ids:
            connection.execute(
                "INSERT INTO content VALUES (?, ?, ?, ?)",
                (content_id, content_metadata(content_id).decode(), b"x", 1),
            )
    connection.close()
    return path


#: Postgres layouts: the JSON column of the journal, content and checkpoint tables.
PG_LAYOUTS: Final = {
    "migration": ("record", "content_ref", "checkpoint"),
    "adapter": ("record_json", "content_json", "checkpoint_json"),
}


def _pg(url: str) -> Any:
    import psycopg

    return psycopg.connect(url, autocommit=True)


def pg_create(url: str, layout: str, *, schema: str = "public", json_type: str = "jsonb") -> None:
    """The runtime's three tables in ``schema`` (the Supabase migration's DDL for
    ``migration``; the same with the Postgres adapter's column names for ``adapter``)."""
    from psycopg import sql

    record, content, checkpoint = PG_LAYOUTS[layout]
    with _pg(url) as connection:
        connection.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
        statements = [
            "CREATE TABLE {s}.agent_sdk_journal_records (store_scope text NOT NULL,"
            " run_id text NOT NULL, journal_seq bigint NOT NULL, {record} {t} NOT NULL,"
            " PRIMARY KEY (store_scope, run_id, journal_seq))",
            "CREATE TABLE {s}.agent_sdk_checkpoints (store_scope text NOT NULL,"
            " run_id text NOT NULL, checkpoint_id text NOT NULL,"
            " covers_journal_seq bigint NOT NULL, {checkpoint} {t} NOT NULL,"
            " PRIMARY KEY (store_scope, run_id, checkpoint_id))",
            "CREATE TABLE {s}.agent_sdk_content (store_scope text NOT NULL,"
            " content_id text NOT NULL, {content} {t} NOT NULL, bytes_base64 text NOT NULL,"
            " byte_len bigint NOT NULL, PRIMARY KEY (store_scope, content_id))",
        ]
        for statement in statements:
            connection.execute(
                sql.SQL(statement).format(
                    s=sql.Identifier(schema),
                    record=sql.Identifier(record),
                    content=sql.Identifier(content),
                    checkpoint=sql.Identifier(checkpoint),
                    t=sql.SQL(json_type),
                )
            )


def _content_ref(content_id: str) -> str:
    return orjson.dumps(orjson.loads(content_metadata(content_id))["content_ref"]).decode()


def pg_load(
    url: str,
    layout: str,
    scope: str,
    run: str,
    lines: Sequence[bytes],
    *,
    schema: str = "public",
    checkpoints: Sequence[bytes] = (),
    content_ids: Sequence[str] = (),
) -> None:
    """Rows of one run (and content of the scope) as the runtime's writers insert them:
    a record with a seq already stored is dropped (``on conflict do nothing``)."""
    from psycopg import sql

    record, content, checkpoint = PG_LAYOUTS[layout]
    table = sql.Identifier(schema, "agent_sdk_journal_records")
    with _pg(url) as connection:
        for line in lines:
            seq = orjson.loads(line)["journal_seq"]
            connection.execute(
                sql.SQL(
                    "INSERT INTO {} (store_scope, run_id, journal_seq, {}) VALUES (%s, %s, %s, %s)"
                    " ON CONFLICT DO NOTHING"
                ).format(table, sql.Identifier(record)),
                (scope, run, seq, line.decode()),
            )
        for body in checkpoints:
            data = orjson.loads(body)
            connection.execute(
                sql.SQL(
                    "INSERT INTO {} (store_scope, run_id, checkpoint_id, covers_journal_seq, {})"
                    " VALUES (%s, %s, %s, %s, %s)"
                ).format(
                    sql.Identifier(schema, "agent_sdk_checkpoints"), sql.Identifier(checkpoint)
                ),
                (scope, run, data["checkpoint_id"], data["covers_journal_seq"], body.decode()),
            )
        for content_id in content_ids:
            connection.execute(
                sql.SQL(
                    "INSERT INTO {} (store_scope, content_id, {}, bytes_base64, byte_len)"
                    " VALUES (%s, %s, %s, %s, %s)"
                ).format(sql.Identifier(schema, "agent_sdk_content"), sql.Identifier(content)),
                (scope, content_id, _content_ref(content_id), "eA==", 1),
            )
