"""Brokerage from what a store answers about a neighbourhood, without the whole graph.

The same numbers as `app.analysis.brokerage` (the networkx oracle), counted from a broker's
neighbours and the ties around them (`AnalyticsStore.broker_neighbours`, `broker_ties`):

- pairs: neighbour pairs not tied to each other, C(k, 2) minus the ties among neighbours;
- exclusive pairs: those of them with no common neighbour besides the broker;
- roles: chains a → v → b (a ≠ b, no a → b) counted by groups, as P[ga]·S[gb] minus the
  a = b chains and the a → b ties among neighbours, never chain by chain.

A hub of thousands of neighbours has millions of pairs: the ties are read in batches and the
count stops when the request's time runs out, returning what it found marked `approximate`
(its pairs, exclusive pairs and roles are then upper bounds: ties not yet read can only close
pairs and chains). The ranking of all brokers (`top_brokers`) examines candidates by their
pairs, an upper bound of exclusive pairs, and stops as soon as no candidate left can enter.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Generator
from contextlib import closing
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from app import deadline
from app.analysis.brokerage import GROUP_OF_RECORD, ROLES, role
from app.errors import QueryTimeout
from app.filters import RelFilter
from app.stores.base import AnalyticsStore, BrokerNeighbour, BrokerTies

TIES_BATCH = 1000  # neighbours whose ties one query reads


@dataclass
class EgoCount:
    """Pairs, exclusive pairs and directed chains around one broker, filled in batches.

    Pairs of neighbours are numbered `i * k + j` (i < j, neighbours in id order), so the
    sets hold ints, and sorting them sorts pairs by (a, b) id.
    """

    neighbours: list[BrokerNeighbour]
    read: int = 0  # neighbours whose ties have been read
    tied: set[int] = field(default_factory=set)  # pairs of neighbours tied to each other
    shared: set[int] = field(default_factory=set)  # pairs with a common neighbour besides the broker
    directed: set[int] = field(default_factory=set)  # i → j ties among neighbours, as i * k + j
    _members: dict[str, list[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.k = len(self.neighbours)
        self.index = {n.id: i for i, n in enumerate(self.neighbours)}

    @property
    def complete(self) -> bool:
        return self.read >= self.k

    def _pair(self, i: int, j: int) -> int:
        return i * self.k + j if i < j else j * self.k + i

    def add(self, ties: list[BrokerTies], limit: deadline.Deadline) -> bool:
        """Count one batch's ties; False if the deadline cut it (the counts then stay partial)."""
        k = self.k
        for t in ties:
            if limit.expired:
                return False
            new = [self.index[m] for m in t.members]
            old = self._members.setdefault(t.other, [])
            self.shared.update(self._pair(a, b) for a in new for b in old)
            self.shared.update(self._pair(a, b) for a, b in combinations(new, 2))
            old.extend(new)
            w = self.index.get(t.other)
            if w is not None:  # the other end is a neighbour too: a tie among neighbours
                for a, out, inn in zip(new, t.outs, t.ins, strict=True):
                    self.tied.add(self._pair(a, w))
                    if out:
                        self.directed.add(a * k + w)
                    if inn:
                        self.directed.add(w * k + a)
        return True

    def pairs(self) -> int:
        return self.k * (self.k - 1) // 2 - len(self.tied)

    def exclusive_pairs(self) -> int:
        return self.pairs() - len(self.shared - self.tied)

    def roles(self, grouping: str, country: str | None, kind: str) -> dict[str, int]:
        """Chains a → v → b with a ≠ b and no tie a → b, counted by Gould–Fernandez role."""
        group_of = GROUP_OF_RECORD[grouping]
        groups = [group_of(n.country, n.kind) for n in self.neighbours]
        gv = group_of(country, kind)
        preds = Counter(g for g, n in zip(groups, self.neighbours, strict=True) if n.pred)
        succs = Counter(g for g, n in zip(groups, self.neighbours, strict=True) if n.succ)
        both = Counter(g for g, n in zip(groups, self.neighbours, strict=True) if n.pred and n.succ)
        chains: Counter[tuple[str, str]] = Counter()
        for ga, p in preds.items():
            for gb, s in succs.items():
                chains[ga, gb] += p * s - (both[ga] if ga == gb else 0)
        for key in self.directed:
            a, b = divmod(key, self.k)
            if self.neighbours[a].pred and self.neighbours[b].succ:
                chains[groups[a], groups[b]] -= 1
        counts: Counter[str] = Counter()
        for (ga, gb), n in chains.items():
            counts[role(ga, gv, gb)] += n
        return {r: counts.get(r, 0) for r in ROLES}

    def bridged(self, limit: int, clock: deadline.Deadline) -> tuple[list[tuple[str, str, bool]], bool]:
        """The first `limit` open pairs, those only the broker connects first, each by (a, b) id;
        and whether the listing is whole (False: the deadline cut the search for exclusive ones)."""
        k, ids = self.k, [n.id for n in self.neighbours]
        out: list[tuple[str, str, bool]] = []
        whole = True
        for i in range(k):
            if len(out) >= limit:
                break
            if clock.expired:
                whole = False
                break
            for j in range(i + 1, k):
                key = i * k + j
                if key not in self.tied and key not in self.shared:
                    out.append((ids[i], ids[j], True))
                    if len(out) >= limit:
                        break
        if len(out) < limit:
            rest = sorted(self.shared - self.tied)[: limit - len(out)]
            out += [(ids[key // k], ids[key % k], False) for key in rest]
        return out, whole


def count_ego(store: AnalyticsStore, entity_id: str, rel_filter: RelFilter) -> EgoCount:
    """Read one broker's neighbourhood in batches until done or the request's time is up."""
    limit = deadline.current()
    ego = EgoCount(store.broker_neighbours(entity_id, rel_filter))
    ids = [n.id for n in ego.neighbours]
    for start in range(0, ego.k, TIES_BATCH):
        try:
            ties = store.broker_ties(entity_id, ids[start : start + TIES_BATCH], rel_filter)
        except QueryTimeout:
            break
        if not ego.add(ties, limit):
            break
        ego.read = min(start + TIES_BATCH, ego.k)
    if limit.cancelled:  # the client left: no answer to give
        limit.check("the brokerage count")
    return ego


def summary(ego: EgoCount, grouping: str, country: str | None, kind: str) -> dict[str, Any]:
    """The numbers of `/brokerage?entity=…` (the oracle's `brokerage_summary` without pairs)."""
    possible = ego.k * (ego.k - 1) // 2
    pairs = ego.pairs()
    return {
        "pairs": pairs,
        "exclusive_pairs": ego.exclusive_pairs(),
        "open_share": round(pairs / possible, 6) if possible else 0.0,
        "roles": ego.roles(grouping, country, kind),
    }


@dataclass
class Ranking:
    """The strongest brokers found, and whether the search was cut before it proved them the top."""

    rows: list[tuple[str, dict[str, Any]]]
    truncated: bool


def top_brokers(
    store: AnalyticsStore,
    rel_filter: RelFilter,
    grouping: str,
    limit: int,
    record: Callable[[str], tuple[str | None, str]],
) -> Ranking:
    """The `limit` strongest brokers by (exclusive pairs, pairs, id), exact unless `truncated`.

    Candidates come by pairs, most first; a candidate's exclusive pairs are at most its pairs,
    so once the next candidate's pairs cannot beat the last row kept, neither can any after it.
    `record` gives an entity's (country, kind), which decide its group.
    """
    clock = deadline.current()
    kept: list[tuple[tuple[int, int, str], dict[str, Any]]] = []
    truncated = False
    with closing(_candidates(store, rel_filter)) as candidates:
        try:
            for entity_id, pairs in candidates:
                if len(kept) >= limit and (-pairs, -pairs, entity_id) > kept[limit - 1][0]:
                    break
                if clock.expired:
                    truncated = True
                    break
                ego = count_ego(store, entity_id, rel_filter)
                if not ego.complete:
                    truncated = True
                    break
                s = summary(ego, grouping, *record(entity_id))
                kept.append(((-s["exclusive_pairs"], -s["pairs"], entity_id), s))
                kept.sort(key=lambda row: row[0])
                del kept[limit:]
        except QueryTimeout:
            truncated = True
    if clock.cancelled:
        clock.check("the brokerage ranking")
    return Ranking([(key[2], s) for key, s in kept], truncated)


def _candidates(store: AnalyticsStore, rel_filter: RelFilter) -> Generator[tuple[str, int]]:
    yield from store.broker_candidates(rel_filter)
