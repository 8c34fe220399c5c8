"""Brokerage: the pairs an entity bridges, and Gould–Fernandez roles over groups.

A broker v sits on a two-step chain a → v → b where a has no tie to b. Gould and
Fernandez (1989) name its role by the groups of the three:

- coordinator: a, v and b all in one group;
- itinerant (consultant): a and b in one group, v in another;
- representative: v in a's group, b outside it (v speaks for its group);
- gatekeeper: v in b's group, a outside it (v lets outsiders in);
- liaison: all three in different groups.

Direction follows the relationships (source → target; symmetric types both ways).
Groups are `place` (danish / foreign / international) or `sector` (public / private /
joint: networks, projects, events and persons).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import networkx as nx

from app import deadline
from app.model import Entity
from app.vocabulary import DANISH_COUNTRY, Kind

ROLES = ("coordinator", "itinerant", "representative", "gatekeeper", "liaison")
_JOINT_KINDS = {Kind.Network, Kind.Project, Kind.Event, Kind.Person}


def place_of(country: str | None) -> str:
    if country == DANISH_COUNTRY:
        return "danish"
    return "foreign" if country else "international"


def sector_of(kind: str) -> str:
    if kind == Kind.Company:
        return "private"
    return "joint" if kind in _JOINT_KINDS else "public"


def place_group(entity: Entity) -> str:
    return place_of(entity.country)


def sector_group(entity: Entity) -> str:
    return sector_of(entity.kind)


GROUPINGS: dict[str, Callable[[Entity], str]] = {"place": place_group, "sector": sector_group}
# The group of an entity from what a store answers about it: (country, kind) → group.
GROUP_OF_RECORD: dict[str, Callable[[str | None, str], str]] = {
    "place": lambda country, _: place_of(country),
    "sector": lambda _, kind: sector_of(kind),
}


def role(ga: str, gv: str, gb: str) -> str:
    """The Gould–Fernandez role of v on a → v → b, given the three groups.

    Examples
    --------
    >>> role("danish", "danish", "foreign"), role("foreign", "danish", "danish")
    ('representative', 'gatekeeper')
    """
    if ga == gv == gb:
        return "coordinator"
    if ga == gb:
        return "itinerant"
    if gv == ga:
        return "representative"
    if gv == gb:
        return "gatekeeper"
    return "liaison"


def broker_roles(dg: nx.DiGraph, node: str, group: Callable[[str], str]) -> Counter[str]:
    """Counts of each role `node` plays over directed chains a → node → b, a not tied to b."""
    counts: Counter[str] = Counter()
    if node not in dg:
        return counts
    limit = deadline.current()
    for i, a in enumerate(dg.predecessors(node)):
        if i % 64 == 0:
            limit.check("counting a broker's roles")
        for b in dg.successors(node):
            if a != b and not dg.has_edge(a, b):
                counts[role(group(a), group(node), group(b))] += 1
    return counts


def bridged_pairs(g: nx.Graph, node: str) -> list[tuple[str, str, bool]]:
    """Unordered pairs of neighbours of `node` with no tie between them.

    The flag says the pair's only common neighbour is `node`: connected only through it.
    """
    if node not in g:
        return []
    neighbours = sorted(g[node])
    out = []
    limit = deadline.current()
    for i, a in enumerate(neighbours):
        if i % 64 == 0:  # a hub of thousands of neighbours has millions of pairs
            limit.check("listing the pairs a broker bridges")
        for b in neighbours[i + 1 :]:
            if not g.has_edge(a, b):
                exclusive = set(g[a]) & set(g[b]) == {node}
                out.append((a, b, exclusive))
    return out


def brokerage_summary(
    g: nx.Graph, dg: nx.DiGraph, node: str, entities: dict[str, Entity], grouping: str
) -> dict[str, Any]:
    """Pairs bridged, the share of neighbour pairs that are open, and role counts."""
    pairs = bridged_pairs(g, node)
    k = g.degree(node) if node in g else 0
    possible = k * (k - 1) // 2
    group_of = GROUPINGS[grouping]

    def group(entity_id: str) -> str:
        return group_of(entities[entity_id])

    roles = broker_roles(dg, node, group)
    return {
        "pairs": len(pairs),
        "exclusive_pairs": sum(1 for *_, ex in pairs if ex),
        "open_share": round(len(pairs) / possible, 6) if possible else 0.0,
        "roles": {r: roles.get(r, 0) for r in ROLES},
        "bridged": pairs,
    }
