"""``model._twin``: instances built through a twin class are ordinary frozen instances."""

from __future__ import annotations

import copy
import linecache
import pickle
import traceback

import attrs
import pytest

from replaykit import from_json, to_json
from replaykit.model import EntityRef, ReplayPendingSideEffect
from replaykit.model._twin import constructor, twin
from replaykit.model._wirespec import ID, STR, w
from replaykit.replay.state import ReplayState
from replaykit.wire._json import Bad
from replaykit.wire._unions import NS


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


@attrs.frozen(weakref_slot=False)
class _Validated:
    count: int = attrs.field(validator=attrs.validators.ge(0))


@attrs.frozen(weakref_slot=False)
class _Converted:
    name: str = attrs.field(converter=str)


@attrs.frozen(weakref_slot=False)
class _PostInit:
    value: int

    def __attrs_post_init__(self) -> None:
        if self.value < 0:
            raise ValueError("negative")


@pytest.mark.parametrize("cls", [_Validated, _Converted, _PostInit])
def test_twin_refuses_classes_with_their_own_checks(cls: type) -> None:
    """Building without __init__ would skip them: refuse rather than build silently."""
    with pytest.raises(TypeError, match="cannot be built without __init__"):
        twin(cls)


def test_generated_code_shows_in_tracebacks() -> None:
    """Generated source is registered in linecache under a name of its own (as attrs
    does), so a traceback through it shows the generated line."""
    make = constructor(ReplayPendingSideEffect)
    filename = make.__code__.co_filename
    assert filename.startswith("<replaykit generated ReplayPendingSideEffect.make_")
    assert linecache.getline(filename, 1).startswith("def make_ReplayPendingSideEffect(")
    decode = NS.decoder(EntityRef)
    with pytest.raises(Bad) as caught:
        decode({"kind": "run", "id": 5})
    frame = traceback.extract_tb(caught.value.__traceback__)[1]
    assert frame.filename.startswith("<replaykit generated decoder of EntityRef ")
    assert frame.line and "_check_id" in frame.line


def test_generated_functions_are_keyed_by_class_not_name() -> None:
    """Two wire classes with one name each get their own decoder and encoder."""

    def make(kind: str) -> type:
        @attrs.frozen(weakref_slot=False)
        class Thing:
            value: str = attrs.field(metadata=w(kind))

        return Thing

    ids, texts = make(ID), make(STR)
    assert ids.__name__ == texts.__name__
    assert from_json(texts, '{"value":""}').unwrap() == texts(value="")
    assert from_json(ids, '{"value":""}').failure().message == "identifier is empty"
    assert to_json(texts(value="x")) == '{"value":"x"}'
