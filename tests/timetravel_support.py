"""Shared by the time-travel tests: random journals (valid, adversarial, with ids that
need JSON Pointer escaping) and a plain reference fold to compare timelines against."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs
from hypothesis import strategies as st
from returns.result import Failure, Success

from replaykit import JournalRecord, ReplayConfig, ReplayState, from_json, initial_state, step
from replaykit.testing.strategies import adversarial_journals, journals, replay_configs

__all__ = ["cases", "example_journals", "hostile", "reference_states"]

_EXAMPLES = Path(__file__).parent / "data"


def example_journals() -> dict[str, list[JournalRecord]]:
    """The reference runtime's example journals, decoded."""
    out = {}
    for path in sorted(_EXAMPLES.glob("*.jsonl")):
        if path.name.startswith("upstream"):
            continue
        lines = path.read_bytes().splitlines()
        out[path.stem] = [from_json(JournalRecord, line).unwrap() for line in lines if line]
    return out


def _awkward(value: str) -> str:
    """An id with a ``/`` and a ``~0`` in it (JSON Pointer must escape both)."""
    return value.replace(".", "/", 1) + "~0"


def hostile(record: JournalRecord) -> JournalRecord:
    """``record`` with its record id and payload effect / delivery id made awkward."""
    payload = record.payload
    changes: dict[str, Any] = {
        name: _awkward(getattr(payload, name))
        for name in ("effect_id", "delivery_id")
        if isinstance(getattr(payload, name, None), str)
    }
    if changes:
        payload = attrs.evolve(payload, **changes)
    return attrs.evolve(record, record_id=_awkward(record.record_id), payload=payload)


@st.composite
def cases(draw: st.DrawFn, max_blocks: int = 6) -> tuple[list[JournalRecord], ReplayConfig]:
    """A journal (valid or broken, maybe with awkward ids) and a config."""
    records = draw(
        st.one_of(
            journals(max_blocks=max_blocks, gaps=True),
            adversarial_journals(max_mutations=3),
        )
    )
    if draw(st.booleans()):
        records = [hostile(record) for record in records]
    return records, draw(replay_configs())


def reference_states(records: list[JournalRecord], config: ReplayConfig) -> list[ReplayState]:
    """State after each prefix of ``records``, folding leniently with ``replaykit.step``."""
    state = initial_state(config)
    states = [state]
    for record in records:
        match step(state, record):
            case Success(accepted):
                state = accepted
            case Failure(fault):
                state = fault.state
        states.append(state)
    return states
