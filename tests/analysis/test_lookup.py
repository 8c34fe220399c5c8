"""Entities looked up by id: one store query per answer, a shared cache bounded in bytes."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from app import deadline
from app.analysis.lookup import EntityCache, EntityLookup, entity_bytes
from app.cache import ByteBudgetCache
from app.errors import RequestCancelled
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


def test_an_answer_is_named_even_after_its_search_used_up_the_time() -> None:
    """A path search stops at the deadline and keeps its paths; looking up their entities
    must still run (its own budget), but not once the client has gone."""
    seen: list[tuple[bool, str | None]] = []

    def fetch(ids: Sequence[str]) -> list[tuple[Entity, int]]:
        limit = deadline.current()
        seen.append((limit.expired, limit.cancelled))
        limit.check("the lookup")
        return [(ENTITIES[i], 1) for i in ids]

    now = [0.0]
    spent = deadline.Deadline(1.0, clock=lambda: now[0])
    now[0] = 5.0
    with deadline.within(spent):
        assert spent.expired
        assert EntityLookup(fetch, "v1")["a"].id == "a"
        assert seen == [(False, None)]
        spent.cancel("client left")
        with pytest.raises(RequestCancelled):
            EntityLookup(fetch, "v1")["b"]
