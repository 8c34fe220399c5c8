"""The embedded store: the dataset held in a networkx MultiDiGraph.

Path search is a depth-first walk over the undirected view, pruned by the distance to
the target (so it only expands partial paths that can still arrive in time) and, for
temporal paths, by the earliest day each hop can be taken.
"""

from __future__ import annotations

import bisect
import datetime as dt
import heapq
import threading
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cached_property

import networkx as nx

from app import deadline
from app.dates import DAY_MAX, DAY_MIN
from app.filters import RelFilter
from app.model import Dataset, Entity, Hop, Path, Relationship
from app.stores import memory_brokerage
from app.stores.base import BrokerCandidate, BrokerNeighbour, BrokerTies, RelCursor, SegmentQuery, SegmentResult
from app.temporal import advance
from app.vocabulary import Kind

Step = tuple[str, Relationship]  # a tie from a node: the entity at its other end, and the relationship


class MemoryStore:
    """A `GraphStore` over an in-memory networkx graph.

    Examples
    --------
    >>> from app.model import Dataset, Entity, Relationship
    >>> from app.vocabulary import Kind
    >>> ds = Dataset((Entity("a", Kind.Company, "A"), Entity("b", Kind.Company, "B")),
    ...              (Relationship("a", "COOPERATED_WITH", "b"),))
    >>> MemoryStore(ds).counts()
    (2, 1)
    """

    backend = "memory"
    ties_batch = 1_000_000_000  # a broker's neighbours whose ties one call reads: all (no query to bound)

    def __init__(self, dataset: Dataset):
        self.version = dataset.version
        self.graph = nx.MultiDiGraph()
        for e in dataset.entities:
            self.graph.add_node(e.id, entity=e)
        for r in dataset.relationships:
            self.graph.add_edge(r.source, r.target, key=r.id, rel=r)
        # Each node's incident relationships, either direction, for the path walk.
        self._incident: dict[str, list[tuple[str, Relationship]]] = {n: [] for n in self.graph}
        for u, v, rel in self.graph.edges(data="rel"):
            self._incident[u].append((v, rel))
            self._incident[v].append((u, rel))
        for items in self._incident.values():
            items.sort(key=lambda item: (item[0], item[1].id))
        # Counted once: the store is read-only, and networkx counts a multigraph's edges by
        # walking every node (80 ms at 100k relationships, on every /health).
        self._counts = (len(dataset.entities), len(dataset.relationships))
        self._ties_lock = threading.Lock()
        self._ties_kept: tuple[RelFilter, memory_brokerage.Ties] | None = None

    def counts(self) -> tuple[int, int]:
        return self._counts

    def entities_by_ids(self, ids: Sequence[str]) -> list[tuple[Entity, int]]:
        nodes = self.graph.nodes
        return [(nodes[i]["entity"], len(self._incident[i])) for i in ids if i in nodes]

    def all_entities(self) -> list[Entity]:
        return [data["entity"] for _, data in self.graph.nodes(data=True)]

    def neighbour_ranking(
        self, entity_id: str, rel_filter: RelFilter, kinds: frozenset[Kind] | None, limit: int
    ) -> tuple[int, list[tuple[str, int]]]:
        nodes = self.graph.nodes
        links = Counter(
            other for other, rel in self._incident.get(entity_id, [])
            if rel_filter.admits(rel) and (kinds is None or nodes[other]["entity"].kind in kinds)
        )  # fmt: skip
        return len(links), heapq.nsmallest(limit, links.items(), key=lambda kv: (-kv[1], kv[0]))

    def timeline(self, entity_id: str, limit: int) -> tuple[int, list[Relationship]]:
        rels = [rel for _, rel in self._incident.get(entity_id, [])]
        return len(rels), heapq.nsmallest(limit, rels, key=Relationship.timeline_key)

    def neighbours_at_most(self, ids: Sequence[str], rel_filter: RelFilter, cap: int) -> int:
        reached: set[str] = set()
        for i in ids:
            reached.update(other for other, rel in self._incident.get(i, []) if rel_filter.admits(rel))
            if len(reached) >= cap:
                return cap
        return len(reached)

    def relationships_between(self, entity_id: str, others: Sequence[str], rel_filter: RelFilter) -> list[Relationship]:
        wanted = set(others)
        found = [rel for other, rel in self._incident.get(entity_id, []) if other in wanted and rel_filter.admits(rel)]
        return sorted(found, key=lambda rel: rel.id)

    def relationships_touching(self, ids: Sequence[str], rel_filter: RelFilter) -> list[Relationship]:
        found = {rel.id: rel for i in ids for _, rel in self._incident.get(i, []) if rel_filter.admits(rel)}
        return [found[k] for k in sorted(found)]

    def relationships_among(self, ids: Sequence[str], rel_filter: RelFilter) -> list[Relationship]:
        among = set(ids)
        found = {
            rel.id: rel for i in among for other, rel in self._incident.get(i, [])
            if other in among and rel_filter.admits(rel)
        }  # fmt: skip
        return [found[k] for k in sorted(found)]

    def degrees(self) -> dict[str, int]:
        return {node: len(items) for node, items in self._incident.items()}

    def snapshot(self, rel_filter: RelFilter) -> tuple[list[Entity], list[Relationship]]:
        rels = [rel for _, _, rel in self.graph.edges(data="rel") if rel_filter.admits(rel)]
        return self.all_entities(), rels

    @cached_property
    def _ids(self) -> list[str]:
        return sorted(self.graph.nodes)

    def entities_page(self, after: str, limit: int) -> list[Entity]:
        start = bisect.bisect_right(self._ids, after)
        return [self.graph.nodes[n]["entity"] for n in self._ids[start : start + limit]]

    def relationships_page(
        self, rel_filter: RelFilter, kinds: frozenset[Kind] | None, after: RelCursor, limit: int
    ) -> list[Relationship]:
        page: list[Relationship] = []
        for i in range(bisect.bisect_left(self._ids, after[0]), len(self._ids)):
            for _, target, rel in sorted(self.graph.out_edges(self._ids[i], data="rel"), key=lambda edge: edge[2].id):
                if (rel.source, rel.id) <= after or not rel_filter.admits(rel):
                    continue
                if kinds is not None and not (self._kind(rel.source) in kinds and self._kind(target) in kinds):
                    continue
                page.append(rel)
                if len(page) == limit:
                    return page
        return page

    def _kind(self, node: str) -> Kind:
        return self.graph.nodes[node]["entity"].kind  # type: ignore[no-any-return]

    @cached_property
    def _dated_span(self) -> tuple[dt.date, dt.date] | None:
        days = [
            day for _, _, rel in self.graph.edges(data="rel")
            for day in (rel.period.first, rel.period.last) if DAY_MIN < day < DAY_MAX
        ]  # fmt: skip
        return (min(days), max(days)) if days else None

    def dated_span(self) -> tuple[dt.date, dt.date] | None:
        return self._dated_span

    def ping(self) -> str:
        return self.version

    # -- brokerage (`BrokerageStore`) ------------------------------------------------------

    @cached_property
    def _entities(self) -> dict[str, Entity]:
        return {node: data["entity"] for node, data in self.graph.nodes(data=True)}

    def _window_ties(self, rel_filter: RelFilter) -> memory_brokerage.Ties:
        """The window's brokerage graph; the last window asked for is kept (a count reads it
        once per batch of neighbours, a ranking once per candidate)."""
        with self._ties_lock:
            kept = self._ties_kept
        if kept is not None and kept[0] == rel_filter:
            return kept[1]
        ties = memory_brokerage.window_ties(self._incident, rel_filter)
        with self._ties_lock:
            self._ties_kept = (rel_filter, ties)
        return ties

    def broker_neighbours(self, entity_id: str, rel_filter: RelFilter) -> list[BrokerNeighbour]:
        return memory_brokerage.broker_neighbours(self._window_ties(rel_filter), self._entities, entity_id)

    def broker_ties(self, entity_id: str, batch: list[str], rel_filter: RelFilter) -> list[BrokerTies]:
        return memory_brokerage.broker_ties(self._window_ties(rel_filter), entity_id, batch)

    def broker_candidates(self, rel_filter: RelFilter) -> Iterator[BrokerCandidate]:
        return memory_brokerage.broker_candidates(self._window_ties(rel_filter), self._entities)

    def close(self) -> None:
        return None

    # -- paths -------------------------------------------------------------------------

    def _passable(self, query: SegmentQuery, node: str) -> bool:
        """Whether a path may pass *through* `node` (endpoints always may)."""
        if node in (query.source, query.target):
            return True
        if node in query.blocked:
            return False
        return self.graph.nodes[node]["entity"].kind not in query.blocked_kinds

    def _neighbours(self, query: SegmentQuery, node: str) -> Iterator[tuple[str, Relationship]]:
        if query.rel_filter.is_all_time and query.rel_filter.types is None:
            yield from self._incident.get(node, [])
            return
        for other, rel in self._incident.get(node, []):
            if query.rel_filter.admits(rel):
                yield other, rel

    def _distances_to_target(self, query: SegmentQuery) -> dict[str, int]:
        """Hop distance from every node to the target, through passable nodes only."""
        dist = {query.target: 0}
        queue = deque([query.target])
        while queue:
            node = queue.popleft()
            if query.mode == "shortest" and query.source in dist and dist[node] >= dist[query.source]:
                break  # level order: the source's level is complete, nothing nearer remains
            if dist[node] >= query.max_hops:
                continue
            if node != query.target and not self._passable(query, node):
                continue
            for other, _ in self._neighbours(query, node):
                if other not in dist:
                    dist[other] = dist[node] + 1
                    queue.append(other)
        return dist

    def _balls(self, query: SegmentQuery) -> tuple[dict[str, int], dict[str, int], int | None]:
        """Breadth-first from both ends at once, a whole level of the smaller frontier at a
        time, until they meet: the hop distances found from the source and to the target,
        and the shortest distance (None: none within `max_hops`). Only passable nodes (and
        the ends) are expanded, as in `_distances_to_target`."""
        ends = {query.source, query.target}
        sides = ({query.source: 0}, {query.target: 0})
        frontiers = ([query.source], [query.target])
        depth = [0, 0]
        while frontiers[0] and frontiers[1] and depth[0] + depth[1] < query.max_hops:
            i = 0 if len(frontiers[0]) <= len(frontiers[1]) else 1
            mine, other = sides[i], sides[1 - i]
            depth[i] += 1
            nxt, met = [], None
            for node in frontiers[i]:
                if node not in ends and not self._passable(query, node):
                    continue
                for neighbour, _ in self._neighbours(query, node):
                    if neighbour in mine:
                        continue
                    mine[neighbour] = depth[i]
                    nxt.append(neighbour)
                    if neighbour in other and (neighbour in ends or self._passable(query, neighbour)):
                        hops = depth[i] + other[neighbour]
                        met = hops if met is None else min(met, hops)
            if met is not None:
                return sides[0], sides[1], met
            frontiers = (nxt, frontiers[1]) if i == 0 else (frontiers[0], nxt)
        return sides[0], sides[1], None

    def _shortest_distances(self, query: SegmentQuery) -> dict[str, int]:
        """Hop distance to the target of every node on a shortest path (others left out, as
        the walk never takes them): the target's side as found, the source's side by going
        back level by level from the nodes where a shortest path crosses to the other."""
        from_source, to_target, hops = self._balls(query)
        if hops is None:
            return {}
        dist = dict(to_target)
        # The source side's last level was found, not expanded: a node of it on a shortest
        # path is also within the target's ball (its distance to the target is at most the
        # target side's depth), so only the levels before it are gone back through. Its nodes
        # include the hubs one level further out; scanning their ties was most of the work.
        last = max(from_source.values())
        levels: dict[int, list[str]] = {}
        for node, d in from_source.items():
            if d < last and node not in dist:
                levels.setdefault(d, []).append(node)
        for d in sorted(levels, reverse=True):
            for node in levels[d]:
                if node != query.source and not self._passable(query, node):
                    continue
                if any(
                    dist.get(other) == hops - d - 1 and (other == query.target or self._passable(query, other))
                    for other, _ in self._neighbours(query, node)
                ):
                    dist[node] = hops - d
        return dist

    def _steps(self, query: SegmentQuery, dist: dict[str, int]) -> Callable[[str, int], Iterable[Step]]:
        """The ties the walk may follow from a node with `left` hops to go. For shortest
        paths, only those one hop nearer the target, found once per node: the walk reaches a
        node once per shortest prefix, and a hub's thousands of ties were scanned each time."""
        if query.mode != "shortest":
            return lambda node, _left: self._neighbours(query, node)
        found: dict[str, list[Step]] = {}

        def descents(node: str, left: int) -> list[Step]:  # `left` is the node's distance here
            if node not in found:
                found[node] = [(o, rel) for o, rel in self._neighbours(query, node) if dist.get(o) == left - 1]
            return found[node]

        return descents

    def segment_paths(self, query: SegmentQuery) -> SegmentResult:
        if query.source not in self.graph or query.target not in self.graph or query.source == query.target:
            return SegmentResult([])
        # Shortest paths meet in the middle (two small balls, not one large); other modes need
        # every node within `max_hops` of the target.
        dist = self._shortest_distances(query) if query.mode == "shortest" else self._distances_to_target(query)
        if query.source not in dist or query.source == query.target:
            return SegmentResult([])
        budget = dist[query.source] if query.mode == "shortest" else query.max_hops
        paths: list[Path] = []
        truncated = False
        expansions = 0
        stack: list[tuple[str, int, dt.date, Path, frozenset[str]]] = [
            (query.source, budget, DAY_MIN, (), frozenset({query.source}))
        ]
        limit = deadline.current()
        steps = self._steps(query, dist)
        while stack:
            node, left, t, path, seen = stack.pop()
            expansions += 1
            if expansions > query.max_expansions:
                return SegmentResult(paths, truncated=True, stopped_by="max_expansions")
            if expansions % 512 == 0 and limit.expired:  # cooperative: the request's time is up
                if limit.cancelled:
                    limit.check("the path search")
                return SegmentResult(paths, truncated=True, stopped_by="time")
            for other, rel in steps(node, left):
                if other in seen or dist.get(other, left) > left - 1:
                    continue  # already on the path, or cannot reach the target in time
                if query.mode == "shortest" and dist[other] != left - 1:
                    continue
                t_next = advance(t, rel) if query.mode == "temporal" else t
                if t_next is None:
                    continue
                hop = Hop(rel, node, other)
                if other == query.target:
                    paths.append((*path, hop))
                    if len(paths) >= query.max_paths:
                        return SegmentResult(paths, truncated=True, stopped_by="max_paths")
                elif self._passable(query, other):
                    stack.append((other, left - 1, t_next, (*path, hop), seen | {other}))
        return SegmentResult(paths, truncated)
