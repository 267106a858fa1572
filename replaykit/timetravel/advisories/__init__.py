"""Advisories: what the reference verdict does not tell you about a real run. Pure.

The reference reducer is the contract, and replaykit gives its verdict exactly. But a
verdict can mislead an operator who must decide whether to resume a real run:

- ``terminal-trailer``: the runtime writes a ``turn_lifecycle`` record after the run's
  terminal record when a turn ends, and the reference rejects anything after a terminal
  record, so every complete run of the runtime looks rejected;
- ``tool-call-open`` / ``approval-open``: tool calls and approval requests live in
  ``tool`` and ``approval`` payloads, which the reducer ignores: a crash right after a
  tool started can be judged complete;
- ``duplicate-record-id``: two records under one record id (the runtime's isolation
  layer reuses one); the reference rejects the second and stops;
- ``seq-gap``: missing journal seqs (a failed append skips its seq); the reference
  allows gaps;
- ``content-missing``: a content ref the journal names is not available (only when the
  replay checks content);
- ``checkpoint-mismatch``: with a store, a stored checkpoint that covers seqs the journal
  does not have, or a checkpoint the journal records that the store lacks.

Each ``Advisory`` has a stable ``code``, a ``severity`` (``info``, ``warning``,
``danger``), the steps and entity it concerns (steps as ``show`` numbers them), one
sentence of what it means and one of what to do. Advisories never change the verdict:
they are shown after it, and in JSON only when asked for.

``Advisor`` watches a lenient fold that someone else runs (so ``replay`` and ``explain``
fold once); ``advise`` runs the fold itself. The values are in ``advisory``, the
watching in ``advisor``, the rules for tool calls and approvals in ``calls``.

>>> from replaykit import ReplayConfig, ReplayMode
>>> from replaykit.testing import builders as b
>>> records = [b.message("m.1", journal_seq=1), b.message("m.2", journal_seq=4)]
>>> [(a.code, a.severity.value, a.steps) for a in advise(records, ReplayConfig("audit_replay"))]
[('seq-gap', 'warning', (1, 2))]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from replaykit.model import JournalRecord, RunCheckpoint
from replaykit.replay import ReplayConfig, fold_steps, pause_gc
from replaykit.timetravel.advisories.advisor import Advisor
from replaykit.timetravel.advisories.advisory import (
    CODES,
    MAX_PER_CODE,
    Advisory,
    Severity,
    at_least,
)

__all__ = [
    "CODES",
    "MAX_PER_CODE",
    "Advisor",
    "Advisory",
    "Severity",
    "advise",
    "at_least",
]


def advise(
    records: Iterable[JournalRecord],
    config: ReplayConfig,
    *,
    stored_checkpoints: Sequence[RunCheckpoint] | None = None,
) -> tuple[Advisory, ...]:
    """The advisories of ``records`` folded (leniently) under ``config``."""
    advisor = Advisor(config)
    before = advisor.start
    with pause_gc():
        for number, (record, after, fault) in enumerate(fold_steps(before, records), 1):
            advisor.see(number, record, before, after, fault)
            before = after
    return advisor.advisories(stored_checkpoints=stored_checkpoints)
