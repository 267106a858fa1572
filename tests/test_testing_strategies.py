"""``replaykit.testing.strategies``: valid journals stay valid, adversarial ones break,
everything round-trips through the wire, and failing examples shrink small."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st
from returns.result import Failure, Success

from replaykit import JournalRecord, ReplayConfig, ReplayMode, from_json, lint, to_json
from replaykit.model import RecoveryMarker
from replaykit.testing import strategies as s

AUDIT = ReplayConfig(ReplayMode.AUDIT_REPLAY)
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(s.journals(gaps=True), s.replay_configs())
def test_valid_journals_are_accepted_record_by_record(
    records: list[JournalRecord], config: ReplayConfig
) -> None:
    report = lint(records, config)
    assert report.faults == ()
    seqs = [r.journal_seq for r in records]
    assert seqs == sorted(set(seqs))
    assert len({r.record_id for r in records}) == len(records)


@FAST
@given(s.journals(terminal=True, min_blocks=1))
def test_terminal_journals_end_sealed(records: list[JournalRecord]) -> None:
    assert lint(records, AUDIT).result.terminal_status in s.TERMINAL_STATUSES


@FAST
@given(s.journals(terminal=False))
def test_open_journals_stay_open(records: list[JournalRecord]) -> None:
    assert lint(records, AUDIT).result.terminal_status is None


@FAST
@given(s.journals(["crash"], min_blocks=1, terminal=False))
def test_crash_recovery_entries_name_real_intent_records(records: list[JournalRecord]) -> None:
    ids = {r.record_id for r in records}
    markers = [r.payload for r in records if isinstance(r.payload, RecoveryMarker)]
    assert markers
    assert all(e.intent_record_id in ids for m in markers for e in m.unsafe_pending)


@FAST
@given(s.records())
def test_random_records_round_trip_through_the_wire(record: JournalRecord) -> None:
    assert from_json(JournalRecord, to_json(record)) == Success(record)


@FAST
@given(s.replay_cases())
def test_replay_cases_pair_a_valid_journal_with_a_config(
    case: tuple[list[JournalRecord], ReplayConfig],
) -> None:
    records, config = case
    assert lint(records, config).ok


@pytest.mark.parametrize(
    "kind", ["reuse_id", "stale_seq", "swap", "schema", "after_terminal", "checkpoint_past"]
)
def test_each_adversarial_mutation_makes_the_reducer_reject_a_record(kind: str) -> None:
    @FAST
    @given(s.adversarial_journals([kind], max_mutations=1))
    def check(records: list[JournalRecord]) -> None:
        assert not lint(records, AUDIT).ok

    check()


@FAST
@given(s.adversarial_journals(["duplicate"], max_mutations=1))
def test_duplicate_mutation_repeats_a_record(records: list[JournalRecord]) -> None:
    assert len({r.record_id for r in records}) < len(records)


@FAST
@given(s.adversarial_lines())
def test_adversarial_lines_are_refused_by_the_decoder(line: str) -> None:
    assert isinstance(from_json(JournalRecord, line), Failure)


@pytest.mark.parametrize("kind", s.LINE_BREAKAGES)
def test_every_line_breakage_is_refused(kind: str) -> None:
    @settings(max_examples=5, deadline=None)
    @given(s.adversarial_lines([kind]))
    def check(line: str) -> None:
        assert isinstance(from_json(JournalRecord, line), Failure)

    check()


def test_unknown_scenario_or_mutation_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown scenarios"):
        find(s.journals(["nope"]), lambda _: True)
    with pytest.raises(ValueError, match="unknown mutation kinds"):
        find(s.adversarial_journals(["nope"]), lambda _: True)


def test_failing_examples_shrink_to_a_few_records() -> None:
    # "some record is rejected" is found on adversarial journals and shrinks small.
    records = find(s.adversarial_journals(), lambda rs: not lint(rs, AUDIT).ok)
    assert len(records) <= 3
    # "a journal with an unresolved output delivery" shrinks to its intent (and proof).
    unresolved = find(s.journals(), lambda rs: bool(lint(rs, AUDIT).result.output_delivery_repairs))
    assert len(unresolved) <= 2


@settings(max_examples=20, deadline=None)
@given(st.data())
def test_content_refs_come_from_the_pool(data: st.DataObject) -> None:
    refs = data.draw(s.content_refs())
    assert set(refs) <= set(s.CONTENT_REFS)
    assert len(set(refs)) == len(refs)
