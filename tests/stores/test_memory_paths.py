"""The embedded store's shortest paths meet in the middle: the same paths as the one-sided search.

The one-sided search (`_distances_to_target`, still used by the other modes) is the
reference: on a synthetic graph with hubs, for pairs near and far, with entities and kinds
blocked, windows and hop limits, both give the same paths in the same order.
"""

from __future__ import annotations

import random

import pytest

from app.filters import RelFilter
from app.stores.base import SegmentQuery
from app.stores.memory import MemoryStore
from app.vocabulary import Kind
from seed.synth import synthetic_dataset


@pytest.fixture(scope="module")
def store() -> MemoryStore:
    return MemoryStore(synthetic_dataset(5000))


def one_sided(store: MemoryStore, query: SegmentQuery) -> list[object]:
    meet = store._shortest_distances
    store._shortest_distances = store._distances_to_target  # type: ignore[method-assign]
    try:
        return list(store.segment_paths(query).paths)
    finally:
        store._shortest_distances = meet  # type: ignore[method-assign]


def test_meeting_in_the_middle_finds_the_same_shortest_paths(store: MemoryStore) -> None:
    rng = random.Random(5)
    ids = sorted(store.graph.nodes)
    hubs = sorted(ids, key=lambda i: -len(store._incident[i]))[:5]
    found = 0
    for n in range(120):
        source, target = rng.sample(ids, 2)
        query = SegmentQuery(
            source, target, "shortest", max_hops=rng.choice([2, 3, 4, 6]),
            rel_filter=RelFilter.build(as_of="2005") if n % 3 == 0 else RelFilter(),
            blocked=frozenset(rng.sample(hubs, 2)) if n % 4 == 0 else frozenset(),
            blocked_kinds=frozenset({Kind.Country, Kind.Region}) if n % 5 == 0 else frozenset({Kind.Country}),
        )  # fmt: skip
        got = list(store.segment_paths(query).paths)
        assert got == one_sided(store, query), query
        found += bool(got)
    assert found > 30  # most pairs are joined, so paths were compared, not just empty answers
    assert not store.segment_paths(SegmentQuery(ids[0], ids[0], "shortest", max_hops=3)).paths
