"""Wire descriptions attached to attrs fields as metadata.

Each model field says how it travels on the wire: its kind (free string, validated
id, unsigned integer, boolean, enum, nested struct or union) and its presence rule
(required, optional and left out when absent, optional and written as ``null``,
defaulted list left out when empty, required list). ``replaykit.wire`` generates its
decoders and encoders from these descriptions, so field order here is key order there.
"""

from __future__ import annotations

import enum
from typing import Any, Final

__all__ = [
    "BOOL",
    "ID",
    "JSON",
    "LIST",
    "LIST_REQUIRED",
    "NULLABLE",
    "OPTIONAL",
    "REQUIRED",
    "STR",
    "U16",
    "U32",
    "U64",
    "WIRE_KEY",
    "Presence",
    "w",
]

WIRE_KEY: Final = "replaykit.wire"

STR: Final = "str"
ID: Final = "id"
U16: Final = "u16"
U32: Final = "u32"
U64: Final = "u64"
BOOL: Final = "bool"
JSON: Final = "json"


class Presence(enum.Enum):
    REQUIRED = "required"
    OPTIONAL = "optional"
    NULLABLE = "nullable"
    LIST = "list"
    LIST_REQUIRED = "list_required"


REQUIRED: Final = Presence.REQUIRED
OPTIONAL: Final = Presence.OPTIONAL
NULLABLE: Final = Presence.NULLABLE
LIST: Final = Presence.LIST
LIST_REQUIRED: Final = Presence.LIST_REQUIRED


def w(kind: Any, presence: Presence = Presence.REQUIRED) -> dict[str, Any]:
    """Metadata for one field: its wire kind and presence rule."""
    return {WIRE_KEY: (kind, presence)}
