"""`citygraph seed` and the Neo4j loader: idempotent, reset-safe, clear when it cannot connect."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from neo4j import Driver
from typer.testing import CliRunner

from app.cli import app
from app.config import get_settings
from app.cypher_registry import CypherRegistry
from app.model import Dataset
from seed import neo4j_load
from tests.neo4j_server import PASSWORD, LocalNeo4j, free_port

pytestmark = pytest.mark.neo4j
runner = CliRunner()


def graph_dump(driver: Driver) -> tuple[list, list]:
    """Every entity and relationship with all properties, sorted: equal dumps, equal graphs."""
    with driver.session() as s:
        nodes = s.run("MATCH (e:Entity) RETURN e.id AS id, labels(e) AS labels, properties(e) AS p ORDER BY id").data()
        rels = s.run(
            "MATCH (a)-[r]->(b) WHERE a:Entity RETURN r.id AS id, type(r) AS t, properties(r) AS p ORDER BY id"
        ).data()
    return nodes, rels


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, neo4j_server: LocalNeo4j) -> Iterator[None]:
    """Environment for the CLI pointing at the test server."""
    monkeypatch.setenv("NEO4J_URI", neo4j_server.uri)
    monkeypatch.setenv("NEO4J_PASSWORD", PASSWORD)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_seed_twice_changes_nothing(  # type: ignore[no-untyped-def]
    cli_env: None, neo4j_driver: Driver, neo4j_loader, seed_dataset: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`citygraph seed` into an emptied database takes the CREATE path and says so (with the hint to
    the importer route from its size on); a second one says MERGE, creates nothing and leaves every property as it was."""
    neo4j_loader(seed_dataset)
    before = graph_dump(neo4j_driver)
    monkeypatch.setattr("app.cli.BULK_HINT_ROWS", len(seed_dataset.entities))  # the seed, as if it were big
    first = runner.invoke(app, ["seed", "--reset"])
    assert first.exit_code == 0, first.output
    said = " ".join(first.output.split())  # rich wraps long lines
    assert "rows into an empty database: CREATE in batches" in said and "(CREATE into an empty database)" in said
    assert "hint: for a folder this size, stop the local Neo4j and run `citygraph seed` again" in said
    assert graph_dump(neo4j_driver) == before
    result = runner.invoke(app, ["seed"])
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "into a loaded database: idempotent MERGE in one transaction" in said and "hint" not in said
    assert "(MERGE): " in said
    assert "(0 nodes and 0 relationships created, 0 nodes and 0 relationships removed)" in said
    assert graph_dump(neo4j_driver) == before
    assert len(before[0]) == len(seed_dataset.entities)
    assert len(before[1]) == len(seed_dataset.relationships)


def test_reset_removes_only_our_labels(neo4j_driver: Driver, neo4j_loader, seed_dataset: Dataset) -> None:  # type: ignore[no-untyped-def]
    """`--reset` deletes Entity and CityGraphMeta nodes, never other data in the database."""
    registry = CypherRegistry()
    with neo4j_driver.session() as s:
        s.run("CREATE (:SomebodyElses {note: 'keep me'})").consume()
    try:
        neo4j_load.reset(neo4j_driver, registry, "neo4j")
        with neo4j_driver.session() as s:
            assert s.run("MATCH (e:Entity) RETURN count(e) AS n").single()["n"] == 0
            assert s.run("MATCH (n:SomebodyElses) RETURN count(n) AS n").single()["n"] == 1
    finally:
        with neo4j_driver.session() as s:
            s.run("MATCH (n:SomebodyElses) DELETE n").consume()
        neo4j_load.load(neo4j_driver, seed_dataset, registry)


def test_loader_batches(neo4j_driver: Driver, neo4j_loader, seed_dataset: Dataset) -> None:  # type: ignore[no-untyped-def]
    """Small batches load the same graph as one big batch."""
    neo4j_loader(seed_dataset)
    before = graph_dump(neo4j_driver)
    calls: list[int] = []
    neo4j_load.load(neo4j_driver, seed_dataset, CypherRegistry(), batch_size=50, progress=calls.append)
    assert graph_dump(neo4j_driver) == before
    assert max(calls) <= 50 and sum(calls) == len(seed_dataset.entities) + len(seed_dataset.relationships)


def test_empty_database_load_equals_a_reload_and_builds_indexes_after(
    neo4j_driver: Driver,
    neo4j_loader,
    seed_dataset: Dataset,  # type: ignore[no-untyped-def]
) -> None:
    """The CREATE path writes every property the MERGE path would, and adds the indexes once the data is in."""
    registry = CypherRegistry()
    neo4j_loader(seed_dataset)
    with neo4j_driver.session() as s:
        for name in s.run(
            "SHOW INDEXES YIELD name, type, owningConstraint WHERE owningConstraint IS NULL AND type <> 'LOOKUP' RETURN name"
        ).value():
            s.run(f"DROP INDEX {name}").consume()  # names Neo4j just listed
    neo4j_load.reset(neo4j_driver, registry, "neo4j")
    during: list[set[str]] = []

    def indexes() -> set[str]:
        with neo4j_driver.session() as s:
            return set(s.run("SHOW INDEXES YIELD name, state WHERE state = 'ONLINE' RETURN name").value())

    first = neo4j_load.load(
        neo4j_driver, seed_dataset, registry, batch_size=100, between_batches=lambda: during.append(indexes())
    )
    assert first["nodes_created"] == len(seed_dataset.entities) + 1  # the CREATE path ran
    assert during and all("entity_names" not in names and "entity_id" in names for names in during)
    assert {"entity_names", "entity_name", "period_TWINNED_WITH"} <= indexes()
    created = graph_dump(neo4j_driver)
    again = neo4j_load.load(neo4j_driver, seed_dataset, registry)
    assert (again["nodes_created"], again["relationships_created"], again["relationships_deleted"]) == (0, 0, 0)
    assert graph_dump(neo4j_driver) == created


def test_seed_says_when_neo4j_is_unreachable(monkeypatch: pytest.MonkeyPatch) -> None:
    """With nothing listening, seed prints one line naming the URI and exits non-zero."""
    uri = f"bolt://localhost:{free_port()}"
    monkeypatch.setenv("NEO4J_URI", uri)
    get_settings.cache_clear()
    try:
        result = runner.invoke(app, ["seed"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    assert f"unreachable at {uri}" in result.output
    assert "Traceback" not in result.output


def test_seed_says_when_credentials_are_wrong(cli_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """A wrong password gives one line saying so and a non-zero exit."""
    monkeypatch.setenv("NEO4J_PASSWORD", "not-the-password")
    get_settings.cache_clear()
    result = runner.invoke(app, ["seed"])
    assert result.exit_code == 1
    assert "refused user 'neo4j'" in result.output
    assert "Traceback" not in result.output
