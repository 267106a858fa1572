"""``SeenRecords``: the accepted record ids of a fold, as a persistent map that grows
in O(1) per step and costs one small object per kept state.

``seen_records`` only ever grows by one new id per accepted record, and a fold moves
forward through one history. So every ``SeenRecords`` is a *view*: the first ``n``
entries of an append-only ledger (a key list, a value list and a key -> position dict)
that the views of one history share. Adding an entry to the newest view appends to the
ledger; a view of an older state sees nothing past its own length, so it never changes.
This is the "fat node" technique of persistent data structures, specialised to
append-only growth:

- stepping the newest state appends: O(1), and the new view is two fields;
- stepping an older state with the record that followed it (re-folding from a keyframe,
  continuing from an earlier state with the same journal) reuses the ledger's next
  entry: O(1), shared;
- stepping an older state with anything else (a real branch) copies the view's entries
  into a ledger of its own first: O(n), once per branch; the branch then grows in O(1).
  A fold from the empty state always starts a ledger of its own, so independent folds
  share nothing.

Compared with a hash array mapped trie (``immutables.Map``), which copies a path of
nodes per insert, this keeps a million kept states in a fraction of the memory and makes
the step cost independent of the map's size (``python bench/bench_timetravel.py``).
Views are immutable values: equality, hashing, iteration (in insertion order) and
lookups behave as for any read-only mapping. The ledger's few mutations happen under a
lock, so views can be stepped from several threads.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping
from itertools import islice
from typing import Any, Final, TypeVar, final, overload

__all__ = ["SeenRecords"]

_V = TypeVar("_V")
_new: Final = object.__new__


@final
class _Ledger:
    """The shared, append-only storage behind the views of one history."""

    __slots__ = ("index", "keys", "lock", "values")

    def __init__(self, keys: list[str], values: list[bytes | None]) -> None:
        self.keys = keys
        self.values = values
        self.index = {key: position for position, key in enumerate(keys)}
        self.lock = threading.Lock()


@final
class SeenRecords(Mapping[str, "bytes | None"]):
    """Accepted record id -> duplicate digest (or ``None``), persistent and shared.

    >>> empty = SeenRecords()
    >>> one = empty.set("rec.1", None)
    >>> two = one.set("rec.2", b"d")
    >>> len(empty), len(one), len(two), "rec.2" in one, two["rec.2"]
    (0, 1, 2, False, b'd')
    >>> list(two), two == SeenRecords({"rec.1": None, "rec.2": b"d"})
    (['rec.1', 'rec.2'], True)
    """

    __slots__ = ("_ledger", "_size")

    def __init__(
        self, entries: Mapping[str, bytes | None] | Iterable[tuple[str, bytes | None]] = ()
    ) -> None:
        data = dict(entries)
        self._ledger = _Ledger(list(data), list(data.values()))
        self._size = len(data)

    @classmethod
    def _view(cls, ledger: _Ledger, size: int) -> SeenRecords:
        view = object.__new__(cls)
        view._ledger = ledger
        view._size = size
        return view

    # -- reading ---------------------------------------------------------------------

    def __len__(self) -> int:
        return self._size

    def __contains__(self, key: object) -> bool:
        position = self._ledger.index.get(key)  # type: ignore[call-overload]
        return position is not None and position < self._size

    def __getitem__(self, key: str) -> bytes | None:
        ledger = self._ledger
        position = ledger.index.get(key)
        if position is None or position >= self._size:
            raise KeyError(key)
        return ledger.values[position]

    @overload
    def get(self, key: str, /) -> bytes | None: ...
    @overload
    def get(self, key: str, default: _V, /) -> bytes | _V | None: ...

    def get(self, key: str, default: Any = None, /) -> Any:
        ledger = self._ledger
        position = ledger.index.get(key)
        if position is None or position >= self._size:
            return default
        return ledger.values[position]

    def __iter__(self) -> Iterator[str]:
        return islice(self._ledger.keys, self._size)

    def position(self, key: str) -> int | None:
        """When ``key`` was added: 0 for the first entry, ``None`` when absent.

        >>> SeenRecords().set("a", None).set("b", None).position("b")
        1
        """
        position = self._ledger.index.get(key)
        return position if position is not None and position < self._size else None

    def __eq__(self, other: object) -> bool:
        if isinstance(other, SeenRecords) and other._ledger is self._ledger:
            return other._size == self._size
        return Mapping.__eq__(self, other)

    def __hash__(self) -> int:
        return hash(frozenset(self.items()))

    def __repr__(self) -> str:
        return f"SeenRecords({dict(self.items())!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (SeenRecords, (list(self.items()),))

    def difference(self, other: SeenRecords) -> list[str] | None:
        """The keys in exactly one of ``self`` and ``other`` when both are views of one
        history (one holds a prefix of the other's entries), in insertion order; else
        ``None``. Costs what the difference holds, not what the views hold.

        >>> one = SeenRecords().set("r.1", None)
        >>> three = one.set("r.2", None).set("r.3", b"d")
        >>> three.difference(one), one.difference(three), one.difference(SeenRecords())
        (['r.2', 'r.3'], ['r.2', 'r.3'], None)
        """
        if other._ledger is not self._ledger:
            return None
        low, high = sorted((self._size, other._size))
        return self._ledger.keys[low:high]

    # -- growing ---------------------------------------------------------------------

    def set(self, key: str, value: bytes | None) -> SeenRecords:
        """A view with ``key`` added; ``KeyError`` if this view has ``key`` already."""
        if key in self:
            raise KeyError(f"{key!r} is already recorded")
        return self.grow(key, value)

    def grow(self, key: str, value: bytes | None) -> SeenRecords:
        """``set`` for a caller that has just found ``key`` absent from this view (the
        fold looks every record id up first): the same, without a second lookup."""
        ledger = self._ledger
        size = self._size
        if not size:  # every history starts a ledger of its own (empty views are shared)
            return SeenRecords._view(_Ledger([key], [value]), 1)
        keys = ledger.keys
        lock = ledger.lock
        lock.acquire()  # (cheaper than ``with`` on this path, which runs once per record)
        try:
            newest = len(keys) == size
            if newest:  # the newest view: append (the hot path, inlined)
                keys.append(key)
                ledger.values.append(value)
                ledger.index[key] = size
            reuse = not newest and keys[size] == key and ledger.values[size] == value
        finally:
            lock.release()
        if newest or reuse:
            view = _new(SeenRecords)
            view._ledger = ledger
            view._size = size + 1
            return view
        # A branch: this view's entries get a ledger of their own.
        branch = _Ledger(keys[:size], ledger.values[:size])
        branch.keys.append(key)
        branch.values.append(value)
        branch.index[key] = size
        return SeenRecords._view(branch, size + 1)
