"""Effect intents and results, checkpoints, recovery markers and terminal markers."""

from __future__ import annotations

from typing import ClassVar, final

import attrs

from replaykit.model._wirespec import ID, LIST, LIST_REQUIRED, OPTIONAL, STR, U64, w
from replaykit.model.enums import EffectKind, EffectTerminalStatus
from replaykit.model.refs import DestinationRef, EntityRef, PolicyRef, SourceRef

__all__ = [
    "EffectIntent",
    "EffectResult",
    "PendingSideEffect",
    "RecoveryMarker",
    "RunCheckpoint",
    "TerminalResultMarker",
]


@final
@attrs.frozen(kw_only=True, weakref_slot=False)
class EffectIntent:
    """A side effect the run is about to perform (payload ``effect_intent``)."""

    PAYLOAD_TYPE: ClassVar[str] = "effect_intent"

    effect_id: str = attrs.field(metadata=w(ID))
    kind: EffectKind = attrs.field(metadata=w(EffectKind))
    subject_ref: EntityRef = attrs.field(metadata=w(EntityRef))
    source: SourceRef = attrs.field(metadata=w(SourceRef))
    destination: DestinationRef | None = attrs.field(
        default=None, metadata=w(DestinationRef, OPTIONAL)
    )
    policy_refs: tuple[PolicyRef, ...] = attrs.field(default=(), metadata=w(PolicyRef, LIST))
    idempotency_key: str | None = attrs.field(default=None, metadata=w(ID, OPTIONAL))
    dedupe_key: str | None = attrs.field(default=None, metadata=w(ID, OPTIONAL))
    content_refs: tuple[str, ...] = attrs.field(default=(), metadata=w(ID, LIST))
    redacted_summary: str = attrs.field(metadata=w(STR))


@final
@attrs.frozen(kw_only=True, weakref_slot=False)
class EffectResult:
    """The terminal result of an effect (payload ``effect_result``)."""

    PAYLOAD_TYPE: ClassVar[str] = "effect_result"

    effect_id: str = attrs.field(metadata=w(ID))
    terminal_status: EffectTerminalStatus = attrs.field(metadata=w(EffectTerminalStatus))
    external_operation_id: str | None = attrs.field(default=None, metadata=w(STR, OPTIONAL))
    reconciliation_ref: str | None = attrs.field(default=None, metadata=w(STR, OPTIONAL))
    error_ref: str | None = attrs.field(default=None, metadata=w(STR, OPTIONAL))
    content_refs: tuple[str, ...] = attrs.field(default=(), metadata=w(ID, LIST))
    redacted_summary: str = attrs.field(metadata=w(STR))


@final
@attrs.frozen(kw_only=True, weakref_slot=False)
class PendingSideEffect:
    """An effect a recovery marker or checkpoint reports as possibly in flight."""

    effect_id: str = attrs.field(metadata=w(ID))
    intent_record_id: str = attrs.field(metadata=w(STR))
    idempotency_key: str | None = attrs.field(default=None, metadata=w(ID, OPTIONAL))
    dedupe_key: str | None = attrs.field(default=None, metadata=w(ID, OPTIONAL))
    unsafe_pending_reason: str = attrs.field(metadata=w(STR))


@final
@attrs.frozen(kw_only=True, weakref_slot=False)
class RunCheckpoint:
    """A saved loop state (payload ``checkpoint``; also ``ReplayResult.latest_checkpoint``)."""

    PAYLOAD_TYPE: ClassVar[str] = "checkpoint"

    checkpoint_id: str = attrs.field(metadata=w(STR))
    run_id: str = attrs.field(metadata=w(ID))
    checkpoint_seq: int = attrs.field(metadata=w(U64))
    covers_journal_seq: int = attrs.field(metadata=w(U64))
    loop_state: str = attrs.field(metadata=w(STR))
    turn_id: str | None = attrs.field(default=None, metadata=w(ID, OPTIONAL))
    attempt_id: str | None = attrs.field(default=None, metadata=w(ID, OPTIONAL))
    runtime_package_fingerprint: str = attrs.field(metadata=w(STR))
    pending_side_effects: tuple[PendingSideEffect, ...] = attrs.field(
        default=(), metadata=w(PendingSideEffect, LIST)
    )
    pending_approvals: tuple[str, ...] = attrs.field(default=(), metadata=w(STR, LIST))
    content_ref_manifest: tuple[str, ...] = attrs.field(default=(), metadata=w(ID, LIST))
    state_hash: str = attrs.field(metadata=w(STR))
    created_at_millis: int = attrs.field(metadata=w(U64))
    writer_id: str = attrs.field(metadata=w(STR))


@final
@attrs.frozen(kw_only=True, weakref_slot=False)
class RecoveryMarker:
    """What a recovering runtime found unsafe (payload ``recovery``)."""

    PAYLOAD_TYPE: ClassVar[str] = "recovery"

    unsafe_pending: tuple[PendingSideEffect, ...] = attrs.field(
        metadata=w(PendingSideEffect, LIST_REQUIRED)
    )
    recovery_reason: str = attrs.field(metadata=w(STR))
    policy_refs: tuple[PolicyRef, ...] = attrs.field(default=(), metadata=w(PolicyRef, LIST))


@final
@attrs.frozen(kw_only=True, weakref_slot=False)
class TerminalResultMarker:
    """Closes an effect and seals the run (payload ``terminal_result``)."""

    PAYLOAD_TYPE: ClassVar[str] = "terminal_result"

    effect_id: str = attrs.field(metadata=w(ID))
    result_record_id: str = attrs.field(metadata=w(STR))
    terminal_status: str = attrs.field(metadata=w(STR))
