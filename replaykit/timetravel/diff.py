"""``diff``: RFC 6902 JSON Patch operations between two states (or results).

The operations apply to the snapshot form (``replaykit.timetravel.snapshot``): applied
to ``snapshot(a)`` they give ``snapshot(b)``. Paths are JSON Pointers, so a record id
``a/b~c`` appears as ``/seen_records/a~1b~0c``.

The cost follows the size of the change, not of the state:

- fields are skipped by identity (a fold keeps every unchanged field object);
- map fields are compared only at the keys the records between the two states touched
  (``via=``, see ``replaykit.timetravel.changes``), with a size check that falls back
  to a full comparison when the counts disagree;
- vectors (which a fold only appends to) are compared by length and tail;
- entries are compared by identity before their encodings are.

One exception: the missing content refs are a sorted list in the snapshot, so placing a
changed ref costs a pass over the (usually short) set of missing refs.

Without ``via`` the changed map fields are compared key by key: correct for any two
states, at a cost that follows their size. ``Timeline.diff`` passes ``via`` for you.
Operation order is deterministic: keys sorted at every level, as in the snapshot.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final, TypeAlias

from pyrsistent import PSet, PVector

from replaykit.model import JournalRecord, ReplayResult
from replaykit.replay import ReplayState, SeenRecords
from replaykit.replay.state import STATE_FIELDS
from replaykit.timetravel.changes import Touched, touched
from replaykit.timetravel.pointer import escape
from replaykit.timetravel.snapshot import MAP_FIELDS, VECTOR_FIELDS, encode_field, snapshot
from replaykit.wire import to_data

__all__ = ["Diffable", "Operation", "diff", "diff_json"]

#: One RFC 6902 operation: ``{"op": "add" | "remove" | "replace", "path": ..., "value": ...}``.
Operation: TypeAlias = dict[str, Any]
#: What ``diff`` compares: two states, two results, or two JSON values (e.g. snapshots).
Diffable: TypeAlias = ReplayState | ReplayResult | Mapping[str, Any]

_ABSENT: Final[Any] = object()
#: Fields in the order of the snapshot's sorted keys, so that diffing two states gives
#: the operations, in the same order, that diffing their snapshots does.
_FIELD_ORDER: Final = tuple(sorted(STATE_FIELDS))


def diff(
    a: Diffable, b: Diffable, *, via: Iterable[JournalRecord] | Touched | None = None
) -> list[Operation]:
    """The JSON Patch that turns the snapshot form of ``a`` into that of ``b``.

    ``via``: the records folded between the two states (in either direction), or their
    ``touched`` log; with it only what those records touched is compared. Passing
    records that do not lead from one state to the other gives a wrong patch.

    >>> from replaykit import ReplayConfig, ReplayMode, initial_state
    >>> import attrs
    >>> a = initial_state(ReplayConfig(ReplayMode.AUDIT_REPLAY))
    >>> b = attrs.evolve(a, last_journal_seq=3, terminal_status="completed")
    >>> diff(a, b)
    [{'op': 'replace', 'path': '/last_journal_seq', 'value': 3}, \
{'op': 'replace', 'path': '/terminal_status', 'value': 'completed'}]
    """
    if isinstance(a, ReplayState) and isinstance(b, ReplayState):
        log = via if via is None or isinstance(via, Touched) else touched(via)
        return _diff_states(a, b, log)
    ops: list[Operation] = []
    diff_json("", _as_json(a, b), _as_json(b, a), ops)
    return ops


def _as_json(value: Diffable, other: Diffable) -> Any:
    if isinstance(value, ReplayState):
        if isinstance(other, ReplayResult):
            raise TypeError("cannot diff a ReplayState against a ReplayResult")
        return snapshot(value)
    if isinstance(value, ReplayResult):
        return to_data(value)
    if isinstance(value, Mapping):
        return value
    raise TypeError(f"cannot diff a {type(value).__name__}")


def _diff_states(a: ReplayState, b: ReplayState, log: Touched | None) -> list[Operation]:
    ops: list[Operation] = []
    if a is b:
        return ops
    for name in _FIELD_ORDER:
        old = getattr(a, name)
        new = getattr(b, name)
        if old is new:
            continue
        if name in MAP_FIELDS:
            if log is None:
                candidates = None
            else:
                candidates = log.record_ids if name == "seen_records" else log.keys
            _diff_map(name, old, new, candidates, ops)
        elif name in VECTOR_FIELDS:
            _diff_vector(name, old, new, log is not None, ops)
        elif name == "missing_content_refs":
            _diff_refs(old, new, None if log is None else log.content_refs, ops)
        else:
            diff_json("/" + name, encode_field(name, old), encode_field(name, new), ops)
    return ops


def _diff_map(
    name: str,
    old: Any,
    new: Any,
    candidates: frozenset[str] | None,
    ops: list[Operation],
) -> None:
    if isinstance(old, SeenRecords) and isinstance(new, SeenRecords):
        added = old.difference(new)  # views of one history: only the entries between
        if added is not None:
            _diff_keys(name, old, new, sorted(added), ops)
            return
    if candidates is not None and 2 * len(candidates) <= len(old) + len(new):
        local: list[Operation] = []
        delta = _diff_keys(name, old, new, sorted(candidates), local)
        if len(old) + delta == len(new):
            ops.extend(local)
            return
    # Unrelated states, a long run of steps, or a change the log missed: compare all.
    before = dict(old.items())
    after = dict(new.items())
    keys = before.keys() | after.keys()
    changed = sorted(k for k in keys if before.get(k, _ABSENT) is not after.get(k, _ABSENT))
    _diff_keys(name, before, after, changed, ops)


def _diff_keys(name: str, old: Any, new: Any, keys: Iterable[str], ops: list[Operation]) -> int:
    """Operations for ``keys`` of a map field; returns entries added minus removed."""
    encode = MAP_FIELDS[name]
    prefix = "/" + name + "/"
    delta = 0
    get_old = old.get
    get_new = new.get
    for key in keys:
        before = get_old(key, _ABSENT)
        after = get_new(key, _ABSENT)
        if before is after:
            continue
        if before is _ABSENT:
            ops.append({"op": "add", "path": prefix + escape(key), "value": encode(after)})
            delta += 1
        elif after is _ABSENT:
            ops.append({"op": "remove", "path": prefix + escape(key)})
            delta -= 1
        elif before != after:
            diff_json(prefix + escape(key), encode(before), encode(after), ops)
    return delta


def _diff_vector(
    name: str, old: PVector[Any], new: PVector[Any], related: bool, ops: list[Operation]
) -> None:
    path = "/" + name + "/"
    size_old = len(old)
    size_new = len(new)
    common = min(size_old, size_new)
    # A fold only appends: related states share their common prefix, element for element.
    shared = common == 0 or (related and old[common - 1] is new[common - 1])
    if not shared and old[:common] != new[:common]:
        _diff_list("/" + name, [to_data(x) for x in old], [to_data(x) for x in new], ops)
        return
    for index in range(size_old - 1, common - 1, -1):
        ops.append({"op": "remove", "path": path + str(index)})
    for index in range(common, size_new):
        ops.append({"op": "add", "path": path + str(index), "value": to_data(new[index])})


def _diff_refs(
    old: PSet[str], new: PSet[str], candidates: frozenset[str] | None, ops: list[Operation]
) -> None:
    """Operations on the sorted list of missing content refs."""
    if candidates is not None:
        changed = sorted(ref for ref in candidates if (ref in old) != (ref in new))
        added = sum(1 for ref in changed if ref in new)
        if len(old) + 2 * added - len(changed) == len(new):
            # Below each changed ref the list already equals the new one.
            members = list(new)
            for ref in changed:
                index = str(sum(map(ref.__gt__, members)))
                if ref in new:
                    ops.append(
                        {"op": "add", "path": "/missing_content_refs/" + index, "value": ref}
                    )
                else:
                    ops.append({"op": "remove", "path": "/missing_content_refs/" + index})
            return
    before = sorted(old)
    after = sorted(new)
    i = j = position = 0
    while i < len(before) or j < len(after):
        if j == len(after) or (i < len(before) and before[i] < after[j]):
            ops.append({"op": "remove", "path": f"/missing_content_refs/{position}"})
            i += 1
        elif i == len(before) or after[j] < before[i]:
            ops.append(
                {"op": "add", "path": f"/missing_content_refs/{position}", "value": after[j]}
            )
            position += 1
            j += 1
        else:
            position += 1
            i += 1
            j += 1


def _kind(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, bool):
        return 1
    if isinstance(value, int):
        return 2
    if isinstance(value, str):
        return 3
    if isinstance(value, Mapping):
        return 4
    if isinstance(value, list | tuple):
        return 5
    return 6


def diff_json(path: str, a: Any, b: Any, ops: list[Operation]) -> None:
    """Append to ``ops`` the operations that turn JSON value ``a`` at ``path`` into ``b``.

    JSON types are kept apart (``true`` is not ``1``); objects are compared key by key
    (sorted); arrays keep their common start and end, and the middle is compared index
    by index, with what is left over removed or inserted.

    >>> ops = []
    >>> diff_json("", {"a": [1, 2], "b": True}, {"a": [1], "b": 1, "c/d": None}, ops)
    >>> ops  # doctest: +NORMALIZE_WHITESPACE
    [{'op': 'remove', 'path': '/a/1'}, {'op': 'replace', 'path': '/b', 'value': 1},
     {'op': 'add', 'path': '/c~1d', 'value': None}]
    >>> ops = []
    >>> diff_json("/x", [1, 2, 3], [1, 9, 8, 3], ops)
    >>> ops  # doctest: +NORMALIZE_WHITESPACE
    [{'op': 'replace', 'path': '/x/1', 'value': 9}, {'op': 'add', 'path': '/x/2', 'value': 8}]
    """
    kind = _kind(a)
    if kind != _kind(b):
        ops.append({"op": "replace", "path": path, "value": b})
    elif kind == 4:
        for key in sorted(a.keys() | b.keys()):
            child = path + "/" + escape(key)
            before = a.get(key, _ABSENT)
            after = b.get(key, _ABSENT)
            if before is _ABSENT:
                ops.append({"op": "add", "path": child, "value": after})
            elif after is _ABSENT:
                ops.append({"op": "remove", "path": child})
            else:
                diff_json(child, before, after, ops)
    elif kind == 5:
        _diff_list(path, a, b, ops)
    elif a != b:
        ops.append({"op": "replace", "path": path, "value": b})


def _equal(a: Any, b: Any) -> bool:
    """JSON equality: like ``==``, but ``true`` is not ``1``."""
    kind = _kind(a)
    if kind != _kind(b):
        return False
    if kind == 4:
        return a.keys() == b.keys() and all(_equal(a[key], b[key]) for key in a)
    if kind == 5:
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _diff_list(path: str, a: Any, b: Any, ops: list[Operation]) -> None:
    start = 0
    end_a = len(a)
    end_b = len(b)
    while start < end_a and start < end_b and _equal(a[start], b[start]):
        start += 1
    while end_a > start and end_b > start and _equal(a[end_a - 1], b[end_b - 1]):
        end_a -= 1
        end_b -= 1
    paired = min(end_a, end_b)
    for index in range(start, paired):
        diff_json(f"{path}/{index}", a[index], b[index], ops)
    for index in range(end_a - 1, paired - 1, -1):
        ops.append({"op": "remove", "path": f"{path}/{index}"})
    for index in range(paired, end_b):
        ops.append({"op": "add", "path": f"{path}/{index}", "value": b[index]})
