"""Event-stream scopes and cursors (WIRE.md section 11)."""

from __future__ import annotations

from typing import ClassVar, final

import attrs

from replaykit.model._wirespec import ID, OPTIONAL, STR, U64, w

__all__ = [
    "AgentScope",
    "AllScope",
    "EventCursor",
    "EventStreamScope",
    "FilterScope",
    "RunScope",
]


class EventStreamScope:
    """Base of the four scopes; externally tagged on the wire (``"all"``, ``{"run": ...}``)."""

    __slots__ = ()
    VARIANT: ClassVar[str]


@final
@attrs.frozen(weakref_slot=False)
class AllScope(EventStreamScope):
    """Every event; written as the bare string ``"all"``."""

    VARIANT: ClassVar[str] = "all"


@final
@attrs.frozen(weakref_slot=False)
class RunScope(EventStreamScope):
    VARIANT: ClassVar[str] = "run"

    run_id: str = attrs.field(metadata=w(ID))


@final
@attrs.frozen(weakref_slot=False)
class AgentScope(EventStreamScope):
    VARIANT: ClassVar[str] = "agent"

    agent_id: str = attrs.field(metadata=w(ID))


@final
@attrs.frozen(kw_only=True, weakref_slot=False)
class FilterScope(EventStreamScope):
    VARIANT: ClassVar[str] = "filter"

    filter_id: str = attrs.field(metadata=w(STR))
    filter_fingerprint: str = attrs.field(metadata=w(STR))


@final
@attrs.frozen(kw_only=True, weakref_slot=False)
class EventCursor:
    scope: EventStreamScope = attrs.field(metadata=w("scope"))
    event_seq: int = attrs.field(metadata=w(U64))
    event_id: str = attrs.field(metadata=w(ID))
    journal_cursor: str | None = attrs.field(default=None, metadata=w(ID, OPTIONAL))
