"""``replaykit history``, ``show``, ``diff`` and piped ``debug`` sessions."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import jsonpatch
import pytest
from cli_support import (
    assert_clean_failure,
    example_lines,
    expected_cases,
    record_line,
    run_cli,
    unchanged,
    write_lines,
)

from replaykit import JournalRecord, ReplayConfig, ReplayMode, ReplayResult, Timeline
from replaykit.replay import ReplayState
from replaykit.shell import debug as debug_module
from replaykit.shell.debug import Debugger
from replaykit.testing import builders as b
from replaykit.timetravel import timeline as timeline_module

NO_RESULT = "effect intent has no terminal result in replay"


def _golden(example: str) -> dict[str, Any]:
    return next(
        case
        for case in expected_cases()
        if case["example"] == f"{example}.jsonl"
        and case["config"]["available_content_refs"] is None
    )


def _open_effects(result: dict[str, Any]) -> set[str]:
    """Effects whose intent has no result yet, as the verdict after a step lists them."""
    return {
        effect["effect_id"]
        for effect in result.get("unsafe_pending_side_effects", [])
        if effect["unsafe_pending_reason"] == NO_RESULT
    }


def test_history_has_one_line_per_record_and_tracks_pending_effects() -> None:
    golden = _golden("crash-recovery")
    run = run_cli("history", "example:crash-recovery")
    assert run.code == 0
    lines = run.text.splitlines()
    assert len(lines) == len(golden["expected"]["steps"])
    before: set[str] = set()
    for number, (line, expected) in enumerate(
        zip(lines, golden["expected"]["steps"], strict=True), 1
    ):
        assert line.startswith(f"step {number:<4} line {number} ")
        now = _open_effects(expected["result"])
        for effect in now - before:
            assert f"+pending {effect}" in line
        for effect in before - now:
            assert f"-pending {effect}" in line
        before = now


def test_history_shows_record_kind_payload_and_outcome() -> None:
    lines = example_lines("crash-recovery")
    run = run_cli("history", "example:crash-recovery")
    for line, raw in zip(run.text.splitlines(), lines, strict=True):
        record = json.loads(raw)
        assert f"seq {record['journal_seq']} " in line
        assert f" {record['record_kind']} " in line
        assert f" {record['payload']['type']}" in line
        assert "accepted" in line


def test_history_marks_rejected_records(tmp_path: Path) -> None:
    lines = example_lines("crash-recovery")
    journal = write_lines(tmp_path / "j.jsonl", [*lines[:3], lines[0], *lines[3:]])
    run = run_cli("history", journal)
    rejected = [line for line in run.text.splitlines() if "rejected" in line]
    assert len(rejected) == 1
    assert rejected[0].startswith("step 4    line 4 ")
    assert "InvalidStateTransition" in rejected[0]


@functools.cache
def _show(journal: str | Path, at: int, *extra: str) -> Any:
    run = run_cli("show", journal, "--at", str(at), "--json", *extra)
    assert run.code == 0, run.err
    return json.loads(run.out)


def test_history_json_patches_lead_from_each_state_to_the_next() -> None:
    run = run_cli("history", "example:crash-recovery", "--json")
    steps = [json.loads(line) for line in run.text.splitlines()]
    state = _show("example:crash-recovery", 0)
    for entry in steps:
        state = jsonpatch.apply_patch(state, entry["patch"])
        if entry["step"] in (3, 8, 11):
            assert state == _show("example:crash-recovery", entry["step"])
    assert [entry["step"] for entry in steps] == list(range(1, 12))


def test_show_result_matches_the_reference_after_every_step() -> None:
    golden = _golden("crash-recovery")
    for k in (1, 5, 8, 11):
        expected = golden["expected"]["steps"][k - 1]["result"]
        assert _show("example:crash-recovery", k, "--result") == expected


def test_show_initial_and_last_state() -> None:
    first = _show("example:output-delivery-mixed", 0, "--mode", "audit")
    assert first["config"]["mode"] == "audit_replay"
    assert first["seen_records"] == {} and first["last_journal_seq"] is None
    last = _show("example:output-delivery-mixed", -1)
    assert last == _show("example:output-delivery-mixed", 16)
    assert len(last["seen_records"]) == 16


def test_show_path_picks_part_of_the_state() -> None:
    golden = _golden("crash-recovery")["expected"]["steps"][7]["result"]
    run = run_cli(
        "show", "example:crash-recovery", "--at", "8", "--path", "/repair_needed/0", "--json"
    )
    assert json.loads(run.out) == golden["repair_needed"][0]
    text = run_cli("show", "example:crash-recovery", "--at", "8", "--path", "/repair_needed/0")
    assert json.loads(text.out) == golden["repair_needed"][0]
    assert text.out.count(b"\n") > 3  # indented for people


@pytest.mark.parametrize(
    "args",
    [
        ["--at", "12"],
        ["--at", "-13"],
        ["--at", "3", "--path", "/nope"],
        ["--at", "3", "--path", "pending_effects"],
    ],
)
def test_show_out_of_range_is_a_usage_error(args: list[str]) -> None:
    run = run_cli("show", "example:crash-recovery", *args)
    assert run.code == 64
    assert "Traceback" not in run.err


@pytest.mark.parametrize(("start", "stop"), [(0, 11), (3, 8), (8, 3), (5, 5), (0, -1)])
def test_diff_json_is_the_patch_between_the_states(start: int, stop: int) -> None:
    run = run_cli(
        "diff", "example:crash-recovery", "--from", str(start), "--to", str(stop), "--json"
    )
    assert run.code == 0
    patch = json.loads(run.out)
    before = _show("example:crash-recovery", start)
    assert jsonpatch.apply_patch(before, patch) == _show("example:crash-recovery", stop)
    assert (patch == []) == (start == stop)


def test_diff_text_has_one_operation_per_line() -> None:
    patch = json.loads(
        run_cli("diff", "example:crash-recovery", "--from", "7", "--to", "8", "--json").out
    )
    text = run_cli("diff", "example:crash-recovery", "--from", "7", "--to", "8").text
    lines = text.splitlines()
    assert len(lines) == len(patch)
    signs = {"add": "+", "remove": "-", "replace": "~"}
    for line, op in zip(lines, patch, strict=True):
        assert line.startswith(f"{signs[op['op']]} {op['path']}")
    same = run_cli("diff", "example:crash-recovery", "--from", "4", "--to", "4")
    assert same.text == "no differences\n"


def test_diff_out_of_range() -> None:
    run = run_cli("diff", "example:crash-recovery", "--from", "2", "--to", "40")
    assert run.code == 64
    assert "no step 40" in run.err and "0 to 11" in run.err


def _session(
    commands: str, journal: str | Path = "example:crash-recovery"
) -> tuple[int, list[str]]:
    run = run_cli("debug", journal, stdin=commands.encode())
    assert "Traceback" not in run.err
    return run.code, run.text.splitlines()


def _after(lines: list[str], command: str) -> list[str]:
    """The output of ``command`` in a piped session transcript."""
    start = lines.index(f"(replaykit) {command}") + 1
    end = next(
        (i for i in range(start, len(lines)) if lines[i].startswith("(replaykit) ")), len(lines)
    )
    return lines[start:end]


def test_debug_session_moves_and_finds() -> None:
    golden = _golden("crash-recovery")["expected"]["steps"]
    first_pending = next(k for k, step in enumerate(golden, 1) if _open_effects(step["result"]))
    code, lines = _session("find pending\nnext\nback 2\ngoto -1\nwhere\nquit\n")
    assert code == 0
    assert lines[0].startswith("example:crash-recovery: 11 records, steps 0 to 11")
    assert _after(lines, "find pending")[0].startswith(
        f"step {first_pending:<4} line {first_pending} "
    )
    assert _after(lines, "next")[0].startswith(f"step {first_pending + 1:<4} ")
    assert _after(lines, "back 2")[0].startswith(f"step {first_pending - 1:<4} ")
    assert _after(lines, "goto -1")[0].startswith("step 11 ")
    assert _after(lines, "where") == _after(lines, "goto -1")


def test_debug_show_diff_result_and_record() -> None:
    golden = _golden("crash-recovery")["expected"]["steps"]
    code, lines = _session("goto 8\nshow /unsafe_pending_side_effects\ndiff\nresult json\nrecord\n")
    assert code == 0
    shown = json.loads("\n".join(_after(lines, "show /unsafe_pending_side_effects")))
    assert [entry["effect_id"] for entry in shown] == [
        entry["effect_id"]
        for entry in golden[7]["result"]["unsafe_pending_side_effects"][: len(shown)]
    ]
    diff_lines = _after(lines, "diff")
    assert any(line.startswith("+ /repair_needed/0 = ") for line in diff_lines)
    assert json.loads(_after(lines, "result json")[0]) == golden[7]["result"]
    record = json.loads("\n".join(_after(lines, "record")))
    assert record == json.loads(example_lines("crash-recovery")[7])


def test_debug_finds_rejected_records_and_reports_bad_commands(tmp_path: Path) -> None:
    lines = example_lines("crash-recovery")
    journal = write_lines(
        tmp_path / "j.jsonl", [*lines[:5], record_line(lines[5], journal_seq=1), *lines[6:]]
    )
    with unchanged(journal):
        code, out = _session("find rejected\nfind rejected\nfly away\ngoto 99\n", journal)
    assert code == 64
    assert out[0].endswith("1 rejected; type help for commands")
    assert _after(out, "find rejected")[0].startswith("step 6    line 6 ")
    errors = [line for line in out if line.startswith("error: ")]
    assert len(errors) == 3
    assert "no step after 6" in errors[0] and "fly" in errors[1] and "no step 99" in errors[2]


def test_debug_ends_at_end_of_input_and_has_help() -> None:
    code, lines = _session("help\n")
    assert code == 0
    help_text = "\n".join(_after(lines, "help"))
    for command in ("next", "back", "goto", "find", "show", "diff", "result", "help", "quit"):
        assert command in help_text


def test_debug_cannot_read_journal_from_stdin() -> None:
    run = run_cli("debug", "-", stdin=b"quit\n")
    assert run.code == 64


def test_debug_missing_journal() -> None:
    assert_clean_failure(run_cli("debug", "nope.jsonl", stdin=b"quit\n"), 66, "nope.jsonl")


def _debugger(records: list[JournalRecord]) -> tuple[Debugger, list[str]]:
    out: list[str] = []
    timeline = Timeline(records, ReplayConfig(ReplayMode.RESUME_REPLAY, available_content_refs=()))
    return Debugger(timeline, write=out.append, unit="line", locations=[]), out


def test_debug_find_on_the_state_never_computes_the_verdict(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """find missing, rejected, terminal ... read the state only: one step is one check,
    so a search is linear in the steps (it computed the whole verdict at every step)."""
    records = b.journal(
        *[b.message(f"message.{n}") for n in range(300)],
        b.effect_intent("effect.1", content_refs=["content.9"]),
    )

    def refuse(state: object) -> object:
        raise AssertionError("finish called by a search on the state")

    debugger, out = _debugger(records)
    monkeypatch.setattr(debug_module, "finish", refuse)
    monkeypatch.setattr(timeline_module, "finish", refuse)  # Step.result()
    debugger.handle("find missing")
    assert out[-1].startswith("step 301 ")


def test_debug_find_on_the_verdict_computes_it_when_the_step_matters(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    records = b.journal(*[b.message(f"message.{n}") for n in range(300)], b.effect_intent())
    calls: list[ReplayState] = []
    from replaykit.replay import finish as real

    def counted(state: ReplayState) -> ReplayResult:
        calls.append(state)
        return real(state)

    debugger, out = _debugger(records)
    monkeypatch.setattr(debug_module, "finish", counted)
    debugger.handle("find refused")
    assert out[-1].startswith("step 301 ")
    assert len(calls) <= 3  # the first step, then only the step that changed the state


@pytest.mark.parametrize("command", ["next -5", "back -3", "next 0", "goto -99"])
def test_debug_negative_counts_are_errors(command: str) -> None:
    debugger, out = _debugger(b.journal(b.message(), b.message("message.2")))
    debugger.handle("goto 1")
    debugger.handle(command)
    assert out[-1].startswith("error: ") and debugger.failed == 1 and debugger.position == 1


def test_show_path_applies_to_the_result_too() -> None:
    run = run_cli(
        "show",
        "example:crash-recovery",
        "--at",
        "8",
        "--result",
        "--path",
        "/repair_needed/0/kind",
        "--json",
    )
    assert run.code == 0 and json.loads(run.out) == "non_idempotent_pending_side_effect"


@pytest.mark.parametrize("index", ["00", "01", "+1", "1.0", "\u0661"])
def test_show_path_array_indexes_follow_rfc_6901(index: str) -> None:
    run = run_cli(
        "show", "example:crash-recovery", "--at", "8", "--path", f"/repair_needed/{index}"
    )
    assert run.code == 64 and "nothing there" in run.err


def test_debug_why_whatif_and_transitions() -> None:
    code, lines = _session(
        "goto 6\nfind became refused\nrfind became refused\ngoto 3\nwhy\n"
        "whatif resolve effect.file.write.1=completed resolve effect.provider.1=completed drop 8\n"
        "find became complete\nquit\n"
    )
    assert code == 64  # the last find fails: there is no such finder
    # resume became refused at step 3 (the first intent), not "a step where it is"
    assert _after(lines, "find became refused")[0].startswith("error: no step after 6")
    assert _after(lines, "rfind became refused")[0].startswith("step 3 ")
    why = _after(lines, "why")
    assert why[0] == "1 cause(s) at step 3:"
    assert why[1].startswith("1. effect effect.file.write.1: ")
    assert any(line.strip().startswith("fix: check whether effect.file.write.1") for line in why)
    tried = _after(
        lines,
        "whatif resolve effect.file.write.1=completed resolve effect.provider.1=completed drop 8",
    )
    assert tried == [
        "before: repair_needed, resume REFUSED, 4 repairs",
        "after : complete, resume allowed, 0 repairs",
        "the folds first differ at step 8",
    ]


def test_debug_completes_commands_and_ids(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from replaykit import load
    from replaykit.shell.commands.debug import completer, history_path

    records = list(load("example:crash-recovery").unwrap())
    debugger, _ = _debugger(records)
    assert completer(debugger, "wh", "wh") == ["whatif", "where", "why"]
    assert "became" in completer(debugger, "find ", "")
    assert completer(debugger, "find id effect.file", "effect.file") == ["effect.file.write.1"]
    assert completer(debugger, "whatif resolve effect.p", "effect.p") == ["effect.provider.1"]
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert history_path() == str(tmp_path / "replaykit" / "debug-history")
