"""Snapshot documents: replaykit values as canonical, redacted, readable JSON text.

``snapshot_data`` turns what a test wants to pin down (a ``ReplayState``, a
``ReplayResult``, records, faults, a ``LintReport``, a ``Timeline``, diffs, or plain
JSON-like data holding any of these) into JSON data: states in their
``replaykit.timetravel.snapshot`` form, records and results in their wire form.
``trace`` is a whole journal's step-by-step fold: each record, accepted or rejected,
and the JSON Patch it made to the state. ``redact`` replaces volatile values;
``canonical_json`` writes the document with sorted keys and two-space indents. Nothing
here depends on hash order, the clock or the machine, so the text is the same
everywhere. The syrupy extension (``replaykit.testing.syrupy_ext``) is a thin layer over
this module.

Redaction. By default the values under the keys in ``VOLATILE_KEYS`` (timestamps,
runtime fingerprints, state hashes) become ``"<redacted>"`` and record digests in
``seen_records`` become ``"<digest>"``. More can be chosen with JSON Pointers
(RFC 6901) in which ``*`` matches any one token, e.g. ``/latest_checkpoint/writer_id`` or
``/repair_needed/*/reason``; a pointer also redacts the ``value`` of a JSON Patch
operation whose ``path`` it matches, so it works on states and on their diffs alike.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

import attrs
from returns.result import Failure, Success

from replaykit.model import JournalRecord
from replaykit.replay import LintReport, ReplayConfig, ReplayFault, ReplayState, finish
from replaykit.timetravel import Step, Timeline, parse_pointer
from replaykit.timetravel import snapshot as state_snapshot
from replaykit.timetravel.snapshot import config_data, fault_data
from replaykit.wire import to_data

__all__ = [
    "DEFAULT_POINTERS",
    "REDACTED",
    "VOLATILE_KEYS",
    "canonical_json",
    "redact",
    "render",
    "snapshot_data",
    "trace",
]

REDACTED: Final = "<redacted>"
#: Keys whose values change from run to run of the same scenario.
VOLATILE_KEYS: Final = frozenset(
    {"timestamp_millis", "created_at_millis", "runtime_package_fingerprint", "state_hash"}
)
#: Pointers redacted by default (record digests depend on the timestamps).
DEFAULT_POINTERS: Final = ("/seen_records/*",)
_DIGEST: Final = "<digest>"


def _record_line(record: JournalRecord) -> dict[str, Any]:
    payload = to_data(record)["payload"]
    kind = payload.get("record_type", payload["type"])
    return {
        "record_id": record.record_id,
        "journal_seq": record.journal_seq,
        "record_kind": record.record_kind.value,
        "payload": kind,
    }


def _step(step: Step) -> dict[str, Any]:
    out: dict[str, Any] = {"index": step.index}
    if step.record is not None:
        out["record"] = _record_line(step.record)
    out["accepted"] = step.accepted
    if step.fault is not None:
        out["fault"] = fault_data(step.fault)
    out["state"] = state_snapshot(step.state)
    return out


def trace(
    records: Iterable[JournalRecord] | Timeline, config: ReplayConfig | None = None
) -> dict[str, Any]:
    """A journal's fold step by step: each record, its outcome and its change to the state.

    Steps are numbered from 1 (step ``k`` applies record ``k - 1``); ``changes`` is the
    JSON Patch from the state before to the state after (``replaykit.timetravel.diff``).
    The document ends with the ``result`` that ``finish`` gives after the last step.

    >>> from replaykit import ReplayConfig, ReplayMode
    >>> from replaykit.testing.builders import effect_intent, effect_result, journal
    >>> records = journal(effect_intent(), effect_result())
    >>> doc = trace(records, ReplayConfig(ReplayMode.AUDIT_REPLAY))
    >>> [(s["index"], s["record"]["payload"], len(s["changes"])) for s in doc["steps"]]
    [(1, 'effect_intent', 3), (2, 'effect_result', 3)]
    >>> doc["result"]["status"]
    'complete'
    """
    if isinstance(records, Timeline):
        timeline = records
    else:
        if config is None:
            raise TypeError("trace needs a config to fold records")
        timeline = Timeline(records, config)
    steps = []
    for step in timeline.steps(1):
        out: dict[str, Any] = {"index": step.index}
        assert step.record is not None
        out["record"] = _record_line(step.record)
        out["accepted"] = step.accepted
        if step.fault is not None:
            out["fault"] = fault_data(step.fault)
        out["changes"] = timeline.diff(step.index - 1, step.index)
        steps.append(out)
    document = {
        "config": config_data(timeline.config),
        "steps": steps,
        "result": to_data(finish(timeline[-1])),
    }
    plain: dict[str, Any] = _plain(document)
    return plain


def _plain(data: Any) -> Any:
    """``data`` with enum members (``str`` subclasses) as plain strings."""
    if isinstance(data, dict):
        return {str(k): _plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_plain(v) for v in data]
    if isinstance(data, str) and type(data) is not str:
        return str(data.value) if hasattr(data, "value") else str(data)
    return data


def snapshot_data(value: object) -> Any:
    """The JSON data of a replaykit value (or of JSON-like data holding such values).

    Records and results are in their wire form, states in their snapshot form, and
    enum members are plain strings.

    >>> from replaykit import ReplayConfig, ReplayMode, replay
    >>> snapshot_data(replay([], ReplayConfig(ReplayMode.AUDIT_REPLAY)))["ok"]["status"]
    'complete'
    >>> snapshot_data({"b": (1, None), "a": frozenset({"y", "x"})})
    {'b': [1, None], 'a': ['x', 'y']}
    """
    return _plain(_data(value))


def _data(value: object) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, ReplayState):
        return state_snapshot(value)
    if isinstance(value, Timeline):
        return trace(value)
    if isinstance(value, Step):
        return _step(value)
    if isinstance(value, ReplayFault):
        return fault_data(value)
    if isinstance(value, ReplayConfig):
        return config_data(value)
    if isinstance(value, LintReport):
        return {
            "records": value.records,
            "faults": [{"index": i, **fault_data(f)} for i, f in value.faults],
            "result": to_data(value.result),
        }
    if isinstance(value, Success):
        return {"ok": _data(value.unwrap())}
    if isinstance(value, Failure):
        return {"error": _data(value.failure())}
    if isinstance(value, Mapping):
        return {str(k): _data(v) for k, v in value.items()}
    if isinstance(value, frozenset | set):
        return sorted(_data(v) for v in value)
    if isinstance(value, Sequence):
        return [_data(v) for v in value]
    if attrs.has(type(value)):
        return to_data(value)  # raises TypeError for attrs classes that are not wire types
    raise TypeError(f"cannot snapshot a {type(value).__name__}")


def _compile(pointers: Iterable[str]) -> list[list[str]]:
    return [parse_pointer(p) for p in pointers]


def _matches(pattern: list[str], tokens: Sequence[str]) -> bool:
    return len(pattern) == len(tokens) and all(
        p in ("*", t) for p, t in zip(pattern, tokens, strict=True)
    )


def redact(
    data: Any,
    pointers: Iterable[str] = (),
    *,
    volatile: bool = True,
) -> Any:
    """``data`` with the values at ``pointers`` (and, if ``volatile``, the defaults) redacted.

    >>> redact({"timestamp_millis": 5, "a": [{"b": 1}, {"b": 2}]}, ["/a/*/b"])
    {'timestamp_millis': '<redacted>', 'a': [{'b': '<redacted>'}, {'b': '<redacted>'}]}
    >>> redact([{"op": "add", "path": "/seen_records/r.1", "value": "ab12"}])
    [{'op': 'add', 'path': '/seen_records/r.1', 'value': '<digest>'}]
    """
    chosen = _compile(pointers)
    defaults = _compile(DEFAULT_POINTERS) if volatile else []
    keys = VOLATILE_KEYS if volatile else frozenset()

    def replacement(tokens: Sequence[str], value: Any) -> Any:
        if any(_matches(p, tokens) for p in chosen):
            return REDACTED
        if isinstance(value, str) and any(_matches(p, tokens) for p in defaults):
            return _DIGEST
        return value

    def walk(node: Any, tokens: list[str]) -> Any:
        if isinstance(node, dict):
            out = {}
            for key, value in node.items():
                here = [*tokens, key]
                if key in keys and value is not None:
                    out[key] = REDACTED
                    continue
                new = replacement(here, value)
                out[key] = new if new is not value else walk(value, here)
            if (
                isinstance(out.get("op"), str)
                and isinstance(out.get("path"), str)
                and "value" in out
            ):
                out["value"] = replacement(parse_pointer(out["path"]), out["value"])
            return out
        if isinstance(node, list):
            items = []
            for index, value in enumerate(node):
                here = [*tokens, str(index)]
                new = replacement(here, value)
                items.append(new if new is not value else walk(value, here))
            return items
        return node

    return walk(data, [])


def canonical_json(data: Any) -> str:
    """Readable canonical JSON: sorted keys, two-space indents, UTF-8, a final newline.

    >>> print(canonical_json({"b": [1], "a": "é"}), end="")
    {
      "a": "é",
      "b": [
        1
      ]
    }
    """
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def render(value: object, pointers: Iterable[str] = (), *, volatile: bool = True) -> str:
    """The snapshot text of ``value``: ``canonical_json(redact(_data(value)))``."""
    return canonical_json(redact(_data(value), pointers, volatile=volatile))
