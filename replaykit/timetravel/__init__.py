"""Pure time travel over a fold: the timeline of every state, snapshots, diffs, queries.

>>> from replaykit import ReplayConfig, ReplayMode
>>> timeline = Timeline([], ReplayConfig(ReplayMode.RESUME_REPLAY))
>>> restore(snapshot(timeline[0])).unwrap() == timeline[0]
True
>>> diff(timeline[0], timeline[-1])
[]
"""

from replaykit.timetravel.changes import Touched, touched
from replaykit.timetravel.diff import Operation, diff
from replaykit.timetravel.explain import Cause, Entity, Explanation, explain
from replaykit.timetravel.pointer import escape, parse_pointer, pointer
from replaykit.timetravel.queries import mentions
from replaykit.timetravel.snapshot import (
    FORMAT,
    VERSION,
    RestoreError,
    canonical_bytes,
    fingerprint,
    restore,
    snapshot,
)
from replaykit.timetravel.timeline import Step, Timeline
from replaykit.timetravel.whatif import (
    Append,
    Deliver,
    Drop,
    EditError,
    InsertAfter,
    Resolve,
    WhatIf,
    branch,
    whatif,
)

__all__ = [
    "FORMAT",
    "VERSION",
    "Append",
    "Cause",
    "Deliver",
    "Drop",
    "EditError",
    "Entity",
    "Explanation",
    "InsertAfter",
    "Operation",
    "Resolve",
    "RestoreError",
    "Step",
    "Timeline",
    "Touched",
    "WhatIf",
    "branch",
    "canonical_bytes",
    "diff",
    "escape",
    "explain",
    "fingerprint",
    "mentions",
    "parse_pointer",
    "pointer",
    "restore",
    "snapshot",
    "touched",
    "whatif",
]
