"""``from_json`` and ``to_json``: the wire format of every replaykit value.

Decoding never raises on any text: any bytes give ``Success(value)`` or
``Failure(DecodeError)`` naming the JSON path of the problem (an argument that is not
text at all is a ``TypeError``). Encoding writes the reference's compact JSON byte
for byte (declaration key order, omitted absent fields, serde_json's escapes).

>>> from replaykit.model import EventCursor, RunScope
>>> cursor = from_json(EventCursor, '{"scope":{"run":"run.1"},"event_seq":3,"event_id":"ev.3"}')
>>> cursor.unwrap().scope
RunScope(run_id='run.1')
>>> to_json(cursor.unwrap())
'{"scope":{"run":"run.1"},"event_seq":3,"event_id":"ev.3"}'
>>> print(from_json(EventCursor, '{"scope":"all","event_seq":-1,"event_id":"e"}').failure())
$.event_seq: integer -1 is out of range for u64
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Callable
from typing import Any, Final, TypeVar

import attrs
import orjson
from returns.result import Failure, Result, Success

from replaykit.model import (
    AgentError,
    EventStreamScope,
    JournalRecord,
    JsonNumber,
    JsonObject,
    OtherPayload,
    duplicate_allowed,
)
from replaykit.model.shapes import Struct
from replaykit.wire._canonical import is_canonical_line
from replaykit.wire._codegen import bad_value, generate
from replaykit.wire._fast import build as _build_fast
from replaykit.wire._json import MAX_DEPTH, Bad, parse_compact, walk
from replaykit.wire._payloads import Check, Compiler
from replaykit.wire._unions import (
    _KINDS,
    _OUTPUT_CLASSES,
    _PAYLOAD_CLASSES,
    ENCODE_PAYLOAD,
    ENCODE_RECORD_MEMO,
    ERRORS,
    NS,
    dec_error,
    dec_json_object,
    dec_other_payload,
    dec_scope,
    dumps,
    enc_error,
    enc_scope,
    thaw_json,
)

__all__ = [
    "DecodeError",
    "canonical_bytes",
    "check_document",
    "decode_line",
    "from_data",
    "from_json",
    "from_json_exact",
    "record_digest",
    "to_data",
    "to_json",
    "to_json_bytes",
]

T = TypeVar("T")


@attrs.frozen
class DecodeError:
    """Why a JSON text is not a valid value: a JSON path and a message.

    >>> str(DecodeError("$.payload.record.delivery_id", "missing required field"))
    '$.payload.record.delivery_id: missing required field'
    """

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


_SPECIAL_DECODERS: Final[dict[Any, Callable[[Any], Any]]] = {
    EventStreamScope: dec_scope,
    AgentError: dec_error,
    OtherPayload: dec_other_payload,
    JsonObject: dec_json_object,
}


def _decoder_for(cls: Any) -> Callable[[Any], Any]:
    special = _SPECIAL_DECODERS.get(cls)
    if special is not None:
        return special
    found = _find_decoder(cls)
    _SPECIAL_DECODERS[cls] = found  # remembered: later calls take the lookup above
    return found


def _find_decoder(cls: Any) -> Callable[[Any], Any]:
    if cls in ERRORS.values():
        return dec_error
    if isinstance(cls, type) and issubclass(cls, EventStreamScope):
        return dec_scope
    if isinstance(cls, type) and issubclass(cls, enum.Enum):
        members = {m.value: m for m in cls}

        def dec_enum(value: Any) -> Any:
            if isinstance(value, str) and value in members:
                return members[value]
            raise bad_value(value, f"a {cls.__name__} string", "$")

        return dec_enum
    if attrs.has(cls):
        generate(NS, cls)
        return NS.decoder(cls)
    raise TypeError(f"{cls!r} is not a replaykit wire type")


def _fail(bad: Bad) -> Failure[DecodeError]:
    return Failure(DecodeError(bad.json_path(), bad.message))


def from_data(cls: type[T], data: Any) -> Result[T, DecodeError]:
    """Decode already-parsed JSON data (dicts, lists, strings, ints) as ``cls``.

    The same rules as ``from_json`` apply, lone surrogates and the nesting limit included.
    """
    try:
        walk(data, 0, True)
    except Bad as bad:
        return _fail(bad)
    return _from_parsed(cls, data)


def _from_parsed(cls: type[T], data: Any) -> Result[T, DecodeError]:
    decode = _decoder_for(cls)
    try:
        value = decode(data)
    except Bad as bad:
        return _fail(bad)
    except RecursionError:
        return Failure(DecodeError("$", f"nesting deeper than {MAX_DEPTH} levels"))
    if not isinstance(value, cls):
        return Failure(DecodeError("$", f"expected {cls.__name__}, got {type(value).__name__}"))
    return Success(value)


#: Journal lines as the reference runtime writes them decode in C (``_fast``).
_fast_record: Final = _build_fast(_PAYLOAD_CLASSES, _OUTPUT_CLASSES, _KINDS)


def decode_line(line: bytes) -> JournalRecord | None:
    """The record of a canonical journal line (``bytes``, no surrounding white space), or
    ``None`` when the line is not one: then ``from_json`` decides (same results, this is
    only its fast path without the ``Result``, for readers of many lines)."""
    return _fast_record(line)


def from_json(cls: type[T], data: str | bytes | bytearray | memoryview) -> Result[T, DecodeError]:
    """Decode one JSON text as ``cls``: ``Success(value)`` or ``Failure(DecodeError)``.

    Any text gives one of the two, never an exception; ``data`` that is not ``str`` or
    ``bytes`` (and ``cls`` that is not a wire type) is a ``TypeError``.
    """
    if data.__class__ is not bytes:
        data = _text(data)
    if cls is JournalRecord:
        raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
        raw = raw.strip(b" \t\r\n")
        record = _fast_record(raw)
        if record is not None:
            return Success(record)  # type: ignore[arg-type]
        data = raw
    return from_json_exact(cls, data)


def _text(data: object) -> str | bytes:
    if isinstance(data, str | bytes):
        return data
    if isinstance(data, bytearray | memoryview):
        return bytes(data)
    raise TypeError(f"from_json: data must be str or bytes, not {type(data).__name__}")


def from_json_exact(
    cls: type[T], data: str | bytes | bytearray | memoryview
) -> Result[T, DecodeError]:
    """``from_json`` without the fast path for journal lines (it gives the same results;
    the tests compare the two)."""
    data = _text(data)
    try:
        parsed, compact = parse_compact(data)
    except Bad as bad:
        return _fail(bad)
    result = _from_parsed(cls, parsed)
    if cls is JournalRecord and compact is not None and isinstance(result, Success):
        record = result.unwrap()
        if duplicate_allowed(record) and is_canonical_line(compact, parsed):
            _set_digest(record, _blake(compact))
    return result


def _blake(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


_set_digest: Final = JournalRecord.__dict__["_digest"].__set__


def record_digest(record: JournalRecord) -> bytes:
    """BLAKE2b-128 of the record's canonical encoding (two records are equal exactly
    when their canonical encodings are, WIRE.md 12.4); taken over the input line when the
    decoder proved it canonical, else over a re-encoding."""
    digest = record._digest
    if digest is None:
        digest = _blake(canonical_bytes(record))
    return digest


def to_data(value: Any) -> Any:
    """The JSON-ready form (dicts in wire key order) of any replaykit wire value."""
    if isinstance(value, AgentError):
        return enc_error(value)
    if isinstance(value, EventStreamScope):
        return enc_scope(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, str):
        return value
    if isinstance(value, OtherPayload):
        return ENCODE_PAYLOAD(value)
    if isinstance(value, JsonObject | JsonNumber):
        return thaw_json(value)
    cls = value.__class__
    if attrs.has(cls):
        generate(NS, cls)
        return NS.encoder(cls)(value)
    raise TypeError(f"{cls.__name__} is not a replaykit wire type")


def canonical_bytes(record: JournalRecord) -> bytes:
    """The canonical encoding of a record for duplicate comparison, as UTF-8 bytes.

    It is ``to_json(record)`` as bytes: decoding leaves every value in the form the
    reference's encoder writes (ignored payloads included), so two records are equal
    exactly when these bytes are. Faster than ``to_json`` on long folds: the encodings
    of the small reference objects records share are reused.
    """
    return orjson.dumps(ENCODE_RECORD_MEMO(record))


def to_json_bytes(value: Any) -> bytes:
    """``to_json(value)`` as UTF-8 bytes, without building the ``str`` first.

    >>> from replaykit.model import CursorCompatibility
    >>> to_json_bytes(CursorCompatibility.COMPATIBLE)
    b'"compatible"'
    """
    return dumps(to_data(value))


def to_json(value: Any) -> str:
    """The reference's compact JSON for ``value``, byte for byte.

    >>> from replaykit.model import CursorCompatibility
    >>> to_json(CursorCompatibility.SCOPE_MISMATCH)
    '"scope_mismatch"'
    """
    return dumps(to_data(value)).decode("utf-8")


_COMPILER: Final = Compiler()
_DOCUMENT_CHECKS: dict[Struct, Check] = {}


def check_document(shape: Struct, data: bytes) -> Result[dict[str, Any], DecodeError]:
    """Check one JSON document against ``shape`` as serde's derived decoder would:
    ``Success`` with its canonical data (declaration order, unknown keys dropped) or
    ``Failure`` naming the path of the first problem. For documents that are not
    journal records, such as a store's content metadata.

    >>> from replaykit.model._wirespec import U64, Presence
    >>> from replaykit.model.shapes import Field, Struct
    >>> shape = Struct("Meta", (Field("byte_len", U64, Presence.REQUIRED),))
    >>> check_document(shape, b'{"x":1,"byte_len":3}').unwrap()
    {'byte_len': 3}
    >>> print(check_document(shape, b'{"byte_len":-1}').failure())
    $.byte_len: integer -1 is out of range for u64
    """
    check = _DOCUMENT_CHECKS.get(shape)
    if check is None:
        check = _DOCUMENT_CHECKS[shape] = _COMPILER.struct(shape, frozenset())
    try:
        checked: dict[str, Any] = check(parse_compact(data)[0])
    except Bad as bad:
        return _fail(bad)
    except RecursionError:
        return Failure(DecodeError("$", f"nesting deeper than {MAX_DEPTH} levels"))
    return Success(checked)
