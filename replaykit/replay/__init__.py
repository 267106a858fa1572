"""The pure replay reducer: configuration, state, ``step``, ``finish`` and the folds."""

from replaykit.replay.config import ReplayConfig
from replaykit.replay.cursor import (
    check_cursor_compatibility,
    durable_replay_support,
    journal_cursor_for_seq,
)
from replaykit.replay.finish import finish
from replaykit.replay.fold import (
    LintReport,
    ReplayFault,
    fold_steps,
    lint,
    pause_gc,
    replay,
    step,
)
from replaykit.replay.seen import SeenRecords
from replaykit.replay.state import OutputIntentState, ReplayState, initial_state

__all__ = [
    "LintReport",
    "OutputIntentState",
    "ReplayConfig",
    "ReplayFault",
    "ReplayState",
    "SeenRecords",
    "check_cursor_compatibility",
    "durable_replay_support",
    "finish",
    "fold_steps",
    "initial_state",
    "journal_cursor_for_seq",
    "lint",
    "pause_gc",
    "replay",
    "step",
]
