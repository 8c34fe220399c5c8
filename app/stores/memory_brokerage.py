"""What brokerage counts from, answered over the embedded store's adjacency.

The same answers as the Cypher and GDS queries of the Neo4j store (`broker_neighbours`,
`broker_ties`, `gds_broker_candidates`), so `app.analysis.broker_counts` serves both backends:
the window's graph without structural links or self-loops; undirected for pairs, directed
for roles (source → target, symmetric types both ways).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from app import deadline
from app.filters import RelFilter
from app.model import Entity, Relationship
from app.stores.base import TIE_IN, TIE_OUT, BrokerCandidate, BrokerNeighbour, BrokerTies

Incident = Mapping[str, Sequence[tuple[str, Relationship]]]
# node → each entity tied to it in the window → (node acts on it, it acts on node)
Near = dict[str, dict[str, tuple[bool, bool]]]


@dataclass(frozen=True)
class Ties:
    """The window's graph as brokerage sees it, and each node's key (`BrokerTies.ties`)."""

    near: Near
    keys: dict[str, int]


def window_ties(incident: Incident, rel_filter: RelFilter) -> Ties:
    """The window's graph as brokerage sees it, built once per window (the store keeps it)."""
    limit = deadline.current()
    found: Near = {}
    for n, (node, items) in enumerate(incident.items()):
        if n % 4096 == 0:
            limit.check("the brokerage graph of the window")
        near: dict[str, tuple[bool, bool]] = {}
        for other, rel in items:
            if other == node or rel.structural or not rel_filter.admits(rel):
                continue
            out, inn = near.get(other, (False, False))
            near[other] = (out or rel.source == node or rel.symmetric, inn or rel.target == node or rel.symmetric)
        if near:
            found[node] = near
    return Ties(found, {node: n for n, node in enumerate(found)})


def broker_neighbours(ties: Ties, entities: Mapping[str, Entity], entity_id: str) -> list[BrokerNeighbour]:
    """One broker's neighbours in the window, by id, with the direction of their ties."""
    return [
        BrokerNeighbour(a, entities[a].country, entities[a].kind.value, pred=inn, succ=out, key=ties.keys[a])
        for a, (out, inn) in sorted(ties.near.get(entity_id, {}).items())
    ]


def broker_ties(ties: Ties, entity_id: str, batch: list[str]) -> list[BrokerTies]:
    """For each neighbour in `batch`: the entities tied to it (the broker left out), as codes.

    When the batch is the whole neighbourhood (`MemoryStore.ties_batch`), an entity tied to
    one member only and not itself a neighbour closes no pair: it is left out (at 100k
    relationships most of a hub's second neighbours are such, and each costs an int).
    """
    near, keys = ties.near, ties.keys
    own = near.get(entity_id, {})
    wanted: set[str] | None = None
    if len(batch) >= len(own):  # the whole neighbourhood: count first (in C), then keep what matters
        seen: Counter[str] = Counter()
        for member in batch:
            seen.update(near.get(member, {}).keys())
        wanted = {w for w, n in seen.items() if n > 1} | own.keys()
    found = []
    for member in batch:
        tied = near.get(member, {})
        others = tied.keys() & wanted if wanted is not None else tied.keys()
        found.append(
            BrokerTies(
                member,
                [
                    keys[w] * 4 + (TIE_OUT if tied[w][0] else 0) + (TIE_IN if tied[w][1] else 0)
                    for w in others
                    if w != entity_id
                ],
            )
        )
    return found


def broker_candidates(ties: Ties, entities: Mapping[str, Entity]) -> Iterator[BrokerCandidate]:
    """Every entity of the window with open neighbour pairs, most pairs first (ties by id):
    C(k, 2) minus the triangles through it."""
    limit = deadline.current()
    adjacency = {node: set(near) for node, near in ties.near.items()}
    doubled: dict[str, int] = dict.fromkeys(adjacency, 0)  # each triangle counted twice at a node
    for n, (u, near) in enumerate(adjacency.items()):
        if n % 1024 == 0:
            limit.check("the brokerage candidates")
        for v in near:
            if u < v:
                common = len(near & adjacency[v])
                doubled[u] += common
                doubled[v] += common
    pairs = {u: len(near) * (len(near) - 1) // 2 - doubled[u] // 2 for u, near in adjacency.items()}
    for u, p in sorted(((u, p) for u, p in pairs.items() if p > 0), key=lambda row: (-row[1], row[0])):
        yield BrokerCandidate(u, p, entities[u].country, entities[u].kind.value)
