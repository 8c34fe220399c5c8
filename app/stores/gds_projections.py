"""GDS projections kept across requests: one per dataset version, window and filter.

Projecting a window costs a scan of its relationships (seconds at a million); the next
request for the same window (another metric, the next page of a ranking, the same question
again) reuses it. The cache is bounded by a count and by the heap the projections hold (GDS's
own `sizeInBytes`); the least recently used idle projection is dropped first, and all of them
when the dataset version changes. A projection in use by a request is never dropped under
it: it is marked and dropped when its last user is done.

Projections are named `citygraph-cache-…`; one that cannot be kept (over the budget, or a
second request racing the first to project the same window) is dropped after its request.
`drop_stale` drops ours older than `CACHE_TTL` plus the longest a request may run, so a
process that died leaves nothing behind for long; a cached projection is not handed out past
its `CACHE_TTL`, so the sweep of another process never drops one in use. Other `citygraph-…`
graphs (older versions' one-off projections) are swept after the longest a request may run.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from app import deadline
from app.filters import RelFilter

Read = Callable[..., list[dict[str, Any]]]
Key = tuple[str, str, RelFilter]  # (dataset version, projection query, window and types)
CACHE_PREFIX = "citygraph-cache-"
CACHE_TTL = 1800.0  # seconds a cached projection is handed out
STALE_AFTER = 600  # seconds: longer than any request may run (budgets and query timeouts are capped far below)
DROP_SECONDS = 10.0  # a drop is a catalog update: instant unless the server is in trouble


@dataclass
class Projection:
    """A named in-memory graph, its node count and heap, and the node properties computed on it."""

    name: str
    nodes: int
    bytes: int = 0
    created: float = 0.0
    users: int = 0
    retired: bool = False  # drop when the last user is done
    prepared: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def prepare(self, step: str, run: Callable[[], object]) -> None:
        """Run `run` once per projection (a `mutate` that adds node properties)."""
        with self.lock:
            if step not in self.prepared:
                run()
                self.prepared.add(step)


def drop(read: Read, graph: str) -> None:
    """Drop a projection, also when the request's deadline has run out or its client has gone:
    the drop gets a short budget of its own, or the graph would hold heap until swept."""
    with deadline.within(deadline.Deadline(DROP_SECONDS, "the projection's drop")):
        read("gds_drop", graph=graph)


def drop_stale(read: Read, older_than: float = STALE_AFTER) -> list[str]:
    """Drop projections of ours that outlived any request (cached ones: their time to live
    as well); the names dropped."""
    rows = read("gds_drop_stale", older_than=older_than, cached_older_than=older_than + CACHE_TTL)
    return [row["dropped"] for row in rows]


class ProjectionCache:
    """Projections by (dataset version, query, filter), at most `max_count` and `max_bytes`."""

    def __init__(self, read: Read, max_count: int, max_bytes: int, clock: Callable[[], float] = time.monotonic):
        self.read = read
        self.max_count = max_count
        self.max_bytes = max_bytes
        self.clock = clock
        self.version: str | None = None
        self._items: OrderedDict[Key, Projection] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def names(self) -> list[str]:
        with self._lock:
            return [p.name for p in self._items.values()]

    @property
    def bytes(self) -> int:
        with self._lock:
            return sum(p.bytes for p in self._items.values())

    @contextmanager
    def lease(self, version: str, query: str, params: dict[str, Any], rel_filter: RelFilter) -> Iterator[Projection]:
        """The projection of `rel_filter` by `query` (projecting it if needed), held for the block."""
        key: Key = (version, query, rel_filter)
        with self._lock:
            doomed = self._forget_other_versions(version)
            found = self._items.get(key)
            if found is not None and self.clock() - found.created > CACHE_TTL:
                doomed += self._evict(key)
                found = None
            if found is not None:
                found.users += 1
                self._items.move_to_end(key)
        self._drop(doomed)
        projection = found or self._project(key, query, params)
        try:
            yield projection
        finally:
            with self._lock:
                projection.users -= 1
                doomed = self._overflow()
                if projection.retired and projection.users == 0:
                    doomed.append(projection.name)
            self._drop(doomed)

    def _project(self, key: Key, query: str, params: dict[str, Any]) -> Projection:
        drop_stale(self.read)
        name = f"{CACHE_PREFIX}{uuid.uuid4().hex}"
        row = self.read(query, graph=name, **params)[0]
        try:
            size = int(self.read("gds_graph_size", graph=name)[0]["bytes"])
        except BaseException:
            drop(self.read, name)
            raise
        projection = Projection(name, int(row["nodes"]), size, self.clock(), users=1)
        with self._lock:
            if key in self._items or size > self.max_bytes or self.max_count == 0:
                projection.retired = True  # another request cached it first, or it never fits
            else:
                self._items[key] = projection
        return projection

    def remeasure(self, projection: Projection) -> None:
        """Read a projection's heap again after node properties were added to it."""
        size = int(self.read("gds_graph_size", graph=projection.name)[0]["bytes"])
        with self._lock:
            projection.bytes = size

    def _forget_other_versions(self, version: str) -> list[str]:
        if version == self.version:
            return []
        self.version = version
        doomed: list[str] = []
        for key in list(self._items):
            doomed += self._evict(key)
        return doomed

    def _evict(self, key: Key) -> list[str]:
        """Remove `key`; its name to drop now, or nothing if a request still uses it (dropped after)."""
        projection = self._items.pop(key)
        projection.retired = True
        return [projection.name] if projection.users == 0 else []

    def _overflow(self) -> list[str]:
        """Evict idle projections, least recently used first, until within both bounds."""
        doomed: list[str] = []
        for key in list(self._items):
            total = sum(p.bytes for p in self._items.values())
            if len(self._items) <= self.max_count and total <= self.max_bytes:
                break
            if self._items[key].users == 0:
                doomed += self._evict(key)
        return doomed

    def _drop(self, names: list[str]) -> None:
        for name in names:
            drop(self.read, name)

    def clear(self) -> None:
        """Drop every idle projection (the store closes); ones in use go when released."""
        with self._lock:
            doomed: list[str] = []
            for key in list(self._items):
                doomed += self._evict(key)
        self._drop(doomed)
