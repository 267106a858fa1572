"""The replay configuration: mode, available content and the missing-content policy."""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from replaykit.model import MissingContentPolicy, ReplayMode

__all__ = ["ReplayConfig"]


def _refs(value: Iterable[str] | None) -> frozenset[str] | None:
    if value is None:
        return None
    if isinstance(value, str | bytes):
        raise TypeError("available_content_refs takes an iterable of refs, not one string")
    refs = frozenset(value)
    for ref in refs:
        if ref.__class__ is not str:
            kind = type(ref).__name__
            raise TypeError(f"available_content_refs must hold strings, not {kind}")
    return refs


@attrs.frozen
class ReplayConfig:
    """How to replay: the mode, which content refs exist, what to do about missing ones.

    ``available_content_refs`` of ``None`` means content is not checked at all; any
    iterable of refs (even empty) means every other ref is missing.

    >>> config = ReplayConfig(ReplayMode.AUDIT_REPLAY, available_content_refs=["c.1"])
    >>> sorted(config.available_content_refs or ())
    ['c.1']
    """

    mode: ReplayMode = attrs.field(converter=ReplayMode)
    available_content_refs: frozenset[str] | None = attrs.field(
        default=None, converter=_refs, kw_only=False
    )
    missing_content_policy: MissingContentPolicy = attrs.field(
        default=MissingContentPolicy.FAIL, converter=MissingContentPolicy
    )
