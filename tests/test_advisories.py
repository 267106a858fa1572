"""Advisories: on the runtime's own journals, one minimal journal per code, and none on
healthy journals; then the command line (text after the verdict, JSON only when asked,
--ignore, --fail-on) and the stores' checkpoints."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import attrs
import orjson
import pytest
from cli_support import DATA, run_cli, write_lines
from hypothesis import given, settings
from store_support import write_file_store

from replaykit import JournalRecord, ReplayConfig, ReplayMode, load, replay
from replaykit.model import RunCheckpoint, TurnLifecycleStatus
from replaykit.testing import builders as b
from replaykit.testing.strategies import journals, replay_configs
from replaykit.timetravel.advisories import CODES, MAX_PER_CODE, Advisory, Severity, advise
from replaykit.wire import to_data, to_json

RESUME = ReplayConfig(ReplayMode.RESUME_REPLAY)
RUNTIME = DATA / "runtime"


def _summary(advisories: tuple[Advisory, ...]) -> list[tuple[str, str, tuple[int, ...]]]:
    return [(a.code, a.severity.value, a.steps) for a in advisories]


# The reference runtime's own journals ----------------------------------------------------

EXPECTED: dict[str, list[tuple[str, str, tuple[int, ...]]]] = {
    "p0-text-run": [("terminal-trailer", "info", (10,))],
    "run-approval-denied": [("terminal-trailer", "info", (12,))],
    "run-tool-result-crash": [
        ("tool-call-open", "danger", (8,)),
        ("terminal-trailer", "info", (12,)),
    ],
    "isolation-process-start": [("duplicate-record-id", "warning", (1, 2))],
    "output-crash-intent-only": [],
}


@pytest.mark.parametrize("mode", list(ReplayMode))
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_runtime_journals_get_the_advisories_they_warrant(name: str, mode: ReplayMode) -> None:
    records = load(str(RUNTIME / f"{name}.jsonl")).unwrap()
    assert _summary(advise(records, ReplayConfig(mode))) == EXPECTED[name]


def test_the_trailer_advisory_carries_the_verdict_without_it() -> None:
    records = load(str(RUNTIME / "p0-text-run.jsonl")).unwrap()
    (trailer,) = advise(records, RESUME)
    assert trailer.verdict_without == replay(records[:-1], RESUME).unwrap()
    assert "without it the verdict is complete, resume allowed" in trailer.meaning
    assert trailer.to_data()["verdict_without"] == to_data(trailer.verdict_without)


def test_the_tool_call_names_its_effect_class_and_the_verdicts_view() -> None:
    records = load(str(RUNTIME / "run-tool-result-crash.jsonl")).unwrap()
    tool = next(a for a in advise(records, RESUME) if a.code == "tool-call-open")
    assert tool.entity is not None and tool.entity.id == "tool.call.rtj.crash"
    assert "effect class is Write" in tool.meaning and "no idempotency key" in tool.meaning


# One minimal journal per code ------------------------------------------------------------


def _tool(status: str, **fields: Any) -> JournalRecord:
    return b.other(
        "tool", {"tool_call_id": "tool.call.1", "status": status, "effect_class": "Write", **fields}
    )


def test_terminal_trailer() -> None:
    records = b.journal(
        b.terminal_result("completed"), b.turn_lifecycle(TurnLifecycleStatus.COMPLETED)
    )
    (advisory,) = advise(records, RESUME)
    assert (advisory.code, advisory.severity, advisory.steps) == (
        "terminal-trailer",
        Severity.INFO,
        (2,),
    )
    assert advisory.verdict_without is not None and advisory.verdict_without.resume_allowed
    # a record of another kind after the terminal one is not the runtime's pattern
    other = b.journal(b.terminal_result("completed"), b.message())
    assert advise(other, RESUME) == ()
    # nor is a trailer followed by a real rejection: no verdict without it then
    mixed = b.journal(
        b.terminal_result("completed"), b.turn_lifecycle(TurnLifecycleStatus.COMPLETED), b.message()
    )
    (advisory,) = advise(mixed, RESUME)
    assert advisory.verdict_without is None and "still rejected, at step 3" in advisory.meaning


@pytest.mark.parametrize(
    ("records", "severity"),
    [
        ([_tool("intent_recorded")], Severity.DANGER),
        ([_tool("intent_recorded", idempotency_key="idem.1")], Severity.WARNING),
        ([_tool("intent_recorded", effect_class="Read")], Severity.WARNING),
        ([_tool("unknown")], Severity.DANGER),
        ([_tool("requested")], Severity.INFO),
        ([_tool("requested"), _tool("intent_recorded")], Severity.DANGER),
    ],
)
def test_tool_call_open(records: list[JournalRecord], severity: Severity) -> None:
    (advisory,) = advise(b.journal(*records), RESUME)
    assert (advisory.code, advisory.severity) == ("tool-call-open", severity)
    assert advisory.steps == tuple(range(1, len(records) + 1))


@pytest.mark.parametrize("status", ["completed", "failed", "timed_out", "cancelled"])
def test_a_finished_tool_call_is_not_open(status: str) -> None:
    records = b.journal(_tool("requested"), _tool("intent_recorded"), _tool(status))
    assert advise(records, RESUME) == ()


def _approval_lines() -> list[dict[str, Any]]:
    lines = (RUNTIME / "run-approval-denied.jsonl").read_bytes().splitlines()
    return [orjson.loads(line) for line in lines if b'"type":"approval"' in line]


def test_approval_open() -> None:
    intent, result = _approval_lines()
    dispatched = orjson.dumps(intent)
    (advisory,) = advise(b.journal(_decode(dispatched)), RESUME)
    assert (advisory.code, advisory.severity, advisory.steps) == (
        "approval-open",
        Severity.WARNING,
        (1,),
    )
    assert advise(b.journal(_decode(dispatched), _decode(orjson.dumps(result))), RESUME) == ()
    (asked,) = advise(b.journal(b.other("approval")), RESUME)
    assert (asked.code, asked.severity) == ("approval-open", Severity.INFO)


def _decode(line: bytes) -> JournalRecord:
    return load(_stream(line)).unwrap()[0]


def _stream(line: bytes) -> Any:
    import io

    return io.BytesIO(line + b"\n")


def test_duplicate_record_id() -> None:
    first, second = b.journal(b.effect_intent("effect.1", idempotency_key="idem.1"), b.message())
    clash = attrs.evolve(second, record_id=first.record_id)
    (advisory,) = advise([first, clash], RESUME)
    assert (advisory.code, advisory.steps) == ("duplicate-record-id", (1, 2))
    assert "two different records" in advisory.meaning
    # an idempotent repeat (equal in every field) is accepted and is no advisory
    assert advise([first, first], RESUME) == ()
    # a plain record appended twice: the fold keeps no digest of it
    plain = b.journal(b.message(), b.message("message.2"))
    again = attrs.evolve(plain[1], record_id=plain[0].record_id)
    (advisory,) = advise([plain[0], again], RESUME)
    assert advisory.steps == (1, 2) and "is not known" in advisory.meaning


def test_duplicate_step_counts_rejected_and_idempotent_steps() -> None:
    a, c, d = b.journal(
        b.effect_intent("effect.1", idempotency_key="idem.1"), b.message(), b.message("m.2")
    )
    repeat = a  # an idempotent repeat: accepted, adds no id
    late = attrs.evolve(d, journal_seq=1)  # rejected (order)
    clash = attrs.evolve(d, record_id=c.record_id, journal_seq=9)
    records = [a, c, repeat, late, clash]
    (advisory,) = [x for x in advise(records, RESUME) if x.code == "duplicate-record-id"]
    assert advisory.steps == (2, 5)


def test_seq_gap() -> None:
    records = b.journal(b.message("m.1"), b.message("m.2"), b.message("m.3"))
    records = [records[0], records[1], attrs.evolve(records[2], journal_seq=6)]
    (advisory,) = advise(records, RESUME)
    assert (advisory.code, advisory.steps, advisory.entity) == (
        "seq-gap",
        (2, 3),
        advisory.entity,
    )
    assert advisory.entity is not None and advisory.entity.id == "3-5"
    assert "journal seqs 3-5 (3 seqs) are missing" in advisory.meaning
    late_start = b.journal(b.message(), start_seq=4)
    assert _summary(advise(late_start, RESUME)) == [("seq-gap", "warning", (1,))]


def test_many_gaps_are_summed_up() -> None:
    records = [b.message(f"m.{n}", journal_seq=2 * n + 1) for n in range(50)]
    found = advise(records, RESUME)
    assert len(found) == MAX_PER_CODE
    assert found[-1].meaning.startswith(f"{50 - MAX_PER_CODE} more seq-gap advisories")


def test_content_missing_only_when_content_is_checked() -> None:
    records = b.journal(b.message(content_refs=("content.1",)))
    assert advise(records, RESUME) == ()
    checked = ReplayConfig(ReplayMode.RESUME_REPLAY, available_content_refs=frozenset())
    (advisory,) = advise(records, checked)
    assert (advisory.code, advisory.steps) == ("content-missing", (1,))


def test_checkpoint_mismatch() -> None:
    records = b.journal(b.message(), b.checkpoint("checkpoint.1"))
    stored = records[1].payload
    assert isinstance(stored, RunCheckpoint)
    assert advise(records, RESUME, stored_checkpoints=[stored]) == ()
    assert advise(records, RESUME) == ()  # no store: nothing to compare
    (absent,) = advise(records, RESUME, stored_checkpoints=[])
    assert (absent.code, absent.severity, absent.steps) == (
        "checkpoint-mismatch",
        Severity.WARNING,
        (2,),
    )
    ahead = attrs.evolve(stored, checkpoint_id="checkpoint.2", covers_journal_seq=9)
    found = advise(records, RESUME, stored_checkpoints=[stored, ahead])
    assert _summary(found) == [("checkpoint-mismatch", "danger", ())]


def test_every_code_is_produced_by_a_test_above() -> None:
    source = Path(__file__).read_text("utf-8")
    assert all(f"def test_{code.replace('-', '_')}" in source for code in CODES)


@settings(max_examples=150, deadline=None)
@given(journals(content=False), replay_configs())
def test_healthy_journals_get_no_warning(
    records: list[JournalRecord], config: ReplayConfig
) -> None:
    found = advise(records, config)
    assert [a for a in found if a.severity is not Severity.INFO] == []


@settings(max_examples=100, deadline=None)
@given(journals(content=False, gaps=True), replay_configs())
def test_every_gap_is_reported(records: list[JournalRecord], config: ReplayConfig) -> None:
    jumps = sum(1 for a, c in itertools.pairwise(records) if c.journal_seq > a.journal_seq + 1)
    gaps = [a for a in advise(records, config) if a.code == "seq-gap"]
    assert len(gaps) == min(jumps, MAX_PER_CODE)


# The command line ------------------------------------------------------------------------


def _gap_journal(tmp_path: Path) -> Path:
    """The completed tool run with a seq missing: a complete verdict and a warning."""
    lines = (DATA / "tool-run-completed.jsonl").read_bytes().splitlines()
    records = [orjson.loads(line) for line in lines]
    for record in records[5:]:
        record["journal_seq"] += 1
    return write_lines(tmp_path / "gap.jsonl", [orjson.dumps(r) for r in records])


def test_replay_json_is_the_reference_unless_asked(tmp_path: Path) -> None:
    journal = _gap_journal(tmp_path)
    plain = run_cli("replay", journal, "--json")
    assert plain.code == 0
    records = load(str(journal)).unwrap()
    assert plain.out == (to_json(replay(records, RESUME).unwrap()) + "\n").encode()
    asked = run_cli("replay", journal, "--json", "--advisories")
    assert asked.code == 0
    data = orjson.loads(asked.out)
    assert [a["code"] for a in data.pop("advisories")] == ["seq-gap"]
    assert data == orjson.loads(plain.out)
    assert asked.out.startswith(plain.out.rstrip(b"}\n"))


def test_replay_text_puts_advisories_after_the_verdict(tmp_path: Path) -> None:
    text = run_cli("replay", _gap_journal(tmp_path)).text
    verdict, _, advice = text.partition("advisories (1), beside the verdict:")
    assert "verdict: complete, resume allowed" in verdict and "seq-gap" not in verdict
    assert "WARNING seq-gap (steps 5, 6)" in advice and "do: " in advice


def test_fail_on_and_ignore(tmp_path: Path) -> None:
    journal = _gap_journal(tmp_path)
    assert run_cli("replay", journal, "--fail-on", "danger").code == 0
    assert run_cli("replay", journal, "--fail-on", "warning").code == 3
    assert run_cli("replay", journal, "--json", "--fail-on", "warning").code == 3
    ignored = run_cli("replay", journal, "--fail-on", "warning", "--ignore", "seq-gap")
    assert ignored.code == 0 and "advisories" not in ignored.text
    assert run_cli("lint", journal, "--fail-on", "warning").code == 3
    assert run_cli("explain", journal, "--fail-on", "warning").code == 3
    # the reference's own codes stay: a rejected run exits 2 whatever --fail-on says
    rejected = run_cli("replay", RUNTIME / "run-tool-result-crash.jsonl", "--fail-on", "danger")
    assert rejected.code == 2
    bad = run_cli("replay", journal, "--ignore", "nope")
    assert bad.code == 64 and "--ignore" in bad.err and "seq-gap" in bad.err


def test_lint_and_explain_json_add_advisories_only_when_asked() -> None:
    journal = RUNTIME / "p0-text-run.jsonl"
    for command in ("lint", "explain"):
        plain = orjson.loads(run_cli(command, journal, "--json").out)
        asked = orjson.loads(run_cli(command, journal, "--json", "--advisories").out)
        assert [a["code"] for a in asked.pop("advisories")] == ["terminal-trailer"]
        assert asked == plain and "advisories" not in plain


def test_a_rejected_replay_reads_on_for_its_advisories_and_keeps_its_exit_code(
    tmp_path: Path,
) -> None:
    lines = (RUNTIME / "p0-text-run.jsonl").read_bytes().splitlines()
    journal = write_lines(tmp_path / "bad-tail.jsonl", [*lines, b"{not json"])
    done = run_cli("replay", journal)
    assert done.code == 2 and "journal rejected at record 10" in done.text
    assert "advisories stop where reading stopped" in done.text and "jsonl:11:" in done.text
    assert run_cli("lint", journal).code == 65  # lint reads everything


def test_audit_counts_advisories(tmp_path: Path) -> None:
    done = run_cli("audit", RUNTIME, "--workers", "1", "--format", "jsonl", "--advisories")
    rows = {
        Path(row["source"]).stem: row
        for row in (orjson.loads(line) for line in done.out.splitlines())
        if row["verdict"] != "unreadable"
    }
    got = {
        name: [(a["code"], a["severity"]) for a in row["advisories"]] for name, row in rows.items()
    }
    assert got == {name: [(c, s) for c, s, _ in found] for name, found in EXPECTED.items()}
    assert "advisories: terminal-trailer 3, tool-call-open 1, duplicate-record-id 1" in done.err
    table = run_cli("audit", RUNTIME, "--workers", "1").text
    assert "advisories" in table.splitlines()[0]
    crash = next(line for line in table.splitlines() if "tool-result-crash" in line)
    assert "2 danger" in crash
    plain = run_cli("audit", RUNTIME, "--workers", "1", "--format", "jsonl").out
    assert b"advisories" not in plain


def test_debug_lists_advisories() -> None:
    done = run_cli("debug", RUNTIME / "run-tool-result-crash.jsonl", stdin=b"advisories\n")
    assert "DANGER tool-call-open (step 8)" in done.text
    assert "info terminal-trailer (step 12)" in done.text


def test_a_stores_checkpoints_are_compared(tmp_path: Path) -> None:
    records = b.journal(b.message(), b.checkpoint("checkpoint.1"), b.message("m.2"))
    lines = [to_json(record).encode() for record in records]
    kept = to_data(records[1].payload)
    ahead = {**kept, "checkpoint_id": "checkpoint.9", "covers_journal_seq": 40}
    store = write_file_store(
        tmp_path / "store",
        {records[0].run_id: lines},
        checkpoints={records[0].run_id: [orjson.dumps(kept), orjson.dumps(ahead)]},
    )
    done = run_cli("replay", store, "--json", "--advisories")
    found = [
        (a["code"], a["severity"], a["entity"]["id"]) for a in orjson.loads(done.out)["advisories"]
    ]
    assert found == [("checkpoint-mismatch", "danger", "checkpoint.9")]
    # a JSONL journal has no store to compare with
    journal = write_lines(tmp_path / "j.jsonl", lines)
    assert (
        orjson.loads(run_cli("replay", journal, "--json", "--advisories").out)["advisories"] == []
    )
