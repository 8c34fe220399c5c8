"""`/stats` is counted once per dataset version: by the loader for Neo4j, once in memory."""

from __future__ import annotations

from typing import Any

import pytest
from neo4j import Driver

from app.config import Settings
from app.model import Dataset
from app.service import CityGraph
from app.stats import count_records, from_json, to_json
from app.stores.memory import MemoryStore


def test_counts_survive_their_json_record(seed_dataset: Dataset) -> None:
    counts = count_records(seed_dataset.entities, seed_dataset.relationships)
    assert None in counts["by_decade"]  # the seed has undated relationships: a None key to carry
    assert from_json(to_json(counts)) == counts


def test_embedded_stats_are_counted_once_per_version(seed_dataset: Dataset, settings: Settings) -> None:
    calls: list[int] = []

    class Counting(MemoryStore):
        def snapshot(self, rel_filter: Any) -> Any:
            calls.append(1)
            return super().snapshot(rel_filter)

    graph = CityGraph(Counting(seed_dataset), settings)
    first, again = graph.stats(), graph.stats()
    assert first == again and first["relationships"] == len(seed_dataset.relationships)
    assert len(calls) == 1


@pytest.mark.neo4j
def test_neo4j_stats_read_the_loaders_record_and_fall_back_without_it(
    neo4j_loader,
    neo4j_driver: Driver,
    seed_dataset: Dataset,
    neo4j_settings: Settings,  # type: ignore[no-untyped-def]
) -> None:
    """After `seed`, /stats reads the counts recorded with the version, without aggregating
    the relationships; a database loaded before that record existed is still counted."""
    store = neo4j_loader(seed_dataset)
    expected = CityGraph(MemoryStore(seed_dataset), neo4j_settings).stats()
    queries: list[str] = []
    read = store._read

    def spy(name: str, **params: Any) -> list[dict[str, Any]]:
        queries.append(name)
        return read(name, **params)

    store._read = spy  # type: ignore[method-assign]
    try:
        assert CityGraph(store, neo4j_settings).stats() == expected
        assert "stats_recorded" in queries and "stats_relationships" not in queries, queries
        recorded = neo4j_driver.execute_query("MATCH (m:CityGraphMeta {key: 'dataset'}) RETURN m.stats AS s").records
        neo4j_driver.execute_query("MATCH (m:CityGraphMeta {key: 'dataset'}) SET m.stats = null")
        queries.clear()
        assert CityGraph(store, neo4j_settings).stats() == expected
        assert "stats_relationships" in queries
    finally:
        store._read = read  # type: ignore[method-assign]
        neo4j_driver.execute_query("MATCH (m:CityGraphMeta {key: 'dataset'}) SET m.stats = $s", s=recorded[0]["s"])
