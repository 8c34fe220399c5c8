"""Centrality on the graph as of a date: who held the network together, and when."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import networkx as nx

from app import deadline
from app.analysis import betweenness
from app.analysis.ranking import Ranking
from app.stores.base import CentralityPlan, Scores
from app.vocabulary import CENTRALITY_METRICS


def eigenvector(graph: nx.Graph) -> dict[Any, float]:
    """Eigenvector centrality of the largest component; 0 elsewhere.

    On a disconnected graph the leading eigenvector is not unique (networkx refuses);
    the largest component is where the network's core is, and the others score 0.
    """
    if graph.number_of_edges() == 0:
        return dict.fromkeys(graph, 0.0)
    giant = max(nx.connected_components(graph), key=lambda c: (len(c), min(c)))
    values = dict.fromkeys(graph, 0.0)
    if len(giant) > 1:
        values.update(nx.eigenvector_centrality_numpy(graph.subgraph(giant)))
    return values


METRICS: dict[str, Callable[[nx.Graph], dict[Any, float]]] = {
    "degree": nx.degree_centrality,
    "betweenness": lambda g: nx.betweenness_centrality(g, normalized=True),
    "closeness": nx.closeness_centrality,
    "eigenvector": eigenvector,
    "pagerank": lambda g: nx.pagerank(g, weight=None, tol=1e-13, max_iter=1000) if g.number_of_nodes() else {},
}
assert tuple(METRICS) == CENTRALITY_METRICS  # the vocabulary names them, in this order
METRIC_HELP = {
    "degree": "share of the other entities an entity is directly tied to",
    "betweenness": "share of shortest paths between others that pass through the entity (brokers); "
    "estimated from a sample of sources on large graphs (see `approximate`)",
    "closeness": "how near the entity is to all others it can reach (Wasserman–Faust for split graphs)",
    "eigenvector": "ties to well-tied entities count more (largest component; others score 0); on large windows "
    "stopped at the iterations that fit in the time budget (see `approximate`, `iterations`)",
    "pagerank": "eigenvector-like, with a damping of 0.85; on large windows stopped at the iterations that fit in "
    "the time budget (see `approximate`, `iterations`)",
}
ITERATED = ("eigenvector", "pagerank")  # power iterations, which the database stops where the budget ends
# Scores are rounded before ranking, so float noise cannot reorder ties, and the two
# backends (networkx here, GDS in Neo4j: both converge far below this) print alike.
PRECISION = 8


def compute(graph: nx.Graph, metric: str, plan: CentralityPlan | None = None) -> Scores:
    """Normalised scores of every node for `metric` (one of `METRICS`), unrounded.

    Betweenness is estimated from `plan.samples` sources when the graph has more than
    `plan.exact_max_nodes` nodes, as the Neo4j backend does, and from fewer when
    `plan.max_work` says so; an exact closeness beyond `plan.max_work` is refused
    (`InvalidParameter`), as it could not be stopped at the request's deadline.

    Examples
    --------
    >>> g = nx.path_graph(6)
    >>> compute(g, "betweenness", CentralityPlan(max_work=40)).sample_size  # 16 steps a search
    2
    """
    plan = plan or CentralityPlan()
    nodes, edges = graph.number_of_nodes(), graph.number_of_edges()
    if nodes == 0:
        return Scores({})
    if metric == "betweenness":
        # Source by source, so the request's deadline can stop it (marked, with the sources done).
        return betweenness.betweenness(graph, plan.betweenness_sources(nodes, edges))
    if metric == "closeness":
        plan.check_closeness(nodes, edges)
    return Scores(METRICS[metric](graph))


def rounded(values: dict[str, float]) -> dict[str, float]:
    """Scores rounded to `PRECISION` decimals (and -0.0 made 0.0)."""
    return {node: round(float(value), PRECISION) + 0.0 for node, value in values.items()}


def scores(graph: nx.Graph, metric: str, plan: CentralityPlan | None = None) -> dict[str, float]:
    """Rounded scores of every node for `metric`.

    Examples
    --------
    >>> g = nx.path_graph(["a", "b", "c"])
    >>> scores(g, "betweenness")
    {'a': 0.0, 'b': 1.0, 'c': 0.0}
    """
    # The scores alone carry no `approximate` mark: not stopped by the deadline (a cut betweenness
    # would be a sample, unmarked), only when the client leaves.
    with deadline.within(deadline.Deadline(math.inf, "the scores", parent=deadline.current())):
        return rounded(compute(graph, metric, plan).values)


def ranking(values: Mapping[str, float], kinds: Mapping[str, str] | None = None) -> Ranking:
    """The ranking of scores as the service answers and keeps it: rounded to `PRECISION`,
    by score descending; ties share a rank and are ordered by id; with the entities'
    `kinds` (id → kind) to filter it by kind."""
    return Ranking.of(values, PRECISION, kinds)


def ranked(values: dict[str, float]) -> list[tuple[str, float, int]]:
    """(entity, score, rank) by score descending; ties share a rank and are ordered by id.

    Examples
    --------
    >>> ranked({"b": 0.5, "a": 0.5, "c": 0.9})
    [('c', 0.9, 1), ('a', 0.5, 2), ('b', 0.5, 2)]
    """
    return list(Ranking.of(values))
