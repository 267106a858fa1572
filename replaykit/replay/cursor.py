"""The reference's cursor helpers.

>>> from replaykit.model import AllScope, EventCursor, RunScope
>>> check_cursor_compatibility(RunScope("run.1"), None).value
'compatible'
>>> cursor = EventCursor(scope=RunScope("run.2"), event_seq=1, event_id="ev.1")
>>> check_cursor_compatibility(RunScope("run.1"), cursor).value
'scope_mismatch'
>>> durable_replay_support(AllScope()).value
'host_archive_required'
>>> journal_cursor_for_seq(7)
'journal.7'
"""

from __future__ import annotations

from replaykit.model import (
    AgentScope,
    AllScope,
    CursorCompatibility,
    DurableReplaySupport,
    EventCursor,
    EventStreamScope,
    FilterScope,
    RunScope,
)

__all__ = ["check_cursor_compatibility", "durable_replay_support", "journal_cursor_for_seq"]


def _same_scope(requested: EventStreamScope, actual: EventStreamScope) -> bool:
    match requested, actual:
        case AllScope(), AllScope():
            return True
        case RunScope(a), RunScope(b):
            return a == b
        case AgentScope(a), AgentScope(b):
            return a == b
        case FilterScope(), FilterScope():
            return requested.filter_fingerprint == actual.filter_fingerprint
    return False


def check_cursor_compatibility(
    scope: EventStreamScope, cursor: EventCursor | None
) -> CursorCompatibility:
    """Whether a stream cursor may continue a stream of ``scope`` (no cursor: yes)."""
    if cursor is None or _same_scope(scope, cursor.scope):
        return CursorCompatibility.COMPATIBLE
    return CursorCompatibility.SCOPE_MISMATCH


def durable_replay_support(scope: EventStreamScope) -> DurableReplaySupport:
    """A run scope replays from the run journal; every other needs the host archive."""
    if isinstance(scope, RunScope):
        return DurableReplaySupport.RUN_JOURNAL
    return DurableReplaySupport.HOST_ARCHIVE_REQUIRED


def journal_cursor_for_seq(seq: int) -> str:
    """The journal cursor string for ``seq``: ``journal.{seq}``."""
    return f"journal.{seq}"
