"""Brokerage from what a store answers about a neighbourhood, without the whole graph.

The same numbers as `app.analysis.brokerage` (the networkx oracle), counted from a broker's
neighbours and the ties around them (`BrokerageStore.broker_neighbours`, `broker_ties`;
both backends answer them, so this count serves both):

- pairs: neighbour pairs not tied to each other, C(k, 2) minus the ties among neighbours;
- exclusive pairs: those of them with no common neighbour besides the broker;
- roles: chains a → v → b (a ≠ b, no a → b) counted by groups, as P[ga]·S[gb] minus the
  a = b chains and the a → b ties among neighbours, never chain by chain.

A hub of thousands of neighbours has millions of pairs: the ties are read in batches and the
count stops when the request's time runs out, returning what it found marked `approximate`
(its pairs, exclusive pairs and roles are then upper bounds: ties not yet read can only close
pairs and chains). The ranking of all brokers (`top_brokers`) examines candidates by their
pairs, an upper bound of exclusive pairs, and stops as soon as no candidate left can enter;
cut short, it says how many of its leading rows are proven (`Ranking.proven`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Generator
from contextlib import closing
from dataclasses import dataclass, field
from typing import Any

from app import deadline
from app.analysis.brokerage import GROUP_OF_RECORD, ROLES, role
from app.errors import QueryTimeout
from app.filters import RelFilter
from app.stores.base import BrokerageStore, BrokerNeighbour, BrokerTies

GROUPINGS = tuple(GROUP_OF_RECORD)  # a ranking carries the roles of each


@dataclass
class EgoCount:
    """Pairs, exclusive pairs and directed chains around one broker, filled in batches.

    Neighbours are numbered in id order. Pairs of them tied to each other are kept as
    `i * k + j` (i < j); the pairs with a common neighbour besides the broker as bitsets, one
    Python int per neighbour (`settle`): a hub's millions of such pairs are then a few
    thousand big-int ORs, not millions of set insertions.
    """

    neighbours: list[BrokerNeighbour]
    read: int = 0  # neighbours whose ties have been read
    tied: set[int] = field(default_factory=set)  # pairs of neighbours tied to each other
    directed: set[int] = field(default_factory=set)  # i → j ties among neighbours, as i * k + j
    settled: bool = False  # `shared` holds every pair the ties read so far share
    _members: dict[str, list[int]] = field(default_factory=dict)  # other entity → neighbours tied to it
    _shared: list[int] = field(default_factory=list)  # bit j of [i]: i and j share another neighbour

    def __post_init__(self) -> None:
        self.k = len(self.neighbours)
        self.index = {n.id: i for i, n in enumerate(self.neighbours)}

    @property
    def complete(self) -> bool:
        return self.read >= self.k and self.settled

    def _pair(self, i: int, j: int) -> int:
        return i * self.k + j if i < j else j * self.k + i

    def add(self, ties: list[BrokerTies], limit: deadline.Deadline) -> bool:
        """Count one batch's ties; False if the deadline cut it (the counts then stay partial)."""
        k = self.k
        for n, t in enumerate(ties):
            if n % 256 == 0 and limit.expired:
                return False
            new = [self.index[m] for m in t.members]
            self._members.setdefault(t.other, []).extend(new)
            w = self.index.get(t.other)
            if w is not None:  # the other end is a neighbour too: a tie among neighbours
                for a, out, inn in zip(new, t.outs, t.ins, strict=True):
                    self.tied.add(self._pair(a, w))
                    if out:
                        self.directed.add(a * k + w)
                    if inn:
                        self.directed.add(w * k + a)
        return True

    def settle(self, limit: deadline.Deadline) -> bool:
        """Mark, for each neighbour, the neighbours it shares another common neighbour with.

        False if the deadline cut it: nothing is then marked, so exclusive pairs count as
        the pairs (their upper bound) and the count is not `complete`.
        """
        shared = [0] * self.k
        for n, members in enumerate(self._members.values()):
            if n % 256 == 0 and limit.expired:
                self._shared, self.settled = [0] * self.k, False
                return False
            if len(members) < 2:
                continue
            mask = 0
            for j in members:
                mask |= 1 << j
            for i in members:
                shared[i] |= mask
        self._shared, self.settled = shared, True
        return True

    def _shared_rows(self) -> list[int]:
        return self._shared if len(self._shared) == self.k else [0] * self.k

    def pairs(self) -> int:
        return self.k * (self.k - 1) // 2 - len(self.tied)

    def exclusive_pairs(self) -> int:
        rows = self._shared_rows()
        shared = sum((row >> (i + 1)).bit_count() for i, row in enumerate(rows))
        shared_and_tied = sum(1 for key in self.tied if rows[key // self.k] >> (key % self.k) & 1)
        return self.pairs() - (shared - shared_and_tied)

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
        rows, tied = self._shared_rows(), [0] * k
        for key in self.tied:
            i, j = divmod(key, k)
            tied[i] |= 1 << j
        everyone = (1 << k) - 1
        out: list[tuple[str, str, bool]] = []
        whole = True
        for only_through in (True, False):  # the exclusive pairs first, then the shared ones
            for i in range(k):
                if len(out) >= limit:
                    break
                if only_through and clock.expired:
                    whole = False
                    break
                above = everyone ^ ((1 << (i + 1)) - 1)
                partners = (~rows[i] if only_through else rows[i]) & ~tied[i] & above
                while partners and len(out) < limit:
                    low = partners & -partners
                    out.append((ids[i], ids[low.bit_length() - 1], only_through))
                    partners ^= low
        return out, whole


def count_ego(store: BrokerageStore, entity_id: str, rel_filter: RelFilter) -> EgoCount:
    """Read one broker's neighbourhood in batches until done or the request's time is up."""
    limit = deadline.current()
    ego = EgoCount(store.broker_neighbours(entity_id, rel_filter))
    ids = [n.id for n in ego.neighbours]
    batch = store.ties_batch
    for start in range(0, ego.k, batch):
        try:
            ties = store.broker_ties(entity_id, ids[start : start + batch], rel_filter)
        except QueryTimeout:
            break
        if not ego.add(ties, limit):
            break
        ego.read = min(start + batch, ego.k)
    ego.settle(limit)
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
    """The strongest brokers found, strongest first, with their roles under every grouping
    (the order does not depend on the grouping: only the roles do).

    `proven` leading rows are the true top even when the search was cut (`truncated`): no
    candidate left unexamined could rank above them.
    """

    rows: list[tuple[str, dict[str, Any]]]  # id, summary with "roles" by grouping
    truncated: bool
    proven: int

    def top(self, grouping: str, limit: int) -> tuple[list[tuple[str, dict[str, Any]]], bool]:
        """The first `limit` rows with the roles of `grouping`, and whether they may be incomplete."""
        rows = [(i, {**s, "roles": s["roles"][grouping]}) for i, s in self.rows[:limit]]
        return rows, self.truncated and limit > self.proven


def top_brokers(
    store: BrokerageStore,
    rel_filter: RelFilter,
    limit: int,
    record: Callable[[str], tuple[str | None, str]],
) -> Ranking:
    """The `limit` strongest brokers by (exclusive pairs, pairs, id), exact unless `truncated`.

    Candidates come by pairs, most first; a candidate's exclusive pairs are at most its pairs,
    so once the next candidate's pairs cannot beat the last row kept, neither can any after it.
    `record` gives an entity's (country, kind), which decide its groups.
    """
    clock = deadline.current()
    kept: list[tuple[tuple[int, int, str], dict[str, Any]]] = []
    bound: tuple[int, int, str] | None = None  # no candidate left ranks above it (cut searches)
    truncated = False
    with closing(_candidates(store, rel_filter)) as candidates:
        try:
            for entity_id, pairs in candidates:
                if len(kept) >= limit and (-pairs, -pairs, entity_id) > kept[limit - 1][0]:
                    break
                if clock.expired:
                    truncated, bound = True, (-pairs, -pairs, entity_id)
                    break
                ego = count_ego(store, entity_id, rel_filter)
                if not ego.complete:
                    truncated, bound = True, (-pairs, -pairs, entity_id)
                    break
                country, kind = record(entity_id)
                s = summary(ego, GROUPINGS[0], country, kind)
                s["roles"] = {g: ego.roles(g, country, kind) for g in GROUPINGS}
                kept.append(((-s["exclusive_pairs"], -s["pairs"], entity_id), s))
                kept.sort(key=lambda row: row[0])
                del kept[limit:]
        except QueryTimeout:
            truncated = True
    if clock.cancelled:
        clock.check("the brokerage ranking")
    # Cut short, the rows above the first candidate not counted are still the true top.
    proven = sum(1 for key, _ in kept if not truncated or (bound is not None and key < bound))
    return Ranking([(key[2], s) for key, s in kept], truncated, proven)


def _candidates(store: BrokerageStore, rel_filter: RelFilter) -> Generator[tuple[str, int]]:
    yield from store.broker_candidates(rel_filter)
