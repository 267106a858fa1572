"""Single-field mutations of payload data, for the decoding tests.

``slots`` finds every field of a payload's data with its shape-table row; ``mutations``
lists the edits of one field that the reference refuses (wrong type, missing, null, out
of range, a fraction, bad identifiers, wrong case, a repeated key); ``dumps`` writes
JSON that can repeat one key.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterator
from typing import Any, Final

import attrs

from replaykit.model._wirespec import Presence
from replaykit.model.shapes import SHAPES, Enum, Kind, Struct, Union, struct_of
from replaykit.model.shapes._dsl import U8

__all__ = ["REPEAT", "Slot", "dumps", "json_path", "mutations", "slots"]


@attrs.frozen
class Slot:
    """A field found in payload data: where it is, its table row and its object."""

    path: tuple[str | int, ...]
    key: str
    kind: Kind
    presence: Presence
    parent: dict[str, Any]


def slots(data: Any, kind: Kind, path: tuple[str | int, ...]) -> Iterator[Slot]:
    """Every field of ``data`` (of ``kind``) with its table row, depth first."""
    if isinstance(kind, type) and attrs.has(kind):
        rows = [(f.key, f.kind, f.presence) for f in struct_of(kind).fields]
        yield from _struct_slots(data, rows, path)
        return
    shape = SHAPES.get(kind) if isinstance(kind, str) else None
    if isinstance(shape, Struct):
        yield from _struct_slots(data, [(f.key, f.kind, f.presence) for f in shape.fields], path)
    elif isinstance(shape, Union):
        yield from _union_slots(data, shape, path)


def _struct_slots(
    data: dict[str, Any], rows: list[tuple[str, Kind, Presence]], path: tuple[str | int, ...]
) -> Iterator[Slot]:
    for key, kind, presence in rows:
        yield Slot((*path, key), key, kind, presence, data)
        value = data.get(key)
        if isinstance(value, dict):
            yield from slots(value, kind, (*path, key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                yield from slots(item, kind, (*path, key, index))


def _union_slots(data: dict[str, Any], shape: Union, path: tuple[str | int, ...]) -> Iterator[Slot]:
    if shape.style == "internal":
        body = dict(shape.variants)[data[shape.tag]]
        inner, where = data, path
    elif shape.style == "adjacent":
        body = dict(shape.variants)[data["record_type"]]
        inner, where = data["record"], (*path, "record")
    else:
        name = next(iter(data))
        body = dict(shape.variants)[name]
        inner, where = data[name], (*path, name)
    if isinstance(body, Struct):
        yield from _struct_slots(inner, [(f.key, f.kind, f.presence) for f in body.fields], where)
    elif isinstance(body, str):
        yield from slots(inner, body, where)


def json_path(path: tuple[str | int, ...]) -> str:
    return "$" + "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path)


_TOPS: Final = {U8: 2**8, "u16": 2**16, "u32": 2**32, "u64": 2**64}


def mutations(slot: Slot) -> list[tuple[str, Any]]:
    """``(name, new value)`` edits of the slot the reference refuses (``...``: delete)."""
    kind, presence = slot.kind, slot.presence
    many = presence in (Presence.LIST, Presence.LIST_REQUIRED)
    out: list[tuple[str, Any]] = [("wrong type", True if kind != "bool" or many else "true")]
    if presence in (Presence.REQUIRED, Presence.LIST_REQUIRED):
        out.append(("missing", ...))
    if presence in (Presence.REQUIRED, Presence.LIST, Presence.LIST_REQUIRED):
        out.append(("null", None))
    if many:
        return out
    if isinstance(kind, str) and kind in _TOPS:
        out += [("past the top", _TOPS[kind]), ("negative", -1), ("fraction", 1.5)]
    if kind == "id":
        out += [("empty id", ""), ("control character", "a\u0085"), ("long id", "é" * 257)]
    values = _enum_values(kind)
    if values:
        wrong = [v.swapcase() for v in values if v.swapcase() not in values]
        out += [("wrong case", wrong[0])] if wrong else []
    out.append(("repeated key", REPEAT))
    return out


def _enum_values(kind: Kind) -> list[str]:
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return [str(member.value) for member in kind]
    shape = SHAPES.get(kind) if isinstance(kind, str) else None
    return list(shape.values) if isinstance(shape, Enum) else []


REPEAT: Final = object()


def dumps(value: Any, repeat: tuple[int, str] | None = None) -> str:
    """Compact JSON; with ``repeat`` (``(id(object), key)``) that object's key twice."""
    if isinstance(value, dict):
        items = list(value.items())
        if repeat is not None and repeat[0] == id(value):
            items.append((repeat[1], value[repeat[1]]))
        return "{" + ",".join(f"{json.dumps(k)}:{dumps(v, repeat)}" for k, v in items) + "}"
    if isinstance(value, list):
        return "[" + ",".join(dumps(item, repeat) for item in value) + "]"
    return json.dumps(value, ensure_ascii=False)
