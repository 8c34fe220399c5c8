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

from app.cypher_registry import CypherRegistry
from app.export.cypher_script import literal
from app.model import Dataset
from seed import neo4j_load
from tests.export.conftest import MINI
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


@pytest.mark.neo4j
@pytest.mark.parametrize("filters", [{}, {"as_of": "1999"}])
def test_script_recreates_the_snapshot(
    neo4j_driver: Driver, mini_graph, export_bytes, seed_dataset: Dataset, filters: dict[str, str]
) -> None:
    """Run into an emptied database, the script gives the snapshot's counts; the server is then put back."""
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
