"""Exports read the store in pages and write as they go: small pages give the very same bytes."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from app.config import Settings
from app.export.formats import prepare
from app.export.snapshot import SnapshotFilters, export_order
from app.filters import RelFilter, parse_kinds
from app.model import Dataset
from app.service import CityGraph
from app.stores.base import START, GraphStore
from tests.export.conftest import T1

FORMATS = ["json", "gexf", "graphml", "csv", "cytoscape", "cypher"]
FILTERS = [
    {},
    {"as_of": "2016"},
    {"kinds": ("Municipality", "ForeignCity", "Country"), "types": ("TWINNED_WITH", "LOCATED_IN")},
]


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
    """With 20 rows a page, every streamed format is byte-identical to a one-page export, and the store is
    only ever read through its page methods (never whole), at least one page per 20 rows of the file."""
    whole = {fmt: _export(seed_store, settings, 100_000, fmt, filters) for fmt in FORMATS}
    counts = json.loads(whole["json"].split(b"\n")[1].removeprefix(b'"manifest": ').rstrip(b",\n"))["counts"]
    entity_calls: list[int] = []
    rel_calls: list[int] = []
    for name in ("entities_page", "export_nodes_page"):
        if hasattr(seed_store, name):
            monkeypatch.setattr(seed_store, name, _counting(entity_calls, getattr(seed_store, name)))
    monkeypatch.setattr(seed_store, "relationships_page", _counting(rel_calls, seed_store.relationships_page))
    monkeypatch.setattr(seed_store, "snapshot", lambda *a: pytest.fail("the whole graph was read at once"))
    for fmt in FORMATS:
        assert _export(seed_store, settings, 20, fmt, filters) == whole[fmt], fmt
    assert counts["relationships"] > 20 and counts["entities"] > 20  # several pages of each
    assert len(rel_calls) >= len(FORMATS) * (counts["relationships"] // 20 + 1)
    assert len(entity_calls) >= len(FORMATS) * (counts["entities"] // 20 + 1)


@pytest.mark.parametrize("filters", FILTERS)
def test_both_backends_stream_the_same_file(seed_dataset, settings: Settings, request, filters) -> None:
    """The paged files of the seed data are byte-identical on the memory store (degrees and spells from a
    pass over the relationships) and on Neo4j (from its node pages, counted in the database)."""
    from app.stores.memory import MemoryStore

    neo4j = request.getfixturevalue("neo4j_loader")(seed_dataset)
    memory = MemoryStore(seed_dataset)
    for fmt in ("gexf", "graphml", "csv", "json"):
        assert _export(memory, settings, 50, fmt, filters) == _export(neo4j, settings, 50, fmt, filters), fmt


def _hub(dataset: Dataset) -> tuple[str, int]:
    """The entity with the most outgoing relationships, and how many it has."""
    out = Counter(r.source for r in dataset.relationships)
    return max(out.items(), key=lambda item: (item[1], item[0]))


@pytest.mark.parametrize("filters", FILTERS)
def test_keyset_pages_cover_every_relationship_once(seed_store: GraphStore, seed_dataset: Dataset, filters) -> None:
    """Pages of relationships are bounded in rows, not in source entities: the hub's outgoing relationships
    are split across several pages, and the pages together hold every relationship the filters keep exactly
    once, in export order (source id, then id)."""
    hub, out = _hub(seed_dataset)
    limit = out // 3  # the hub alone fills three pages
    rel_filter = RelFilter.build(filters.get("as_of"), types=list(filters.get("types", ())) or None)
    kinds = parse_kinds(list(filters.get("kinds", ())) or None)
    kind_of = {e.id: e.kind for e in seed_dataset.entities}
    expected = sorted(
        (r for r in seed_dataset.relationships if rel_filter.admits(r)
         and (kinds is None or (kind_of[r.source] in kinds and kind_of[r.target] in kinds))),
        key=export_order,
    )  # fmt: skip
    pages: list[list[str]] = []
    after = START
    while True:
        page = seed_store.relationships_page(rel_filter, kinds, after, limit)
        assert len(page) <= limit
        pages.append([r.id for r in page])
        if len(page) < limit:
            break
        after = (page[-1].source, page[-1].id)
    assert [rid for page in pages for rid in page] == [r.id for r in expected]
    if not filters:
        assert sum(any(rid.startswith(f"{hub}|") for rid in page) for page in pages) >= 3


def test_a_hub_split_across_pages_gives_the_same_file(seed_store: GraphStore, seed_dataset: Dataset, settings) -> None:
    """A page smaller than the hub's relationships (split mid-hub, parallel and symmetric ones included)
    gives the very same GEXF, GraphML and CSV as one page."""
    _, out = _hub(seed_dataset)
    for fmt in ("gexf", "graphml", "csv"):
        assert _export(seed_store, settings, out // 3, fmt, {}) == _export(seed_store, settings, 100_000, fmt, {}), fmt
