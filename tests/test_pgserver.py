"""The test suite's own PostgreSQL server: real, reached by socket only, one database a test."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import pgserver
import psycopg
import pytest
from pgserver import PostgresServer, fresh_database, start_server, stop_server
from psycopg.conninfo import conninfo_to_dict


def test_the_url_reaches_a_real_postgresql(postgres_url: str) -> None:
    with psycopg.connect(postgres_url) as conn:
        row = conn.execute("SELECT version(), current_database(), current_user").fetchone()
        listen = conn.execute("SHOW listen_addresses").fetchone()
    assert row is not None
    version, database, user = row
    assert version.startswith("PostgreSQL ")
    assert database.startswith("t_")
    assert user == "postgres"
    # Unix socket only: no TCP address at all.
    assert listen == ("",)


def test_each_test_has_a_database_of_its_own(
    postgres_url: str, postgres_server: PostgresServer
) -> None:
    with psycopg.connect(postgres_url) as conn:
        conn.execute("CREATE TABLE journal (step integer PRIMARY KEY)")
        conn.execute("INSERT INTO journal VALUES (1), (2)")
    with fresh_database(postgres_server) as other_url:
        assert other_url != postgres_url
        with psycopg.connect(other_url) as conn:
            found = conn.execute("SELECT to_regclass('journal')").fetchone()
        assert found == (None,)
    with psycopg.connect(postgres_url) as conn:
        assert conn.execute("SELECT count(*) FROM journal").fetchone() == (2,)


def test_a_database_is_dropped_after_its_test(postgres_server: PostgresServer) -> None:
    with fresh_database(postgres_server) as url:
        name = conninfo_to_dict(url)["dbname"]
        # A session left open must not keep the database alive.
        leaked = psycopg.connect(url)
    try:
        with psycopg.connect(postgres_server.url("postgres")) as admin:
            found = admin.execute(
                "SELECT count(*) FROM pg_database WHERE datname = %s", [name]
            ).fetchone()
        assert found == (0,)
    finally:
        leaked.close()


def test_the_url_holds_no_password(postgres_url: str, postgres_server: PostgresServer) -> None:
    parts = urlsplit(postgres_url)
    assert parts.scheme == "postgresql"
    assert parts.password is None
    assert "password" not in conninfo_to_dict(postgres_url)
    assert conninfo_to_dict(postgres_url)["host"] == postgres_server.socket_dir
    with psycopg.connect(postgres_url) as conn:
        assert not conn.info.password
        assert conn.info.host == postgres_server.socket_dir


def test_a_server_stops_and_leaves_no_process() -> None:
    base = Path(tempfile.mkdtemp(prefix="replaykit-pg-"))
    try:
        server = start_server(base, port=pgserver.default_port() + 1)
        pid = int((Path(server.data_dir) / "postmaster.pid").read_text().split()[0])
        with psycopg.connect(server.url("postgres")) as conn:
            assert conn.execute("SELECT pg_backend_pid() <> %s", [pid]).fetchone() == (True,)
        stop_server(server)
        # Gone, or a zombie (no command line) until its new parent reaps it.
        cmdline = Path(f"/proc/{pid}/cmdline")
        assert not cmdline.exists() or not cmdline.read_bytes()
        assert not (Path(server.data_dir) / "postmaster.pid").exists()
        stop_server(server)  # a second stop is a no-op
    finally:
        shutil.rmtree(base, ignore_errors=True)


_KILLED_OWNER = """
import os, signal, sys, tempfile
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from pgserver import start_server, start_watchdog
base = Path(tempfile.mkdtemp(prefix="replaykit-pg-"))
server = start_server(base, port=int(sys.argv[2]))
start_watchdog(server, base)
print(server.data_dir, flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_killed_test_process_leaves_no_server() -> None:
    """SIGKILL runs no teardown and no atexit: the watchdog stops the server all the same."""
    port = str(pgserver.default_port() + 2)
    owner = subprocess.run(
        [sys.executable, "-c", _KILLED_OWNER, str(Path(__file__).parent), port],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert owner.returncode == -signal.SIGKILL, owner.stderr
    data_dir = Path(owner.stdout.strip())
    assert data_dir.name == "data"
    deadline = time.monotonic() + 60
    while data_dir.parent.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not data_dir.parent.exists()
    running = subprocess.run(["pgrep", "-f", f"postgres -D {data_dir}"], check=False)
    assert running.returncode == 1  # no process matched


def test_without_initdb_the_error_names_the_debian_package(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(pgserver, "DEBIAN_ROOT", tmp_path / "no-postgresql")
    with pytest.raises(RuntimeError, match=r"Debian package `postgresql`"):
        start_server(tmp_path / "base")
    assert not (tmp_path / "base").exists()
