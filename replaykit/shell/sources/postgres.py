"""Postgres stores of the runtime, read-only, with psycopg 3.

Two layouts share the table names and differ in their JSON columns; which one a
database has is read from its columns (STORES.md sections 4 and 5):

============================  =====================  =====================
table (in ``--schema``)       migration layout       adapter layout
============================  =====================  =====================
``agent_sdk_journal_records``  ``record`` (jsonb)      ``record_json``
``agent_sdk_content``          ``content_ref``         ``content_json``
``agent_sdk_checkpoints``      ``checkpoint``          ``checkpoint_json``
============================  =====================  =====================

Every table is keyed by ``store_scope``: one database holds many logical stores and
the same run id may exist in several, so every query filters by the scope. A run's
records come ``ORDER BY journal_seq``, as both of the runtime's readers ask for them;
content ids are the scope's ``agent_sdk_content.content_id`` rows; a run's checkpoints
its ``agent_sdk_checkpoints`` rows.

jsonb. A ``jsonb`` column keeps the value, not the text: keys come back in its own
order, white space is its own, a repeated key keeps only its last value, and numbers
are normalised (``1e2`` reads back as ``100``). replaykit reads each record's text
(``::text``) and decodes it like any other, and the reference's duplicate-record check
compares records as values, not as text, so a record read back from ``jsonb`` gets the
verdict the same record gets from a file. The exceptions are texts that never come
from the runtime's own serializer: a record with a repeated key (refused from a file,
accepted from jsonb, which dropped the repetition), and an integer field written in
exponent form (refused from a file, accepted from jsonb once normalised).

Connections are read-only transactions; a password in the URL is never printed.
"""

from __future__ import annotations

import contextlib
import re
import urllib.parse
from collections.abc import Iterator
from typing import Any, Final, final

from replaykit.model import JournalRecord
from replaykit.shell.errors import Problem, SourceError
from replaykit.shell.sources.base import (
    EntriesJournal,
    StoredCheckpoint,
    choose_run,
    decode_checkpoint,
    decode_record,
    shown_runs,
    sorted_checkpoints,
)

__all__ = ["URL_PREFIXES", "PostgresStore", "mask_password"]

#: What starts a Postgres source on the command line.
URL_PREFIXES: Final = ("postgresql://", "postgres://")

_JOURNAL: Final = "agent_sdk_journal_records"
_CONTENT: Final = "agent_sdk_content"
_CHECKPOINTS: Final = "agent_sdk_checkpoints"
#: The JSON column of each table, per layout.
_COLUMNS: Final = {
    "migration": {_JOURNAL: "record", _CHECKPOINTS: "checkpoint"},
    "adapter": {_JOURNAL: "record_json", _CHECKPOINTS: "checkpoint_json"},
}
#: Rows fetched per round trip while streaming a journal.
_BATCH: Final = 2000


def mask_password(url: str) -> str:
    """``url`` with its password (if any) replaced by ``***``.

    >>> mask_password("postgresql://ops:s3cret@db.example/runs?sslmode=require")
    'postgresql://ops:***@db.example/runs?sslmode=require'
    >>> mask_password("postgresql:///runs?host=/tmp&password=s3cret")
    'postgresql:///runs?host=/tmp&password=***'
    """
    scheme, sep, rest = url.partition("://")
    head, slash, tail = rest.partition("/")
    if "@" in head:
        user, _, host = head.rpartition("@")
        if ":" in user:
            head = f"{user.split(':', 1)[0]}:***@{host}"
    tail = re.sub(r"(^|[?&])password=[^&]*", r"\1password=***", tail)
    return f"{scheme}{sep}{head}{slash}{tail}"


def _password(url: str) -> str | None:
    parts = urllib.parse.urlsplit(url)
    if parts.password:
        return urllib.parse.unquote(parts.password)
    for key, value in urllib.parse.parse_qsl(parts.query):
        if key == "password" and value:
            return value
    return None


@final
class PostgresStore:
    """The runtime's tables in one schema of a Postgres database, for one ``scope``.

    ``scope`` may be left out when the journal table holds exactly one scope.
    """

    def __init__(self, url: str, *, scope: str | None = None, schema: str = "public") -> None:
        self.url = url
        self.schema = schema
        self.name = mask_password(url)
        self._scope = scope
        self._layout: str | None = None
        self._tables: dict[str, set[str]] = {}
        self._secret = _password(url)

    # -- connections ---------------------------------------------------------------

    def _error(self, error: Exception, doing: str) -> SourceError:
        text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        if self._secret:
            text = text.replace(self._secret, "***")
        return SourceError(Problem.UNREADABLE, self.name, f"cannot {doing} ({text})")

    @contextlib.contextmanager
    def _connect(self) -> Iterator[Any]:
        import psycopg

        try:
            connection = psycopg.connect(self.url, connect_timeout=10)
        except psycopg.Error as error:
            raise self._error(error, "connect to the database") from None
        except ValueError as error:  # a URL libpq cannot parse
            raise SourceError(
                Problem.UNREADABLE, self.name, f"not a usable Postgres URL ({error})"
            ) from None
        try:
            connection.read_only = True
            yield connection
        except psycopg.Error as error:
            raise self._error(error, "read the database") from None
        finally:
            connection.close()

    def _table(self, table: str) -> Any:
        from psycopg import sql

        return sql.Identifier(self.schema, table)

    # -- layout and scope ----------------------------------------------------------

    @property
    def layout(self) -> str:
        """``"Postgres migration layout"`` or ``"Postgres adapter layout"``."""
        return f"Postgres {self._kind()} layout"

    def _kind(self) -> str:
        if self._layout is None:
            with self._connect() as connection:
                rows = connection.execute(
                    "SELECT table_name, column_name FROM information_schema.columns"
                    " WHERE table_schema = %s ORDER BY table_name, ordinal_position",
                    (self.schema,),
                ).fetchall()
            tables: dict[str, set[str]] = {}
            for table, column in rows:
                tables.setdefault(str(table), set()).add(str(column))
            columns = tables.get(_JOURNAL, set())
            if "record" in columns:
                self._layout = "migration"
            elif "record_json" in columns:
                self._layout = "adapter"
            else:
                found = ", ".join(sorted(tables)) or "no tables"
                what = (
                    f"{_JOURNAL} has neither a record nor a record_json column"
                    if columns
                    else f"no {_JOURNAL} table"
                )
                message = f"unknown store layout in schema {self.schema!r}: {what} (found: {found})"
                raise SourceError(Problem.UNKNOWN_LAYOUT, self.name, message)
            missing = {"store_scope", "run_id", "journal_seq"} - columns
            if missing:
                message = f"table {_JOURNAL!r} lacks column(s) {', '.join(sorted(missing))}"
                raise SourceError(Problem.MISSING_TABLE, self.name, message)
            self._tables = tables
        return self._layout

    @property
    def scope(self) -> str:
        """The store scope read: the one given, or the table's only one."""
        if self._scope is None:
            self._kind()
            with self._connect() as connection:
                rows = connection.execute(
                    self._sql("SELECT DISTINCT store_scope FROM {} ORDER BY 1 LIMIT 6", _JOURNAL)
                ).fetchall()
            scopes = [str(scope) for (scope,) in rows]
            if len(scopes) != 1:
                if not scopes:
                    message = "empty store: no journal rows in any scope"
                    raise SourceError(Problem.EMPTY, self.name, message)
                message = (
                    f"the database holds several store scopes ({shown_runs(scopes)});"
                    " choose one with --scope"
                )
                raise SourceError(Problem.AMBIGUOUS_RUN, self.name, message)
            self._scope = scopes[0]
        return self._scope

    def _sql(self, text: str, table: str, column: str | None = None) -> Any:
        from psycopg import sql

        parts: list[Any] = [self._table(table)]
        if column is not None:
            parts.insert(0, sql.Identifier(column))
        return sql.SQL(text).format(*parts)

    # -- the Store interface -------------------------------------------------------

    def runs(self) -> tuple[str, ...]:
        """Every run of the scope with a journal row, sorted."""
        self._kind()
        scope = self.scope
        with self._connect() as connection:
            rows = connection.execute(
                self._sql(
                    "SELECT DISTINCT run_id FROM {} WHERE store_scope = %s ORDER BY run_id",
                    _JOURNAL,
                ),
                (scope,),
            ).fetchall()
        return tuple(str(run) for (run,) in rows)

    def journal(
        self,
        run_id: str,
        *,
        allow_torn_tail: bool = False,
        allow_empty: bool = False,
        verify: bool = True,
    ) -> EntriesJournal:
        """The run's rows ``ORDER BY journal_seq``, streamed in batches."""
        del allow_torn_tail
        if verify:
            choose_run(self, run_id)
        scope = self.scope
        column = _COLUMNS[self._kind()][_JOURNAL]
        counted: list[int] = []
        name = f"{self.name} (scope {scope!r}, run {run_id!r})"

        def read() -> Iterator[tuple[int, bytes, JournalRecord]]:
            with self._connect() as connection:
                (total,) = connection.execute(
                    self._sql(
                        "SELECT count(*) FROM {} WHERE store_scope = %s AND run_id = %s", _JOURNAL
                    ),
                    (scope, run_id),
                ).fetchone()
                counted[:] = [int(total)]
                cursor = connection.cursor(name="replaykit_journal")
                cursor.itersize = _BATCH
                cursor.execute(
                    self._sql(
                        "SELECT journal_seq, {}::text FROM {}"
                        " WHERE store_scope = %s AND run_id = %s ORDER BY journal_seq",
                        _JOURNAL,
                        column,
                    ),
                    (scope, run_id),
                )
                for ordinal, (seq, text) in enumerate(cursor, 1):
                    raw = text.encode("utf-8", "surrogatepass") if text is not None else b"null"
                    yield ordinal, raw, decode_record(raw, name, row=f"(journal_seq={seq})")

        return EntriesJournal(
            name,
            "row",
            read,
            total=lambda: counted[0] if counted else None,
            allow_empty=allow_empty,
        )

    def run_sizes(self) -> dict[str, int]:
        """The bytes of each run's records (as text)."""
        column = _COLUMNS[self._kind()][_JOURNAL]
        scope = self.scope
        with self._connect() as connection:
            rows = connection.execute(
                self._sql(
                    "SELECT run_id, sum(octet_length({}::text)) FROM {}"
                    " WHERE store_scope = %s GROUP BY run_id",
                    _JOURNAL,
                    column,
                ),
                (scope,),
            ).fetchall()
        return {str(run): int(size or 0) for run, size in rows}

    def content_ids(self) -> frozenset[str]:
        """The scope's ``agent_sdk_content.content_id`` values."""
        self._kind()
        if "content_id" not in self._tables.get(_CONTENT, set()):
            message = f"no {_CONTENT} table with a content_id column in schema {self.schema!r}"
            raise SourceError(Problem.MISSING_TABLE, self.name, message)
        scope = self.scope
        with self._connect() as connection:
            rows = connection.execute(
                self._sql("SELECT content_id FROM {} WHERE store_scope = %s", _CONTENT), (scope,)
            ).fetchall()
        return frozenset(str(content) for (content,) in rows if content is not None)

    @property
    def keeps_checkpoints(self) -> bool:
        """Whether the schema has the runtime's checkpoint table (with its column)."""
        column = _COLUMNS[self._kind()][_CHECKPOINTS]
        return column in self._tables.get(_CHECKPOINTS, set())

    def checkpoints(self, run_id: str) -> tuple[StoredCheckpoint, ...]:
        """The run's ``agent_sdk_checkpoints`` rows, decoded, in the runtime's order
        (none when the schema has no checkpoint table)."""
        if not self.keeps_checkpoints:
            return ()
        column = _COLUMNS[self._kind()][_CHECKPOINTS]
        scope = self.scope
        with self._connect() as connection:
            rows = connection.execute(
                self._sql(
                    "SELECT checkpoint_id, {}::text FROM {}"
                    " WHERE store_scope = %s AND run_id = %s ORDER BY checkpoint_id",
                    _CHECKPOINTS,
                    column,
                ),
                (scope, run_id),
            ).fetchall()
        found = []
        for checkpoint_id, text in rows:
            where = f"(run_id={run_id!r}, checkpoint_id={checkpoint_id!r})"
            raw = str(text).encode("utf-8", "surrogatepass")
            checkpoint = decode_checkpoint(raw, self.name, row=where)
            found.append(StoredCheckpoint(checkpoint, f"{_CHECKPOINTS} row {where}"))
        return sorted_checkpoints(found)
