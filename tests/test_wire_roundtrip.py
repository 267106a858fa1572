"""Encoding: byte-identical re-encoding, serde_json's escapes, and ``from_json(to_json(x)) == x``.

The round-trip strategies are derived from each model class's wire metadata (every
field's kind and presence rule), so every wire type is covered, with arbitrary strings,
boundary ids and integers, absent options and empty lists.
"""

from __future__ import annotations

import enum
import json
from typing import Any, Final, cast

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from wire_support import EXAMPLE_LINES, compact

import replaykit.model as model
from replaykit import (
    AgentError,
    EventStreamScope,
    JournalRecord,
    from_data,
    from_json,
    to_data,
    to_json,
)
from replaykit.model import (
    IGNORED_PAYLOAD_TYPES,
    AgentScope,
    AllScope,
    Classified,
    ContractViolation,
    EffectIntent,
    EffectResult,
    FilterScope,
    FinalMessage,
    FinalValidatedOutput,
    HostConfigurationNeeded,
    JsonNumber,
    JsonObject,
    MissingRequiredField,
    OtherPayload,
    OutputDeliveryDedupeRecord,
    OutputDeliveryEventRecord,
    OutputDeliveryIntentRecord,
    OutputDeliveryReconciliationRecord,
    OutputDeliveryResultRecord,
    RecoveryMarker,
    RunCheckpoint,
    RunLifecycleRecord,
    RunScope,
    StreamChunk,
    TerminalResultMarker,
    TurnLifecycleRecord,
)
from replaykit.model._wirespec import BOOL, ID, STR, U16, U32, U64, WIRE_KEY, Presence
from replaykit.testing import strategies as rks

ROUND_TRIP = settings(max_examples=60, deadline=None)


# Byte-identical re-encoding. -----------------------------------------------------------------


@pytest.mark.parametrize(
    "line", [pytest.param(line, id=f"{name}:{index + 1}") for name, index, line in EXAMPLE_LINES]
)
def test_example_record_reencodes_byte_identical(line: str) -> None:
    record = from_json(JournalRecord, line).unwrap()
    assert to_json(record) == line
    assert compact(to_data(record)) == line
    assert from_data(JournalRecord, json.loads(line)).unwrap() == record


def _ignored(line: str) -> bool:
    return json.loads(line)["payload"]["type"] in IGNORED_PAYLOAD_TYPES


def test_key_sorted_record_reencodes_in_wire_order() -> None:
    """Key order carries no meaning on input; output uses declaration order."""
    for _, _, line in EXAMPLE_LINES:
        if not _ignored(line):
            shuffled = json.dumps(json.loads(line), sort_keys=True, indent=2)
            assert to_json(from_json(JournalRecord, shuffled).unwrap()) == line


def test_ignored_payload_keys_come_back_in_declaration_order() -> None:
    """An ignored payload is re-encoded as the reference encodes it, whatever the key
    order it was written in."""
    for _, _, line in EXAMPLE_LINES:
        if _ignored(line):
            data = json.loads(line)
            shuffled = json.dumps(data, sort_keys=True)
            again = json.loads(to_json(from_json(JournalRecord, shuffled).unwrap()))["payload"]
            assert list(again) == list(data["payload"])
            assert again == data["payload"]


# Escapes. -------------------------------------------------------------------------------------

TRICKY_STRINGS = [
    "",
    '"quoted"',
    "back\\slash",
    "/slash/",
    "\x00\x01\x07\x08\t\n\x0b\x0c\r\x1b\x1f",
    "\x7f\x80\x85\x9f\xa0",
    "caf\u00e9 \u65e5\u672c \u0416",
    "\u2028\u2029",
    "\ufeff\u200b\u00ad",
    "\U0001f600\U00010000\U0010ffff",
    "<script>&amp;</script>",
]


@pytest.mark.parametrize("value", TRICKY_STRINGS)
def test_encode_escapes_like_serde_json(value: str) -> None:
    """Control characters as short or lowercase ``\\u00xx`` escapes, the rest raw UTF-8."""
    data = json.loads(EXAMPLE_LINES[0][2])
    data["record_id"] = value
    data["payload"]["reason"] = value
    expected = compact(data)
    record = from_json(JournalRecord, expected).unwrap()
    assert record.record_id == value
    assert to_json(record) == expected


@ROUND_TRIP
@given(value=st.text(st.characters(exclude_categories=["Cs"])))
def test_encode_any_free_string_like_serde_json(value: str) -> None:
    data = json.loads(EXAMPLE_LINES[0][2])
    data["record_id"] = value
    expected = compact(data)
    record = from_json(JournalRecord, expected).unwrap()
    assert to_json(record) == expected


# Round trip of every wire type. ---------------------------------------------------------------

_SURROGATE_FREE = st.characters(exclude_categories=["Cs"])
FREE_STRINGS: Final = st.text(_SURROGATE_FREE, max_size=12) | st.sampled_from(TRICKY_STRINGS)
IDS: Final = st.text(
    st.characters(exclude_categories=["Cs", "Cc"]), min_size=1, max_size=12
) | st.sampled_from(["a" * 512, "\u00e9" * 256, " ", "\u200b", "x.y-z_1"])
_UINT: Final = {U16: 2**16 - 1, U32: 2**32 - 1, U64: 2**64 - 1}


def _uint(top: int) -> st.SearchStrategy[int]:
    return st.integers(0, top) | st.sampled_from([0, top])


JSON_VALUES: Final = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | FREE_STRINGS,
    lambda inner: (
        st.lists(inner, max_size=3).map(tuple)
        | st.dictionaries(FREE_STRINGS, inner, max_size=3).map(
            lambda d: JsonObject(tuple(d.items()))
        )
    ),
    max_leaves=8,
)


def _other_payloads() -> st.SearchStrategy[OtherPayload]:
    return rks.ignored_payloads()


_PAYLOADS: Final[tuple[type, ...]] = (
    RunLifecycleRecord,
    TurnLifecycleRecord,
    EffectIntent,
    EffectResult,
    RunCheckpoint,
    RecoveryMarker,
    TerminalResultMarker,
    OutputDeliveryIntentRecord,
    OutputDeliveryResultRecord,
    OutputDeliveryDedupeRecord,
    OutputDeliveryReconciliationRecord,
    OutputDeliveryEventRecord,
)
_ERRORS: Final = (MissingRequiredField, ContractViolation, HostConfigurationNeeded, Classified)


def _kind(kind: Any) -> st.SearchStrategy[Any]:
    if kind == STR:
        return FREE_STRINGS
    if kind == ID:
        return IDS
    if kind in _UINT:
        return _uint(_UINT[kind])
    if kind == BOOL:
        return st.booleans()
    if kind == "payload":
        return st.one_of(*[wire_values(c) for c in _PAYLOADS]) | (_other_payloads())
    if kind == "delivery_kind":
        return st.one_of(
            wire_values(StreamChunk), st.just(FinalMessage()), st.just(FinalValidatedOutput())
        )
    if kind == "scope":
        return wire_values(EventStreamScope)
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return st.sampled_from(kind)
    if isinstance(kind, type) and attrs.has(kind):
        return st.deferred(lambda: wire_values(kind))
    raise AssertionError(f"no strategy for wire kind {kind!r}")


def wire_values(cls: type) -> st.SearchStrategy[Any]:
    """Any valid value of a wire type, built from its fields' wire metadata."""
    if cls is EventStreamScope:
        return st.one_of(
            st.just(AllScope()),
            IDS.map(RunScope),
            IDS.map(AgentScope),
            st.builds(FilterScope, filter_id=FREE_STRINGS, filter_fingerprint=FREE_STRINGS),
        )
    if cls is AgentError:
        return st.one_of(*[wire_values(variant) for variant in _ERRORS])
    if cls is OtherPayload:
        return _other_payloads()
    if isinstance(cls, type) and issubclass(cls, enum.Enum):
        return st.sampled_from(cls)
    arguments: dict[str, st.SearchStrategy[Any]] = {}
    for field in attrs.fields(cast(Any, cls)):
        if not field.init or WIRE_KEY not in field.metadata:
            continue  # not a wire field (a cache, say)
        kind, presence = field.metadata[WIRE_KEY]
        one = _kind(kind)
        if presence in (Presence.OPTIONAL, Presence.NULLABLE):
            one = st.none() | one
        elif presence in (Presence.LIST, Presence.LIST_REQUIRED):
            one = st.lists(one, max_size=2).map(tuple)
        arguments[field.alias] = one
    return st.builds(cls, **arguments)


def _wire_types() -> list[type]:
    out: list[type] = [EventStreamScope, AgentError]
    for name in sorted(model.__all__):
        obj = getattr(model, name)
        if not isinstance(obj, type) or obj in (JsonObject, JsonNumber, OtherPayload):
            continue
        if attrs.has(obj) or issubclass(obj, enum.Enum):
            out.append(obj)
    return out


WIRE_TYPES = _wire_types()


def test_every_wire_type_is_round_tripped() -> None:
    names = {cls.__name__ for cls in WIRE_TYPES}
    for required in ("JournalRecord", "ReplayResult", "RunCheckpoint", "EventCursor", "Classified"):
        assert required in names
    assert len(WIRE_TYPES) >= 55


@pytest.mark.parametrize("cls", WIRE_TYPES, ids=lambda cls: cls.__name__)
def test_from_json_of_to_json_is_identity(cls: type) -> None:
    @ROUND_TRIP
    @given(value=wire_values(cls))
    def check(value: Any) -> None:
        text = to_json(value)
        assert from_json(cls, text).unwrap() == value
        assert from_json(cls, text.encode("utf-8")).unwrap() == value
        assert compact(to_data(value)) == text
        assert to_json(from_json(cls, text).unwrap()) == text

    check()


@ROUND_TRIP
@given(record=rks.records())
def test_builder_records_round_trip(record: JournalRecord) -> None:
    """The testing toolkit's records survive the wire unchanged."""
    assert from_json(JournalRecord, to_json(record)).unwrap() == record


@pytest.mark.parametrize("cls", [OtherPayload, JsonObject], ids=lambda cls: cls.__name__)
def test_bare_other_payload_codec_does_not_raise(cls: type) -> None:
    """Public model classes either round-trip or give a clean error, never a NameError."""
    data = {"type": "message", "message_id": "m.1", "role": "r", "redacted_summary": "s"}
    value = from_data(OtherPayload, data).unwrap()
    shown = value if cls is OtherPayload else value.fields
    assert from_json(cls, to_json(shown)).unwrap() == shown
