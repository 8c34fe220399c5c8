"""The local Neo4j for the whole test session, and stores over it.

In CI (`CI=true`) a Neo4j test never skips: if the server cannot start, the tests fail.
Elsewhere they skip with the reason, so a laptop without Java can still run the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from neo4j import Driver, GraphDatabase

from app import browser_guide
from app.config import Settings
from app.cypher_registry import CypherRegistry
from app.model import Dataset
from app.stores.neo4j_store import Neo4jStore
from seed import neo4j_load
from seed.loader import load_dataset
from tests.conftest import IN_CI
from tests.neo4j_server import PASSWORD, LocalNeo4j


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalNeo4j]:
    """A real Neo4j 5.26 started once per session, on free ports, with a throw-away data dir,
    serving the Browser guide and style of the seed data as `make neo4j` does."""
    dataset = load_dataset(Settings(_env_file=None).data_dir)  # type: ignore[call-arg]
    guide_dir = tmp_path_factory.mktemp("browser-guide")
    browser_guide.write(guide_dir, dataset.entities, dataset.relationships)
    # 1.5 GB: GDS projections of the 10k graph (bases, windows, loops) share the heap with the tests' loads.
    server = LocalNeo4j(Path(tmp_path_factory.mktemp("neo4j-data")), guide_dir, heap="1536m")
    try:
        server.start()
    except (RuntimeError, OSError) as exc:
        if IN_CI:
            pytest.fail(f"the local Neo4j must run in CI: {exc}")
        pytest.skip(f"local Neo4j unavailable: {exc}")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def neo4j_settings(neo4j_server: LocalNeo4j) -> Settings:
    """Settings pointing at the test server (a generous time budget and query timeout, as in `settings`:
    limits have their own tests, so a busy machine cannot fail an answer here)."""
    return Settings(
        _env_file=None,
        backend="neo4j",
        NEO4J_URI=neo4j_server.uri,
        NEO4J_PASSWORD=PASSWORD,
        request_time_budget=60,
        neo4j_timeout=60,
        prepare_metrics=[],  # no background work beside the tests (tests/test_prepare.py turns it on)
        prepare_brokers=0,
        prepare_windows=False,  # each store's base projection (and its refresh) held heap the whole session
        prepare_export_counts=False,  # tests/export/test_stream_budget.py turns it on
    )  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def neo4j_driver(neo4j_settings: Settings) -> Iterator[Driver]:
    """A driver for loading and inspecting the test server."""
    driver = GraphDatabase.driver(neo4j_settings.neo4j_uri, auth=("neo4j", PASSWORD))
    yield driver
    driver.close()


@pytest.fixture(scope="session")
def neo4j_loader(neo4j_driver: Driver, neo4j_settings: Settings) -> Iterator[Callable[[Dataset], Neo4jStore]]:
    """Load a dataset into the test server (only when another one is loaded) and open a store."""
    registry = CypherRegistry()
    loaded: dict[str, str] = {}
    stores: list[Neo4jStore] = []

    def load(dataset: Dataset) -> Neo4jStore:
        if loaded.get("version") != dataset.version:
            neo4j_load.reset(neo4j_driver, registry, "neo4j")
            neo4j_load.load(neo4j_driver, dataset, registry)
            loaded["version"] = dataset.version
        if not stores or stores[-1].version != dataset.version:
            stores.append(Neo4jStore.connect(neo4j_settings))
        return stores[-1]

    yield load
    for store in stores:
        store.close()
