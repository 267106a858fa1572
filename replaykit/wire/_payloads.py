"""Check and canonicalise the payloads the reducer ignores, from their shape tables.

Each shape of ``replaykit.model.shapes`` is compiled once into a function that takes
parsed JSON (from either parser: plain dicts, or ``DupDict``s and ``Float``s from the
exact one) and returns the value the reference's encoder would write for it: a dict in
declaration order with unknown keys dropped, ``null``/``[]`` dropped where the encoder
leaves them out, ``null`` written where it writes it. It raises ``Bad`` with the path of
the first problem for exactly the inputs serde's derived decoders refuse: a missing
required field, a ``null`` where no ``Option`` is, a wrong JSON type, an integer out of
range or written as a fraction, an unknown enum value or variant (case-sensitive), a
bad identifier, a repeated known key.

Fields are checked in declaration order, so every decoding path reports the same
field when an input has several problems.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any, Final

import attrs

from replaykit.model._wirespec import BOOL, ID, STR, Presence
from replaykit.model.ids import id_error
from replaykit.model.shapes import PAYLOADS, SHAPES, Enum, Kind, Struct, Union, struct_of
from replaykit.wire._codegen import MISSING, UINT_MAX, bad_value, check_object, check_uint
from replaykit.wire._json import Bad

__all__ = ["Check", "Compiler"]

#: parsed JSON -> canonical JSON data (raises ``Bad``)
Check = Callable[[Any], Any]

_REQUIRED, _OPTIONAL, _NULLABLE, _LIST, _LIST_REQUIRED = range(5)
_PRESENCE: Final = {
    Presence.REQUIRED: _REQUIRED,
    Presence.OPTIONAL: _OPTIONAL,
    Presence.NULLABLE: _NULLABLE,
    Presence.LIST: _LIST,
    Presence.LIST_REQUIRED: _LIST_REQUIRED,
}


def _str(value: Any) -> Any:
    if value.__class__ is not str:
        raise bad_value(value, "a string", "$")
    return value


def _id(value: Any) -> Any:
    if value.__class__ is not str:
        raise bad_value(value, "an identifier string", "$")
    if not (value.isascii() and value.isprintable() and 0 < len(value) <= 512):
        error = id_error(value)
        if error is not None:
            raise Bad(error)
    return value


def _bool(value: Any) -> Any:
    if value.__class__ is not bool:
        raise bad_value(value, "true or false", "$")
    return value


def _uint(kind: str) -> Check:
    top = UINT_MAX[kind]

    def check(value: Any) -> Any:
        if value.__class__ is int and 0 <= value <= top:
            return value
        return check_uint(value, kind, "$")

    return check


def _enum(name: str, values: tuple[str, ...]) -> Check:
    allowed = frozenset(values)
    listed = ", ".join(values)

    def check(value: Any) -> Any:
        if value.__class__ is str and value in allowed:
            return value
        if isinstance(value, str):
            raise Bad(f"unknown {name} value {value!r} (expected one of: {listed})")
        raise bad_value(value, f"a {name} string", "$")

    return check


def _in(check: Check, part: str | int, value: Any) -> Any:
    try:
        return check(value)
    except Bad as bad:
        raise bad.at(part) from None


class Compiler:
    """Compiles shapes to checks, each shape once (shapes refer to each other by name)."""

    def __init__(self) -> None:
        self.checks: dict[Any, Check] = {
            STR: _str,
            ID: _id,
            BOOL: _bool,
            **{kind: _uint(kind) for kind in UINT_MAX},
        }

    def kind(self, kind: Kind) -> Check:
        found = self.checks.get(kind)
        if found is not None:
            return found
        slot: list[Check] = []
        # Nested shapes may refer back: hand out a forwarder until the check is built.
        self.checks[kind] = lambda value: slot[0](value)
        built = self._build(kind)
        slot.append(built)
        self.checks[kind] = built
        return built

    def _build(self, kind: Kind) -> Check:
        if isinstance(kind, type) and issubclass(kind, enum.Enum):
            return _enum(kind.__name__, tuple(str(member.value) for member in kind))
        if isinstance(kind, type) and attrs.has(kind):
            # A model record (EntityRef, EffectIntent ...): its wire metadata is a table
            # of the same kind, so it is checked the same way, without building objects.
            return self.struct(struct_of(kind), frozenset())
        if not isinstance(kind, str):
            raise TypeError(f"{kind!r} is not a shape kind")
        shape = SHAPES[kind]
        if isinstance(shape, Enum):
            return _enum(shape.name, shape.values)
        if isinstance(shape, Struct):
            return self.struct(shape, frozenset())
        return self.union(shape)

    def struct(self, shape: Struct, extra: frozenset[str]) -> Check:
        """The check of a struct; ``extra`` are keys beside it (a tag) that may not repeat."""
        known = frozenset(field.key for field in shape.fields) | extra
        fields = tuple(
            (field.key, self.kind(field.kind), _PRESENCE[field.presence]) for field in shape.fields
        )

        def check(data: Any) -> dict[str, Any]:
            if data.__class__ is not dict:
                data = check_object(data, known)
            out: dict[str, Any] = {}
            key = ""
            try:
                for key, item, presence in fields:
                    value = data.get(key, MISSING)
                    if presence is _REQUIRED:
                        out[key] = item(value)
                    elif value is MISSING or value is None:
                        if presence is _NULLABLE:
                            out[key] = None
                        elif presence is _LIST_REQUIRED or (presence is _LIST and value is None):
                            raise bad_value(value, "an array", "$")
                    elif presence is _OPTIONAL or presence is _NULLABLE:
                        out[key] = item(value)
                    elif value.__class__ is not list:
                        raise bad_value(value, "an array", "$")
                    elif value or presence is _LIST_REQUIRED:
                        out[key] = [_in(item, i, element) for i, element in enumerate(value)]
            except Bad as bad:
                raise bad.at(key) from None
            return out

        return check

    def body(self, body: Struct | str | None, extra: frozenset[str]) -> Check | None:
        if body is None:
            return None
        if isinstance(body, Struct):
            return self.struct(body, extra)
        return self.kind(body)

    def union(self, shape: Union) -> Check:
        if shape.style == "internal":
            return self.internal(shape)
        if shape.style == "adjacent":
            return self.adjacent(shape, frozenset())
        return self.external(shape)

    def internal(self, shape: Union) -> Check:
        tag_key = shape.tag
        tag_only = frozenset({tag_key})
        variants = {name: self.body(body, tag_only) for name, body in shape.variants}
        choices = ", ".join(variants)

        def check(data: Any) -> dict[str, Any]:
            data = check_object(data, tag_only)
            tag = _variant(data, tag_key, variants, choices)
            body = variants[tag]
            out = {tag_key: tag}
            if body is not None:
                out.update(body(data))
            return out

        return check

    def adjacent(self, shape: Union, extra: frozenset[str]) -> Check:
        known = frozenset({"record_type", "record"}) | extra
        variants = {name: self.body(body, frozenset()) for name, body in shape.variants}
        choices = ", ".join(variants)

        def check(data: Any) -> dict[str, Any]:
            data = check_object(data, known)
            tag = _variant(data, "record_type", variants, choices)
            body = variants[tag]
            assert body is not None  # adjacent variants all carry a record
            return {"record_type": tag, "record": _in(body, "record", data.get("record", MISSING))}

        return check

    def external(self, shape: Union) -> Check:
        variants = {name: self.body(body, frozenset()) for name, body in shape.variants}
        choices = ", ".join(variants)
        expected = f"a single-key object naming the {shape.name} variant ({choices})"

        def check(data: Any) -> dict[str, Any]:
            data = check_object(data, frozenset())
            if len(data) != 1 or getattr(data, "dups", None):
                raise Bad(f"expected {expected}")
            name, value = next(iter(data.items()))
            body = variants.get(name)
            if body is None:
                raise Bad(f"unknown variant {name!r} (expected one of: {choices})", name)
            return {name: _in(body, name, value)}

        return check

    def payloads(self) -> dict[str, Check]:
        """Payload tag -> the check of that payload."""
        return {tag: self.payload(tag) for tag in PAYLOADS}

    def payload(self, tag: str) -> Check:
        """The check of ``{"type": tag, ...}`` (the type key itself is checked already)."""
        shape = SHAPES[PAYLOADS[tag]]
        type_key = frozenset({"type"})
        if isinstance(shape, Struct):
            body = self.struct(shape, type_key)
        elif isinstance(shape, Union) and shape.style == "adjacent":
            body = self.adjacent(shape, type_key)
        else:
            raise TypeError(f"payload {tag!r} must be a struct or an adjacently tagged union")

        def check(data: Any) -> dict[str, Any]:
            out = {"type": tag}
            out.update(body(data))
            return out

        return check


def _variant(data: dict[str, Any], key: str, variants: dict[str, Any], choices: str) -> str:
    tag = data.get(key, MISSING)
    if tag.__class__ is not str:
        raise bad_value(tag, "a variant name string", key)
    if tag not in variants:
        raise Bad(f"unknown variant {tag!r} (expected one of: {choices})", key)
    return str(tag)
