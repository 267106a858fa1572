"""``snapshot`` / ``restore`` / ``fingerprint``: canonical, lossless, stable, total."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from returns.result import Failure
from timetravel_support import cases, example_journals, hostile, reference_states

from replaykit import JournalRecord, ReplayConfig, ReplayMode, lint
from replaykit.testing import builders as b
from replaykit.timetravel import (
    FORMAT,
    VERSION,
    RestoreError,
    Timeline,
    canonical_bytes,
    fingerprint,
    restore,
    snapshot,
)

ROOT = Path(__file__).resolve().parent.parent


@settings(max_examples=100, deadline=None)
@given(cases(), st.data())
def test_restore_of_snapshot_is_an_equal_state_that_folds_on_the_same(
    case: tuple[list[JournalRecord], ReplayConfig], data: st.DataObject
) -> None:
    records, config = case
    states = reference_states(records, config)
    k = data.draw(st.integers(0, len(records)))
    original = states[k]
    # Through JSON text, as a service would persist it.
    restored = restore(json.loads(json.dumps(snapshot(original)))).unwrap()
    assert restored == original
    assert fingerprint(restored) == fingerprint(original)
    assert snapshot(restored) == snapshot(original)
    on_original = Timeline(records[k:], config, start=original)
    on_restored = Timeline(records[k:], config, start=restored)
    assert list(on_restored) == list(on_original)
    assert on_restored.faults() == on_original.faults()
    assert on_restored.result(-1) == on_original.result(-1)


@settings(max_examples=60, deadline=None)
@given(cases())
def test_snapshot_is_canonical_json(case: tuple[list[JournalRecord], ReplayConfig]) -> None:
    records, config = case
    value = snapshot(lint(records, config).state)
    assert value["format"] == FORMAT and value["version"] == VERSION
    assert orjson.loads(orjson.dumps(value)) == value
    for name in ("seen_records", "pending_effects", "output_intents", "output_results"):
        assert list(value[name]) == sorted(value[name])
    assert value["missing_content_refs"] == sorted(set(value["missing_content_refs"]))
    assert canonical_bytes(lint(records, config).state) == orjson.dumps(
        value, option=orjson.OPT_SORT_KEYS
    )


def test_snapshot_writes_digests_as_hex_and_unkeyed_records_as_null() -> None:
    records = b.journal(b.message(), b.effect_intent("effect.1", idempotency_key="idem.1"))
    seen = snapshot(lint(records, ReplayConfig(ReplayMode.AUDIT_REPLAY)).state)["seen_records"]
    plain, keyed = (seen[record.record_id] for record in records)
    assert plain is None
    assert isinstance(keyed, str) and len(keyed) == 32 and int(keyed, 16) >= 0


_FINGERPRINT_SCRIPT = """
import json, sys
from replaykit import JournalRecord, ReplayConfig, ReplayMode, from_json, lint
from replaykit.timetravel import fingerprint
out = []
for path in sys.argv[1:]:
    lines = open(path, "rb").read().splitlines()
    records = [from_json(JournalRecord, line).unwrap() for line in lines if line]
    refs = sorted({ref for record in records for ref in record.content_refs})
    config = ReplayConfig(ReplayMode.AUDIT_REPLAY, available_content_refs=refs[::2])
    out.append(fingerprint(lint(records, config).state))
print(json.dumps(out))
"""


def test_fingerprints_are_equal_across_processes_and_hash_seeds() -> None:
    paths = sorted(
        str(p) for p in (ROOT / "tests" / "data").glob("*.jsonl") if "upstream" not in p.name
    )
    runs = []
    for seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", _FINGERPRINT_SCRIPT, *paths],
            env=env,
            capture_output=True,
            check=True,
            text=True,
        )
        runs.append(json.loads(done.stdout))
    assert runs[0] == runs[1] == runs[2]
    assert len(set(runs[0])) == len(paths)


def test_fingerprint_tells_states_apart_and_ignores_how_they_were_built() -> None:
    journal = example_journals()["crash-recovery"]
    config = ReplayConfig(ReplayMode.RESUME_REPLAY)
    timeline = Timeline(journal, config)
    prints = [fingerprint(timeline[k]) for k in range(len(timeline))]
    assert len(set(prints)) == len(prints)
    assert fingerprint(Timeline(journal, config, keyframe_every=5)[7]) == prints[7]


def _valid() -> dict[str, Any]:
    records = [hostile(r) for r in example_journals()["output-delivery-mixed"]]
    config = ReplayConfig(ReplayMode.REPAIR_REPLAY, available_content_refs=["content.output.1"])
    value: dict[str, Any] = json.loads(json.dumps(snapshot(lint(records, config).state)))
    return value


def _error(value: object) -> RestoreError:
    result = restore(value)
    assert isinstance(result, Failure)
    error = result.failure()
    assert isinstance(error, RestoreError)
    return error


@pytest.mark.parametrize(
    ("change", "path", "words"),
    [
        (lambda v: v.update(version=2), "/version", "unsupported snapshot version 2"),
        (lambda v: v.update(version="1"), "/version", "unsupported snapshot version"),
        (lambda v: v.update(format="other"), "/format", "not a replaykit state snapshot"),
        (lambda v: v.pop("seen_records"), "", "missing key 'seen_records'"),
        (lambda v: v.update(extra=1), "", "unknown key 'extra'"),
        (lambda v: v["config"].update(mode="fast"), "/config/mode", "unknown replay mode"),
        (lambda v: v.update(last_journal_seq=-1), "/last_journal_seq", "unsigned 64-bit"),
        (lambda v: v.update(last_journal_seq=True), "/last_journal_seq", "got a boolean"),
        (lambda v: v.update(missing_content_refs=["a", "a"]), "/missing_content_refs", "once"),
        (lambda v: v.update(repair_needed={}), "/repair_needed", "expected an array"),
        (lambda v: v.update(terminal_status=3), "/terminal_status", "string or null"),
        (lambda v: v.update(seen_records={"r": "XYZ"}), "/seen_records/r", "32 lowercase hex"),
        (lambda v: v.update(pending_effects=[]), "/pending_effects", "expected an object"),
    ],
)
def test_restore_fails_cleanly_on_malformed_snapshots(change: Any, path: str, words: str) -> None:
    value = _valid()
    change(value)
    error = _error(value)
    assert error.path == path
    assert words in error.message
    assert str(error).startswith("snapshot")


def test_restore_names_the_entry_that_is_wrong() -> None:
    value = _valid()
    key = next(iter(value["output_intents"]))
    value["output_intents"][key]["delivery_id"] = "someone.else"
    error = _error(value)
    assert error.path == "/output_intents/" + key.replace("~", "~0").replace("/", "~1")
    assert "own key" in error.message
    value = _valid()
    key = next(iter(value["output_results"]))
    del value["output_results"][key]["dispatch_status"]
    assert "dispatch_status" in _error(value).message


def test_restore_accepts_its_own_output_for_the_examples() -> None:
    value = _valid()
    assert snapshot(restore(value).unwrap()) == value


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_restore_never_raises(data: st.DataObject) -> None:
    candidate: Any = _valid()
    if data.draw(st.booleans()):
        target: Any = candidate
        for choice in data.draw(st.lists(st.integers(0, 50), max_size=4)):
            if not isinstance(target, dict | list) or not target:
                break
            key = (
                sorted(target)[choice % len(target)]
                if isinstance(target, dict)
                else (choice % len(target))
            )
            if not isinstance(target[key], dict | list) or data.draw(st.booleans()):
                target[key] = data.draw(_json)
                break
            target = target[key]
    else:
        candidate = data.draw(_json)
    result = restore(candidate)
    if not isinstance(result, Failure):
        restored = result.unwrap()
        assert restore(snapshot(restored)).unwrap() == restored
