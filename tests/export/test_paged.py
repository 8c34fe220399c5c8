"""Exports read the store in pages and write as they go: small pages give the very same bytes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from app.config import Settings
from app.export.formats import prepare
from app.export.snapshot import SnapshotFilters
from app.service import CityGraph
from app.stores.base import GraphStore
from tests.export.conftest import T1

FORMATS = ["json", "gexf", "graphml", "csv", "cytoscape", "cypher"]
FILTERS = [{}, {"as_of": "2016"}, {"kinds": ("Municipality", "ForeignCity"), "types": ("TWINNED_WITH",)}]


def _export(store: GraphStore, settings: Settings, page_size: int, fmt: str, filters: dict[str, Any]) -> bytes:
    graph = CityGraph(store, settings.model_copy(update={"export_page_size": page_size}))
    return b"".join(prepare(graph, fmt, SnapshotFilters(**filters), exported_at=T1).chunks())


def _counting(calls: list[int], method: Callable[..., Any]) -> Callable[..., Any]:
    def wrapped(*args: Any) -> Any:
        calls.append(1)
        return method(*args)

    return wrapped


@pytest.mark.parametrize("filters", FILTERS)
def test_small_pages_give_the_same_bytes(seed_store: GraphStore, settings: Settings, monkeypatch, filters) -> None:
    """With 20 entities a page, every streamed format is byte-identical to a one-page export, and the store is
    only ever read through its page methods (never whole)."""
    whole = {fmt: _export(seed_store, settings, 100_000, fmt, filters) for fmt in FORMATS}
    entity_calls: list[int] = []
    rel_calls: list[int] = []
    monkeypatch.setattr(seed_store, "entities_page", _counting(entity_calls, seed_store.entities_page))
    monkeypatch.setattr(seed_store, "relationships_page", _counting(rel_calls, seed_store.relationships_page))
    monkeypatch.setattr(seed_store, "snapshot", lambda *a: pytest.fail("the whole graph was read at once"))
    for fmt in FORMATS:
        assert _export(seed_store, settings, 20, fmt, filters) == whole[fmt], fmt
    entities, _ = seed_store.counts()
    assert len(rel_calls) >= len(FORMATS) * entities // 20 and len(entity_calls) >= len(FORMATS) * entities // 20


def test_both_backends_stream_the_same_file(seed_dataset, settings: Settings, request) -> None:
    """The paged GEXF and CSV of the seed data are byte-identical on the memory store and on Neo4j."""
    from app.stores.memory import MemoryStore

    neo4j = request.getfixturevalue("neo4j_loader")(seed_dataset)
    for fmt in ("gexf", "csv", "json"):
        assert _export(MemoryStore(seed_dataset), settings, 50, fmt, {}) == _export(neo4j, settings, 50, fmt, {}), fmt
