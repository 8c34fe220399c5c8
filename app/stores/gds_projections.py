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

Windows from one base. Projecting each window scans its relationships in the store (5–25 s at
a million). Instead, the preparation (`app.prepare`) projects once per dataset version a base
of all time (`gds_project_base`, all types): one edge per disjoint segment of each linked
pair's periods, with the segment's days and the previous segment's last day as properties.
A window's graph (`gds_project`, all types) is then filtered from it in GDS's memory
(`gds_filter_window`, `gds_filter_linked`): the same graph, without reading the store. The
base counts against the byte budget but is never evicted for windows. It is projected afresh
in the background half way to `CACHE_TTL`, so it is always handed out within its time to live.
Until it exists (or where it cannot be kept, or for a selection of types), windows are
projected from the store as before.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from app import background, deadline
from app.background import SharedRuns
from app.filters import RelFilter

Read = Callable[..., list[dict[str, Any]]]
Key = tuple[str, str, RelFilter]  # (dataset version, projection query, window and types)
CACHE_PREFIX = "citygraph-cache-"
CACHE_TTL = 1800.0  # seconds a cached projection is handed out
STALE_AFTER = 600  # seconds: longer than any request may run (budgets and query timeouts are capped far below)
DROP_SECONDS = 10.0  # a drop is a catalog update: instant unless the server is in trouble
BASE_QUERY = "gds_project_base"
WINDOW_QUERY = "gds_project"  # the window graph a base stands in for (all types)
BASE_REFRESH = CACHE_TTL / 2  # seconds: the base is projected afresh at this age
REFRESH_CHECK = 60.0  # seconds between two looks at the base's age

log = logging.getLogger("citygraph.projections")


def day_number(day: dt.date) -> float:
    """A day as the number YYYYMMDD, as `gds_project_base` writes the periods' days (same order).

    Examples
    --------
    >>> day_number(dt.date(2016, 3, 1))
    20160301.0
    """
    return float(day.year * 10000 + day.month * 100 + day.day)


@dataclass
class Projection:
    """A named in-memory graph, its node count and heap, and the node properties computed on it."""

    name: str
    nodes: int
    bytes: int = 0
    relationships: int = 0  # as GDS counts them: an undirected link once each way
    created: float = 0.0
    users: int = 0
    retired: bool = False  # drop when the last user is done
    steps: SharedRuns[object] = field(default_factory=lambda: SharedRuns(kept=8))  # its GDS steps, by name

    def prepare(self, step: str, run: Callable[[], object]) -> None:
        """Run `run` once per projection (a `mutate` that adds node properties), waiting for it
        within the request's deadline.

        It runs in a thread of its own under a background budget: GDS notices a timed-out
        transaction only between its batches, and a triangle count of a 1M window on a busy
        server ran 25 s past the request's timeout. Past the deadline the step goes on for the
        next request: `StillComputing` (a 202), not a wait the budget cannot bound.
        """
        budget = deadline.Deadline(STALE_AFTER, f"preparing the projection ({step})", query_cap=STALE_AFTER)
        job, _ = self.steps.start(step, run, budget, f"projection-{step}")
        background.wait_or_later(job, f"preparing the window's graph ({step})", "it goes on for the next request")


def drop(read: Read, graph: str) -> None:
    """Drop a projection, also when the request's deadline has run out or its client has gone:
    the drop gets a short budget of its own, or the graph would hold heap until swept."""
    with deadline.within(deadline.Deadline(DROP_SECONDS, "the projection's drop")):
        read("gds_drop", graph=graph)


def drop_property(read: Read, graph: str, prop: str) -> None:
    """Drop a request's node property from a projection that outlives it (as `drop`: its own budget)."""
    with deadline.within(deadline.Deadline(DROP_SECONDS, "the node property's drop")):
        read("gds_property_drop", graph=graph, property=prop)


def drop_stale(read: Read, older_than: float = STALE_AFTER) -> list[str]:
    """Drop projections of ours that outlived any request (cached ones: their time to live
    as well); the names dropped."""
    rows = read("gds_drop_stale", older_than=older_than, cached_older_than=older_than + CACHE_TTL)
    return [row["dropped"] for row in rows]


class ProjectionCache:
    """Projections by (dataset version, query, filter), at most `max_count` and `max_bytes`."""

    def __init__(
        self,
        read: Read,
        max_count: int,
        max_bytes: int,
        clock: Callable[[], float] = time.monotonic,
        refresh_every: float | None = REFRESH_CHECK,
    ):
        self.read = read
        self.max_count = max_count
        self.max_bytes = max_bytes
        self.clock = clock
        self.refresh_every = refresh_every  # None: the base is refreshed only by `refresh_base` calls
        self.version: str | None = None
        self.base: Projection | None = None  # the all-time base of `version` (`build_base`)
        self._base_params: dict[str, Any] = {}
        self._items: OrderedDict[Key, Projection] = OrderedDict()
        self._lock = threading.Lock()
        self._refreshing = False
        self._keeper: threading.Thread | None = None
        self._filtering: SharedRuns[Projection] = SharedRuns()  # windows being filtered from the base

    @property
    def names(self) -> list[str]:
        with self._lock:
            return [p.name for p in self._held()]

    @property
    def bytes(self) -> int:
        with self._lock:
            return sum(p.bytes for p in self._held())

    def _held(self) -> list[Projection]:
        return [*self._items.values(), *([self.base] if self.base else [])]

    def build_base(self, version: str, params: dict[str, Any], replacing: Projection | None = None) -> bool:
        """Project the base of `version` (`gds_project_base` with `params`) and keep it in place
        of the one before; False when it cannot be kept (over the byte budget, a cache of none,
        or, given `replacing`, that base is no longer the one held: a new version came)."""
        if self.max_count == 0:
            return False
        drop_stale(self.read)
        name = f"{CACHE_PREFIX}base-{uuid.uuid4().hex}"
        self.read(BASE_QUERY, graph=name, **params)
        base = self._measured(name, 0)
        with self._lock:
            current = replacing is None or replacing is self.base
            doomed = self._forget_other_versions(version) if current else []
            kept = current and base.bytes <= self.max_bytes
            if kept:
                if self.base is not None:
                    doomed += self._retire(self.base)
                self.base, self._base_params = base, params
                doomed += self._overflow()
            else:
                doomed.append(name)
        self._drop(doomed)
        if current and not kept:
            log.warning(
                "the base projection (%d bytes) does not fit gds_projection_bytes: windows are projected", base.bytes
            )
        elif self.refresh_every is not None and self._keeper is None:
            self._keeper = threading.Thread(target=self._keep_fresh, name="projection-base", daemon=True)
            self._keeper.start()
        return kept

    def refresh_base(self) -> None:
        """Project the base afresh once it is `BASE_REFRESH` old: handed out only within its
        `CACHE_TTL` (the sweep of another process drops ours past it), it must not expire."""
        with self._lock:
            base, version, params = self.base, self.version, self._base_params
            if base is None or version is None or self._refreshing or self.clock() - base.created <= BASE_REFRESH:
                return
            self._refreshing = True
        try:
            budget = deadline.Deadline(STALE_AFTER, "the base projection's refresh", query_cap=STALE_AFTER)
            with deadline.within(budget):
                self.build_base(version, params, replacing=base)
        finally:
            self._refreshing = False

    def _keep_fresh(self) -> None:
        """Refresh the base while there is one (a daemon thread per cache)."""
        assert self.refresh_every is not None
        while True:
            time.sleep(self.refresh_every)
            with self._lock:
                if self.base is None:
                    self._keeper = None
                    return
            try:
                self.refresh_base()
            except Exception:  # the server away for a while: windows are projected until it is back
                log.exception("refreshing the base projection failed")

    @contextmanager
    def lease(self, version: str, query: str, params: dict[str, Any], rel_filter: RelFilter) -> Iterator[Projection]:
        """The projection of `rel_filter` by `query` (projecting it if needed), held for the block."""
        key: Key = (version, query, rel_filter)
        job: Future[Projection] | None = None
        with self._lock:
            doomed = self._forget_other_versions(version)
            found = self._items.get(key)
            if found is not None and self.clock() - found.created > CACHE_TTL:
                doomed += self._evict(key)
                found = None
            if found is not None:
                found.users += 1
                self._items.move_to_end(key)
            else:
                job = self._derivation(key, rel_filter) if self._derivable(query, rel_filter) else None
        self._drop(doomed)
        if found is not None:
            projection = found
        elif job is not None:
            projection = self._await(key, job, query, params)
        else:
            projection = self._project(key, query, params)
        try:
            yield projection
        finally:
            self._release(projection)

    def _release(self, projection: Projection) -> None:
        with self._lock:
            projection.users -= 1
            doomed = self._overflow()
            if projection.retired and projection.users == 0:
                doomed.append(projection.name)
        self._drop(doomed)

    def _derivable(self, query: str, rel_filter: RelFilter) -> bool:
        """Whether the window's graph can be filtered from the base (held, within its time to live)."""
        return (
            query == WINDOW_QUERY
            and rel_filter.types is None
            and self.base is not None
            and self.clock() - self.base.created <= CACHE_TTL
        )

    def _project(self, key: Key, query: str, params: dict[str, Any]) -> Projection:
        drop_stale(self.read)
        name = f"{CACHE_PREFIX}{uuid.uuid4().hex}"
        row = self.read(query, graph=name, **params)[0]
        return self._kept(key, self._measured(name, int(row["nodes"])))

    def _derivation(self, key: Key, rel_filter: RelFilter) -> Future[Projection]:
        """The filtering of `key`'s window from the base, started unless under way (call locked).

        It runs in a thread of its own under its own budget (`app.background`): a request that
        runs out of time waiting leaves it to finish, so the next request (or the next year of
        a history) finds the window's graph cached."""
        base = self.base
        assert base is not None
        budget = deadline.Deadline(STALE_AFTER, "a window's graph, filtered from the base", query_cap=STALE_AFTER)
        job, started = self._filtering.start(
            key, lambda: self._derive(key, base, rel_filter), budget, "projection-window"
        )
        if started:  # the base is held until the filtering is done (its release waits for this lock)
            base.users += 1
        return job

    def _derive(self, key: Key, base: Projection, rel_filter: RelFilter) -> Projection:
        """Filter the window's graph from `base` (its edges, then the nodes that have one) and cache it."""
        try:
            drop_stale(self.read)
            name = f"{CACHE_PREFIX}{uuid.uuid4().hex}"
            edges = f"{name}-edges"
            window = {"first": day_number(rel_filter.first), "last": day_number(rel_filter.last)}
            try:
                self.read("gds_filter_window", subgraph=edges, graph=base.name, **window)
                row = self.read("gds_filter_linked", subgraph=name, graph=edges)[0]
            finally:
                drop(self.read, edges)
            projection = self._kept(key, self._measured(name, int(row["nodes"])))
        finally:
            try:
                self._release(base)
            except Exception:  # its drop failed: the sweep frees it; this window is still good
                log.exception("dropping a replaced base projection failed")
        self._release(projection)  # cached idle for its waiters, or dropped if too large to keep
        return projection

    def _await(self, key: Key, job: Future[Projection], query: str, params: dict[str, Any]) -> Projection:
        """The window's graph once `job` has filtered it, within the request's deadline. Past
        it the job goes on and caches the graph for the next request: `StillComputing` (a 202
        with `Retry-After`, nothing found yet, nothing failed), not a 504."""
        mine = background.wait_or_later(
            job,
            "filtering the window's graph from the base projection",
            "it goes on and keeps the graph for the next request",
        )
        with self._lock:
            if self._items.get(key) is mine:
                mine.users += 1
                return mine
        return self._project(key, query, params)  # evicted already, or too large to keep: project it

    def _measured(self, name: str, nodes: int) -> Projection:
        """A new projection with its heap read from GDS (dropped if that fails)."""
        try:
            row = self.read("gds_graph_size", graph=name)[0]
        except BaseException:
            drop(self.read, name)
            raise
        return Projection(name, nodes, int(row["bytes"]), int(row["relationships"]), self.clock())

    def _kept(self, key: Key, projection: Projection) -> Projection:
        """Cache a new projection (in use by the caller) if it fits; else it goes after its use."""
        projection.users = 1
        size = projection.bytes
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
        if self.base is not None:
            doomed += self._retire(self.base)
        return doomed

    def _evict(self, key: Key) -> list[str]:
        """Remove `key`; its name to drop now, or nothing if a request still uses it (dropped after)."""
        return self._retire(self._items.pop(key))

    def _retire(self, projection: Projection) -> list[str]:
        """Mark a projection to go (the base: forget it); its name if no request uses it."""
        if projection is self.base:
            self.base = None
        projection.retired = True
        return [projection.name] if projection.users == 0 else []

    def _overflow(self) -> list[str]:
        """Evict idle projections, least recently used first, until within both bounds."""
        doomed: list[str] = []
        for key in list(self._items):
            total = sum(p.bytes for p in self._held())
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
            if self.base is not None:
                doomed += self._retire(self.base)
        self._drop(doomed)
