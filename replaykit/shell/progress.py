"""``Feed``: the records of a journal source, counted, located, with a progress bar."""

from __future__ import annotations

import array
import sys
from collections.abc import Iterator
from typing import Final, final

import click

from replaykit.model import JournalRecord
from replaykit.shell.sources import JournalSource

__all__ = ["Feed"]

_PROGRESS_EVERY: Final = 4096
_PROGRESS_MIN_BYTES: Final = 4 * 1024 * 1024
_PROGRESS_MIN_ROWS: Final = 20_000


@final
class Feed:
    """The records of a source, counted, with their locations and a progress bar.

    The bar is drawn on standard error only when ``progress`` is on (it is a terminal)
    and the journal is long.
    """

    def __init__(self, source: JournalSource, *, progress: bool, keep_locations: bool = False):
        self.source = source
        self.count = 0
        self.progress = progress
        self.locations: array.array[int] | None = array.array("q") if keep_locations else None

    def __iter__(self) -> Iterator[JournalRecord]:
        records = iter(self.source)
        if not self.progress:
            return self._plain(records)  # one generator step per record, not two
        return self._maybe_bar(records)

    def _maybe_bar(self, records: Iterator[JournalRecord]) -> Iterator[JournalRecord]:
        for record in self._plain(records):
            yield record
            if self.progress and self.count == 1:
                yield from self._with_bar(records)
                return

    def _with_bar(self, records: Iterator[JournalRecord]) -> Iterator[JournalRecord]:
        done, total = self.source.progress()
        minimum = _PROGRESS_MIN_BYTES if self.source.unit == "line" else _PROGRESS_MIN_ROWS
        if total is None or total < minimum or not sys.stderr.isatty():
            yield from self._plain(records)
            return
        with click.progressbar(
            length=total, label="replaying", file=sys.stderr, show_pos=False
        ) as bar:
            bar.update(done)
            shown = done
            for record in self._plain(records):
                yield record
                if self.count % _PROGRESS_EVERY == 0:
                    done, _ = self.source.progress()
                    bar.update(done - shown)
                    shown = done
            bar.update(total - shown)

    def _plain(self, records: Iterator[JournalRecord]) -> Iterator[JournalRecord]:
        locations = self.locations
        for record in records:
            self.count += 1
            if locations is not None:
                locations.append(self.source.location)
            yield record
