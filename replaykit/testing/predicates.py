"""The ``--keep`` language: small predicates over a journal's lenient fold.

One expression tests one thing about the ``LintReport`` of a journal (its final
``ReplayResult`` and the records the reference rejects); ``keep_predicate`` joins several
with AND. The grammar::

    EXPR   := "fault" | "no_fault" | FIELD "=" VALUE | FIELD "!=" VALUE
    FIELD  := status | mode | resume_allowed | terminal_status | next_loop_state
            | latest_journal_seq | repair_kind | unsafe_effect | missing_content_ref
            | output_decision | fault

``status``, ``mode`` and ``repair_kind`` / ``output_decision`` take their enum values
(``repair_needed``, ``resume_replay``, ``non_idempotent_pending_side_effect``,
``unsafe_pending``); ``resume_allowed`` takes ``true`` / ``false``;
``terminal_status`` and ``next_loop_state`` take a string or ``none``;
``latest_journal_seq`` an integer. The list fields (``repair_kind``, ``unsafe_effect``
(an effect id), ``missing_content_ref``, ``output_decision``) hold when some element
equals the value, or with ``*`` when the list is not empty; ``!=`` negates. ``fault``
alone holds when some record is rejected; ``fault=TEXT`` when a rejected record's error
kind equals TEXT (``InvalidStateTransition``) or its message contains TEXT.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Sequence
from typing import Final

from returns.result import Failure, Result, Success

from replaykit.model import ReplayMode, ReplayRepairDecision, ReplayRepairKind, ReplayStatus
from replaykit.replay import LintReport, ReplayConfig
from replaykit.testing._minimize import ReplayPredicate, replay_predicate

__all__ = ["KEEP_FIELDS", "Check", "keep_predicate", "parse_keep"]

Check = Callable[[LintReport], bool]

_ENUMS: Final[dict[str, type[enum.Enum]]] = {
    "status": ReplayStatus,
    "mode": ReplayMode,
    "repair_kind": ReplayRepairKind,
    "output_decision": ReplayRepairDecision,
}
_LISTS: Final[dict[str, Callable[[LintReport], Sequence[str]]]] = {
    "repair_kind": lambda r: [x.kind.value for x in r.result.repair_needed],
    "unsafe_effect": lambda r: [x.effect_id for x in r.result.unsafe_pending_side_effects],
    "missing_content_ref": lambda r: list(r.result.missing_content_refs),
    "output_decision": lambda r: [
        x.replay_decision.value for x in r.result.output_delivery_repairs
    ],
}
_SCALARS: Final[dict[str, Callable[[LintReport], str]]] = {
    "status": lambda r: r.result.status.value,
    "mode": lambda r: r.result.mode.value,
    "resume_allowed": lambda r: "true" if r.result.resume_allowed else "false",
    "terminal_status": lambda r: r.result.terminal_status or "none",
    "next_loop_state": lambda r: r.result.next_loop_state or "none",
    "latest_journal_seq": lambda r: str(r.result.latest_journal_seq),
}
#: Every field name the language knows.
KEEP_FIELDS: Final = tuple(sorted({*_LISTS, *_SCALARS, "fault"}))


def _fault_matches(text: str) -> Check:
    def check(report: LintReport) -> bool:
        return any(f.kind.value == text or text in f.message for _, f in report.faults)

    return check


def _value_error(field: str, value: str) -> str | None:
    if field in _ENUMS and value != "*":
        allowed = [m.value for m in _ENUMS[field]]
        if value not in allowed:
            return f"{field} must be one of {', '.join(allowed)}, not {value!r}"
    if field == "resume_allowed" and value not in ("true", "false"):
        return f"resume_allowed must be true or false, not {value!r}"
    if field == "latest_journal_seq" and not value.isdigit():
        return f"latest_journal_seq must be a non-negative integer, not {value!r}"
    if field in _SCALARS and value == "*":
        return f"'*' only applies to list fields ({', '.join(sorted(_LISTS))})"
    return None


def parse_keep(expr: str) -> Result[Check, str]:
    """Parse one ``--keep`` expression into a check of a ``LintReport``.

    >>> from replaykit import ReplayMode, lint
    >>> from replaykit.testing.builders import effect_intent, journal
    >>> report = lint(journal(effect_intent("effect.1")), ReplayConfig(ReplayMode.RESUME_REPLAY))
    >>> [parse_keep(e).unwrap()(report) for e in ("status=repair_needed", "resume_allowed=true")]
    [True, False]
    >>> parse_keep("unsafe_effect=effect.1").unwrap()(report)
    True
    >>> parse_keep("colour=red").failure()[:40]
    "unknown field 'colour' (known: fault, la"
    """
    text = expr.strip()
    if text in ("fault", "no_fault"):
        wanted = text == "fault"
        return Success(lambda report: bool(report.faults) is wanted)
    if "=" not in text:
        return Failure(f"expected FIELD=VALUE, FIELD!=VALUE, fault or no_fault, not {expr!r}")
    left, value = text.split("=", 1)
    negate = left.endswith("!")
    field = left.removesuffix("!").strip()
    value = value.strip()
    if field not in KEEP_FIELDS:
        return Failure(f"unknown field {field!r} (known: {', '.join(KEEP_FIELDS)})")
    if not value:
        return Failure(f"missing value in {expr!r}")
    error = _value_error(field, value)
    if error is not None:
        return Failure(error)
    check: Check
    if field == "fault":
        check = _fault_matches(value)
    elif field in _LISTS:
        items = _LISTS[field]
        check = (lambda r: bool(items(r))) if value == "*" else (lambda r: value in items(r))
    else:
        scalar = _SCALARS[field]
        check = lambda r: scalar(r) == value  # noqa: E731
    if negate:
        positive = check
        return Success(lambda report: not positive(report))
    return Success(check)


def keep_predicate(exprs: Iterable[str], config: ReplayConfig) -> Result[ReplayPredicate, str]:
    """All ``exprs`` at once, as a ``ReplayPredicate`` for ``minimize``.

    >>> from replaykit import ReplayMode
    >>> config = ReplayConfig(ReplayMode.AUDIT_REPLAY)
    >>> keep_predicate(["status=complete", "no_fault"], config).unwrap()([])
    True
    """
    checks: list[Check] = []
    for expr in exprs:
        parsed = parse_keep(expr)
        if isinstance(parsed, Failure):
            return Failure(parsed.failure())
        checks.append(parsed.unwrap())
    return Success(replay_predicate(config, lambda report: all(c(report) for c in checks)))
