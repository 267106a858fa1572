"""A syrupy extension that writes replaykit values as canonical, redacted JSON files.

One snapshot per file (``__snapshots__/<test module>/<test name>.json``), so parallel
``pytest-xdist`` workers never write the same file. The text is
``replaykit.testing.snapshots.render``: states, results, records, faults, lint reports,
timelines, traces and diffs as sorted, indented JSON with volatile values redacted.
Requires ``syrupy`` (``pip install 'agent-replaykit[testing]'``).

>>> ReplaySnapshotExtension().serialize({"timestamp_millis": 3})
'{\\n  "timestamp_millis": "<redacted>"\\n}\\n'
>>> redacting("/a").redact_pointers
('/a',)
"""

from __future__ import annotations

from functools import cache
from typing import Any, ClassVar

from syrupy.extensions.json import JSONSnapshotExtension

from replaykit.testing.snapshots import render

__all__ = ["ReplaySnapshotExtension", "redacting"]


class ReplaySnapshotExtension(JSONSnapshotExtension):
    """Serialize with ``replaykit.testing.snapshots.render`` (one ``.json`` file each)."""

    #: JSON Pointers (``*`` matches one token) whose values are redacted.
    redact_pointers: ClassVar[tuple[str, ...]] = ()
    #: Whether timestamps, fingerprints, state hashes and record digests are redacted.
    redact_volatile: ClassVar[bool] = True

    def serialize(self, data: Any, **_options: Any) -> str:
        return render(data, self.redact_pointers, volatile=self.redact_volatile)


@cache
def _extension(pointers: tuple[str, ...], volatile: bool) -> type[ReplaySnapshotExtension]:
    return type(
        "ReplaySnapshotExtension",
        (ReplaySnapshotExtension,),
        {"redact_pointers": pointers, "redact_volatile": volatile, "__module__": __name__},
    )


def redacting(*pointers: str, volatile: bool = True) -> type[ReplaySnapshotExtension]:
    """The extension class that also redacts ``pointers`` (use with ``extension_class=``).

    ``volatile=False`` keeps timestamps, fingerprints and digests as they are.
    """
    return _extension(tuple(pointers), volatile)
