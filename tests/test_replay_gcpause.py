"""``pause_gc`` nests, overlaps across threads and restores exactly what the caller had."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from replaykit import JournalRecord, ReplayConfig, ReplayMode, replay
from replaykit.replay import pause_gc
from replaykit.testing import builders as b


@pytest.fixture(autouse=True)
def collector_on() -> Iterator[None]:
    gc.enable()
    yield
    gc.enable()


def test_pause_restores_the_collector() -> None:
    with pause_gc():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_nested_pauses_restore_only_at_the_outermost_end() -> None:
    with pause_gc():
        with pause_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner end must not turn it back on
    assert gc.isenabled()


def test_a_callers_own_disable_is_left_alone() -> None:
    gc.disable()
    with pause_gc():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_disabled_pause_changes_nothing() -> None:
    with pause_gc(False):
        assert gc.isenabled()


def test_overlapping_pauses_in_threads() -> None:
    """Thread A pauses, B pauses, A ends: still paused until B ends too."""
    a_in, b_in, a_out, b_may_end = (threading.Event() for _ in range(4))
    seen: dict[str, bool] = {}

    def first() -> None:
        with pause_gc():
            a_in.set()
            b_in.wait(5)
        a_out.set()

    def second() -> None:
        a_in.wait(5)
        with pause_gc():
            b_in.set()
            a_out.wait(5)
            seen["after first ended"] = gc.isenabled()
            b_may_end.wait(5)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    a_out.wait(5)
    b_may_end.set()
    for thread in threads:
        thread.join(5)
    assert seen == {"after first ended": False}
    assert gc.isenabled()


def test_a_fold_restores_the_collector_after_a_fault() -> None:
    records: list[JournalRecord] = b.journal(b.effect_intent("effect.1"))
    records.append(records[0])  # a duplicate: rejected
    with pause_gc():
        assert replay(records, ReplayConfig(ReplayMode.AUDIT_REPLAY)).failure()
        assert not gc.isenabled()
    assert gc.isenabled()
