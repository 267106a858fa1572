"""The fast path for journal lines (``replaykit.wire._fast``) changes speed only.

For any record, and for canonical lines edited in every way the wire rules care about,
``from_json`` (fast path first) and ``from_json_exact`` (the exact path alone) must give
the same outcome: equal records with equal duplicate digests, or the same error. The
edits that the fast path cannot prove harmless must make it step aside.
"""

from __future__ import annotations

import hashlib
from typing import Any, Final

import pytest
from hypothesis import given, settings
from returns.result import Success
from test_wire_roundtrip import wire_values
from wire_support import EXAMPLE_LINES

from replaykit import JournalRecord, to_json
from replaykit.model import OtherPayload
from replaykit.wire import codec
from replaykit.wire.codec import canonical_bytes, from_json, from_json_exact, record_digest

FAST: Final = codec._fast_record


def _clean(line: bytes) -> bool:
    return line.isascii() and b"\\" not in line and b"\x7f" not in line


def _same_outcome(line: bytes | str) -> Any:
    fast = from_json(JournalRecord, line)
    exact = from_json_exact(JournalRecord, line)
    assert type(fast) is type(exact)
    if isinstance(exact, Success):
        a, b = fast.unwrap(), exact.unwrap()
        assert a == b
        canonical = hashlib.blake2b(canonical_bytes(b), digest_size=16).digest()
        assert record_digest(a) == record_digest(b) == canonical
        return a
    assert fast.failure() == exact.failure()
    return None


@settings(max_examples=400, deadline=None)
@given(wire_values(JournalRecord))
def test_both_paths_agree_on_any_record(record: JournalRecord) -> None:
    line = to_json(record).encode("utf-8")
    assert _same_outcome(line) == record
    assert _same_outcome(line.decode("utf-8") + "\n") == record
    if _clean(line) and not isinstance(record.payload, OtherPayload):
        assert FAST(line) == record  # the fast path took it


@pytest.mark.parametrize(
    "line", [pytest.param(line, id=f"{name}:{index + 1}") for name, index, line in EXAMPLE_LINES]
)
def test_runtime_lines_take_the_fast_path(line: str) -> None:
    raw = line.encode("utf-8")
    record = _same_outcome(raw)
    assert record is not None
    if not isinstance(record.payload, OtherPayload):
        assert FAST(raw) == record
        if record._digest is not None:
            assert record._digest == hashlib.blake2b(raw, digest_size=16).digest()


_LINE: Final = next(line for _, _, line in EXAMPLE_LINES if '"type":"effect_intent"' in line)
_SEQ: Final = '"journal_seq":3,'
_RUN: Final = '"run_id":"run.example.crash",'


def _edits() -> list[tuple[str, str]]:
    """``(name, edited line)``: the example intent line with one replacement each."""
    assert _SEQ in _LINE and _RUN in _LINE
    head = '{"journal_schema_version":1,'
    replacements = [
        ("repeated key", _SEQ, _SEQ + _SEQ),
        ("repeated known key, other value", _SEQ, _SEQ + '"journal_seq":4,'),
        ("minus zero", _SEQ, '"journal_seq":-0,'),
        ("fraction", _SEQ, '"journal_seq":3.0,'),
        ("exponent", _SEQ, '"journal_seq":3e0,'),
        ("boolean", _SEQ, '"journal_seq":true,'),
        ("negative", _SEQ, '"journal_seq":-3,'),
        ("past u64", _SEQ, '"journal_seq":18446744073709551616,'),
        ("past i64", _SEQ, '"journal_seq":9223372036854775808,'),
        ("u64 top", _SEQ, '"journal_seq":18446744073709551615,'),
        ("unknown key", head, head + '"zzz":[1,{"a":null}],'),
        ("null option", _RUN, _RUN + '"session_id":null,'),
        ("empty list", _RUN, _RUN + '"causal_refs":[],'),
        ("keys reordered", head + _SEQ, '{"journal_seq":3,"journal_schema_version":1,'),
        ("white space", _SEQ, '"journal_seq": 3,'),
        ("escaped letter", _RUN, '"run_id":"run.ex\\u0061mple.crash",'),
        ("lone surrogate", _RUN, '"run_id":"run.\\ud800",'),
        ("control in id", _RUN, '"run_id":"run.\\u0001",'),
        ("DEL in id", _RUN, '"run_id":"run.\x7f",'),
        ("non-ASCII id", _RUN, '"run_id":"run.é",'),
        ("empty id", _RUN, '"run_id":"",'),
        ("long id", _RUN, '"run_id":"' + "r" * 513 + '",'),
        ("longest id", _RUN, '"run_id":"' + "r" * 512 + '",'),
        ("unknown enum", '"record_kind":"effect_intent"', '"record_kind":"x"'),
        ("null required", _RUN, '"run_id":null,'),
        ("missing required", _RUN, ""),
        ("unknown payload", '"type":"effect_intent"', '"type":"nope"'),
        ("ignored payload", '"type":"effect_intent"', '"type":"message"'),
        ("deep unknown", head, head + '"zzz":' + "[" * 3000 + "]" * 3000 + ","),
        ("truncated", _LINE[-7:], ""),
    ]
    return [(name, _LINE.replace(old, new)) for name, old, new in replacements]


#: Edits the fast path may take because the exact path accepts them unchanged.
_FAST_STILL: Final = frozenset({"past i64", "u64 top", "longest id"})


@pytest.mark.parametrize(("name", "line"), _edits(), ids=[name for name, _ in _edits()])
def test_edited_lines_give_the_exact_paths_outcome(name: str, line: str) -> None:
    assert line != _LINE  # the edit applied
    raw = line.encode("utf-8")
    _same_outcome(raw)
    _same_outcome(line)
    if name in _FAST_STILL:
        assert FAST(raw) is not None
    else:
        assert FAST(raw) is None
