"""Decoding is total: malformed text of every kind gives a ``Failure``, never an exception.

Fixed cases cover each kind of malformed input in WIRE.md section 1 (not JSON, NaN,
invalid UTF-8, empty input, trailing data, excessive nesting); hypothesis feeds random
bytes and mutated example records to every decodable type.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from returns.result import Failure, Result, Success
from wire_support import EXAMPLE_LINES, failure

from replaykit import (
    AgentError,
    DecodeError,
    EventCursor,
    EventStreamScope,
    JournalRecord,
    ReplayConfig,
    ReplayMode,
    ReplayResult,
    RunCheckpoint,
    from_data,
    from_json,
    lint,
    to_json,
)
from replaykit.model import OutputDeliveryIntentRecord, PendingSideEffect, RecoveryMarker

LINES = [line for _, _, line in EXAMPLE_LINES]
INTENT = next(line for line in LINES if '"record_type":"intent"' in line)
TYPES: list[type[Any]] = [
    JournalRecord,
    ReplayResult,
    RunCheckpoint,
    EventCursor,
    EventStreamScope,
    AgentError,
    RecoveryMarker,
    PendingSideEffect,
    OutputDeliveryIntentRecord,
]
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def nested(depth: int, inner: str = "0") -> str:
    return "[" * depth + inner + "]" * depth


def with_unknown(value: str) -> str:
    """The intent record with an unknown top-level key holding the raw JSON ``value``."""
    return INTENT.replace("{", '{"unknown":' + value + ",", 1)


# Fixed malformed inputs. --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"   \n\t", id="whitespace"),
        pytest.param(b"\xff", id="invalid-utf8"),
        pytest.param(b'{"a":"\xc3"}', id="truncated-utf8"),
        pytest.param(b'{"a":"\xc0\xaf"}', id="overlong-utf8"),
        pytest.param(b'{"a":"\xed\xa0\x80"}', id="encoded-surrogate"),
        pytest.param(b"\xef\xbb\xbf{}", id="bom"),
        pytest.param(b"NaN", id="nan"),
        pytest.param(b'{"journal_seq":Infinity}', id="infinity"),
        pytest.param(b'{"journal_seq":-Infinity}', id="minus-infinity"),
        pytest.param(b"{'a':1}", id="single-quotes"),
        pytest.param(b'{"a":1,}', id="trailing-comma"),
        pytest.param(b'{"a":01}', id="leading-zero"),
        pytest.param(b'{"a":"\x01"}', id="raw-control-in-string"),
        pytest.param(b'{"a":"\\x"}', id="bad-escape"),
        pytest.param(b"[]", id="array"),
        pytest.param(b"null", id="null"),
        pytest.param(b'"record"', id="string"),
        pytest.param(b"1", id="number"),
        pytest.param(b"{", id="unclosed"),
    ],
)
def test_decode_rejects_malformed_text(text: bytes) -> None:
    error = failure(text)
    assert error.path.startswith("$")
    assert error.message


@pytest.mark.parametrize("suffix", ["x", "}", ",", "{}", "\n{}", " null"])
def test_decode_rejects_trailing_data(suffix: str) -> None:
    assert failure(INTENT + suffix).path == "$"


@pytest.mark.parametrize("padding", [" ", "\n", "\r\n", "\t \n"])
def test_decode_accepts_surrounding_whitespace(padding: str) -> None:
    expected = from_json(JournalRecord, INTENT).unwrap()
    assert from_json(JournalRecord, padding + INTENT + padding).unwrap() == expected


def test_decode_accepts_str_and_bytes_alike() -> None:
    for line in LINES:
        assert from_json(JournalRecord, line) == from_json(JournalRecord, line.encode())


@pytest.mark.parametrize("raw", ["NaN", "Infinity", "-Infinity", "[NaN]"])
def test_decode_rejects_nan_even_where_unknown_keys_are_ignored(raw: str) -> None:
    failure(with_unknown(raw))


def test_decode_accepts_nesting_below_the_limit() -> None:
    """The record (level 1) plus 126 nested arrays: 127 levels, as serde_json allows."""
    assert isinstance(from_json(JournalRecord, with_unknown(nested(126))), Success)


def test_decode_rejects_nesting_at_serde_limit() -> None:
    """serde_json's recursion limit of 128 rejects the 128th level."""
    failure(with_unknown(nested(127)))


@pytest.mark.parametrize("depth", [128, 200, 5_000])
def test_decode_rejects_deep_nesting(depth: int) -> None:
    error = failure(with_unknown(nested(depth)))
    assert "nesting" in error.message


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("[" * 1_000_000, id="open-arrays"),
        pytest.param('{"a":' * 1_000_000, id="open-objects"),
        pytest.param(nested(1_000_000), id="closed-arrays"),
        pytest.param(with_unknown(nested(1_000_000)), id="inside-record"),
    ],
)
def test_decode_of_million_deep_nesting_fails_fast(text: str) -> None:
    """No recursion error escapes and no time is wasted on absurd nesting."""
    for cls in (JournalRecord, EventStreamScope, AgentError):
        start = time.perf_counter()
        outcome = from_json(cls, text)
        assert time.perf_counter() - start < 2.0
        assert isinstance(outcome, Failure)


_HIGH_LIMIT_PROBE = """
import sys
sys.setrecursionlimit(200_000)
from replaykit import JournalRecord, from_json
outcome = from_json(JournalRecord, "[" * 1_000_000)
print(type(outcome).__name__)
"""


def test_deep_nesting_fails_cleanly_under_a_raised_recursion_limit() -> None:
    """An application that raises the recursion limit must not crash on absurd input."""
    done = subprocess.run(
        [sys.executable, "-c", _HIGH_LIMIT_PROBE], capture_output=True, text=True, timeout=60
    )
    assert (done.returncode, done.stdout.strip()) == (0, "Failure")


def test_from_data_of_deep_python_data_does_not_raise() -> None:
    deep: Any = []
    for _ in range(100_000):
        deep = [deep]
    data = json.loads(INTENT)
    data["payload"]["record"]["delivery_kind"] = deep
    assert isinstance(from_data(JournalRecord, data), Failure)
    message = {"type": "message", "message_id": "m", "role": "r", "redacted_summary": "s"}
    data["payload"] = {**message, "deep": deep}
    assert isinstance(from_data(JournalRecord, data), Failure)


# Hypothesis: random bytes and mutated records. --------------------------------------------


def _total(outcome: Result[Any, DecodeError]) -> None:
    """A decode outcome is a value or a readable one-line error."""
    if isinstance(outcome, Failure):
        error = outcome.failure()
        assert isinstance(error, DecodeError)
        assert "\n" not in str(error)
    else:
        assert isinstance(outcome, Success)


@FUZZ
@given(data=st.binary(max_size=400), cls=st.sampled_from(TYPES))
def test_decode_random_bytes_never_raises(data: bytes, cls: type[Any]) -> None:
    _total(from_json(cls, data))


@FUZZ
@given(text=st.text(max_size=200), cls=st.sampled_from(TYPES))
def test_decode_random_text_never_raises(text: str, cls: type[Any]) -> None:
    _total(from_json(cls, text))


@st.composite
def mutated_bytes(draw: st.DrawFn) -> bytes:
    """An example record with a few bytes flipped, inserted or deleted."""
    raw = bytearray(draw(st.sampled_from(LINES)).encode())
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(raw) - 1))
        action = draw(st.sampled_from(["flip", "insert", "delete"]))
        if action == "flip":
            raw[at] ^= 1 << draw(st.integers(0, 7))
        elif action == "insert":
            raw.insert(at, draw(st.sampled_from(b'{}[]",:\\0-1e.tfn \x00\xff\xc3')))
        else:
            del raw[at]
    return bytes(raw)


@FUZZ
@given(data=mutated_bytes())
def test_decode_mutated_record_bytes_never_raises(data: bytes) -> None:
    _total(from_json(JournalRecord, data))


JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**64 - 1)
    | st.text(max_size=8)
    | st.sampled_from(["", "\ud800", "-0", "1.0"])
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            out += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out += _paths(item, (*prefix, index))
    return out


@st.composite
def mutated_records(draw: st.DrawFn) -> Any:
    """An example record, decoded to data, with keys dropped or values replaced."""
    data = json.loads(draw(st.sampled_from(LINES)))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_paths(data)[1:]))
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        if isinstance(parent, dict) and draw(st.booleans()):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(JSON_VALUES)
    return data


@FUZZ
@given(data=mutated_records())
def test_decode_structurally_mutated_record_never_raises(data: Any) -> None:
    """Dropped keys and changed types decode to a value or an error; values re-encode."""
    _total(from_data(JournalRecord, data))
    text = json.dumps(data, ensure_ascii=False)
    outcome = from_json(JournalRecord, text.encode("utf-8", "surrogatepass"))
    _total(outcome)
    _total(from_json(JournalRecord, json.dumps(data)))
    if isinstance(outcome, Success):
        record = outcome.unwrap()
        assert from_json(JournalRecord, to_json(record)).unwrap() == record
        lint([record, record], ReplayConfig(ReplayMode.AUDIT_REPLAY, available_content_refs=()))


@pytest.mark.parametrize("value", [2**64, -(2**63) - 1])
def test_step_does_not_raise_on_big_int_in_ignored_payload(value: int) -> None:
    """serde_json ignores any number under an unknown key; replaykit must not crash."""
    data = json.loads(LINES[0])  # crash-recovery: first record
    data["idempotency_key"] = "idem.1"
    data["payload"] = {"type": "message", "message_id": "m", "role": "r", "redacted_summary": "s"}
    data["payload"]["score"] = value
    record = from_data(JournalRecord, data).unwrap()
    lint([record], ReplayConfig(ReplayMode.AUDIT_REPLAY))
    assert from_json(JournalRecord, to_json(record)).unwrap() == record


def test_decode_accepts_float_under_unknown_key_of_ignored_payload() -> None:
    """serde_json drops unknown keys of typed payloads, whatever their value."""
    data = json.loads(LINES[0])
    data["payload"] = {"type": "message", "message_id": "m", "role": "r", "redacted_summary": "s"}
    data["payload"]["score"] = 1.5
    assert isinstance(from_json(JournalRecord, json.dumps(data)), Success)


def test_from_data_rejects_lone_surrogate() -> None:
    """WIRE.md 1.5 holds for already-parsed data too; otherwise ``to_json`` raises later."""
    data = json.loads(LINES[0])
    data["record_id"] = "\ud800"
    assert isinstance(from_data(JournalRecord, data), Failure)
