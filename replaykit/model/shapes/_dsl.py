"""The vocabulary of the payload shape tables: structs, unit enums and tagged unions.

A shape table says, for one wire type, what serde's derived ``Deserialize`` accepts and
what its ``Serialize`` writes: each field's key, kind and presence rule, in declaration
order (the order the encoder writes). Kinds are scalars (``STR``, ``ID``, ``U8`` ...
``U64``, ``BOOL``), the name of another table, or a model class (an attrs record or a
``StrEnum`` that ``replaykit.model`` already has, such as ``EntityRef``).

Presence rules (``PAYLOADS.md`` section 1):

========== ================== ================= ==========================
rule        when absent        ``null``          the encoder writes
========== ================== ================= ==========================
``req``     error              error             always
``opt``     absent             absent            nothing when absent
``null``    ``null``           ``null``          ``null`` when absent
``vec``     ``[]``             error             nothing when empty
``vec_req`` error              error             always, ``[]`` when empty
========== ================== ================= ==========================

Declaring a shape registers it by name in ``SHAPES``; ``payload`` registers the root
shape of a payload tag in ``PAYLOADS``. Adding a field is one line in its table.
"""

from __future__ import annotations

from typing import Final, Literal, TypeAlias, final

import attrs

from replaykit.model._wirespec import BOOL, ID, STR, U16, U32, U64, WIRE_KEY, Presence

__all__ = [
    "BOOL",
    "ID",
    "PAYLOADS",
    "SHAPES",
    "STR",
    "U8",
    "U16",
    "U32",
    "U64",
    "Enum",
    "Field",
    "Kind",
    "Shape",
    "Struct",
    "Union",
    "adjacent",
    "enum",
    "external",
    "internal",
    "null",
    "opt",
    "payload",
    "req",
    "struct",
    "struct_of",
    "vec",
    "vec_req",
]

U8: Final = "u8"

#: A field's kind: a scalar (``STR``, ``ID``, ``U8`` ... ``BOOL``), a table name, or a
#: model class (an attrs wire record or a ``StrEnum``).
Kind: TypeAlias = "str | type"


@final
@attrs.frozen
class Field:
    """One key of a JSON object: its kind and presence rule."""

    key: str
    kind: Kind
    presence: Presence


@final
@attrs.frozen
class Struct:
    """A JSON object with these fields, written in this order; unknown keys are ignored."""

    name: str
    fields: tuple[Field, ...]


@final
@attrs.frozen
class Enum:
    """A unit enum: one of these strings, exactly (case-sensitive)."""

    name: str
    values: tuple[str, ...]


#: A variant's body: a struct, the name of a table (a newtype variant), or ``None`` (a
#: unit variant, internally tagged unions only).
Body: TypeAlias = "Struct | str | None"


@final
@attrs.frozen
class Union:
    """A tagged union in one of serde's three representations.

    - ``internal``: ``{tag: variant, ...fields}``; unknown keys ignored.
    - ``adjacent``: ``{"record_type": variant, "record": {...}}`` (``tag`` is
      ``record_type``); unknown keys beside them ignored.
    - ``external``: ``{variant: {...}}``, exactly one key.
    """

    name: str
    style: Literal["internal", "adjacent", "external"]
    tag: str
    variants: tuple[tuple[str, Body], ...]


Shape: TypeAlias = "Struct | Enum | Union"

#: Every table by name (variant bodies as ``Union::variant``).
SHAPES: Final[dict[str, Shape]] = {}
#: Payload tag -> the name of its root shape (a struct, or an adjacently tagged union
#: whose keys sit beside ``type``).
PAYLOADS: Final[dict[str, str]] = {}


def _register(shape: Shape) -> None:
    if shape.name in SHAPES:
        raise ValueError(f"shape {shape.name!r} is declared twice")
    SHAPES[shape.name] = shape


def req(key: str, kind: Kind) -> Field:
    """A required field."""
    return Field(key, kind, Presence.REQUIRED)


def opt(key: str, kind: Kind) -> Field:
    """An ``Option`` left out when ``None`` (``null`` accepted on input)."""
    return Field(key, kind, Presence.OPTIONAL)


def null(key: str, kind: Kind) -> Field:
    """An ``Option`` always written, as ``null`` when ``None`` (may be absent on input)."""
    return Field(key, kind, Presence.NULLABLE)


def vec(key: str, kind: Kind) -> Field:
    """An array that may be absent and is left out when empty (``null`` is an error)."""
    return Field(key, kind, Presence.LIST)


def vec_req(key: str, kind: Kind) -> Field:
    """A required array, written even when empty."""
    return Field(key, kind, Presence.LIST_REQUIRED)


def struct(name: str, *fields: Field) -> Struct:
    """Declare a struct."""
    shape = Struct(name, fields)
    _register(shape)
    return shape


def enum(name: str, values: str) -> Enum:
    """Declare a unit enum from its space-separated wire values."""
    shape = Enum(name, tuple(values.split()))
    _register(shape)
    return shape


def _union(
    name: str,
    style: Literal["internal", "adjacent", "external"],
    tag: str,
    variants: dict[str, Body],
) -> Union:
    shape = Union(name, style, tag, tuple(variants.items()))
    _register(shape)
    return shape


def internal(name: str, tag: str, variants: dict[str, Body]) -> Union:
    """Declare an internally tagged union (``#[serde(tag = "...")]``)."""
    return _union(name, "internal", tag, variants)


def adjacent(name: str, variants: dict[str, Body]) -> Union:
    """Declare an adjacently tagged union (``tag = "record_type", content = "record"``)."""
    return _union(name, "adjacent", "record_type", variants)


def external(name: str, variants: dict[str, Body]) -> Union:
    """Declare an externally tagged union (serde's default: a single-key object)."""
    return _union(name, "external", "", variants)


def struct_of(cls: type) -> Struct:
    """The table of a model record (an attrs class), from its wire metadata: the shape
    tables refer to ``EntityRef``, ``EffectIntent`` ... and are read as one kind of table.
    Not registered in ``SHAPES``."""
    fields = []
    for field in attrs.fields(cls):
        if WIRE_KEY in field.metadata:
            kind, presence = field.metadata[WIRE_KEY]
            fields.append(Field(field.metadata.get("wire_name", field.name), kind, presence))
    return Struct(cls.__name__, tuple(fields))


def payload(tag: str, root: str) -> None:
    """Declare the payload ``{"type": tag, ...}`` whose other keys are those of ``root``."""
    if tag in PAYLOADS:
        raise ValueError(f"payload {tag!r} is declared twice")
    PAYLOADS[tag] = root
