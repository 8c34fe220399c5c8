"""What the service needs from a graph database, by capability.

`LookupStore` (versions, counts, entities by id), `TraversalStore` (a neighbourhood, path
segments), `ExportStore` (a window's records) make up `GraphStore`, which every backend
implements. `AnalyticsStore` is optional: a store that can compute centrality and counts
itself (Neo4j through GDS) says so, and the service uses it instead of pulling the
snapshot into networkx; likewise `NameSearchStore` (Neo4j: indexes over folded names)
instead of an in-memory name index. Stores answer questions about records; ranking, composing,
explaining and scoring are written once, above the stores (`app.analysis`), so both
backends give the same answers.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple, Protocol, runtime_checkable

from app.errors import InvalidParameter
from app.filters import RelFilter
from app.model import Entity, Path, Relationship
from app.vocabulary import CENTRALITY_METRICS, HUB_KINDS, Kind

PathMode = Literal["shortest", "all", "temporal"]


# An export's place in the relationships: the (source id, id) of the last one read; START to begin.
RelCursor = tuple[str, str]
START: RelCursor = ("", "")
# An entity of an export, its degree there, and its relationships' periods (None: one is undated).
NodeRow = tuple[Entity, int, list[tuple[dt.date, dt.date]] | None]

# The version a store reports when no dataset is (completely) loaded.
NOT_LOADED = "not-loaded"


@dataclass(frozen=True)
class SegmentQuery:
    """A path search between two entities.

    `blocked` are entity ids no path may pass through (they may still be endpoints);
    `blocked_kinds` likewise for whole kinds (Country: a hub, never a bridge).
    """

    source: str
    target: str
    mode: PathMode
    max_hops: int
    rel_filter: RelFilter = field(default_factory=RelFilter)
    blocked: frozenset[str] = frozenset()
    blocked_kinds: frozenset[Kind] = HUB_KINDS
    max_paths: int = 10_000  # how many paths the store may return before it stops
    max_expansions: int = 200_000  # how many partial paths it may extend before it stops


@dataclass
class SegmentResult:
    """Paths found for one `SegmentQuery`; `truncated` says a cap stopped the search."""

    paths: list[Path]
    truncated: bool = False
    stopped_by: str | None = None  # the cap that stopped it: "max_paths", "max_expansions" or "time"


@dataclass(frozen=True)
class CentralityPlan:
    """How much work a centrality may do: betweenness is exact up to `exact_max_nodes`
    nodes and estimated from `samples` source nodes above (both from `Settings`); in
    process, `max_work` lowers the sample further and refuses an exact closeness that
    could not finish within a request's budget (networkx cannot be stopped mid-call); in the
    database, `closeness_max_work` refuses one that would only end in a 504."""

    exact_max_nodes: int = 5000
    samples: int = 500
    # In-process (networkx) only: the most breadth-first search steps one all-pairs measure may
    # make (a search from every node for an exact answer, from each source for a sampled one,
    # each `nodes + 2 × edges` steps); None: no bound.
    max_work: int | None = None
    # In the database (GDS): the most search steps an exact closeness may take; None: no bound.
    closeness_max_work: int | None = None

    def betweenness_sampled(self, nodes: int, edges: int = 0) -> bool:
        return self.betweenness_sources(nodes, edges) < nodes

    def betweenness_sources(self, nodes: int, edges: int = 0) -> int:
        """How many source nodes betweenness starts from: all of them when exact."""
        sources = nodes if nodes <= self.exact_max_nodes else min(self.samples, nodes)
        per_source = _search_cost(nodes, edges)
        if self.max_work is not None and sources * per_source > self.max_work:
            sources = max(1, min(sources, self.max_work // per_source))
        return sources

    def closeness_feasible(self, nodes: int, edges: int) -> bool:
        """Whether an exact closeness (one search from every node) fits within the bounds."""
        work = nodes * _search_cost(nodes, edges)
        return all(bound is None or work <= bound for bound in (self.max_work, self.closeness_max_work))

    def check_closeness(self, nodes: int, edges: int) -> None:
        """Refuse an exact closeness past the bounds, naming what would shrink it (`InvalidParameter`)."""
        if not self.closeness_feasible(nodes, edges):
            raise InvalidParameter(
                "metric",
                f"closeness is computed exactly, one search from each of the window's {nodes:,} entities over its "
                f"{edges:,} links: more than one request may do here; narrow the window (as_of, from/to, types) or "
                "ask for degree, pagerank or betweenness (sampled at this size)",
                allowed=[m for m in CENTRALITY_METRICS if m != "closeness"],
            )


def _search_cost(nodes: int, edges: int) -> int:
    """Steps of one breadth-first search of an undirected graph: each node, each edge both ways."""
    return max(1, nodes + 2 * edges)


@dataclass(frozen=True)
class Scores:
    """Normalised centrality scores by entity id; `approximate` when sampled or stopped
    before converging; the kind of each scored entity by id where the store read it with the
    scores (`?kinds=` filters the ranking by it)."""

    values: dict[str, float]
    approximate: bool = False
    sample_size: int | None = None
    kinds: dict[str, str] = field(default_factory=dict)
    # PageRank and eigenvector stopped before they converged (the request's time budget): the
    # iterations run; None when they converged.
    iterations: int | None = None


class LookupStore(Protocol):
    """The dataset's version, sizes and entities.

    What each method costs matters at size: the API on Neo4j calls only the per-answer
    ones (costs below in terms of n entities, m relationships, k ids asked for).
    """

    backend: str
    version: str

    def counts(self) -> tuple[int, int]:
        """Number of entities and relationships. Neo4j: two count-store reads."""
        ...

    def entities_by_ids(self, ids: Sequence[str]) -> list[tuple[Entity, int]]:
        """The entities with these ids (unknown ids left out), each with its degree, all
        time. Neo4j: k unique-index seeks and k degree reads; the API's lookups go here."""
        ...

    def all_entities(self) -> list[Entity]:
        """Every entity: O(n), the whole node set in this process. The embedded backend
        builds its name index from these; the API on Neo4j never calls it (exports page
        with `entities_page` instead)."""
        ...

    def degrees(self) -> dict[str, int]:
        """Every entity's degree, all time: O(n + m). Like `all_entities`, not for Neo4j's API."""
        ...

    def ping(self) -> str:
        """The loaded dataset version; raises `StoreUnavailable` if the store cannot answer.
        Neo4j: one read of the meta node."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...


@runtime_checkable
class NameSearchStore(Protocol):
    """A store that finds names where the data is (Neo4j: a text index and a full-text
    index over each node's folded keys, `app.search_keys.search_text`). Queries arrive
    folded; ranking stays in `app.analysis.names`, so both backends rank alike. Each
    answer is (entity, degree) pairs, the degree counted in the database."""

    def entities_with_key(self, key: str) -> list[tuple[Entity, int]]:
        """The entities one of whose keys equals `key`, by id. Neo4j: a text-index
        `CONTAINS` seek, cost in the entities whose keys share its trigrams."""
        ...

    def name_matches(self, query: str, kind: str | None, limit: int) -> list[tuple[Entity, int]]:
        """Up to `limit` entities with a key containing `query`: those whose key equals it
        first, then starting with it, then with a word starting with it, then the rest,
        each group by degree (descending), then id. Neo4j: a text-index `CONTAINS` seek
        and a top-`limit` sort over its hits (every entity, for a one-letter query)."""
        ...

    def name_candidates(self, query: str, kind: str | None, limit: int) -> list[tuple[Entity, int]]:
        """Up to `limit` fuzzy candidates, best first: entities with a word within one or
        two edits of a query word, or starting with one (`app.search_keys.fulltext_query`).
        Neo4j: one full-text (Lucene) query and a top-`limit` sort over its hits."""
        ...


class TraversalStore(Protocol):
    """Walking the graph from given entities."""

    def neighbour_ranking(
        self, entity_id: str, rel_filter: RelFilter, kinds: frozenset[Kind] | None, limit: int
    ) -> tuple[int, list[tuple[str, int]]]:
        """How many entities (of `kinds`) the entity is tied to by relationships passing the filter,
        and the first `limit` of them with their number of such links, most first, then by id.
        Counted where the graph is: a hub's neighbours cost a count each, not a relationship read."""
        ...

    def timeline(self, entity_id: str, limit: int) -> tuple[int, list[Relationship]]:
        """How many relationships the entity has, and the first `limit` in timeline order: dated
        or attested ones by the first day of their start (else earliest attestation, else end),
        then `Relationship.sort_key`; then the undated ones by id. Ordered where the graph is."""
        ...

    def neighbours_at_most(self, ids: Sequence[str], rel_filter: RelFilter, cap: int) -> int:
        """How many distinct entities ties passing the filter join to `ids` (themselves included
        when tied to each other), counting no further than `cap`: what an ego network's next
        ring could add, known before its relationships are read."""
        ...

    def relationships_between(self, entity_id: str, others: Sequence[str], rel_filter: RelFilter) -> list[Relationship]:
        """The entity's relationships passing the filter whose other end is among `others`, by id."""
        ...

    def relationships_touching(self, ids: Sequence[str], rel_filter: RelFilter) -> list[Relationship]:
        """The relationships passing the filter with either end among `ids`, each once, by id."""
        ...

    def relationships_among(self, ids: Sequence[str], rel_filter: RelFilter) -> list[Relationship]:
        """The relationships passing the filter with both ends among `ids`, by id."""
        ...

    def segment_paths(self, query: SegmentQuery) -> SegmentResult:
        """Paths between two entities: all shortest, all simple, or time-respecting; the work
        is bounded by the query's caps (`max_paths`, `max_expansions`) and the request's time."""
        ...


class ExportStore(Protocol):
    """A window's records, whole."""

    def snapshot(self, rel_filter: RelFilter) -> tuple[list[Entity], list[Relationship]]:
        """Every entity and the relationships that pass the filter: O(n + m), whole in memory."""
        ...

    def entities_page(self, after: str, limit: int) -> list[Entity]:
        """Up to `limit` entities with ids after `after` ("" to start), in id order (keyset
        paging): O(limit), an index seek on Neo4j."""
        ...

    def relationships_page(
        self, rel_filter: RelFilter, kinds: frozenset[Kind] | None, after: RelCursor, limit: int
    ) -> list[Relationship]:
        """Up to `limit` relationships passing the filter, with both ends of `kinds` (None: any), that come
        after `after` in export order (source id, then id; `START` to begin): keyset paging, bounded in
        rows however many relationships one entity has. Fewer than `limit`: there are no more."""
        ...

    def dated_span(self) -> tuple[dt.date, dt.date] | None:
        """The earliest and latest day any relationship's period names (open ends left out);
        None when nothing is dated. O(m), once per dataset version."""
        ...


@runtime_checkable
class ExportNodeStore(Protocol):
    """A store that gives an export's nodes with their degree and periods, counted where the
    records are (Neo4j: per page of entities), so a format writes its nodes without a pass over
    the relationships and holds nothing per entity across pages."""

    def export_nodes_page(
        self, rel_filter: RelFilter, kinds: frozenset[Kind] | None, after: str, limit: int
    ) -> list[NodeRow]:
        """Up to `limit` entities (of `kinds`; None: any) with ids after `after`, in id order, each
        with its number of relationships passing the filter whose other end is of `kinds`, and their
        distinct periods (first and last day), or None when one of them is undated."""
        ...


@runtime_checkable
class ExportLabelStore(Protocol):
    """A store that finds the entities of an export whose names clash, and names entities by id,
    where the records are (Neo4j: a count of names, index seeks), so the CSV's unique labels need
    no pass over every entity before the file starts (`app.export.labels`)."""

    def export_shared_names(
        self, rel_filter: RelFilter, kinds: frozenset[Kind] | None, every_entity: bool
    ) -> list[Entity]:
        """The export's entities (of `kinds`: all of them when `every_entity`, else those a relationship
        passing `rel_filter` with its other end of `kinds` touches) whose name another of them has.
        O(n) in the database; only those entities are sent."""
        ...

    def export_entities_named(
        self, rel_filter: RelFilter, kinds: frozenset[Kind] | None, every_entity: bool, names: Sequence[str]
    ) -> list[Entity]:
        """The export's entities (as `export_shared_names` keeps them) named one of `names`: an index seek per name."""
        ...

    def entity_names(self, ids: Sequence[str]) -> dict[str, str]:
        """Id → name of the entities of `ids` (unknown ids left out): an index seek per id."""
        ...


# The Browser guide's counts: entities by kind; relationships by type, each with how many have a start date.
GuideCounts = tuple[dict[str, int], dict[str, tuple[int, int]]]


@runtime_checkable
class GuideCountStore(Protocol):
    """The Browser guide's counts, aggregated where the graph is (the embedded store counts pages)."""

    def guide_counts(self) -> GuideCounts:
        """Entities by kind; relationships by type, each with how many have a start date."""
        ...


@dataclass(frozen=True)
class ExportCounts:
    """What an export's manifest counts: relationships by type and by cited document (each
    document once per relationship), entities by kind and by cited document."""

    by_type: Counter[str]
    relationship_documents: Counter[str]
    by_kind: Counter[str]
    entity_documents: Counter[str]


@runtime_checkable
class ExportCountStore(Protocol):
    """A store that counts an export where the records are (Neo4j: aggregations), so the
    manifest is ready before the first byte without reading every relationship once more."""

    def export_counts(self, rel_filter: RelFilter, kinds: frozenset[Kind] | None, every_entity: bool) -> ExportCounts:
        """The counts of the relationships passing `rel_filter` whose ends are both of `kinds`
        (None: any), and of the entities: all of them when `every_entity`, else those such a
        relationship touches. O(m) in the database; no relationship is sent."""
        ...

    def prepare_export_counts(self) -> None:
        """Start counting the whole network (`export_counts` of no filter) in the background, without
        waiting: the first whole-network export then finds its manifest's counts made."""
        ...

    def touched_entities_at_most(self, rel_filter: RelFilter, kinds: frozenset[Kind] | None, cap: int) -> int:
        """How many entities the relationships passing `rel_filter` (both ends of `kinds`) touch, counted
        no further than `cap`: a figure's refusal, which stops early however large the export."""
        ...


class GraphStore(LookupStore, TraversalStore, ExportStore, Protocol):
    """What every backend implements."""


@dataclass(frozen=True)
class BrokerNeighbour:
    """A neighbour of a broker in a window: what decides its group, the direction of its
    ties (`pred`: it acts on the broker, a → v; `succ`: the broker on it, v → a), and the
    store's key for it in `BrokerTies.ties` (how a tie among neighbours is recognised)."""

    id: str
    country: str | None
    kind: str
    pred: bool
    succ: bool
    key: int


class BrokerCandidate(NamedTuple):
    """An entity with open neighbour pairs, and what decides its groups."""

    id: str
    pairs: int
    country: str | None
    kind: str


TIE_OUT, TIE_IN = 1, 2  # direction bits of a `BrokerTies.ties` code


@dataclass(frozen=True)
class BrokerTies:
    """One neighbour `member` of a broker and every other entity tied to it (the broker left
    out), each as one int, `key * 4 + direction` (`TIE_OUT`: member → it, `TIE_IN`: it →
    member). Keys are the store's own (`BrokerNeighbour.key`), stable while one count reads:
    ints travel and are held at a fraction of the cost of ids."""

    member: str
    ties: Sequence[int]


@runtime_checkable
class BrokerageStore(Protocol):
    """A store that answers what brokerage counts from (`app.analysis.broker_counts`): a
    broker's neighbours, the ties around them, and the candidates by open pairs. Both
    backends implement it (Neo4j in Cypher and GDS, memory over its adjacency), so one
    count serves both."""

    ties_batch: int  # neighbours whose ties one `broker_ties` call reads

    def broker_neighbours(self, entity_id: str, rel_filter: RelFilter) -> list[BrokerNeighbour]:
        """The entity's neighbours in the window's analytics graph (no structural links), by id."""
        ...

    def broker_ties(self, entity_id: str, batch: list[str], rel_filter: RelFilter) -> list[BrokerTies]:
        """For each neighbour in `batch`: the entities other than `entity_id` tied to it. A store
        may leave out those that cannot close a pair (tied to one neighbour only, when `batch` is
        the whole neighbourhood)."""
        ...

    def broker_candidates(self, rel_filter: RelFilter) -> Iterator[BrokerCandidate]:
        """The entities of the window with open neighbour pairs (pairs of neighbours not tied to
        each other), most pairs first, ties by id; read lazily (close it when done)."""
        ...


@runtime_checkable
class AnalyticsStore(BrokerageStore, Protocol):
    """A store that computes analytics where the data is (Neo4j: GDS and Cypher)."""

    def centrality(self, metric: str, rel_filter: RelFilter, plan: CentralityPlan) -> Scores:
        """Normalised scores of every entity with a non-structural link in the window."""
        ...

    def degree_year_counts(self) -> list[tuple[int, int, int, int]]:
        """Every entity's degree year by year as `(from year, to year, degree, entities)`: so many
        entities had that many neighbours linked (non-structural) in each of those years."""
        ...

    def degree_by_year(self, entity_id: str, years: Sequence[int]) -> dict[int, int]:
        """One entity's degree (neighbours linked, non-structural) in each of `years`, as
        `degree_year_counts` counts it. Neo4j: one pass over the entity's relationships."""
        ...

    def prepare_windows(self) -> None:
        """Get ready to answer windows other than the whole dataset fast (Neo4j: the base
        projection every window's graph is filtered from); the service's preparation runs it."""
        ...

    def stats_counts(self) -> dict[str, Any]:
        """The counts of `/stats`: by kind, type, decade (`None`: no start), dating and
        document, and the numbers of dated and of attested-only relationships."""
        ...
