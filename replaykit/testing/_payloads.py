"""Hypothesis strategies for the payloads the reducer ignores, drawn from their shapes.

Every value drawn is one the reference runtime decodes: fields follow the shape tables
of ``replaykit.model.shapes`` (required fields always present, optional ones sometimes,
integers in range, enum values spelled exactly, identifiers non-empty, at most 512 UTF-8
bytes and free of control characters, strings free of lone surrogates).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any, Final

import attrs
from hypothesis import strategies as st

from replaykit.model import OtherPayload
from replaykit.model._wirespec import BOOL, ID, STR, U16, U32, U64, Presence
from replaykit.model.shapes import PAYLOADS, SHAPES, Enum, Kind, Struct, Union, struct_of
from replaykit.model.shapes._dsl import U8
from replaykit.wire import from_data

__all__ = ["ignored_payload_data", "ignored_payloads"]

#: Text of any kind but lone surrogates (which the reference refuses in every string).
_TEXT: Final = st.text(st.characters(exclude_categories=["Cs"]), max_size=12)
#: Identifiers: readable ones mostly, any valid one sometimes.
_IDS: Final = st.sampled_from(["id.1", "id.2", "a b", "é"]) | st.text(
    st.characters(exclude_categories=["Cs", "Cc"]), min_size=1, max_size=8
)
_UINTS: Final = {U8: 2**8 - 1, U16: 2**16 - 1, U32: 2**32 - 1, U64: 2**64 - 1}


def _kind(kind: Kind) -> st.SearchStrategy[Any]:
    if kind == STR:
        return _TEXT
    if kind == ID:
        return _IDS
    if kind == BOOL:
        return st.booleans()
    if isinstance(kind, str) and kind in _UINTS:
        top = _UINTS[kind]
        return st.integers(0, top) | st.sampled_from([0, top])
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return st.sampled_from([str(member.value) for member in kind])
    if isinstance(kind, type) and attrs.has(kind):
        return st.deferred(lambda: _model(kind))
    shape = SHAPES[str(kind)]
    if isinstance(shape, Enum):
        return st.sampled_from(shape.values)
    if isinstance(shape, Struct):
        return st.deferred(lambda: _struct([(f.key, f.kind, f.presence) for f in shape.fields]))
    return st.deferred(lambda: _union(shape))


def _struct(fields: list[tuple[str, Kind, Presence]]) -> st.SearchStrategy[dict[str, Any]]:
    parts: list[st.SearchStrategy[dict[str, Any]]] = []
    for key, kind, presence in fields:
        value = _kind(kind)
        if presence is Presence.REQUIRED:
            parts.append(value.map(_under(key)))
        elif presence in (Presence.OPTIONAL, Presence.NULLABLE):
            parts.append(st.just({}) | st.just({key: None}) | value.map(_under(key)))
        else:
            items = st.lists(value, max_size=2).map(_under(key))
            parts.append(items if presence is Presence.LIST_REQUIRED else st.just({}) | items)
    return st.tuples(*parts).map(_merge)


def _under(key: str) -> Callable[[Any], dict[str, Any]]:
    return lambda value: {key: value}


def _merge(parts: tuple[dict[str, Any], ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for part in parts:
        out.update(part)
    return out


def _model(cls: type) -> st.SearchStrategy[dict[str, Any]]:
    return _struct([(f.key, f.kind, f.presence) for f in struct_of(cls).fields])


def _union(shape: Union) -> st.SearchStrategy[dict[str, Any]]:
    options = []
    for name, body in shape.variants:
        inner: st.SearchStrategy[dict[str, Any]] = st.just({}) if body is None else _body(body)
        options.append(inner.map(_tagged(shape, name)))
    return st.one_of(*options)


def _tagged(shape: Union, name: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """How variant ``name`` of ``shape`` wraps its body."""
    if shape.style == "internal":
        return lambda body: {shape.tag: name, **body}
    if shape.style == "adjacent":
        return lambda body: {"record_type": name, "record": body}
    return lambda body: {name: body}


def _body(body: Struct | str) -> st.SearchStrategy[dict[str, Any]]:
    if isinstance(body, Struct):
        return _struct([(f.key, f.kind, f.presence) for f in body.fields])
    return _kind(body)


def ignored_payload_data(tag: str) -> st.SearchStrategy[dict[str, Any]]:
    """JSON data (``{"type": tag, ...}``) of a ``tag`` payload the reference accepts;
    optional fields are sometimes absent and sometimes ``null``, as writers leave them.

    >>> from hypothesis import find
    >>> find(ignored_payload_data("message"), lambda d: True)["type"]
    'message'
    """
    return _kind(PAYLOADS[tag]).map(lambda d: {"type": tag, **d})


def ignored_payloads(tags: list[str] | None = None) -> st.SearchStrategy[OtherPayload]:
    """Valid ``OtherPayload`` values (canonical, as decoding gives them), of any of
    ``tags`` (default: every payload kind the reducer ignores but ``turn_lifecycle``,
    which has a class of its own)."""
    chosen = sorted(PAYLOADS) if tags is None else tags
    return st.one_of(*[ignored_payload_data(tag) for tag in chosen]).map(
        lambda data: from_data(OtherPayload, data).unwrap()
    )
