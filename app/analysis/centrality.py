"""Centrality on the graph as of a date: who held the network together, and when."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import networkx as nx


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
    "pagerank": lambda g: nx.pagerank(g, weight=None, tol=1e-10, max_iter=1000) if g.number_of_nodes() else {},
}
METRIC_HELP = {
    "degree": "share of the other entities an entity is directly tied to",
    "betweenness": "share of shortest paths between others that pass through the entity (brokers)",
    "closeness": "how near the entity is to all others it can reach (Wasserman–Faust for split graphs)",
    "eigenvector": "ties to well-tied entities count more (largest component; others score 0)",
    "pagerank": "eigenvector-like, with a damping of 0.85",
}
PRECISION = 10  # scores are rounded before ranking, so float noise cannot reorder ties


def scores(graph: nx.Graph, metric: str) -> dict[str, float]:
    """Raw scores of every node for `metric` (one of `METRICS`).

    Examples
    --------
    >>> g = nx.path_graph(["a", "b", "c"])
    >>> scores(g, "betweenness")
    {'a': 0.0, 'b': 1.0, 'c': 0.0}
    """
    if graph.number_of_nodes() == 0:
        return {}
    raw = METRICS[metric](graph)
    return {node: round(float(value), PRECISION) + 0.0 for node, value in raw.items()}


def ranked(values: dict[str, float]) -> list[tuple[str, float, int]]:
    """(entity, score, rank) by score descending; ties share a rank and are ordered by id.

    Examples
    --------
    >>> ranked({"b": 0.5, "a": 0.5, "c": 0.9})
    [('c', 0.9, 1), ('a', 0.5, 2), ('b', 0.5, 2)]
    """
    order = sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))
    out: list[tuple[str, float, int]] = []
    for i, (node, score) in enumerate(order):
        rank = out[-1][2] if out and out[-1][1] == score else i + 1
        out.append((node, score, rank))
    return out
