"""The journal record envelope as the builders fill it: defaults and overrides.

Every builder of ``replaykit.testing.builders`` takes the envelope fields as keyword
arguments (``Envelope``); what a test leaves out gets a stable default, so two runs build
byte-identical records. The event-index projection is derived from the envelope.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, TypedDict, Unpack, cast

from replaykit.model import (
    JOURNAL_SCHEMA_VERSION,
    CorrelationEntry,
    DestinationKind,
    DestinationRef,
    EntityKind,
    EntityRef,
    EventIndexProjection,
    JournalRecord,
    JournalRecordKind,
    JournalRecordPayload,
    PrivacyClass,
    RetentionClass,
    SourceKind,
    SourceRef,
    TrustClass,
)

__all__ = [
    "BASE_TIMESTAMP_MILLIS",
    "DEFAULT_AGENT_ID",
    "DEFAULT_FINGERPRINT",
    "DEFAULT_REDACTION_POLICY",
    "DEFAULT_RUN_ID",
    "DEFAULT_SOURCE",
    "Envelope",
    "EnvelopeNoDedupe",
    "EnvelopeNoKeys",
    "EnvelopeNoRefs",
    "build_record",
    "default_record_id",
    "destination",
    "entity",
    "with_envelope",
]

DEFAULT_RUN_ID: Final = "run.test"
DEFAULT_AGENT_ID: Final = "agent.test"
DEFAULT_FINGERPRINT: Final = "sha256:runtime.package.test"
DEFAULT_REDACTION_POLICY: Final = "redaction.default"
DEFAULT_PRIVACY: Final = PrivacyClass.CONTENT_REFS_ONLY
#: 2026-01-01T00:00:00Z; record ``n`` is stamped ``n`` seconds later.
BASE_TIMESTAMP_MILLIS: Final = 1_767_225_600_000
DEFAULT_SOURCE: Final = SourceRef(
    kind=SourceKind.SDK,
    id="source.sdk.run_loop",
    trust=TrustClass.HOST_PROVIDED,
    privacy=DEFAULT_PRIVACY,
)


class _Base(TypedDict, total=False):
    journal_schema_version: int
    journal_seq: int
    record_id: str
    record_kind: JournalRecordKind
    run_id: str
    session_id: str | None
    agent_id: str
    turn_id: str | None
    attempt_id: str | None
    subject_ref: EntityRef
    related_refs: tuple[EntityRef, ...]
    causal_refs: tuple[str, ...]
    source: SourceRef
    destination: DestinationRef | None
    correlation_keys: tuple[CorrelationEntry, ...]
    tags: tuple[str, ...]
    delivery_semantics: str
    event_family: str
    event_kind: str
    timestamp_millis: int
    runtime_package_fingerprint: str
    privacy: PrivacyClass
    redaction_policy_id: str
    checkpoint_ref: str | None


class EnvelopeNoKeys(_Base, total=False):
    """The envelope fields of a builder whose payload owns the keys and content refs."""


class EnvelopeNoRefs(_Base, total=False):
    """The envelope fields of a builder whose payload owns the content refs."""

    idempotency_key: str | None
    dedupe_key: str | None


class EnvelopeNoDedupe(_Base, total=False):
    """The envelope fields of a builder whose payload owns the dedupe key."""

    content_refs: tuple[str, ...]
    idempotency_key: str | None


class Envelope(_Base, total=False):
    """Envelope fields a builder accepts as keyword arguments; every one is optional.

    ``event_family`` and ``event_kind`` go to the event-index projection. Builders
    whose payload carries ``content_refs``, ``idempotency_key`` or ``dedupe_key`` take
    them as their own arguments and write them to both places (``EnvelopeNoKeys`` and
    friends).
    """

    content_refs: tuple[str, ...]
    idempotency_key: str | None
    dedupe_key: str | None


def entity(kind: EntityKind, entity_id: str) -> EntityRef:
    """An ``EntityRef`` with the default privacy.

    >>> entity(EntityKind.RUN, "run.test").id
    'run.test'
    """
    return EntityRef(kind=kind, id=entity_id, privacy=DEFAULT_PRIVACY)


def destination(
    kind: DestinationKind = DestinationKind.TOOL, dest_id: str = "destination.tool.workspace"
) -> DestinationRef:
    """A ``DestinationRef`` with the default privacy and host-policy retention.

    >>> destination(DestinationKind.OUTPUT_SINK, "destination.output.chat").kind.value
    'output_sink'
    """
    return DestinationRef(
        kind=kind, id=dest_id, privacy=DEFAULT_PRIVACY, retention=RetentionClass.HOST_POLICY
    )


def default_record_id(run_id: str, journal_seq: int) -> str:
    """The record id the builders give record ``journal_seq`` of ``run_id``.

    >>> default_record_id("run.test", 7)
    'journal.run.test.0007'
    """
    return f"journal.{run_id}.{journal_seq:04d}"


def build_record(
    payload: JournalRecordPayload, defaults: Mapping[str, Any], overrides: Mapping[str, Any]
) -> JournalRecord:
    """A record of ``payload``: ``overrides`` win over ``defaults``, which win over the base."""
    env = cast(Envelope, {**defaults, **overrides})
    run_id = env.get("run_id", DEFAULT_RUN_ID)
    seq = env.get("journal_seq", 1)
    agent_id = env.get("agent_id", DEFAULT_AGENT_ID)
    session_id = env.get("session_id")
    turn_id = env.get("turn_id")
    subject = env.get("subject_ref") or entity(EntityKind.RUN, run_id)
    related = env.get("related_refs", ())
    source = env.get("source", DEFAULT_SOURCE)
    dest = env.get("destination")
    correlation = env.get("correlation_keys", ())
    tags = env.get("tags", ())
    privacy = env.get("privacy", DEFAULT_PRIVACY)
    semantics = env.get("delivery_semantics", "journal_backed")
    index = EventIndexProjection(
        run_id=run_id,
        session_id=session_id,
        agent_id=agent_id,
        turn_id=turn_id,
        event_family=env.get("event_family", "run"),
        event_kind=env.get("event_kind", "event"),
        source=source,
        destination=dest,
        subject_ref=subject,
        related_refs=related,
        correlation_keys=correlation,
        tags=tags,
        privacy_class=privacy,
        delivery_semantics=semantics,
    )
    return JournalRecord(
        journal_schema_version=env.get("journal_schema_version", JOURNAL_SCHEMA_VERSION),
        journal_seq=seq,
        record_id=env.get("record_id") or default_record_id(run_id, seq),
        record_kind=env.get("record_kind", JournalRecordKind.RUN),
        run_id=run_id,
        session_id=session_id,
        agent_id=agent_id,
        turn_id=turn_id,
        attempt_id=env.get("attempt_id"),
        subject_ref=subject,
        related_refs=related,
        causal_refs=env.get("causal_refs", ()),
        source=source,
        destination=dest,
        correlation_keys=correlation,
        tags=tags,
        delivery_semantics=semantics,
        event_index=index,
        timestamp_millis=env.get("timestamp_millis", BASE_TIMESTAMP_MILLIS + 1000 * seq),
        runtime_package_fingerprint=env.get("runtime_package_fingerprint", DEFAULT_FINGERPRINT),
        privacy=privacy,
        content_refs=env.get("content_refs", ()),
        redaction_policy_id=env.get("redaction_policy_id", DEFAULT_REDACTION_POLICY),
        idempotency_key=env.get("idempotency_key"),
        dedupe_key=env.get("dedupe_key"),
        checkpoint_ref=env.get("checkpoint_ref"),
        payload=payload,
    )


def envelope_of(record: JournalRecord) -> Envelope:
    """The envelope fields of ``record`` (with the event family and kind of its index)."""
    return {
        "journal_schema_version": record.journal_schema_version,
        "journal_seq": record.journal_seq,
        "record_id": record.record_id,
        "record_kind": record.record_kind,
        "run_id": record.run_id,
        "session_id": record.session_id,
        "agent_id": record.agent_id,
        "turn_id": record.turn_id,
        "attempt_id": record.attempt_id,
        "subject_ref": record.subject_ref,
        "related_refs": record.related_refs,
        "causal_refs": record.causal_refs,
        "source": record.source,
        "destination": record.destination,
        "correlation_keys": record.correlation_keys,
        "tags": record.tags,
        "delivery_semantics": record.delivery_semantics,
        "event_family": record.event_index.event_family,
        "event_kind": record.event_index.event_kind,
        "timestamp_millis": record.timestamp_millis,
        "runtime_package_fingerprint": record.runtime_package_fingerprint,
        "privacy": record.privacy,
        "content_refs": record.content_refs,
        "redaction_policy_id": record.redaction_policy_id,
        "idempotency_key": record.idempotency_key,
        "dedupe_key": record.dedupe_key,
        "checkpoint_ref": record.checkpoint_ref,
    }


def with_envelope(record: JournalRecord, **overrides: Unpack[Envelope]) -> JournalRecord:
    """``record`` with some envelope fields replaced (the event index follows them).

    The payload is kept as it is, so this is how a test makes the envelope disagree with
    the payload (say, an envelope ``idempotency_key`` the payload lacks).

    >>> from replaykit.testing.builders import effect_intent
    >>> record = with_envelope(effect_intent("effect.1"), idempotency_key="idem.1")
    >>> (record.idempotency_key, record.payload.idempotency_key)
    ('idem.1', None)
    """
    return build_record(record.payload, envelope_of(record), overrides)
