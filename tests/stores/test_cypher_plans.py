"""PROFILE the path queries: date and type filters prune during the search."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from neo4j import Driver

from app.cypher_registry import CypherRegistry
from app.model import Dataset

pytestmark = pytest.mark.neo4j

PARAMS = {
    "source": "grundfos", "target": "irbid", "first": dt.date(2010, 1, 1), "last": dt.date(2018, 12, 31),
    "types": None, "blocked": [], "blocked_kinds": ["Country"], "max_paths": 1000,
}  # fmt: skip


def operators(plan: Any, depth: int = 0) -> list[tuple[int, str, str]]:
    """The plan as (depth, operator, details) rows, top down."""
    rows = [(depth, plan["operatorType"].split("@")[0], plan["args"].get("Details", ""))]
    for child in plan.get("children", []):
        rows += operators(child, depth + 1)
    return rows


def profile(driver: Driver, text: str) -> list[tuple[int, str, str]]:
    with driver.session() as session:
        result = session.run("PROFILE " + text, PARAMS)
        list(result)
        return operators(result.consume().profile)


@pytest.fixture
def loaded(neo4j_loader, seed_dataset: Dataset) -> None:  # type: ignore[no-untyped-def]
    """The seed data in the test server."""
    neo4j_loader(seed_dataset)


def test_shortest_inlines_date_and_type_filters(loaded: None, neo4j_driver: Driver) -> None:
    """ALL SHORTEST runs as StatefulShortestPath with the filters inlined; ends are seeks."""
    plan = profile(neo4j_driver, CypherRegistry()["paths_shortest:4"])
    names = [op for _, op, _ in plan]
    assert names.count("NodeUniqueIndexSeek") >= 2
    shortest = [details for _, op, details in plan if op.startswith("StatefulShortestPath")]
    assert shortest, names
    inlined = shortest[0].split("inlined predicates:")[1]
    for predicate in ("r.first] <= $last", "r.last] >= $first", "type(r) IN $types"):
        assert predicate in inlined
    assert not any(op == "Filter" and "r.first" in d for _, op, d in plan)


def test_shortest_searches_from_the_end_with_more_links_and_answers_as_from_the_source(
    loaded: None, neo4j_driver: Driver
) -> None:
    """Either way round, the same paths, each reading from `source`, in the same order: the
    query flips the search to start at the better-linked end and reverses the rows back."""
    query = CypherRegistry()["paths_shortest:4"]
    ends = ("viborg-kommune", "irbid")

    def rows(source: str, target: str) -> list[tuple[list[str], list[str]]]:
        params = {**PARAMS, "source": source, "target": target, "first": dt.date(1900, 1, 1)}
        with neo4j_driver.session() as session:
            return [(r["nodes"], r["rels"]) for r in session.run(query, params)]

    forward, backward = rows(*ends), rows(*reversed(ends))
    assert forward and all(nodes[0] == ends[0] and nodes[-1] == ends[1] for nodes, _ in forward)
    assert all(nodes[0] == ends[1] for nodes, _ in backward)
    assert sorted(backward, key=lambda r: (len(r[1]), r)) == backward
    assert sorted((n[::-1], r[::-1]) for n, r in forward) == sorted(backward)


@pytest.mark.parametrize("name", ["paths_all:3", "paths_temporal:3"])
def test_all_and_temporal_search_from_both_ends_filtering_each_step(
    loaded: None, neo4j_driver: Driver, name: str
) -> None:
    """Two expansions from the seeked ends meet in a NodeHashJoin; each prunes by date and type
    as it expands (the predicates are the VarLengthExpand's own), none in a Filter above."""
    plan = profile(neo4j_driver, CypherRegistry()[name])
    names = [op for _, op, _ in plan]
    join = next(i for i, (_, op, _) in enumerate(plan) if op == "NodeHashJoin")
    assert plan[join][2] == "m"
    below = [row for row in plan[join + 1 :] if row[0] > plan[join][0]]
    expands = [d for _, op, d in below if op.startswith("VarLengthExpand")]
    assert len(expands) == 2, names
    assert sorted(d.split(" = ")[1][:3] for d in expands) == ["(a)", "(b)"]
    for details in expands:
        for predicate in (".first <= $last", ".last >= $first", "$types IS NULL"):
            assert predicate in details, details
    assert [op for _, op, _ in below].count("NodeUniqueIndexSeek") == 2
    assert not any(op == "Filter" and ".first <= $last" in d for _, op, d in plan)


def test_counts_come_from_the_count_store(loaded: None, neo4j_driver: Driver) -> None:
    """`/health` counts without scanning: both counts are count-store lookups, so its cost does
    not grow with the graph (the scale bench compares cached answers with it)."""
    plan = profile(neo4j_driver, CypherRegistry()["counts"])
    names = [op for _, op, _ in plan]
    assert "NodeCountFromCountStore" in names, plan
    assert "RelationshipCountFromCountStore" in names, plan
    assert not any(op in ("NodeByLabelScan", "AllNodesScan", "Expand(All)", "Expand(Into)") for op in names), plan


def test_bulk_create_of_entities_has_no_eager(neo4j_driver: Driver) -> None:
    """The empty-database entity load streams: no Eager operator between UNWIND and CREATE."""
    with neo4j_driver.session() as session:
        result = session.run(
            "EXPLAIN " + CypherRegistry()["create_entities:Municipality"], {"rows": [], "version": "v"}
        )
        plan = operators(result.consume().plan)
    names = [op for _, op, _ in plan]
    assert "Create" in names, names
    assert not any(op.startswith("Eager") for op in names), plan


@pytest.mark.parametrize("name", ["export_relationship_counts", "export_touched_entity_counts"])
def test_export_counts_scan_relationships_not_entities(loaded: None, neo4j_driver: Driver, name: str) -> None:
    """An export's counts without kinds scan the relationships once, without expanding every entity
    (at 1M relationships that halved the counting the file waits for)."""
    plan = profile(neo4j_driver, CypherRegistry()[name])
    names = [op for _, op, _ in plan]
    assert any(op.endswith("AllRelationshipsScan") for op in names), plan
    assert not any(op in ("NodeByLabelScan", "AllNodesScan", "Expand(All)") for op in names), plan
