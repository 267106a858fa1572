"""replaykit: replay durable agent-run journals exactly as the reference reducer does.

>>> from replaykit import ReplayConfig, ReplayMode, replay
>>> replay([], ReplayConfig(ReplayMode.RESUME_REPLAY)).unwrap().status.value
'complete'
"""

from typing import TYPE_CHECKING, Any

from replaykit.model import (
    AgentError,
    AgentScope,
    AllScope,
    Classified,
    ContractViolation,
    CursorCompatibility,
    DurableReplaySupport,
    EventCursor,
    EventStreamScope,
    FilterScope,
    JournalRecord,
    MissingContentPolicy,
    ReplayMode,
    ReplayPendingSideEffect,
    ReplayRepairKind,
    ReplayRepairNeeded,
    ReplayResult,
    ReplayStatus,
    RunCheckpoint,
    RunScope,
)
from replaykit.replay import (
    LintReport,
    ReplayConfig,
    ReplayFault,
    ReplayState,
    check_cursor_compatibility,
    durable_replay_support,
    finish,
    initial_state,
    journal_cursor_for_seq,
    lint,
    replay,
    step,
)
from replaykit.timetravel import Timeline, diff, fingerprint, restore, snapshot
from replaykit.wire import DecodeError, from_data, from_json, to_data, to_json

if TYPE_CHECKING:
    from replaykit.shell.load import load


def __getattr__(name: str) -> Any:
    # ``load`` reads files: it lives in the shell, imported on first use so that
    # importing the core never pulls in the shell's I/O modules.
    if name == "load":
        from replaykit.shell.load import load

        return load
    raise AttributeError(f"module 'replaykit' has no attribute {name!r}")


__version__ = "0.1.0"

__all__ = [
    "AgentError",
    "AgentScope",
    "AllScope",
    "Classified",
    "ContractViolation",
    "CursorCompatibility",
    "DecodeError",
    "DurableReplaySupport",
    "EventCursor",
    "EventStreamScope",
    "FilterScope",
    "JournalRecord",
    "LintReport",
    "MissingContentPolicy",
    "ReplayConfig",
    "ReplayFault",
    "ReplayMode",
    "ReplayPendingSideEffect",
    "ReplayRepairKind",
    "ReplayRepairNeeded",
    "ReplayResult",
    "ReplayState",
    "ReplayStatus",
    "RunCheckpoint",
    "RunScope",
    "Timeline",
    "check_cursor_compatibility",
    "diff",
    "durable_replay_support",
    "fingerprint",
    "finish",
    "from_data",
    "from_json",
    "initial_state",
    "journal_cursor_for_seq",
    "lint",
    "load",
    "replay",
    "restore",
    "snapshot",
    "step",
    "to_data",
    "to_json",
]
