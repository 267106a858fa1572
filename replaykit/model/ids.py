"""The identifier rule of the wire format (WIRE.md section 2).

>>> id_error("run.demo.1") is None
True
>>> id_error("")
'identifier is empty'
>>> id_error("a\\nb")
'identifier contains control character at byte 1'
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["MAX_ID_LEN", "id_error"]

MAX_ID_LEN: Final = 512
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def id_error(value: str) -> str | None:
    """The reference's error text for an invalid identifier, or ``None`` when valid."""
    if not value:
        return "identifier is empty"
    if len(value) > MAX_ID_LEN // 4 or not value.isascii():
        size = len(value.encode("utf-8", "surrogatepass"))
        if size > MAX_ID_LEN:
            return f"identifier length {size} exceeds max {MAX_ID_LEN}"
    found = _CONTROL.search(value)
    if found is not None:
        at = len(value[: found.start()].encode("utf-8", "surrogatepass"))
        return f"identifier contains control character at byte {at}"
    return None
