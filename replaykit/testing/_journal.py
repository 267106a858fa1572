"""``JournalBuilder`` and ``journal``: number records into a valid journal.

>>> from replaykit.testing.builders import effect_intent, effect_result
>>> [r.record_id for r in journal(effect_intent(), effect_result())]
['journal.run.test.0001', 'journal.run.test.0002']
"""

from __future__ import annotations

import attrs

from replaykit.model import JournalRecord, RunCheckpoint, TerminalResultMarker
from replaykit.testing._envelope import BASE_TIMESTAMP_MILLIS, default_record_id, with_envelope

__all__ = ["JournalBuilder", "journal"]


def _renumber(record: JournalRecord, seq: int) -> JournalRecord:
    """``record`` as record ``seq``: new seq, id and timestamp, and the fields derived from them."""
    new_id = default_record_id(record.run_id, seq)
    payload = record.payload
    if isinstance(payload, TerminalResultMarker) and payload.result_record_id == record.record_id:
        payload = attrs.evolve(payload, result_record_id=new_id)
    if (
        isinstance(payload, RunCheckpoint)
        and payload.covers_journal_seq == max(record.journal_seq - 1, 0)
        and payload.covers_journal_seq < seq
    ):
        payload = attrs.evolve(payload, covers_journal_seq=max(seq - 1, 0))
    record = attrs.evolve(record, payload=payload)
    return with_envelope(
        record,
        journal_seq=seq,
        record_id=new_id,
        timestamp_millis=BASE_TIMESTAMP_MILLIS + 1000 * seq,
    )


class JournalBuilder:
    """Collects records, numbering them: increasing seqs and unique record ids.

    ``add`` renumbers each record it is given (``journal_seq``, ``record_id``,
    ``timestamp_millis``, and what defaults to them: a terminal marker's own record id,
    a checkpoint's "covers the previous seq"). ``raw`` appends a record untouched, for
    journals that are meant to be wrong.

    >>> from replaykit.testing.builders import effect_intent, recovery, terminal_result
    >>> jb = JournalBuilder()
    >>> intent = jb.append(effect_intent("effect.1"))
    >>> _ = jb.add(recovery(pending=[intent]), terminal_result("failed"))
    >>> [(r.journal_seq, r.record_kind.value) for r in jb.records]
    [(1, 'effect_intent'), (2, 'recovery'), (3, 'run')]
    >>> jb.records[1].payload.unsafe_pending[0].intent_record_id == intent.record_id
    True
    """

    def __init__(self, *, start_seq: int = 1, seq_step: int = 1) -> None:
        self._next = start_seq
        self._step = seq_step
        self._records: list[JournalRecord] = []

    @property
    def records(self) -> list[JournalRecord]:
        """A copy of the records so far."""
        return list(self._records)

    @property
    def next_seq(self) -> int:
        """The seq the next ``add``/``append`` gives."""
        return self._next

    def append(self, record: JournalRecord) -> JournalRecord:
        """Renumber ``record``, append it, and return it as appended."""
        stamped = _renumber(record, self._next)
        self._next += self._step
        self._records.append(stamped)
        return stamped

    def add(self, *records: JournalRecord) -> JournalBuilder:
        """Renumber and append ``records``; returns the builder for chaining."""
        for record in records:
            self.append(record)
        return self

    def skip(self, count: int = 1) -> JournalBuilder:
        """Leave a gap of ``count`` seqs (the reducer allows gaps)."""
        self._next += count * self._step
        return self

    def raw(self, *records: JournalRecord) -> JournalBuilder:
        """Append ``records`` exactly as given (no renumbering)."""
        self._records.extend(records)
        return self


def journal(*records: JournalRecord, start_seq: int = 1) -> list[JournalRecord]:
    """The records renumbered from ``start_seq``: a valid journal in one call.

    >>> from replaykit.testing.builders import message
    >>> [r.journal_seq for r in journal(message(), message("message.2"), start_seq=10)]
    [10, 11]
    """
    return JournalBuilder(start_seq=start_seq).add(*records).records
