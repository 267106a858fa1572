"""Words for the steps of a fold: a record's payload tag, a one-line account of a patch.

Shared by the terminal views (``history``, ``debug``) and the HTML report. Pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from replaykit.model import JournalRecord, OtherPayload
from replaykit.timetravel.diff import Operation
from replaykit.timetravel.pointer import parse_pointer

__all__ = ["change_summary", "payload_name"]

_SUMMARY_ITEMS: Final = 6
_MAP_LABELS: Final = {
    "pending_effects": "pending",
    "output_intents": "intent",
    "output_results": "result",
    "output_dedupes": "dedupe",
    "output_reconciliations": "reconciliation",
}
_QUIET_FIELDS: Final = frozenset({"seen_records", "last_journal_seq", "config"})


def payload_name(record: JournalRecord) -> str:
    """The payload's wire tag (``output_delivery/intent`` for output-delivery records)."""
    payload = record.payload
    if isinstance(payload, OtherPayload):
        return payload.type
    kind: str = getattr(payload, "RECORD_TYPE", "")
    name: str = getattr(payload, "PAYLOAD_TYPE", type(payload).__name__)
    return f"{name}/{kind}" if kind else name


def change_summary(ops: Sequence[Operation]) -> str:
    """A short account of a step's patch (the bookkeeping of seen ids and seqs left out).

    >>> change_summary([{"op": "add", "path": "/pending_effects/e.1", "value": {}},
    ...                 {"op": "replace", "path": "/terminal_status", "value": "failed"}])
    '+pending e.1, terminal failed'
    """
    items: list[str] = []
    for op in ops:
        tokens = parse_pointer(op["path"])
        field = tokens[0] if tokens else ""
        value: Any = op.get("value")
        if field in _QUIET_FIELDS:
            continue
        if field in _MAP_LABELS and len(tokens) >= 2:
            sign = {"add": "+", "remove": "-"}.get(op["op"], "~") if len(tokens) == 2 else "~"
            item = f"{sign}{_MAP_LABELS[field]} {tokens[1]}"
        elif field == "repair_needed" and op["op"] == "add" and isinstance(value, dict):
            item = f"+repair {value.get('kind')}"
        elif field == "unsafe_pending_side_effects" and op["op"] == "add":
            item = f"+unsafe {value.get('effect_id') if isinstance(value, dict) else value}"
        elif field == "missing_content_refs" and op["op"] == "add":
            item = f"+missing {value}"
        elif field == "terminal_status":
            item = f"terminal {value}"
        elif field == "latest_checkpoint":
            if len(tokens) == 1:
                item = f"checkpoint {_checkpoint(value)}"
            elif tokens[1:] == ["checkpoint_id"]:
                item = f"checkpoint {value}"
            else:
                continue  # the other fields of the new checkpoint
        else:
            item = f"{op['op']} {op['path']}"
        if item not in items:
            items.append(item)
    if len(items) > _SUMMARY_ITEMS:
        items = [*items[:_SUMMARY_ITEMS], f"... {len(items) - _SUMMARY_ITEMS} more"]
    return ", ".join(items)


def _checkpoint(value: Any) -> str:
    return str(value.get("checkpoint_id")) if isinstance(value, dict) else "none"
