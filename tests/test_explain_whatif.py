"""Explain (a verdict's causes) and what-if (a verdict after an edit)."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from cli_support import example_lines, record_line, run_cli, write_lines
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from replaykit import JournalRecord, ReplayConfig, ReplayMode, from_json, load, replay
from replaykit.model import MissingContentPolicy
from replaykit.testing.strategies import journals
from replaykit.timetravel.explain import LISTS, explain
from replaykit.timetravel.whatif import Drop, EditError, Resolve, whatif

EXAMPLES = ("crash-recovery", "output-delivery-mixed", "tool-run-completed")
MODES = tuple(ReplayMode)


def _assert_every_entry_has_one_cause(records: list[JournalRecord], config: ReplayConfig) -> None:
    explained = explain(records, config)
    result = replay(records, config).value_or(None)
    assert explained.result == result
    if result is None:
        assert explained.fault is not None and len(explained.causes) == 1
        assert explained.causes[0].entity.kind == "record"
        return
    for name in LISTS:
        owners = [index for cause in explained.causes for index in cause.accounts_for.get(name, ())]
        assert sorted(owners) == list(range(len(getattr(result, name)))), name
    assert bool(explained.causes) == (
        bool(result.repair_needed)
        or bool(result.unsafe_pending_side_effects)
        or bool(result.missing_content_refs)
        or bool(result.output_delivery_repairs)
    )
    for cause in explained.causes:
        assert cause.steps == tuple(sorted(set(cause.steps)))
        assert all(1 <= step <= len(records) for step in cause.steps)
        assert cause.fix


@pytest.mark.parametrize("example", EXAMPLES)
@pytest.mark.parametrize("mode", MODES)
def test_every_entry_of_each_examples_verdict_has_one_cause(example: str, mode: ReplayMode) -> None:
    records = list(load(f"example:{example}").unwrap())
    _assert_every_entry_has_one_cause(records, ReplayConfig(mode))
    missing = ReplayConfig(mode, frozenset(), MissingContentPolicy.REQUEST_HOST_REPAIR)
    _assert_every_entry_has_one_cause(records, missing)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    journals(gaps=True),
    st.sampled_from(MODES),
    st.sampled_from([None, MissingContentPolicy.FAIL, MissingContentPolicy.REQUEST_HOST_REPAIR]),
)
def test_every_entry_of_a_generated_verdict_has_one_cause(
    records: list[JournalRecord], mode: ReplayMode, policy: MissingContentPolicy | None
) -> None:
    config = (
        ReplayConfig(mode) if policy is None else ReplayConfig(mode, frozenset({"c.1"}), policy)
    )
    _assert_every_entry_has_one_cause(records, config)


def test_the_reference_lists_an_effect_twice_and_explain_once() -> None:
    records = list(load("example:crash-recovery").unwrap())
    explained = explain(records, ReplayConfig(ReplayMode.RESUME_REPLAY))
    write = next(c for c in explained.causes if c.entity.id == "effect.file.write.1")
    assert write.accounts_for["repair_needed"] == (0, 2)
    assert write.steps == (3, 8)
    assert "--resolve effect.file.write.1" in write.fix and "--drop 8" in write.fix


def test_explain_json_pins_the_fields(tmp_path: Path) -> None:
    run = run_cli("explain", "example:output-delivery-mixed", "--json")
    assert run.code == 1
    data = orjson.loads(run.out)
    assert list(data) == ["verdict", "rejected", "causes"]
    assert run.out.startswith(
        b'{"verdict":' + run_cli("replay", "example:output-delivery-mixed", "--json").out.rstrip()
    )
    for cause in data["causes"]:
        assert set(cause) >= {"entity", "steps", "accounts_for", "fix"}
        assert set(cause["accounts_for"]) == set(LISTS)
    lines = example_lines("crash-recovery")
    rejected = write_lines(tmp_path / "r.jsonl", [*lines[:3], lines[1], *lines[3:]])
    bad = orjson.loads(run_cli("explain", rejected, "--json").out)
    assert bad["verdict"] is None and bad["rejected"]["index"] == 3
    assert bad["causes"][0]["entity"] == {"kind": "record", "id": bad["rejected"]["record_id"]}
    text = run_cli("explain", "example:crash-recovery").text
    assert "2 causes:" in text and "fix: check whether effect.file.write.1 happened" in text


def test_resolving_every_pending_effect_of_crash_recovery(tmp_path: Path) -> None:
    """Resolving both open effects and dropping the recovery markers that report them
    makes the run resumable; resolving alone does not (the reference keeps a marker's
    unsafe entries), and the what-if says which repairs remain."""
    records = list(load("example:crash-recovery").unwrap())
    config = ReplayConfig(ReplayMode.RESUME_REPLAY)
    pending = sorted(replay(records, config).unwrap().unsafe_pending_side_effects, key=str)
    effects = sorted({entry.effect_id for entry in pending})
    resolves = [Resolve(effect, "completed") for effect in effects]
    only = whatif(records, config, resolves)
    assert only.after.result is not None and only.after.result.resume_allowed is False
    assert {r.record_id for r in only.after.result.repair_needed} == {
        "journal.run.example.crash.0008"
    }
    markers = [
        n
        for n, record in enumerate(records, 1)
        if record.payload.__class__.__name__ == "RecoveryMarker"
    ]
    both = whatif(records, config, [*resolves, *(Drop(n) for n in markers)])
    assert both.after.result is not None and both.after.result.resume_allowed is True
    # the CLI: the branch, its verdict, and the input untouched
    source = write_lines(tmp_path / "crash.jsonl", example_lines("crash-recovery"))
    before = source.read_bytes()
    flags = [f"--resolve={effect}=completed" for effect in effects]
    flags += [f"--drop={n}" for n in markers]
    branch = tmp_path / "branch.jsonl"
    run = run_cli("whatif", source, *flags, "-o", branch, "--json")
    assert run.code == 0
    data = orjson.loads(run.out)
    assert orjson.dumps(data["before"]) + b"\n" == run_cli("replay", source, "--json").out
    assert orjson.dumps(data["after"]) + b"\n" == run_cli("replay", branch, "--json").out
    assert data["after"]["resume_allowed"] is True
    assert source.read_bytes() == before
    text = run_cli("whatif", source, *flags).text
    assert "repair gone:" in text and "resume allowed" in text


def test_dropping_the_rejected_record_makes_the_journal_replay(tmp_path: Path) -> None:
    lines = example_lines("tool-run-completed")
    bad = [*lines[:4], record_line(lines[4], journal_seq=1), *lines[4:]]
    records = [from_json(JournalRecord, line).unwrap() for line in bad]
    config = ReplayConfig(ReplayMode.RESUME_REPLAY)
    tried = whatif(records, config, [Drop(5)])
    assert tried.before.fault is not None and tried.before.fault_step == 5
    assert tried.after.result is not None and tried.after.result.resume_allowed
    assert tried.first_difference == 5
    source = write_lines(tmp_path / "bad.jsonl", bad)
    run = run_cli("whatif", source, "--drop", "5", "--json")
    data = orjson.loads(run.out)
    assert "rejected" in data["before"] and data["after"]["status"] == "complete"


def test_bad_edits_are_usage_errors() -> None:
    records = list(load("example:crash-recovery").unwrap())
    config = ReplayConfig(ReplayMode.RESUME_REPLAY)
    with pytest.raises(EditError, match="no effect_intent"):
        whatif(records, config, [Resolve("effect.nope")])
    with pytest.raises(EditError, match=r"not in 1\.\.11"):
        whatif(records, config, [Drop(12)])
    run = run_cli("whatif", "example:crash-recovery", "--resolve", "effect.provider.1=sideways")
    assert run.code == 64 and "not one of" in run.err
    assert run_cli("whatif", "example:crash-recovery").code == 64


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    journals(gaps=True),
    journals(gaps=True),
    st.integers(0, 30),
    st.sampled_from([None, 1, 3]),
)
def test_a_fork_equals_the_timeline_of_the_edited_records(
    records: list[JournalRecord],
    more: list[JournalRecord],
    at: int,
    every: int | None,
) -> None:
    from replaykit.timetravel import Timeline

    config = ReplayConfig(ReplayMode.RESUME_REPLAY)
    at = min(at, len(records))
    timeline = Timeline(records, config, keyframe_every=every)
    fork = timeline.fork(at, more)
    expected = Timeline([*records[:at], *more], config, keyframe_every=every)
    assert len(fork) == len(expected)
    for k in range(len(expected)):
        assert fork[k] == expected[k]
        assert fork.fault(k) == expected.fault(k)
    assert fork.faults() == expected.faults()
    if every is None:  # the prefix's states are shared, not folded again
        assert all(fork[k] is timeline[k] for k in range(at + 1))


def test_a_closed_effect_named_again_starts_a_new_story() -> None:
    """explain forgets an effect once its result closes it cleanly (a long journal would
    otherwise keep a story per effect); a recovery marker naming it later starts its
    story at that step, and the verdict's entries are all still accounted for."""
    from replaykit.testing import builders as b

    records = b.journal(
        b.effect_intent("effect.1"),
        b.effect_result("effect.1"),
        b.effect_intent("effect.2"),
        b.recovery(pending=["effect.1"]),
    )
    explained = explain(records, ReplayConfig(ReplayMode.RESUME_REPLAY))
    assert explained.result is not None
    causes = {cause.entity.id: cause for cause in explained.causes}
    assert [event.step for event in causes["effect.1"].events] == [4]
    assert causes["effect.2"].events[0].step == 3
    counted = sorted(
        (name, index)
        for cause in explained.causes
        for name, indices in cause.accounts_for.items()
        for index in indices
    )
    result = explained.result
    assert counted == sorted(
        (name, index) for name in LISTS for index in range(len(getattr(result, name)))
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(journals(), st.sampled_from(list(ReplayMode)))
def test_the_light_path_tells_the_same_causes(
    records: list[JournalRecord], mode: ReplayMode
) -> None:
    """Explainer keeps an effect's first intent as a tuple until something else happens
    to it; with that shortcut turned off, every explanation is the same."""
    from replaykit.timetravel.explain import Explainer

    config = ReplayConfig(mode)
    fast = explain(records, config)
    original = Explainer._quiet
    try:
        Explainer._quiet = lambda *args: False  # type: ignore[method-assign]
        slow = explain(records, config)
    finally:
        Explainer._quiet = original  # type: ignore[method-assign]
    assert fast == slow
