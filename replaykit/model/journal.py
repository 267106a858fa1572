"""The journal record envelope, its event-index projection and its payloads."""

from __future__ import annotations

import functools
from typing import Any, ClassVar, Final, TypeAlias, final

import attrs
import orjson

from replaykit.model._wirespec import ID, LIST, OPTIONAL, STR, U16, U64, w
from replaykit.model.effects import (
    EffectIntent,
    EffectResult,
    RecoveryMarker,
    RunCheckpoint,
    TerminalResultMarker,
)
from replaykit.model.enums import JournalRecordKind, PrivacyClass, TurnLifecycleStatus
from replaykit.model.output_delivery import OutputDeliveryRecord
from replaykit.model.refs import CorrelationEntry, DestinationRef, EntityRef, SourceRef

__all__ = [
    "IGNORED_PAYLOAD_TYPES",
    "JOURNAL_SCHEMA_VERSION",
    "EventIndexProjection",
    "JournalRecord",
    "JournalRecordPayload",
    "JsonNumber",
    "JsonObject",
    "JsonValue",
    "OtherPayload",
    "RunLifecycleRecord",
    "TurnLifecycleRecord",
    "duplicate_allowed",
]

JOURNAL_SCHEMA_VERSION: Final = 1

#: Payload tags the reducer ignores and replaykit keeps as validated JSON (``OtherPayload``).
IGNORED_PAYLOAD_TYPES: Final = frozenset(
    {
        "context_projection",
        "model_attempt",
        "message",
        "structured_output",
        "approval",
        "tool",
        "hook",
        "stream_rule",
        "realtime_session",
        "isolation",
        "child_lifecycle",
        "agent_pool",
        "run_message",
        "wake",
        "subagent",
        "extension_action",
    }
)


@final
@attrs.frozen(weakref_slot=False)
class JsonObject:
    """An immutable JSON object that keeps its keys in the order they were written."""

    items: tuple[tuple[str, JsonValue], ...] = ()

    def get(self, key: str) -> JsonValue:
        """The value under ``key``, or ``None``."""
        for name, value in self.items:
            if name == key:
                return value
        return None


@final
@attrs.frozen(weakref_slot=False)
class JsonNumber:
    """A JSON number that is not a plain 64-bit integer, kept as its text.

    Decoding a free-form ``JsonObject`` keeps fractions, exponents, ``-0`` and huge
    integers this way. Ignored payloads never hold one: none of their fields is a float,
    and unknown keys are dropped.
    """

    text: str

    def value(self) -> int | float:
        """The number as a Python ``int`` (integer literals) or ``float``."""
        if any(mark in self.text for mark in ".eE"):
            return float(self.text)
        return int(self.text)


JsonValue: TypeAlias = "bool | int | str | JsonNumber | tuple[JsonValue, ...] | JsonObject | None"


@final
@attrs.frozen(kw_only=True, weakref_slot=False)
class RunLifecycleRecord:
    PAYLOAD_TYPE: ClassVar[str] = "run_lifecycle"

    status: str = attrs.field(metadata=w(STR))
    reason: str = attrs.field(metadata=w(STR))


@final
@attrs.frozen(kw_only=True, weakref_slot=False)
class TurnLifecycleRecord:
    PAYLOAD_TYPE: ClassVar[str] = "turn_lifecycle"

    turn_id: str = attrs.field(metadata=w(ID))
    run_ids: tuple[str, ...] = attrs.field(default=(), metadata=w(ID, LIST))
    status: TurnLifecycleStatus = attrs.field(metadata=w(TurnLifecycleStatus))
    input_message_id: str | None = attrs.field(default=None, metadata=w(ID, OPTIONAL))
    output_message_id: str | None = attrs.field(default=None, metadata=w(ID, OPTIONAL))
    context_projection_id: str | None = attrs.field(default=None, metadata=w(ID, OPTIONAL))
    redacted_summary: str = attrs.field(metadata=w(STR))


@final
@attrs.frozen(kw_only=True, weakref_slot=False)
class OtherPayload:
    """A payload variant the reducer ignores, as validated immutable JSON.

    ``type`` is the wire tag (one of ``IGNORED_PAYLOAD_TYPES``); ``json`` is the whole
    payload object in the reference's canonical form, as its encoder writes it: checked
    against the payload's shape (``replaykit.model.shapes``), keys in declaration order,
    unknown keys dropped, absent options left out or written as ``null``. Two payloads
    are equal exactly when these bytes are. Decoding (``from_json``, ``from_data``)
    makes that form; build values through it, not through this constructor, which
    checks nothing. ``fields`` (the keys but ``type``, as a ``JsonObject``) and
    ``get`` read it; they parse ``json`` once, on first use, since most payloads are
    never read.
    """

    type: str = attrs.field(metadata=w(STR))
    json: bytes = attrs.field(repr=False)

    @functools.cached_property
    def fields(self) -> JsonObject:
        """Every key but ``type``, as immutable JSON in declaration order."""
        data = orjson.loads(self.json)
        del data["type"]
        return _freeze_object(data)

    def get(self, *path: str | int) -> JsonValue:
        """The value at ``path`` (object keys and array indices), or ``None``.

        >>> payload = OtherPayload(type="model_attempt", json=b'{"type":"model_attempt",'
        ...     b'"usage":{"input_tokens":812,"output_tokens":null}}')
        >>> payload.get("usage", "input_tokens"), payload.get("usage", "nope", 0)
        (812, None)
        """
        value: JsonValue = self.fields
        for part in path:
            if isinstance(value, JsonObject) and isinstance(part, str):
                value = value.get(part)
            elif (
                isinstance(value, tuple)
                and isinstance(part, int)
                and -len(value) <= part < len(value)
            ):
                value = value[part]
            else:
                return None
        return value


_NESTED: Final = (dict, list)


def _freeze_object(value: dict[str, Any]) -> JsonObject:
    """Parsed canonical JSON (dicts, lists and scalars only) as immutable JSON."""
    return JsonObject(
        tuple(
            [
                (key, _freeze(item) if item.__class__ in _NESTED else item)
                for key, item in value.items()
            ]
        )
    )


def _freeze(value: Any) -> Any:
    if value.__class__ is dict:
        return _freeze_object(value)
    return tuple([_freeze(item) if item.__class__ in _NESTED else item for item in value])


JournalRecordPayload: TypeAlias = (
    RunLifecycleRecord
    | TurnLifecycleRecord
    | EffectIntent
    | EffectResult
    | RunCheckpoint
    | RecoveryMarker
    | TerminalResultMarker
    | OutputDeliveryRecord
    | OtherPayload
)


@final
@attrs.frozen(kw_only=True, weakref_slot=False)
class EventIndexProjection:
    run_id: str = attrs.field(metadata=w(ID))
    session_id: str | None = attrs.field(default=None, metadata=w(ID, OPTIONAL))
    agent_id: str = attrs.field(metadata=w(ID))
    turn_id: str | None = attrs.field(default=None, metadata=w(ID, OPTIONAL))
    event_family: str = attrs.field(metadata=w(STR))
    event_kind: str = attrs.field(metadata=w(STR))
    source: SourceRef = attrs.field(metadata=w(SourceRef))
    destination: DestinationRef | None = attrs.field(
        default=None, metadata=w(DestinationRef, OPTIONAL)
    )
    subject_ref: EntityRef = attrs.field(metadata=w(EntityRef))
    related_refs: tuple[EntityRef, ...] = attrs.field(default=(), metadata=w(EntityRef, LIST))
    correlation_keys: tuple[CorrelationEntry, ...] = attrs.field(
        default=(), metadata=w(CorrelationEntry, LIST)
    )
    tags: tuple[str, ...] = attrs.field(default=(), metadata=w(STR, LIST))
    privacy_class: PrivacyClass = attrs.field(metadata=w(PrivacyClass))
    delivery_semantics: str = attrs.field(metadata=w(STR))


@final
@attrs.frozen(kw_only=True, weakref_slot=False)
class JournalRecord:
    """One line of a journal: the envelope and its payload (WIRE.md section 5)."""

    journal_schema_version: int = attrs.field(metadata=w(U16))
    journal_seq: int = attrs.field(metadata=w(U64))
    record_id: str = attrs.field(metadata=w(STR))
    record_kind: JournalRecordKind = attrs.field(metadata=w(JournalRecordKind))
    run_id: str = attrs.field(metadata=w(ID))
    session_id: str | None = attrs.field(default=None, metadata=w(ID, OPTIONAL))
    agent_id: str = attrs.field(metadata=w(ID))
    turn_id: str | None = attrs.field(default=None, metadata=w(ID, OPTIONAL))
    attempt_id: str | None = attrs.field(default=None, metadata=w(ID, OPTIONAL))
    subject_ref: EntityRef = attrs.field(metadata=w(EntityRef))
    related_refs: tuple[EntityRef, ...] = attrs.field(default=(), metadata=w(EntityRef, LIST))
    causal_refs: tuple[str, ...] = attrs.field(default=(), metadata=w(STR, LIST))
    source: SourceRef = attrs.field(metadata=w(SourceRef))
    destination: DestinationRef | None = attrs.field(
        default=None, metadata=w(DestinationRef, OPTIONAL)
    )
    correlation_keys: tuple[CorrelationEntry, ...] = attrs.field(
        default=(), metadata=w(CorrelationEntry, LIST)
    )
    tags: tuple[str, ...] = attrs.field(default=(), metadata=w(STR, LIST))
    delivery_semantics: str = attrs.field(metadata=w(STR))
    event_index: EventIndexProjection = attrs.field(metadata=w(EventIndexProjection))
    timestamp_millis: int = attrs.field(metadata=w(U64))
    runtime_package_fingerprint: str = attrs.field(metadata=w(STR))
    privacy: PrivacyClass = attrs.field(metadata=w(PrivacyClass))
    content_refs: tuple[str, ...] = attrs.field(default=(), metadata=w(ID, LIST))
    redaction_policy_id: str = attrs.field(metadata=w(STR))
    idempotency_key: str | None = attrs.field(default=None, metadata=w(ID, OPTIONAL))
    dedupe_key: str | None = attrs.field(default=None, metadata=w(ID, OPTIONAL))
    checkpoint_ref: str | None = attrs.field(default=None, metadata=w(STR, OPTIONAL))
    payload: JournalRecordPayload = attrs.field(metadata=w("payload"))
    #: BLAKE2b-128 of the canonical encoding, when the decoder could prove the input
    #: line was already canonical (no wire meaning; ignored by equality and ``evolve``).
    _digest: bytes | None = attrs.field(default=None, init=False, eq=False, hash=False, repr=False)


def duplicate_allowed(record: JournalRecord) -> bool:
    """Whether an equal repeat of ``record`` is accepted as an idempotent no-op.

    True when the envelope has an idempotency or dedupe key, or the record kind is
    ``checkpoint`` or ``recovery`` (SEMANTICS.md, step 1).
    """
    return (
        record.idempotency_key is not None
        or record.dedupe_key is not None
        or record.record_kind in _REPEATABLE_KINDS
    )


_REPEATABLE_KINDS: Final = frozenset({JournalRecordKind.CHECKPOINT, JournalRecordKind.RECOVERY})
