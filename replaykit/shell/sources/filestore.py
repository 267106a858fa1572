"""The runtime's file store (``agent-sdk-store-file``), read-only.

Layout (STORES.md section 2)::

    ROOT/runs/<seg(run_id)>/journal.ndjson                         one run's journal
    ROOT/runs/<seg(run_id)>/checkpoints/<covers:020>-<seg(id)>.json  its checkpoints
    ROOT/content/<seg(content_id)>/{content.bin,metadata.json}      content

``seg`` is ``safe_segment``: it cannot be reversed, so run ids come from the records,
never from directory names. A run's records come as the runtime's reader returns them:
every line of ``runs/<seg(run)>/journal.ndjson`` is decoded (one that does not decode
stops the read, naming the line; a torn last line is reported as in any JSONL journal),
lines of other runs are dropped, and the rest are sorted by ``journal_seq``, stably.
Lines of Unicode white space only are skipped, as Rust's ``trim`` sees them.

>>> from replaykit.examples import STORE_SAMPLE
>>> store = FileStore(STORE_SAMPLE)
>>> store.runs(), sorted(store.content_ids())
(('run.file.store',), ['content.file.store'])
>>> [record.journal_seq for record in store.journal("run.file.store")]
[1, 2, 4]
>>> [stored.checkpoint.checkpoint_id for stored in store.checkpoints("run.file.store")]
['checkpoint.file.1', 'checkpoint.file.2']
"""

from __future__ import annotations

import hashlib
import itertools
import os
import stat
from collections.abc import Iterator
from typing import Final, final

import orjson
from returns.result import Success

from replaykit.model import JournalRecord
from replaykit.model._wirespec import U64, Presence
from replaykit.model.shapes import Field, Struct
from replaykit.replay import pause_gc
from replaykit.shell.errors import Problem, SourceError, os_error
from replaykit.shell.sources.base import (
    EntriesJournal,
    StoredCheckpoint,
    choose_run,
    decode_checkpoint,
    sorted_checkpoints,
)
from replaykit.shell.sources.jsonl import JsonlJournal
from replaykit.wire import check_document

__all__ = ["FileStore", "looks_like_file_store", "not_a_store", "safe_segment"]

_ALLOWED: Final = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_")

#: ``metadata.json``: the content-store ``ContentRef`` object and the byte count.
_METADATA: Final = Struct(
    "ContentMetadata",
    (
        Field("content_ref", "content::ContentRef", Presence.REQUIRED),
        Field("byte_len", U64, Presence.REQUIRED),
    ),
)


def safe_segment(value: str) -> str:
    """The file store's path segment for an id: allowed ASCII kept, everything else
    ``_``, cut to 80 characters (``id`` if empty), then ``-`` and 12 hex digits of the
    SHA-256 of the whole id.

    >>> safe_segment("run.file.store"), safe_segment("run:2026/06/11 café#1")
    ('run.file.store-3f6a79c4bb0e', 'run_2026_06_11_caf__1-7fe52f18f54b')
    >>> safe_segment(""), safe_segment("ünï")
    ('id-e3b0c44298fc', '_n_-e975a52994d8')
    """
    visible = "".join(char if char in _ALLOWED else "_" for char in value)[:80] or "id"
    digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return f"{visible}-{digest}"


def _is_dir(path: str) -> bool:
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except OSError:
        return False


def looks_like_file_store(path: str) -> bool:
    """Whether ``path`` is a directory with the file store's ``runs`` or ``content``."""
    return _is_dir(os.path.join(path, "runs")) or _is_dir(os.path.join(path, "content"))


@final
class FileStore:
    """A runtime file store rooted at ``root`` (see the module's documentation)."""

    layout: Final = "runtime file store"
    keeps_checkpoints: Final = True

    def __init__(self, root: str) -> None:
        self.root = root
        self.name = root
        self._runs: tuple[str, ...] | None = None

    def _journal_path(self, run_id: str) -> str:
        return os.path.join(self.root, "runs", safe_segment(run_id), "journal.ndjson")

    def _listdir(self, path: str) -> list[str]:
        try:
            return sorted(os.listdir(path))
        except FileNotFoundError:
            return []
        except OSError as error:
            raise os_error(error, path) from None

    def runs(self) -> tuple[str, ...]:
        """The runs whose journal is in the store: for each ``runs/*/journal.ndjson``,
        the run id of a line whose segment is that directory's name (ids come from the
        records; a line of another run does not make a run)."""
        if self._runs is None:
            found = set()
            runs_dir = os.path.join(self.root, "runs")
            for segment in self._listdir(runs_dir):
                path = os.path.join(runs_dir, segment, "journal.ndjson")
                run = self._own_run(path, segment)
                if run is not None:
                    found.add(run)
            self._runs = tuple(sorted(found))
        return self._runs

    def run_sizes(self) -> dict[str, int]:
        """The size of each run's journal file."""
        sizes = {}
        for run in self.runs():
            try:
                sizes[run] = os.stat(self._journal_path(run)).st_size
            except OSError:
                sizes[run] = 0
        return sizes

    def _own_run(self, path: str, segment: str) -> str | None:
        try:
            with open(path, "rb") as file:
                for line in file:
                    try:
                        data = orjson.loads(line)
                    except orjson.JSONDecodeError:
                        continue  # reading the journal reports it
                    run = data.get("run_id") if isinstance(data, dict) else None
                    if isinstance(run, str) and safe_segment(run) == segment:
                        return run
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as error:
            raise os_error(error, path) from None
        return None

    def journal(
        self,
        run_id: str,
        *,
        allow_torn_tail: bool = False,
        allow_empty: bool = False,
        verify: bool = True,
    ) -> EntriesJournal:
        """The run's records, as the runtime's reader returns them."""
        if verify:
            choose_run(self, run_id)
        path = self._journal_path(run_id)
        name = os.path.join(self.name, os.path.relpath(path, self.root))
        lines = JsonlJournal(
            path,
            name=name,
            allow_torn_tail=allow_torn_tail,
            allow_empty=True,
            runtime_blank=True,
        )
        count: list[int] = []

        def read() -> Iterator[tuple[int, bytes, JournalRecord]]:
            with pause_gc():
                entries = [entry for entry in lines.entries() if entry[2].run_id == run_id]
                seqs = [entry[2].journal_seq for entry in entries]
                if any(a > b for a, b in itertools.pairwise(seqs)):
                    entries.sort(key=lambda entry: entry[2].journal_seq)
            count[:] = [len(entries)]
            yield from entries

        return EntriesJournal(
            name,
            "line",
            read,
            total=lambda: count[0] if count else None,
            allow_empty=allow_empty,
            torn_tail=lambda: lines.torn_tail,
        )

    def content_ids(self) -> frozenset[str]:
        """The ids of the content whose ``metadata.json`` is present and decodes (what the
        runtime resolves as not missing); the id is the one inside the metadata."""
        found = set()
        content_dir = os.path.join(self.root, "content")
        for segment in self._listdir(content_dir):
            path = os.path.join(content_dir, segment, "metadata.json")
            try:
                with open(path, "rb") as file:
                    data = file.read()
            except (FileNotFoundError, NotADirectoryError):
                continue
            except OSError as error:
                raise os_error(error, path) from None
            checked = check_document(_METADATA, data)
            if isinstance(checked, Success):
                found.add(str(checked.unwrap()["content_ref"]["content_id"]))
        return frozenset(found)

    def checkpoints(self, run_id: str) -> tuple[StoredCheckpoint, ...]:
        """Every ``*.json`` in the run's ``checkpoints`` folder, in the runtime's order
        (by the contents, not the file names)."""
        folder = os.path.join(self.root, "runs", safe_segment(run_id), "checkpoints")
        found = []
        for name in self._listdir(folder):
            if not name.endswith(".json"):
                continue
            path = os.path.join(folder, name)
            try:
                with open(path, "rb") as file:
                    data = file.read()
            except OSError as error:
                raise os_error(error, path) from None
            found.append(StoredCheckpoint(decode_checkpoint(data, path), path))
        return sorted_checkpoints(found)


def not_a_store(path: str) -> SourceError:
    """The error for a directory that is not a file store, saying what it holds."""
    try:
        names = sorted(os.listdir(path))
    except OSError as error:
        return os_error(error, path)
    shown = ", ".join(names[:8]) + (", ..." if len(names) > 8 else "") if names else "nothing"
    message = (
        "unknown store layout: a directory without the runtime file store's runs/ or"
        f" content/ (found: {shown})"
    )
    return SourceError(Problem.UNKNOWN_LAYOUT, path, message)
