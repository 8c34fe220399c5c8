"""A cache of computed answers, bounded in bytes and keyed by dataset version.

Analytics answers (score rankings, broker rankings, snapshot graphs) cost seconds to
compute on a large graph and are asked for again and again, so the service keeps them; but
their sizes differ by orders of magnitude with the window and the data, so a count of
entries ("64 graphs") bounds nothing. `ByteBudgetCache` holds entries whose estimated sizes
add up to at most a budget of bytes and drops the least recently used first. The caller
gives each entry's size with the value: an estimate from the value's shape (rows × a
per-row constant), documented where it is made, since measuring Python objects exactly
costs as much as building them; a value made of a few flat arrays measures itself (a score
ranking: `app.analysis.ranking.Ranking.nbytes`).

Entries belong to one dataset version: a lookup or store under another version empties the
cache first, so a reseeded database is never answered from an older version's results.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

V = TypeVar("V")

# Bytes of one cached row, measured with `sys.getsizeof` on CPython 3.11 and rounded up:
# a tuple of three (88), its float (24) and int (28), the dict slot and list pointer around it;
# the row's id string is counted by its length on top (49 + one byte per ASCII character).
ROW_OVERHEAD = 200
STR_OVERHEAD = 49
# A networkx graph: each node costs its adjacency dict and attribute dict (~ 500 bytes), each
# edge two adjacency entries and one shared attribute dict (~ 400 bytes).
GRAPH_NODE_BYTES = 500
GRAPH_EDGE_BYTES = 400


def rows_bytes(ids: list[str], per_row: int = ROW_OVERHEAD) -> int:
    """Estimated bytes of a list of rows, one per id: a fixed cost per row plus its id.

    Examples
    --------
    >>> rows_bytes(["a", "bcd"], per_row=100)
    302
    """
    return sum(per_row + STR_OVERHEAD + len(i) for i in ids)


def graph_bytes(nodes: int, edges: int) -> int:
    """Estimated bytes of a networkx graph of `nodes` nodes and `edges` edges.

    Examples
    --------
    >>> graph_bytes(10, 20)
    13000
    """
    return nodes * GRAPH_NODE_BYTES + edges * GRAPH_EDGE_BYTES


@dataclass
class _Entry(Generic[V]):
    value: V
    size: int


class ByteBudgetCache(Generic[V]):
    """Least-recently-used values of one dataset version, at most `max_bytes` by their
    estimated sizes. Thread-safe: requests share it. A value larger than the whole budget is
    returned to its caller but not kept.

    Examples
    --------
    >>> cache: ByteBudgetCache[str] = ByteBudgetCache(100)
    >>> cache.put("v1", "a", "alpha", 60); cache.put("v1", "b", "beta", 60)
    >>> cache.get("v1", "a") is None, cache.get("v1", "b"), cache.bytes
    (True, 'beta', 60)
    >>> cache.get("v2", "b") is None, len(cache)
    (True, 0)
    """

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.version: str | None = None
        self.bytes = 0
        self.hits = 0
        self.misses = 0
        self._items: OrderedDict[Hashable, _Entry[V]] = OrderedDict()
        self._lock = threading.Lock()

    def _switch(self, version: str) -> None:
        """Forget everything of another version (the caller holds the lock)."""
        if version != self.version:
            self._items.clear()
            self.bytes, self.version = 0, version

    def get(self, version: str, key: Hashable) -> V | None:
        """The value kept for `key` under `version`, or None."""
        with self._lock:
            self._switch(version)
            entry = self._items.get(key)
            if entry is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return entry.value

    def put(self, version: str, key: Hashable, value: V, size: int) -> None:
        """Keep `value` (estimated at `size` bytes), dropping the least recently used to fit."""
        with self._lock:
            self._switch(version)
            old = self._items.pop(key, None)
            if old is not None:
                self.bytes -= old.size
            if size > self.max_bytes:
                return
            self._items[key] = _Entry(value, size)
            self.bytes += size
            while self.bytes > self.max_bytes:
                _, dropped = self._items.popitem(last=False)
                self.bytes -= dropped.size

    def get_or_compute(self, version: str, key: Hashable, compute: Callable[[], V], size: Callable[[V], int]) -> V:
        """The kept value, or `compute()`'s, kept at `size(value)` bytes. Two requests missing
        the same key at once both compute (no lock is held while computing)."""
        found = self.get(version, key)
        if found is not None:
            return found
        value = compute()
        self.put(version, key, value, size(value))
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.bytes = 0

    def __len__(self) -> int:
        return len(self._items)


class PerVersion(Generic[V]):
    """One value of the loaded dataset version, computed on first use and again after the
    version changes; held apart from `ByteBudgetCache` (a few kilobytes that windows'
    rankings must not evict, costly to compute again).

    Examples
    --------
    >>> counts = PerVersion[int]()
    >>> counts.get("v1", lambda: 1), counts.get("v1", lambda: 2), counts.get("v2", lambda: 3)
    (1, 1, 3)
    """

    def __init__(self) -> None:
        self._held: tuple[str, V] | None = None

    def get(self, version: str, compute: Callable[[], V]) -> V:
        held = self._held
        if held is None or held[0] != version:
            held = self._held = (version, compute())
        return held[1]
