"""The projection cache's bookkeeping: reuse, bounds, versions, leases (a recording server stands
in for GDS here; tests/stores/test_gds.py runs the same cache on the real Neo4j)."""

from __future__ import annotations

from typing import Any

import pytest

from app.filters import RelFilter
from app.stores.gds_projections import CACHE_TTL, ProjectionCache

WINDOWS = [RelFilter.build(as_of=str(year)) for year in (2001, 2002, 2003, 2004)]


class Server:
    """Records projections made and dropped; each projection holds `size` bytes."""

    def __init__(self, size: int = 100):
        self.size = size
        self.live: set[str] = set()
        self.projected = 0

    def read(self, name: str, **params: Any) -> list[dict[str, Any]]:
        if name == "gds_project":
            self.live.add(params["graph"])
            self.projected += 1
            return [{"nodes": 10, "relationships": 20}]
        if name == "gds_graph_size":
            return [{"bytes": self.size}]
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
