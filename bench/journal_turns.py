"""Turn lifecycle, message and model-attempt records of the synthetic journals, and the
current turn.

Part of ``journal_gen``: a ``Conversation`` belongs to one generator, whose envelopes,
random numbers and content refs it uses; the generator's envelopes and checkpoints read
its current turn and latest attempt.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from journal_shapes import ROLES, STOP_REASONS, entity_ref

if TYPE_CHECKING:
    from journal_gen import Generator

__all__ = ["Conversation"]


class Conversation:
    """The turns, messages and model attempts of one generator."""

    def __init__(self, gen: Generator) -> None:
        self.gen = gen
        self.turn_n = 1
        self.turn_id = "turn.1"
        self.turn_open = False
        self.turn_started = False
        self.attempt_n = 0
        self.message_n = 0

    def other(self) -> dict[str, object]:
        r = self.gen.rand()
        if r < 0.40:
            return self.model_attempt()
        if r < 0.75:
            return self.message()
        return self.turn_lifecycle()

    def turn_lifecycle(self) -> dict[str, object]:
        if self.turn_open:
            status = "completed"
            self.turn_open = False
        else:
            if self.turn_started:
                self.turn_n += 1
                self.turn_id = f"turn.{self.turn_n}"
            status = "started"
            self.turn_open = self.turn_started = True
        turn_id = self.turn_id
        payload: dict[str, object] = {
            "type": "turn_lifecycle",
            "turn_id": turn_id,
            "run_ids": self.gen.run_ids,
            "status": status,
            "input_message_id": f"message.{turn_id}.input",
        }
        if status == "completed":
            payload["output_message_id"] = f"message.{turn_id}.output"
        payload["redacted_summary"] = "turn lifecycle"
        return self.gen.envelope(
            "turn",
            entity_ref("turn", turn_id),
            payload,
            "turn",
            f"turn_{status}",
            content_refs=self.gen.old_refs(self.gen.ref_count()),
        )

    def message(self) -> dict[str, object]:
        rand = self.gen.rand
        self.message_n += 1
        message_id = f"message.{self.turn_id}.{self.message_n}"
        payload: dict[str, object] = {
            "type": "message",
            "message_id": message_id,
            "role": ROLES[int(rand() * len(ROLES))],
            "redacted_summary": "message committed",
        }
        return self.gen.envelope(
            "message",
            entity_ref("message", message_id),
            payload,
            "message",
            "message_committed",
            content_refs=self.gen.new_refs("message", self.gen.ref_count()),
        )

    def model_attempt(self) -> dict[str, object]:
        rand = self.gen.rand
        self.attempt_n += 1
        attempt_id = f"attempt.{self.attempt_n}"
        input_tokens = 200 + int(rand() * 8000)
        output_tokens = 16 + int(rand() * 1024)
        payload: dict[str, object] = {
            "type": "model_attempt",
            "provider_route_id": "route.fake.primary",
            "provider_model_id": "model.fake.large",
            "request_message_count": 1 + int(rand() * 40),
            "stop_reason": STOP_REASONS[int(rand() * len(STOP_REASONS))],
            "usage": {
                "input_tokens": input_tokens,
                "output_tokens": output_tokens,
                "total_tokens": input_tokens + output_tokens,
            },
        }
        return self.gen.envelope(
            "model_attempt",
            entity_ref("attempt", attempt_id),
            payload,
            "model",
            "model_attempt_completed",
            attempt_id=attempt_id,
            content_refs=self.gen.old_refs(self.gen.ref_count()),
        )
