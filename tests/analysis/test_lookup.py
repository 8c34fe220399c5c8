"""Entities looked up by id: one store query per answer, a shared cache bounded in bytes."""

from __future__ import annotations

from collections.abc import Sequence

from app.analysis.lookup import EntityCache, EntityLookup, entity_bytes
from app.cache import ByteBudgetCache
from app.model import Entity
from app.vocabulary import Kind

ENTITIES = {i: Entity(i, Kind.Company, f"Company {i}") for i in ("a", "b", "c", "d")}


class Store:
    def __init__(self) -> None:
        self.asked: list[list[str]] = []

    def fetch(self, ids: Sequence[str]) -> list[tuple[Entity, int]]:
        self.asked.append(list(ids))
        return [(ENTITIES[i], ord(i)) for i in ids if i in ENTITIES]


def test_prefetch_asks_once_and_reads_on_demand() -> None:
    store = Store()
    lookup = EntityLookup(store.fetch, "v1").prefetch(["a", "b", "a", "zz"])
    assert store.asked == [["a", "b", "zz"]]
    assert lookup["a"].name == "Company a" and lookup.degree("b") == ord("b")
    assert "zz" not in lookup and lookup.get("zz") is None  # unknown: asked once, remembered
    assert lookup["c"].id == "c"  # not prefetched: fetched when read
    assert store.asked == [["a", "b", "zz"], ["c"]]
    assert sorted(lookup) == ["a", "b", "c"]


def test_the_cache_serves_later_answers_of_the_same_version_only() -> None:
    store = Store()
    cache: EntityCache = ByteBudgetCache(10_000)
    EntityLookup(store.fetch, "v1", cache).prefetch(["a", "b"])
    EntityLookup(store.fetch, "v1", cache).prefetch(["a", "b", "c"])
    assert store.asked == [["a", "b"], ["c"]]
    EntityLookup(store.fetch, "v2", cache).prefetch(["a"])  # reseeded: asked again
    assert store.asked[-1] == ["a"] and len(cache) == 1


def test_the_cache_stays_within_its_bytes() -> None:
    store = Store()
    one = entity_bytes(ENTITIES["a"])
    cache: EntityCache = ByteBudgetCache(2 * one)
    lookup = EntityLookup(store.fetch, "v1", cache).prefetch(["a", "b", "c", "d"])
    assert len(lookup) == 4  # the answer has them all
    assert len(cache) == 2 and cache.bytes <= 2 * one  # the cache keeps the last two
