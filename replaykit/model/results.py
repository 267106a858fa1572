"""What a replay produces: ``ReplayResult`` and its parts (WIRE.md section 9)."""

from __future__ import annotations

from typing import final

import attrs

from replaykit.model._wirespec import BOOL, ID, LIST, OPTIONAL, STR, U64, w
from replaykit.model.effects import RunCheckpoint
from replaykit.model.enums import (
    ReplayMode,
    ReplayRepairKind,
    ReplayStatus,
    RetryClassification,
)
from replaykit.model.output_delivery import OutputDeliveryReconciliationRecord

__all__ = ["ReplayPendingSideEffect", "ReplayRepairNeeded", "ReplayResult"]


@final
@attrs.frozen(kw_only=True, weakref_slot=False)
class ReplayPendingSideEffect:
    """A side effect that may or may not have happened before the crash."""

    effect_id: str = attrs.field(metadata=w(ID))
    intent_record_id: str = attrs.field(metadata=w(STR))
    idempotency_key: str | None = attrs.field(default=None, metadata=w(ID, OPTIONAL))
    dedupe_key: str | None = attrs.field(default=None, metadata=w(ID, OPTIONAL))
    unsafe_pending_reason: str = attrs.field(metadata=w(STR))
    retry_allowed: bool = attrs.field(metadata=w(BOOL))


@final
@attrs.frozen(kw_only=True, weakref_slot=False)
class ReplayRepairNeeded:
    """One thing a person or the host must repair before the run may resume."""

    kind: ReplayRepairKind = attrs.field(metadata=w(ReplayRepairKind))
    record_id: str = attrs.field(metadata=w(STR))
    journal_seq: int = attrs.field(metadata=w(U64))
    reason: str = attrs.field(metadata=w(STR))
    retry: RetryClassification = attrs.field(metadata=w(RetryClassification))


@final
@attrs.frozen(kw_only=True, weakref_slot=False)
class ReplayResult:
    """The verdict of a replay: may the run resume, and what needs repair."""

    mode: ReplayMode = attrs.field(metadata=w(ReplayMode))
    status: ReplayStatus = attrs.field(metadata=w(ReplayStatus))
    resume_allowed: bool = attrs.field(metadata=w(BOOL))
    latest_journal_seq: int = attrs.field(metadata=w(U64))
    terminal_status: str | None = attrs.field(default=None, metadata=w(STR, OPTIONAL))
    next_loop_state: str | None = attrs.field(default=None, metadata=w(STR, OPTIONAL))
    unsafe_pending_side_effects: tuple[ReplayPendingSideEffect, ...] = attrs.field(
        default=(), metadata=w(ReplayPendingSideEffect, LIST)
    )
    missing_content_refs: tuple[str, ...] = attrs.field(default=(), metadata=w(ID, LIST))
    repair_needed: tuple[ReplayRepairNeeded, ...] = attrs.field(
        default=(), metadata=w(ReplayRepairNeeded, LIST)
    )
    output_delivery_repairs: tuple[OutputDeliveryReconciliationRecord, ...] = attrs.field(
        default=(), metadata=w(OutputDeliveryReconciliationRecord, LIST)
    )
    latest_checkpoint: RunCheckpoint | None = attrs.field(
        default=None, metadata=w(RunCheckpoint, OPTIONAL)
    )

    def _repr_html_(self) -> str:
        """The verdict as the HTML report shows it (Jupyter calls this)."""
        from replaykit.shell.html import iframe, result_html  # the renderer is the shell's

        return iframe(result_html(self), height=360)
