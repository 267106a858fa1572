"""Helpers for the reducer tests: strict folds that check every step, faults, journals."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

from returns.result import Failure, Success

from replaykit import (
    JournalRecord,
    ReplayConfig,
    ReplayFault,
    ReplayMode,
    ReplayState,
    from_json,
    initial_state,
    step,
)

__all__ = ["AUDIT", "accept", "fault_of", "fold", "read_journal"]

AUDIT: Final = ReplayConfig(ReplayMode.AUDIT_REPLAY)


def accept(state: ReplayState, record: JournalRecord) -> ReplayState:
    """The state after ``record``, checked to be accepted."""
    outcome = step(state, record)
    assert isinstance(outcome, Success), outcome
    new: ReplayState = outcome.unwrap()
    return new


def fold(records: list[JournalRecord], config: ReplayConfig = AUDIT) -> ReplayState:
    """The state after stepping through ``records``, each checked to be accepted."""
    state = initial_state(config)
    for record in records:
        state = accept(state, record)
    return state


def fault_of(state: ReplayState, record: JournalRecord) -> ReplayFault:
    """The fault ``record`` gives in ``state``, checked to be a rejection."""
    outcome = step(state, record)
    assert isinstance(outcome, Failure), outcome
    fault: ReplayFault = outcome.failure()
    return fault


def read_journal(path: str | os.PathLike[str]) -> list[JournalRecord]:
    """The records of a JSONL journal file (blank lines skipped), each decoded."""
    lines = Path(path).read_bytes().splitlines()
    return [from_json(JournalRecord, line).unwrap() for line in lines if line.strip()]
