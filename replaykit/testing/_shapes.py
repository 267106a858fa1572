"""The smallest valid data of each payload the reducer ignores, from its shape table.

Builders start from it: every required field with a plain value (an identifier named
after its key, ``""``, ``0``, ``false``, the first enum value, the first variant of a
union), optional fields left out.
"""

from __future__ import annotations

import enum
from typing import Any

import attrs

from replaykit.model._wirespec import BOOL, ID, STR, U16, U32, U64, Presence
from replaykit.model.shapes import PAYLOADS, SHAPES, Enum, Kind, Struct, Union, struct_of
from replaykit.model.shapes._dsl import U8

__all__ = ["minimal_payload_data"]


def _value(kind: Kind, key: str) -> Any:
    if kind == ID:
        return f"{key.removesuffix('_id').removesuffix('_ref')}.1"
    if kind == STR:
        return ""
    if kind in (U8, U16, U32, U64):
        return 0
    if kind == BOOL:
        return False
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return next(iter(kind)).value
    if isinstance(kind, type) and attrs.has(kind):
        return _fields([(f.key, f.kind, f.presence) for f in struct_of(kind).fields])
    shape = SHAPES[str(kind)]
    if isinstance(shape, Enum):
        return shape.values[0]
    if isinstance(shape, Struct):
        return _fields([(f.key, f.kind, f.presence) for f in shape.fields])
    return _union(shape)


def _fields(fields: list[tuple[str, Kind, Presence]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, kind, presence in fields:
        if presence is Presence.REQUIRED:
            out[key] = _value(kind, key)
        elif presence is Presence.LIST_REQUIRED:
            out[key] = []
    return out


def _union(shape: Union) -> dict[str, Any]:
    name, body = shape.variants[0]
    data: dict[str, Any] = {}
    if isinstance(body, Struct):
        data = _fields([(f.key, f.kind, f.presence) for f in body.fields])
    elif body is not None:
        data = _value(body, name)
    if shape.style == "internal":
        return {shape.tag: name, **data}
    if shape.style == "adjacent":
        return {"record_type": name, "record": data}
    return {name: data}


def minimal_payload_data(tag: str) -> dict[str, Any]:
    """``{"type": tag, ...}`` with every required field of the payload and nothing else.

    >>> minimal_payload_data("message")
    {'type': 'message', 'message_id': 'message.1', 'role': '', 'redacted_summary': ''}
    """
    return {"type": tag, **_value(PAYLOADS[tag], tag)}
