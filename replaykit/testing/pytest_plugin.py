"""replaykit's pytest plugin: snapshot fixtures for replay states, results and traces.

Registered through the ``pytest11`` entry point (``replaykit``), so installing
replaykit is enough for pytest to load it. The fixtures need ``syrupy`` (the
``testing`` extra); without it pytest runs as usual and only a test that asks for a
fixture fails, with the command to install it.

Fixtures:

- ``replay_snapshot``: a syrupy ``SnapshotAssertion`` writing replaykit values as
  canonical JSON files, ``assert replay_snapshot == result``. Redact more with
  ``replay_snapshot(extension_class=redacting("/path/*"))``.
- ``snapshot_trace``: ``snapshot_trace(records, config)`` asserts a journal's
  step-by-step trace (``replaykit.testing.snapshots.trace``) against its snapshot.

Snapshots are updated with ``pytest --snapshot-update``; unused ones are reported by
syrupy at the end of the session.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from syrupy.assertion import SnapshotAssertion

    from replaykit.model import JournalRecord
    from replaykit.replay import ReplayConfig
    from replaykit.timetravel import Timeline

__all__ = ["INSTALL_HINT", "replay_snapshot", "snapshot_trace"]

INSTALL_HINT = "replaykit's snapshot fixtures need syrupy: pip install 'agent-replaykit[testing]'"

# Load syrupy's own plugin (its options and the ``snapshot`` fixture) with ours, even
# when plugin autoloading is off; without syrupy installed there is nothing to load.
try:
    import syrupy  # noqa: F401
except ImportError:
    pytest_plugins: list[str] = []
else:
    pytest_plugins = ["syrupy"]


@pytest.fixture
def replay_snapshot(request: pytest.FixtureRequest) -> SnapshotAssertion:
    """A syrupy snapshot that stores replaykit values as canonical, redacted JSON."""
    try:
        from replaykit.testing.syrupy_ext import ReplaySnapshotExtension
    except ImportError:
        missing = True
    else:
        missing = False
    if missing:
        pytest.fail(INSTALL_HINT, pytrace=False)
    snapshot: SnapshotAssertion = request.getfixturevalue("snapshot")
    return snapshot.use_extension(ReplaySnapshotExtension)


TraceCheck = Callable[..., None]


@pytest.fixture
def snapshot_trace(replay_snapshot: SnapshotAssertion) -> TraceCheck:
    """``check(records, config, *, redact=(), volatile=True, name=None)``: assert the trace.

    ``records`` may also be a ``Timeline`` (then ``config`` is not needed).
    """
    from syrupy.terminal import disable_color

    from replaykit.testing.snapshots import trace
    from replaykit.testing.syrupy_ext import redacting

    def check(
        records: Iterable[JournalRecord] | Timeline,
        config: ReplayConfig | None = None,
        *,
        redact: Iterable[str] = (),
        volatile: bool = True,
        name: str | None = None,
    ) -> None:
        document = trace(records, config)
        assertion: Any = replay_snapshot(
            extension_class=redacting(*redact, volatile=volatile), name=name
        )
        matched = assertion == document  # records the assertion with syrupy
        if not matched:
            with disable_color():
                lines = assertion.get_assert_diff()
            __tracebackhide__ = True
            raise AssertionError(
                f"trace does not match snapshot {assertion.name!r}:\n" + "\n".join(lines)
            )

    return check
