"""The Cypher registry: loads every file, expands placeholders, fails clearly on bad files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from neo4j import Driver

from app.cypher_registry import CYPHER_DIR, CypherLoadError, CypherRegistry
from app.model import Dataset
from app.vocabulary import REL_TYPE_NAMES, Kind


def test_placeholders_expand_from_the_vocabulary() -> None:
    """Per-type, per-kind and per-bound variants exist for each template; none is left raw."""
    registry = CypherRegistry()
    for t in REL_TYPE_NAMES:
        assert f":{t} {{id: row.id}}" in registry[f"load_relationships:{t}"]
    for k in Kind:
        assert f"e:{k.value}" in registry[f"load_entities:{k.value}"]
    assert "{1,6}" in registry["paths_shortest:6"]
    # a search from both ends: half the bound from each, the splits kept if they add up
    assert "{1,3}" in registry["paths_all:5"] and "{0,2}" in registry["paths_all:5"]
    assert "left + right <= 5" in registry["paths_all:5"]
    assert "{1,1}" in registry["paths_temporal:1"] and "{0,1}" in registry["paths_temporal:1"]
    assert not any("{{" in q.text for q in registry.queries.values())


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: (d / "queries.cypher").unlink(), "missing required"),
        (lambda d: (d / "extra.cypher").write_text("MATCH (n) RETURN n"), "no `// name: ...` block"),
        (lambda d: (d / "extra.cypher").write_text("// name: meta\nRETURN 1"), "also defined in"),
        (lambda d: (d / "extra.cypher").write_text("// name: empty_one\n// only a comment\n"), "is empty"),
        (
            lambda d: (d / "extra.cypher").write_text("// name: odd\nMATCH (n:{{label}}) RETURN n"),
            "unknown placeholder",
        ),
    ],
)
def test_bad_cypher_files_fail_start_up_with_a_clear_message(tmp_path: Path, mutate, message: str) -> None:  # type: ignore[no-untyped-def]
    """A missing, duplicated, empty or malformed query stops the registry, naming the file."""
    folder = tmp_path / "cypher"
    shutil.copytree(CYPHER_DIR, folder)
    mutate(folder)
    with pytest.raises(CypherLoadError, match=message):
        CypherRegistry(folder)


@pytest.mark.neo4j
def test_every_browser_query_runs(neo4j_loader, seed_dataset: Dataset, neo4j_driver: Driver) -> None:  # type: ignore[no-untyped-def]
    """The queries the README offers for Neo4j Browser run and return rows on the seed data."""
    neo4j_loader(seed_dataset)
    registry = CypherRegistry()
    names = [n for n in registry.queries if n.startswith("browser_")]
    assert len(names) >= 5
    with neo4j_driver.session() as session:
        for name in names:
            assert session.run(registry[name]).data(), name
