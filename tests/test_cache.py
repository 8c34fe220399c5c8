"""The analytics cache: bounded by estimated bytes, one dataset version at a time."""

from __future__ import annotations

import threading

from app.cache import ByteBudgetCache, rows_bytes
from app.config import Settings
from app.filters import RelFilter
from app.service import CityGraph
from app.stores.memory import MemoryStore


def test_least_recently_used_entries_leave_first_when_the_budget_is_full() -> None:
    """Reading an entry keeps it; the one read longest ago is dropped to make room."""
    cache: ByteBudgetCache[int] = ByteBudgetCache(250)
    for key in "abc":
        cache.put("v1", key, ord(key), 80)
    assert cache.get("v1", "a") == ord("a")
    cache.put("v1", "d", 4, 80)
    assert cache.get("v1", "b") is None
    assert [cache.get("v1", k) for k in "acd"] == [ord("a"), ord("c"), 4]
    assert cache.bytes == 240 <= cache.max_bytes


def test_a_value_larger_than_the_budget_is_answered_but_not_kept() -> None:
    cache: ByteBudgetCache[str] = ByteBudgetCache(100)
    cache.put("v1", "small", "s", 10)
    assert cache.get_or_compute("v1", "big", lambda: "B", lambda _: 101) == "B"
    assert cache.get("v1", "big") is None and cache.get("v1", "small") == "s" and cache.bytes == 10


def test_replacing_a_key_counts_its_size_once() -> None:
    cache: ByteBudgetCache[str] = ByteBudgetCache(100)
    cache.put("v1", "k", "x", 60)
    cache.put("v1", "k", "y", 70)
    assert cache.bytes == 70 and len(cache) == 1 and cache.get("v1", "k") == "y"


def test_another_dataset_version_never_sees_older_entries() -> None:
    """After a reseed (a new version) the old answers are gone, and their bytes with them."""
    cache: ByteBudgetCache[str] = ByteBudgetCache(100)
    cache.put("v1", "k", "old", 50)
    assert cache.get("v2", "k") is None
    assert cache.bytes == 0 and cache.version == "v2"
    assert cache.get_or_compute("v2", "k", lambda: "new", lambda _: 50) == "new"
    assert cache.get("v2", "k") == "new"


def test_threads_sharing_the_cache_keep_its_byte_count_exact() -> None:
    cache: ByteBudgetCache[int] = ByteBudgetCache(1000)

    def work(offset: int) -> None:
        for i in range(2000):
            cache.put("v1", (offset, i % 37), i, 7 + i % 5)
            cache.get("v1", (offset, (i * 7) % 37))

    threads = [threading.Thread(target=work, args=(t,)) for t in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert cache.bytes <= 1000
    assert cache.bytes == sum(e.size for e in cache._items.values())


def test_row_estimates_grow_with_the_rows() -> None:
    assert rows_bytes([]) == 0
    assert rows_bytes(["x" * 10] * 1000) == 10 * rows_bytes(["x" * 10] * 100) > 100_000


def test_the_service_keeps_answers_within_its_byte_budget(seed_dataset) -> None:  # type: ignore[no-untyped-def]
    """Centrality answers are cached (a repeat is a hit) and the cache stays within the setting."""
    settings = Settings(_env_file=None, analytics_cache_bytes=1_000_000)  # type: ignore[call-arg]
    graph = CityGraph(MemoryStore(seed_dataset), settings)
    first = graph.centrality("degree", RelFilter())
    hits = graph._cache.hits
    assert graph.centrality("degree", RelFilter()) == first
    assert graph._cache.hits > hits
    for year in range(1990, 2019):
        graph.centrality("pagerank", RelFilter.build(as_of=str(year)))
        assert graph._cache.bytes <= 1_000_000
    assert len(graph._cache) >= 2  # room for more than one answer, not for every year's
    assert graph._cache.get(graph.store.version, ("scores", "degree", RelFilter())) is None  # the oldest went first


def test_a_zero_budget_keeps_nothing_and_still_answers(seed_dataset) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(_env_file=None, analytics_cache_bytes=0)  # type: ignore[call-arg]
    graph = CityGraph(MemoryStore(seed_dataset), settings)
    assert graph.centrality("degree", RelFilter())["results"]
    assert len(graph._cache) == 0 and graph._cache.bytes == 0
