"""Effect intent and result records of the synthetic journals, and the pool of effects
still open.

Part of ``journal_gen``: an ``Effects`` belongs to one generator, whose envelopes, random
numbers and content refs it uses; the generator's recovery markers and checkpoints name
open effects drawn with ``sample``.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

from journal_shapes import (
    EFFECT_ABANDON,
    EFFECT_FAMILIES,
    RESULT_OUTCOMES,
    RING,
    SOURCE_RUN_LOOP,
    OpenEffect,
    entity_ref,
    take_random,
)

if TYPE_CHECKING:
    from journal_gen import Generator

__all__ = ["Effects"]


class Effects:
    """The effect records of one generator, and its open effects."""

    def __init__(self, gen: Generator) -> None:
        self.gen = gen
        self.effect_n = 0
        self.open_effects: list[OpenEffect] = []  # closable, bounded by EFFECT_POOL_CAP
        self.abandoned: deque[OpenEffect] = deque(maxlen=RING)  # never closed

    def intent(self) -> dict[str, object]:
        rand = self.gen.rand
        r = rand()
        for family in EFFECT_FAMILIES:
            if r < family[0]:
                break
        _, fam, kind, dest, policies, summary = family
        self.effect_n += 1
        n = self.effect_n
        effect_id = f"effect.{fam}.{n}"
        subject = entity_ref("tool_call", f"tool.call.{effect_id}")
        related: list[object] = [entity_ref("effect", effect_id)]
        refs = self.gen.new_refs("tool.args", self.gen.ref_count())

        r = rand()
        idem: str | None = None
        dedupe: str | None = None
        env_idem = env_dedupe = False
        if r < 0.45:  # idempotency key, mirrored on the envelope
            idem, env_idem = f"idem.{fam}.{n}", True
        elif r < 0.55:  # idempotency key in the payload only
            idem = f"idem.{fam}.{n}"
        elif r < 0.60:  # both keys, both mirrored
            idem, dedupe, env_idem, env_dedupe = f"idem.{fam}.{n}", f"dedupe.{fam}.{n}", True, True
        elif r < 0.82:  # dedupe key, mirrored
            dedupe, env_dedupe = f"dedupe.{fam}.{n}", True
        elif r < 0.85:  # dedupe key in the payload only
            dedupe = f"dedupe.{fam}.{n}"
        # else: neither key (not retry-safe)

        payload: dict[str, object] = {
            "type": "effect_intent",
            "effect_id": effect_id,
            "kind": kind,
            "subject_ref": subject,
            "source": SOURCE_RUN_LOOP,
            "destination": dest,
        }
        if rand() < 0.3:
            payload["policy_refs"] = policies
        if idem is not None:
            payload["idempotency_key"] = idem
        if dedupe is not None:
            payload["dedupe_key"] = dedupe
        if refs:
            payload["content_refs"] = refs
        payload["redacted_summary"] = summary

        rec = self.gen.envelope(
            "effect_intent",
            subject,
            payload,
            "effect",
            "intent",
            related=related,
            destination=dest,
            content_refs=refs,
            idempotency_key=idem if env_idem else None,
            dedupe_key=dedupe if env_dedupe else None,
        )
        entry: OpenEffect = (effect_id, f"{self.gen.record_prefix}{self.gen.seq:06d}", idem, dedupe)
        if rand() < EFFECT_ABANDON:
            self.abandoned.append(entry)
        else:
            self.open_effects.append(entry)
        return rec

    def result(self) -> dict[str, object]:
        rand = self.gen.rand
        entry = take_random(self.open_effects, rand)
        effect_id = entry[0]

        r = rand()
        for outcome in RESULT_OUTCOMES:
            if r < outcome[0]:
                break
        _, status, summary = outcome
        refs = self.gen.new_refs("tool.result", self.gen.ref_count())
        payload: dict[str, object] = {
            "type": "effect_result",
            "effect_id": effect_id,
            "terminal_status": status,
        }
        if status == "completed":
            if rand() < 0.5:
                payload["external_operation_id"] = f"op.{effect_id}"
        elif status == "unknown":
            payload["reconciliation_ref"] = f"reconcile.{effect_id}"
        else:
            payload["error_ref"] = f"error.{effect_id}"
        if refs:
            payload["content_refs"] = refs
        payload["redacted_summary"] = summary
        subject = entity_ref("effect", effect_id)
        return self.gen.envelope(
            "effect_result",
            subject,
            payload,
            "effect",
            "result",
            related=[subject],
            content_refs=refs,
        )

    def sample(self, count: int) -> list[OpenEffect]:
        """Up to ``count`` distinct currently open effects (closable or abandoned)."""
        rand = self.gen.rand
        candidates: list[OpenEffect] = []
        pool = self.open_effects
        ring = self.abandoned
        picked: set[str] = set()
        for _ in range(count * 2):
            if len(candidates) >= count:
                break
            if ring and (not pool or rand() < 0.5):
                entry = ring[int(rand() * len(ring))]
            elif pool:
                entry = pool[int(rand() * len(pool))]
            else:
                break
            if entry[0] not in picked:
                picked.add(entry[0])
                candidates.append(entry)
        return candidates
