"""Reference objects shared by records: entities, sources, destinations, policies."""

from __future__ import annotations

from typing import final

import attrs

from replaykit.model._wirespec import ID, LIST, OPTIONAL, STR, w
from replaykit.model.enums import (
    DestinationKind,
    EntityKind,
    PolicyKind,
    PrivacyClass,
    RetentionClass,
    SourceKind,
    TrustClass,
)

__all__ = ["CorrelationEntry", "DestinationRef", "EntityRef", "PolicyRef", "SourceRef"]


@final
@attrs.frozen(kw_only=True, weakref_slot=False)
class CorrelationEntry:
    key: str = attrs.field(metadata=w(ID))
    value: str = attrs.field(metadata=w(ID))


@final
@attrs.frozen(kw_only=True, weakref_slot=False)
class SourceRef:
    kind: SourceKind = attrs.field(metadata=w(SourceKind))
    id: str = attrs.field(metadata=w(ID))
    trust: TrustClass = attrs.field(metadata=w(TrustClass))
    privacy: PrivacyClass = attrs.field(metadata=w(PrivacyClass))
    correlation: tuple[CorrelationEntry, ...] = attrs.field(
        default=(), metadata=w(CorrelationEntry, LIST)
    )
    redacted_summary: str | None = attrs.field(default=None, metadata=w(STR, OPTIONAL))


@final
@attrs.frozen(kw_only=True, weakref_slot=False)
class EntityRef:
    kind: EntityKind = attrs.field(metadata=w(EntityKind))
    id: str = attrs.field(metadata=w(ID))
    source: SourceRef | None = attrs.field(default=None, metadata=w(SourceRef, OPTIONAL))
    privacy: PrivacyClass = attrs.field(metadata=w(PrivacyClass))
    redacted_summary: str | None = attrs.field(default=None, metadata=w(STR, OPTIONAL))


@final
@attrs.frozen(kw_only=True, weakref_slot=False)
class DestinationRef:
    kind: DestinationKind = attrs.field(metadata=w(DestinationKind))
    id: str = attrs.field(metadata=w(ID))
    privacy: PrivacyClass = attrs.field(metadata=w(PrivacyClass))
    retention: RetentionClass = attrs.field(metadata=w(RetentionClass))
    correlation: tuple[CorrelationEntry, ...] = attrs.field(
        default=(), metadata=w(CorrelationEntry, LIST)
    )
    redacted_summary: str | None = attrs.field(default=None, metadata=w(STR, OPTIONAL))


@final
@attrs.frozen(kw_only=True, weakref_slot=False)
class PolicyRef:
    kind: PolicyKind = attrs.field(metadata=w(PolicyKind))
    id: str = attrs.field(metadata=w(ID))
    version: str | None = attrs.field(default=None, metadata=w(STR, OPTIONAL))
