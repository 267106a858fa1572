"""``SeenRecords``: views of a shared append-only ledger must behave as immutable maps.

Every view ever made must keep its own entries whatever is done later to any other view
(appends, reuse of the next entry, branches, other threads), and the fold
built on it must stay pure: stepping any earlier state gives what stepping an equal,
independently built state gives.
"""

from __future__ import annotations

import pickle
import threading

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from returns.result import Failure, Success

from replaykit import JournalRecord, ReplayConfig, ReplayMode, initial_state, step, to_json
from replaykit.replay import SeenRecords, lint
from replaykit.testing import builders as b
from replaykit.testing.strategies import adversarial_journals, journals
from replaykit.timetravel import Timeline, diff, restore, snapshot
from replaykit.timetravel.pointer import pointer

KEYS = st.sampled_from([f"rec.{i}" for i in range(12)])
VALUES = st.sampled_from([None, b"a" * 16, b"b" * 16])


class ViewMachine(RuleBasedStateMachine):
    """Random sets from any view, and re-sets of what a longer view holds next."""

    def __init__(self) -> None:
        super().__init__()
        self.views: list[tuple[SeenRecords, dict[str, bytes | None]]] = [(SeenRecords(), {})]

    @rule(data=st.data(), key=KEYS, value=VALUES)
    def grow_any(self, data: st.DataObject, key: str, value: bytes | None) -> None:
        view, model = data.draw(st.sampled_from(self.views))
        if key in model:
            return
        self.views.append((view.set(key, value), {**model, key: value}))

    @rule(data=st.data())
    def repeat_history(self, data: st.DataObject) -> None:
        # Step an older view with the entry a longer view holds next (a re-fold).
        view, model = data.draw(st.sampled_from(self.views))
        longer = [(v, m) for v, m in self.views if len(m) > len(model)]
        if not longer or list(model) != list(longer[0][1])[: len(model)]:
            return
        key = list(longer[0][1])[len(model)]
        self.views.append((view.set(key, longer[0][1][key]), {**model, key: longer[0][1][key]}))

    @invariant()
    def every_view_keeps_its_entries(self) -> None:
        for view, model in self.views:
            assert len(view) == len(model)
            assert dict(view.items()) == model
            assert list(view) == list(model)
            for key in model:
                assert key in view and view[key] == model[key] and view.get(key) == model[key]
            outside = {f"rec.{i}" for i in range(12)} - model.keys()
            assert not any(key in view for key in outside)
            assert all(view.get(key, "none") == "none" for key in outside)


TestViewMachine = ViewMachine.TestCase
TestViewMachine.settings = settings(max_examples=150, stateful_step_count=40, deadline=None)


def test_set_refuses_a_key_the_view_has() -> None:
    one = SeenRecords().set("rec.1", None)
    try:
        one.set("rec.1", b"x" * 16)
    except KeyError as error:
        assert "rec.1" in str(error)
    else:
        raise AssertionError("a repeated key was added")


def test_values_equality_hash_pickle() -> None:
    a = SeenRecords().set("r.1", None).set("r.2", b"d")
    c = SeenRecords({"r.1": None, "r.2": b"d"})
    assert a == c and hash(a) == hash(c)
    assert a != SeenRecords({"r.1": None}) and a != SeenRecords({"r.1": None, "r.2": b"e"})
    assert a == {"r.1": None, "r.2": b"d"}
    back = pickle.loads(pickle.dumps(a))
    assert back == a and list(back) == ["r.1", "r.2"]
    assert repr(a) == "SeenRecords({'r.1': None, 'r.2': b'd'})"
    with_pos = SeenRecords().set("r.1", None)
    assert with_pos.get("missing") is None and with_pos.get("missing", 5) == 5


def test_refolding_shares_and_branching_does_not_disturb() -> None:
    base = SeenRecords().set("r.1", None)
    first = base.set("r.2", None)
    again = base.set("r.2", None)  # the same next entry: shared, not copied
    assert again == first and again._ledger is first._ledger
    other = base.set("r.3", b"x")  # a branch
    assert other._ledger is not first._ledger
    assert list(first) == ["r.1", "r.2"] and list(other) == ["r.1", "r.3"]
    assert first.set("r.3", None)["r.3"] is None and other["r.3"] == b"x"


def test_refolding_across_a_rejected_checkpoint_shares_the_ledger() -> None:
    before = [b.effect_intent("effect.1", journal_seq=1)]
    before += [b.message(f"m.{seq}", journal_seq=seq) for seq in range(2, 6)]
    invalid = b.checkpoint(journal_seq=6, covers_journal_seq=9)  # rejected by its rule
    after = [b.message(f"m.{seq}", journal_seq=seq) for seq in range(7, 12)]
    journal = [*before, invalid, *after]
    full = Timeline(journal, AUDIT)
    sparse = Timeline(journal, AUDIT, keyframe_every=4)
    assert list(full) == list(sparse)
    assert sparse.faults() and sparse.faults()[0][0] == 6
    ledger = sparse[4].seen_records._ledger  # the first keyframe with entries
    for k in range(len(full)):
        assert full[k].seen_records._ledger is full[-1].seen_records._ledger or k == 0
        if k >= 4:  # re-folded from a keyframe on the same ledger, not a copy
            assert sparse[k].seen_records._ledger is ledger


def test_threads_growing_one_view() -> None:
    base = SeenRecords().set("r.0", None)
    out: dict[int, SeenRecords] = {}

    def grow(n: int) -> None:
        view = base
        for i in range(200):
            view = view.set(f"t{n}.{i}", None)
        out[n] = view

    threads = [threading.Thread(target=grow, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for n, view in out.items():
        assert list(view) == ["r.0", *(f"t{n}.{i}" for i in range(200))]
    assert list(base) == ["r.0"]


AUDIT = ReplayConfig(ReplayMode.AUDIT_REPLAY)


@settings(max_examples=60, deadline=None)
@given(journals(max_blocks=4), adversarial_journals(), st.data())
def test_stepping_an_old_state_equals_stepping_a_fresh_copy(
    first: list[JournalRecord], second: list[JournalRecord], data: st.DataObject
) -> None:
    states = [initial_state(AUDIT)]
    for record in first:
        result = step(states[-1], record)
        states.append(result.unwrap() if isinstance(result, Success) else states[-1])
    at = data.draw(st.integers(0, len(states) - 1))
    before = [snapshot(s) for s in states]
    old, fresh = states[at], restore(snapshot(states[at])).unwrap()
    for record in second:  # a branch from an old state, and the same on an equal copy
        a, c = step(old, record), step(fresh, record)
        assert type(a) is type(c)
        if isinstance(a, Failure):
            assert to_json(a.failure().error) == to_json(c.failure().error)
            old, fresh = a.failure().state, c.failure().state
        else:
            old, fresh = a.unwrap(), c.unwrap()
        assert snapshot(old) == snapshot(fresh)
    assert [snapshot(s) for s in states] == before  # nothing earlier changed


def test_a_rejected_record_does_not_make_the_next_step_copy() -> None:
    intent = b.effect_intent("effect.1", journal_seq=1)
    invalid = b.checkpoint(journal_seq=2, covers_journal_seq=9)  # rejected by its rule
    result = b.effect_result("effect.1", journal_seq=3)
    report = lint([intent, invalid, result], AUDIT)
    assert [index for index, _ in report.faults] == [1]
    assert list(report.state.seen_records) == [intent.record_id, result.record_id]
    state = step(initial_state(AUDIT), intent).unwrap()
    fault = step(state, invalid).failure()
    assert fault.state.seen_records is state.seen_records
    assert invalid.record_id not in fault.state.seen_records
    after = step(fault.state, result).unwrap()
    assert after.seen_records._ledger is state.seen_records._ledger


def test_independent_folds_share_no_ledger() -> None:
    empty = initial_state(AUDIT)
    a = step(empty, b.effect_intent("effect.1", journal_seq=1)).unwrap()
    c = step(empty, b.effect_intent("effect.1", journal_seq=1)).unwrap()
    assert a == c and a.seen_records._ledger is not c.seen_records._ledger
    assert empty.seen_records._ledger.keys == []  # nothing kept alive by the empty state


@settings(max_examples=40, deadline=None)
@given(journals(max_blocks=4), st.data())
def test_diff_of_one_history_equals_the_full_comparison(
    records: list[JournalRecord], data: st.DataObject
) -> None:
    states = list(Timeline(records, AUDIT))
    i = data.draw(st.integers(0, len(states) - 1))
    j = data.draw(st.integers(0, len(states) - 1))
    a, c = states[i], states[j]
    same = diff(a, c)  # the ledger's slice between the two views
    apart = diff(restore(snapshot(a)).unwrap(), restore(snapshot(c)).unwrap())  # full
    assert same == apart
    low, high = sorted((i, j))
    between = list(states[high].seen_records)[len(states[low].seen_records) :]
    paths = {op["path"] for op in same if op["path"].startswith("/seen_records/")}
    assert paths == {pointer("seen_records", key) for key in between}
