"""Tool calls and approval requests: what their records say, and which stay open.

The reducer ignores ``tool`` and ``approval`` payloads (PAYLOADS.md 4.6 and 4.7), so the
reference's verdict never counts a tool call that started and has no result, or an
approval request that reached a person and has no answer. ``Calls`` follows both by id
through their records and turns the open ones into ``tool-call-open`` and
``approval-open`` advisories. Pure.
"""

from __future__ import annotations

from typing import Final, final

from replaykit.model import OtherPayload, ReplayResult
from replaykit.timetravel.advisories.advisory import Advisory, Severity
from replaykit.timetravel.explain import Entity

__all__ = ["Call", "Calls"]

#: Tool call statuses after which the call is over (PAYLOADS.md, ``ToolCallRecordStatus``).
_TOOL_DONE: Final = frozenset(
    {
        "completed",
        "failed",
        "timed_out",
        "cancelled",
        "denied_before_execution",
        "result_rewritten",
    }
)
#: Tool call statuses that mean it was dispatched and may have run.
_TOOL_STARTED: Final = frozenset({"intent_recorded", "unknown", "recovery_required"})
#: Approval lifecycle statuses that end a request (``ApprovalLifecycleStatus``).
_APPROVAL_DONE: Final = frozenset(
    {
        "approved",
        "approved_for_session",
        "denied",
        "timed_out",
        "cancelled",
        "dispatcher_unavailable",
    }
)


@final
class Call:
    """What the records say of one tool call or approval request."""

    __slots__ = ("detail", "status", "steps")

    def __init__(self) -> None:
        self.steps: list[int] = []
        self.status = ""
        self.detail: dict[str, str] = {}

    def saw(self, number: int, status: str) -> None:
        if not self.steps or self.steps[-1] != number:
            self.steps.append(number)
        if status:
            self.status = status

    def note(self, key: str, value: object) -> None:
        if isinstance(value, str) and value and key not in self.detail:
            self.detail[key] = value


@final
class Calls:
    """The tool calls and approval requests of a journal, by id, as their records come."""

    def __init__(self) -> None:
        self.tools: dict[str, Call] = {}
        self.approvals: dict[str, Call] = {}

    def tool(self, number: int, payload: OtherPayload) -> None:
        ident = payload.get("tool_call_id")
        if not isinstance(ident, str):
            return
        call = self.tools.setdefault(ident, Call())
        status = payload.get("status")
        call.saw(number, status if isinstance(status, str) else "")
        call.note("name", payload.get("canonical_tool_name"))
        call.note("effect_class", payload.get("effect_class"))
        call.note("idempotency_key", payload.get("idempotency_key"))
        call.note("effect_id", payload.get("effect_intent", "effect_id"))

    def approval(self, number: int, payload: OtherPayload) -> None:
        kind = payload.get("record_type")
        if kind == "requested":
            ident = payload.get("record", "request", "approval_request_id")
        else:
            ident = payload.get("record", "request_id")
        if not isinstance(ident, str) or not isinstance(kind, str):
            return
        call = self.approvals.setdefault(ident, Call())
        if kind == "dispatch_result":
            lifecycle = payload.get("record", "lifecycle_status")
            status = lifecycle if isinstance(lifecycle, str) else "dispatch_result"
        elif kind in ("responded", "denied"):
            status = "answered" if kind == "responded" else "denied"
        else:
            status = kind
        call.saw(number, status)
        call.note("effect_class", payload.get("record", "request", "effect_class"))
        call.note("tool", payload.get("record", "request", "canonical_tool_name"))
        call.note("effect_id", payload.get("record", "effect_intent", "effect_id"))

    def advisories(self, result: ReplayResult) -> list[Advisory]:
        """``tool-call-open`` and ``approval-open`` for the calls still open at the end
        (``result`` tells whether the verdict lists a tool's effect anyway)."""
        return [*self._tool_advisories(result), *self._approval_advisories()]

    def _tool_advisories(self, result: ReplayResult) -> list[Advisory]:
        listed = {effect.effect_id for effect in result.unsafe_pending_side_effects}
        out = []
        for ident, call in self.tools.items():
            if call.status in _TOOL_DONE:
                continue
            detail = call.detail
            effect_class = detail.get("effect_class", "unknown")
            keyed = "idempotency_key" in detail
            name = detail.get("name", "a tool")
            started = call.status in _TOOL_STARTED
            if not started:
                severity = Severity.INFO
                risk = "it was requested and never dispatched, so it did not run"
                action = "nothing ran: a resumed run asks for the tool again"
            elif effect_class != "Read" and not keyed:
                severity = Severity.DANGER
                risk = (
                    f"it may have run; its effect class is {effect_class} and it has no"
                    " idempotency key, so running it again may apply it twice"
                )
                action = (
                    f"before resuming, find out in the system {name} acts on whether it ran,"
                    " and record its outcome"
                )
            else:
                severity = Severity.WARNING
                risk = f"it may have run; running it again is safe ({effect_class} effect" + (
                    ", with an idempotency key)" if keyed else ")"
                )
                action = f"check whether {name} ran; a retry after resuming is safe"
            effect = detail.get("effect_id")
            seen = (
                f"; the verdict lists its effect {effect} as unsafe"
                if effect in listed
                else "; the reference ignores tool records, so its verdict does not mention it"
            )
            out.append(
                Advisory(
                    "tool-call-open",
                    severity,
                    tuple(call.steps),
                    Entity("tool_call", ident),
                    f"tool call {ident} ({name}) is {call.status} at step {call.steps[-1]}"
                    f" with no terminal tool record by the end of the journal: {risk}{seen}",
                    action,
                )
            )
        return out

    def _approval_advisories(self) -> list[Advisory]:
        out = []
        for ident, call in self.approvals.items():
            if call.status in _APPROVAL_DONE or call.status in ("answered", "denied"):
                continue
            detail = call.detail
            asked = call.status == "requested"
            tool = detail.get("tool")
            about = f" for {tool}" if tool else ""
            effect_class = detail.get("effect_class")
            kind = f", effect class {effect_class}" if effect_class else ""
            if asked:
                severity = Severity.INFO
                what = "it was requested and never dispatched to an approver"
                action = "nothing reached an approver: a resumed run requests it again"
            else:
                severity = Severity.WARNING
                what = (
                    "it was dispatched and has no answer: an approver may have been asked,"
                    " and may answer a request the resumed run no longer waits for"
                )
                action = (
                    f"check the approval dispatcher for request {ident} before resuming, so a"
                    " person is not asked twice"
                )
            out.append(
                Advisory(
                    "approval-open",
                    severity,
                    tuple(call.steps),
                    Entity("approval", ident),
                    f"approval request {ident}{about}{kind} is {call.status} at step"
                    f" {call.steps[-1]}: {what}; the reference ignores approval records",
                    action,
                )
            )
        return out
