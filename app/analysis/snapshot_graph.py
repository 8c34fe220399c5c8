"""The graph of a snapshot, as networkx graphs for the analytics."""

from __future__ import annotations

import networkx as nx

from app.model import Entity, Relationship


def undirected(entities: list[Entity], rels: list[Relationship], structural: bool = False) -> nx.Graph:
    """A simple undirected graph of the entities that have a relationship in the snapshot.

    Parallel relationships collapse into one edge with `weight` = their number.
    Structural links (LOCATED_IN) are left out unless asked for: they are geography,
    not diplomacy, and would make every country a hub.
    """
    kinds = {e.id: e.kind.value for e in entities}
    g = nx.Graph()
    for rel in sorted(rels, key=lambda r: r.id):
        if rel.structural and not structural:
            continue
        for node in (rel.source, rel.target):
            g.add_node(node, kind=kinds.get(node))
        if g.has_edge(rel.source, rel.target):
            g[rel.source][rel.target]["weight"] += 1
        else:
            g.add_edge(rel.source, rel.target, weight=1)
    return g


def directed(rels: list[Relationship]) -> nx.DiGraph:
    """Who acts on whom: source → target, both ways for symmetric types; no structural links."""
    g = nx.DiGraph()
    for rel in rels:
        if rel.structural:
            continue
        g.add_edge(rel.source, rel.target)
        if rel.symmetric:
            g.add_edge(rel.target, rel.source)
    return g
