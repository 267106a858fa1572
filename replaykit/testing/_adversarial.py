"""Adversarial strategies: journals the reducer should reject, JSON the decoder should refuse.

``adversarial_journals`` starts from a valid journal and applies a few mutations (each a
reference rule: duplicate ids, seqs going back, a wrong schema version, records after
the seal, a checkpoint covering the future). ``adversarial_lines`` writes one record as
JSON and breaks it at the JSON level: invalid ids, integers out of range, wrong types,
missing fields, unknown tags. Mutations are drawn as (kind, position) with small
positions first, so a failing example shrinks to one mutation near the start.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Sequence
from typing import Any, Final

import attrs
from hypothesis import strategies as st

from replaykit.model import JournalRecord, RunCheckpoint
from replaykit.testing import builders as b
from replaykit.wire import to_data

__all__ = ["ADVERSARIAL_KINDS", "LINE_BREAKAGES", "adversarial_journals", "adversarial_lines"]

#: Journal mutations ``adversarial_journals`` applies.
ADVERSARIAL_KINDS: Final = (
    "duplicate",  # an exact copy later on (accepted when it has a key, else rejected)
    "reuse_id",  # a later record takes an earlier record's id
    "stale_seq",  # a later record takes an earlier (or equal) seq
    "swap",  # two neighbours change places
    "schema",  # a journal_schema_version other than 1
    "after_terminal",  # a seal, then a record that is not a checkpoint or recovery
    "checkpoint_past",  # a checkpoint whose covers_journal_seq is past its own seq
)

#: JSON-level breakages ``adversarial_lines`` applies.
LINE_BREAKAGES: Final = (
    "empty_id",
    "control_char_id",
    "long_id",
    "negative_int",
    "too_big_int",
    "wrong_type",
    "missing_field",
    "unknown_enum",
    "unknown_payload",
    "truncated",
)

_Records = list[JournalRecord]


def _insert(records: _Records, at: int, record: JournalRecord) -> _Records:
    """Insert ``record`` at ``at`` with the next seq; shift the seqs of those after it."""
    seq = records[at - 1].journal_seq + 1 if at > 0 else 1
    rid = f"journal.adversarial.{len(records)}.{at}"
    shifted = [b.with_envelope(r, journal_seq=r.journal_seq + 1) for r in records[at:]]
    return [*records[:at], b.with_envelope(record, journal_seq=seq, record_id=rid), *shifted]


def _mutate(draw: st.DrawFn, kind: str, records: _Records) -> _Records:
    last = len(records) - 1
    i = draw(st.integers(0, last))
    if kind == "duplicate":
        at = draw(st.integers(i + 1, len(records)))
        return [*records[:at], records[i], *records[at:]]
    if kind == "schema":
        version = draw(st.sampled_from((0, 2, 65535)))
        return [
            *records[:i],
            b.with_envelope(records[i], journal_schema_version=version),
            *records[i + 1 :],
        ]
    if kind == "after_terminal":
        sealed = _insert(
            records, i, b.run_lifecycle(draw(st.sampled_from(("completed", "failed"))))
        )
        return _insert(sealed, i + 1, b.message("message.after.terminal"))
    if kind == "checkpoint_past":
        past = draw(st.integers(1, 5))
        inserted = _insert(records, i, b.checkpoint("checkpoint.past"))
        payload = inserted[i].payload
        assert isinstance(payload, RunCheckpoint)
        ckpt = attrs.evolve(payload, covers_journal_seq=inserted[i].journal_seq + past)
        return [*inserted[:i], attrs.evolve(inserted[i], payload=ckpt), *inserted[i + 1 :]]
    if last == 0:  # the other mutations need two records
        records = _insert(records, 1, b.message("message.adversarial"))
        last = 1
    i = min(i, last - 1)
    j = draw(st.integers(i + 1, last))
    if kind == "reuse_id":
        changed = b.with_envelope(records[j], record_id=records[i].record_id)
    elif kind == "stale_seq":
        changed = b.with_envelope(records[j], journal_seq=records[i].journal_seq)
    else:  # swap
        return [*records[:i], records[i + 1], records[i], *records[i + 2 :]]
    return [*records[:j], changed, *records[j + 1 :]]


@st.composite
def adversarial_journals(
    draw: st.DrawFn,
    kinds: Collection[str] = ADVERSARIAL_KINDS,
    *,
    max_mutations: int = 2,
    base: st.SearchStrategy[_Records] | None = None,
) -> _Records:
    """A valid journal broken by 1..``max_mutations`` mutations of the given kinds.

    Most, not all, are rejected somewhere (an exact duplicate of a keyed record is an
    accepted no-op); use ``replaykit.lint`` to see where.

    >>> from hypothesis import find
    >>> from replaykit import ReplayConfig, ReplayMode, lint
    >>> records = find(adversarial_journals(["stale_seq"]), lambda records: True)
    >>> [r.journal_seq for r in records]
    [1, 1]
    >>> [(i, f.message) for i, f in lint(records, ReplayConfig(ReplayMode.AUDIT_REPLAY)).faults]
    [(1, 'journal records must be strictly increasing during replay')]
    """
    from replaykit.testing.strategies import journals

    unknown = set(kinds) - set(ADVERSARIAL_KINDS)
    if unknown:
        raise ValueError(f"unknown mutation kinds: {sorted(unknown)}")
    pool = [k for k in ADVERSARIAL_KINDS if k in kinds]
    records = draw(base if base is not None else journals(min_blocks=1, max_blocks=4))
    if not records:
        records = [b.message()]
    for kind in draw(st.lists(st.sampled_from(pool), min_size=1, max_size=max_mutations)):
        records = _mutate(draw, kind, records)
    return records


_ID_PATHS: Final = (
    ("run_id",),
    ("agent_id",),
    ("subject_ref", "id"),
    ("source", "id"),
    ("event_index", "run_id"),
    ("payload", "effect_id"),
    ("payload", "record", "dedupe_key"),
)
_INT_PATHS: Final = (("journal_seq",), ("timestamp_millis",), ("journal_schema_version",))
_REQUIRED: Final = ("record_id", "run_id", "payload", "journal_seq", "event_index", "privacy")


def _paths(data: dict[str, Any], paths: Sequence[tuple[str, ...]]) -> list[tuple[str, ...]]:
    found = []
    for path in paths:
        node: Any = data
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        if node is not None:
            found.append(path)
    return found


def _set(data: dict[str, Any], path: tuple[str, ...], value: object) -> None:
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value


_BAD_IDS: Final[dict[str, Callable[[str], str]]] = {
    "empty_id": lambda _: "",
    "control_char_id": lambda good: good + "\n",
    "long_id": lambda _: "x" * 513,
}


@st.composite
def adversarial_lines(draw: st.DrawFn, breakages: Collection[str] = LINE_BREAKAGES) -> str:
    """One journal line (JSON text) broken at the JSON level; ``from_json`` must refuse it.

    >>> from hypothesis import find
    >>> from replaykit import JournalRecord, from_json
    >>> line = find(adversarial_lines(["long_id"]), lambda line: True)
    >>> "exceeds max 512" in str(from_json(JournalRecord, line).failure())
    True
    """
    from replaykit.testing.strategies import records

    data: dict[str, Any] = to_data(draw(records()))
    kind = draw(st.sampled_from([k for k in LINE_BREAKAGES if k in breakages]))
    if kind in _BAD_IDS:
        path = draw(st.sampled_from(_paths(data, _ID_PATHS)))
        _set(data, path, _BAD_IDS[kind](str(b.DEFAULT_RUN_ID)))
    elif kind in ("negative_int", "too_big_int"):
        path = draw(st.sampled_from(_INT_PATHS))
        bound = 65536 if path == ("journal_schema_version",) else 2**64
        _set(data, path, -1 if kind == "negative_int" else bound)
    elif kind == "wrong_type":
        path = draw(st.sampled_from(_INT_PATHS + _ID_PATHS[:2]))
        _set(data, path, [] if draw(st.booleans()) else True)
    elif kind == "missing_field":
        del data[draw(st.sampled_from(_REQUIRED))]
    elif kind == "unknown_enum":
        _set(data, draw(st.sampled_from((("record_kind",), ("privacy",)))), "bogus")
    elif kind == "unknown_payload":
        _set(data, ("payload", "type"), "bogus_payload")
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    if kind == "truncated":
        text = text[: draw(st.integers(0, len(text) - 1))]
    return text
