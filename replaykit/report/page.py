"""One self-contained HTML page from a report document: assets inlined, data compressed.

The document (``replaykit.report.document``) is JSON; the page carries it as gzip in
base64 inside a ``<script type="application/octet-stream">`` element, so no text of the
journal ever appears in the HTML itself: an id that contains ``</script>`` or quotes is
only ever data, decoded by the page and shown through ``textContent``. The page's
Content-Security-Policy allows its one script by hash and nothing from the network.

The bytes are deterministic: gzip's header carries no name and a zero time.
"""

from __future__ import annotations

import base64
import functools
import gzip
import hashlib
import html
import io
import re
from collections.abc import Iterable
from importlib import resources
from typing import Any, Final

import orjson

__all__ = ["page"]

#: The template's slots; filled in one pass, so a value is never searched for slots.
_SLOT: Final = re.compile(r"__REPLAYKIT_[A-Z_]+__")


@functools.cache
def _asset(name: str) -> str:
    return (resources.files(__package__) / "assets" / name).read_text("utf-8")


def _compress(chunks: Iterable[bytes]) -> bytes:
    """gzip of the chunks' concatenation, compressed as they come (no name, time 0)."""
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=6, mtime=0) as stream:
        for chunk in chunks:
            stream.write(chunk)
    return out.getvalue()


def page(document: dict[str, Any] | Iterable[bytes], *, title: str, version: str) -> str:
    """The HTML page that shows ``document``: the data, or its JSON text in pieces
    (``document_chunks``). Deterministic: the same document gives the same bytes."""
    script = _asset("report.js")
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    chunks = [orjson.dumps(document)] if isinstance(document, dict) else document
    payload = base64.b64encode(_compress(chunks)).decode("ascii")
    values = {
        "__REPLAYKIT_SCRIPT_HASH__": f"'sha256-{digest}'",
        "__REPLAYKIT_VERSION__": html.escape(version),
        "__REPLAYKIT_TITLE__": html.escape(title),
        "__REPLAYKIT_STYLE__": _asset("report.css"),
        "__REPLAYKIT_ENCODING__": "gzip+base64",
        "__REPLAYKIT_DATA__": payload,
        "__REPLAYKIT_SCRIPT__": script,
    }
    return _SLOT.sub(lambda slot: values[slot.group()], _asset("page.html"))
