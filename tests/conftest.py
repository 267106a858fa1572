"""Fixtures shared by the test suite."""

from __future__ import annotations

import atexit
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from pgserver import (
    PostgresServer,
    fresh_database,
    start_server,
    start_watchdog,
    stop_server,
    stop_watchdog,
)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One real PostgreSQL server per pytest process (each xdist worker has its own).

    Its base directory is a fresh one under the temporary directory rather than pytest's
    ``tmp_path_factory``: pytest keeps that tree private to the user (0o700), which the
    ``postgres`` account the server runs as under root could not enter, and it is short,
    as the socket's path must be. The server is stopped, and the directory removed, at the
    end of the session; ``atexit`` does it should the session end without its teardown,
    and a watchdog process should this process be killed (no teardown, no ``atexit``).
    """
    base = Path(tempfile.mkdtemp(prefix="replaykit-pg-"))
    server: PostgresServer | None = None
    watchdog: subprocess.Popen[bytes] | None = None

    def cleanup() -> None:
        try:
            if server is not None:
                stop_server(server)
        finally:
            shutil.rmtree(base, ignore_errors=True)
            if watchdog is not None:
                stop_watchdog(watchdog)

    atexit.register(cleanup)
    try:
        server = start_server(base)
        watchdog = start_watchdog(server, base)
        yield server
    finally:
        atexit.unregister(cleanup)
        cleanup()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """The URL of a fresh, empty database of its own on the session's server; dropped after."""
    with fresh_database(postgres_server) as url:
        yield url
