"""The Neo4j store: the `GraphStore` protocol over the official driver.

One driver per process; every query is a managed read transaction (`execute_read`,
routed to readers) with a timeout. Connection failures become `StoreUnavailable`
(503), timeouts `QueryTimeout` (504); the driver reconnects by itself when the server
is back, so the service recovers without a restart.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from contextlib import AbstractContextManager, suppress
from typing import Any, TypeVar

import neo4j
from neo4j import GraphDatabase
from neo4j.exceptions import (
    AuthError,
    DriverError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)

from app import background, deadline, stats
from app.background import SharedRuns
from app.cache import ByteBudgetCache
from app.config import Settings
from app.cypher_registry import CypherRegistry
from app.dates import DAY_MAX, DAY_MIN
from app.errors import AnalyticsUnavailable, QueryTimeout, StoreUnavailable
from app.filters import RelFilter
from app.model import Entity, Hop, Path, Relationship
from app.search_keys import KEY_SEPARATOR, fulltext_query
from app.stores import neo4j_analytics
from app.stores.base import (
    NOT_LOADED,
    BrokerCandidate,
    BrokerNeighbour,
    BrokerTies,
    CentralityPlan,
    ExportCounts,
    GuideCounts,
    NodeRow,
    RelCursor,
    Scores,
    SegmentQuery,
    SegmentResult,
)
from app.stores.gds_budget import Pace
from app.stores.gds_projections import Projection, ProjectionCache
from app.stores.neo4j_records import entity_from, relationship_bytes, relationship_from
from app.vocabulary import Kind

T = TypeVar("T")
JOBS_KEPT = 32  # export counts kept (a few KB each), the most recently asked; keyed by version


def _timed_out(exc: Neo4jError) -> bool:
    """Whether Neo4j stopped the transaction for its timeout (a ClientError or a TransientError, by version)."""
    code = exc.code or ""
    return "TimedOut" in code or "Timeout" in code


def _missing_gds(exc: Neo4jError) -> bool:
    """Whether a query failed because the server has no GDS procedures or functions."""
    message = exc.message or ""
    return "gds." in message and ("ProcedureNotFound" in (exc.code or "") or "Unknown function" in message)


def query_seconds(limit: deadline.Deadline, timeout: float) -> float:
    """The server-side timeout of one query: the time left, at most `timeout` (`neo4j_timeout`)
    unless the deadline carries a cap of its own (background work, `app.prepare`).

    Examples
    --------
    >>> query_seconds(deadline.Deadline(5.0), 10.0) <= 5.0
    True
    >>> 10.0 < query_seconds(deadline.Deadline(600.0, query_cap=600.0), 10.0) <= 600.0
    True
    """
    return min(limit.query_cap or timeout, limit.remaining())


def _limit_setting(seconds: float, timeout: float, limit: deadline.Deadline) -> str:
    """The setting that limited a query: its deadline's, or `neo4j_timeout` when that was the cap.

    Examples
    --------
    >>> _limit_setting(10.0, 10.0, deadline.Deadline(30.0, "request_time_budget"))
    'neo4j_timeout'
    >>> _limit_setting(30.0, 10.0, deadline.Deadline(30.0, "export_time_budget", query_cap=30.0))
    'export_time_budget'
    """
    capped_by_timeout = limit.query_cap is None and seconds >= timeout
    return "neo4j_timeout" if capped_by_timeout else limit.setting


def _kind_names(kinds: frozenset[Kind] | None) -> list[str] | None:
    return None if kinds is None else sorted(k.value for k in kinds)


def _periods(periods: list[list[Any]] | None) -> list[tuple[dt.date, dt.date]] | None:
    return None if periods is None else [(first.to_native(), last.to_native()) for first, last in periods]


class Neo4jStore:
    """A `GraphStore` over a Neo4j database loaded by `citygraph seed`."""

    backend = "neo4j"
    ties_batch = 1000  # a broker's neighbours whose ties one query reads (`broker_ties`)

    def __init__(self, driver: neo4j.Driver, settings: Settings, registry: CypherRegistry | None = None):
        self.driver = driver
        self.settings = settings
        self.registry = registry or CypherRegistry()
        self.database = settings.neo4j_database
        self.timeout = settings.neo4j_timeout
        self.version = self.current_version()
        self.projections = ProjectionCache(self._read, settings.gds_projections, settings.gds_projection_bytes)
        self.pace = Pace()  # how fast GDS has been lately: sizes centrality to a request's time left
        # Relationships of path answers by id, bounded in bytes, forgotten when the version changes.
        self._rels: ByteBudgetCache[Relationship] = ByteBudgetCache(settings.entity_cache_bytes)
        # Counts and scans for exports, by version and what they count (`_job`).
        self._jobs: SharedRuns[Any] = SharedRuns(kept=JOBS_KEPT)

    @classmethod
    def connect(cls, settings: Settings, attempts: int = 10, wait: float = 1.0) -> Neo4jStore:
        """Open the driver, retrying while the server starts (as compose may start us first), or
        while it is too busy to answer the first query in time (just started, on a loaded machine)."""
        driver = GraphDatabase.driver(
            settings.neo4j_uri,
            auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
            # Fail fast when the server is gone: a 503 at once beats a request hanging.
            connection_timeout=2.0,
            connection_acquisition_timeout=3.0,
            max_transaction_retry_time=1.0,
            # The server's hints (e.g. "property key `loading` does not exist" before any load
            # was ever marked) would otherwise be logged as warnings on every /health.
            notifications_min_severity="OFF",
        )
        for attempt in range(attempts):
            try:
                driver.verify_connectivity()
                return cls(driver, settings)
            except AuthError as exc:
                driver.close()
                raise StoreUnavailable(
                    f"Neo4j at {settings.neo4j_uri} refused the credentials of user {settings.neo4j_user!r}: {exc.message}"
                ) from None
            except (ServiceUnavailable, SessionExpired, DriverError, OSError, QueryTimeout) as exc:
                if attempt == attempts - 1:
                    driver.close()
                    raise StoreUnavailable(f"Neo4j is unreachable at {settings.neo4j_uri}: {exc}") from None
                time.sleep(wait)
        raise AssertionError("unreachable")

    # -- running queries ---------------------------------------------------------------

    def _read(self, name: str, **params: Any) -> list[dict[str, Any]]:
        """Run a registry query in a read transaction bounded by the request's deadline: its rows.

        The server-side timeout is the smaller of `neo4j_timeout` and the time the request
        has left, so every query (present and future) inherits the request's budget; rows
        are read one by one and reading stops when the client has gone.
        """
        return self._fold(name, params, list, lambda rows, record: rows.append(record.data()))

    def _read_scores(self, name: str, kinds: dict[str, str], **params: Any) -> dict[str, float]:
        """A query's chunks of `(ids, scores, kinds)` lists as one dict of scores, filled as the
        chunks stream in, as `_read` runs it; each id's kind is put in `kinds` (one string
        object per kind).

        A GDS stream at a million relationships has ~200k rows: read as a list of row dicts
        first they held ~50 MB of the API's memory at once, the dict alone ~12 MB.
        """
        names: dict[str, str] = {}

        def add(values: dict[str, float], record: neo4j.Record) -> None:
            for entity, score, kind in zip(record["ids"], record["scores"], record["kinds"], strict=True):
                values[entity] = float(score)
                kinds[entity] = names.setdefault(kind, kind)

        return self._fold(name, params, dict, add)

    def _fold(
        self, name: str, params: dict[str, Any], start: Callable[[], T], add: Callable[[T, neo4j.Record], object]
    ) -> T:
        """`add` each row of the query `name` to `start()` (anew if the driver retries the transaction).

        The driver retries a transaction that failed for a passing reason for up to 30 s: no
        attempt starts once the request's deadline has passed (each may run for the timeout
        the first was given, which the driver reads once).
        """
        query = self.registry[name]
        limit = deadline.current()
        limit.check(f"the query {name!r}")
        seconds = query_seconds(limit, self.timeout)

        @neo4j.unit_of_work(timeout=max(seconds, 0.001))
        def work(tx: neo4j.ManagedTransaction) -> T:
            limit.check(f"the query {name!r}")  # a retry past the deadline: out of time, not retried
            found = start()
            try:
                for record in tx.run(query, params):  # query: fixed registry text, never user input
                    add(found, record)
                    if limit.cancelled:
                        limit.check(f"the query {name!r}")
            except Neo4jError as exc:
                if _timed_out(exc):  # raised here, so the driver does not retry a query that ran out of time
                    raise QueryTimeout(
                        f"the query {name!r} ran past its {seconds:.3g} s limit ({_limit_setting(seconds, self.timeout, limit)}); narrow it (fewer hops, a date window)",
                        budget_seconds=round(seconds, 3),
                    ) from None
                raise
            return found

        return self._guard(lambda: self._session_read(work))

    def _session_read(self, work: Callable[[neo4j.ManagedTransaction], T]) -> T:
        with self.driver.session(database=self.database, default_access_mode=neo4j.READ_ACCESS) as session:
            return session.execute_read(work)

    def _guard(self, call: Callable[[], T]) -> T:
        try:
            return call()
        except AuthError as exc:
            raise StoreUnavailable(f"Neo4j refused our credentials: {exc.message}") from None
        except Neo4jError as exc:
            if _timed_out(exc):
                raise QueryTimeout(f"a query ran past its time limit ({exc.code}); narrow it") from None
            if _missing_gds(exc):
                raise AnalyticsUnavailable(
                    "this Neo4j server has no Graph Data Science plugin, which centrality runs in: "
                    "install GDS 2.x (docker-compose: NEO4J_PLUGINS='[\"graph-data-science\"]'; "
                    "`make neo4j` loads it), or serve with the embedded backend"
                ) from None
            if isinstance(exc, TransientError) or (exc.code or "").startswith("Neo.TransientError"):
                # e.g. the server shutting down mid-query
                raise StoreUnavailable("the database is unavailable; try again shortly") from None
            raise
        except (ServiceUnavailable, SessionExpired, DriverError, OSError) as exc:
            raise StoreUnavailable(f"the database is unreachable ({type(exc).__name__}); try again shortly") from None

    @staticmethod
    def _window(rel_filter: RelFilter) -> dict[str, Any]:
        return {
            "first": rel_filter.first, "last": rel_filter.last,
            "types": sorted(rel_filter.types) if rel_filter.types is not None else None,
        }  # fmt: skip

    # -- the protocol --------------------------------------------------------------------

    def current_version(self) -> str:
        rows = self._read("meta")
        return (rows[0]["version"] if rows else None) or NOT_LOADED

    def ping(self) -> str:
        version = self.current_version()
        if version != self.version:  # reseeded while we ran: forget relationships by id
            self._rels.clear()
            self.version = version
        return self.version

    def counts(self) -> tuple[int, int]:
        row = self._read("counts")[0]
        return int(row["nodes"]), int(row["relationships"])

    def _entities(self, name: str, **params: Any) -> list[tuple[Entity, int]]:
        return [(entity_from(row["e"]), int(row["degree"])) for row in self._read(name, **params)]

    def entities_by_ids(self, ids: Sequence[str]) -> list[tuple[Entity, int]]:
        return self._entities("entities_by_ids", ids=list(ids)) if ids else []

    def entities_with_key(self, key: str) -> list[tuple[Entity, int]]:
        return self._entities("entities_with_key", key=KEY_SEPARATOR + key + KEY_SEPARATOR)

    def name_matches(self, query: str, kind: str | None, limit: int) -> list[tuple[Entity, int]]:
        return self._entities("name_matches", query=query, sep=KEY_SEPARATOR, kind=kind, limit=limit)

    def name_candidates(self, query: str, kind: str | None, limit: int) -> list[tuple[Entity, int]]:
        lucene = fulltext_query(query)
        return self._entities("name_candidates", lucene=lucene, kind=kind, limit=limit) if lucene else []

    def all_entities(self) -> list[Entity]:
        return [entity_from(row["e"]) for row in self._read("all_entities")]

    def degrees(self) -> dict[str, int]:
        return {row["id"]: int(row["degree"]) for row in self._read("degrees")}

    def neighbour_ranking(
        self, entity_id: str, rel_filter: RelFilter, kinds: frozenset[Kind] | None, limit: int
    ) -> tuple[int, list[tuple[str, int]]]:
        rows = self._read(
            "neighbour_ranking", id=entity_id, kinds=_kind_names(kinds), limit=limit, **self._window(rel_filter)
        )
        if not rows:
            return 0, []
        return rows[0]["count"], [(t["id"], t["links"]) for t in rows[0]["top"]]

    def timeline(self, entity_id: str, limit: int) -> tuple[int, list[Relationship]]:
        rows = self._read("timeline", id=entity_id, limit=limit)
        count = rows[0]["count"] if rows else 0
        return count, [relationship_from(r["source"], r["type"], r["target"], r["props"]) for r in rows if r["type"]]

    def guide_counts(self) -> GuideCounts:
        kinds = {row["kind"]: row["count"] for row in self._read("stats_entities")}
        return kinds, {row["type"]: (row["count"], row["started"]) for row in self._read("guide_relationships")}

    def neighbours_at_most(self, ids: Sequence[str], rel_filter: RelFilter, cap: int) -> int:
        rows = self._read("neighbours_at_most", ids=list(ids), cap=cap, **self._window(rel_filter))
        return int(rows[0]["reached"]) if rows else 0

    def relationships_between(self, entity_id: str, others: Sequence[str], rel_filter: RelFilter) -> list[Relationship]:
        return self._relationships(
            "relationships_between", id=entity_id, others=list(others), **self._window(rel_filter)
        )

    def relationships_touching(self, ids: Sequence[str], rel_filter: RelFilter) -> list[Relationship]:
        return self._relationships("relationships_touching", ids=list(ids), **self._window(rel_filter))

    def relationships_among(self, ids: Sequence[str], rel_filter: RelFilter) -> list[Relationship]:
        return self._relationships("relationships_among", ids=list(ids), **self._window(rel_filter))

    def _relationships(self, name: str, **params: Any) -> list[Relationship]:
        return [relationship_from(r["source"], r["type"], r["target"], r["props"]) for r in self._read(name, **params)]

    def snapshot(self, rel_filter: RelFilter) -> tuple[list[Entity], list[Relationship]]:
        rows = self._read("snapshot", **self._window(rel_filter))
        rels = [relationship_from(r["source"], r["type"], r["target"], r["props"]) for r in rows]
        return self.all_entities(), rels

    def entities_page(self, after: str, limit: int) -> list[Entity]:
        return [entity_from(row["e"]) for row in self._read("entities_page", after=after, limit=limit)]

    def relationships_page(
        self, rel_filter: RelFilter, kinds: frozenset[Kind] | None, after: RelCursor, limit: int
    ) -> list[Relationship]:
        rows = self._read(
            "relationships_page", after_source=after[0], after_id=after[1], limit=limit,
            kinds=_kind_names(kinds), **self._window(rel_filter),
        )  # fmt: skip
        return [relationship_from(r["source"], r["type"], r["target"], r["props"]) for r in rows]

    def export_nodes_page(
        self, rel_filter: RelFilter, kinds: frozenset[Kind] | None, after: str, limit: int
    ) -> list[NodeRow]:
        rows = self._read(
            "export_nodes_page", after=after, limit=limit, kinds=_kind_names(kinds),
            day_min=DAY_MIN, day_max=DAY_MAX, **self._window(rel_filter),
        )  # fmt: skip
        return [(entity_from(row["e"]), row["degree"], _periods(row["periods"])) for row in rows]

    def export_counts(self, rel_filter: RelFilter, kinds: frozenset[Kind] | None, every_entity: bool) -> ExportCounts:
        """Counted once per version and filter in a thread of its own, however many requests wait
        (`_job`): at 1M relationships a count takes a good part of the export budget, so a request
        out of time gets its 504 while the counting goes on, and the next finds the counts ready.
        A dated export's manifest also needs the dated span (a scan of its own): both start at once."""
        if rel_filter.first != DAY_MIN or rel_filter.last != DAY_MAX:
            self._job(("dated_span",), self._scan_dated_span)
        counting = self._counting(rel_filter, kinds, every_entity)
        what = "the whole network" if every_entity else "this export"
        counts: ExportCounts = self._wait(counting, f"counting {what} for its manifest", "the count goes on")
        return counts

    def prepare_export_counts(self) -> None:
        self._counting(RelFilter(), None, True)

    def _counting(self, rel_filter: RelFilter, kinds: frozenset[Kind] | None, every_entity: bool) -> Future[Any]:
        """The count of an export (`_count_export`), running or made, one per version and filters (`_job`)."""
        types = tuple(sorted(rel_filter.types)) if rel_filter.types is not None else None
        names = tuple(_kind_names(kinds) or ()) if kinds is not None else None
        key = ("export_counts", rel_filter.first, rel_filter.last, types, names, every_entity)
        return self._job(key, lambda: self._count_export(rel_filter, kinds, every_entity))

    def export_shared_names(
        self, rel_filter: RelFilter, kinds: frozenset[Kind] | None, every_entity: bool
    ) -> list[Entity]:
        if every_entity and kinds is None:
            rows = self._read("export_shared_names")
        else:
            rows = self._read("export_shared_names_touched", kinds=_kind_names(kinds), **self._window(rel_filter))
        return [entity_from(row["e"]) for row in rows]

    def export_entities_named(
        self, rel_filter: RelFilter, kinds: frozenset[Kind] | None, every_entity: bool, names: Sequence[str]
    ) -> list[Entity]:
        rows = self._read(
            "export_entities_named", names=list(names), every=every_entity and kinds is None,
            kinds=_kind_names(kinds), **self._window(rel_filter),
        )  # fmt: skip
        return [entity_from(row["e"]) for row in rows]

    def entity_names(self, ids: Sequence[str]) -> dict[str, str]:
        return {row["id"]: row["name"] for row in self._read("export_entity_names", ids=list(ids))}

    def touched_entities_at_most(self, rel_filter: RelFilter, kinds: frozenset[Kind] | None, cap: int) -> int:
        of_kinds = "" if kinds is None else "_of_kinds"
        rows = self._read(
            f"export_touched_entities_at_most{of_kinds}", cap=cap, kinds=_kind_names(kinds), **self._window(rel_filter)
        )
        return int(rows[0]["entities"])

    def _job(self, key: tuple[Any, ...], work: Callable[[], Any]) -> Future[Any]:
        """The running or finished work of `key` for this version, else `work` started in a thread under the
        background budget (`prepare_time_budget`), not a request's (`app.background`)."""
        budget = self.settings.prepare_time_budget
        limit = deadline.Deadline(budget, "prepare_time_budget", query_cap=budget)
        job, _ = self._jobs.start((self.version, *key), work, limit, f"export-{key[0]}")
        return job

    @staticmethod
    def _wait(job: Future[T], what: str, goes_on: str) -> T:
        return background.wait(
            job,
            what,
            f"{goes_on}, so try again in a minute, or narrow the export (a date window, kinds or types), or use "
            "`citygraph export`",
        )

    def _count_export(self, rel_filter: RelFilter, kinds: frozenset[Kind] | None, every_entity: bool) -> ExportCounts:
        window = self._window(rel_filter)
        # Without kinds, a scan of the relationships; with them, each entity's relationships.
        of_kinds = "" if kinds is None else "_of_kinds"
        if kinds is not None:
            window["kinds"] = _kind_names(kinds)
        by_type: Counter[str] = Counter()
        rel_documents: Counter[str] = Counter()
        for row in self._read(f"export_relationship_counts{of_kinds}", **window):
            by_type[row["type"]] += row["count"]
            rel_documents.update(dict.fromkeys(row["documents"] or (), row["count"]))
        by_kind: Counter[str] = Counter()
        entity_documents: Counter[str] = Counter()
        if every_entity:
            entity_rows = self._read("export_entity_counts")
        else:
            entity_rows = self._read(f"export_touched_entity_counts{of_kinds}", **window)
        for row in entity_rows:
            by_kind[row["kind"]] += row["count"]
            entity_documents.update(dict.fromkeys(row["documents"] or (), row["count"]))
        return ExportCounts(by_type, rel_documents, by_kind, entity_documents)

    def dated_span(self) -> tuple[dt.date, dt.date] | None:
        """A scan of every relationship: once per dataset version, in a thread of its own (`_job`)."""
        span: tuple[dt.date, dt.date] | None = self._wait(
            self._job(("dated_span",), self._scan_dated_span), "finding the data's dates", "the scan goes on"
        )
        return span

    def _scan_dated_span(self) -> tuple[dt.date, dt.date] | None:
        row = self._read("dated_span", day_min=DAY_MIN, day_max=DAY_MAX)[0]
        return None if row["first"] is None else (row["first"].to_native(), row["last"].to_native())

    def segment_paths(self, query: SegmentQuery) -> SegmentResult:
        rows = self._read(
            f"paths_{query.mode}:{query.max_hops}",
            source=query.source, target=query.target,
            blocked=sorted(query.blocked), blocked_kinds=sorted(k.value for k in query.blocked_kinds),
            max_paths=query.max_paths, **self._window(query.rel_filter),
        )  # fmt: skip
        rels: dict[str, Relationship] = {}
        for rid in dict.fromkeys(rid for row in rows for rid in row["rels"]):
            kept = self._rels.get(self.version, rid)
            if kept is not None:
                rels[rid] = kept
        missing = sorted({rid for row in rows for rid in row["rels"]} - rels.keys())
        if missing:
            for r in self._read("relationships_by_id", ids=missing):
                rel = relationship_from(r["source"], r["type"], r["target"], r["props"])
                rels[rel.id] = rel
                self._rels.put(self.version, rel.id, rel, relationship_bytes(rel))
        paths: list[Path] = []
        for row in rows:
            nodes = row["nodes"]
            paths.append(tuple(Hop(rels[rid], nodes[i], nodes[i + 1]) for i, rid in enumerate(row["rels"])))
        capped = len(rows) >= query.max_paths
        return SegmentResult(paths, truncated=capped, stopped_by="max_paths" if capped else None)

    # -- analytics in the database (`AnalyticsStore`) -------------------------------------

    def centrality(self, metric: str, rel_filter: RelFilter, plan: CentralityPlan) -> Scores:
        return neo4j_analytics.centrality(
            self._read, self._lease, metric, rel_filter, plan, self._read_scores, self.pace
        )

    def broker_neighbours(self, entity_id: str, rel_filter: RelFilter) -> list[BrokerNeighbour]:
        return neo4j_analytics.broker_neighbours(self._read, entity_id, rel_filter)

    def broker_ties(self, entity_id: str, batch: list[str], rel_filter: RelFilter) -> list[BrokerTies]:
        return neo4j_analytics.broker_ties(self._read, entity_id, batch, rel_filter)

    def broker_candidates(self, rel_filter: RelFilter) -> Iterator[BrokerCandidate]:
        return neo4j_analytics.broker_candidates(self._read, self._lease, rel_filter)

    def degree_year_counts(self) -> list[tuple[int, int, int, int]]:
        return neo4j_analytics.degree_year_counts(self._read)

    def degree_by_year(self, entity_id: str, years: Sequence[int]) -> dict[int, int]:
        return neo4j_analytics.degree_by_year(self._read, entity_id, years)

    def prepare_windows(self) -> None:
        """Project the all-time base that windows are filtered from (`gds_projections`)."""
        self.projections.build_base(self.version, neo4j_analytics.params(RelFilter()))

    def _lease(self, rel_filter: RelFilter, query: str) -> AbstractContextManager[Projection]:
        """The window's projection by `query`, from the cache of this dataset version."""
        return self.projections.lease(self.version, query, neo4j_analytics.params(rel_filter), rel_filter)

    def stats_counts(self) -> dict[str, Any]:
        recorded = self._read("stats_recorded", version=self.version)
        if recorded and recorded[0]["stats"]:
            return stats.from_json(recorded[0]["stats"])
        # Loaded before the loader recorded counts: aggregate (linear in the relationships).
        rels = self._read("stats_relationships")

        def total(key: str) -> Counter[Any]:
            out: Counter[Any] = Counter()
            for row in rels:
                out[row[key]] += int(row["count"])
            return out

        return {
            "by_kind": Counter({row["kind"]: int(row["count"]) for row in self._read("stats_entities")}),
            "by_type": total("type"),
            "by_decade": total("decade"),
            "by_dating": total("dating"),
            "by_document": Counter({row["document"]: int(row["count"]) for row in self._read("stats_documents")}),
            "dated": total("dated")[True],
            "attested_only": total("attested_only")[True],
        }

    def close(self) -> None:
        # The server gone or without GDS: nothing of ours to free there (the sweep gets the rest).
        with suppress(StoreUnavailable, QueryTimeout, AnalyticsUnavailable):
            self.projections.clear()
        self.driver.close()
