"""Every export reads the store in pages or around the centre, never whole; what would not fit is refused.

On both backends: no format (ego networks, figures, the report, the Browser guide included)
calls `store.snapshot`; an ego network is walked from its centre in one store call per ring;
figures and reports above `export_figure_max_entities`, and ego networks above
`export_ego_max_entities`, are refused in the one error shape, naming the filters that shrink them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.api.browser_routes import _guide
from app.api.main import create_app
from app.config import Settings
from app.errors import TooLarge
from app.export.formats import FORMATS, prepare
from app.export.snapshot import SnapshotFilters
from app.filters import RelFilter
from app.service import CityGraph
from app.stores.base import ExportCountStore, GraphStore
from app.stores.memory import MemoryStore
from tests.api.test_error_shape import assert_error_shape
from tests.export.conftest import T1

EGO = {"around": "viborg-kommune", "radius": 2, "as_of": "2016"}


def _bytes(store: GraphStore, settings: Settings, fmt: str, **filters: Any) -> bytes:
    return b"".join(prepare(CityGraph(store, settings), fmt, SnapshotFilters(**filters), exported_at=T1).chunks())


@pytest.fixture
def no_whole_reads(seed_store: GraphStore, monkeypatch: pytest.MonkeyPatch) -> Iterator[GraphStore]:
    """The seed store, failing any test that reads the whole graph at once."""
    monkeypatch.setattr(seed_store, "snapshot", lambda *a: pytest.fail("store.snapshot: the whole graph was read"))
    yield seed_store


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_no_format_reads_the_whole_graph(no_whole_reads: GraphStore, settings: Settings, fmt: str) -> None:
    """Every format, whole or as an ego network, is written without `store.snapshot`."""
    cases = [EGO] if fmt in ("png", "report") else [EGO, {}]  # the whole-network figure is slow to draw
    for filters in cases:
        assert len(_bytes(no_whole_reads, settings, fmt, **filters)) > 500, (fmt, filters)


def test_browser_guide_counts_from_pages(no_whole_reads: GraphStore, settings: Settings) -> None:
    """The Browser guide counts the graph from the store's pages, never the whole graph."""
    entities, relationships = no_whole_reads.counts()
    page = _guide.__wrapped__(no_whole_reads.version, CityGraph(no_whole_reads, settings))
    assert f"{entities} entities and {relationships} relationships" in page


def test_browser_guide_is_the_same_from_either_store(seed_store: GraphStore, seed_dataset, settings: Settings) -> None:
    """Neo4j counts the guide's slide in the database (`guide_counts`), the embedded store from
    its pages: the same page as the one written from the seed files."""
    from app import browser_guide
    from app.cypher_registry import CypherRegistry

    page = _guide.__wrapped__(seed_store.version, CityGraph(seed_store, settings))
    holdings = browser_guide.Holdings.count(seed_dataset.entities, seed_dataset.relationships)
    assert page == browser_guide.guide_html(holdings, CypherRegistry())


def test_ego_network_walks_out_from_the_centre(seed_store: GraphStore, seed_dataset, settings: Settings, monkeypatch):
    """An ego network is read one ring per store call, plus one for its rim, and is the same file on both
    backends as the one the embedded store gives."""
    calls: dict[str, list[int]] = {"relationships_touching": [], "relationships_among": []}
    for name, seen in calls.items():
        method = getattr(seed_store, name)
        monkeypatch.setattr(
            seed_store, name, lambda ids, f, method=method, seen=seen: seen.append(len(ids)) or method(ids, f)
        )
    got = _bytes(seed_store, settings, "csv", **EGO)
    assert len(calls["relationships_touching"]) == EGO["radius"] and calls["relationships_touching"][0] == 1
    assert len(calls["relationships_among"]) == 1
    entities, _ = seed_store.counts()
    assert sum(calls["relationships_touching"]) + calls["relationships_among"][0] < entities  # not a whole read
    for fmt in ("csv", "cypher", "json"):
        assert _bytes(seed_store, settings, fmt, **EGO) == _bytes(MemoryStore(seed_dataset), settings, fmt, **EGO), fmt
    assert got == _bytes(seed_store, settings, "csv", **EGO)


def test_too_large_ego_network_is_refused(seed_store: GraphStore, settings: Settings) -> None:
    """A walk that reaches more entities than the limit stops with an error naming a smaller radius and the filters."""
    small = settings.model_copy(update={"export_ego_max_entities": 100})
    with pytest.raises(TooLarge) as caught:
        _bytes(seed_store, small, "json", **EGO)
    error = caught.value
    assert error.details["field"] == "around" and error.details["limit"] == 100
    assert error.details["narrow_with"][0] == "radius=1"
    assert error.details["reached"] > 100
    assert "CITYGRAPH_EXPORT_EGO_MAX_ENTITIES" in error.message and "kinds" in error.message
    assert len(_bytes(seed_store, settings, "json", **EGO)) > 500  # the default limit lets it through


def test_a_ring_that_must_overflow_is_refused_before_it_is_read(
    seed_store: GraphStore, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A hub's first ring past the limit is refused from a count of its neighbours (no further
    than the limit), without reading its relationships; a ring that fits is read as before."""
    small = settings.model_copy(update={"export_ego_max_entities": 20})
    read: list[int] = []
    touching = seed_store.relationships_touching
    monkeypatch.setattr(seed_store, "relationships_touching", lambda ids, f: read.append(len(ids)) or touching(ids, f))
    with pytest.raises(TooLarge) as caught:
        _bytes(seed_store, small, "json", around="viborg-kommune", radius=1)
    assert read == [] and caught.value.details["reached"] > 20
    assert caught.value.details["narrow_with"][0] == "kinds"  # radius 1 has no smaller radius to name
    assert seed_store.neighbours_at_most(["viborg-kommune"], RelFilter(), 5) == 5
    assert len(_bytes(seed_store, small, "json", around="irbid", radius=1)) > 500 and read == [1]


def test_too_large_figure_is_refused_over_http(seed_store: GraphStore, settings: Settings) -> None:
    """Above the figure limit a png, svg or report answers 422 `too_large` in the one shape, naming the
    filters that would shrink it; the streamed formats of the same snapshot still answer 200."""
    small = settings.model_copy(update={"export_figure_max_entities": 100})
    with TestClient(create_app(small, seed_store), raise_server_exceptions=False) as client:
        for fmt in ("png", "svg", "report"):
            error = assert_error_shape(client.get("/snapshot", params={"format": fmt, "as_of": "2016"}), 422)
            assert error["code"] == "too_large" and error["details"]["field"] == "format"
            assert error["details"]["limit"] == 100
            if isinstance(seed_store, ExportCountStore):  # counted in the database, no further than the limit
                assert error["details"]["entities_at_least"] == 101 and "at least 101" in error["message"]
            else:
                assert error["details"]["entities"] == 287
            assert error["details"]["narrow_with"][0].startswith("around")
            assert "as_of" not in " ".join(error["details"]["narrow_with"])  # already narrowed by date
            assert "gexf" in error["message"] and "CITYGRAPH_EXPORT_FIGURE_MAX_ENTITIES" in error["message"]
        ego = assert_error_shape(client.get("/snapshot", params={"format": "svg", **EGO}), 422)
        assert ego["details"]["narrow_with"][0] == "radius=1"
        assert client.get("/snapshot", params={"format": "gexf", "as_of": "2016"}).status_code == 200
        assert (
            client.get("/snapshot", params={"format": "svg", "around": "viborg-kommune", "as_of": "2016"}).status_code
            == 200
        )
