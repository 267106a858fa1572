"""The advisory value: its code, severity, steps, entity, meaning and action. Pure."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Any, Final, final

import attrs

from replaykit.model import ReplayResult
from replaykit.timetravel.explain import Entity
from replaykit.wire import to_data

__all__ = ["CODES", "MAX_PER_CODE", "Advisory", "Severity", "at_least", "ordered"]


class Severity(enum.Enum):
    """How much an advisory matters to a decision to resume, in increasing order."""

    INFO = "info"
    WARNING = "warning"
    DANGER = "danger"

    @property
    def rank(self) -> int:
        """0, 1, 2 for info, warning, danger."""
        return _RANKS[self]

    def __str__(self) -> str:
        return self.value


_RANKS: Final = {Severity.INFO: 0, Severity.WARNING: 1, Severity.DANGER: 2}

#: Every advisory code, in the order the documentation lists them.
CODES: Final = (
    "terminal-trailer",
    "tool-call-open",
    "approval-open",
    "duplicate-record-id",
    "seq-gap",
    "content-missing",
    "checkpoint-mismatch",
)

#: More advisories of one code than this are summed up in one (a journal full of gaps).
MAX_PER_CODE: Final = 20


@final
@attrs.frozen
class Advisory:
    """One thing the verdict does not say about the run, and what to do about it."""

    code: str
    severity: Severity
    #: The steps it concerns, in order (as ``show`` numbers them; may be empty).
    steps: tuple[int, ...]
    #: What it is about (``tool_call``, ``approval``, ``record``, ``seq``, ``content``,
    #: ``checkpoint``), or ``None`` for the run as a whole.
    entity: Entity | None
    #: What it means, in one sentence.
    meaning: str
    #: What to do, in one sentence.
    action: str
    #: ``terminal-trailer``: the verdict of the journal without the trailing records.
    verdict_without: ReplayResult | None = None

    def to_data(self) -> dict[str, Any]:
        """The JSON form (``--advisories``)."""
        data: dict[str, Any] = {
            "code": self.code,
            "severity": self.severity.value,
            "steps": list(self.steps),
            "entity": None
            if self.entity is None
            else {"kind": self.entity.kind, "id": self.entity.id},
            "meaning": self.meaning,
            "action": self.action,
        }
        if self.verdict_without is not None:
            data["verdict_without"] = to_data(self.verdict_without)
        return data


def at_least(advisories: Iterable[Advisory], severity: Severity) -> bool:
    """Whether any advisory is ``severity`` or worse (``--fail-on``)."""
    return any(advisory.severity.rank >= severity.rank for advisory in advisories)


def _order(advisory: Advisory) -> tuple[int, int, str, str]:
    first = advisory.steps[0] if advisory.steps else 0
    ident = "" if advisory.entity is None else advisory.entity.id
    return (first, CODES.index(advisory.code), advisory.severity.value, ident)


def _capped(found: list[Advisory]) -> list[Advisory]:
    """At most ``MAX_PER_CODE`` advisories of each code: the rest summed up in one."""
    counts: dict[str, int] = {}
    rest: dict[str, list[Advisory]] = {}
    out: list[Advisory] = []
    for advisory in found:
        seen = counts.get(advisory.code, 0)
        counts[advisory.code] = seen + 1
        if seen < MAX_PER_CODE - 1:
            out.append(advisory)
        else:
            rest.setdefault(advisory.code, []).append(advisory)
    for code, more in rest.items():
        if len(more) == 1:
            out.append(more[0])
            continue
        worst = max((advisory.severity for advisory in more), key=lambda s: s.rank)
        steps = sorted({step for advisory in more for step in advisory.steps})
        out.append(
            Advisory(
                code,
                worst,
                tuple(steps),
                None,
                f"{len(more)} more {code} advisories like the ones above"
                f" (first: {more[0].meaning})",
                more[0].action,
            )
        )
    return out


def ordered(found: list[Advisory]) -> tuple[Advisory, ...]:
    """Ordered by first step, then code and id, with at most ``MAX_PER_CODE`` of a code."""
    return tuple(_capped(sorted(found, key=_order)))
