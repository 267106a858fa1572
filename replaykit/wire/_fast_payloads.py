"""The fast path of the payloads the reducer ignores: msgspec mirrors of their shapes.

For a clean line (see ``_fast``), the payload object is decoded by msgspec into mirror
structs generated from the shape tables (``replaykit.model.shapes``), which checks in C
what ``_payloads`` checks in Python: presence, JSON types, integer ranges, enum values,
identifier lengths, internally tagged unions. Encoding the structs again must give the
payload's bytes as written; equal bytes prove the payload is already in canonical form
(declaration order, no unknown or repeated key, no ``null`` or ``[]`` the encoder leaves
out, every ``null`` it writes), so those bytes are the ``OtherPayload`` itself.

What msgspec cannot express is handled apart: a u64 past the i64 range (msgspec bounds
stop there, so such rare values take the exact path), the record of an adjacently
tagged payload (decoded by the mirror of its ``record_type``), and externally tagged
unions (kept as raw JSON by the mirrors and checked by ``_payloads``). Anything that
fails raises, and the caller takes the exact path, which gives the same value or the
precise error.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Annotated, Any, Final, Literal, Union

import attrs
import msgspec

from replaykit.model import OtherPayload
from replaykit.model._wirespec import BOOL, ID, STR, U16, U32, U64, Presence
from replaykit.model.ids import MAX_ID_LEN
from replaykit.model.shapes import PAYLOADS, SHAPES, Enum, Kind, Struct
from replaykit.model.shapes import Union as UnionShape
from replaykit.model.shapes._dsl import U8

__all__ = ["build"]

#: An identifier on a clean line: only its length is left to check.
_ID: Final = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_ID_LEN)]
_TOPS: Final = {U8: 2**8 - 1, U16: 2**16 - 1, U32: 2**32 - 1}
_I64_MAX: Final = 2**63 - 1

#: The path to an externally tagged value inside a mirror: (attribute, is a list) steps.
_Path = tuple[tuple[str, bool], ...]


class _Mirrors:
    """msgspec mirror structs of the shape tables, each generated once."""

    def __init__(self, mirror_model: Callable[[type], Any]) -> None:
        self.mirror_model = mirror_model
        self.structs: dict[tuple[str, str | None], Any] = {}
        #: shape name -> paths to the externally tagged values inside it
        self.raw_paths: dict[str, list[tuple[_Path, str]]] = {}

    def kind(self, kind: Kind) -> Any:
        if kind == STR:
            return str
        if kind == ID:
            return _ID
        if kind == BOOL:
            return bool
        if kind == U64:
            # msgspec bounds stop at i64: the rare u64 past it takes the exact path.
            return Annotated[int, msgspec.Meta(ge=0, le=_I64_MAX)]
        if isinstance(kind, str) and kind in _TOPS:
            return Annotated[int, msgspec.Meta(ge=0, le=_TOPS[kind])]
        if isinstance(kind, type) and issubclass(kind, enum.Enum):
            return kind
        if isinstance(kind, type) and attrs.has(kind):
            return self.mirror_model(kind)
        shape = SHAPES[str(kind)]
        if isinstance(shape, Enum):
            return Literal.__getitem__(shape.values)
        if isinstance(shape, Struct):
            return self.struct(shape)
        if shape.style == "internal":
            return Union.__getitem__(
                tuple(self.variant(shape, name, body) for name, body in shape.variants)
            )
        return msgspec.Raw  # external (and adjacent, never nested): checked in Python

    def variant(self, shape: UnionShape, name: str, body: Struct | str | None) -> Any:
        if isinstance(body, str):
            found = SHAPES[body]
            assert isinstance(found, Struct), body
            body = found
        fields = body if body is not None else Struct(f"{shape.name}::{name}", ())
        struct = self.struct(fields, name if shape.style == "internal" else None, shape.tag)
        if shape.style == "internal" and fields.name in self.raw_paths:
            # Not needed by any table yet: a variant would have to report its raw values.
            raise TypeError(f"{shape.name}: externally tagged values inside a variant")
        return struct

    def struct(self, shape: Struct, tag: str | None = None, tag_field: str | None = None) -> Any:
        found = self.structs.get((shape.name, tag))
        if found is not None:
            return found
        fields: list[tuple[Any, ...]] = []
        raw: list[tuple[_Path, str]] = []
        for field in shape.fields:
            kind = self.kind(field.kind)
            many = field.presence in (Presence.LIST, Presence.LIST_REQUIRED)
            if kind is msgspec.Raw:
                raw.append((((field.key, many),), str(field.kind)))
            elif isinstance(field.kind, str) and field.kind in self.raw_paths:
                raw += [
                    (((field.key, many), *path), union)
                    for path, union in self.raw_paths[field.kind]
                ]
            many_kind = tuple.__class_getitem__((kind, ...))
            if field.presence is Presence.REQUIRED:
                fields.append((field.key, kind))
            elif field.presence is Presence.OPTIONAL:
                fields.append((field.key, Union.__getitem__((kind, None)), None))
            elif field.presence is Presence.NULLABLE:
                # Required here: the canonical form always writes it (``null`` if absent).
                fields.append((field.key, Union.__getitem__((kind, None))))
            elif field.presence is Presence.LIST:
                fields.append((field.key, many_kind, ()))
            else:
                fields.append((field.key, many_kind))
        struct = msgspec.defstruct(
            shape.name.replace("::", "_"),
            fields,
            kw_only=True,
            omit_defaults=True,
            frozen=True,
            gc=False,
            tag=tag,
            tag_field=tag_field if tag is not None else None,
        )
        self.structs[shape.name, tag] = struct
        if raw:
            self.raw_paths[shape.name] = raw
        return struct


def _values(value: Any, path: _Path) -> list[Any]:
    """The values at ``path`` below ``value`` (absent options and empty lists give none)."""
    values = [value]
    for attribute, many in path:
        step: list[Any] = []
        for item in values:
            got = getattr(item, attribute, None)
            if got is None:
                continue
            step.extend(got if many else [got])
        values = step
    return values


def build(
    mirror_model: Callable[[type], Any],
    check_of: Callable[[str], Callable[[Any], Any]],
    slow: type[Exception],
) -> Callable[[bytes], OtherPayload]:
    """The fast decoder of an ignored payload's bytes (a clean line's payload object).

    ``mirror_model`` gives the mirror of a model class (``EntityRef`` ...), ``check_of``
    the Python check of a shape, by name; it raises ``slow`` (or a msgspec error) for
    anything the exact path must decide.
    """
    mirrors = _Mirrors(mirror_model)
    roots: list[Any] = []
    #: (payload tag, record type) -> decoder of an adjacently tagged payload's record
    records: dict[tuple[str, str], msgspec.json.Decoder[Any]] = {}
    record_paths: dict[tuple[str, str], list[tuple[_Path, str]]] = {}
    paths: dict[type, list[tuple[_Path, str]]] = {}
    adjacent: set[Any] = set()
    for tag, root in PAYLOADS.items():
        shape = SHAPES[root]
        if isinstance(shape, Struct):
            struct = mirrors.struct(shape, tag, "type")
            paths[struct] = mirrors.raw_paths.get(shape.name, [])
        else:
            assert isinstance(shape, UnionShape) and shape.style == "adjacent"
            fields = [("record_type", str), ("record", msgspec.Raw)]
            struct = msgspec.defstruct(
                f"{root}_Root", fields, kw_only=True, tag=tag, tag_field="type", gc=False
            )
            paths[struct] = []
            adjacent.add(struct)
            for name, body in shape.variants:
                record = mirrors.variant(shape, name, body)
                records[tag, name] = msgspec.json.Decoder(record)
                body_name = body if isinstance(body, str) else f"{shape.name}::{name}"
                record_paths[tag, name] = mirrors.raw_paths.get(body_name, [])
        roots.append(struct)
    decoder = msgspec.json.Decoder(Union.__getitem__(tuple(roots)))
    decode_any = msgspec.json.Decoder().decode
    encode = msgspec.json.Encoder().encode
    checks: dict[str, Callable[[Any], Any]] = {}

    def check_raw(value: Any, found: list[tuple[_Path, str]]) -> None:
        for path, union in found:
            for raw in _values(value, path):
                check = checks.get(union) or checks.setdefault(union, check_of(union))
                if encode(check(decode_any(raw))) != bytes(raw):
                    raise slow

    def convert(raw: bytes) -> OtherPayload:
        struct: Any = decoder.decode(raw)
        if encode(struct) != raw:
            raise slow
        tag: str = struct.__struct_config__.tag
        found = paths[struct.__class__]
        if found:
            check_raw(struct, found)
        if struct.__class__ in adjacent:
            body: msgspec.Raw = struct.record
            key = (tag, str(struct.record_type))
            record_decoder = records.get(key)
            if record_decoder is None:
                raise slow
            record = record_decoder.decode(body)
            if encode(record) != bytes(body):
                raise slow
            if record_paths[key]:
                check_raw(record, record_paths[key])
        return OtherPayload(type=tag, json=raw)

    return convert
