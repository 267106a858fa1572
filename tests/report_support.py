"""Helpers for the report tests: the journals they show, the page's data, the CLI's truth."""

from __future__ import annotations

import base64
import gzip
import re
from pathlib import Path
from typing import Any, Final

import orjson
from cli_support import DATA, run_cli

__all__ = [
    "JOURNALS",
    "hostile_journal",
    "page_document",
    "replay_json",
    "show_json",
]

#: The bundled examples and the reference runtime's own journals.
JOURNALS: Final = (
    "example:crash-recovery",
    "example:output-delivery-mixed",
    "example:tool-run-completed",
    *(str(path) for path in sorted((DATA / "runtime").glob("*.jsonl")) if path.stem != "expected"),
)

_DATA: Final = re.compile(
    rb'<script id="replaykit-data" type="application/octet-stream"'
    rb' data-encoding="gzip\+base64">([A-Za-z0-9+/=]*)</script>'
)

#: Text that would run or break out if it reached the page as HTML.
HOSTILE: Final = (
    "</script><script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=1">',
    "\"'`\u0001\u001b[31m\u202eevil\u2066",
)


def page_document(page: bytes | str) -> dict[str, Any]:
    """The report document a page carries (gzip in base64, inside its data element)."""
    raw = page.encode() if isinstance(page, str) else page
    (match,) = _DATA.findall(raw)
    document: dict[str, Any] = orjson.loads(gzip.decompress(base64.b64decode(match)))
    return document


def replay_json(journal: str) -> Any:
    """What ``replaykit replay JOURNAL --json`` prints, as data."""
    return orjson.loads(run_cli("replay", journal, "--json").out)


def show_json(journal: str, step: int) -> Any:
    """What ``replaykit show JOURNAL --at STEP --json`` prints, as data."""
    done = run_cli("show", journal, "--at", str(step), "--json")
    assert done.code == 0, done.err
    return orjson.loads(done.out)


def hostile_journal(path: Path) -> Path:
    """A journal whose ids, reasons and summaries hold ``HOSTILE`` text, one record of
    which is rejected (a result for an effect that has a result already)."""
    lines = (DATA / "crash-recovery.jsonl").read_bytes().splitlines()
    records = [orjson.loads(line) for line in lines]
    for number, record in enumerate(records):
        text = HOSTILE[number % len(HOSTILE)]
        record["record_id"] = f"{text}.{number}"
        payload = record["payload"]
        if "effect_id" in payload:
            payload["effect_id"] = f"{payload['effect_id']}{HOSTILE[0]}"
        if "redacted_summary" in payload:
            payload["redacted_summary"] = text
        for pending in [
            *payload.get("unsafe_pending", ()),
            *payload.get("pending_side_effects", ()),
        ]:
            pending["effect_id"] = f"{pending['effect_id']}{HOSTILE[0]}"
            pending["unsafe_pending_reason"] = HOSTILE[1]
        if "recovery_reason" in payload:
            payload["recovery_reason"] = HOSTILE[2]
    duplicate = dict(records[5])
    duplicate["record_id"] = HOSTILE[1] + ".again"
    duplicate["journal_seq"] = records[-1]["journal_seq"] + 1
    records.append(duplicate)
    path.write_bytes(b"".join(orjson.dumps(record) + b"\n" for record in records))
    return path
