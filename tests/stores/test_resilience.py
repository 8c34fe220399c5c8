"""Neo4j going away while the service runs: 503 in the one shape, then recovery."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from app.api.main import create_app
from app.config import Settings
from app.errors import QueryTimeout
from app.model import Dataset
from app.stores.neo4j_store import Neo4jStore
from tests.api.test_error_shape import assert_error_shape
from tests.neo4j_server import LocalNeo4j

pytestmark = pytest.mark.neo4j


def test_service_answers_503_while_neo4j_is_down_and_recovers(
    neo4j_server: LocalNeo4j,
    neo4j_loader,
    neo4j_settings: Settings,
    seed_dataset: Dataset,  # type: ignore[no-untyped-def]
) -> None:
    """Stop the server: every endpoint answers 503; start it again: answers return, no restart."""
    neo4j_loader(seed_dataset)
    store = Neo4jStore.connect(neo4j_settings)
    app = create_app(neo4j_settings, store)
    endpoints = [
        "/health", "/entities?q=viborg", "/entities/grundfos", "/entities/grundfos/neighbors",
        "/entities/grundfos/timeline", "/paths?source=grundfos&target=irbid", "/centrality",
        "/centrality/history?entity=viborg", "/brokerage", "/stats",
    ]  # fmt: skip
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/health").status_code == 200
        neo4j_server.stop()
        try:
            for path in endpoints:
                error = assert_error_shape(client.get(path), 503)
                assert error["code"] == "store_unavailable"
                assert "unreachable" in error["message"] or "unavailable" in error["message"]
        finally:
            neo4j_server.start()
        deadline = time.monotonic() + 60
        while client.get("/health").status_code != 200 and time.monotonic() < deadline:
            time.sleep(0.5)
        for path in endpoints:
            assert client.get(path).status_code == 200, path
    store.close()


def test_a_server_too_busy_for_the_first_query_is_asked_again(
    neo4j_loader,
    neo4j_settings: Settings,
    seed_dataset: Dataset,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    """A Neo4j just started on a loaded machine can take longer than `neo4j_timeout` for the
    first query: the service asks again rather than failing to start."""
    neo4j_loader(seed_dataset)
    busy = [2]
    read = Neo4jStore._read

    def slow_at_first(self: Neo4jStore, name: str, **params: object) -> list[dict[str, object]]:
        if name == "meta" and busy[0]:
            busy[0] -= 1
            raise QueryTimeout("the query 'meta' ran past its 10 s limit (neo4j_timeout)")
        return read(self, name, **params)

    monkeypatch.setattr(Neo4jStore, "_read", slow_at_first)
    store = Neo4jStore.connect(neo4j_settings, wait=0.01)
    assert busy == [0] and store.version == seed_dataset.version
    store.close()


def test_server_hints_are_not_logged_as_warnings(
    neo4j_loader,
    seed_dataset: Dataset,
    caplog: pytest.LogCaptureFixture,  # type: ignore[no-untyped-def]
) -> None:
    """A query naming a property no node has makes the server send a hint; the store's
    driver asks for none, so the service's log stays quiet (it was one warning per /health)."""
    store = neo4j_loader(seed_dataset)
    with caplog.at_level("INFO", logger="neo4j"):
        records, _, _ = store.driver.execute_query("MATCH (n:Entity) RETURN n.no_such_property AS x LIMIT 1")
    assert records and records[0]["x"] is None
    assert not [r for r in caplog.records if "notification" in r.getMessage().lower()], caplog.text


def test_the_local_server_stops_timed_out_transactions_within_a_tenth_of_a_second(neo4j_driver) -> None:  # type: ignore[no-untyped-def]
    """The launcher's monitor interval is in force (strict config would refuse a wrong name):
    a query past the request's budget is stopped within 0.1 s of it, not Neo4j's default 2 s."""
    records, _, _ = neo4j_driver.execute_query(
        "SHOW SETTINGS YIELD name, value WHERE name = 'db.transaction.monitor.check.interval' RETURN value"
    )
    assert [r["value"] for r in records] == ["100ms"]
