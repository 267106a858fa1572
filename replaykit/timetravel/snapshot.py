"""``snapshot``, ``restore`` and ``fingerprint``: the fold state as canonical JSON data.

The snapshot form of a ``ReplayState`` is a dict ready for any JSON encoder::

    {"format": "replaykit.state", "version": 1,
     "config": {"mode": ..., "available_content_refs": [...] | null,
                "missing_content_policy": ...},
     "last_journal_seq": int | null,
     "seen_records": {record_id: 32 hex digits | null, ...},
     "missing_content_refs": [ref, ...],
     "repair_needed": [ReplayRepairNeeded, ...],
     "unsafe_pending_side_effects": [ReplayPendingSideEffect, ...],
     "pending_effects": {effect_id: ReplayPendingSideEffect, ...},
     "output_intents": {delivery_id: {"record_id", "journal_seq", "delivery_id",
                        "idempotency_key", "dedupe_key", "sink_ref"}, ...},
     "output_results": {delivery_id: {"record_id", "journal_seq", "dispatch_status"}, ...},
     "output_dedupes": {dedupe_key: OutputDeliveryDedupeRecord, ...},
     "output_reconciliations": {delivery_id: OutputDeliveryReconciliationRecord, ...},
     "terminal_status": str | null,
     "latest_checkpoint": RunCheckpoint | null}

Maps are objects with sorted keys, sets are sorted lists, record values are their wire
form (``replaykit.wire.to_data``; enum members are ``str`` subclasses), digests are hex.
Nothing depends on hash order, so the canonical bytes (``orjson`` with sorted keys) and
the ``fingerprint`` are the same on every machine and under every ``PYTHONHASHSEED``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final, final

import attrs
import immutables
import orjson
from pyrsistent import pset, pvector
from returns.result import Failure, Result, Success

from replaykit.model import (
    MissingContentPolicy,
    OutputDeliveryDedupeRecord,
    OutputDeliveryReconciliationRecord,
    OutputDispatchStatus,
    ReplayMode,
    ReplayPendingSideEffect,
    ReplayRepairNeeded,
    RunCheckpoint,
)
from replaykit.replay import (
    OutputIntentState,
    ReplayConfig,
    ReplayFault,
    ReplayState,
    SeenRecords,
)
from replaykit.replay.args import expect
from replaykit.replay.state import STATE_FIELDS, OutputResultState
from replaykit.timetravel.pointer import pointer
from replaykit.wire import from_data, to_data

__all__ = [
    "FORMAT",
    "MAP_FIELDS",
    "VECTOR_FIELDS",
    "VERSION",
    "RestoreError",
    "canonical_bytes",
    "config_data",
    "encode_entry",
    "encode_field",
    "fault_data",
    "fingerprint",
    "restore",
    "snapshot",
]

FORMAT: Final = "replaykit.state"
VERSION: Final = 1
_U64_MAX: Final = 2**64 - 1
_MODES: Final = frozenset(mode.value for mode in ReplayMode)
_POLICIES: Final = frozenset(policy.value for policy in MissingContentPolicy)


def _hex(digest: bytes | None) -> str | None:
    return None if digest is None else digest.hex()


def _intent(value: OutputIntentState) -> dict[str, Any]:
    return {
        "record_id": value.record_id,
        "journal_seq": value.journal_seq,
        "delivery_id": value.delivery_id,
        "idempotency_key": value.idempotency_key,
        "dedupe_key": value.dedupe_key,
        "sink_ref": value.sink_ref,
    }


def _result(value: OutputResultState) -> dict[str, Any]:
    return {
        "record_id": value.record_id,
        "journal_seq": value.journal_seq,
        "dispatch_status": value.dispatch_status.value,
    }


#: Map fields -> how one entry value is encoded.
MAP_FIELDS: Final[Mapping[str, Callable[[Any], Any]]] = {
    "seen_records": _hex,
    "pending_effects": to_data,
    "output_intents": _intent,
    "output_results": _result,
    "output_dedupes": to_data,
    "output_reconciliations": to_data,
}
#: Fields holding pyrsistent vectors of wire records (they only grow within a fold).
VECTOR_FIELDS: Final = frozenset({"repair_needed", "unsafe_pending_side_effects"})


def config_data(config: ReplayConfig) -> dict[str, Any]:
    """A ``ReplayConfig`` as JSON data (the ``config`` of a snapshot)."""
    refs = config.available_content_refs
    return {
        "mode": config.mode.value,
        "available_content_refs": None if refs is None else sorted(refs),
        "missing_content_policy": config.missing_content_policy.value,
    }


def encode_entry(name: str, value: Any) -> Any:
    """The snapshot form of one entry of a map or vector field (``name``)."""
    encode = MAP_FIELDS.get(name)
    return to_data(value) if encode is None else encode(value)


def encode_field(name: str, value: Any) -> Any:
    """The snapshot form of one ``ReplayState`` field's value."""
    encode = MAP_FIELDS.get(name)
    if encode is not None:
        return {key: encode(value[key]) for key in sorted(value.keys())}
    if name in VECTOR_FIELDS:
        return [to_data(item) for item in value]
    if name == "missing_content_refs":
        return sorted(value)
    if name == "config":
        return config_data(value)
    if name == "latest_checkpoint":
        return None if value is None else to_data(value)
    return value  # last_journal_seq, terminal_status


def fault_data(fault: ReplayFault) -> dict[str, Any]:
    """A rejected record as JSON data: its id and seq, the error's kind, retry and message.

    >>> from replaykit import ReplayConfig, ReplayMode, lint
    >>> from replaykit.testing.builders import effect_intent, journal, terminal_result
    >>> records = journal(terminal_result(), effect_intent())
    >>> _, fault = lint(records, ReplayConfig(ReplayMode.AUDIT_REPLAY)).faults[0]
    >>> sorted(fault_data(fault))
    ['journal_seq', 'kind', 'message', 'record_id', 'retry']
    """
    return {
        "record_id": fault.record_id,
        "journal_seq": fault.journal_seq,
        "kind": fault.kind.value,
        "retry": fault.retry.value,
        "message": fault.message,
    }


def snapshot(state: ReplayState) -> dict[str, Any]:
    """The canonical, JSON-ready form of ``state`` (see the module docstring).

    >>> from replaykit import ReplayConfig, ReplayMode, initial_state
    >>> value = snapshot(initial_state(ReplayConfig(ReplayMode.AUDIT_REPLAY)))
    >>> value["format"], value["version"], value["config"]["mode"], value["seen_records"]
    ('replaykit.state', 1, 'audit_replay', {})
    """
    expect(state, ReplayState, "snapshot", "state")
    out: dict[str, Any] = {"format": FORMAT, "version": VERSION}
    for name in STATE_FIELDS:
        out[name] = encode_field(name, getattr(state, name))
    return out


def canonical_bytes(state: ReplayState) -> bytes:
    """The canonical encoding of ``snapshot(state)``: compact JSON, every key sorted."""
    return orjson.dumps(snapshot(state), option=orjson.OPT_SORT_KEYS)


def fingerprint(state: ReplayState) -> str:
    """The SHA-256 (64 hex digits) of the state's canonical bytes; stable everywhere.

    >>> from replaykit import ReplayConfig, ReplayMode, initial_state
    >>> a = fingerprint(initial_state(ReplayConfig(ReplayMode.AUDIT_REPLAY)))
    >>> b = fingerprint(initial_state(ReplayConfig(ReplayMode.RESUME_REPLAY)))
    >>> len(a), a == b
    (64, False)
    """
    return hashlib.sha256(canonical_bytes(state)).hexdigest()


# restore ---------------------------------------------------------------------------------


@final
@attrs.frozen
class RestoreError:
    """Why a value is not a snapshot: where (a JSON Pointer into it) and what."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"snapshot {self.path}: {self.message}" if self.path else f"snapshot: {self.message}"


class _Bad(Exception):
    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.error = RestoreError(path, message)


def _type_name(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list | tuple):
        return "an array"
    if isinstance(value, Mapping):
        return "an object"
    return f"a {type(value).__name__}"


def _object(value: object, path: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _Bad(path, f"expected an object, got {_type_name(value)}")
    for key in value:
        if not isinstance(key, str):
            raise _Bad(path, f"object key {key!r} is not a string")
    return value


def _strings(value: object, path: str) -> list[str]:
    if not isinstance(value, list | tuple):
        raise _Bad(path, f"expected an array of strings, got {_type_name(value)}")
    for index, item in enumerate(value):
        if not isinstance(item, str):
            raise _Bad(f"{path}/{index}", f"expected a string, got {_type_name(item)}")
    if len(set(value)) != len(value):
        raise _Bad(path, "a set is written with each member once")
    return list(value)


def _seq(value: object, path: str, nullable: bool) -> int | None:
    if value is None and nullable:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= _U64_MAX:
        raise _Bad(path, f"expected an unsigned 64-bit integer, got {_type_name(value)}")
    return value


def _string_or_null(value: object, path: str) -> str | None:
    if value is not None and not isinstance(value, str):
        raise _Bad(path, f"expected a string or null, got {_type_name(value)}")
    return value


def _decode(cls: type[Any], value: object, path: str) -> Any:
    result = from_data(cls, value)
    if isinstance(result, Failure):
        raise _Bad(path, str(result.failure()))
    return result.unwrap()


def _config(value: object) -> ReplayConfig:
    data = _exact_keys(
        value, "/config", ("mode", "available_content_refs", "missing_content_policy")
    )
    mode = data["mode"]
    if not isinstance(mode, str) or mode not in _MODES:
        raise _Bad("/config/mode", f"unknown replay mode {mode!r}")
    policy = data["missing_content_policy"]
    if not isinstance(policy, str) or policy not in _POLICIES:
        raise _Bad("/config/missing_content_policy", f"unknown missing-content policy {policy!r}")
    refs = data["available_content_refs"]
    available = None if refs is None else _strings(refs, "/config/available_content_refs")
    return ReplayConfig(ReplayMode(mode), available, MissingContentPolicy(policy))


def _exact_keys(value: object, path: str, names: Iterable[str]) -> Mapping[str, Any]:
    data = _object(value, path)
    expected = list(names)
    for name in expected:
        if name not in data:
            raise _Bad(path, f"missing key {name!r}")
    for key in sorted(data):
        if key not in expected:
            raise _Bad(path, f"unknown key {key!r}")
    return data


def _digest(value: object, path: str) -> bytes | None:
    if value is None:
        return None
    if isinstance(value, str) and len(value) == 32 and value == value.lower():
        try:
            return bytes.fromhex(value)
        except ValueError:
            pass
    raise _Bad(path, "expected null or a digest of 32 lowercase hex digits")


def _text(data: Mapping[str, Any], key: str, path: str, *, nullable: bool = False) -> Any:
    value = data[key]
    if isinstance(value, str) or (nullable and value is None):
        return value
    raise _Bad(f"{path}/{key}", f"expected a string, got {_type_name(value)}")


def _intent_state(value: object, path: str) -> OutputIntentState:
    keys = ("record_id", "journal_seq", "delivery_id", "idempotency_key", "dedupe_key", "sink_ref")
    data = _exact_keys(value, path, keys)
    seq = _seq(data["journal_seq"], f"{path}/journal_seq", nullable=False)
    assert seq is not None
    return OutputIntentState(
        record_id=_text(data, "record_id", path),
        journal_seq=seq,
        delivery_id=_text(data, "delivery_id", path),
        idempotency_key=_text(data, "idempotency_key", path, nullable=True),
        dedupe_key=_text(data, "dedupe_key", path),
        sink_ref=_text(data, "sink_ref", path),
    )


def _result_state(value: object, path: str) -> OutputResultState:
    data = _exact_keys(value, path, ("record_id", "journal_seq", "dispatch_status"))
    seq = _seq(data["journal_seq"], f"{path}/journal_seq", nullable=False)
    assert seq is not None
    status = _decode(OutputDispatchStatus, data["dispatch_status"], f"{path}/dispatch_status")
    return OutputResultState(
        record_id=_text(data, "record_id", path), journal_seq=seq, dispatch_status=status
    )


#: Map fields other than ``seen_records``: entry decoder and the entry's own key.
_ENTRY_DECODERS: Final[
    dict[str, tuple[Callable[[object, str], Any], Callable[[Any], str] | None]]
] = {
    "pending_effects": (
        lambda v, p: _decode(ReplayPendingSideEffect, v, p),
        lambda e: e.effect_id,
    ),
    "output_intents": (_intent_state, lambda e: e.delivery_id),
    "output_results": (_result_state, None),
    "output_dedupes": (
        lambda v, p: _decode(OutputDeliveryDedupeRecord, v, p),
        lambda e: e.dedupe_key,
    ),
    "output_reconciliations": (
        lambda v, p: _decode(OutputDeliveryReconciliationRecord, v, p),
        lambda e: e.delivery_id,
    ),
}


def _seen(value: object) -> SeenRecords:
    data = _object(value, pointer("seen_records"))
    return SeenRecords(
        {key: _digest(item, pointer("seen_records", key)) for key, item in data.items()}
    )


def _map(name: str, value: object) -> immutables.Map[str, Any]:
    data = _object(value, pointer(name))
    decode, own_key = _ENTRY_DECODERS[name]
    out: dict[str, Any] = {}
    for key, item in data.items():
        path = pointer(name, key)
        entry = decode(item, path)
        if own_key is not None and own_key(entry) != key:
            raise _Bad(path, f"the entry's own key is {own_key(entry)!r}, not {key!r}")
        out[key] = entry
    return immutables.Map(out)


def _vector(cls: type[Any], name: str, value: object) -> Any:
    if not isinstance(value, list | tuple):
        raise _Bad(pointer(name), f"expected an array, got {_type_name(value)}")
    return pvector(_decode(cls, item, pointer(name, index)) for index, item in enumerate(value))


def _restore(value: object) -> ReplayState:
    data = _object(value, "")
    if data.get("format") != FORMAT:
        raise _Bad("/format", f"not a replaykit state snapshot (format must be {FORMAT!r})")
    version = data.get("version")
    if type(version) is not int or version != VERSION:
        raise _Bad(
            "/version", f"unsupported snapshot version {version!r} (this replaykit reads {VERSION})"
        )
    _exact_keys(data, "", ("format", "version", *STATE_FIELDS))
    checkpoint = data["latest_checkpoint"]
    return ReplayState(
        config=_config(data["config"]),
        last_journal_seq=_seq(data["last_journal_seq"], "/last_journal_seq", nullable=True),
        seen_records=_seen(data["seen_records"]),
        missing_content_refs=pset(_strings(data["missing_content_refs"], "/missing_content_refs")),
        repair_needed=_vector(ReplayRepairNeeded, "repair_needed", data["repair_needed"]),
        unsafe_pending_side_effects=_vector(
            ReplayPendingSideEffect,
            "unsafe_pending_side_effects",
            data["unsafe_pending_side_effects"],
        ),
        pending_effects=_map("pending_effects", data["pending_effects"]),
        output_intents=_map("output_intents", data["output_intents"]),
        output_results=_map("output_results", data["output_results"]),
        output_dedupes=_map("output_dedupes", data["output_dedupes"]),
        output_reconciliations=_map("output_reconciliations", data["output_reconciliations"]),
        terminal_status=_string_or_null(data["terminal_status"], "/terminal_status"),
        latest_checkpoint=None
        if checkpoint is None
        else _decode(RunCheckpoint, checkpoint, "/latest_checkpoint"),
    )


def restore(value: object) -> Result[ReplayState, RestoreError]:
    """The ``ReplayState`` a snapshot describes, or ``Failure(RestoreError)``; never raises.

    >>> from replaykit import ReplayConfig, ReplayMode, initial_state
    >>> state = initial_state(ReplayConfig(ReplayMode.AUDIT_REPLAY))
    >>> restore(snapshot(state)).unwrap() == state
    True
    >>> print(restore({**snapshot(state), "version": 99}).failure())
    snapshot /version: unsupported snapshot version 99 (this replaykit reads 1)
    """
    try:
        return Success(_restore(value))
    except _Bad as bad:
        return Failure(bad.error)
