"""Loading a dataset into Neo4j so that the database ends equal to the data, or unchanged.

Three routes, chosen by what the database holds (all statements in `cypher/load.cypher`,
rows from `app.stores.neo4j_records.load_rows`):

- **Into a database that holds a version already**, up to `atomic_limit` rows: every batch,
  the removal of what the new version no longer holds and the new version mark run in ONE
  transaction. A failure or a killed server rolls all of it back; readers keep seeing the
  previous version until the commit.
- **Larger than that**: batches in their own transactions, after marking the database as
  loading; until the last step clears the mark, `meta` reports no version, so `/health`
  answers 503 `not_loaded` rather than serving a half-replaced graph as if it were whole.
- **Into an empty database**: the same, with `CREATE` instead of `MERGE` (no lookup, no
  lock: the fast path), the indexes (all but the unique constraint the lookups use) built
  once after the data, and no version mark until the end.

Everything written is tagged with the dataset version; what carries another tag (or none)
is removed at the end, so edited data converges: a changed relationship does not stay
beside its new form. Entities are loaded per kind and relationships per type (a label or
type cannot be a parameter).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any, Literal

from neo4j import Driver, ManagedTransaction, Transaction

from app import stats
from app.cypher_registry import CypherRegistry
from app.model import Dataset
from app.stores.neo4j_records import load_rows
from app.vocabulary import REL_TYPE_NAMES

Progress = Callable[[int], None]
Tx = Transaction | ManagedTransaction
ATOMIC_LIMIT = 50_000  # rows; one transaction's state grows with it, and the heap is finite
STALE_BATCH = 10_000
INDEX_WAIT_S = 1800  # populating the full-text index over a million rows takes minutes on a busy machine
SchemaPart = Literal["all", "constraints", "indexes"]
Route = Literal["create", "atomic", "marked"]
# What each route does, for `citygraph seed` to say which one it took (see the module docstring).
ROUTES: dict[Route, str] = {
    "create": "into an empty database: CREATE in batches, the indexes built once the data is in, "
    "not loaded until the end",
    "atomic": "into a loaded database: idempotent MERGE in one transaction (all or nothing)",
    "marked": "into a loaded database: idempotent MERGE in batches, marked as loading until the end",
}
COUNTERS = ("nodes_created", "relationships_created", "nodes_deleted", "relationships_deleted", "properties_set")


def _batches(rows: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def create_schema(driver: Driver, registry: CypherRegistry, database: str, part: SchemaPart = "all") -> None:
    """Create the constraints, the indexes or both (idempotent), waiting until indexes are online.

    The bulk load into an empty database needs only the constraints first (its lookups seek
    the unique `Entity.id`) and builds the indexes once, over the loaded data, rather than
    updating them row by row (bench/README.md, "Bulk loading").
    """
    statements = [*registry.statements("schema"), *(registry[f"schema_periods:{t}"] for t in REL_TYPE_NAMES)]
    constraint = [s.lstrip().upper().startswith("CREATE CONSTRAINT") for s in statements]
    wanted = {"all": (True, False), "constraints": (True,), "indexes": (False,)}[part]
    with driver.session(database=database) as session:
        for statement, is_constraint in zip(statements, constraint, strict=True):
            if is_constraint in wanted:
                session.run(statement).consume()
        session.run("CALL db.awaitIndexes($seconds)", seconds=INDEX_WAIT_S).consume()


def finish_import(driver: Driver, version: str, stats: str, registry: CypherRegistry, database: str) -> None:
    """After `neo4j-admin database import` (seed/bulk_import.py): what the importer cannot write,
    as the CREATE path ends an empty load: the schema, online, then the version mark and its
    stats (`dataset_stats`)."""
    create_schema(driver, registry, database)
    with driver.session(database=database) as session:
        session.run(registry["set_meta"], version=version, stats=stats).consume()


def counts(driver: Driver, registry: CypherRegistry, database: str) -> tuple[int, int]:
    """Entities and relationships in the database (from Neo4j's count store)."""
    with driver.session(database=database) as session:
        record = session.run(registry["counts"]).single(strict=True)
    return int(record["nodes"]), int(record["relationships"])


def dataset_stats(dataset: Dataset) -> str:
    """`/stats` of the dataset, counted once here; the version mark carries it (app/stats.py)."""
    return stats.to_json(stats.count_records(dataset.entities, dataset.relationships))


def reset(driver: Driver, registry: CypherRegistry, database: str) -> None:
    """Remove the project's own nodes (labels Entity and CityGraphMeta), nothing else."""
    with driver.session(database=database) as session:
        session.run(registry["reset"]).consume()


class _Loader:
    """One load: the rows, the counters, and the statements run in a given transaction."""

    def __init__(self, registry: CypherRegistry, dataset: Dataset, batch_size: int, progress: Progress | None):
        self.registry = registry
        self.version = dataset.version
        self.batch_size = batch_size
        self.progress = progress
        self.by_kind, self.by_type = load_rows(dataset.entities, dataset.relationships)
        self.stats = dataset_stats(dataset)
        self.totals: dict[str, int] = defaultdict(int)

    def run(self, tx: Tx, name: str, **params: Any) -> list[dict[str, Any]]:
        result = tx.run(self.registry[name], version=self.version, **params)
        rows = [record.data() for record in result]
        counters = result.consume().counters
        for key in COUNTERS:
            self.totals[key] += getattr(counters, key)
        return rows

    def batches(self, create: bool) -> Iterator[tuple[str, list[dict[str, Any]]]]:
        """(statement name, rows) of every batch: entities by kind, then relationships by type."""
        entities, relationships = (
            ("create_entities", "create_relationships") if create else ("load_entities", "load_relationships")
        )
        for kind, rows in self.by_kind.items():
            for batch in _batches(rows, self.batch_size):
                yield f"{entities}:{kind}", self.complete(batch) if create else batch
        for rtype, rows in self.by_type.items():
            for batch in _batches(rows, self.batch_size):
                yield f"{relationships}:{rtype}", self.complete(batch) if create else batch

    def complete(self, batch: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Rows whose `props` hold id and dataset version too: the CREATE statements set one map."""
        return [{**row, "props": {**row["props"], "id": row["id"], "dataset_version": self.version}} for row in batch]

    def drop_rekinded(self, tx: Tx) -> None:
        for rows in self.by_kind.values():
            for batch in _batches(rows, self.batch_size):
                self.run(tx, "drop_rekinded", rows=batch)

    def remove_stale(self, run_once: Callable[[str], int]) -> None:
        """Remove what the version does not hold, `STALE_BATCH` at a time, relationships first."""
        for name in ("delete_stale_relationships", "delete_stale_entities"):
            while run_once(name) >= STALE_BATCH:
                pass

    def done(self, rows: int) -> None:
        if self.progress:
            self.progress(rows)


def load(
    driver: Driver,
    dataset: Dataset,
    registry: CypherRegistry,
    database: str = "neo4j",
    batch_size: int = 1000,
    progress: Progress | None = None,
    atomic_limit: int = ATOMIC_LIMIT,
    between_batches: Callable[[], None] | None = None,
    on_route: Callable[[Route], None] | None = None,
) -> dict[str, int]:
    """Make the database hold `dataset` and nothing else of ours; returns Neo4j's counters.

    `on_route` is told the route (`ROUTES`) once it is chosen, before anything is written;
    `between_batches` is called after every batch (tests use it to fail a load midway).
    A second load of the same data creates and deletes nothing.
    """
    create_schema(driver, registry, database, "constraints")
    loader = _Loader(registry, dataset, batch_size, progress)
    size = len(dataset.entities) + len(dataset.relationships)
    with driver.session(database=database) as session:
        empty = not session.execute_read(lambda tx: loader.run(tx, "has_entities")[0]["loaded"])
        if on_route:
            on_route("create" if empty else "atomic" if size <= atomic_limit else "marked")
        if not empty:
            create_schema(driver, registry, database, "indexes")
        if not empty and size <= atomic_limit:
            with session.begin_transaction() as tx:  # all or nothing: rolled back unless committed
                loader.drop_rekinded(tx)
                for name, rows in loader.batches(create=False):
                    loader.run(tx, name, rows=rows)
                    loader.done(len(rows))
                    if between_batches:
                        between_batches()
                loader.remove_stale(lambda name: int(loader.run(tx, name, limit=STALE_BATCH)[0]["deleted"]))
                loader.run(tx, "set_meta", stats=loader.stats)
                tx.commit()
            return dict(loader.totals)

        def write(name: str, **params: Any) -> list[dict[str, Any]]:
            return session.execute_write(lambda tx: loader.run(tx, name, **params))

        if not empty:
            write("mark_loading")
            session.execute_write(loader.drop_rekinded)
        for name, rows in loader.batches(create=empty):
            write(name, rows=rows)
            loader.done(len(rows))
            if between_batches:
                between_batches()
        loader.remove_stale(lambda name: int(write(name, limit=STALE_BATCH)[0]["deleted"]))
        if empty:
            create_schema(driver, registry, database, "indexes")
        write("set_meta", stats=loader.stats)
    return dict(loader.totals)
