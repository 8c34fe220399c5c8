"""Centrality in the database: GDS (open-source edition) over a projection of one window.

Each call leases the window's simple undirected graph (`gds_project`) from the store's
projection cache (`app.stores.gds_projections`: once per dataset version and filter,
filtered from the version's all-time base where there is one, else projected from the
store; reused by later requests), runs one algorithm and streams `(id, score)` back.
Scores come back normalised as networkx normalises them, so both backends rank alike:

- degree: links / (n - 1);
- betweenness: GDS's undirected score × 2 / ((n - 1)(n - 2)); sampled from
  `plan.samples` sources (fixed seed) above `plan.exact_max_nodes` nodes;
- closeness: Wasserman–Faust, as GDS computes it;
- PageRank: damping 0.85, scaled to sum 1 (no dangling nodes: every node has a link);
- eigenvector: on the largest component only, others 0, as in `app.analysis.centrality`;
  with a loop on every node up to `LOOPS_MAX_NODES` nodes (see `eigenvector`).

The work is sized to the request's time left (`app.stores.gds_budget`): PageRank and
eigenvector run at most the iterations that fit (`approximate`, `iterations` when they
stopped before converging), a sampled betweenness starts from at most the sources that fit
(`approximate`, `sample_size`).
"""

from __future__ import annotations

import bisect
import itertools
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from app import deadline
from app.errors import QueryTimeout
from app.filters import RelFilter
from app.stores.base import BrokerCandidate, BrokerNeighbour, BrokerTies, CentralityPlan, Scores
from app.stores.gds_budget import Pace
from app.stores.gds_projections import Projection, drop, drop_property
from app.vocabulary import CENTRALITY_METRICS, STRUCTURAL_TYPES, SYMMETRIC_TYPES

Read = Callable[..., list[dict[str, Any]]]
# A query's chunks of `(ids, scores, kinds)` lists: the scores by id, built as they stream, and each id's
# kind put in the dict given as `kinds` (`Neo4jStore._read_scores`).
ReadScores = Callable[..., dict[str, float]]
# A projection of a window by a named query, held for the block (`ProjectionCache.lease`).
Lease = Callable[[RelFilter, str], AbstractContextManager[Projection]]
PAGERANK = {"dampingFactor": 0.85, "maxIterations": 1000, "tolerance": 1e-12}
EIGENVECTOR = {"maxIterations": 1000, "tolerance": 1e-12}
SAMPLING_SEED = 1
# Above this many nodes in its window, eigenvector in a request runs on the window's own graph
# (filtered from the base in memory, shared with the other metrics) instead of a projection
# with loops from the store (5-10 s at a 1M window: more than the request's budget); with at
# least LOOPS_SECONDS left (the background preparation) it projects the loops as before.
LOOPS_MAX_NODES = 50_000
LOOPS_SECONDS = 60.0
CANDIDATE_PAGE = 200  # brokers read per page of the ranking's candidates
LAST_ID = "\U0010ffff"  # sorts after every id: the first page of candidates


def params(rel_filter: RelFilter) -> dict[str, Any]:
    """The parameters of a projection query (and of the window's Cypher) for `rel_filter`."""
    return {
        "first": rel_filter.first, "last": rel_filter.last, "structural": sorted(STRUCTURAL_TYPES),
        "types": sorted(rel_filter.types) if rel_filter.types is not None else None,
    }  # fmt: skip


def _broker_params(rel_filter: RelFilter) -> dict[str, Any]:
    return {**params(rel_filter), "symmetric": sorted(SYMMETRIC_TYPES)}


def _rows_scored(read: Read) -> ReadScores:
    """A `ReadScores` over `read`'s rows (all in memory at once: for tests and small graphs)."""

    def scored(name: str, kinds: dict[str, str], **p: Any) -> dict[str, float]:
        values: dict[str, float] = {}
        for chunk in read(name, **p):
            for entity, score, kind in zip(chunk["ids"], chunk["scores"], chunk["kinds"], strict=True):
                values[entity] = float(score)
                kinds[entity] = kind
        return values

    return scored


def _scaled(values: dict[str, float], scale: float) -> dict[str, float]:
    """`values` each times `scale`, in place (a second dict of ~200k scores is ~12 MB at 1M)."""
    for node, value in values.items():
        values[node] = value * scale
    return values


def centrality(
    read: Read,
    lease: Lease,
    metric: str,
    rel_filter: RelFilter,
    plan: CentralityPlan,
    read_scores: ReadScores | None = None,
    pace: Pace | None = None,
) -> Scores:
    """Normalised scores of every linked entity of the window for `metric`, with their kinds;
    the scores are read by `read_scores` where given (streamed into a dict), else from
    `read`'s rows; the work is sized to the time left by `pace` (a new one: first guesses)."""
    scored = read_scores or _rows_scored(read)
    pace = pace or Pace()
    kinds: dict[str, str] = {}
    if metric == "eigenvector":
        return eigenvector(read, lease, rel_filter, scored, kinds, pace)
    if metric not in CENTRALITY_METRICS:  # eigenvector has returned above
        raise ValueError(f"unknown metric {metric!r}")
    with lease(rel_filter, "gds_project") as projection:
        graph, n = projection.name, projection.nodes
        if n == 0:
            return Scores({})
        if metric == "degree":
            values = _scaled(scored("gds_degree", kinds, graph=graph), 1 / (n - 1) if n > 1 else 0.0)
            return Scores(values, kinds=kinds)
        if metric == "betweenness":
            return _betweenness(read, scored, projection, plan, pace, kinds)
        if metric == "closeness":
            counts = read("gds_graph_counts", graph=graph)[0]
            plan.check_closeness(int(counts["nodes"]), int(counts["links"]))  # past it: a sure 504, so refused
            return Scores(scored("gds_closeness", kinds, graph=graph), kinds=kinds)
        if metric == "pagerank":
            with _scratch(read, graph, "pagerank") as prop:
                values, ran, converged = _iterated(read, scored, "pagerank", projection, PAGERANK, prop, kinds, pace)
            total = sum(values.values())
            for node, value in values.items():  # in place, as `_scaled`, but divided as before
                values[node] = value / total
            return Scores(values, not converged, kinds=kinds, iterations=None if converged else ran)
    raise ValueError(f"unknown metric {metric!r}")


def _betweenness(
    read: Read, scored: ReadScores, projection: Projection, plan: CentralityPlan, pace: Pace, kinds: dict[str, str]
) -> Scores:
    """Betweenness from every node, or from the sources `plan` samples, or from fewer where
    only they fit in the time left (then `approximate` as well, with the sources used)."""
    n, search = projection.nodes, projection.nodes + projection.relationships
    wanted = plan.betweenness_sources(n)
    sources = pace.steps("betweenness", n, search, wanted)
    sampled = sources < n
    with _scratch(read, projection.name, "betweenness") as prop:
        sampling = {"samplingSize": sources, "samplingSeed": SAMPLING_SEED} if sampled else {}
        config = {"mutateProperty": prop, **sampling}
        with _teaching(pace, "betweenness"):
            run = read("gds_betweenness", graph=projection.name, config=config)[0]
        pace.learn("betweenness", search, sources, int(run["computeMillis"]) / 1000)
        values = _streamed(scored, pace, "gds_property_scores", kinds, projection, property=prop)
    scale = 2 / ((n - 1) * (n - 2)) if n > 2 else 0.0
    return Scores(_scaled(values, scale), sampled, sources if sampled else None, kinds)


def _streamed(
    scored: ReadScores, pace: Pace, query: str, kinds: dict[str, str], projection: Projection, **params: Any
) -> dict[str, float]:
    """The scores `query` reads from `projection`, the time they took taught to `pace`."""
    started = time.monotonic()
    with _teaching(pace, "stream"):
        values = scored(query, kinds, graph=projection.name, **params)
    pace.learn("stream", projection.nodes, 1, time.monotonic() - started)
    return values


@contextmanager
def _scratch(read: Read, graph: str, algorithm: str) -> Iterator[str]:
    """A node property of `graph` for one request's scores, dropped after the block (the
    projection is shared, so each request writes a property of its own)."""
    prop = f"{algorithm}-{uuid.uuid4().hex}"
    try:
        yield prop
    finally:
        drop_property(read, graph, prop)


@contextmanager
def _teaching(pace: Pace, algorithm: str) -> Iterator[None]:
    """Run the block; if it runs out of time, tell `pace` (`Pace.ran_out`) and raise on."""
    try:
        yield
    except QueryTimeout:
        pace.ran_out(algorithm)
        raise


def _iterated(
    read: Read,
    scored: ReadScores,
    algorithm: str,
    projection: Projection,
    config: dict[str, Any],
    prop: str,
    kinds: dict[str, str],
    pace: Pace,
    query: str = "gds_property_scores",
    **extra: Any,
) -> tuple[dict[str, float], int, bool]:
    """Run PageRank or eigenvector (`gds_<algorithm>`) into the node property `prop` for at
    most the iterations that fit in the time left, and read the scores back by `query` (with
    `extra` parameters); with the iterations run and whether it converged."""
    most = int(config["maxIterations"])
    steps = pace.steps(algorithm, projection.nodes, projection.relationships, most)
    config = {**config, "maxIterations": steps, "mutateProperty": prop}
    with _teaching(pace, algorithm):
        run = read(f"gds_{algorithm}", graph=projection.name, config=config)[0]
    ran = int(run["ranIterations"])
    pace.learn(algorithm, projection.relationships, ran, int(run["computeMillis"]) / 1000)
    values = _streamed(scored, pace, query, kinds, projection, property=prop, **extra)
    return values, ran, bool(run["didConverge"])


def eigenvector(
    read: Read, lease: Lease, rel_filter: RelFilter, scored: ReadScores, kinds: dict[str, str], pace: Pace
) -> Scores:
    """Eigenvector centrality of the largest component (A + I, see `gds_project_with_loops`);
    every linked entity's kind put in `kinds`; `approximate` with the iterations run when
    the time left stopped it before it converged.

    GDS 2.13.9 returns all zeros when its power iteration lands exactly on a fixed point
    (seen on trees); then the run is repeated one iteration short of that point.

    In a request, a window of more than `LOOPS_MAX_NODES` nodes is scored on its own graph (A, no loops;
    `_large_eigenvector`): the same eigenvector where the iteration converges, which it does
    unless the largest component is bipartite (then `approximate`, as when the budget stops it).
    """
    if deadline.current().remaining() < LOOPS_SECONDS:
        with lease(rel_filter, "gds_project") as window:
            if window.nodes > LOOPS_MAX_NODES:
                return _large_eigenvector(read, scored, window, kinds, pace)
    with lease(rel_filter, "gds_project_with_loops") as projection:
        graph, n = projection.name, projection.nodes
        if n == 0:
            return Scores({})
        values = dict.fromkeys(scored("gds_degree", kinds, graph=graph), 0.0)
        projection.prepare("components", lambda: read("gds_components_prepare", graph=graph))
        giant = read("gds_largest_component", graph=graph)[0]
        if int(giant["size"]) < 2:
            return Scores(values, kinds=kinds)
        sub = f"{graph}-giant-{uuid.uuid4().hex}"  # one per request: the projection may be shared
        row = read("gds_filter_component", subgraph=sub, graph=graph, component=giant["component"])[0]
        try:
            part = Projection(sub, int(row["nodeCount"]), relationships=int(row["relationshipCount"]))
            found, ran, converged = _eigenvector_run(read, scored, part, "score", {}, pace)
            values.update(found)
        finally:
            drop(read, sub)
    return Scores(values, not converged, kinds=kinds, iterations=None if converged else ran)


def _eigenvector_run(
    read: Read, scored: ReadScores, graph: Projection, prop: str, kinds: dict[str, str], pace: Pace, **extra: Any
) -> tuple[dict[str, float], int, bool]:
    """Eigenvector on `graph` into `prop` (`_iterated`); where GDS 2.13.9 gives all zeros at a
    fixed point, run again one iteration short of it (converged unless the time left cut it
    shorter still)."""
    found, ran, converged = _iterated(read, scored, "eigenvector", graph, EIGENVECTOR, prop, kinds, pace, **extra)
    if converged and not any(found.values()):
        drop_property(read, graph.name, prop)
        short = max(ran - 1, 1)
        config = {**EIGENVECTOR, "maxIterations": short}
        found, ran, _ = _iterated(read, scored, "eigenvector", graph, config, prop, kinds, pace, **extra)
        converged = ran == short
    return found, ran, converged


def _large_eigenvector(read: Read, scored: ReadScores, window: Projection, kinds: dict[str, str], pace: Pace) -> Scores:
    """Eigenvector of the largest component, run on the whole window's graph: the iteration is
    the same on each component up to one common scale, so the largest one's scores, scaled
    back to unit length, are those it would have alone (no copy of it; others are read as 0)."""
    graph = window.name
    window.prepare("components", lambda: read("gds_components_prepare", graph=graph))
    giant = read("gds_largest_component", graph=graph)[0]
    with _scratch(read, graph, "eigenvector") as prop:
        scores = {"query": "gds_component_scores", "component": giant["component"]}
        values, ran, converged = _eigenvector_run(read, scored, window, prop, kinds, pace, **scores)
    length = sum(value * value for value in values.values()) ** 0.5 if int(giant["size"]) > 1 else 0.0
    values = _scaled(values, 1 / length if length else 0.0)
    return Scores(values, not converged, kinds=kinds, iterations=None if converged else ran)


def degree_year_counts(read: Read) -> list[tuple[int, int, int, int]]:
    """Every entity's degree year by year, counted (`history_degree_counts`)."""
    rows = read("history_degree_counts", structural=sorted(STRUCTURAL_TYPES))
    return [(int(r["from"]), int(r["to"]), int(r["degree"]), int(r["entities"])) for r in rows]


def degree_by_year(read: Read, entity_id: str, years: Sequence[int]) -> dict[int, int]:
    """One entity's degree in each of `years`, from the years where it changes (`history_degree_of`)."""
    rows = read("history_degree_of", id=entity_id, structural=sorted(STRUCTURAL_TYPES))
    return degrees_at([(int(r["year"]), int(r["change"])) for r in rows], years)


def degrees_at(changes: list[tuple[int, int]], years: Sequence[int]) -> dict[int, int]:
    """The degree in each of `years` given the `(year, change)` steps of it (0 before the first).

    Examples
    --------
    >>> degrees_at([(1995, -1), (1990, 2), (2000, -1)], [1989, 1990, 1999, 2000])
    {1989: 0, 1990: 2, 1999: 1, 2000: 0}
    """
    steps = sorted(changes)
    starts = [year for year, _ in steps]
    totals = list(itertools.accumulate(change for _, change in steps))
    return {year: totals[k - 1] if (k := bisect.bisect_right(starts, year)) else 0 for year in years}


def broker_neighbours(read: Read, entity_id: str, rel_filter: RelFilter) -> list[BrokerNeighbour]:
    """One broker's neighbours in the window, by id, with the direction of their ties."""
    rows = read("broker_neighbours", id=entity_id, **_broker_params(rel_filter))
    return [
        BrokerNeighbour(r["id"], r["country"], r["kind"], bool(r["pred"]), bool(r["succ"]), int(r["key"])) for r in rows
    ]


def broker_ties(read: Read, entity_id: str, batch: list[str], rel_filter: RelFilter) -> list[BrokerTies]:
    """For each neighbour in `batch`: the entities tied to it (the broker left out), as codes."""
    rows = read("broker_ties", id=entity_id, batch=batch, **_broker_params(rel_filter))
    return [BrokerTies(r["member"], r["ties"]) for r in rows]


def broker_candidates(read: Read, lease: Lease, rel_filter: RelFilter) -> Iterator[BrokerCandidate]:
    """Every entity of the window with open neighbour pairs, most pairs first (ties by id):
    C(k, 2) minus triangles, from GDS. Read in pages while the caller iterates; the
    projection is held until the caller closes the iterator."""
    with lease(rel_filter, "gds_project") as projection:
        graph = projection.name
        if projection.nodes == 0:
            return
        projection.prepare("brokerage", lambda: read("gds_broker_prepare", graph=graph))
        below: tuple[int, str] = (2**62, LAST_ID)
        while True:
            rows = read(
                "gds_broker_candidates", graph=graph, below_pairs=below[0], after_id=below[1], count=CANDIDATE_PAGE
            )
            for row in rows:
                yield BrokerCandidate(row["id"], int(row["pairs"]), row["country"], row["kind"])
            if len(rows) < CANDIDATE_PAGE:
                return
            below = (int(rows[-1]["pairs"]), rows[-1]["id"])
