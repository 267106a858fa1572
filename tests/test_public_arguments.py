"""Library misuse fails at the public boundary, with a ``TypeError`` naming the argument."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from replaykit import (
    JournalRecord,
    ReplayConfig,
    ReplayMode,
    Timeline,
    finish,
    from_json,
    initial_state,
    lint,
    replay,
    snapshot,
    step,
)
from replaykit.replay import fold_steps
from replaykit.testing import builders as b
from replaykit.wire.codec import from_json_exact

_CONFIG = ReplayConfig(ReplayMode.AUDIT_REPLAY)
#: Values of the wrong type, typed ``Any`` so that the type checker lets the calls through.
NONE: Any = None
FIVE: Any = 5
TEXT: Any = "resume_replay"
EMPTY: Any = {}
NOT_TEXT: Any = [1, None]
_RECORDS = b.journal(b.effect_intent("effect.1"))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: from_json(JournalRecord, NONE),
            "from_json: data must be str or bytes, not NoneType",
        ),
        (
            lambda: from_json_exact(JournalRecord, FIVE),
            "from_json: data must be str or bytes, not int",
        ),
        (
            lambda: replay([NONE], _CONFIG),
            "replay: records must be JournalRecord values, not NoneType",
        ),
        (
            lambda: replay(_RECORDS, TEXT),
            "replay: config must be a ReplayConfig, not str",
        ),
        (lambda: lint([NONE], _CONFIG), "fold: records must be JournalRecord values, not NoneType"),
        (lambda: lint(_RECORDS, NONE), "lint: config must be a ReplayConfig, not NoneType"),
        (lambda: step(NONE, _RECORDS[0]), "step: state must be a ReplayState, not NoneType"),
        (
            lambda: step(initial_state(_CONFIG), EMPTY),
            "step: record must be a JournalRecord, not dict",
        ),
        (lambda: finish(NONE), "finish: state must be a ReplayState, not NoneType"),
        (lambda: snapshot(NONE), "snapshot: state must be a ReplayState, not NoneType"),
        (lambda: initial_state(NONE), "initial_state: config must be a ReplayConfig, not NoneType"),
        (lambda: Timeline(_RECORDS, NONE), "Timeline: config must be a ReplayConfig, not NoneType"),
        (
            lambda: ReplayConfig(ReplayMode.AUDIT_REPLAY, available_content_refs=NOT_TEXT),
            "available_content_refs must hold strings, not",
        ),
        (
            lambda: list(fold_steps(initial_state(_CONFIG), [TEXT])),
            "fold: records must be JournalRecord values, not str",
        ),
    ],
)
def test_wrong_argument_types_fail_at_the_boundary(call: Callable[[], Any], message: str) -> None:
    with pytest.raises(TypeError) as caught:
        call()
    assert str(caught.value).startswith(message)


def test_bytes_like_text_still_decodes() -> None:
    from replaykit import to_json

    line = to_json(_RECORDS[0])
    assert from_json(JournalRecord, bytearray(line.encode())).unwrap() == _RECORDS[0]
    assert from_json(JournalRecord, memoryview(line.encode())).unwrap() == _RECORDS[0]
