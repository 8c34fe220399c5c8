"""Names and lookups on Neo4j at 10k relationships: answered from the indexes and by id,
never by pulling every entity (issue 8, parts 5 and 7), and ranked as the embedded
backend ranks the same data."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from neo4j import Driver

from app.analysis.names import EntityIndex
from app.config import Settings
from app.cypher_registry import CypherRegistry
from app.errors import AmbiguousEntity, EntityNotFound
from app.filters import RelFilter
from app.model import Dataset
from app.service import CityGraph
from app.stores.memory import MemoryStore
from app.stores.neo4j_store import Neo4jStore
from tests.scale_graph import scale_dataset

pytestmark = pytest.mark.neo4j

WHOLE_GRAPH = ("all_entities", "degrees", "snapshot")
SEARCHES = [
    ("Synthetic 7", None), ("synthetic 70", "Company"), ("Ærøskøbing", None), ("aeroskobing 14", None),
    ("s000123", None), ("xyzzy", None), ("2499", None), ("7 ærø", "Project"),
]  # fmt: skip
# Misspelt, with a word every entity shares: every entity is a fuzzy candidate, and Neo4j
# ranks the full-text index's best `search_candidates` of them (see StoreNames).
# Likewise an id with a typo: hundreds of ids are two edits away, and Lucene expands a fuzzy
# word to its 50 nearest.
FUZZY_AT_SIZE = ["Synthetik 1234", "Synthetic 123 Aeroskobin", "synthetc 2041", "s00012345"]


class Spy:
    """Counts the calls of the store's whole-graph methods (and lets them through)."""

    def __init__(self, store: Neo4jStore, monkeypatch: pytest.MonkeyPatch):
        self.calls: Counter[str] = Counter()
        for name in WHOLE_GRAPH:
            real = getattr(store, name)
            monkeypatch.setattr(store, name, self._counting(name, real))

    def _counting(self, name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            self.calls[name] += 1
            return real(*args, **kwargs)

        return call


@pytest.fixture(scope="module")
def scale(neo4j_loader: Callable[[Dataset], Neo4jStore]) -> tuple[Dataset, Neo4jStore]:
    dataset = scale_dataset(10_000)
    return dataset, neo4j_loader(dataset)


@pytest.fixture
def graphs(
    scale: tuple[Dataset, Neo4jStore], neo4j_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[CityGraph, CityGraph, Spy]]:
    """The same 10k graph served from memory and from Neo4j, the Neo4j store spied on."""
    dataset, store = scale
    spy = Spy(store, monkeypatch)
    yield CityGraph(MemoryStore(dataset), neo4j_settings), CityGraph(store, neo4j_settings), spy


def test_search_and_resolution_use_no_whole_graph_call(graphs: tuple[CityGraph, CityGraph, Spy]) -> None:
    """Search, resolution (exact, by id, unknown with suggestions), entity and neighbour
    answers on Neo4j equal the embedded backend's, with no whole-graph read."""
    memory, neo4j, spy = graphs
    differ = []
    for q, kind in SEARCHES:
        if neo4j.search(q, kind, limit=20) != memory.search(q, kind, limit=20):
            differ.append((q, kind))
    assert not differ, differ
    for q in FUZZY_AT_SIZE:
        got, expected = neo4j.search(q, limit=20)["results"], memory.search(q, limit=500)["results"]
        score = {r["id"]: r["score"] for r in expected}
        assert got[0] == expected[0], q  # the best hit is found
        assert all(r["score"] == score[r["id"]] for r in got), q  # scored alike; the tail may hold others
        assert got == sorted(got, key=lambda r: (-r["score"], -r["degree"], r["id"]))
    for ref in ("s0000042", "Synthetic 43", "SYNTHETIC 49 ÆRØSKØBING", "s0000001"):
        assert neo4j.entity(ref) == memory.entity(ref)
    for ref in ("Synthetik 4242", "Ærøskøbing", "zzyzx"):
        errors = []
        for graph in (memory, neo4j):
            with pytest.raises((EntityNotFound, AmbiguousEntity)) as caught:
                graph.resolve(ref)
            errors.append(caught.value.details["suggestions"])
        if ref == "Synthetik 4242":  # fuzzy at size, as above: the best suggestion is the same
            assert errors[0][0] == errors[1][0]
        else:
            assert errors[0] == errors[1]
    hub = "s0000001"
    assert neo4j.neighbors(hub, RelFilter(), limit=50) == memory.neighbors(hub, RelFilter(), limit=50)
    assert neo4j.timeline("s0000042") == memory.timeline("s0000042")
    assert not spy.calls, spy.calls
    neo4j.store.degrees()
    assert spy.calls == {"degrees": 1}  # the spy sees what it watches


def test_the_index_on_memory_ranks_like_scoring_alone(scale: tuple[Dataset, Neo4jStore]) -> None:
    """At 10k the batch search still equals its definition on a sample of queries (the
    seed-size proof is tests/analysis/test_names.py)."""
    dataset, _ = scale
    index = EntityIndex(dataset.entities, MemoryStore(dataset).degrees())
    hits = index.search("Synthetik 1234", limit=5)
    assert [h.entity.id for h in hits][:1] == ["s0001234"]
    assert hits[0].score < 0.7  # a fuzzy hit: no key contains the misspelt name


def plan_operators(driver: Driver, name: str, params: dict[str, Any]) -> list[str]:
    def walk(plan: Any) -> list[str]:
        return [plan["operatorType"].split("@")[0]] + [op for child in plan.get("children", []) for op in walk(child)]

    with driver.session() as session:
        return walk(session.run("EXPLAIN " + CypherRegistry()[name], params).consume().plan)


@pytest.mark.parametrize(
    ("name", "params", "seek"),
    [
        ("entities_with_key", {"key": "|arhus|"}, "NodeIndexContainsScan"),
        ("name_matches", {"query": "arhus", "sep": "|", "kind": None, "limit": 10}, "NodeIndexContainsScan"),
        ("entities_by_ids", {"ids": ["aarhus-kommune"]}, "NodeUniqueIndexSeek"),
        ("name_candidates", {"lucene": "arhus~1", "kind": None, "limit": 10}, "ProcedureCall"),
    ],
)
def test_lookups_seek_an_index(
    scale: tuple[Dataset, Neo4jStore], neo4j_driver: Driver, name: str, params: dict[str, Any], seek: str
) -> None:
    """Every name lookup starts from an index (text, unique or full-text), never a label scan."""
    operators = plan_operators(neo4j_driver, name, params)
    assert seek in operators, operators
    assert "NodeByLabelScan" not in operators and "AllNodesScan" not in operators, operators


def test_lookup_caches_stay_within_their_bytes(scale: tuple[Dataset, Neo4jStore], neo4j_settings: Settings) -> None:
    """With a tiny budget, entities and path relationships are still answered right (fetched
    again when dropped), and neither cache grows past it."""
    dataset, _ = scale
    tight = neo4j_settings.model_copy(update={"entity_cache_bytes": 4000})
    store = Neo4jStore.connect(tight)
    try:
        neo4j, memory = CityGraph(store, tight), CityGraph(MemoryStore(dataset), tight)
        hub = "s0000001"
        near = sorted(
            {r.target if r.source == hub else r.source for r in dataset.relationships if hub in (r.source, r.target)}
        )
        for target in near[1:4]:
            for _ in range(2):  # the second time partly from the caches
                got = neo4j.paths(near[0], target, mode="all", max_hops=2, limit=20)
                assert got["paths"] and got == memory.paths(near[0], target, mode="all", max_hops=2, limit=20)
        assert 0 < store._rels.bytes <= 4000
        assert 0 < neo4j._entity_cache.bytes <= 4000
    finally:
        store.close()
