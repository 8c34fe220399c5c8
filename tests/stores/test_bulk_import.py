"""`citygraph seed --bulk`: the importer route gives the graph both Cypher paths give, or refuses.

Real parts: Neo4j's importer from Maven Central (`neo4j-local/import.sh`) and the local
server, started by the route on the store the importer wrote.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver, GraphDatabase
from typer.testing import CliRunner, Result

from app.cli import app
from app.config import Settings, get_settings
from app.cypher_registry import CypherRegistry
from app.model import Dataset
from app.stores.neo4j_store import Neo4jStore
from seed import import_parts, neo4j_load
from seed.bulk_import import ImportRefused, bulk_seed, importer_fits
from seed.loader import load_dataset
from seed.synth import synthesize
from tests.neo4j_server import PASSWORD, LocalNeo4j, free_port

pytestmark = pytest.mark.neo4j
runner = CliRunner()

Graph = dict[str, Any]


def graph_of(driver: Driver) -> Graph:
    """Everything both routes write, in comparable form: nodes with labels and every property,
    relationships with type, ends and every property, the version mark, the online indexes."""
    with driver.session() as s:
        nodes = s.run("MATCH (e:Entity) RETURN e.id AS id, labels(e) AS labels, properties(e) AS p").data()
        rels = s.run("MATCH (a:Entity)-[r]->(b) RETURN a.id AS a, type(r) AS t, b.id AS b, properties(r) AS p").data()
        meta = s.run("MATCH (m:CityGraphMeta) RETURN properties(m) AS p").data()
        indexes = s.run(
            "SHOW INDEXES YIELD name, type, entityType, labelsOrTypes, properties, state, owningConstraint "
            "WHERE type <> 'LOOKUP' RETURN *"
        ).data()
        constraints = s.run("SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties RETURN *").data()
    for m in meta:
        m["p"].pop("loaded_at")  # when, not what
    return {
        "nodes": {n["id"]: (sorted(n["labels"]), n["p"]) for n in nodes},
        "relationships": sorted((r["p"]["id"], r["a"], r["t"], r["b"], sorted(r["p"].items())) for r in rels),
        "meta": meta,
        "indexes": sorted(indexes, key=lambda i: i["name"]),
        "constraints": sorted(constraints, key=lambda c: c["name"]),
    }


def bulk_graph(dataset: Dataset, home: Path) -> Graph:
    """The route into a fresh `home`, the graph read while its server still runs."""
    seen: list[Graph] = []
    result = bulk_seed(dataset, home, PASSWORD, inspect=lambda driver: seen.append(graph_of(driver)))
    assert (result.nodes, result.relationships) == (len(dataset.entities), len(dataset.relationships))
    return seen[0]


def cypher_graph(dataset: Dataset, neo4j_loader: Callable[[Dataset], Neo4jStore], driver: Driver) -> Graph:
    """The Cypher loader's CREATE path, into the session's (reset, so empty) server."""
    neo4j_loader(dataset)
    return graph_of(driver)


def merge_graph(dataset: Dataset, driver: Driver) -> Graph:
    """The Cypher loader's MERGE path: over another version (one entity of the data, under another
    version), so the load is a reload, batched and marked, that replaces it."""
    registry = CypherRegistry()
    neo4j_load.reset(driver, registry, "neo4j")
    routes: list[str] = []
    neo4j_load.load(driver, Dataset(dataset.entities[:1], (), "another-version"), registry, on_route=routes.append)
    neo4j_load.load(driver, dataset, registry, batch_size=500, atomic_limit=0, on_route=routes.append)
    assert routes == ["create", "marked"]
    return graph_of(driver)


def assert_same(bulk: Graph, cypher: Graph) -> None:
    assert bulk["nodes"].keys() == cypher["nodes"].keys()
    for key, value in cypher["nodes"].items():  # one by one: a difference names the entity
        assert bulk["nodes"][key] == value, key
    assert bulk["relationships"] == cypher["relationships"]
    assert bulk["meta"] == cypher["meta"] and bulk["meta"][0]["p"]["stats"]
    assert bulk["indexes"] == cypher["indexes"] and {i["state"] for i in bulk["indexes"]} == {"ONLINE"}
    assert bulk["constraints"] == cypher["constraints"]


def test_bulk_route_gives_the_cypher_loaders_graph_on_the_seed(
    tmp_path: Path, seed_dataset: Dataset, neo4j_loader: Callable[[Dataset], Neo4jStore], neo4j_driver: Driver
) -> None:
    """Seed data (quotes, aliases, partial dates, coordinates, empty lists): every property equal,
    whether imported, CREATEd into an empty database or MERGEd over another version."""
    created = cypher_graph(seed_dataset, neo4j_loader, neo4j_driver)
    assert_same(bulk_graph(seed_dataset, tmp_path / "home"), created)
    assert_same(merge_graph(seed_dataset, neo4j_driver), created)


def test_bulk_route_gives_the_cypher_loaders_graph_on_synthetic_data(
    tmp_path: Path, neo4j_loader: Callable[[Dataset], Neo4jStore], neo4j_driver: Driver
) -> None:
    """A small synthetic folder (CSV input, dataset records with URLs, undated and parallel links)."""
    synthesize(1500, 3, tmp_path / "data")
    dataset = load_dataset(tmp_path / "data")
    created = cypher_graph(dataset, neo4j_loader, neo4j_driver)
    assert_same(bulk_graph(dataset, tmp_path / "home"), created)
    assert_same(merge_graph(dataset, neo4j_driver), created)


def test_refuses_a_directory_a_server_runs_on(neo4j_server: LocalNeo4j, seed_dataset: Dataset) -> None:
    """The session's server holds its store lock: refused before anything is written."""
    with pytest.raises(ImportRefused, match=r"a Neo4j server is running on .*stop it") as refused:
        bulk_seed(seed_dataset, neo4j_server.data_dir, PASSWORD)
    assert refused.value.to_dict()["error"]["code"] == "import_refused"


def test_importer_fits_only_a_stopped_local_server(neo4j_server: LocalNeo4j, tmp_path: Path) -> None:
    """Plain `seed` may take the importer route only for the local server's URI (loopback, its Bolt
    port) with nothing answering there and no server on its data directory; else the driver loads."""
    port = free_port()

    def fits(uri: str, home: Path, local_port: int = port, database: str = "neo4j") -> bool:
        settings = Settings(
            _env_file=None, NEO4J_URI=uri, NEO4J_PASSWORD=PASSWORD, NEO4J_LOCAL_BOLT_PORT=local_port,
            NEO4J_LOCAL_DATA_DIR=home, NEO4J_DATABASE=database,
        )  # type: ignore[call-arg]  # fmt: skip
        return importer_fits(settings)

    assert fits(f"bolt://localhost:{port}", tmp_path) and fits(f"neo4j://127.0.0.1:{port}", tmp_path)
    assert not fits(f"bolt://db.example.org:{port}", tmp_path)  # not this machine
    assert not fits(f"bolt://localhost:{port}", tmp_path, local_port=port + 1)  # another server's port
    assert not fits(f"bolt://localhost:{port}", tmp_path, database="other")
    assert not fits(neo4j_server.uri, tmp_path, local_port=neo4j_server.bolt_port)  # a server answers there
    assert not fits(f"bolt://localhost:{port}", neo4j_server.data_dir)  # a server runs on the directory


@pytest.fixture
def local_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[LocalNeo4j]:
    """The CLI's settings pointing at a local Neo4j of its own (data directory, Bolt port), not started."""
    server = LocalNeo4j(tmp_path / "home")
    for name, value in {
        "NEO4J_LOCAL_DATA_DIR": str(server.data_dir), "NEO4J_LOCAL_BOLT_PORT": str(server.bolt_port),
        "NEO4J_URI": server.uri, "NEO4J_PASSWORD": PASSWORD,
    }.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield server
    server.stop()
    get_settings.cache_clear()


def said(result: Result) -> str:
    return " ".join(result.output.split())  # rich wraps long lines


def test_plain_seed_imports_into_the_stopped_local_neo4j_and_merges_into_the_running_one(
    local_env: LocalNeo4j, seed_dataset: Dataset, neo4j_loader: Callable[[Dataset], Neo4jStore], neo4j_driver: Driver
) -> None:
    """As after a first `make neo4j` (an empty `neo4j` created, the server stopped), plain `citygraph seed`
    takes the importer route and says why; the started server holds the driver route's graph. Stopped
    with data in it, `seed` refuses and changes nothing; running, `seed` goes through the driver."""
    server = local_env
    server.start()
    server.stop()
    first = runner.invoke(app, ["seed"])
    assert first.exit_code == 0, first.output
    assert "loading by neo4j-admin's importer into the local database" in said(first)
    assert "nothing answers there and no server runs on" in said(first) and "exists and holds nothing" in said(first)
    assert said(first).count("check that the existing database is empty") == 1  # counted once, before the checks
    assert "checks passed: " in said(first) and "start the server with `make neo4j`" in said(first)

    refused = runner.invoke(app, ["seed"])  # (`seed --reset` decides the same way: it needs the server to remove)
    assert refused.exit_code == 1
    entities, relationships = len(seed_dataset.entities) + 1, len(seed_dataset.relationships)  # and the version mark
    assert (
        f"error: the local database 'neo4j' in {server.data_dir} holds {entities:,} nodes and {relationships:,} "
        "relationships and no server runs on it; nothing was changed: start it (`make neo4j`)"
    ) in said(refused)
    assert "checks passed" not in said(refused)  # refused before the checks

    created = cypher_graph(seed_dataset, neo4j_loader, neo4j_driver)
    server.start()
    with GraphDatabase.driver(server.uri, auth=("neo4j", PASSWORD)) as driver:
        assert_same(graph_of(driver), created)  # imported as the driver writes, and the refusal changed nothing
        again = runner.invoke(app, ["seed"])
        assert again.exit_code == 0, again.output
        assert "importer" not in said(again) and "into a loaded database: idempotent MERGE" in said(again)
        assert "(0 nodes and 0 relationships created, 0 nodes and 0 relationships removed)" in said(again)
        assert_same(graph_of(driver), created)


@pytest.fixture
def bulk_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """`citygraph seed --bulk` aimed at a fresh local data directory."""
    home = tmp_path / "home"
    monkeypatch.setenv("NEO4J_LOCAL_DATA_DIR", str(home))
    get_settings.cache_clear()
    yield home
    get_settings.cache_clear()


def test_cli_refusal_is_one_line_and_writes_nothing(bulk_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEO4J_DATABASE", "other")
    get_settings.cache_clear()
    result = runner.invoke(app, ["seed", "--bulk"])
    assert result.exit_code == 1
    assert "error: the bulk import writes the local server's default database 'neo4j', not 'other'" in result.output
    assert not bulk_env.exists()


def test_cli_bad_folder_names_file_row_column_before_anything(
    bulk_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bad cell stops the bulk route before the importer runs: no database directory appears."""
    data = tmp_path / "data"
    synthesize(200, 1, data)
    lines = (data / "relationships.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[5].split(",")
    cells[header.index("start")] = "2019-13"
    lines[5] = ",".join(cells)
    (data / "relationships.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setenv("CITYGRAPH_DATA_DIR", str(data))
    get_settings.cache_clear()
    result = runner.invoke(app, ["seed", "--bulk"])
    assert result.exit_code == 1
    assert "relationships.csv" in result.output and "row 6" in result.output and "start" in result.output
    assert not bulk_env.exists()


def test_cli_checks_a_big_folder_in_parts_and_imports_the_same_graph(
    bulk_env: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    neo4j_loader: Callable[[Dataset], Neo4jStore],
    neo4j_driver: Driver,
) -> None:
    """A folder checked in parallel parts (seed/import_parts.py; here from any size on): its files
    are written during the checks and the imported graph is the Cypher loader's."""
    monkeypatch.setattr(import_parts, "PARALLEL_FROM", 0)
    data = tmp_path / "data"
    synthesize(1500, 3, data)
    for name, value in {"CITYGRAPH_DATA_DIR": str(data), "NEO4J_PASSWORD": PASSWORD}.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    result = runner.invoke(app, ["seed", "--bulk"])
    assert result.exit_code == 0, result.output
    assert "checks passed: " in said(result) and "checking in one process" not in said(result)
    assert "write CSV files" not in said(result)  # written by the parts, during the checks
    server = LocalNeo4j(bulk_env)
    server.start()
    try:
        with GraphDatabase.driver(server.uri, auth=("neo4j", PASSWORD)) as driver:
            imported = graph_of(driver)
    finally:
        server.stop()
    assert_same(imported, cypher_graph(load_dataset(data), neo4j_loader, neo4j_driver))


def test_cli_a_problem_in_a_part_is_named_by_the_serial_read(
    bulk_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The parts only count problems; the folder is then read in one process, which names each."""
    monkeypatch.setattr(import_parts, "PARALLEL_FROM", 0)
    data = tmp_path / "data"
    synthesize(1500, 3, data)
    lines = (data / "relationships.csv").read_text(encoding="utf-8").splitlines()
    cells = lines[-1].split(",")
    cells[2] = "no-such-entity"
    lines[-1] = ",".join(cells)
    (data / "relationships.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setenv("CITYGRAPH_DATA_DIR", str(data))
    get_settings.cache_clear()
    result = runner.invoke(app, ["seed", "--bulk"])
    assert result.exit_code == 1
    assert "checking in one process (1 problem(s) in relationships.csv from line" in said(result)
    assert f"relationships.csv:{len(lines)}:" in said(result) and "no entity with id 'no-such-entity'" in said(result)
    assert not bulk_env.exists()
