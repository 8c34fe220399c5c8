"""Loading the dataset into Neo4j: schema first, then batched UNWIND loads, idempotent.

Entities are loaded per kind and relationships per type (a label or type cannot be a
parameter), in batches of `batch_size` rows, each batch one write transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

from neo4j import Driver

from app.cypher_registry import CypherRegistry
from app.model import Dataset
from app.stores.neo4j_records import load_rows

Progress = Callable[[int], None]


def _batches(rows: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def create_schema(driver: Driver, registry: CypherRegistry, database: str) -> None:
    with driver.session(database=database) as session:
        for statement in registry.statements("schema"):
            session.run(statement).consume()
        session.run("CALL db.awaitIndexes(60)").consume()


def reset(driver: Driver, registry: CypherRegistry, database: str) -> None:
    """Remove the project's own nodes (labels Entity and CityGraphMeta), nothing else."""
    with driver.session(database=database) as session:
        session.run(registry["reset"]).consume()


def load(
    driver: Driver,
    dataset: Dataset,
    registry: CypherRegistry,
    database: str = "neo4j",
    batch_size: int = 1000,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Load `dataset`; returns the counters Neo4j reports (all zero on a second run)."""
    create_schema(driver, registry, database)
    by_kind, by_type = load_rows(dataset.entities, dataset.relationships)
    totals: dict[str, int] = defaultdict(int)

    def run(query: str, rows: list[dict[str, Any]]) -> None:
        def work(tx: Any) -> Any:
            return tx.run(query, rows=rows).consume().counters

        with driver.session(database=database) as session:
            counters = session.execute_write(work)
        for key in ("nodes_created", "relationships_created", "properties_set", "labels_added"):
            totals[key] += getattr(counters, key)
        if progress:
            progress(len(rows))

    for kind, rows in sorted(by_kind.items()):
        for batch in _batches(rows, batch_size):
            run(registry[f"load_entities:{kind}"], batch)
    for rtype, rows in sorted(by_type.items()):
        for batch in _batches(rows, batch_size):
            run(registry[f"load_relationships:{rtype}"], batch)
    with driver.session(database=database) as session:
        session.run(registry["set_meta"], version=dataset.version).consume()
    return dict(totals)
