"""Questions asked of a timeline: when did it first go wrong, what changed where, and
what happened to one entity. ``Timeline.first``, ``.changes`` and ``.history`` call these.

Steps are numbered as the timeline's states are: step ``k`` applied the ``k``-th record
and left state ``k``; step 0 is the initial state.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final, Literal

from replaykit.model import JournalRecord
from replaykit.replay import ReplayState, finish
from replaykit.replay.state import STATE_FIELDS
from replaykit.timetravel.diff import diff, diff_json
from replaykit.timetravel.pointer import parse_pointer
from replaykit.timetravel.snapshot import MAP_FIELDS, VECTOR_FIELDS, encode_entry, encode_field

if TYPE_CHECKING:
    from replaykit.timetravel.timeline import Step, Timeline

__all__ = ["changes", "first", "history", "mentions"]

_ABSENT: Final[Any] = object()


def first(
    timeline: Timeline,
    predicate: Callable[[Any], object],
    *,
    on: Literal["state", "result", "step"] = "state",
    monotone: bool = False,
) -> int | None:
    """The first step ``k`` at which ``predicate`` holds, or ``None``.

    ``on`` picks what the predicate sees: the state, its ``finish`` result or the
    ``Step``. A forward scan reads only as far as the answer; ``monotone=True`` (false,
    then true for good) bisects over every step with O(log n) evaluations instead.
    """
    if on == "state":
        holds: Callable[[int], bool] = lambda k: bool(predicate(timeline.state(k)))  # noqa: E731
    elif on == "result":
        holds = lambda k: bool(predicate(finish(timeline.state(k))))  # noqa: E731
    elif on == "step":
        holds = lambda k: bool(predicate(timeline.step(k)))  # noqa: E731
    else:
        raise ValueError(f"on must be 'state', 'result' or 'step', not {on!r}")
    if monotone:
        low, high = 0, len(timeline)
        while low < high:
            middle = (low + high) // 2
            if holds(middle):
                high = middle
            else:
                low = middle + 1
        return low if low < len(timeline) else None
    for k, _ in enumerate(timeline):
        if holds(k):
            return k
    return None


def _at(value: Any, tokens: list[str]) -> Any:
    """The JSON value under ``tokens`` in ``value``, or ``_ABSENT``."""
    for token in tokens:
        if isinstance(value, dict):
            value = value.get(token, _ABSENT)
        elif isinstance(value, list) and token.isdigit() and int(token) < len(value):
            value = value[int(token)]
        else:
            return _ABSENT
        if value is _ABSENT:
            return _ABSENT
    return value


def _differs(a: Any, b: Any) -> bool:
    if a is _ABSENT or b is _ABSENT:
        return a is not b
    ops: list[dict[str, Any]] = []
    diff_json("", a, b, ops)
    return bool(ops)


def _entry(name: str, field: Any, token: str) -> Any:
    """The entry of a map or vector field under ``token``, or ``_ABSENT``."""
    if name in MAP_FIELDS:
        return field.get(token, _ABSENT)
    if token.isdigit() and int(token) < len(field):
        return field[int(token)]
    return _ABSENT


def _changed(
    a: ReplayState, b: ReplayState, name: str, rest: list[str], record: JournalRecord
) -> bool:
    old = getattr(a, name)
    new = getattr(b, name)
    if old is new:
        return False
    if not rest:
        prefix = "/" + name
        ops = diff(a, b, via=(record,))
        return any(op["path"] == prefix or op["path"].startswith(prefix + "/") for op in ops)
    if name in MAP_FIELDS or name in VECTOR_FIELDS:
        before = _entry(name, old, rest[0])
        after = _entry(name, new, rest[0])
        if before is after:
            return False
        if before is not _ABSENT:
            before = _at(encode_entry(name, before), rest[1:])
        if after is not _ABSENT:
            after = _at(encode_entry(name, after), rest[1:])
        return _differs(before, after)
    return _differs(_at(encode_field(name, old), rest), _at(encode_field(name, new), rest))


def changes(timeline: Timeline, path: str) -> list[int]:
    """The steps ``k`` whose state differs from state ``k - 1`` at JSON Pointer ``path``.

    A value appearing or disappearing counts as a change; ``""`` watches the whole
    state. ``ValueError`` for a malformed pointer or an unknown top-level field.
    """
    tokens = parse_pointer(path)
    if tokens and tokens[0] in ("format", "version"):
        return []
    if tokens and tokens[0] not in STATE_FIELDS:
        raise ValueError(f"{path!r} names no field of a state snapshot")
    out: list[int] = []
    previous: ReplayState | None = None
    for k, state in enumerate(timeline):
        if previous is not None and state is not previous:
            record = timeline.record(k)
            if tokens:
                if _changed(previous, state, tokens[0], tokens[1:], record):
                    out.append(k)
            elif diff(previous, state, via=(record,)):
                out.append(k)
        previous = state
    return out


_RECORD_IDS: Final = ("record_id", "idempotency_key", "dedupe_key")
_PAYLOAD_IDS: Final = (
    "effect_id",
    "delivery_id",
    "dedupe_key",
    "idempotency_key",
    "intent_record_id",
    "result_record_id",
    "prior_delivery_id",
)
_PAYLOAD_REFS: Final = ("content_refs", "content_ref_manifest")
_NESTED: Final = ("effect_intent", "effect_result")
_PENDING: Final = ("unsafe_pending", "pending_side_effects")


def mentions(record: JournalRecord, entity_id: str) -> bool:
    """Whether ``record`` names ``entity_id``: as its id or key, a content ref, or an
    effect, delivery, dedupe key or record id in its payload (pending lists included)."""
    if entity_id in record.content_refs:
        return True
    if any(getattr(record, name) == entity_id for name in _RECORD_IDS):
        return True
    payload = record.payload
    for part in (payload, *(getattr(payload, name, None) for name in _NESTED)):
        if part is None:
            continue
        if any(getattr(part, name, None) == entity_id for name in _PAYLOAD_IDS):
            return True
        if any(entity_id in getattr(part, name, ()) for name in _PAYLOAD_REFS):
            return True
    for name in _PENDING:
        for entry in getattr(payload, name, ()):
            if entry.effect_id == entity_id or entry.intent_record_id == entity_id:
                return True
    return False


def history(timeline: Timeline, entity_id: str) -> list[Step]:
    """Every step whose record names ``entity_id`` (see ``mentions``), in order."""
    return [
        timeline.step(k) for k in range(1, len(timeline)) if mentions(timeline.record(k), entity_id)
    ]
