"""The export budget over a streamed file: it bounds the preparation and each step, not the whole file.

On both backends, with a fake clock that the store's page reads move on (no test here waits
or times anything): a whole-network file that keeps reading pages completes however long it
takes in all; a page that stalls for a whole budget stops it; a refusal (too large, out of
time) comes before any byte; and over HTTP, a stream cut by an error does not end like a
whole file.
"""

from __future__ import annotations

import http.client
import threading
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app import deadline
from app.api.main import create_app
from app.api.snapshot_routes import until_cancelled
from app.config import Settings
from app.errors import QueryTimeout
from app.export.formats import prepare
from app.export.snapshot import SnapshotFilters
from app.filters import RelFilter
from app.service import CityGraph
from app.stores.base import ExportCountStore, GraphStore
from app.stores.neo4j_store import Neo4jStore
from bench.common import live_server
from tests.api.test_error_shape import assert_error_shape
from tests.export.conftest import T1

BUDGET = 10.0
PAGE = 50  # entities per page: the seed data is several pages


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _moving_clock(
    store: GraphStore,
    monkeypatch: pytest.MonkeyPatch,
    clock: FakeClock,
    step: Callable[[int], float],
    name: str = "relationships_page",
    streaming: bool = True,
) -> list[int]:
    """Make each call of the store's `name` while the answer streams (or, with `streaming=False`, before)
    move `clock` on by `step(n)`, n counting those calls from 1; returns the calls seen."""
    calls: list[int] = []
    method = getattr(store, name)

    def slow(*args: Any) -> Any:
        if deadline.current().streaming != streaming:
            return method(*args)
        calls.append(len(calls) + 1)
        if not streaming:  # the preparation: the time passes before the store is asked
            clock.now += step(calls[-1])
            return method(*args)
        answer = method(*args)
        clock.now += step(calls[-1])
        return answer

    monkeypatch.setattr(store, name, slow)
    return calls


def _graph(store: GraphStore, settings: Settings) -> CityGraph:
    return CityGraph(store, settings.model_copy(update={"export_page_size": PAGE}))


def _whole(graph: CityGraph, fmt: str) -> bytes:
    return b"".join(prepare(graph, fmt, SnapshotFilters(), exported_at=T1).chunks())


def _streamed(graph: CityGraph, fmt: str, clock: FakeClock) -> bytes:
    """The file as `GET /snapshot` streams it: prepared under the budget, then written under the streaming rule."""
    limit = deadline.Deadline(BUDGET, "export_time_budget", clock=clock)
    with deadline.within(limit):
        export = prepare(graph, fmt, SnapshotFilters(), exported_at=T1)
    return b"".join(until_cancelled(export.chunks(), limit))


@pytest.mark.parametrize("fmt", ["gexf", "csv"])
def test_a_stream_that_keeps_reading_outlasts_its_budget(
    seed_store: GraphStore, settings: Settings, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    """Each page takes 60 % of the budget, so the whole file takes many budgets: it is complete."""
    graph = _graph(seed_store, settings)
    expected = _whole(graph, fmt)
    clock = FakeClock()
    reads = _moving_clock(seed_store, monkeypatch, clock, lambda n: 0.6 * BUDGET)
    got = _streamed(graph, fmt, clock)
    assert clock.now > 3 * BUDGET and len(reads) > 3  # the file took several budgets in all
    assert got == expected


def test_a_stalled_page_stops_the_stream(
    seed_store: GraphStore, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The third page read takes longer than a whole budget: the export stops with a timeout naming the budget."""
    graph = _graph(seed_store, settings)
    clock = FakeClock()
    reads = _moving_clock(seed_store, monkeypatch, clock, lambda n: 1.5 * BUDGET if n == 3 else 0.1)
    with pytest.raises(QueryTimeout, match="export_time_budget"):
        _streamed(graph, "graphml", clock)
    assert len(reads) == 3


def test_preparation_out_of_time_fails_before_any_byte(
    seed_store: GraphStore, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before the first byte one budget bounds all the work: a filtered export whose counting (in the
    database, or a pass over the pages) runs past it is a timeout from `prepare`, so nothing has been sent."""
    graph = _graph(seed_store, settings)
    clock = FakeClock()
    counting = "export_counts" if isinstance(seed_store, ExportCountStore) else "relationships_page"
    _moving_clock(seed_store, monkeypatch, clock, lambda n: 1.5 * BUDGET, counting, streaming=False)
    limit = deadline.Deadline(BUDGET, "export_time_budget", clock=clock)
    with deadline.within(limit), pytest.raises(QueryTimeout, match="export_time_budget"):
        prepare(graph, "gexf", SnapshotFilters(as_of="2016"), exported_at=T1)


def test_whole_network_figure_refused_from_the_count(
    seed_store: GraphStore, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A figure of the whole network above the limit is refused from the store's count, before any page is read."""
    monkeypatch.setattr(seed_store, "relationships_page", lambda *a: pytest.fail("a page was read"))
    monkeypatch.setattr(seed_store, "entities_page", lambda *a: pytest.fail("a page was read"))
    small = settings.model_copy(update={"export_figure_max_entities": 10})
    with TestClient(create_app(small, seed_store), raise_server_exceptions=False) as client:
        for fmt in ("png", "report"):
            r = client.get("/snapshot", params={"format": fmt})
            error = assert_error_shape(r, 422)
            assert error["code"] == "too_large" and error["details"]["entities"] == seed_store.counts()[0]


def test_a_stream_cut_by_an_error_is_not_a_whole_file(
    seed_store: GraphStore, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An error after the status line ends the connection without the chunked encoding's last chunk:
    the client sees an incomplete read, never a clean end of a short file."""
    read = seed_store.relationships_page

    def failing(rel_filter: Any, kinds: Any, after: tuple[str, str], limit: int) -> Any:
        if deadline.current().streaming and after[0]:  # the second page of the stream
            raise RuntimeError("the disk went away")
        return read(rel_filter, kinds, after, limit)

    monkeypatch.setattr(seed_store, "relationships_page", failing)
    app = create_app(settings.model_copy(update={"export_page_size": PAGE}), seed_store)
    with live_server(app) as base, urllib.request.urlopen(base + "/snapshot?format=graphml", timeout=60) as r:  # noqa: S310
        assert r.status == 200
        with pytest.raises(http.client.IncompleteRead):
            r.read()


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_the_header_goes_out_before_the_relationships_are_read(
    seed_store: GraphStore, settings: Settings, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    """The file's first chunk (its header and the manifest) is sent before the stream reads a relationship page."""
    graph = _graph(seed_store, settings)
    export = prepare(graph, fmt, SnapshotFilters(), exported_at=T1)
    reads = _moving_clock(seed_store, monkeypatch, FakeClock(), lambda n: 0.0, streaming=False)
    chunks = export.chunks()
    first = next(chunks)
    assert first.startswith(b"<?xml") and b"dataset_version" in first and b"<edge " not in first
    assert reads == []
    assert len(b"".join(chunks)) > 10 * len(first) and reads  # the rest came from the pages


def test_the_cypher_script_header_goes_out_before_the_entities_are_read(
    seed_store: GraphStore, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Cypher script's first chunk (the manifest, the schema, the version) is sent before the pass over
    the entities that its first batches wait for."""
    export = prepare(_graph(seed_store, settings), "cypher", SnapshotFilters(), exported_at=T1)
    reads = _moving_clock(seed_store, monkeypatch, FakeClock(), lambda n: 0.0, name="entities_page", streaming=False)
    chunks = export.chunks()
    first = next(chunks)
    assert first.startswith(b"// City Diplomacy Graph snapshot") and b":param version" in first
    assert b":param rows" not in first and reads == []
    assert b":param rows" in b"".join(chunks) and reads


@dataclass
class HeldCounts:
    """A Neo4j store of its own (nothing counted yet) whose export counts wait for `release`; `calls`
    records each count begun."""

    store: Neo4jStore
    release: threading.Event
    calls: list[tuple[Any, ...]]


@pytest.fixture
def held_counts(
    neo4j_loader: Any, neo4j_settings: Settings, seed_dataset: Any, monkeypatch: pytest.MonkeyPatch
) -> Iterator[HeldCounts]:
    """The seed data on Neo4j, through a store whose counting is held until released (and released at the end)."""
    neo4j_loader(seed_dataset)
    held = HeldCounts(Neo4jStore.connect(neo4j_settings), threading.Event(), [])
    count = held.store._count_export

    def holding(*args: Any) -> Any:
        held.calls.append(args)
        held.release.wait(120)
        return count(*args)

    monkeypatch.setattr(held.store, "_count_export", holding)
    try:
        yield held
    finally:
        held.release.set()  # a test that failed before releasing leaves no count waiting
        held.store.close()


@pytest.mark.neo4j
def test_whole_network_counts_go_on_after_a_timeout(held_counts: HeldCounts, seed_dataset: Any) -> None:
    """On Neo4j the whole network's counts are made once per version in a thread of their own: a request
    out of time gets a 504 saying the count goes on, and the next request gets that count, not a new one."""
    store, calls = held_counts.store, held_counts.calls
    limit = deadline.Deadline(0.05, "export_time_budget")
    with deadline.within(limit), pytest.raises(QueryTimeout, match="the count goes on"):
        store.export_counts(RelFilter(), None, True)
    held_counts.release.set()
    counts = store.export_counts(RelFilter(), None, True)
    assert counts.by_kind.total() == len(seed_dataset.entities)
    assert counts.by_type.total() == len(seed_dataset.relationships)
    assert len(calls) == 1


@pytest.mark.neo4j
def test_the_whole_network_is_counted_when_the_service_starts(
    held_counts: HeldCounts, neo4j_settings: Settings, seed_dataset: Any
) -> None:
    """With `prepare_export_counts`, the service starts the whole network's count before any request
    (a thread of its own, beside the analytics), and the first whole-network export uses that count:
    its first byte waits for no count of its own."""
    store, calls = held_counts.store, held_counts.calls
    prepared = neo4j_settings.model_copy(update={"prepare_export_counts": True})
    with TestClient(create_app(prepared, store)) as client:
        for _ in range(100):  # the count is begun in its own thread at start-up
            if calls:
                break
            threading.Event().wait(0.05)
        assert len(calls) == 1 and calls[0] == (RelFilter(), None, True)
        held_counts.release.set()
        response = client.get("/snapshot", params={"format": "gexf"})
        assert response.status_code == 200
        assert f'"relationships": {len(seed_dataset.relationships)}' in response.text
        assert len(calls) == 1  # the export found the count begun at start-up


@pytest.mark.neo4j
def test_filtered_counts_go_on_after_a_timeout(held_counts: HeldCounts, seed_dataset: Any) -> None:
    """A filtered export's counts are made once per version and filter in a thread of their own, as the
    whole network's: a request out of time gets a 504 saying the count goes on, the next one (same filters)
    gets that count; other filters are counted anew, and each count is right."""
    store, calls = held_counts.store, held_counts.calls
    in_2016 = RelFilter.build(as_of="2016")
    limit = deadline.Deadline(0.05, "export_time_budget")
    with deadline.within(limit), pytest.raises(QueryTimeout, match="the count goes on"):
        store.export_counts(in_2016, None, False)
    held_counts.release.set()
    counts = store.export_counts(in_2016, None, False)
    twinned = store.export_counts(RelFilter.build(types=["TWINNED_WITH"]), None, False)
    kept = [r for r in seed_dataset.relationships if in_2016.admits(r)]
    assert counts.by_type.total() == len(kept)
    assert counts.by_kind.total() == len({n for r in kept for n in (r.source, r.target)})
    assert twinned.by_type == {"TWINNED_WITH": sum(r.type == "TWINNED_WITH" for r in seed_dataset.relationships)}
    assert len(calls) == 2  # 2016 once, however many asked; twinning once


@pytest.mark.neo4j
def test_a_filtered_figure_is_refused_without_the_full_count(
    neo4j_loader: Any, neo4j_settings: Settings, seed_dataset: Any, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A filtered figure or report above the limit is refused (422, naming the filters) from a count that
    stops at the limit, before the manifest's counts or any page is read."""
    store = neo4j_loader(seed_dataset)
    read: list[str] = []
    for name in ("export_counts", "relationships_page", "export_nodes_page", "entities_page"):
        monkeypatch.setattr(store, name, lambda *a, name=name: read.append(name))
    small = settings.model_copy(update={"export_figure_max_entities": 10})
    with TestClient(create_app(small, store), raise_server_exceptions=False) as client:
        for params in ({"as_of": "2016"}, {"kinds": "Municipality,ForeignCity"}, {"types": "LOCATED_IN"}):
            for fmt in ("png", "report"):
                error = assert_error_shape(client.get("/snapshot", params={"format": fmt, **params}), 422)
                assert error["code"] == "too_large" and error["details"]["entities_at_least"] == 11
                assert "around" in error["details"]["narrow_with"][0]
    assert read == []
