"""Every simple path up to four links on a synthetic 10k graph with hubs: the Neo4j search
from both ends (`paths_all`, `paths_temporal`) finds exactly the paths the embedded store's
depth-first search finds, walked the same way, under a date window and a type filter too."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest

from app import deadline
from app.filters import RelFilter
from app.model import Dataset, Path
from app.stores.base import GraphStore, SegmentQuery
from app.stores.memory import MemoryStore
from app.stores.neo4j_store import Neo4jStore
from app.vocabulary import REL_TYPE_NAMES
from tests.scale_graph import scale_dataset

pytestmark = pytest.mark.neo4j

FILTERS = [RelFilter(), RelFilter.build(start="1975", end="2010"), RelFilter.build(types=list(REL_TYPE_NAMES[::2]))]


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return scale_dataset(10_000)


@pytest.fixture(scope="module")
def stores(dataset: Dataset, neo4j_loader: Callable[[Dataset], Neo4jStore]) -> tuple[GraphStore, GraphStore]:
    return neo4j_loader(dataset), MemoryStore(dataset)


def pairs(dataset: Dataset) -> list[tuple[str, str]]:
    """Quiet entities (two to eight links), as the bench picks them, and one hub as an end."""
    degree: dict[str, int] = {}
    for rel in dataset.relationships:
        degree[rel.source] = degree.get(rel.source, 0) + 1
        degree[rel.target] = degree.get(rel.target, 0) + 1
    quiet = sorted(e for e, d in degree.items() if 2 <= d <= 8)
    hub = max(degree, key=lambda e: (degree[e], e))
    rng = random.Random(7)
    return [tuple(rng.sample(quiet, 2)) for _ in range(4)] + [(rng.choice(quiet), hub)]  # type: ignore[misc]


def walked(paths: list[Path]) -> set[tuple[Any, ...]]:
    return {tuple((h.rel.id, h.start, h.end) for h in path) for path in paths}


@pytest.mark.parametrize("mode", ["all", "temporal"])
@pytest.mark.parametrize("window", range(len(FILTERS)))
def test_both_ends_search_finds_the_depth_first_searchs_paths(
    stores: tuple[GraphStore, GraphStore], dataset: Dataset, mode: str, window: int
) -> None:
    neo4j, memory = stores
    compared = found = 0
    with deadline.bounded(120, "test"):
        for source, target in pairs(dataset):
            for hops in range(1, 5):
                query = SegmentQuery(
                    source=source, target=target, mode=mode, max_hops=hops,  # type: ignore[arg-type]
                    rel_filter=FILTERS[window], blocked=frozenset(), max_expansions=5_000_000,
                )  # fmt: skip
                theirs, ours = memory.segment_paths(query), neo4j.segment_paths(query)
                if theirs.truncated or ours.truncated:  # a capped level is not the whole set
                    continue
                assert walked(ours.paths) == walked(theirs.paths), (source, target, hops)
                compared += 1
                found += len(ours.paths)
    assert compared >= 12 and found > 20  # real comparisons, with paths through the hubs


@pytest.mark.parametrize("window", range(len(FILTERS)))
def test_neighbour_ranking_counts_as_the_relationships_say(
    stores: tuple[GraphStore, GraphStore], dataset: Dataset, window: int
) -> None:
    """Both stores rank a hub's and a quiet entity's neighbours alike, most links first then by
    id, and agree with counting the entity's relationships; the ties read back are those."""
    from collections import Counter

    from app.vocabulary import Kind

    rel_filter = FILTERS[window]
    kinds = {e.id: e.kind for e in dataset.entities}
    hub = pairs(dataset)[-1][1]
    for entity, wanted, limit in [(hub, None, 25), (hub, frozenset({Kind.Municipality, Kind.Company}), 7),
                                  (pairs(dataset)[0][0], None, 100)]:  # fmt: skip
        rels = stores[1].relationships_touching([entity], rel_filter)
        links = Counter(r.target if r.source == entity else r.source for r in rels)
        links = Counter({o: n for o, n in links.items() if wanted is None or kinds[o] in wanted})
        expected = (len(links), sorted(links.items(), key=lambda kv: (-kv[1], kv[0]))[:limit])
        assert expected[1], (entity, window)
        for store in stores:
            assert store.neighbour_ranking(entity, rel_filter, wanted, limit) == expected, store.backend
            shown = [o for o, _ in expected[1]]
            between = store.relationships_between(entity, shown, rel_filter)
            assert [r.id for r in between] == sorted(r.id for r in rels if {r.source, r.target} & set(shown))


def test_timeline_is_ordered_alike_in_both_stores(stores: tuple[GraphStore, GraphStore], dataset: Dataset) -> None:
    """The database orders an entity's timeline as `Relationship.timeline_key` does, hub or not,
    with the count of all its relationships however few are sent."""
    hub = pairs(dataset)[-1][1]
    for entity, limit in [(hub, 40), (hub, 100_000), (pairs(dataset)[0][0], 3)]:
        rels = stores[1].relationships_touching([entity], RelFilter())
        expected = sorted(rels, key=lambda r: r.timeline_key())[:limit]
        assert any(not (r.dated or r.attested) for r in rels) or limit < len(rels)
        for store in stores:
            count, got = store.timeline(entity, limit)
            assert (count, [r.id for r in got]) == (len(rels), [r.id for r in expected]), store.backend
