"""``model._twin``: instances built through a twin class are ordinary frozen instances."""

from __future__ import annotations

import copy
import pickle

import attrs
import pytest

from replaykit.model import ReplayPendingSideEffect
from replaykit.model._twin import constructor, twin
from replaykit.replay.state import ReplayState


def _pending() -> ReplayPendingSideEffect:
    return ReplayPendingSideEffect(
        effect_id="effect.1",
        intent_record_id="journal.1",
        idempotency_key=None,
        dedupe_key="dedupe.1",
        unsafe_pending_reason="no result",
        retry_allowed=True,
    )


def test_constructor_builds_what_init_builds() -> None:
    expected = _pending()
    made = constructor(ReplayPendingSideEffect)(*attrs.astuple(expected, recurse=False))
    assert type(made) is ReplayPendingSideEffect
    assert made == expected and hash(made) == hash(expected) and repr(made) == repr(expected)
    assert pickle.loads(pickle.dumps(made)) == expected
    assert copy.deepcopy(made) == expected
    assert attrs.evolve(made, retry_allowed=False) != expected


def test_built_instances_stay_frozen() -> None:
    made = constructor(ReplayPendingSideEffect)(*attrs.astuple(_pending(), recurse=False))
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        made.effect_id = "effect.2"  # type: ignore[misc]


def test_twin_is_cached_and_refuses_other_layouts() -> None:
    assert twin(ReplayState) is twin(ReplayState)

    @attrs.frozen  # a __weakref__ slot: CPython refuses the class switch
    class WithWeakref:
        value: int

    class NoSlots:
        pass

    for cls in (WithWeakref, NoSlots):
        with pytest.raises(TypeError, match="no plain slot layout"):
            twin(cls)
