"""The sixteen payloads the reducer ignores decode exactly as the reference decodes them.

- ``payloads-sample.jsonl``: 300 lines with the reference decoder's verdict and its
  re-encoding; both decoding paths give the same verdict and the same bytes.
- The shape tables agree with the specification's tables (``PAYLOADS.md``).
- Generated payloads of every kind round-trip; single-field mutations are refused by both
  paths with the field's path; two spellings of one record are one record to the
  duplicate check, whichever path read each.
"""

from __future__ import annotations

import enum
import json
import pickle
import random
from pathlib import Path
from typing import Any, Final

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from payload_mutations import REPEAT, dumps, json_path, mutations, slots
from payload_spec import SPEC, read_spec
from returns.result import Failure, Success
from wire_support import EXAMPLE_LINES, compact

from replaykit import (
    JournalRecord,
    ReplayConfig,
    ReplayMode,
    from_data,
    from_json,
    initial_state,
    step,
    to_data,
    to_json,
)
from replaykit.model import OtherPayload, TurnLifecycleRecord
from replaykit.model._wirespec import WIRE_KEY
from replaykit.model.shapes import PAYLOADS, SHAPES, Enum, Kind, Struct, Union, struct_of
from replaykit.testing.strategies import ignored_payload_data
from replaykit.wire import codec
from replaykit.wire.codec import from_json_exact

_SAMPLE: Final = Path(__file__).parent / "data" / "payloads" / "payloads-sample.jsonl"
_ROWS: Final = [json.loads(line) for line in _SAMPLE.read_text("utf-8").split("\n") if line]
_AUDIT: Final = ReplayConfig(ReplayMode.AUDIT_REPLAY)
#: A runtime line whose payload the tests replace (its envelope is canonical).
_ENVELOPE: Final = json.loads(next(line for _, _, line in EXAMPLE_LINES if "model_attempt" in line))
_QUICK: Final = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def _both(line: str | bytes) -> Any:
    """The outcome of both decoding paths, checked equal."""
    fast = from_json(JournalRecord, line)
    exact = from_json_exact(JournalRecord, line)
    assert type(fast) is type(exact)
    if isinstance(exact, Success):
        assert fast.unwrap() == exact.unwrap()
    else:
        assert fast.failure() == exact.failure()
    return exact


@pytest.mark.parametrize("row", _ROWS, ids=[row["name"] for row in _ROWS])
def test_reference_verdict_on_sample_lines(row: dict[str, Any]) -> None:
    outcome = _both(row["line"])
    if row["accept"]:
        assert isinstance(outcome, Success), outcome
        assert to_json(outcome.unwrap()) == row["canonical_line"]
    else:
        assert isinstance(outcome, Failure), row["message"]


def test_sample_covers_accepts_and_refusals_of_every_payload() -> None:
    verdicts = {(row["name"].split("/")[0], row["accept"]) for row in _ROWS}
    tags = {*PAYLOADS, "turn_lifecycle"}
    assert {tag for tag, accept in verdicts if accept} == tags
    assert {tag for tag, accept in verdicts if not accept} >= tags - {"hook"}


# The tables against the specification. ------------------------------------------------

_SCALARS: Final = {"str", "id", "u8", "u16", "u32", "u64", "bool"}


def _kind_name(kind: Kind) -> str:
    return kind.__name__ if isinstance(kind, type) else kind


def _model_fields(cls: type) -> list[tuple[str, str, str]]:
    return [(f.key, _kind_name(f.kind), f.presence.value) for f in struct_of(cls).fields]


@pytest.mark.skipif(not SPEC.exists(), reason="the specification is not beside the checkout")
def test_shape_tables_match_the_specification() -> None:
    spec = read_spec()
    assert {tag: root for tag, root in spec.roots.items() if tag != "turn_lifecycle"} == PAYLOADS
    assert _model_fields(TurnLifecycleRecord) == spec.structs["TurnLifecycleRecord"]
    models = _reachable_models()
    for name, fields in spec.structs.items():
        if name in models:
            assert _model_fields(models[name]) == fields, name
        elif name != "TurnLifecycleRecord":
            shape = SHAPES[name]
            assert isinstance(shape, Struct), name
            ours = [(f.key, _kind_name(f.kind), f.presence.value) for f in shape.fields]
            assert ours == fields, name
    for name, (style, tag, variants) in spec.unions.items():
        union = SHAPES[name]
        assert isinstance(union, Union)
        assert (union.style, union.tag or "") == (style, tag), name
        ours_variants = {
            variant: body.name if isinstance(body, Struct) else body
            for variant, body in union.variants
        }
        assert ours_variants == variants, name
    for name, values in spec.enums.items():
        found = models.get(name) or SHAPES.get(name)
        if isinstance(found, type) and issubclass(found, enum.Enum):
            assert [member.value for member in found] == values, name
        else:
            assert isinstance(found, Enum) and list(found.values) == values, name


def _reachable_models() -> dict[str, type]:
    """Model classes and enums the tables refer to, by name."""
    out: dict[str, type] = {"TurnLifecycleRecord": TurnLifecycleRecord}
    pending: list[Any] = [*SHAPES.values(), TurnLifecycleRecord]
    while pending:
        item = pending.pop()
        kinds: list[Any] = []
        if isinstance(item, Struct):
            kinds = [f.kind for f in item.fields]
        elif isinstance(item, Union):
            kinds = [body for _, body in item.variants if isinstance(body, Struct)]
        elif isinstance(item, type) and attrs.has(item):
            kinds = [f.metadata[WIRE_KEY][0] for f in attrs.fields(item) if WIRE_KEY in f.metadata]
        for kind in kinds:
            if isinstance(kind, Struct):
                pending.append(kind)
            elif isinstance(kind, type) and kind.__name__ not in out:
                out[kind.__name__] = kind
                pending.append(kind)
    return out


# Generated payloads. --------------------------------------------------------------------


def _line(payload: Any, **envelope: Any) -> str:
    return compact({**_ENVELOPE, **envelope, "payload": payload})


@_QUICK
@given(st.sampled_from(sorted(PAYLOADS)).flatmap(ignored_payload_data))
def test_generated_payloads_round_trip(data: dict[str, Any]) -> None:
    record = _both(_line(data)).unwrap()
    canonical = to_json(record)
    again = _both(canonical).unwrap()
    assert again == record and to_json(again) == canonical
    assert from_data(OtherPayload, data).unwrap() == record.payload


@pytest.mark.parametrize("tag", sorted(PAYLOADS))
def test_every_payload_shape_generates(tag: str) -> None:
    """Each tag's strategy yields payloads (a table that refers to a missing shape fails)."""

    @settings(max_examples=5, deadline=None)
    @given(ignored_payload_data(tag))
    def decodes(data: dict[str, Any]) -> None:
        assert isinstance(_both(_line(data)), Success)

    decodes()


# Single-field mutations. ----------------------------------------------------------------


@_QUICK
@given(st.sampled_from(sorted(PAYLOADS)).flatmap(ignored_payload_data), st.randoms())
def test_single_field_mutations_are_refused_with_the_fields_path(
    data: dict[str, Any], rnd: random.Random
) -> None:
    payload = to_data(from_data(OtherPayload, data).unwrap())  # canonical, all keys known
    root = {k: v for k, v in payload.items() if k != "type"}
    found = list(slots(root, PAYLOADS[payload["type"]], ("payload",)))
    slot = rnd.choice(found)
    name, value = rnd.choice(mutations(slot))
    original = slot.parent.get(slot.key, ...)
    repeat = None
    if value is ...:
        slot.parent.pop(slot.key, None)
    elif value is REPEAT:
        if slot.key not in slot.parent:
            return  # only a key that is written can be repeated
        repeat = (id(slot.parent), slot.key)
    else:
        slot.parent[slot.key] = value
    payload_out = {"type": payload["type"], **root}
    if repeat is not None and repeat[0] == id(root):
        repeat = (id(payload_out), slot.key)
    line = dumps({**_ENVELOPE, "payload": payload_out}, repeat)
    outcome = _both(line)
    assert isinstance(outcome, Failure), (name, slot.path, original)
    assert outcome.failure().path.startswith(json_path(slot.path)), (name, outcome.failure())


# Duplicates compare values, whatever the spelling or the path. ---------------------------


def _respell(value: Any, rnd: random.Random) -> Any:
    """The same JSON value with object keys shuffled at every level."""
    if isinstance(value, dict):
        items = list(value.items())
        rnd.shuffle(items)
        return {key: _respell(item, rnd) for key, item in items}
    if isinstance(value, list):
        return [_respell(item, rnd) for item in value]
    return value


def _spellings(data: dict[str, Any], rnd: random.Random) -> list[str]:
    plain = compact(data)
    shuffled = _respell(data, rnd)
    return [
        plain,  # canonical: the fast path reads it
        json.dumps(shuffled),  # key order and spacing
        json.dumps(data, ensure_ascii=True, indent=1),  # escapes and new lines
        compact({**shuffled, "payload": {**shuffled["payload"], "zz_unknown": [1.5, {}]}}),
    ]


@_QUICK
@given(
    st.sampled_from(sorted(PAYLOADS)).flatmap(ignored_payload_data),
    st.sampled_from(["idempotency_key", "dedupe_key"]),
    st.randoms(),
)
def test_two_spellings_of_one_record_are_one_record(
    data: dict[str, Any], key: str, rnd: random.Random
) -> None:
    record = to_data(_both(_line(data)).unwrap())
    record[key] = "key.1"
    canonical = to_data(from_json(JournalRecord, compact(record)).unwrap())
    spellings = _spellings(canonical, rnd)
    decoders: list[Any] = [from_json, from_json_exact]
    first = rnd.choice(decoders)(JournalRecord, rnd.choice(spellings)).unwrap()
    state = step(initial_state(_AUDIT), first).unwrap()
    for line in spellings:
        for decode in decoders:
            repeat = decode(JournalRecord, line).unwrap()
            assert repeat == first
            assert step(state, repeat).unwrap() is state  # an idempotent no-op
    changed = {**canonical, "timestamp_millis": canonical["timestamp_millis"] + 1}
    for decode in decoders:
        other: JournalRecord = decode(JournalRecord, compact(changed)).unwrap()
        assert isinstance(step(state, other), Failure)


def _idempotent(line: str) -> str:
    key = '"redaction_policy_id":"redaction.default",'
    assert key in line
    return line.replace(key, key + '"idempotency_key":"idem.1",')


_ATTEMPT: Final = _idempotent(next(line for _, _, line in EXAMPLE_LINES if "model_attempt" in line))


@pytest.mark.parametrize(
    "repeat",
    [
        pytest.param(_ATTEMPT.replace("idem.1", "id\\u0065m.1"), id="escaped letter"),
        pytest.param(
            _ATTEMPT.replace(
                '"provider_route_id":"route.fake.primary","provider_model_id":"model.fake.large"',
                '"provider_model_id":"model.fake.large","provider_route_id":"route.fake.primary"',
            ),
            id="ignored payload keys reordered",
        ),
    ],
)
@pytest.mark.parametrize("first_decoder", [from_json, from_json_exact], ids=["fast", "exact"])
@pytest.mark.parametrize("repeat_decoder", [from_json, from_json_exact], ids=["fast", "exact"])
def test_repeat_spelled_differently_is_an_idempotent_duplicate(
    repeat: str, first_decoder: Any, repeat_decoder: Any
) -> None:
    """The verdict bug: the fast path digested the line as written, the exact path sorted
    the ignored payload's keys, so the same record was a non-idempotent duplicate on one
    path and an accepted repeat on the other."""
    assert repeat != _ATTEMPT
    first = first_decoder(JournalRecord, _ATTEMPT).unwrap()
    state = step(initial_state(_AUDIT), first).unwrap()
    again = repeat_decoder(JournalRecord, repeat).unwrap()
    assert step(state, again).unwrap() is state


@_QUICK
@given(st.sampled_from(sorted(PAYLOADS)).flatmap(ignored_payload_data))
def test_payload_value_reads_its_canonical_json(data: dict[str, Any]) -> None:
    payload = from_data(OtherPayload, data).unwrap()
    canonical = json.loads(payload.json)
    assert payload.json == compact(canonical).encode("utf-8")
    assert to_data(payload) == canonical and list(to_data(payload)) == list(canonical)
    assert payload.fields is payload.fields  # parsed once
    for key, value in canonical.items():
        if key != "type" and not isinstance(value, dict | list):
            assert payload.get(key) == value
    copy = pickle.loads(pickle.dumps(payload))
    assert copy == payload and hash(copy) == hash(payload) and copy.fields == payload.fields


def _past_i64(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_past_i64(item) for item in value.values())
    if isinstance(value, list):
        return any(_past_i64(item) for item in value)
    return isinstance(value, int) and value >= 2**63


@_QUICK
@given(st.sampled_from(sorted(PAYLOADS)).flatmap(ignored_payload_data))
def test_canonical_payload_lines_take_the_fast_path(data: dict[str, Any]) -> None:
    """The fast path takes every canonical line: clean ones through the msgspec mirrors
    of the shapes, others (non-ASCII text, escapes) through the Python checks."""
    record = _both(_line(data)).unwrap()
    line = to_json(record).encode("utf-8")
    if not _past_i64(data):  # msgspec's bounds stop at i64 (clean or not, see _fast)
        fast = codec._fast_record(line)
        assert fast == record and fast is not None
        assert isinstance(fast.payload, OtherPayload) and isinstance(record.payload, OtherPayload)
        assert fast.payload.json == record.payload.json


def test_reference_encodings_of_the_sample_take_the_fast_path() -> None:
    taken = 0
    for row in _ROWS:
        line = row.get("canonical_line", "").encode("utf-8")
        if row["accept"] and line and not _past_i64(json.loads(line)):
            assert codec._fast_record(line) == from_json_exact(JournalRecord, line).unwrap()
            taken += 1
    assert taken >= 110
