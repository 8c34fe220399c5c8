"""The Cypher script: the project's own load statements, and it recreates the snapshot in Neo4j.

The script was also run with the real `cypher-shell -f` (5.26, from Maven Central) against
the local server while this was written; here it is run statement by statement through the
driver, `:param` lines evaluated the way cypher-shell evaluates them (`RETURN <expression>`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from neo4j import Driver

from app import stats
from app.config import Settings
from app.cypher_registry import CypherRegistry
from app.export import cypher_script
from app.export.cypher_script import literal
from app.export.snapshot import SnapshotFilters, build_snapshot
from app.model import Dataset
from app.service import CityGraph
from app.stores.base import GraphStore
from seed import neo4j_load
from tests.export.conftest import MINI, T1
from tests.fixture_graph import FIXTURE


def run_script(driver: Driver, script: str) -> int:
    """Run a cypher-shell script through the driver; returns the number of statements run."""
    params: dict[str, Any] = {}
    statement: list[str] = []
    count = 0
    with driver.session(database="neo4j") as session:
        for line in script.splitlines():
            stripped = line.strip()
            if not statement and (not stripped or stripped.startswith("//")):
                continue
            if not statement and stripped.startswith(":param "):
                name, expression = stripped[len(":param ") :].split("=>", 1)
                params[name.strip()] = session.run(f"RETURN {expression} AS v").single()["v"]
                continue
            statement.append(line)
            if stripped.endswith(";"):
                session.run("\n".join(statement).rstrip().rstrip(";"), params).consume()
                statement, count = [], count + 1
    assert not statement, "the script ends inside a statement"
    return count


def test_literals_round_trip_through_cypher(neo4j_driver: Driver) -> None:
    """Strings with quotes, backslashes, newlines and Danish letters, numbers, dates, lists and nulls survive."""
    value = {"s": "Ærø 'ø' \\ \"x\"\nny linje\ttab", "f": 56.4532, "i": -3, "b": True, "n": None,
             "d": dt.date(1998, 1, 1), "l": ["å", None, 2], "min": dt.date(1, 1, 1)}  # fmt: skip
    with neo4j_driver.session(database="neo4j") as session:
        got = session.run(f"RETURN {literal(value)} AS v").single()["v"]
    got = {k: (v.to_native() if hasattr(v, "to_native") else v) for k, v in got.items()}
    assert got == value


def test_script_uses_the_registry_statements(mini_graph, export_bytes) -> None:
    """Each load statement in the script is a registry statement, unchanged."""
    script = export_bytes(mini_graph, "cypher").decode("utf-8")
    registry = CypherRegistry()
    for name in ("load_entities:Municipality", "load_relationships:TWINNED_WITH", "set_meta", "schema"):
        assert registry[name].split(";")[0].strip() in script
    assert ":param rows => [{id: 'aarhus'" in script


def test_script_streams_its_batches_as_the_pages_are_read(
    seed_store: GraphStore, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With batches of 5 rows and pages of 20, each batch leaves as soon as it is full: the first
    entity batch before the second entity page is read, the first relationship batch before the
    second relationship page; the pages are read once, and the `/stats` counts made on the way
    are those of a pass of their own."""
    monkeypatch.setattr(cypher_script, "BATCH", 5)
    graph = CityGraph(seed_store, settings.model_copy(update={"export_page_size": 20}))
    snap = build_snapshot(graph, SnapshotFilters(), exported_at=T1)
    expected_stats = literal(stats.to_json(stats.count_records(snap.entities, snap.relationships)))
    reads = {"entities_page": 0, "relationships_page": 0}
    for name in reads:
        method = getattr(seed_store, name)

        def counting(*args: Any, _name: str = name, _method: Any = method) -> Any:
            reads[_name] += 1
            return _method(*args)

        monkeypatch.setattr(seed_store, name, counting)
    marks = {"entities_page": "MERGE (e:Entity", "relationships_page": "MERGE (a)-[r:"}
    first: dict[str, int] = {}  # page reads of each kind when its first batch left
    text = []
    for piece in cypher_script.pieces(snap):
        text.append(piece)
        for name, mark in marks.items():
            if mark in piece and name not in first:
                first[name] = reads[name]
    script = "".join(text)
    assert first == {"entities_page": 1, "relationships_page": 1}, first
    assert reads == {
        "entities_page": len(snap.entities) // 20 + 1,
        "relationships_page": len(snap.relationships) // 20 + 1,
    }
    assert script.count(":param rows") >= (len(snap.entities) + len(snap.relationships)) // 5
    assert f":param stats => {expected_stats}\n" in script


@pytest.mark.neo4j
@pytest.mark.parametrize(
    ("filters", "batch"), [({}, cypher_script.BATCH), ({"as_of": "1999"}, cypher_script.BATCH), ({}, 2)]
)
def test_script_recreates_the_snapshot(
    neo4j_driver: Driver,
    mini_graph,
    export_bytes,
    seed_dataset: Dataset,
    monkeypatch: pytest.MonkeyPatch,
    filters: dict[str, str],
    batch: int,
) -> None:
    """Run into an emptied database, the script gives the snapshot's counts; the server is then put back.
    With batches of 2 rows, the labels' batches interleave and the script still loads the same graph."""
    monkeypatch.setattr(cypher_script, "BATCH", batch)
    registry = CypherRegistry()
    with neo4j_driver.session(database="neo4j") as session:
        record = session.run("OPTIONAL MATCH (m:CityGraphMeta {key: 'dataset'}) RETURN m.version AS v").single()
    previous = record["v"] if record else None
    known = {d.version: d for d in (seed_dataset, FIXTURE, MINI)}
    if previous is not None and previous not in known:
        pytest.skip(f"the server holds dataset {previous!r}, which this test could not put back")
    script = export_bytes(mini_graph, "cypher", **filters).decode("utf-8")
    snap_counts = _expected(mini_graph, filters)
    try:
        neo4j_load.reset(neo4j_driver, registry, "neo4j")
        assert run_script(neo4j_driver, script) > 3
        with neo4j_driver.session(database="neo4j") as session:
            nodes = session.run("MATCH (e:Entity) RETURN count(e) AS n").single()["n"]
            rels = session.run("MATCH (:Entity)-[r]->(:Entity) RETURN count(r) AS n").single()["n"]
            labels = session.run("MATCH (e:Entity {id: 'aarhus'}) RETURN labels(e) AS l, e.name AS name").single()
            version = session.run("MATCH (m:CityGraphMeta {key: 'dataset'}) RETURN m.version AS v").single()["v"]
            query = "MATCH ()-[r:PARTICIPATED_IN {id: $id}]->() RETURN r.first AS f, r.last AS l"
            dates = session.run(query, id="aarhus|PARTICIPATED_IN|vand|1998").single()
        assert (nodes, rels) == snap_counts
        assert sorted(labels["l"]) == ["Entity", "Municipality"] and labels["name"] == "Aarhus Kommune"
        assert (dates["f"].to_native(), dates["l"].to_native()) == (dt.date(1998, 1, 1), dt.date(2001, 12, 31))
        assert version == "mini-1" if not filters else version.startswith("mini-1+snapshot-")
    finally:  # leave the server as the session's loader believes it is
        neo4j_load.reset(neo4j_driver, registry, "neo4j")
        if previous is not None:
            neo4j_load.load(neo4j_driver, known[previous], registry)


def _expected(graph, filters: dict[str, str]) -> tuple[int, int]:
    from app.export.snapshot import SnapshotFilters, build_snapshot

    snap = build_snapshot(graph, SnapshotFilters(**filters))
    return len(snap.entities), len(snap.relationships)
