"""Fixtures: the seed dataset, stores over every backend, and API clients on them."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.api.main import create_app
from app.config import Settings
from app.model import Dataset
from app.stores.base import GraphStore
from app.stores.memory import MemoryStore
from seed.loader import load_dataset
from tests.fixture_graph import FIXTURE

_PRIVATE_BASETEMP = pytest.StashKey[str]()


def pytest_configure(config: pytest.Config) -> None:
    """A private base temp folder for the session. Under the default one, every new session
    prunes all but the last three `pytest-N` folders of the user, including those a session
    still running is using: a second `pytest` on the machine deleted the test Neo4j's store."""
    if config.option.basetemp is None:
        config.option.basetemp = tempfile.mkdtemp(prefix="citygraph-pytest-")
        config.stash[_PRIVATE_BASETEMP] = config.option.basetemp


def pytest_unconfigure(config: pytest.Config) -> None:
    if folder := config.stash.get(_PRIVATE_BASETEMP, None):
        shutil.rmtree(folder, ignore_errors=True)


ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
BACKENDS = ["memory", "neo4j"]


@pytest.fixture(scope="session")
def settings() -> Settings:
    """Settings as a user with no environment would have them, but a generous time budget.

    These tests check answers; the budget itself is tested with fake clocks and explicit
    settings (tests/api/test_partial_answers.py, test_under_load.py), so a machine busy
    with other work cannot turn an answer into a 504 here. Nothing is prepared in the
    background (tests/test_prepare.py turns it on), so no test shares the store with it.
    """
    return Settings(
        _env_file=None,
        request_time_budget=60,
        prepare_metrics=[],
        prepare_brokers=0,
        prepare_windows=False,
        prepare_export_counts=False,
    )  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def seed_dataset(settings: Settings) -> Dataset:
    """The shipped seed data, loaded and checked."""
    return load_dataset(settings.data_dir)


def _store(request: pytest.FixtureRequest, backend: str, dataset: Dataset) -> GraphStore:
    if backend == "memory":
        return MemoryStore(dataset)
    neo4j = request.getfixturevalue("neo4j_loader")
    return neo4j(dataset)


@pytest.fixture(params=BACKENDS)
def seed_store(request: pytest.FixtureRequest, seed_dataset: Dataset) -> GraphStore:
    """The seed data in each backend."""
    return _store(request, request.param, seed_dataset)


@pytest.fixture(params=BACKENDS)
def fixture_store(request: pytest.FixtureRequest) -> GraphStore:
    """The hand-made fixture graph in each backend."""
    return _store(request, request.param, FIXTURE)


@pytest.fixture
def client(seed_store: GraphStore, settings: Settings) -> Iterator[TestClient]:
    """An API client over the seed data, on each backend."""
    with TestClient(create_app(settings, seed_store), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def roomy_client(seed_store: GraphStore, settings: Settings) -> Iterator[TestClient]:
    """Like `client`, with time enough for a cold Neo4j on a busy machine: for tests of
    what an answer says, not how fast it comes (that is bench/)."""
    roomy = settings.model_copy(update={"request_time_budget": 60.0})
    with TestClient(create_app(roomy, seed_store), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def fixture_client(fixture_store: GraphStore, settings: Settings) -> Iterator[TestClient]:
    """An API client over the hand-made graph, on each backend."""
    with TestClient(create_app(settings, fixture_store), raise_server_exceptions=False) as c:
        yield c


pytest_plugins = ["tests.neo4j_fixtures"]
