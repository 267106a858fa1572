"""Tools for testing with replaykit: record builders, strategies, snapshots, ``minimize``.

- ``replaykit.testing.builders``: valid records of every payload kind, ``journal``,
  ``JournalBuilder``;
- ``replaykit.testing.strategies``: hypothesis strategies (needs ``hypothesis``);
- ``minimize(records, predicate)``: a 1-minimal subsequence that keeps a property, with
  ``replay_predicate`` for properties of the fold and ``keep_predicate`` for the
  ``--keep`` language of ``replaykit minimize``;
- ``replaykit.testing.snapshots``: canonical, redacted JSON of replaykit values, used by
  the pytest plugin (``replaykit.testing.pytest_plugin``, registered through the
  ``pytest11`` entry point; its fixtures need ``syrupy``).

Install the optional dependencies with ``pip install 'agent-replaykit[testing]'``.

>>> from replaykit.testing import builders, minimize
>>> records = builders.journal(builders.message(), builders.effect_intent("effect.1"))
>>> [r.record_kind.value for r in minimize(records, lambda rs: len(rs) > 0)]
['effect_intent']
"""

from replaykit.testing import builders
from replaykit.testing._minimize import ReplayPredicate, minimize, replay_predicate
from replaykit.testing.builders import JournalBuilder, journal
from replaykit.testing.predicates import keep_predicate, parse_keep

__all__ = [
    "JournalBuilder",
    "ReplayPredicate",
    "builders",
    "journal",
    "keep_predicate",
    "minimize",
    "parse_keep",
    "replay_predicate",
]
