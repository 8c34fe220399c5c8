"""A seed makes the database equal to the data, or changes nothing; half-loaded is never `ok`."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from neo4j import Driver
from typer.testing import CliRunner

from app.api.main import create_app
from app.cli import app
from app.config import Settings, get_settings
from app.cypher_registry import CypherRegistry
from app.dates import PartialDate
from app.filters import RelFilter
from app.model import Dataset
from app.stores.neo4j_store import Neo4jStore
from seed import neo4j_load
from tests.neo4j_server import PASSWORD, LocalNeo4j
from tests.stores.test_neo4j_seed import graph_dump

pytestmark = pytest.mark.neo4j
runner = CliRunner()
REGISTRY = CypherRegistry()


class Injected(Exception):
    """The failure a test injects between two batches."""


def fail_after(batches: int):  # type: ignore[no-untyped-def]
    calls = [0]

    def hook() -> None:
        calls[0] += 1
        if calls[0] == batches:
            raise Injected(f"stopped after batch {batches}")

    return hook


@pytest.fixture
def seeded(neo4j_loader, neo4j_driver: Driver, seed_dataset: Dataset) -> Iterator[Driver]:  # type: ignore[no-untyped-def]
    """The seed loaded; whatever the test does, the seed is loaded again afterwards (loads converge)."""
    neo4j_loader(seed_dataset)
    yield neo4j_driver
    neo4j_load.load(neo4j_driver, seed_dataset, REGISTRY)


@pytest.fixture
def data_copy(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch, neo4j_server: LocalNeo4j
) -> Iterator[Path]:
    """A copy of the seed data that `citygraph seed` (pointed at the test server) reads."""
    target = tmp_path / "data"
    shutil.copytree(settings.data_dir, target)
    monkeypatch.setenv("CITYGRAPH_DATA_DIR", str(target))
    monkeypatch.setenv("NEO4J_URI", neo4j_server.uri)
    monkeypatch.setenv("NEO4J_PASSWORD", PASSWORD)
    get_settings.cache_clear()
    yield target
    get_settings.cache_clear()


def edit(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_fabricated_quote_is_refused_with_nothing_written(seeded: Driver, data_copy: Path, settings: Settings) -> None:
    """A quote that is not in its document stops the seed before anything is written."""
    assert settings.corpus_dir.is_dir(), "the corpus is needed to check quotes"
    before = graph_dump(seeded)

    def fabricate(doc: dict) -> None:
        doc["relationships"][0]["sources"][0]["quote"] = "Hamar og Viborg grundlagde sammen en by på månen"
        doc["relationships"][0]["description"] = "A fabricated fact."

    edit(data_copy / "000_viborg.yaml", fabricate)
    result = runner.invoke(app, ["seed"])
    assert result.exit_code == 1
    assert "nothing was loaded" in result.output and "does not occur verbatim" in result.output
    assert graph_dump(seeded) == before


def test_edited_data_converges(seeded: Driver, data_copy: Path, seed_dataset: Dataset) -> None:
    """Changed start date, a removed relationship, a changed kind: the database equals the new data."""
    edited: dict[str, str] = {}

    def change(doc: dict) -> None:
        rel = next(r for r in doc["relationships"] if r.get("start"))
        edited["old"] = f"{rel['source']}|{rel['type']}|{rel['target']}|{rel['start']}"
        rel["start"] = str(int(str(rel["start"])[:4]) - 1)
        edited["new"] = f"{rel['source']}|{rel['type']}|{rel['target']}|{rel['start']}"
        gone = doc["relationships"].pop()
        edited["gone"] = f"{gone['source']}|{gone['type']}|{gone['target']}|{gone.get('start') or ''}"

    edit(data_copy / "000_viborg.yaml", change)
    result = runner.invoke(app, ["seed"])
    assert result.exit_code == 0, result.output
    assert "2 relationships removed" in result.output, result.output
    nodes, rels = graph_dump(seeded)
    ids = {r["id"] for r in rels}
    assert edited["new"] in ids and edited["old"] not in ids and edited["gone"] not in ids
    assert len(rels) == len(seed_dataset.relationships) - 1
    assert len(nodes) == len(seed_dataset.entities)
    assert {r["p"]["dataset_version"] for r in rels} == {n["p"]["dataset_version"] for n in nodes}


def test_changed_kind_and_removed_entity_converge(seeded: Driver, seed_dataset: Dataset) -> None:
    """An entity whose kind changed has only its new label; one no longer in the data is gone."""
    by_id = {e.id: e for e in seed_dataset.entities}
    linked = {r.source for r in seed_dataset.relationships} | {r.target for r in seed_dataset.relationships}
    lonely = next((e for e in seed_dataset.entities if e.id not in linked), None)
    kept = [e for e in seed_dataset.entities if e is not lonely]
    rekinded = dataclasses.replace(by_id["grundfos"], kind=by_id["grundfos"].kind.__class__("Institution"))
    entities = tuple(rekinded if e.id == "grundfos" else e for e in kept)
    neo4j_load.load(seeded, Dataset(entities, seed_dataset.relationships, "edited-kinds"), REGISTRY)
    with seeded.session() as s:
        labels = s.run("MATCH (e:Entity {id: 'grundfos'}) RETURN labels(e) AS l").single()["l"]
        rels = s.run("MATCH (e:Entity {id: 'grundfos'})-[r]-() RETURN count(r) AS n").single()["n"]
        count = s.run("MATCH (e:Entity) RETURN count(e) AS n").single()["n"]
    assert sorted(labels) == ["Entity", "Institution"]
    assert rels == sum(1 for r in seed_dataset.relationships if "grundfos" in (r.source, r.target))
    assert count == len(entities)


def _edited(dataset: Dataset) -> Dataset:
    rels = tuple(dataclasses.replace(r, start=PartialDate(1900)) if r.start else r for r in dataset.relationships)
    return Dataset(dataset.entities, rels, "edited-dates")


def test_failure_between_batches_leaves_the_previous_version_served(
    seeded: Driver, seed_dataset: Dataset, neo4j_settings: Settings
) -> None:
    """A reload that fails midway (one transaction) is rolled back: same graph, same version, /health ok."""
    before = graph_dump(seeded)
    with pytest.raises(Injected):
        neo4j_load.load(seeded, _edited(seed_dataset), REGISTRY, batch_size=50, between_batches=fail_after(8))
    assert graph_dump(seeded) == before
    store = Neo4jStore.connect(neo4j_settings)
    try:
        with TestClient(create_app(neo4j_settings, store), raise_server_exceptions=False) as client:
            health = client.get("/health")
        assert health.status_code == 200 and health.json()["dataset_version"] == seed_dataset.version
    finally:
        store.close()


def test_a_cut_off_large_reload_is_not_ok_until_finished(
    seeded: Driver, seed_dataset: Dataset, neo4j_settings: Settings
) -> None:
    """Beyond the one-transaction limit a cut-off load is marked: /health 503 `not_loaded`; reseeding heals it."""
    with pytest.raises(Injected):
        neo4j_load.load(
            seeded, _edited(seed_dataset), REGISTRY, batch_size=50, atomic_limit=0, between_batches=fail_after(8)
        )
    store = Neo4jStore.connect(neo4j_settings)
    try:
        with TestClient(create_app(neo4j_settings, store), raise_server_exceptions=False) as client:
            half = client.get("/health")
            assert half.status_code == 503
            assert half.json()["error"]["code"] == "not_loaded"
            neo4j_load.load(seeded, seed_dataset, REGISTRY, atomic_limit=0)
            healed = client.get("/health")
        assert healed.status_code == 200 and healed.json()["dataset_version"] == seed_dataset.version
    finally:
        store.close()


def test_empty_and_half_loaded_database_is_not_loaded(
    seeded: Driver, seed_dataset: Dataset, neo4j_settings: Settings
) -> None:
    """Empty: 503 `not_loaded`. A first load cut off midway: 503 `not_loaded`, never `ok`."""
    neo4j_load.reset(seeded, REGISTRY, "neo4j")
    store = Neo4jStore.connect(neo4j_settings)
    try:
        with TestClient(create_app(neo4j_settings, store), raise_server_exceptions=False) as client:
            empty = client.get("/health")
            assert empty.status_code == 503 and empty.json()["error"]["code"] == "not_loaded"
            assert "is empty" in empty.json()["error"]["message"]
            with pytest.raises(Injected):
                neo4j_load.load(seeded, seed_dataset, REGISTRY, batch_size=50, between_batches=fail_after(10))
            half = client.get("/health")
            assert half.status_code == 503 and half.json()["error"]["code"] == "not_loaded"
            assert half.json()["error"]["details"]["nodes"] > 0
    finally:
        store.close()


def test_synthetic_10k_bulk_load_then_converging_reload(
    seeded: Driver, tmp_path: Path, neo4j_settings: Settings
) -> None:
    """10k synthetic relationships: the CREATE path into an empty database, then a reload that changes nothing."""
    from seed.loader import load_dataset
    from seed.synth import synthesize

    synthesize(10_000, 11, tmp_path / "synth")
    data = load_dataset(tmp_path / "synth")
    neo4j_load.reset(seeded, REGISTRY, "neo4j")
    first = neo4j_load.load(seeded, data, REGISTRY, batch_size=5000)
    assert first["nodes_created"] == len(data.entities) + 1  # and the version node
    assert first["relationships_created"] == len(data.relationships) == 10_000
    again = neo4j_load.load(seeded, data, REGISTRY, batch_size=5000)
    assert (again["nodes_created"], again["relationships_created"], again["relationships_deleted"]) == (0, 0, 0)
    store = Neo4jStore.connect(neo4j_settings)
    try:
        assert store.counts() == (len(data.entities), 10_000)
        hub = max(store.degrees().items(), key=lambda kv: kv[1])
        assert hub[1] >= 200
        urls = [s.url for r in store.relationships_touching([hub[0]], RelFilter()) for s in r.sources]
        assert any(urls)  # dataset-record sources keep their URL in Neo4j
    finally:
        store.close()
