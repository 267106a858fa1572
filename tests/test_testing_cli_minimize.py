"""``replaykit minimize``: the command line of ``minimize`` and its atomic ``-o``."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from replaykit import JournalRecord, ReplayConfig, ReplayMode, from_json, lint, to_json
from replaykit.examples import path as example_path
from replaykit.shell.cli import run
from replaykit.shell.output import write_atomically
from replaykit.testing import builders as b
from replaykit.testing.predicates import keep_predicate

RESUME = ReplayConfig(ReplayMode.RESUME_REPLAY)


def read_journal(path: Path) -> list[JournalRecord]:
    return [from_json(JournalRecord, line).unwrap() for line in path.read_text().splitlines()]


def write_journal(path: Path, records: list[JournalRecord]) -> Path:
    path.write_text("".join(to_json(r) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture
def journal(tmp_path: Path) -> Path:
    records = b.journal(
        b.run_lifecycle(),
        b.effect_intent("effect.1"),
        b.effect_result("effect.1"),
        b.effect_intent("effect.2", idempotency_key="idem.2"),
        b.message(),
        b.effect_intent("effect.3"),
        b.checkpoint(),
        b.output_intent("output.delivery.1"),
        b.output_result("output.delivery.1"),
    )
    return write_journal(tmp_path / "run.jsonl", records)


def test_minimize_writes_a_one_minimal_journal_atomically(
    journal: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "small.jsonl"
    keep = ["status=repair_needed", "repair_kind=non_idempotent_pending_side_effect"]
    code = run(["minimize", str(journal), "--keep", keep[0], "--keep", keep[1], "-o", str(out)])
    assert code == 0
    assert "kept 1 of 9 records" in capsys.readouterr().err
    small = read_journal(out)
    assert [r.record_id for r in small] == ["journal.run.test.0006"]
    assert keep_predicate(keep, RESUME).unwrap()(small)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.jsonl", "small.jsonl"]


def test_minimize_prints_to_standard_output_by_default(
    journal: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["minimize", str(journal), "--keep", "unsafe_effect=effect.2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    records = [from_json(JournalRecord, line).unwrap() for line in lines]
    assert [r.record_id for r in records] == ["journal.run.test.0004"]


def test_minimize_keeps_a_fault_with_the_records_it_needs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = b.journal(b.message(), b.message("message.2"), b.run_lifecycle("completed"))
    late = b.message("message.late", journal_seq=9)
    path = write_journal(tmp_path / "sealed.jsonl", [*records, late])
    out = tmp_path / "fault.jsonl"
    assert run(["minimize", str(path), "--keep", "fault=sealed", "-o", str(out)]) == 0
    small = read_journal(out)
    assert [r.record_id for r in small] == [records[2].record_id, late.record_id]
    assert not lint(small, RESUME).ok


def test_minimize_replaces_an_existing_file_and_keeps_its_mode(
    journal: Path, tmp_path: Path
) -> None:
    out = tmp_path / "small.jsonl"
    out.write_text("old\n")
    out.chmod(0o640)
    assert run(["minimize", str(journal), "--keep", "fault=x", "-o", str(out)]) == 64
    assert out.read_text() == "old\n"
    assert run(["minimize", str(journal), "--keep", "unsafe_effect=*", "-o", str(out)]) == 0
    assert out.read_text() != "old\n"
    assert stat.S_IMODE(out.stat().st_mode) == 0o640


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("old\n")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_atomically(str(target), "new\n")
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]


def test_bad_keep_expression_is_a_usage_error(
    journal: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["minimize", str(journal), "--keep", "colour=red"]) == 64
    assert "unknown field 'colour'" in capsys.readouterr().err


def test_keep_that_does_not_hold_is_a_usage_error(
    journal: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["minimize", str(journal), "--keep", "status=complete"]) == 64
    assert "does not hold" in capsys.readouterr().err


def test_keep_is_required_and_missing_input_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["minimize", str(tmp_path / "run.jsonl")]) == 64
    assert run(["minimize", str(tmp_path / "none.jsonl"), "--keep", "fault"]) == 66


def test_minimize_reads_bundled_examples_and_honours_max_tests(
    capsys: pytest.CaptureFixture[str],
) -> None:
    keep = "output_decision=requires_host_reconciliation"
    assert run(["minimize", "example:output-delivery-mixed", "--keep", keep]) == 0
    full = capsys.readouterr().out.splitlines()
    assert len(full) == 2  # the intent and the reconciliation record about it
    assert (
        run(["minimize", "example:output-delivery-mixed", "--keep", keep, "--max-tests", "1"]) == 0
    )
    with open(example_path("output-delivery-mixed"), encoding="utf-8") as lines:
        total = sum(1 for _ in lines)
    assert len(capsys.readouterr().out.splitlines()) < total


def test_help_documents_the_keep_language(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["minimize", "--help"]) == 0
    text = capsys.readouterr().out
    for word in ("status=complete", "repair_kind=KIND", "no_fault", "fault=TEXT", "FIELD!=VALUE"):
        assert word in text


def test_an_unwritable_output_is_reported(
    journal: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "missing" / "small.jsonl"
    assert run(["minimize", str(journal), "--keep", "status=repair_needed", "-o", str(out)]) == 64
    assert "small.jsonl" in capsys.readouterr().err
    assert not out.parent.exists()
