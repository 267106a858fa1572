"""The folds: strict ``replay``, the lenient ``lint``, streaming, GC handling, determinism."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from replay_support import AUDIT, read_journal
from returns.result import Failure, Success

from replaykit import (
    JournalRecord,
    ReplayConfig,
    ReplayMode,
    examples,
    finish,
    initial_state,
    lint,
    replay,
    step,
    to_json,
)
from replaykit.testing.builders import (
    checkpoint,
    effect_intent,
    journal,
    message,
    output_intent,
    recovery,
    run_lifecycle,
    with_envelope,
)
from replaykit.testing.strategies import adversarial_journals, journals, replay_configs

CHECKED = ReplayConfig(ReplayMode.RESUME_REPLAY, available_content_refs=["content.1"])


def faulty_journal() -> list[JournalRecord]:
    """Five good records and three the reference rejects (indices 2, 4 and 6)."""
    good = journal(
        effect_intent("effect.1"),
        message(),
        recovery(["effect.1"]),
        output_intent("output.1"),
        run_lifecycle("completed"),
    )
    stale = with_envelope(message("message.x"), journal_seq=1, record_id="stale")
    bad_checkpoint = with_envelope(
        checkpoint("checkpoint.bad", journal_seq=9, covers_journal_seq=10),
        content_refs=("content.9",),
    )
    sealed = message("message.late", journal_seq=11)
    return [*good[:2], stale, *good[2:4], bad_checkpoint, good[4], sealed]


def counting(records: list[JournalRecord], seen: list[int]) -> Iterator[JournalRecord]:
    for index, record in enumerate(records):
        seen.append(index)
        yield record


# Strict fold. -------------------------------------------------------------------------------


def test_replay_equals_stepping_then_finishing() -> None:
    records = journal(effect_intent("e"), output_intent("o"), recovery(["x"]))
    state = initial_state(CHECKED)
    for record in records:
        state = step(state, record).unwrap()
    assert replay(records, CHECKED).unwrap() == finish(state)


def test_replay_stops_at_first_rejected_record_and_reads_no_further() -> None:
    records = faulty_journal()
    seen: list[int] = []
    outcome = replay(counting(records, seen), AUDIT)
    assert isinstance(outcome, Failure)
    fault = outcome.failure()
    assert (fault.record_id, fault.journal_seq) == ("stale", 1)
    assert seen == [0, 1, 2]
    assert finish(fault.state).latest_journal_seq == 2


def test_replay_streams_any_iterable() -> None:
    records = journal(*(message(f"message.{n}") for n in range(50)))
    seen: list[int] = []
    result = replay(counting(records, seen), AUDIT).unwrap()
    assert (result.latest_journal_seq, len(seen)) == (50, 50)


def test_replay_of_no_records() -> None:
    assert replay([], AUDIT).unwrap() == finish(initial_state(AUDIT))


# Lenient fold. ------------------------------------------------------------------------------


def test_lint_reports_every_fault_with_its_index() -> None:
    report = lint(faulty_journal(), CHECKED)
    assert [index for index, _ in report.faults] == [2, 5, 7]
    assert [fault.message for _, fault in report.faults] == [
        "journal records must be strictly increasing during replay",
        "checkpoint covers_journal_seq cannot point past latest committed journal record",
        "journal record appears after sealed terminal replay state",
    ]
    assert (report.records, report.ok) == (8, False)


def test_lint_goes_on_from_fault_state_and_keeps_checkpoint_repairs() -> None:
    """The final verdict has the invalid checkpoint's missing ref and repair, like the
    reference reducer, which keeps them after the failed apply."""
    records = faulty_journal()
    report = lint(records, CHECKED)
    state = initial_state(CHECKED)
    for record in records:
        outcome = step(state, record)
        state = outcome.unwrap() if isinstance(outcome, Success) else outcome.failure().state
    assert report.result == finish(state)
    assert report.state == state
    assert "content.9" in report.result.missing_content_refs
    kinds = [r.kind.value for r in report.result.repair_needed]
    assert "checkpoint_invalid" in kinds
    assert report.result.latest_journal_seq == 5
    assert report.result.terminal_status == "completed"


def test_lint_equals_strict_replay_without_faults() -> None:
    """On drawn journals: ``test_testing_reducer_properties.py``."""
    for name in examples.names():
        records = read_journal(examples.path(name))
        report = lint(records, CHECKED)
        assert report.ok
        assert report.result == replay(records, CHECKED).unwrap()
        assert report.records == len(records)


# Garbage collector. -------------------------------------------------------------------------


def test_folds_restore_the_garbage_collector() -> None:
    assert gc.isenabled()
    replay(faulty_journal(), AUDIT)
    assert gc.isenabled()
    lint(faulty_journal(), AUDIT)
    assert gc.isenabled()

    def broken() -> Iterator[JournalRecord]:
        yield message()
        assert not gc.isenabled()
        raise RuntimeError("source failed")

    with pytest.raises(RuntimeError, match="source failed"):
        replay(broken(), AUDIT)
    assert gc.isenabled()


def test_folds_leave_a_disabled_collector_disabled() -> None:
    gc.disable()
    try:
        replay(faulty_journal(), AUDIT, pause_gc=True)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_folds_may_leave_the_collector_running() -> None:
    def probe() -> Iterator[JournalRecord]:
        assert gc.isenabled()
        yield message()

    assert replay(probe(), AUDIT, pause_gc=False).unwrap().latest_journal_seq == 1


# Determinism across processes. --------------------------------------------------------------

_SCRIPT = """
import json, sys
from replaykit import JournalRecord, ReplayConfig, from_json, lint, replay, to_json
for case in json.load(sys.stdin):
    records = [from_json(JournalRecord, line).unwrap() for line in case["lines"]]
    config = ReplayConfig(case["mode"], case["refs"], case["policy"])
    strict = replay(records, config)
    print(to_json(strict.unwrap()) if strict.map(lambda _: True).value_or(False)
          else "fault " + to_json(strict.failure().error))
    report = lint(records, config)
    print(to_json(report.result))
    for index, fault in report.faults:
        print(index, fault.record_id, to_json(fault.error), to_json(finish_of(fault)))
"""
_PRELUDE = "from replaykit import finish\nfinish_of = lambda fault: finish(fault.state)\n"


def _case(records: list[JournalRecord], config: ReplayConfig) -> dict[str, object]:
    refs = config.available_content_refs
    return {
        "lines": [to_json(record) for record in records],
        "mode": config.mode.value,
        "refs": None if refs is None else sorted(refs, reverse=True),
        "policy": config.missing_content_policy.value,
    }


def _run(cases: list[dict[str, object]], seed: str) -> bytes:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run(
        [sys.executable, "-c", _PRELUDE + _SCRIPT],
        input=json.dumps(cases).encode(),
        capture_output=True,
        env=env,
        check=True,
        timeout=120,
    )
    return done.stdout


def _many_refs_journal() -> list[JournalRecord]:
    """Sets and maps of strings whose hash order would show: refs, effects, deliveries."""
    names = [f"k{n * 7919 % 97}" for n in range(40)]
    return journal(
        *(effect_intent(f"effect.{n}") for n in names),
        *(output_intent(f"output.{n}") for n in names[:20]),
        with_envelope(message(), content_refs=tuple(f"content.{n}" for n in names)),
        *faulty_journal(),
    )


@settings(max_examples=1, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    drawn=st.lists(
        st.tuples(journals() | adversarial_journals(), replay_configs()), min_size=3, max_size=6
    )
)
def test_results_are_byte_identical_under_any_hash_seed(
    drawn: list[tuple[list[JournalRecord], ReplayConfig]],
) -> None:
    cases = [_case(records, config) for records, config in drawn]
    cases.append(_case(_many_refs_journal(), CHECKED))
    cases.append(_case(_many_refs_journal(), AUDIT))
    for name in sorted(examples.names()):
        records = read_journal(examples.path(name))
        cases.append(_case(records, ReplayConfig(ReplayMode.RESUME_REPLAY, [])))
    outputs = {seed: _run(cases, seed) for seed in ("0", "1", "2718281")}
    assert len(set(outputs.values())) == 1, "output depends on PYTHONHASHSEED"
    assert outputs["0"].count(b"\n") >= 2 * len(cases)
    assert b"fault " in outputs["0"]
