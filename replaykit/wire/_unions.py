"""Codecs of the tagged unions and of opaque JSON, and the generated codec namespace.

The plain structs get generated decoders and encoders (``_codegen``); the four unions
of the wire format are written by hand here: journal payloads (internally tagged on
``type``, output deliveries adjacently tagged inside them), delivery kinds (internally
tagged), event-stream scopes and ``AgentError`` (externally tagged). Ignored payloads
are kept as immutable JSON (``OtherPayload``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Final, cast

import orjson

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
)
from replaykit.model.ids import id_error
from replaykit.wire._canonical import register_payloads
from replaykit.wire._codegen import MISSING, Namespace, bad_value, check_object, generate
from replaykit.wire._json import MAX_DEPTH, Bad, Float
from replaykit.wire._payloads import Compiler

__all__ = [
    "ENCODE_PAYLOAD",
    "ENCODE_RECORD_MEMO",
    "ERRORS",
    "NS",
    "PAYLOAD_CHECKS",
    "SHAPE_CHECKS",
    "dec_error",
    "dec_json_object",
    "dec_other_payload",
    "dec_scope",
    "dumps",
    "enc_error",
    "enc_scope",
    "frozen_json",
    "other_payload",
    "thaw_json",
]

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
ERRORS: Final[dict[str, type]] = {
    c.VARIANT: c
    for c in (MissingRequiredField, ContractViolation, HostConfigurationNeeded, Classified)
}
_TYPE_KEY: Final = frozenset({"type"})
_OUTPUT_KEYS: Final = frozenset({"type", "record_type", "record"})
_PAYLOAD_TAGS: Final = ", ".join(
    sorted([*_PAYLOAD_CLASSES, "output_delivery", *IGNORED_PAYLOAD_TYPES])
)


def _tag(d: dict[str, Any], key: str, known: frozenset[str]) -> Any:
    d = check_object(d, known)
    tag = d.get(key, MISSING)
    if tag.__class__ is not str:
        raise bad_value(tag, "a variant name string", key)
    return tag


def _dec_payload(d: Any) -> Any:
    d = check_object(d, _TYPE_KEY)
    tag = _tag(d, "type", _TYPE_KEY)
    cls = _PAYLOAD_CLASSES.get(tag)
    if cls is not None:
        return NS.decoder(cls)(d)
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
            return NS.decoder(out_cls)(record)
        except Bad as bad:
            raise bad.at("record") from None
    check = PAYLOAD_CHECKS.get(tag)
    if check is not None:
        return other_payload(check(d))
    raise Bad(f"unknown variant {tag!r} (expected one of: {_PAYLOAD_TAGS})", "type")


_I64_MIN: Final = -(2**63)
_U64_MAX: Final = 2**64 - 1


def _orjson_text(value: float) -> str:
    return orjson.dumps(value).decode()  # orjson wrote this float back unchanged


def frozen_json(
    value: Any, depth: int, float_text: Callable[[float], str] = _orjson_text
) -> JsonValue:
    """A parsed JSON value as immutable data (objects keep their key order).

    A ``float`` (from a parser whose re-encoding was proven to equal the input) keeps
    the text ``float_text`` gives it; it may raise to refuse floats.
    """
    if value is None or value.__class__ in (str, bool):
        return cast(JsonValue, value)
    if value.__class__ is int:
        return value if _I64_MIN <= value <= _U64_MAX else JsonNumber(str(value))
    if isinstance(value, Float):
        return JsonNumber(value.text)
    if isinstance(value, float):
        return JsonNumber(float_text(value))
    if depth >= MAX_DEPTH:
        raise Bad(f"nesting deeper than {MAX_DEPTH} levels")
    if isinstance(value, list):
        out = []
        for index, item in enumerate(value):
            try:
                out.append(frozen_json(item, depth + 1, float_text))
            except Bad as bad:
                raise bad.at(index) from None
        return tuple(out)
    if isinstance(value, dict):
        pairs = []
        for key, item in value.items():
            try:
                pairs.append((key, frozen_json(item, depth + 1, float_text)))
            except Bad as bad:
                raise bad.at(key) from None
        return JsonObject(tuple(pairs))
    raise Bad(f"expected an integer, string, boolean, array or object, got {value!r}")


def thaw_json(value: JsonValue, *, sort_keys: bool = False) -> Any:
    """Immutable JSON back to dicts and lists (object keys sorted when ``sort_keys``)."""
    if isinstance(value, JsonObject):
        items = sorted(value.items) if sort_keys else value.items
        return {key: thaw_json(item, sort_keys=sort_keys) for key, item in items}
    if isinstance(value, tuple):
        return [thaw_json(item, sort_keys=sort_keys) for item in value]
    if isinstance(value, JsonNumber):
        return value.value()
    return value


def dumps(data: Any) -> bytes:
    """Compact JSON bytes; integers past 64 bits (only in ignored payloads) via ``json``."""
    try:
        return orjson.dumps(data)
    except TypeError:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def other_payload(canonical: dict[str, Any]) -> OtherPayload:
    """The ``OtherPayload`` of a checked payload's canonical data (``type`` first)."""
    return OtherPayload(type=canonical["type"], json=dumps(canonical))


def _enc_payload(prefix: str) -> Callable[[Any], Any]:
    def encode(payload: Any) -> Any:
        if isinstance(payload, OtherPayload):
            # Canonical already; the digest family ("encm") splices the bytes in.
            if prefix == "encm":
                return orjson.Fragment(payload.json)
            return orjson.loads(payload.json)
        cls = payload.__class__
        record_type = getattr(cls, "RECORD_TYPE", None)
        if record_type is not None:
            record = NS.encoder(cls, prefix)(payload)
            return {"type": "output_delivery", "record_type": record_type, "record": record}
        out = {"type": cls.PAYLOAD_TYPE}
        out.update(NS.encoder(cls, prefix)(payload))
        return out

    return encode


def _dec_delivery_kind(d: Any) -> Any:
    tag = _tag(d, "type", _TYPE_KEY)
    cls = _KINDS.get(tag)
    if cls is None:
        raise Bad(f"unknown variant {tag!r} (expected one of: {', '.join(_KINDS)})", "type")
    return NS.decoder(cls)(d)


def _enc_delivery_kind(kind: Any) -> dict[str, Any]:
    out = {"type": kind.KIND_TYPE}
    out.update(NS.encoder(kind.__class__)(kind))
    return out


_ALL_SCOPE: Final = AllScope()


def _single_key(d: Any, what: str, choices: str) -> tuple[str, Any]:
    if not isinstance(d, dict):
        raise bad_value(d, f"{what} (a string or a single-key object)", "$")
    if len(d) != 1:
        raise Bad(f"expected a single-key object naming the {what} variant ({choices})")
    return cast(tuple[str, Any], next(iter(d.items())))


def dec_scope(d: Any) -> EventStreamScope:
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
            return cast(FilterScope, NS.decoder(FilterScope)(value))
        except Bad as bad:
            raise bad.at(key) from None
    raise Bad(f"unknown scope {key!r} (expected one of: {choices})", key)


def enc_scope(scope: EventStreamScope) -> Any:
    if isinstance(scope, AllScope):
        return "all"
    if isinstance(scope, RunScope):
        return {"run": scope.run_id}
    if isinstance(scope, AgentScope):
        return {"agent": scope.agent_id}
    return {"filter": NS.encoder(FilterScope)(scope)}


def dec_error(d: Any) -> AgentError:
    choices = ", ".join(ERRORS)
    key, value = _single_key(d, "AgentError", choices)
    cls = ERRORS.get(key)
    if cls is None:
        raise Bad(f"unknown AgentError variant {key!r} (expected one of: {choices})", key)
    try:
        return cast(AgentError, NS.decoder(cls)(value))
    except Bad as bad:
        raise bad.at(key) from None


def enc_error(error: AgentError) -> dict[str, Any]:
    return {error.VARIANT: NS.encoder(error.__class__)(error)}


NS: Final = Namespace()
NS.globals.update(
    dec_special_payload=_dec_payload,
    enc_special_payload=_enc_payload("enc"),
    encm_special_payload=_enc_payload("encm"),
    dec_special_delivery_kind=_dec_delivery_kind,
    enc_special_delivery_kind=_enc_delivery_kind,
    encm_special_delivery_kind=_enc_delivery_kind,
    dec_special_scope=dec_scope,
    enc_special_scope=enc_scope,
    encm_special_scope=enc_scope,
)
for _cls in (
    JournalRecord,
    ReplayResult,
    EventCursor,
    *_PAYLOAD_CLASSES.values(),
    *_OUTPUT_CLASSES.values(),
    *_KINDS.values(),
    *ERRORS.values(),
    FilterScope,
):
    generate(NS, _cls)

register_payloads(_PAYLOAD_CLASSES, _OUTPUT_CLASSES, _KINDS)
#: The checks of the shape tables (ignored payloads), compiled on first use of a shape.
SHAPE_CHECKS: Final = Compiler()
#: Payload tag -> the check that gives its canonical data (ignored payloads only).
PAYLOAD_CHECKS: Final = SHAPE_CHECKS.payloads()
ENCODE_RECORD_MEMO: Final = NS.encoder(JournalRecord, "encm")

ENCODE_PAYLOAD: Final = _enc_payload("enc")


def dec_other_payload(data: Any) -> OtherPayload:
    payload = _dec_payload(data)
    if not isinstance(payload, OtherPayload):
        raise Bad(f"expected an ignored payload type, got {payload.__class__.__name__}", "type")
    return payload


def dec_json_object(data: Any) -> JsonValue:
    if not isinstance(data, dict):
        raise bad_value(data, "an object", "$")
    return frozen_json(data, 0)
