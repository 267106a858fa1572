"""``replaykit replay`` and ``replaykit lint``: verdicts, JSON bytes and exit codes."""

from __future__ import annotations

import gzip
import json
import os
import pty
import subprocess
from pathlib import Path
from typing import Any

import pytest
from cli_support import (
    DATA,
    SCRIPT,
    example_lines,
    expected_cases,
    record_line,
    run_cli,
    unchanged,
    write_lines,
)

from replaykit import JournalRecord, ReplayConfig, from_json, replay, to_json

CASES = expected_cases()


def _options(config: dict[str, Any], tmp_path: Path) -> list[str]:
    options = [
        "--mode",
        config["mode"],
        "--missing-content-policy",
        config["missing_content_policy"],
    ]
    refs = config["available_content_refs"]
    if refs is not None:
        manifest = tmp_path / "manifest.txt"
        manifest.write_text("".join(f"{ref}\n" for ref in refs))
        options += ["--content-manifest", str(manifest)]
    return options


def _case_id(case: dict[str, Any]) -> str:
    config = case["config"]
    refs = config["available_content_refs"]
    return f"{case['example']}-{config['mode']}-{'unchecked' if refs is None else len(refs)}"


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_replay_json_is_the_reference_bytes(case: dict[str, Any], tmp_path: Path) -> None:
    journal = DATA / case["example"]
    with unchanged(journal):
        run = run_cli("replay", journal, "--json", *_options(case["config"], tmp_path))
    expected = case["expected"]["final_compact"]
    assert run.text == expected + "\n"
    assert run.code == (0 if json.loads(expected)["status"] == "complete" else 1)
    assert run.err == ""


def test_replay_json_equals_to_json_of_the_library_fold() -> None:
    lines = example_lines("output-delivery-mixed")
    records = [from_json(JournalRecord, line).unwrap() for line in lines]
    result = replay(records, ReplayConfig("repair_replay")).unwrap()
    run = run_cli("replay", "example:output-delivery-mixed", "--mode", "repair", "--json")
    assert run.out == (to_json(result) + "\n").encode()


def test_replay_text_explains_why_resume_is_refused() -> None:
    case = next(c for c in CASES if c["example"] == "crash-recovery.jsonl")
    result = json.loads(case["expected"]["final_compact"])
    run = run_cli("replay", "example:crash-recovery", "--lists")
    assert run.code == 1
    text = run.text
    assert "resume REFUSED" in text
    assert f"{len(result['repair_needed'])} repairs needed" in text
    for effect in result["unsafe_pending_side_effects"]:
        assert f"{effect['effect_id']}: created by record {effect['intent_record_id']}" in text
        assert effect["unsafe_pending_reason"] in text
    for repair in result["repair_needed"]:
        assert (
            f"{repair['kind']} at record {repair['record_id']} (seq {repair['journal_seq']})"
            in text
        )
        assert repair["reason"] in text
    assert "\x1b[" not in text  # no colour into a pipe


def test_replay_text_lists_missing_refs_and_deliveries(tmp_path: Path) -> None:
    case = next(
        c
        for c in CASES
        if c["example"] == "output-delivery-mixed.jsonl" and c["config"]["available_content_refs"]
    )
    result = json.loads(case["expected"]["final_compact"])
    options = _options(case["config"], tmp_path)
    run = run_cli("replay", DATA / case["example"], *options, "--lists")
    assert run.code == 1
    for ref in result["missing_content_refs"]:
        assert f"  {ref}\n" in run.text
    for delivery in result["output_delivery_repairs"]:
        assert (
            f"{delivery['delivery_id']}: intent record {delivery['intent_record_id']}" in run.text
        )
    # without --lists: one cause per entity, each missing ref and delivery among them
    short = run_cli("replay", DATA / case["example"], *options).text
    causes = [line for line in short.splitlines() if line.startswith("  ") and ". " in line[:7]]
    for ref in result["missing_content_refs"]:
        assert sum(f" content {ref} " in line for line in causes) == 1
    for delivery in result["output_delivery_repairs"]:
        assert sum(f" delivery {delivery['delivery_id']} " in line for line in causes) == 1
    assert "causes (" in short and "repairs needed (" not in short


def test_complete_verdict_exits_zero() -> None:
    run = run_cli("replay", "example:tool-run-completed")
    assert run.code == 0
    assert "complete, resume allowed" in run.text


@pytest.mark.parametrize(
    ("short", "wire"), [("audit", "audit_replay"), ("repair", "repair_replay")]
)
def test_mode_short_names_equal_wire_names(short: str, wire: str) -> None:
    by_short = run_cli("replay", "example:crash-recovery", "--mode", short, "--json")
    by_wire = run_cli("replay", "example:crash-recovery", "--mode", wire, "--json")
    assert by_short == by_wire
    assert json.loads(by_short.out)["mode"] == wire


def test_stdin_gzip_and_file_give_the_same_bytes(tmp_path: Path) -> None:
    raw = (DATA / "crash-recovery.jsonl").read_bytes()
    packed = tmp_path / "crash.jsonl.gz"
    packed.write_bytes(gzip.compress(raw))
    from_file = run_cli("replay", DATA / "crash-recovery.jsonl", "--json")
    assert run_cli("replay", "-", "--json", stdin=raw).out == from_file.out
    assert run_cli("replay", packed, "--json").out == from_file.out
    assert run_cli("replay", "-", "--json", stdin=gzip.compress(raw)).out == from_file.out


def test_python_dash_m_is_the_same_command() -> None:
    python = SCRIPT.with_name("python")
    done = subprocess.run(
        [str(python), "-m", "replaykit", "replay", "example:crash-recovery", "--json"],
        capture_output=True,
        check=False,
    )
    assert done.returncode == 1
    assert done.stdout == run_cli("replay", "example:crash-recovery", "--json").out


def _rejecting_journal(tmp_path: Path) -> tuple[Path, list[bytes]]:
    lines = example_lines("crash-recovery")
    # Line 5 repeats record 1: a duplicate non-idempotent record; line 7 goes back in seq.
    bad = [*lines[:4], lines[0], lines[4], record_line(lines[5], journal_seq=2), *lines[6:]]
    return write_lines(tmp_path / "bad.jsonl", bad), bad


def test_replay_stops_at_the_first_rejected_record(tmp_path: Path) -> None:
    journal, lines = _rejecting_journal(tmp_path)
    record_id = json.loads(lines[0])["record_id"]
    with unchanged(journal):
        run = run_cli("replay", journal)
    assert run.code == 2
    assert "journal rejected" in run.text
    assert f"line 5: record {record_id} (seq 1)" in run.text
    assert "duplicate non-idempotent journal record during replay" in run.text


def test_replay_json_reports_the_rejected_record(tmp_path: Path) -> None:
    journal, lines = _rejecting_journal(tmp_path)
    run = run_cli("replay", journal, "--json")
    assert run.code == 2
    rejected = json.loads(run.out)["rejected"]
    assert (rejected["index"], rejected["line"]) == (4, 5)
    assert rejected["record_id"] == json.loads(lines[0])["record_id"]
    assert rejected["kind"] == "InvalidStateTransition"
    assert rejected["error"]["Classified"]["context"]["message"] == (
        "duplicate non-idempotent journal record during replay"
    )


def test_lint_lists_every_rejected_record_with_its_line(tmp_path: Path) -> None:
    journal, _ = _rejecting_journal(tmp_path)
    run = run_cli("lint", journal)
    assert run.code == 2
    assert "2 rejected records" in run.text
    assert "line 5: record" in run.text
    assert "line 7: record" in run.text
    assert "journal records must be strictly increasing during replay" in run.text
    assert "verdict:" in run.text


def test_lint_json_holds_faults_and_the_lenient_verdict(tmp_path: Path) -> None:
    journal, lines = _rejecting_journal(tmp_path)
    run = run_cli("lint", journal, "--json")
    report = json.loads(run.out)
    assert run.code == 2
    assert report["records"] == len(lines)
    assert [(fault["index"], fault["line"]) for fault in report["faults"]] == [(4, 5), (6, 7)]
    # The rejected records are skipped: the verdict is the strict one without them.
    kept = [line for number, line in enumerate(lines, 1) if number not in (5, 7)]
    clean = run_cli("replay", write_lines(tmp_path / "clean.jsonl", kept), "--json")
    assert report["result"] == json.loads(clean.out)


def test_lint_of_a_clean_journal_exits_like_replay() -> None:
    assert run_cli("lint", "example:tool-run-completed").code == 0
    run = run_cli("lint", "example:crash-recovery")
    assert run.code == 1
    assert "no rejected records" in run.text


def test_lint_counts_lines_not_records_when_lines_are_blank(tmp_path: Path) -> None:
    lines = example_lines("crash-recovery")
    journal = write_lines(tmp_path / "j.jsonl", [lines[0], b"", b"   ", lines[0]])
    run = run_cli("lint", journal, "--json")
    assert [fault["line"] for fault in json.loads(run.out)["faults"]] == [4]


def _tty_run(*args: str, env: dict[str, str]) -> bytes:
    leader, follower = pty.openpty()
    environment = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    environment.update(env)
    child = subprocess.Popen(
        [str(SCRIPT), *args], stdout=follower, stderr=subprocess.DEVNULL, env=environment
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    child.wait(timeout=60)
    os.close(leader)
    return b"".join(chunks)


def test_colour_only_on_a_terminal_and_never_with_no_color() -> None:
    assert b"\x1b[" in _tty_run("replay", "example:crash-recovery", env={})
    assert b"\x1b[" not in _tty_run("replay", "example:crash-recovery", env={"NO_COLOR": "1"})
    assert b"\x1b[" not in run_cli("replay", "example:crash-recovery").out
    forced = run_cli("--color", "always", "replay", "example:crash-recovery")
    assert b"\x1b[" in forced.out


def test_output_bytes_do_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    journal, _ = _rejecting_journal(tmp_path)
    manifest = tmp_path / "refs.txt"
    manifest.write_text("content.patch.1\n")
    commands = [
        ["lint", str(journal), "--json", "--content-manifest", str(manifest)],
        ["history", "example:output-delivery-mixed", "--json", "--mode", "repair"],
        ["replay", "example:output-delivery-mixed", "--content-manifest", str(manifest)],
    ]
    for command in commands:
        runs = {run_cli(*command, env={"PYTHONHASHSEED": seed}).out for seed in ("0", "1", "4242")}
        assert len(runs) == 1, command
