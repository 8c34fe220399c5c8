"""The projection cache's bookkeeping: reuse, bounds, versions, leases (a recording server stands
in for GDS here; tests/stores/test_gds.py runs the same cache on the real Neo4j)."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from app import deadline
from app.errors import StillComputing
from app.filters import RelFilter
from app.stores.gds_projections import BASE_REFRESH, CACHE_TTL, ProjectionCache

WINDOWS = [RelFilter.build(as_of=str(year)) for year in (2001, 2002, 2003, 2004)]


class Server:
    """Records projections made and dropped; each projection holds `size` bytes."""

    def __init__(self, size: int = 100, base_size: int = 1000):
        self.size = size
        self.base_size = base_size
        self.live: set[str] = set()
        self.projected = 0  # windows projected from the store
        self.bases = 0
        self.filtered: list[tuple[str, float, float]] = []  # (base, first, last) of each window filtered

    def read(self, name: str, **params: Any) -> list[dict[str, Any]]:
        if name == "gds_project":
            self.live.add(params["graph"])
            self.projected += 1
            return [{"nodes": 10, "relationships": 20}]
        if name == "gds_project_base":
            self.live.add(params["graph"])
            self.bases += 1
            return [{"nodes": 100, "relationships": 200}]
        if name in ("gds_filter_window", "gds_filter_linked"):
            assert params["graph"] in self.live
            self.live.add(params["subgraph"])
            if name == "gds_filter_window":
                self.filtered.append((params["graph"], params["first"], params["last"]))
            return [{"nodes": 10, "relationships": 20}]
        if name == "gds_graph_size":
            return [{"bytes": self.base_size if "base" in params["graph"] else self.size, "relationships": 0}]
        if name == "gds_drop":
            self.live.discard(params["graph"])
            return [{"graphName": params["graph"]}]
        if name == "gds_drop_stale":
            return []
        raise AssertionError(name)


def use(cache: ProjectionCache, window: RelFilter, version: str = "v1") -> str:
    with cache.lease(version, "gds_project", {}, window) as p:
        return p.name


def test_a_window_is_projected_once_and_reused() -> None:
    server = Server()
    cache = ProjectionCache(server.read, 8, 10_000)
    assert use(cache, WINDOWS[0]) == use(cache, WINDOWS[0])
    assert server.projected == 1 and server.live == set(cache.names)


def test_the_count_bound_drops_the_least_recently_used() -> None:
    server = Server()
    cache = ProjectionCache(server.read, 2, 10_000)
    first = use(cache, WINDOWS[0])
    use(cache, WINDOWS[1])
    use(cache, WINDOWS[0])  # the first is now the most recently used
    use(cache, WINDOWS[2])
    assert first in cache.names and len(cache.names) == 2 and server.live == set(cache.names)


def test_the_byte_bound_holds_and_a_projection_too_large_is_not_kept() -> None:
    server = Server(size=400)
    cache = ProjectionCache(server.read, 8, 1000)
    for window in WINDOWS:
        use(cache, window)
    assert len(cache.names) == 2 and cache.bytes == 800 and server.live == set(cache.names)
    server.size = 2000
    use(cache, RelFilter())
    assert len(cache.names) == 2 and server.live == set(cache.names)  # used once, then dropped


def test_a_new_dataset_version_drops_the_old_projections() -> None:
    server = Server()
    cache = ProjectionCache(server.read, 8, 10_000)
    old = use(cache, WINDOWS[0], "v1")
    new = use(cache, WINDOWS[0], "v2")
    assert old != new and server.live == {new} and cache.names == [new]


def test_a_projection_in_use_is_dropped_only_when_released() -> None:
    """Evicted (a new version) while a request uses it, it stays until that request is done."""
    server = Server()
    cache = ProjectionCache(server.read, 8, 10_000)
    with cache.lease("v1", "gds_project", {}, WINDOWS[0]) as held:
        use(cache, WINDOWS[0], "v2")
        assert held.name in server.live and held.name not in cache.names
    assert held.name not in server.live


def test_an_old_projection_is_not_handed_out() -> None:
    """Past its time to live it is projected afresh (the sweep of another process may drop it)."""
    now = [0.0]
    server = Server()
    cache = ProjectionCache(server.read, 8, 10_000, clock=lambda: now[0])
    first = use(cache, WINDOWS[0])
    now[0] = CACHE_TTL + 1
    assert use(cache, WINDOWS[0]) != first and server.live == set(cache.names) and server.projected == 2


def test_a_failed_request_leaves_the_projection_usable() -> None:
    server = Server()
    cache = ProjectionCache(server.read, 8, 10_000)
    with pytest.raises(RuntimeError), cache.lease("v1", "gds_project", {}, WINDOWS[0]):
        raise RuntimeError("the algorithm failed")
    assert use(cache, WINDOWS[0]) in server.live and server.projected == 1


def test_a_cache_of_none_projects_per_request() -> None:
    server = Server()
    cache = ProjectionCache(server.read, 0, 10_000)
    use(cache, WINDOWS[0])
    use(cache, WINDOWS[0])
    assert server.projected == 2 and server.live == set() and cache.names == []


def based(server: Server, max_bytes: int = 10_000, count: int = 8) -> tuple[ProjectionCache, list[float]]:
    """A cache on a fake clock holding the base of v1."""
    now = [0.0]
    cache = ProjectionCache(server.read, count, max_bytes, clock=lambda: now[0], refresh_every=None)
    assert cache.build_base("v1", {})
    return cache, now


def test_windows_are_filtered_from_the_base_and_kept() -> None:
    """With a base, a window is not projected from the store; its graph is cached like one
    (the intermediate graph of edges is dropped), and its days are given as numbers YYYYMMDD."""
    server = Server()
    cache, _ = based(server)
    first = use(cache, WINDOWS[0])
    assert use(cache, WINDOWS[0]) == first and use(cache, WINDOWS[1]) != first
    assert server.projected == 0 and server.bases == 1 and len(server.filtered) == 2
    assert server.filtered[0][1:] == (20010101.0, 20011231.0)
    assert server.live == set(cache.names) and cache.base is not None and cache.base.name in server.live
    assert cache.bytes == 1000 + 2 * 100


def test_without_a_base_or_for_a_selection_of_types_windows_are_projected() -> None:
    """The fallback: no base yet, or a filter on types (the base holds all types), or another query."""
    server = Server()
    cache = ProjectionCache(server.read, 8, 10_000, refresh_every=None)
    use(cache, WINDOWS[0])
    assert server.projected == 1 and not server.filtered
    cache.build_base("v1", {})
    use(cache, RelFilter.build(as_of="2001", types=["PARTNER_OF"]))
    assert server.projected == 2 and not server.filtered
    use(cache, WINDOWS[1])
    assert server.projected == 2 and len(server.filtered) == 1


def test_the_base_is_refreshed_and_never_expires_while_kept() -> None:
    """Half way to its time to live it is projected afresh (the old one dropped), so windows
    are still filtered from a base long after the first one's CACHE_TTL."""
    server = Server()
    cache, now = based(server)
    old = cache.base
    assert old is not None
    now[0] = BASE_REFRESH / 2
    cache.refresh_base()
    assert cache.base is old and server.bases == 1  # young: kept as it is
    now[0] = BASE_REFRESH + 1
    cache.refresh_base()
    assert cache.base is not old and old.name not in server.live and server.bases == 2
    now[0] = CACHE_TTL + 10
    use(cache, WINDOWS[0])
    assert server.projected == 0 and server.filtered[-1][0] == cache.base.name


def test_an_expired_base_is_not_handed_out() -> None:
    """Not refreshed (the server was away), past CACHE_TTL it is no longer used: windows are projected."""
    server = Server()
    cache, now = based(server)
    now[0] = CACHE_TTL + 1
    use(cache, WINDOWS[0])
    assert server.projected == 1 and not server.filtered


def test_a_new_version_drops_the_base_and_an_old_refresh_does_not_return() -> None:
    server = Server()
    cache, now = based(server)
    old = cache.base
    assert old is not None
    now[0] = BASE_REFRESH + 1
    use(cache, WINDOWS[0], "v2")
    assert cache.base is None and old.name not in server.live and server.projected == 1
    assert not cache.build_base("v1", {}, replacing=old)  # a refresh of v1 that finished late
    assert cache.base is None and cache.version == "v2" and server.live == set(cache.names)


def test_the_base_counts_against_the_bytes_and_one_too_large_is_not_kept() -> None:
    server = Server(size=400, base_size=1000)
    cache, _ = based(server, max_bytes=1900)
    for window in WINDOWS:
        use(cache, window)
    assert cache.base is not None and len(cache.names) == 3 and cache.bytes == 1800  # the base and two windows
    small = ProjectionCache(Server(base_size=5000).read, 8, 1000, refresh_every=None)
    assert not small.build_base("v1", {}) and small.base is None and small.names == []


def test_a_base_in_use_while_replaced_is_dropped_after() -> None:
    """A window being filtered from the old base keeps it until done (the refresh does not pull it away)."""
    server = Server()
    cache, now = based(server)
    old = cache.base
    assert old is not None
    reading = server.read

    def refreshing_midway(name: str, **params: Any) -> list[dict[str, Any]]:
        rows = reading(name, **params)
        if name == "gds_filter_window":
            now[0] = BASE_REFRESH + 1
            cache.refresh_base()
            assert old.name in server.live  # still filtering from it
        return rows

    cache.read = refreshing_midway
    use(cache, WINDOWS[0])
    assert old.name not in server.live and cache.base is not old and server.live == set(cache.names)


def test_a_window_filtered_past_the_request_budget_is_kept_for_the_next_request() -> None:
    """The request that runs out of time is told the work goes on (`StillComputing`, a 202 with
    `Retry-After`, not a 504); the filtering goes on (once, however many requests wait for it)
    and the next request finds the window's graph cached."""
    server = Server()
    cache, _ = based(server)
    go = threading.Event()
    reading = server.read

    def slow(name: str, **params: Any) -> list[dict[str, Any]]:
        if name == "gds_filter_linked":
            assert go.wait(10)
        return reading(name, **params)

    cache.read = slow
    for _ in range(2):  # the second joins the filtering the first started
        with deadline.within(deadline.Deadline(0.05)), pytest.raises(StillComputing) as waited:
            use(cache, WINDOWS[0])
        assert waited.value.status == 202 and waited.value.retry_after >= 1
        assert "goes on" in waited.value.message
    go.set()
    with deadline.within(deadline.Deadline(5.0)):
        name = use(cache, WINDOWS[0])
    assert len(server.filtered) == 1 and server.projected == 0 and name in cache.names
    assert server.live == set(cache.names)  # the intermediate graph of edges is gone


def test_a_failed_filtering_reaches_its_request_and_the_next_one_tries_again() -> None:
    server = Server()
    cache, _ = based(server)
    reading = server.read
    fail = [True]

    def failing(name: str, **params: Any) -> list[dict[str, Any]]:
        if name == "gds_filter_linked" and fail[0]:
            fail[0] = False
            raise RuntimeError("GDS refused")
        return reading(name, **params)

    cache.read = failing
    with pytest.raises(RuntimeError, match="GDS refused"):
        use(cache, WINDOWS[0])
    assert use(cache, WINDOWS[0]) in cache.names and len(server.filtered) == 2
    assert cache.base is not None and server.live == set(cache.names)
