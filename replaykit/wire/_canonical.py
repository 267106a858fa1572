"""Recognise journal lines that are already in canonical form, cheaply.

A record's duplicate digest is taken over its canonical encoding (what ``to_json``
writes). Re-encoding every record costs as much as decoding it, but journals written by
the reference runtime are canonical already: keys in declaration order, nothing
unknown, absent values left out. When the parser's fast path has shown that a line is
exactly the compact form of what was parsed (``parse_compact``), the line is canonical
if, in addition, every object's keys are a subsequence of its type's declaration order
(checked against a small per-type cache of key tuples seen before) and no optional field
is written as ``null`` or an empty list. Then the digest is taken over the line itself.
Anything unusual simply falls back to re-encoding, so the result is always the digest of
the canonical encoding.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

import attrs

from replaykit.model import JournalRecord
from replaykit.model._wirespec import WIRE_KEY, Presence

__all__ = ["is_canonical_line", "register_payloads"]

_ORDER_CACHE_LIMIT: Final = 1024
_checks: dict[Any, Callable[[Any], bool]] = {}


def _subsequence_check(order: tuple[str, ...]) -> Callable[[tuple[str, ...]], bool]:
    position = {key: index for index, key in enumerate(order)}
    seen: set[tuple[str, ...]] = set()

    def ok(keys: tuple[str, ...]) -> bool:
        if keys in seen:
            return True
        last = -1
        for key in keys:
            index = position.get(key, -1)
            if index <= last:
                return False
            last = index
        if len(seen) < _ORDER_CACHE_LIMIT:
            seen.add(keys)
        return True

    return ok


def _struct_check(cls: type, prefix: tuple[str, ...] = ()) -> Callable[[Any], bool]:
    fields = [f for f in attrs.fields(cls) if WIRE_KEY in f.metadata]
    order = prefix + tuple(f.metadata.get("wire_name", f.name) for f in fields)
    keys_ok = _subsequence_check(order)
    singles: list[tuple[str, Any]] = []
    lists: list[tuple[str, Any]] = []
    for field in fields:
        kind, presence = field.metadata[WIRE_KEY]
        if attrs.has(kind) or kind in ("payload", "delivery_kind"):
            many = presence in (Presence.LIST, Presence.LIST_REQUIRED)
            (lists if many else singles).append((field.metadata.get("wire_name", field.name), kind))
    resolved: list[tuple[str, Callable[[Any], bool]]] = []
    resolved_lists: list[tuple[str, Callable[[Any], bool]]] = []
    ready: list[bool] = []

    def check(d: Any) -> bool:
        if not keys_ok(tuple(d)):
            return False
        if not ready:  # nested checks are looked up on first use (types may nest)
            resolved[:] = [(key, _check_for(kind)) for key, kind in singles]
            resolved_lists[:] = [(key, _check_for(kind)) for key, kind in lists]
            ready.append(True)
        for key, sub in resolved:
            value = d.get(key)
            if value is not None and not sub(value):
                return False
        for key, sub in resolved_lists:
            value = d.get(key)
            if value is not None:
                for item in value:
                    if not sub(item):
                        return False
        return True

    return check


def _check_for(kind: Any) -> Callable[[Any], bool]:
    check = _checks.get(kind)
    if check is None:
        check = _checks[kind] = _struct_check(kind)
    return check


def register_payloads(
    payloads: dict[str, type], outputs: dict[str, type], kinds: dict[str, type]
) -> None:
    """Teach the checker the tagged unions (payload variants and delivery kinds)."""
    by_tag = {tag: _struct_check(cls, ("type",)) for tag, cls in payloads.items()}
    by_record = {tag: _struct_check(cls) for tag, cls in outputs.items()}
    by_kind = {tag: _struct_check(cls, ("type",)) for tag, cls in kinds.items()}

    def payload(d: Any) -> bool:
        tag = d.get("type")
        check = by_tag.get(tag)
        if check is not None:
            return check(d)
        if tag == "output_delivery":
            record = by_record.get(d.get("record_type"))
            return (
                record is not None
                and tuple(d) == ("type", "record_type", "record")
                and record(d["record"])
            )
        # Ignored payloads are digested with sorted keys: always re-encode them.
        return False

    def delivery_kind(d: Any) -> bool:
        check = by_kind.get(d.get("type"))
        return check is not None and check(d)

    _checks["payload"] = payload
    _checks["delivery_kind"] = delivery_kind


def is_canonical_line(raw: bytes, parsed: Any) -> bool:
    """Whether ``raw`` (orjson's compact form of ``parsed``) is the canonical encoding."""
    if b":null" in raw or b":[]" in raw:
        return False
    return _check_for(JournalRecord)(parsed)
