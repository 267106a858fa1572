"""The fast path for journal lines (``replaykit.wire._fast``) changes speed only.

For any record, and for canonical lines edited in every way the wire rules care about,
``from_json`` (fast path first) and ``from_json_exact`` (the exact path alone) must give
the same outcome: equal records with equal duplicate digests, or the same error. The
edits that the fast path cannot prove harmless must make it step aside.
"""

from __future__ import annotations

import hashlib
import re
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
    if not _ignored_past_i64(record):  # msgspec bounds stop at i64 (see _fast_payloads)
        assert FAST(line) == record  # the fast path took it, non-ASCII and escapes too


def _ignored_past_i64(record: JournalRecord) -> bool:
    payload = record.payload
    return isinstance(payload, OtherPayload) and any(
        int(digits) >= 2**63 for digits in re.findall(rb"\d{19,}", payload.json)
    )


@pytest.mark.parametrize(
    "line", [pytest.param(line, id=f"{name}:{index + 1}") for name, index, line in EXAMPLE_LINES]
)
def test_runtime_lines_take_the_fast_path(line: str) -> None:
    raw = line.encode("utf-8")
    record = _same_outcome(raw)
    assert record is not None
    assert FAST(raw) == record
    if record._digest is not None:
        assert record._digest == hashlib.blake2b(raw, digest_size=16).digest()


_LINE: Final = next(line for _, _, line in EXAMPLE_LINES if '"type":"effect_intent"' in line)
_SEQ: Final = '"journal_seq":3,'
_RUN: Final = '"run_id":"run.example.crash",'
_SUMMARY: Final = '"redacted_summary":"'
_SUMMARY_TEXT: Final = '"redacted_summary":"{}'
_TYPE_LATER: Final = '{"message_id":"m.1","type":"message",'
_SUMMARY_FIRST: Final = '"redacted_summary":"s","role":"r"'


def _edits() -> list[tuple[str, str]]:
    """``(name, edited line)``: the example intent line with one replacement each."""
    assert _SEQ in _LINE and _RUN in _LINE
    head = '{"journal_schema_version":1,'
    replacements: list[tuple[str, ...]] = [
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
        ("invalid ignored payload", '"type":"effect_intent"', '"type":"message"'),
        ("deep unknown", head, head + '"zzz":' + "[" * 3000 + "]" * 3000 + ","),
        # Non-ASCII text and escapes, as serde_json writes them, and as it does not.
        ("longest non-ASCII id", _RUN, '"run_id":"' + "é" * 256 + '",'),
        ("non-ASCII id past 512 bytes", _RUN, '"run_id":"' + "é" * 257 + '",'),
        ("C1 control in id", _RUN, '"run_id":"run.\u0085",'),
        ("raw C1 control in id", _RUN, '"run_id":"run.\x85",'),
        ("escaped newline in id", _RUN, '"run_id":"run.\\n",'),
        ("line separator in id", _RUN, '"run_id":"run.\u2028",'),
        ("escaped newline in text", _SUMMARY, _SUMMARY_TEXT.format("a\\nb")),
        ("escaped quote in text", _SUMMARY, _SUMMARY_TEXT.format('say \\"hi\\"')),
        ("escaped control in text", _SUMMARY, _SUMMARY_TEXT.format("a\\u001fb")),
        ("upper-case hex escape", _SUMMARY, _SUMMARY_TEXT.format("a\\u001Fb")),
        ("needless escape in text", _SUMMARY, _SUMMARY_TEXT.format("a\\u00e9b")),
        ("escaped slash in text", _SUMMARY, _SUMMARY_TEXT.format("a\\/b")),
        ("escaped line separator", _SUMMARY, _SUMMARY_TEXT.format("a\\u2028b")),
        ("raw line separators in text", _SUMMARY, _SUMMARY_TEXT.format("a\u2028b\u2029c")),
        ("non-ASCII text", _SUMMARY, _SUMMARY_TEXT.format("naïve résumé")),
        ("astral text", _SUMMARY, _SUMMARY_TEXT.format("ok 😀")),
        ("surrogate pair escape", _SUMMARY, _SUMMARY_TEXT.format("\\ud83d\\ude00")),
        ("lone surrogate in text", _SUMMARY, _SUMMARY_TEXT.format("a\\ud800b")),
        ("lone low surrogate", _SUMMARY, _SUMMARY_TEXT.format("a\\udc00b")),
        ("raw control in text", _SUMMARY, _SUMMARY_TEXT.format("a\x01b")),
        ("truncated", _LINE[-7:], ""),
    ]
    # The same line with its payload replaced by one the reducer ignores, edited.
    other = '"payload":{"type":"message","message_id":"m.1","role":"r","redacted_summary":"s"}}'
    role = '"role":"r",'
    ignored = [
        ("ignored: unknown key", role, role + '"n":7,'),
        ("ignored: huge integer", role, role + '"n":123456789012345678901234567890,'),
        ("ignored: number past a double", role, role + '"n":1' + "0" * 400 + ","),
        ("ignored: fraction", role, role + '"n":7.50,'),
        ("ignored: exponent past a double", role, role + '"n":-1e400,'),
        ("ignored: minus zero", role, role + '"n":-0,'),
        ("ignored: repeated unknown key", role, role + '"n":7,"n":8,'),
        ("ignored: repeated known key", role, role + role),
        ("ignored: type not first", '{"type":"message","message_id":"m.1",', _TYPE_LATER),
        ("ignored: keys reordered", role + '"redacted_summary":"s"', _SUMMARY_FIRST),
        ("ignored: repeated type", '{"type":"message",', '{"type":"message","type":"message",'),
        ("ignored: white space", role, '"role": "r",'),
        ("ignored: deep", role, role + '"n":' + "[" * 200 + "]" * 200 + ","),
        ("ignored: missing field", role, ""),
        ("ignored: null field", role, '"role":null,'),
        ("ignored: wrong type", role, '"role":5,'),
        ("ignored: bad id", '"message_id":"m.1"', '"message_id":""'),
        ("ignored: escaped letter", role, '"role":"\\u0072",'),
    ]
    start = _LINE.index('"payload":')
    with_other = _LINE[:start] + other
    replacements.append(("ignored payload", '"role":"r"', '"role":"q"', with_other))
    replacements.append(("non-ASCII ignored payload", '"role":"r"', '"role":"rôle"', with_other))
    replacements.append(("escaped ignored payload", '"role":"r"', '"role":"a\\tb"', with_other))
    replacements.append(("bad id in ignored payload", '"m.1"', '"m.\u0085"', with_other))
    replacements += [(name, old, new, with_other) for name, old, new in ignored]
    edits = []
    for name, old, new, *base in replacements:
        line: str = base[0] if base else _LINE
        assert old in line
        edits.append((name, line.replace(old, new)))
    return edits


#: Edits the fast path may take because the exact path accepts them unchanged.
_FAST_STILL: Final = frozenset(
    {
        "past i64",
        "u64 top",
        "longest id",
        "ignored payload",
        "non-ASCII id",
        "longest non-ASCII id",
        "line separator in id",
        "escaped newline in text",
        "escaped quote in text",
        "escaped control in text",
        "raw line separators in text",
        "non-ASCII text",
        "astral text",
        "non-ASCII ignored payload",
        "escaped ignored payload",
    }
)

#: The edits of the ignored payload the reference refuses, and the path each error names.
_IGNORED_REJECTED: Final = {
    "ignored: number past a double": "$.payload.n",
    "ignored: exponent past a double": "$.payload.n",
    "ignored: repeated known key": "$.payload.role",
    "ignored: repeated type": "$.payload.type",
    "ignored: missing field": "$.payload.role",
    "ignored: null field": "$.payload.role",
    "ignored: wrong type": "$.payload.role",
    "ignored: bad id": "$.payload.message_id",
    "invalid ignored payload": "$.payload.message_id",
    "ignored: deep": "$.payload.n[0][0]",  # nesting past the limit: refused under any key
    "bad id in ignored payload": "$.payload.message_id",
}


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
    if name.startswith("ignored:") or name in (
        "invalid ignored payload",
        "bad id in ignored payload",
    ):
        outcome = from_json(JournalRecord, raw)
        if name in _IGNORED_REJECTED:
            assert outcome.failure().path.startswith(_IGNORED_REJECTED[name])
        else:
            assert to_json(outcome.unwrap()) == _LINE[: _LINE.index('"payload":')] + (
                '"payload":{"type":"message","message_id":"m.1","role":"r","redacted_summary":"s"}}'
            )


@pytest.mark.parametrize(
    ("name", "old", "new"),
    [
        ("overlong slash", b"run.example", b"run.\xc0\xafexample"),
        ("encoded surrogate", b"run.example", b"run.\xed\xa0\x80example"),
        ("invalid byte", b"run.example", b"run.\xffexample"),
        ("truncated sequence", b"run.example", b"run.\xc3example"),
    ],
)
def test_invalid_utf8_gives_the_exact_paths_error(name: str, old: bytes, new: bytes) -> None:
    raw = _LINE.encode("utf-8")
    assert old in raw
    edited = raw.replace(old, new, 1)
    assert FAST(edited) is None
    outcome = from_json(JournalRecord, edited)
    assert outcome.failure() == from_json_exact(JournalRecord, edited).failure()
    assert "UTF-8" in outcome.failure().message


def test_decode_line_is_from_jsons_fast_path_without_the_result() -> None:
    from cli_support import example_lines

    from replaykit.wire.codec import decode_line

    for name in ("crash-recovery", "output-delivery-mixed", "tool-run-completed"):
        for line in example_lines(name):
            record = decode_line(line)
            assert record is not None and record == from_json(JournalRecord, line).unwrap()
            assert decode_line(b" " + line) is None  # not canonical: from_json decides
            assert from_json(JournalRecord, b" " + line).unwrap() == record
            assert decode_line(line.replace(b'"journal_seq":', b'"journal_seq" :', 1)) is None
