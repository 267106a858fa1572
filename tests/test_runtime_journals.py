"""Journals written by the reference runtime's own code paths (``tests/data/runtime``).

Five runs through the runtime's public API (text run, approval denied, tool crash,
isolated process, output crash), with the reference's verdict for each mode and content
variant, and for the journal cut after its terminal record. Every line decodes on both
paths and re-encodes byte for byte, and every strict replay gives the reference's
result bytes or stops at the reference's record with its error.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final

import pytest
from returns.result import Failure, Success

from replaykit import JournalRecord, ReplayConfig, ReplayMode, from_json, replay, to_json
from replaykit.wire import codec
from replaykit.wire.codec import from_json_exact

_DIR: Final = Path(__file__).parent / "data" / "runtime"
_EXPECTED: Final = [
    json.loads(line) for line in (_DIR / "expected.jsonl").read_text("utf-8").split("\n") if line
]
_JOURNALS: Final = sorted(path.stem for path in _DIR.glob("*.jsonl") if path.stem != "expected")


def _lines(name: str) -> list[str]:
    return [line for line in (_DIR / f"{name}.jsonl").read_text("utf-8").split("\n") if line]


@pytest.mark.parametrize("name", _JOURNALS)
def test_runtime_lines_decode_and_re_encode_byte_for_byte(name: str) -> None:
    for line in _lines(name):
        exact = from_json_exact(JournalRecord, line).unwrap()
        assert from_json(JournalRecord, line).unwrap() == exact
        assert to_json(exact) == line
        raw = line.encode("utf-8")
        if raw.isascii() and b"\\" not in raw:
            assert codec._fast_record(raw) == exact


def _case_id(case: dict[str, Any]) -> str:
    cut = "-cut" if case["truncated_after_terminal"] else ""
    return f"{case['journal']}-{case['mode']}-{case['content_variant']}{cut}"


@pytest.mark.parametrize("case", _EXPECTED, ids=[_case_id(case) for case in _EXPECTED])
def test_strict_replay_matches_the_reference(case: dict[str, Any]) -> None:
    records = [from_json(JournalRecord, line).unwrap() for line in _lines(case["journal"])]
    records = records[: case["records"]]
    config = ReplayConfig(
        ReplayMode(case["mode"]), available_content_refs=case["available_content_refs"]
    )
    outcome = replay(records, config)
    if "result_json" in case:
        assert isinstance(outcome, Success), outcome
        assert to_json(outcome.unwrap()) == case["result_json"]
    else:
        assert isinstance(outcome, Failure)
        fault, want = outcome.failure(), case["rejected"]
        assert (fault.record_id, fault.journal_seq) == (want["record_id"], want["journal_seq"])
        assert fault.record_id == records[want["index"]].record_id
        assert json.loads(to_json(fault.error)) == want["error"]
