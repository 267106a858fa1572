"""``from_json`` and ``to_json``: the wire format of every replaykit value.

Decoding never raises: any bytes give ``Success(value)`` or ``Failure(DecodeError)``
naming the JSON path of the problem. Encoding writes the reference's compact JSON byte
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
import json
from collections.abc import Callable
from typing import Any, Final, TypeVar, cast

import attrs
import orjson
from returns.result import Failure, Result, Success

from replaykit.model import (
    IGNORED_PAYLOAD_TYPES,
    AgentError,
    AgentScope,
    AllScope,
    Classified,
    ContractViolation,
    EffectIntent,
    EffectResult,
    EventCursor,
    EventStreamScope,
    FilterScope,
    FinalMessage,
    FinalValidatedOutput,
    HostConfigurationNeeded,
    JournalRecord,
    JsonNumber,
    JsonObject,
    JsonValue,
    MissingRequiredField,
    OtherPayload,
    OutputDeliveryDedupeRecord,
    OutputDeliveryEventRecord,
    OutputDeliveryIntentRecord,
    OutputDeliveryReconciliationRecord,
    OutputDeliveryResultRecord,
    RecoveryMarker,
    ReplayResult,
    RunCheckpoint,
    RunLifecycleRecord,
    RunScope,
    StreamChunk,
    TerminalResultMarker,
    TurnLifecycleRecord,
    duplicate_allowed,
)
from replaykit.model.ids import id_error
from replaykit.wire._canonical import is_canonical_line, register_payloads
from replaykit.wire._codegen import MISSING, Namespace, bad_value, check_object, generate
from replaykit.wire._json import MAX_DEPTH, Bad, Float, parse_compact, walk

__all__ = [
    "DecodeError",
    "canonical_bytes",
    "from_data",
    "from_json",
    "record_digest",
    "to_data",
    "to_json",
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


_PAYLOAD_CLASSES: Final[dict[str, type]] = {
    c.PAYLOAD_TYPE: c
    for c in (
        RunLifecycleRecord,
        TurnLifecycleRecord,
        EffectIntent,
        EffectResult,
        RunCheckpoint,
        RecoveryMarker,
        TerminalResultMarker,
    )
}
_OUTPUT_CLASSES: Final[dict[str, type]] = {
    c.RECORD_TYPE: c
    for c in (
        OutputDeliveryIntentRecord,
        OutputDeliveryResultRecord,
        OutputDeliveryDedupeRecord,
        OutputDeliveryReconciliationRecord,
        OutputDeliveryEventRecord,
    )
}
_KINDS: Final[dict[str, type]] = {
    c.KIND_TYPE: c for c in (StreamChunk, FinalMessage, FinalValidatedOutput)
}
_ERRORS: Final[dict[str, type]] = {
    c.VARIANT: c
    for c in (MissingRequiredField, ContractViolation, HostConfigurationNeeded, Classified)
}
_TYPE_KEY: Final = frozenset({"type"})
_OUTPUT_KEYS: Final = frozenset({"type", "record_type", "record"})
_PAYLOAD_TAGS: Final = ", ".join(
    sorted([*_PAYLOAD_CLASSES, "output_delivery", *IGNORED_PAYLOAD_TYPES])
)


def _tag(d: dict[str, Any], key: str, known: frozenset[str], choices: dict[str, Any]) -> Any:
    d = check_object(d, known)
    tag = d.get(key, MISSING)
    if tag.__class__ is not str:
        raise bad_value(tag, "a variant name string", key)
    return tag


def _dec_payload(d: Any) -> Any:
    d = check_object(d, _TYPE_KEY)
    tag = _tag(d, "type", _TYPE_KEY, _PAYLOAD_CLASSES)
    cls = _PAYLOAD_CLASSES.get(tag)
    if cls is not None:
        return _NS.decoder(cls)(d)
    if tag == "output_delivery":
        check_object(d, _OUTPUT_KEYS)
        record_type = d.get("record_type", MISSING)
        if record_type.__class__ is not str:
            raise bad_value(record_type, "a variant name string", "record_type")
        out_cls = _OUTPUT_CLASSES.get(record_type)
        if out_cls is None:
            choices = ", ".join(_OUTPUT_CLASSES)
            raise Bad(
                f"unknown variant {record_type!r} (expected one of: {choices})", "record_type"
            )
        record = d.get("record", MISSING)
        try:
            return _NS.decoder(out_cls)(record)
        except Bad as bad:
            raise bad.at("record") from None
    if tag in IGNORED_PAYLOAD_TYPES:
        items = []
        for key, value in d.items():
            if key != "type":
                try:
                    items.append((key, _frozen_json(value, 2)))
                except Bad as bad:
                    raise bad.at(key) from None
        return OtherPayload(type=tag, fields=JsonObject(tuple(items)))
    raise Bad(f"unknown variant {tag!r} (expected one of: {_PAYLOAD_TAGS})", "type")


_I64_MIN: Final = -(2**63)
_U64_MAX: Final = 2**64 - 1


def _frozen_json(value: Any, depth: int) -> JsonValue:
    """A parsed JSON value as immutable data (objects keep their key order)."""
    if value is None or value.__class__ in (str, bool):
        return cast(JsonValue, value)
    if value.__class__ is int:
        return value if _I64_MIN <= value <= _U64_MAX else JsonNumber(str(value))
    if isinstance(value, Float):
        return JsonNumber(value.text)
    if isinstance(value, float):  # the fast path: orjson wrote this float back unchanged
        return JsonNumber(orjson.dumps(value).decode())
    if depth >= MAX_DEPTH:
        raise Bad(f"nesting deeper than {MAX_DEPTH} levels")
    if isinstance(value, list):
        out = []
        for index, item in enumerate(value):
            try:
                out.append(_frozen_json(item, depth + 1))
            except Bad as bad:
                raise bad.at(index) from None
        return tuple(out)
    if isinstance(value, dict):
        pairs = []
        for key, item in value.items():
            try:
                pairs.append((key, _frozen_json(item, depth + 1)))
            except Bad as bad:
                raise bad.at(key) from None
        return JsonObject(tuple(pairs))
    raise Bad(f"expected an integer, string, boolean, array or object, got {value!r}")


def _thaw_json(value: JsonValue) -> Any:
    if isinstance(value, JsonObject):
        return {key: _thaw_json(item) for key, item in value.items}
    if isinstance(value, tuple):
        return [_thaw_json(item) for item in value]
    if isinstance(value, JsonNumber):
        return value.value()
    return value


def _sorted_json(value: JsonValue) -> Any:
    if isinstance(value, JsonObject):
        return {key: _sorted_json(item) for key, item in sorted(value.items)}
    if isinstance(value, tuple):
        return [_sorted_json(item) for item in value]
    if isinstance(value, JsonNumber):
        return value.value()
    return value


def _dumps(data: Any) -> bytes:
    """Compact JSON bytes; integers past 64 bits (only in ignored payloads) via ``json``."""
    try:
        return orjson.dumps(data)
    except TypeError:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def _enc_payload(prefix: str) -> Callable[[Any], dict[str, Any]]:
    # The digest family ("encm") sorts the keys of ignored payloads: the reference
    # compares them as typed values, where key order does not count.
    thaw = _sorted_json if prefix == "encm" else _thaw_json

    def encode(payload: Any) -> dict[str, Any]:
        if isinstance(payload, OtherPayload):
            out: dict[str, Any] = {"type": payload.type}
            fields = thaw(payload.fields)
            for key, value in fields.items():
                out.setdefault(key, value)
            return out
        cls = payload.__class__
        record_type = getattr(cls, "RECORD_TYPE", None)
        if record_type is not None:
            record = _NS.encoder(cls, prefix)(payload)
            return {"type": "output_delivery", "record_type": record_type, "record": record}
        out = {"type": cls.PAYLOAD_TYPE}
        out.update(_NS.encoder(cls, prefix)(payload))
        return out

    return encode


def _dec_delivery_kind(d: Any) -> Any:
    tag = _tag(d, "type", _TYPE_KEY, _KINDS)
    cls = _KINDS.get(tag)
    if cls is None:
        raise Bad(f"unknown variant {tag!r} (expected one of: {', '.join(_KINDS)})", "type")
    return _NS.decoder(cls)(d)


def _enc_delivery_kind(kind: Any) -> dict[str, Any]:
    out = {"type": kind.KIND_TYPE}
    out.update(_NS.encoder(kind.__class__)(kind))
    return out


_ALL_SCOPE: Final = AllScope()


def _single_key(d: Any, what: str, choices: str) -> tuple[str, Any]:
    if not isinstance(d, dict):
        raise bad_value(d, f"{what} (a string or a single-key object)", "$")
    if len(d) != 1:
        raise Bad(f"expected a single-key object naming the {what} variant ({choices})")
    return cast(tuple[str, Any], next(iter(d.items())))


def _dec_scope(d: Any) -> EventStreamScope:
    choices = "all, run, agent, filter"
    if d == "all" or (isinstance(d, dict) and len(d) == 1 and d.get("all", 0) is None):
        return _ALL_SCOPE
    if isinstance(d, str):
        raise Bad(f"unknown scope {d!r} (expected one of: {choices})")
    key, value = _single_key(d, "scope", choices)
    if key in ("run", "agent"):
        if not isinstance(value, str):
            raise bad_value(value, "an identifier string", key)
        error = id_error(value)
        if error is not None:
            raise Bad(error, key)
        return RunScope(value) if key == "run" else AgentScope(value)
    if key == "filter":
        try:
            return cast(FilterScope, _NS.decoder(FilterScope)(value))
        except Bad as bad:
            raise bad.at(key) from None
    raise Bad(f"unknown scope {key!r} (expected one of: {choices})", key)


def _enc_scope(scope: EventStreamScope) -> Any:
    if isinstance(scope, AllScope):
        return "all"
    if isinstance(scope, RunScope):
        return {"run": scope.run_id}
    if isinstance(scope, AgentScope):
        return {"agent": scope.agent_id}
    return {"filter": _NS.encoder(FilterScope)(scope)}


def _dec_error(d: Any) -> AgentError:
    choices = ", ".join(_ERRORS)
    key, value = _single_key(d, "AgentError", choices)
    cls = _ERRORS.get(key)
    if cls is None:
        raise Bad(f"unknown AgentError variant {key!r} (expected one of: {choices})", key)
    try:
        return cast(AgentError, _NS.decoder(cls)(value))
    except Bad as bad:
        raise bad.at(key) from None


def _enc_error(error: AgentError) -> dict[str, Any]:
    return {error.VARIANT: _NS.encoder(error.__class__)(error)}


_NS: Final = Namespace()
_NS.globals.update(
    dec_special_payload=_dec_payload,
    enc_special_payload=_enc_payload("enc"),
    encm_special_payload=_enc_payload("encm"),
    dec_special_delivery_kind=_dec_delivery_kind,
    enc_special_delivery_kind=_enc_delivery_kind,
    encm_special_delivery_kind=_enc_delivery_kind,
    dec_special_scope=_dec_scope,
    enc_special_scope=_enc_scope,
    encm_special_scope=_enc_scope,
)
for _cls in (
    JournalRecord,
    ReplayResult,
    EventCursor,
    *_PAYLOAD_CLASSES.values(),
    *_OUTPUT_CLASSES.values(),
    *_KINDS.values(),
    *_ERRORS.values(),
    FilterScope,
):
    generate(_NS, _cls)

register_payloads(_PAYLOAD_CLASSES, _OUTPUT_CLASSES, _KINDS)
_ENCODE_RECORD_MEMO: Final = _NS.encoder(JournalRecord, "encm")

_ENCODE_PAYLOAD: Final = _enc_payload("enc")


def _dec_other_payload(data: Any) -> OtherPayload:
    payload = _dec_payload(data)
    if not isinstance(payload, OtherPayload):
        raise Bad(f"expected an ignored payload type, got {payload.__class__.__name__}", "type")
    return payload


def _dec_json_object(data: Any) -> JsonValue:
    if not isinstance(data, dict):
        raise bad_value(data, "an object", "$")
    return _frozen_json(data, 0)


_SPECIAL_DECODERS: Final[dict[Any, Callable[[Any], Any]]] = {
    EventStreamScope: _dec_scope,
    AgentError: _dec_error,
    OtherPayload: _dec_other_payload,
    JsonObject: _dec_json_object,
}


def _decoder_for(cls: Any) -> Callable[[Any], Any]:
    special = _SPECIAL_DECODERS.get(cls)
    if special is not None:
        return special
    if cls in _ERRORS.values():
        return _dec_error
    if isinstance(cls, type) and issubclass(cls, EventStreamScope):
        return _dec_scope
    if isinstance(cls, type) and issubclass(cls, enum.Enum):
        members = {m.value: m for m in cls}

        def dec_enum(value: Any) -> Any:
            if isinstance(value, str) and value in members:
                return members[value]
            raise bad_value(value, f"a {cls.__name__} string", "$")

        return dec_enum
    if attrs.has(cls):
        generate(_NS, cls)
        return _NS.decoder(cls)
    raise TypeError(f"{cls!r} is not a replaykit wire type")


def _fail(bad: Bad) -> Failure[DecodeError]:
    path = bad.json_path().replace(".$", "")
    return Failure(DecodeError(path, bad.message))


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


def from_json(cls: type[T], data: str | bytes) -> Result[T, DecodeError]:
    """Decode one JSON text as ``cls``: ``Success(value)`` or ``Failure(DecodeError)``."""
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
        return _enc_error(value)
    if isinstance(value, EventStreamScope):
        return _enc_scope(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, str):
        return value
    if isinstance(value, OtherPayload):
        return _ENCODE_PAYLOAD(value)
    if isinstance(value, JsonObject | JsonNumber):
        return _thaw_json(value)
    cls = value.__class__
    if attrs.has(cls):
        generate(_NS, cls)
        return _NS.encoder(cls)(value)
    raise TypeError(f"{cls.__name__} is not a replaykit wire type")


def canonical_bytes(record: JournalRecord) -> bytes:
    """The canonical encoding of a record for duplicate comparison, as UTF-8 bytes.

    It is ``to_json(record)`` except that the keys inside ignored payloads are sorted
    (the reference compares those payloads as typed values). Faster than ``to_json`` on
    long folds: the encodings of the small reference objects records share are reused.
    """
    try:
        return orjson.dumps(_ENCODE_RECORD_MEMO(record))
    except TypeError:  # an integer past 64 bits in an ignored payload
        return _dumps(_sorted_record(record))


def _sorted_record(record: JournalRecord) -> dict[str, Any]:
    data: dict[str, Any] = to_data(record)
    payload = record.payload
    if isinstance(payload, OtherPayload):
        data["payload"] = {"type": payload.type}
        for key, value in _sorted_json(payload.fields).items():
            data["payload"].setdefault(key, value)
    return data


def to_json(value: Any) -> str:
    """The reference's compact JSON for ``value``, byte for byte.

    >>> from replaykit.model import CursorCompatibility
    >>> to_json(CursorCompatibility.SCOPE_MISMATCH)
    '"scope_mismatch"'
    """
    return _dumps(to_data(value)).decode("utf-8")
