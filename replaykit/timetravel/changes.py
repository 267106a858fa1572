"""Change logs: which map keys and content refs a run of records may have touched.

``immutables.Map`` and pyrsistent's vector are C types that do not expose their trie
nodes, so two states cannot be compared node by node the way pure-Python HAMTs allow.
Instead, the records that lead from one state to the other say where to look: a record
only ever touches ``seen_records[record_id]``, the entries of the five keyed maps under
its payload's ``effect_id``, ``delivery_id`` or ``dedupe_key``, and the content refs it
names. ``touched`` collects these candidates, and ``diff`` compares only those keys.

The derivation is a deliberate superset of what the rules in
``replaykit.replay.transitions`` change: every id a payload carries is a candidate for
every keyed map, so a new rule that keys a map by one of these ids is covered without a
change here. ``diff`` also checks the resulting map sizes and falls back to a full
comparison when they disagree, and the property tests compare it with the full diff.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final, final

import attrs

from replaykit.model import JournalRecord

__all__ = ["Touched", "touched"]

_PAYLOAD_KEYS: Final = ("effect_id", "delivery_id", "dedupe_key")
_PAYLOAD_REFS: Final = ("content_refs", "content_ref_manifest")


@final
@attrs.frozen
class Touched:
    """Candidate changes of a run of steps: record ids, map keys and content refs.

    ``records`` is how many records were looked at, so that callers can tell a long
    run (where comparing everything may be cheaper) from a short one.
    """

    record_ids: frozenset[str]
    keys: frozenset[str]
    content_refs: frozenset[str]
    records: int

    def __or__(self, other: Touched) -> Touched:
        """The change log of both runs of steps, one after the other."""
        return Touched(
            self.record_ids | other.record_ids,
            self.keys | other.keys,
            self.content_refs | other.content_refs,
            self.records + other.records,
        )


def touched(records: Iterable[JournalRecord]) -> Touched:
    """What folding ``records`` (accepted or rejected) may change, as a superset.

    >>> touched([])
    Touched(record_ids=frozenset(), keys=frozenset(), content_refs=frozenset(), records=0)
    """
    record_ids: set[str] = set()
    keys: set[str] = set()
    refs: set[str] = set()
    count = 0
    for record in records:
        count += 1
        record_ids.add(record.record_id)
        refs.update(record.content_refs)
        payload = record.payload
        for name in _PAYLOAD_KEYS:
            key = getattr(payload, name, None)
            if isinstance(key, str):
                keys.add(key)
        for name in _PAYLOAD_REFS:
            refs.update(getattr(payload, name, ()))
    return Touched(frozenset(record_ids), frozenset(keys), frozenset(refs), count)
