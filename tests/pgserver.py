"""A real, throwaway PostgreSQL server for the tests: initdb, pg_ctl, a unix socket only.

The server listens on no TCP address (``listen_addresses=''``): clients reach it through
the socket in ``socket_dir``, as the superuser ``postgres``, with trust authentication
and so no password. ``initdb`` and ``pg_ctl`` refuse to run as root: as root they run as
the ``postgres`` user (Debian's ``postgresql`` package creates it) through ``runuser``,
in directories handed to that user.
"""

from __future__ import annotations

import json
import os
import pwd
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Final
from urllib.parse import quote

import attrs
import psycopg
from psycopg import sql

__all__ = [
    "INSTALL_HINT",
    "PostgresServer",
    "PostgresServerError",
    "find_bin_dir",
    "fresh_database",
    "start_server",
    "start_watchdog",
    "stop_server",
    "stop_watchdog",
]

#: Where Debian's packages put each major version's server programs.
DEBIAN_ROOT: Final = Path("/usr/lib/postgresql")

INSTALL_HINT: Final = (
    "PostgreSQL's server programs (initdb, pg_ctl) were found neither on PATH nor under "
    "/usr/lib/postgresql/*/bin: install the Debian package `postgresql` "
    "(apt-get install -y --no-install-recommends postgresql); .ci/run does this"
)

#: The superuser that initdb creates, and the account that runs the server as root.
SUPERUSER: Final = "postgres"

#: ``.s.PGSQL.<port>`` must fit in ``sockaddr_un.sun_path`` (108 bytes with its NUL).
_MAX_SOCKET_PATH: Final = 107

_LOG_TAIL_LINES: Final = 40


class PostgresServerError(RuntimeError):
    """initdb or pg_ctl failed; the message carries their output and the server log's tail."""


@attrs.frozen
class PostgresServer:
    """A running server, reached through the unix socket in ``socket_dir`` as ``user``.

    >>> server = PostgresServer(socket_dir="/tmp/pg", port=5433, user="postgres",
    ...                         data_dir="/tmp/pg/data", log_file="/tmp/pg/postgres.log",
    ...                         bin_dir="/usr/lib/postgresql/15/bin", run_as=None)
    >>> server.url("t_1")
    'postgresql://postgres@/t_1?host=/tmp/pg&port=5433'
    """

    socket_dir: str
    port: int
    user: str
    data_dir: str
    log_file: str
    bin_dir: str
    #: The account initdb and pg_ctl run as when the tests run as root, else None.
    run_as: str | None

    def url(self, dbname: str) -> str:
        """A libpq URL for ``dbname``: the socket directory as ``host``, no password."""
        return (
            f"postgresql://{quote(self.user, safe='')}@/{quote(dbname, safe='')}"
            f"?host={quote(self.socket_dir, safe='/')}&port={self.port}"
        )


def _version_key(directory: Path) -> tuple[int, ...]:
    """``/usr/lib/postgresql/9.6`` sorts before ``.../15``; a name that is no version first."""
    parts = re.findall(r"\d+", directory.name)
    return tuple(int(part) for part in parts) if parts else (-1,)


def find_bin_dir() -> Path:
    """The directory holding ``initdb`` and ``pg_ctl``: PATH first, then Debian's newest."""
    on_path = shutil.which("initdb")
    if on_path is not None:
        # Resolve symlinks so that pg_ctl (and the postgres it starts) match this initdb.
        directory = Path(on_path).resolve().parent
        if os.access(directory / "pg_ctl", os.X_OK):
            return directory
    candidates = sorted(
        (version for version in DEBIAN_ROOT.glob("*") if _is_bin_dir(version / "bin")),
        key=_version_key,
    )
    if candidates:
        return candidates[-1] / "bin"
    raise RuntimeError(INSTALL_HINT)


def _is_bin_dir(directory: Path) -> bool:
    return all(os.access(directory / name, os.X_OK) for name in ("initdb", "pg_ctl"))


def _runuser() -> str:
    found = shutil.which("runuser") or next(
        (path for path in ("/usr/sbin/runuser", "/sbin/runuser") if os.access(path, os.X_OK)),
        None,
    )
    if found is None:
        raise RuntimeError("running PostgreSQL as root needs runuser (Debian: util-linux)")
    return found


def _clean_env() -> dict[str, str]:
    """The environment without libpq's and the server's PG* settings, which could redirect."""
    return {key: value for key, value in os.environ.items() if not key.startswith("PG")}


def _log_tail(log_file: str) -> str:
    try:
        lines = Path(log_file).read_text(errors="replace").splitlines()
    except OSError as error:
        return f"(no server log at {log_file}: {error})"
    tail = "\n".join(lines[-_LOG_TAIL_LINES:])
    return f"last {min(len(lines), _LOG_TAIL_LINES)} lines of {log_file}:\n{tail}"


def _run(
    args: Sequence[str], *, run_as: str | None, cwd: str, timeout: float
) -> subprocess.CompletedProcess[str]:
    command = [*([_runuser(), "-u", run_as, "--"] if run_as else []), *args]
    return subprocess.run(
        command,
        cwd=cwd,
        env=_clean_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _describe(result: subprocess.CompletedProcess[str]) -> str:
    return (
        f"$ {shlex.join(result.args)}\nexit code {result.returncode}\n"
        f"stdout:\n{result.stdout.strip()}\nstderr:\n{result.stderr.strip()}"
    )


def _check_traversable(base: Path, uid: int, gid: int) -> None:
    """Every directory above ``base`` must let the server's account through."""
    for directory in base.parents:
        status = directory.stat()
        if status.st_uid == uid:
            bit = 0o100
        elif status.st_gid == gid:
            bit = 0o010
        else:
            bit = 0o001
        if not status.st_mode & bit:
            raise PostgresServerError(
                f"the {SUPERUSER} user cannot enter {directory} (mode "
                f"{oct(status.st_mode & 0o777)}): put the server's base directory under a "
                "directory that others may traverse, such as /tmp"
            )


def default_port() -> int:
    """A port number of this process's own: it names the socket file and the shared memory key.

    Every server has a socket directory of its own, so two servers on one number would still
    not collide; spreading them by worker and pid keeps their shared-memory keys apart too.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    digits = re.sub(r"\D", "", worker)
    number = int(digits) if digits else 0
    return 20000 + (number * 1009 + os.getpid()) % 40000


def start_server(base: Path, *, port: int | None = None) -> PostgresServer:
    """initdb a cluster under ``base`` (created if needed) and start it; wait until it is up.

    ``base`` gets ``data/`` (the cluster), ``socket/`` and ``postgres.log``. As root they
    belong to the ``postgres`` user and ``base`` is made traversable (0o755).
    """
    bin_dir = find_bin_dir()
    port = default_port() if port is None else port
    base = base.resolve()
    base.mkdir(parents=True, exist_ok=True)
    data_dir, socket_dir, log_file = base / "data", base / "socket", base / "postgres.log"
    if len(f"{socket_dir}/.s.PGSQL.{port}") > _MAX_SOCKET_PATH:
        raise PostgresServerError(
            f"the socket path under {socket_dir} is longer than {_MAX_SOCKET_PATH} bytes: "
            "use a shorter base directory"
        )
    data_dir.mkdir(mode=0o700)
    socket_dir.mkdir(mode=0o755)
    log_file.touch(mode=0o644)
    run_as: str | None = None
    if os.geteuid() == 0:
        try:
            account = pwd.getpwnam(SUPERUSER)
        except KeyError:
            raise RuntimeError(
                f"running as root, but there is no {SUPERUSER} user to run the server as: "
                + INSTALL_HINT
            ) from None
        run_as = SUPERUSER
        base.chmod(0o755)
        _check_traversable(base, account.pw_uid, account.pw_gid)
        for owned in (data_dir, socket_dir, log_file):
            os.chown(owned, account.pw_uid, account.pw_gid)
    server = PostgresServer(
        socket_dir=str(socket_dir),
        port=port,
        user=SUPERUSER,
        data_dir=str(data_dir),
        log_file=str(log_file),
        bin_dir=str(bin_dir),
        run_as=run_as,
    )

    initdb = _run(
        [
            str(bin_dir / "initdb"),
            "--pgdata",
            str(data_dir),
            "--username",
            SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        ],
        run_as=run_as,
        cwd=str(base),
        timeout=180,
    )
    if initdb.returncode != 0:
        raise PostgresServerError(f"initdb failed\n{_describe(initdb)}")

    options = [
        "-p",
        str(port),
        "-c",
        "listen_addresses=",
        "-c",
        f"unix_socket_directories={socket_dir}",
        "-c",
        "fsync=off",
        "-c",
        "synchronous_commit=off",
        "-c",
        "full_page_writes=off",
        "-c",
        "shared_buffers=16MB",
        "-c",
        "max_connections=20",
    ]
    # pg_ctl hands -o to a shell that execs postgres: quote every word for it.
    pg_ctl = [str(bin_dir / "pg_ctl"), "-D", str(data_dir), "-l", str(log_file)]
    try:
        start = _run(
            [*pg_ctl, "-w", "-t", "60", "-o", shlex.join(options), "start"],
            run_as=run_as,
            cwd=str(base),
            timeout=90,
        )
    except subprocess.TimeoutExpired as error:
        stop_server(server)
        raise PostgresServerError(
            f"pg_ctl start did not return within {error.timeout} s\n{_log_tail(str(log_file))}"
        ) from error
    if start.returncode != 0:
        stop_server(server)
        raise PostgresServerError(
            f"PostgreSQL did not start\n{_describe(start)}\n{_log_tail(str(log_file))}"
        )
    return server


def _postmaster_pid(server: PostgresServer) -> int | None:
    try:
        first = (Path(server.data_dir) / "postmaster.pid").read_text().split("\n", 1)[0]
        return int(first)
    except (OSError, ValueError):
        return None


def _alive(pid: int, data_dir: str) -> bool:
    """Whether ``pid`` is still this cluster's postmaster (not a process that reused it)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except FileNotFoundError:
        return False
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    return os.fsencode(data_dir) in cmdline


def stop_server(server: PostgresServer) -> None:
    """Stop the server (fast, then immediate, then SIGKILL); nothing to do if it is down.

    Safe to call twice and from ``atexit``. Leaves the files under the base directory.
    """
    pid = _postmaster_pid(server)
    if pid is None or not _alive(pid, server.data_dir):
        return
    pg_ctl = [str(Path(server.bin_dir) / "pg_ctl"), "-D", server.data_dir]
    for mode in ("fast", "immediate"):
        try:
            result = _run(
                [*pg_ctl, "-m", mode, "-w", "-t", "30", "stop"],
                run_as=server.run_as,
                cwd=str(Path(server.data_dir).parent),
                timeout=45,
            )
        except subprocess.TimeoutExpired:
            continue
        if result.returncode == 0 or not _alive(pid, server.data_dir):
            return
    if _alive(pid, server.data_dir):
        os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while _alive(pid, server.data_dir) and time.monotonic() < deadline:
        time.sleep(0.05)


@contextmanager
def fresh_database(server: PostgresServer) -> Iterator[str]:
    """Create an empty database ``t_<uuid hex>`` on ``server``, give its URL, then drop it."""
    name = f"t_{uuid.uuid4().hex}"
    admin_url = server.url("postgres")
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield server.url(name)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            # FORCE ends the sessions a test left open, which would block a plain DROP.
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def start_watchdog(server: PostgresServer, base: Path) -> subprocess.Popen[bytes]:
    """A process that stops ``server`` and removes ``base`` once this process is gone.

    It waits for the end of its stdin, a pipe only this process writes to, so it wakes up
    however this process ends, even killed (SIGTERM, SIGKILL, a time limit) with no
    teardown and no ``atexit``. It runs in a session of its own, so a Ctrl-C sent to the
    test run's process group does not end it before it has done its work.
    """
    return subprocess.Popen(
        [sys.executable, __file__, "--watch", str(base), json.dumps(attrs.asdict(server))],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )


def stop_watchdog(watchdog: subprocess.Popen[bytes], *, timeout: float = 120) -> None:
    """Close the watchdog's pipe (it then stops whatever is still running) and wait for it."""
    if watchdog.stdin is not None:
        watchdog.stdin.close()
    watchdog.wait(timeout=timeout)


def _watch(base: str, server_json: str) -> None:
    server = PostgresServer(**json.loads(server_json))
    sys.stdin.buffer.read()  # returns at end of file: the test process closed it or died
    try:
        stop_server(server)
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__" and sys.argv[1:2] == ["--watch"]:
    _watch(*sys.argv[2:4])
