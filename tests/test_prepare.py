"""Prepared analytics: the default rankings are ready before the first request asks (Neo4j)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.analysis import broker_counts
from app.api.main import create_app
from app.config import Settings
from app.filters import RelFilter
from app.model import Dataset
from app.service import CityGraph
from app.stores.memory import MemoryStore
from tests.broker_oracle import oracle_ranking, ranking_rows

pytestmark = pytest.mark.neo4j


def wait_for(client: TestClient, states: set[str], seconds: float = 120.0) -> dict[str, Any]:
    end = time.monotonic() + seconds
    while True:
        analytics: dict[str, Any] = client.get("/health").json()["analytics"]
        if analytics["state"] in states or time.monotonic() > end:
            return analytics
        time.sleep(0.2)


def test_default_rankings_are_prepared_then_served_from_the_cache(
    neo4j_loader,
    seed_dataset: Dataset,
    neo4j_settings: Settings,  # type: ignore[no-untyped-def]
) -> None:
    store = neo4j_loader(seed_dataset)
    store.projections.clear()  # other tests' windows of this store
    calls: list[str] = []
    compute = store.centrality

    def counting(metric: str, *args: Any) -> Any:
        calls.append(metric)
        return compute(metric, *args)

    store.centrality = counting  # type: ignore[method-assign]
    try:
        settings = neo4j_settings.model_copy(
            update={"prepare_metrics": ["degree", "pagerank"], "prepare_windows": True}
        )
        with TestClient(create_app(settings, store)) as client:
            analytics = wait_for(client, {"ready", "failed"})
            assert analytics["state"] == "ready", analytics
            prepared = [
                "browser:guide",
                "projection:windows",
                "centrality:degree",
                "centrality:pagerank",
                "history:degree",
            ]
            assert analytics["prepared"] == prepared
            assert store.projections.base is not None  # the rankings and other windows are filtered from it
            assert analytics["seconds"] is not None and analytics["problem"] is None
            assert calls == ["degree", "pagerank"]
            answer = client.get("/centrality", params={"metric": "degree"}).json()
            assert answer["results"] and calls == ["degree", "pagerank"]  # from the prepared ranking
            client.get("/centrality", params={"metric": "degree", "as_of": "2010"})
            assert calls[-1] == "degree" and len(calls) == 3  # another window is computed on request
            assert len(store.projections.names) == 3  # the base and two windows filtered from it
            # A degree history is read from the prepared counts: no window, no count again.
            counted = store.degree_year_counts
            store.degree_year_counts = lambda: pytest.fail("counted again")  # type: ignore[method-assign]
            try:
                history = client.get("/centrality/history", params={"entity": "Viborg", "from": "1990", "to": "2018"})
                assert history.status_code == 200 and len(history.json()["history"]) == 29
                assert len(calls) == 3 and not history.json()["truncated"]
            finally:
                store.degree_year_counts = counted  # type: ignore[method-assign]
            # So is the Browser guide (its counts are a pass over every relationship).
            store.guide_counts = lambda: pytest.fail("the guide counted again")  # type: ignore[method-assign]
            guide = client.get("/browser/guide.html")
            assert guide.status_code == 200 and f"{len(seed_dataset.relationships)} relationships" in guide.text
    finally:
        store.centrality = compute  # type: ignore[method-assign]
        store.__dict__.pop("guide_counts", None)


def test_a_preparation_past_its_budget_fails_and_requests_still_compute(
    neo4j_loader,
    seed_dataset: Dataset,
    neo4j_settings: Settings,  # type: ignore[no-untyped-def]
) -> None:
    store = neo4j_loader(seed_dataset)
    settings = neo4j_settings.model_copy(update={"prepare_metrics": ["pagerank"], "prepare_time_budget": 1e-6})
    with TestClient(create_app(settings, store)) as client:
        analytics = wait_for(client, {"ready", "failed"})
        assert analytics["state"] == "failed", analytics
        assert "prepare_time_budget" in analytics["problem"]
        assert client.get("/centrality", params={"metric": "pagerank"}).status_code == 200


def test_the_broker_ranking_is_prepared_once_for_both_groupings(
    neo4j_loader,
    seed_dataset: Dataset,
    neo4j_settings: Settings,  # type: ignore[no-untyped-def]
) -> None:
    """On the seed data the prepared ranking is the oracle's for each grouping, read by requests
    without a new search; a larger `limit` than prepared is ranked on request, alike."""
    store = neo4j_loader(seed_dataset)
    searches: list[object] = []
    search = store.broker_candidates

    def counting(*args: Any) -> Any:
        searches.append(args)
        return search(*args)

    store.broker_candidates = counting  # type: ignore[method-assign]
    try:
        settings = neo4j_settings.model_copy(update={"prepare_brokers": 15, "prepare_windows": True})
        with TestClient(create_app(settings, store)) as client:
            analytics = wait_for(client, {"ready", "failed"})
            assert analytics["state"] == "ready", analytics
            assert analytics["prepared"] == ["browser:guide", "projection:windows", "brokerage"]
            assert analytics["partial"] == {}
            assert set(analytics["step_seconds"]) == {"browser:guide", "projection:windows", "brokerage"}
            assert len(searches) == 1  # both groupings from one search
            for grouping in ("place", "sector"):
                answer = client.get("/brokerage", params={"groups": grouping, "limit": 15}).json()
                assert not answer["truncated"] and answer["results"]
                assert ranking_rows(answer) == oracle_ranking(seed_dataset, RelFilter(), grouping)[:15]
            assert len(searches) == 1
            more = client.get("/brokerage", params={"groups": "sector", "limit": 16}).json()
            assert len(searches) == 2  # past the prepared rows: ranked on request, the same order
            assert ranking_rows(more) == oracle_ranking(seed_dataset, RelFilter(), "sector")[:16]
    finally:
        store.broker_candidates = search  # type: ignore[method-assign]


def test_a_broker_ranking_cut_by_the_budget_is_marked_partial_and_requests_rank_again(
    neo4j_loader,
    seed_dataset: Dataset,
    neo4j_settings: Settings,  # type: ignore[no-untyped-def]
) -> None:
    store = neo4j_loader(seed_dataset)
    store.prepare_windows = lambda: None  # type: ignore[method-assign]  # its own budget test is above
    counting = broker_counts.count_ego

    def slow_first(*args: Any) -> Any:  # the first broker is counted, then the budget is spent
        ego = counting(*args)
        broker_counts.count_ego = counting  # type: ignore[assignment]
        time.sleep(settings.prepare_time_budget)
        return ego

    broker_counts.count_ego = slow_first  # type: ignore[assignment]
    settings = neo4j_settings.model_copy(
        update={"prepare_brokers": 20, "prepare_time_budget": 2.0, "prepare_windows": True}
    )
    try:
        with TestClient(create_app(settings, store)) as client:
            analytics = wait_for(client, {"ready", "failed"})
            assert analytics["prepared"] == ["browser:guide", "projection:windows"], analytics  # brokerage never listed
            assert "prepare_time_budget" in analytics["partial"]["brokerage"]
            answer = client.get("/brokerage").json()
            assert not answer["truncated"]  # proven nothing: the request ranked it itself, whole
            assert ranking_rows(answer) == oracle_ranking(seed_dataset, RelFilter(), "place")[:20]
    finally:
        del store.prepare_windows
        broker_counts.count_ego = counting  # type: ignore[assignment]


def test_nothing_is_prepared_in_memory_and_unknown_metrics_are_refused(
    seed_dataset: Dataset, settings: Settings
) -> None:
    """In memory the work would hold the API's interpreter: `off`. A typo fails at start."""
    graph = CityGraph(MemoryStore(seed_dataset), settings)
    graph.prepare()
    assert graph.health()["analytics"]["state"] == "off"
    with pytest.raises(ValueError, match="betweeness"):
        CityGraph(MemoryStore(seed_dataset), settings.model_copy(update={"prepare_metrics": ["betweeness"]}))


def test_preparation_queries_may_run_past_the_request_query_timeout(settings: Settings) -> None:
    """`neo4j_timeout` is sized for requests; the background preparation has its own budget,
    which one query may use whole (at a million relationships a PageRank takes longer)."""
    from app import deadline
    from app.prepare import Preparer
    from app.stores.neo4j_store import query_seconds

    seen: list[float] = []
    preparer = Preparer({"probe": lambda: seen.append(query_seconds(deadline.current(), 10.0))}, budget=300.0)
    preparer.start("v1")
    end = time.monotonic() + 30
    while preparer.status()["state"] == "preparing" and time.monotonic() < end:
        time.sleep(0.05)
    assert preparer.status()["state"] == "ready" and 10.0 < seen[0] <= 300.0
    with deadline.within(deadline.Deadline(60.0)):  # a request keeps the query timeout
        assert query_seconds(deadline.current(), 10.0) == 10.0


def _finished(preparer: Any) -> dict[str, Any]:
    end = time.monotonic() + 30
    while preparer.status()["state"] == "preparing" and time.monotonic() < end:
        time.sleep(0.05)
    status: dict[str, Any] = preparer.status()
    return status


def test_each_step_has_the_whole_budget_and_a_failed_step_does_not_stop_the_rest() -> None:
    """Two steps of 0.6 s each fit a 1 s budget each (not one budget for both); a step that
    fails is named in `problem`, and the step after it is still prepared."""
    from app import deadline
    from app.errors import QueryTimeout
    from app.prepare import Preparer

    def slow() -> None:
        time.sleep(0.6)
        deadline.current().check("a slow step")  # raises if the budget were shared

    def failing() -> None:
        raise QueryTimeout("the store ran past its limit")

    preparer = Preparer({"first": slow, "second": slow, "broken": failing, "last": lambda: None}, budget=1.0)
    preparer.start("v1")
    status = _finished(preparer)
    assert status["state"] == "failed"
    assert status["prepared"] == ["first", "second", "last"]
    assert status["problem"] == "broken: the store ran past its limit"
    assert set(status["step_seconds"]) == {"first", "second", "broken", "last"}
