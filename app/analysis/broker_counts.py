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
cut short, it says how many of its leading rows are proven (`Ranking.proven`). The
candidates it counts whole are the largest neighbourhoods, those a request cannot count in
its budget: the ranking keeps each one's numbers and first pairs (`Examined`), so a hub's own
brokerage is answered from them.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Generator, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from typing import Any

from app import deadline
from app.analysis.brokerage import GROUP_OF_RECORD, ROLES, role
from app.errors import QueryTimeout
from app.filters import RelFilter
from app.stores.base import TIE_IN, TIE_OUT, BrokerageStore, BrokerCandidate, BrokerNeighbour, BrokerTies

GROUPINGS = tuple(GROUP_OF_RECORD)  # a ranking carries the roles of each
Pair = tuple[str, str, bool]  # two neighbours' ids, and whether only the broker connects them


def row_bytes(k: int) -> int:
    """Bytes of one bitset row over `k` neighbours (a Python int: 30 bits a 4-byte digit)."""
    return 4 * (k // 30 + 1) + 32


@dataclass
class EgoCount:
    """Pairs, exclusive pairs and directed chains around one broker, filled in batches.

    Neighbours are numbered in id order. Pairs of them tied to each other are kept as
    `i * k + j` (i < j); each other entity's members (the neighbours tied to it) as a list.
    The pairs with a common neighbour besides the broker are bitsets, one Python int per
    neighbour (`settle`): a hub's millions of such pairs are a few thousand big-int ORs, not
    millions of set insertions. The bitsets of k neighbours take about k²/8 bytes (66 MB for
    the 23k neighbours of the largest hub at 1M relationships): at most `max_bytes` of them
    are held at once, in blocks of rows, each counted and dropped (the members are read again
    per block, and the rows kept only when one block holds them all).
    """

    neighbours: list[BrokerNeighbour]
    max_bytes: int  # bitset rows held at once (`Settings.broker_bitset_bytes`)
    read: int = 0  # neighbours whose ties have been read
    tied: set[int] = field(default_factory=set)  # pairs of neighbours tied to each other
    directed: set[int] = field(default_factory=set)  # i → j ties among neighbours, as i * k + j
    settled: bool = False  # every pair the ties read so far share is counted (`_shared_open`)
    _members: dict[int, list[int]] = field(default_factory=dict)  # other entity's key → neighbours tied to it
    _shared_open: int = 0  # open pairs with a common neighbour besides the broker
    _rows: list[int] | None = None  # every bitset row, when one block held them

    def __post_init__(self) -> None:
        self.k = len(self.neighbours)
        self.index = {n.id: i for i, n in enumerate(self.neighbours)}
        self.by_key = {n.key: i for i, n in enumerate(self.neighbours)}
        self.block = max(1, self.max_bytes // row_bytes(self.k))  # rows held at once

    @property
    def complete(self) -> bool:
        return self.read >= self.k and self.settled

    def _pair(self, i: int, j: int) -> int:
        return i * self.k + j if i < j else j * self.k + i

    def add(self, ties: list[BrokerTies], limit: deadline.Deadline) -> bool:
        """Count one batch's ties; False if the deadline cut it (the counts then stay partial)."""
        k, members, by_key = self.k, self._members, self.by_key
        for n, t in enumerate(ties):
            if n % 256 == 0 and limit.expired:
                return False
            a = self.index[t.member]
            for code in t.ties:
                key = code >> 2
                found = members.get(key)
                if found is None:
                    members[key] = [a]
                else:
                    found.append(a)
                w = by_key.get(key)
                if w is not None:  # the other end is a neighbour too: a tie among neighbours
                    self.tied.add(self._pair(a, w))
                    if code & TIE_OUT:
                        self.directed.add(a * k + w)
                    if code & TIE_IN:
                        self.directed.add(w * k + a)
        return True

    def _block_rows(self, lo: int, hi: int, limit: deadline.Deadline) -> list[int] | None:
        """Rows lo…hi-1: bit j of row i, neighbours i and j share another common neighbour
        (None if the deadline cut it). Members lists are ascending (read in neighbour order)."""
        rows = [0] * (hi - lo)
        whole = lo == 0 and hi == self.k
        for n, members in enumerate(self._members.values()):
            if n % 1024 == 0 and limit.expired:
                return None
            if len(members) < 2:
                continue
            inside = members if whole else members[bisect_left(members, lo) : bisect_left(members, hi)]
            if not inside:
                continue
            mask = 0
            for j in members:
                mask |= 1 << j
            for i in inside:
                rows[i - lo] |= mask
        return rows

    def settle(self, limit: deadline.Deadline) -> bool:
        """Count the open pairs that share another common neighbour, block by block.

        False if the deadline cut it: none are then counted, so exclusive pairs count as the
        pairs (their upper bound) and the count is not `complete`.
        """
        k, tied = self.k, sorted(self.tied)
        shared_open = 0
        for lo in range(0, k, self.block):
            hi = min(lo + self.block, k)
            rows = self._block_rows(lo, hi, limit)
            if rows is None:
                self._shared_open, self._rows, self.settled = 0, None, False
                return False
            shared = sum((row >> (i + 1)).bit_count() for i, row in enumerate(rows, lo))
            inside = tied[bisect_left(tied, lo * k) : bisect_left(tied, hi * k)]
            shared_open += shared - sum(1 for key in inside if rows[key // k - lo] >> (key % k) & 1)
            if hi - lo == k:
                self._rows = rows
        self._shared_open, self.settled = shared_open, True
        return True

    def pairs(self) -> int:
        return self.k * (self.k - 1) // 2 - len(self.tied)

    def exclusive_pairs(self) -> int:
        return self.pairs() - (self._shared_open if self.settled else 0)

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

    def _each_row(self, clock: deadline.Deadline) -> Iterator[tuple[int, int]]:
        """(i, row i) in order: the kept rows, else block by block; stops early if the deadline
        cuts a block (or, unsettled, yields empty rows: nothing is known shared)."""
        if not self.settled:
            yield from ((i, 0) for i in range(self.k))
            return
        if self._rows is not None:
            yield from enumerate(self._rows)
            return
        for lo in range(0, self.k, self.block):
            rows = self._block_rows(lo, min(lo + self.block, self.k), clock)
            if rows is None:
                return
            yield from enumerate(rows, lo)

    def bridged(self, limit: int, clock: deadline.Deadline) -> tuple[list[Pair], bool]:
        """The first `limit` open pairs, those only the broker connects first, each by (a, b) id;
        and whether the listing is whole (False: the deadline cut the search)."""
        k, ids = self.k, [n.id for n in self.neighbours]
        tied = sorted(self.tied)
        everyone = (1 << k) - 1
        out: list[Pair] = []
        whole = True
        for only_through in (True, False):  # the exclusive pairs first, then the shared ones
            last = -1
            for i, row in self._each_row(clock):
                last = i
                if len(out) >= limit:
                    break
                if only_through and clock.expired:
                    whole = False
                    break
                closed = 0
                for key in tied[bisect_left(tied, i * k) : bisect_left(tied, (i + 1) * k)]:
                    closed |= 1 << (key % k)
                above = everyone ^ ((1 << (i + 1)) - 1)
                partners = (~row if only_through else row) & ~closed & above
                while partners and len(out) < limit:
                    low = partners & -partners
                    out.append((ids[i], ids[low.bit_length() - 1], only_through))
                    partners ^= low
            if len(out) < limit and last < k - 1:  # the rows stopped early: cut by the deadline
                whole = False
            if not whole:
                break
        return out, whole


def count_ego(store: BrokerageStore, entity_id: str, rel_filter: RelFilter, max_bytes: int) -> EgoCount:
    """Read one broker's neighbourhood in batches until done or the request's time is up;
    `max_bytes` bounds the bitsets its exclusive pairs are counted with (`EgoCount`)."""
    limit = deadline.current()
    ego = EgoCount(store.broker_neighbours(entity_id, rel_filter), max_bytes)
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
    if ego.read >= ego.k:  # a partial read settles nothing: its exclusive pairs stay the pairs
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


def with_roles(s: dict[str, Any], grouping: str) -> dict[str, Any]:
    """A summary holding the roles of every grouping, with those of `grouping` only."""
    return {**s, "roles": s["roles"][grouping]}


@dataclass(frozen=True)
class Examined:
    """One broker counted whole by a ranking's search: its summary with the roles of every
    grouping, and the first pairs it bridges (`EgoCount.bridged`), a prefix of the whole
    listing, so any shorter listing is a prefix of it."""

    summary: dict[str, Any]
    bridged: list[Pair]

    def answer(self, grouping: str, limit: int) -> tuple[dict[str, Any], list[Pair]]:
        """The summary with the roles of `grouping`, and the first `limit` pairs (at most
        the listing's length: the caller asks for no more than were kept)."""
        return with_roles(self.summary, grouping), self.bridged[:limit]


@dataclass
class Ranking:
    """The strongest brokers found, strongest first, with their roles under every grouping
    (the order does not depend on the grouping: only the roles do).

    `proven` leading rows are the true top even when the search was cut (`truncated`): no
    candidate left unexamined could rank above them. `examined` holds every candidate counted
    whole, when the search was asked to keep them (`top_brokers`, `listed`).
    """

    rows: list[tuple[str, dict[str, Any]]]  # id, summary with "roles" by grouping
    truncated: bool
    proven: int
    examined: dict[str, Examined] = field(default_factory=dict)

    def top(self, grouping: str, limit: int) -> tuple[list[tuple[str, dict[str, Any]]], bool]:
        """The first `limit` rows with the roles of `grouping`, and whether they may be incomplete."""
        rows = [(i, with_roles(s, grouping)) for i, s in self.rows[:limit]]
        return rows, self.truncated and limit > self.proven


def top_brokers(
    store: BrokerageStore, rel_filter: RelFilter, limit: int, max_bytes: int, listed: int = 0, hubs: int = 0
) -> Ranking:
    """The `limit` strongest brokers by (exclusive pairs, pairs, id), exact unless `truncated`.

    Candidates come by pairs, most first; a candidate's exclusive pairs are at most its pairs,
    so once the next candidate's pairs cannot beat the last row kept, neither can any after it.
    Each candidate is counted alone (`count_ego`, bitsets within `max_bytes`) and dropped
    before the next, so the search holds one neighbourhood at a time. With `listed`, each one
    counted whole is kept as `Examined` with its first `listed` pairs; with `hubs`, the search
    goes on past the ranking until the first `hubs` candidates are counted (the largest
    neighbourhoods; out of time there, the ranking stays whole and fewer are kept).
    """
    clock = deadline.current()
    examined: dict[str, Examined] = {}
    kept: list[tuple[tuple[int, int, str], dict[str, Any]]] = []
    bound: tuple[int, int, str] | None = None  # no candidate left ranks above it (cut searches)
    truncated = ranked = False  # ranked: no candidate left can enter the ranking
    counted = 0
    with closing(_candidates(store, rel_filter)) as candidates:
        try:
            for entity_id, pairs, country, kind in candidates:
                ranked = ranked or (len(kept) >= limit and (-pairs, -pairs, entity_id) > kept[limit - 1][0])
                if ranked and counted >= hubs:
                    break
                if clock.expired:
                    truncated, bound = not ranked, (-pairs, -pairs, entity_id)
                    break
                ego = count_ego(store, entity_id, rel_filter, max_bytes)
                counted += 1
                if not ego.complete:
                    truncated, bound = not ranked, (-pairs, -pairs, entity_id)
                    break
                s = summary(ego, GROUPINGS[0], country, kind)
                s["roles"] = {g: ego.roles(g, country, kind) for g in GROUPINGS}
                if listed:
                    pairs_listed, whole = ego.bridged(listed, clock)
                    if whole:
                        examined[entity_id] = Examined(s, pairs_listed)
                del ego  # one neighbourhood at a time
                if not ranked:
                    kept.append(((-s["exclusive_pairs"], -s["pairs"], entity_id), s))
                    kept.sort(key=lambda row: row[0])
                    del kept[limit:]
        except QueryTimeout:
            if not kept:  # nothing found: the 504 (or the 202 of a step that goes on) is the answer
                raise
            truncated = not ranked
    if clock.cancelled or (not kept and clock.expired):  # gone, or out of time with nothing found: no empty ranking
        clock.check("the brokerage ranking")
    # Cut short, the rows above the first candidate not counted are still the true top.
    proven = sum(1 for key, _ in kept if not truncated or (bound is not None and key < bound))
    return Ranking([(key[2], s) for key, s in kept], truncated, proven, examined)


def _candidates(store: BrokerageStore, rel_filter: RelFilter) -> Generator[BrokerCandidate]:
    yield from store.broker_candidates(rel_filter)
