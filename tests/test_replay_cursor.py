"""The reference's cursor helpers (SEMANTICS.md "Cursor helpers", WIRE.md 9.4)."""

from __future__ import annotations

import pytest

from replaykit import (
    EventCursor,
    EventStreamScope,
    check_cursor_compatibility,
    durable_replay_support,
    from_json,
    journal_cursor_for_seq,
    to_json,
)
from replaykit.model import AgentScope, AllScope, FilterScope, RunScope

SCOPES: list[EventStreamScope] = [
    AllScope(),
    RunScope("run.1"),
    RunScope("run.2"),
    AgentScope("run.1"),
    AgentScope("agent.2"),
    FilterScope(filter_id="f.1", filter_fingerprint="fp.1"),
    FilterScope(filter_id="f.2", filter_fingerprint="fp.2"),
]


def cursor(scope: EventStreamScope) -> EventCursor:
    return EventCursor(scope=scope, event_seq=3, event_id="ev.3")


@pytest.mark.parametrize("scope", SCOPES, ids=repr)
def test_no_cursor_is_compatible(scope: EventStreamScope) -> None:
    assert to_json(check_cursor_compatibility(scope, None)) == '"compatible"'


@pytest.mark.parametrize("requested", SCOPES, ids=repr)
@pytest.mark.parametrize("actual", SCOPES, ids=repr)
def test_cursor_compatible_only_with_same_variant_and_id(
    requested: EventStreamScope, actual: EventStreamScope
) -> None:
    """Same variant and equal id (a run id is never an agent id, even when equal text)."""
    expected = "compatible" if requested == actual else "scope_mismatch"
    assert check_cursor_compatibility(requested, cursor(actual)).value == expected


def test_filter_scopes_compare_fingerprints_not_ids() -> None:
    requested = FilterScope(filter_id="f.1", filter_fingerprint="fp")
    other_id = FilterScope(filter_id="f.other", filter_fingerprint="fp")
    other_print = FilterScope(filter_id="f.1", filter_fingerprint="fp.other")
    assert check_cursor_compatibility(requested, cursor(other_id)).value == "compatible"
    assert check_cursor_compatibility(requested, cursor(other_print)).value == "scope_mismatch"


def test_cursor_event_fields_do_not_matter() -> None:
    far = EventCursor(
        scope=RunScope("run.1"), event_seq=2**64 - 1, event_id="x", journal_cursor="j"
    )
    assert check_cursor_compatibility(RunScope("run.1"), far).value == "compatible"


def test_compatibility_of_decoded_wire_cursor() -> None:
    text = '{"scope":{"agent":"agent.demo"},"event_seq":3,"event_id":"ev.3"}'
    decoded = from_json(EventCursor, text).unwrap()
    assert check_cursor_compatibility(AgentScope("agent.demo"), decoded).value == "compatible"
    assert check_cursor_compatibility(AllScope(), decoded).value == "scope_mismatch"


@pytest.mark.parametrize(
    ("scope", "support"),
    [
        (RunScope("run.1"), '"run_journal"'),
        (AllScope(), '"host_archive_required"'),
        (AgentScope("agent.1"), '"host_archive_required"'),
        (FilterScope(filter_id="f", filter_fingerprint="fp"), '"host_archive_required"'),
    ],
)
def test_durable_replay_support(scope: EventStreamScope, support: str) -> None:
    assert to_json(durable_replay_support(scope)) == support


@pytest.mark.parametrize("seq", [0, 1, 7, 10, 2**64 - 1])
def test_journal_cursor_for_seq(seq: int) -> None:
    assert journal_cursor_for_seq(seq) == f"journal.{seq}"
    assert to_json(journal_cursor_for_seq(seq)) == f'"journal.{seq}"'
