"""Pure: JSON text <-> model values (``from_json``, ``to_json``, ``DecodeError``)."""

from replaykit.wire.codec import (
    DecodeError,
    check_document,
    from_data,
    from_json,
    to_data,
    to_json,
    to_json_bytes,
)

__all__ = [
    "DecodeError",
    "check_document",
    "from_data",
    "from_json",
    "to_data",
    "to_json",
    "to_json_bytes",
]
