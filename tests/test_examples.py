"""Golden data: replaykit reproduces every value the reference wrote in ``tests/data``.

``expected.json`` holds, for three journals under several configurations, the verdict
after every record, the final verdict (key-sorted and as the reference's exact bytes)
and the strict fold's outcome; ``upstream-scenarios.jsonl`` holds the reducer scenarios
of the reference crate's own tests. Every value here was written by the reference.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from replay_support import read_journal
from returns.result import Failure, Success

from replaykit import (
    JournalRecord,
    MissingContentPolicy,
    ReplayConfig,
    ReplayMode,
    ReplayResult,
    examples,
    finish,
    from_data,
    from_json,
    initial_state,
    lint,
    replay,
    step,
    to_json,
)

DATA = Path(__file__).parent / "data"


def _sorted_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _wire_sorted(value: Any) -> str:
    """A replaykit value's wire JSON with sorted keys, comparable to ``expected.json``."""
    return _sorted_json(json.loads(to_json(value)))


def _config(data: dict[str, Any]) -> ReplayConfig:
    return ReplayConfig(
        ReplayMode(data["mode"]),
        available_content_refs=data["available_content_refs"],
        missing_content_policy=MissingContentPolicy(data["missing_content_policy"]),
    )


def _config_id(data: dict[str, Any]) -> str:
    refs = data["available_content_refs"]
    shown = "unchecked" if refs is None else f"{len(refs)}-refs"
    return f"{data['mode']},{shown},{data['missing_content_policy']}"


class Case:
    """One golden case: records, configuration and what the reference produced."""

    def __init__(
        self, records: list[JournalRecord], config: dict[str, Any], expected: dict[str, Any]
    ) -> None:
        self.records = records
        self.config = _config(config)
        self.expected = expected


def _cases() -> list[Any]:
    out = []
    for entry in json.loads((DATA / "expected.json").read_text("utf-8")):
        name = entry["example"].removesuffix(".jsonl")
        case = Case(read_journal(DATA / entry["example"]), entry["config"], entry["expected"])
        out.append(pytest.param(case, id=f"{name}[{_config_id(entry['config'])}]"))
    for line in (DATA / "upstream-scenarios.jsonl").read_text("utf-8").splitlines():
        scenario = json.loads(line)
        records = [from_data(JournalRecord, r).unwrap() for r in scenario["records"]]
        case = Case(records, scenario["config"], scenario["expected"])
        out.append(pytest.param(case, id=scenario["name"]))
    return out


CASES = _cases()


def test_golden_data_is_complete() -> None:
    """Every example journal and all four upstream scenarios are covered."""
    ids = [param.id for param in CASES]
    assert len(ids) == 11
    assert sum(i.startswith("upstream/") for i in ids) == 4
    for name in ("tool-run-completed", "output-delivery-mixed", "crash-recovery"):
        assert any(i.startswith(name + "[") for i in ids)


@pytest.mark.parametrize("case", CASES)
def test_every_step_matches_reference(case: Case) -> None:
    """Each record's ok/error and the verdict after it equal the reference's."""
    steps = case.expected["steps"]
    assert len(steps) == len(case.records)
    state = initial_state(case.config)
    for index, (record, want) in enumerate(zip(case.records, steps, strict=True)):
        outcome = step(state, record)
        assert isinstance(outcome, Success) is want["ok"], f"record {index}"
        if isinstance(outcome, Failure):
            fault = outcome.failure()
            assert _wire_sorted(fault.error) == _sorted_json(want["error"]), f"record {index}"
            state = fault.state
        else:
            state = outcome.unwrap()
        assert _wire_sorted(finish(state)) == _sorted_json(want["result"]), f"record {index}"


@pytest.mark.parametrize("case", CASES)
def test_final_result_matches_reference(case: Case) -> None:
    """The lenient fold's verdict equals ``final``, key-sorted."""
    report = lint(case.records, case.config)
    assert _wire_sorted(report.result) == _sorted_json(case.expected["final"])


@pytest.mark.parametrize("case", CASES)
def test_final_compact_is_byte_identical(case: Case) -> None:
    """``to_json`` of the final verdict is the reference's exact bytes."""
    report = lint(case.records, case.config)
    assert to_json(report.result) == case.expected["final_compact"]


@pytest.mark.parametrize("case", CASES)
def test_final_compact_round_trips(case: Case) -> None:
    """The reference's bytes decode to the same verdict replaykit computes."""
    decoded = from_json(ReplayResult, case.expected["final_compact"]).unwrap()
    assert decoded == lint(case.records, case.config).result


@pytest.mark.parametrize("case", CASES)
def test_strict_fold_matches_reference(case: Case) -> None:
    """``replay`` succeeds with the same verdict, or stops at the same record and error."""
    strict = case.expected["strict"]
    outcome = replay(case.records, case.config)
    if strict["ok"]:
        assert isinstance(outcome, Success)
        assert _wire_sorted(outcome.unwrap()) == _sorted_json(strict["result"])
    else:
        assert isinstance(outcome, Failure)
        fault = outcome.failure()
        assert fault.record_id == case.records[strict["index"]].record_id
        assert _wire_sorted(fault.error) == _sorted_json(strict["error"])


@pytest.mark.parametrize("case", CASES)
def test_lint_faults_match_rejected_steps(case: Case) -> None:
    """The linter reports exactly the records the reference rejects, by index."""
    rejected = [i for i, want in enumerate(case.expected["steps"]) if not want["ok"]]
    report = lint(case.records, case.config)
    assert [index for index, _ in report.faults] == rejected
    assert report.records == len(case.records)


def _scenario(name: str) -> Case:
    for param in CASES:
        if param.id == name:
            case: Case = param.values[0]
            return case
    raise LookupError(name)


def _verdict(name: str) -> ReplayResult:
    case = _scenario(name)
    return replay(case.records, case.config).unwrap()


def test_upstream_output_dedupe_repair_completes_without_resend() -> None:
    """Upstream: an intent plus completed dedupe proof completes with no resend."""
    result = _verdict("upstream/output_dedupe_repair_completes_without_resend")
    assert result.status.value == "complete"
    assert result.unsafe_pending_side_effects == ()
    assert len(result.output_delivery_repairs) == 1
    repair = result.output_delivery_repairs[0]
    assert repair.replay_decision.value == "completed_by_dedupe_proof"
    assert repair.resend_allowed is False


def test_upstream_non_idempotent_pending_tool_refuses_resume() -> None:
    """Upstream: a key-less pending entry in resume mode refuses to resume."""
    result = _verdict("upstream/non_idempotent_pending_tool_refuses_resume")
    assert result.status.value == "repair_needed"
    assert result.resume_allowed is False
    assert [p.retry_allowed for p in result.unsafe_pending_side_effects] == [False]
    assert result.repair_needed[0].kind.value == "non_idempotent_pending_side_effect"


def test_upstream_missing_content_refs_surface_repair_needed() -> None:
    """Upstream: an unavailable envelope ref is a missing ref and a repair."""
    result = _verdict("upstream/missing_content_refs_surface_repair_needed")
    assert result.status.value == "repair_needed"
    assert result.resume_allowed is False
    assert result.missing_content_refs == ("content.replay.missing",)
    assert result.repair_needed[0].kind.value == "missing_content_ref"


def test_upstream_terminal_checkpoint_is_preserved_during_prune() -> None:
    """Upstream: the checkpoint's loop state is the verdict's latest checkpoint."""
    result = _verdict("upstream/terminal_checkpoint_is_preserved_during_prune")
    assert result.latest_checkpoint is not None
    assert result.latest_checkpoint.loop_state == "terminal:completed"
    assert result.next_loop_state == "terminal:completed"


@pytest.mark.parametrize("name", ["crash-recovery", "output-delivery-mixed", "tool-run-completed"])
def test_bundled_examples_equal_golden_journals(name: str) -> None:
    """The journals shipped in the package are the reference's files, byte for byte."""
    assert sorted(examples.names()) == [
        "crash-recovery",
        "output-delivery-mixed",
        "tool-run-completed",
    ]
    assert Path(examples.path(name)).read_bytes() == (DATA / f"{name}.jsonl").read_bytes()
