"""The report document: everything the HTML page shows of a fold, as JSON data. Pure.

A page cannot hold every state of a long run, so the document holds the state at step 0
and, for each step, the record and the RFC 6902 patch it made (``replaykit.timetravel
.diff``, the same operations ``diff --json`` prints); the page rebuilds any state from
keyframes it computes itself. Beside the fold, it holds what a person reads first: the
verdict exactly as ``replay --json`` prints it, the verdict without rejected records, the
causes (``replaykit.timetravel.explain``), one lane per effect and per output delivery
(from its first record to the one that closes it, or open), and markers for checkpoints,
recovery records, the terminal record, rejected records and advisories (whose list,
``replaykit.timetravel.advisories``, comes beside the verdict, never inside it).

Steps are numbered as ``show`` numbers them: step ``k`` applied the ``k``-th record;
``steps[k - 1]`` describes it. Record JSON is the canonical wire form, carried as
``orjson.Fragment`` (already-encoded bytes), and ``document_chunks`` gives the text step
by step, so a long run never becomes a tree of Python dicts.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Final

import orjson

from replaykit.model import (
    EffectIntent,
    EffectResult,
    JournalRecord,
    OutputDeliveryDedupeRecord,
    OutputDeliveryIntentRecord,
    OutputDeliveryReconciliationRecord,
    OutputDeliveryResultRecord,
    RecoveryMarker,
    ReplayResult,
    RunCheckpoint,
    TerminalResultMarker,
)
from replaykit.replay import ReplayConfig, ReplayFault, ReplayState, finish, initial_state
from replaykit.timetravel.advisories import Advisor
from replaykit.timetravel.describe import change_summary, payload_name
from replaykit.timetravel.diff import diff
from replaykit.timetravel.explain import Explainer
from replaykit.timetravel.snapshot import fault_data, snapshot
from replaykit.wire import to_data, to_json_bytes

__all__ = [
    "FORMAT",
    "VERSION",
    "document_chunks",
    "document_data",
    "result_document",
    "verdict_data",
]

FORMAT: Final = "replaykit.report"
VERSION: Final = 1

#: One step of a lenient fold: the record, the state after it, its fault or ``None``.
FoldStep = tuple[JournalRecord, ReplayState, ReplayFault | None]


def verdict_data(
    result: ReplayResult, fault: tuple[int, ReplayFault] | None, *, unit: str, location: int
) -> dict[str, Any]:
    """What ``replay --json`` prints: the result, or the first rejected record
    (``fault``: its step and fault; ``location``: its line or row, 0 when unknown)."""
    if fault is None:
        data: dict[str, Any] = to_data(result)
        return data
    k, first = fault
    rejected = {"index": k - 1, unit: location, **fault_data(first), "error": to_data(first.error)}
    return {"rejected": rejected}


class _Lanes:
    """One lane per effect and per output delivery, in the order they first appear."""

    def __init__(self) -> None:
        self.lanes: dict[tuple[str, str], dict[str, Any]] = {}

    def touch(self, kind: str, ident: str, k: int) -> dict[str, Any]:
        lane = self.lanes.get((kind, ident))
        if lane is None:
            lane = {"kind": kind, "id": ident, "start": k, "end": None, "status": "open"}
            lane["steps"] = []
            self.lanes[kind, ident] = lane
        if not lane["steps"] or lane["steps"][-1] != k:
            lane["steps"].append(k)
        return lane

    def close(self, kind: str, ident: str, k: int, status: str) -> None:
        lane = self.touch(kind, ident, k)
        lane["end"] = k
        lane["status"] = status

    def see(self, k: int, record: JournalRecord) -> None:
        payload = record.payload
        if isinstance(payload, EffectIntent):
            self.touch("effect", payload.effect_id, k)
        elif isinstance(payload, EffectResult):
            self.close("effect", payload.effect_id, k, str(payload.terminal_status))
        elif isinstance(payload, RecoveryMarker):
            for pending in payload.unsafe_pending:
                self.touch("effect", pending.effect_id, k)
        elif isinstance(payload, RunCheckpoint):
            for pending in payload.pending_side_effects:
                self.touch("effect", pending.effect_id, k)
        elif isinstance(payload, TerminalResultMarker):
            # The run's terminal record closes its effect when one was opened for it.
            if ("effect", payload.effect_id) in self.lanes:
                self.close("effect", payload.effect_id, k, payload.terminal_status)
        elif isinstance(payload, OutputDeliveryIntentRecord):
            self.touch("delivery", payload.delivery_id, k)
        elif isinstance(payload, OutputDeliveryResultRecord):
            self.close("delivery", payload.delivery_id, k, str(payload.dispatch_status))
        elif isinstance(payload, OutputDeliveryDedupeRecord | OutputDeliveryReconciliationRecord):
            self.touch("delivery", payload.delivery_id, k)

    def finish(self, last: ReplayState, result: ReplayResult) -> list[dict[str, Any]]:
        """The lanes, each marked open when the run ends with it pending or in doubt."""
        unsafe = {effect.effect_id for effect in result.unsafe_pending_side_effects}
        repairs = {repair.delivery_id: repair for repair in result.output_delivery_repairs}
        for (kind, ident), lane in self.lanes.items():
            if kind == "effect":
                if ident in unsafe:
                    lane["open"], lane["status"] = True, "unsafe"
                elif ident in last.pending_effects:
                    lane["open"], lane["status"] = True, "pending"
                else:
                    lane["open"] = lane["end"] is None and lane["status"] == "open"
                    if lane["open"]:
                        lane["status"] = "pending"
            else:
                repair = repairs.get(ident)
                lane["open"] = repair is not None
                if repair is not None:
                    lane["status"] = str(repair.replay_decision)
                elif lane["end"] is None:
                    lane["status"] = "intent"
            if lane["open"]:
                lane["end"] = None
        return list(self.lanes.values())


def _marker(k: int, kind: str, label: str) -> dict[str, Any]:
    return {"step": k, "kind": kind, "label": label}


def document_data(chunks: Iterable[bytes]) -> dict[str, Any]:
    """The report document as data, from the pieces ``document_chunks`` gives (the
    whole text is held: for a short run, or to feed a viewer of your own)."""
    document: dict[str, Any] = orjson.loads(b"".join(chunks))
    return document


def document_chunks(
    steps: Iterable[FoldStep],
    config: ReplayConfig,
    *,
    title: str,
    source: str,
    run: str | None = None,
    unit: str = "line",
    locations: Sequence[int] = (),
    start: ReplayState,
    sampling: str | None = None,
    stored_checkpoints: Sequence[RunCheckpoint] | None = None,
) -> Iterator[bytes]:
    """The report document's JSON text, in pieces: a head, one piece per step, a tail.

    Each step is encoded as soon as it is folded, so a caller that compresses the pieces
    as they come (``replaykit.report.page``) holds the compressed text only."""
    head = {
        "format": FORMAT,
        "version": VERSION,
        "title": title,
        "source": source,
        "run": run,
        "unit": unit,
        "mode": config.mode.value,
        "initial": snapshot(start),
    }
    yield orjson.dumps(head)[:-1] + b',"steps":['
    locations_seen: list[int] = []
    markers: list[dict[str, Any]] = []
    lanes = _Lanes()
    advisor = Advisor(config, start=start)
    # explain's causes from the same fold (they are told from the initial state only)
    explainer = Explainer(config) if start == initial_state(config) else None
    first_fault: tuple[int, ReplayFault] | None = None
    previous = start
    for k, (record, state, fault) in enumerate(steps, 1):
        advisor.see(k, record, previous, state, fault)
        if explainer is not None:
            explainer.see(k, record, previous, state, fault)
        patch = diff(previous, state, via=(record,))
        row: dict[str, Any] = {
            "location": locations[k - 1] if k <= len(locations) else k,
            "seq": record.journal_seq,
            "id": record.record_id,
            "kind": str(record.record_kind),
            "payload": payload_name(record),
            "accepted": fault is None,
            "error": None,
            "record": orjson.Fragment(to_json_bytes(record).rstrip(b"\n")),
            "patch": patch,
            "summary": change_summary(patch),
        }
        if fault is not None:
            row["error"] = {"kind": str(fault.kind), "retry": str(fault.retry)}
            row["error"]["message"] = fault.message
            if first_fault is None:
                first_fault = (k, fault)
            markers.append(_marker(k, "rejected", f"{fault.kind}: {fault.message}"))
        else:
            lanes.see(k, record)
            payload = record.payload
            if isinstance(payload, RunCheckpoint):
                markers.append(_marker(k, "checkpoint", f"checkpoint {payload.checkpoint_id}"))
            elif isinstance(payload, RecoveryMarker):
                markers.append(_marker(k, "recovery", f"recovery: {payload.recovery_reason}"))
            if state.terminal_status is not None and previous.terminal_status is None:
                markers.append(_marker(k, "terminal", f"terminal {state.terminal_status}"))
        locations_seen.append(row["location"])
        yield (b"," if k > 1 else b"") + orjson.dumps(row)
        previous = state
    lenient = finish(previous)
    location = 0
    if first_fault is not None:
        location = locations_seen[first_fault[0] - 1]
    explained = None if explainer is None else explainer.explanation()
    advisories = advisor.advisories(stored_checkpoints=stored_checkpoints)
    for advisory in advisories:
        if advisory.steps:
            label = f"{advisory.severity}: {advisory.code}"
            markers.append(
                {
                    **_marker(advisory.steps[0], "advisory", label),
                    "severity": str(advisory.severity),
                }
            )
    markers.sort(key=lambda marker: marker["step"])
    tail = {
        "verdict": verdict_data(lenient, first_fault, unit=unit, location=location),
        "lenient": to_data(lenient),
        "causes": [] if explained is None else [cause.to_data() for cause in explained.causes],
        "lanes": lanes.finish(previous, lenient),
        "markers": markers,
        "advisories": [advisory.to_data() for advisory in advisories],
        "sampling": None if sampling is None else {"note": sampling},
    }
    yield b"]," + orjson.dumps(tail)[1:]


def result_document(result: ReplayResult, *, title: str, note: str) -> dict[str, Any]:
    """The document of a verdict alone (no steps), with ``note`` as its banner."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "title": title,
        "source": title,
        "run": None,
        "unit": "line",
        "mode": result.mode.value,
        "verdict": to_data(result),
        "lenient": to_data(result),
        "causes": [],
        "initial": snapshot(initial_state(ReplayConfig(result.mode))),
        "steps": [],
        "lanes": [],
        "markers": [],
        "advisories": [],
        "sampling": {"note": note},
    }
