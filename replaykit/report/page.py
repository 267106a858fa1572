"""One self-contained HTML page from a report document: assets inlined, data compressed.

The document (``replaykit.report.document``) is JSON; the page carries it as gzip in
base64 inside a ``<script type="application/octet-stream">`` element, so no text of the
journal ever appears in the HTML itself: an id that contains ``</script>`` or quotes is
only ever data, decoded by the page and shown through ``textContent``. The page's
Content-Security-Policy allows its one script by hash and nothing from the network.

The bytes are deterministic: gzip's header carries no name and a zero time. Pure: the
assets come in as an argument (``replaykit.shell.html`` reads them).
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
import struct
import zlib
from collections.abc import Iterable
from typing import Any, Final, final

import attrs
import orjson

__all__ = ["Assets", "page"]

#: The template's slots; filled in one pass, so a value is never searched for slots.
_SLOT: Final = re.compile(r"__REPLAYKIT_[A-Z_]+__")
#: A gzip member's header as Python's ``gzip`` writes it with no name and time 0 (deflate,
#: no flags, mtime 0, default level, OS "unknown"): the same bytes on every platform, which
#: zlib's own gzip header (its OS byte is the platform's) would not be.
_GZIP_HEADER: Final = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"


@final
@attrs.frozen
class Assets:
    """The page's template, script and style (``replaykit/report/assets``, read by the
    shell: ``replaykit.shell.html``)."""

    template: str
    script: str
    style: str


def _compress(chunks: Iterable[bytes]) -> bytes:
    """gzip of the chunks' concatenation, compressed as they come (RFC 1952: header,
    raw deflate, CRC-32 and size)."""
    stream = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    parts = [_GZIP_HEADER]
    crc = size = 0
    for chunk in chunks:
        crc = zlib.crc32(chunk, crc)
        size += len(chunk)
        parts.append(stream.compress(chunk))
    parts.append(stream.flush())
    parts.append(struct.pack("<II", crc, size & 0xFFFFFFFF))
    return b"".join(parts)


def page(
    document: dict[str, Any] | Iterable[bytes], *, assets: Assets, title: str, version: str
) -> str:
    """The HTML page that shows ``document``: the data, or its JSON text in pieces
    (``document_chunks``). Deterministic: the same document gives the same bytes."""
    script = assets.script
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    chunks = [orjson.dumps(document)] if isinstance(document, dict) else document
    payload = base64.b64encode(_compress(chunks)).decode("ascii")
    values = {
        "__REPLAYKIT_SCRIPT_HASH__": f"'sha256-{digest}'",
        "__REPLAYKIT_VERSION__": html.escape(version),
        "__REPLAYKIT_TITLE__": html.escape(title),
        "__REPLAYKIT_STYLE__": assets.style,
        "__REPLAYKIT_ENCODING__": "gzip+base64",
        "__REPLAYKIT_DATA__": payload,
        "__REPLAYKIT_SCRIPT__": script,
    }
    return _SLOT.sub(lambda slot: values[slot.group()], assets.template)
