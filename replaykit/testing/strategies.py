"""Hypothesis strategies: valid journals by scenario, random records, replay configs.

Everything is drawn from small pools of readable ids (``effect.1``, ``content.2``), and a
journal is a list of scenario blocks renumbered by ``JournalBuilder``, so a failing
example shrinks to few blocks, low numbers and the first names of each pool.
``adversarial_journals`` and ``adversarial_lines`` (journals and JSON lines that are
meant to be rejected) live in ``replaykit.testing._adversarial`` and are re-exported.

>>> from hypothesis import given, settings
>>> from replaykit import ReplayConfig, ReplayMode, lint
>>> @settings(max_examples=20, deadline=None)
... @given(journals())
... def test_valid_journals_have_no_faults(records):
...     assert lint(records, ReplayConfig(ReplayMode.AUDIT_REPLAY)).ok
>>> test_valid_journals_have_no_faults()
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Final

import attrs
from hypothesis import strategies as st

from replaykit.model import (
    EffectIntent,
    EffectKind,
    EffectTerminalStatus,
    JournalRecord,
    MissingContentPolicy,
    OutputDispatchStatus,
    PendingSideEffect,
    RecoveryMarker,
    ReplayMode,
    RunCheckpoint,
    TurnLifecycleStatus,
)
from replaykit.replay import ReplayConfig
from replaykit.testing import builders as b
from replaykit.testing._adversarial import (
    ADVERSARIAL_KINDS,
    LINE_BREAKAGES,
    adversarial_journals,
    adversarial_lines,
)
from replaykit.testing._payloads import ignored_payload_data, ignored_payloads

__all__ = [
    "ADVERSARIAL_KINDS",
    "CONTENT_REFS",
    "LINE_BREAKAGES",
    "SCENARIOS",
    "TERMINAL_STATUSES",
    "adversarial_journals",
    "adversarial_lines",
    "content_refs",
    "ignored_payload_data",
    "ignored_payloads",
    "journals",
    "records",
    "replay_cases",
    "replay_configs",
]

#: The content refs every strategy draws from (missing ones come from the config).
CONTENT_REFS: Final = tuple(f"content.{n}" for n in range(1, 5))

#: Scenario blocks ``journals`` is made of.
SCENARIOS: Final = (
    "tool_run",  # an effect intent and its result
    "tool_run_open",  # an effect intent without a result
    "crash",  # open intents, maybe a checkpoint, then a recovery marker listing them
    "output_completed",  # output intent + result
    "output_deduped",  # output intent + dedupe proof
    "output_reconciled",  # output intent + reconciliation record
    "output_unresolved",  # output intent alone (maybe an event)
    "checkpoint",
    "message",  # payloads the reducer ignores
)

TERMINAL_STATUSES: Final = ("completed", "failed", "cancelled")
_Block = list[JournalRecord]
_COVERS_NOTHING: Final = ".covers.nothing"


def content_refs(max_size: int = 2) -> st.SearchStrategy[tuple[str, ...]]:
    """Short tuples of content refs from ``CONTENT_REFS`` (often empty).

    >>> from hypothesis import find
    >>> find(content_refs(), lambda refs: len(refs) == 2)
    ('content.1', 'content.2')
    """
    return st.lists(st.sampled_from(CONTENT_REFS), max_size=max_size, unique=True).map(tuple)


def _keys(draw: st.DrawFn, name: str) -> tuple[str | None, str | None]:
    """An (idempotency_key, dedupe_key) pair: none, either or both."""
    which = draw(st.sampled_from(("none", "idempotency", "dedupe", "both")))
    idem = f"idem.{name}" if which in ("idempotency", "both") else None
    dedupe = f"dedupe.{name}" if which in ("dedupe", "both") else None
    return idem, dedupe


def _intent(draw: st.DrawFn, effect_id: str, content: bool) -> JournalRecord:
    idem, dedupe = _keys(draw, effect_id)
    refs = draw(content_refs()) if content else ()
    kind = draw(st.sampled_from((EffectKind.TOOL_EXECUTION, EffectKind.FILE_WRITE)))
    return b.effect_intent(
        effect_id, kind=kind, idempotency_key=idem, dedupe_key=dedupe, content_refs=refs
    )


def _block(draw: st.DrawFn, scenario: str, n: int, content: bool) -> _Block:
    """The records of one scenario block; ``n`` makes its ids unique in the journal."""
    effect_id, delivery_id = f"effect.{n}", f"output.delivery.{n}"
    refs = draw(content_refs()) if content else ()
    if scenario == "tool_run":
        status = draw(st.sampled_from(EffectTerminalStatus))
        result = b.effect_result(effect_id, status=status, content_refs=refs)
        return [_intent(draw, effect_id, content), result]
    if scenario == "tool_run_open":
        return [_intent(draw, effect_id, content)]
    if scenario == "crash":
        count = draw(st.integers(1, 3))
        intents = [_intent(draw, f"effect.{n}.{i}", content) for i in range(1, count + 1)]
        # Entries name the intents' ids once ``journals`` has numbered them.
        listed = draw(st.lists(st.sampled_from(intents), min_size=1, unique=True))
        block: _Block = list(intents)
        if draw(st.booleans()):
            block.append(b.checkpoint(f"checkpoint.{n}", pending=listed, manifest=refs))
        return [*block, b.recovery(pending=listed)]
    if scenario.startswith("output_"):
        idem = draw(st.sampled_from((None, f"idem.{delivery_id}")))
        intent = b.output_intent(delivery_id, idempotency_key=idem, content_refs=refs)
        if scenario == "output_completed":
            status = draw(st.sampled_from(OutputDispatchStatus))
            return [intent, b.output_result(delivery_id, status=status)]
        if scenario == "output_deduped":
            return [intent, b.output_dedupe(delivery_id)]
        if scenario == "output_reconciled":
            return [intent, b.output_reconciliation(delivery_id)]
        return [intent, b.output_event(delivery_id)] if draw(st.booleans()) else [intent]
    if scenario == "checkpoint":
        # Few checkpoint seqs, and ``journals`` makes some cover nothing: ties happen.
        checkpoint_id = f"checkpoint.{n}"
        if draw(st.booleans()):
            checkpoint_id += _COVERS_NOTHING
        ckpt = b.checkpoint(
            checkpoint_id,
            checkpoint_seq=draw(st.integers(1, 2)),
            loop_state=draw(st.sampled_from(("awaiting_input", "awaiting_tool_result"))),
            manifest=refs,
        )
        return [ckpt]
    turn = b.turn_lifecycle(draw(st.sampled_from(TurnLifecycleStatus)))
    return [draw(st.sampled_from((b.message(f"message.{n}", content_refs=refs), turn)))]


def _fix_references(records: Sequence[JournalRecord]) -> list[JournalRecord]:
    """Point recovery and checkpoint entries at the intents' final record ids (and let
    the checkpoints marked so cover nothing)."""
    ids = {r.payload.effect_id: r.record_id for r in records if isinstance(r.payload, EffectIntent)}
    fixed = []
    for record in records:
        payload = record.payload
        if isinstance(payload, RecoveryMarker):
            entries = tuple(_repoint(e, ids) for e in payload.unsafe_pending)
            record = attrs.evolve(record, payload=attrs.evolve(payload, unsafe_pending=entries))
        elif isinstance(payload, RunCheckpoint):
            entries = tuple(_repoint(e, ids) for e in payload.pending_side_effects)
            covers = 0 if payload.checkpoint_id.endswith(_COVERS_NOTHING) else None
            new = attrs.evolve(
                payload,
                pending_side_effects=entries,
                covers_journal_seq=payload.covers_journal_seq if covers is None else covers,
            )
            record = attrs.evolve(record, payload=new)
        fixed.append(record)
    return fixed


def _repoint(entry: PendingSideEffect, ids: dict[str, str]) -> PendingSideEffect:
    return attrs.evolve(entry, intent_record_id=ids.get(entry.effect_id, entry.intent_record_id))


@st.composite
def journals(
    draw: st.DrawFn,
    scenarios: Collection[str] = SCENARIOS,
    *,
    min_blocks: int = 0,
    max_blocks: int = 8,
    terminal: bool | None = None,
    content: bool = True,
    gaps: bool = False,
) -> list[JournalRecord]:
    """A journal the reducer accepts record by record: scenario blocks, then maybe a seal.

    ``terminal`` True always ends the run (run lifecycle or terminal marker, then maybe a
    checkpoint or recovery, which a sealed run still accepts), False never, None either.
    ``gaps`` lets seqs jump (1, 3, 4, 7): the reducer allows that. ``content`` gives
    records content refs, which a config without them turns into missing content.

    >>> from hypothesis import find
    >>> records = find(journals(["crash"], terminal=True), lambda records: len(records) > 1)
    >>> [(r.journal_seq, r.record_kind.value) for r in records]
    [(1, 'effect_intent'), (2, 'recovery'), (3, 'run')]
    """
    unknown = set(scenarios) - set(SCENARIOS)
    if unknown:
        raise ValueError(f"unknown scenarios: {sorted(unknown)}")
    pool = [s for s in SCENARIOS if s in scenarios]
    kinds = draw(st.lists(st.sampled_from(pool), min_size=min_blocks, max_size=max_blocks))
    blocks = [_block(draw, kind, n, content) for n, kind in enumerate(kinds, 1)]
    flat = [record for block in blocks for record in block]
    if terminal if terminal is not None else draw(st.booleans()):
        flat.append(_seal(draw, flat))
        flat.extend(draw(st.lists(st.sampled_from(_AFTER_SEAL), max_size=2)))
    builder = b.JournalBuilder()
    for record in flat:
        builder.append(record)
        if gaps:
            builder.skip(draw(st.integers(0, 3)))
    return _fix_references(builder.records)


_AFTER_SEAL: Final = (
    b.checkpoint("checkpoint.after.terminal", loop_state="terminal"),
    b.recovery(reason="recovered after terminal"),
)


def _seal(draw: st.DrawFn, before: Sequence[JournalRecord]) -> JournalRecord:
    status = draw(st.sampled_from(TERMINAL_STATUSES))
    if draw(st.booleans()):
        return b.run_lifecycle(status)
    open_effects = [r.payload.effect_id for r in before if isinstance(r.payload, EffectIntent)]
    effect = draw(st.sampled_from([None, *open_effects]))
    return b.terminal_result(status, effect_id=effect)


def _random_record(draw: st.DrawFn) -> JournalRecord:
    n = draw(st.integers(1, 5))
    scenario = draw(st.sampled_from((*SCENARIOS, "terminal")))
    if scenario == "terminal":
        return _seal(draw, [])
    return draw(st.sampled_from(_block(draw, scenario, n, True)))


@st.composite
def records(draw: st.DrawFn, *, max_seq: int = 20) -> JournalRecord:
    """One valid record of any payload kind with random ids, keys, refs and seq.

    >>> from hypothesis import find
    >>> record = find(records(), lambda r: r.record_kind.value == "recovery")
    >>> (record.journal_seq, record.payload.unsafe_pending[0].effect_id)
    (1, 'effect.1.1')
    """
    record = _random_record(draw)
    seq = draw(st.integers(1, max_seq))
    return b.JournalBuilder(start_seq=seq).append(record)


@st.composite
def replay_configs(
    draw: st.DrawFn, refs: Sequence[str] = CONTENT_REFS, *, check_content: bool | None = None
) -> ReplayConfig:
    """A replay config: any mode and policy; content unchecked, or available as a subset.

    >>> from hypothesis import find
    >>> find(replay_configs(), lambda c: c.available_content_refs is not None).mode.value
    'audit_replay'
    """
    mode = draw(st.sampled_from(ReplayMode))
    policy = draw(st.sampled_from(MissingContentPolicy))
    checked = draw(st.booleans()) if check_content is None else check_content
    available = draw(st.lists(st.sampled_from(list(refs)), unique=True)) if checked else None
    if checked and not refs:
        available = []
    return ReplayConfig(mode, available, policy)


def replay_cases(
    journal_strategy: st.SearchStrategy[list[JournalRecord]] | None = None,
) -> st.SearchStrategy[tuple[list[JournalRecord], ReplayConfig]]:
    """Pairs of a journal and a config (by default a valid journal, any config).

    >>> from hypothesis import find
    >>> records, config = find(replay_cases(), lambda case: len(case[0]) == 1)
    >>> (records[0].record_kind.value, config.mode.value)
    ('run', 'audit_replay')
    """
    return st.tuples(journal_strategy or journals(), replay_configs())
