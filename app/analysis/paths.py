"""Path questions: "how did Viborg connect Grundfos to Irbid?".

The stores find paths between two entities; this module composes them through `via`
waypoints, drops chains made only of structural links, orders them deterministically
(shortest first, then by the entities and relationships they pass) and explains them.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from typing import Any

from app.analysis.narrative import path_narrative
from app.analysis.temporal import earliest_days
from app.dates import DAY_MAX
from app.filters import RelFilter
from app.model import Entity, Relationship
from app.stores.base import GraphStore, Path, PathMode, SegmentQuery


@dataclass
class PathRequest:
    """A validated path question; entity references are already resolved to ids."""

    source: str
    target: str
    via: list[str] = field(default_factory=list)
    mode: PathMode = "shortest"
    max_hops: int = 4
    rel_filter: RelFilter = field(default_factory=RelFilter)
    exclude: frozenset[str] = frozenset()
    limit: int = 10
    distinct: bool = True  # one path per route of entities; parallel links become alternatives
    max_expansions: int = 200_000
    time_budget: float = 5.0


Alternatives = list[list[Relationship]]  # per hop: the other links between the same two entities


@dataclass
class PathsResult:
    paths: list[Path]
    truncated: bool
    notes: list[str]
    alternatives: list[Alternatives] = field(default_factory=list)  # one per path, when distinct


def path_sort_key(path: Path) -> tuple[Any, ...]:
    """Shortest first, then by the entities walked, then by the relationships taken."""
    nodes = [path[0].start, *(h.end for h in path)] if path else []
    return (len(path), nodes, [h.rel.id for h in path])


def _nodes(path: Path) -> tuple[str, ...]:
    return (path[0].start, *(h.end for h in path))


def _is_simple(path: Path) -> bool:
    nodes = _nodes(path)
    return len(nodes) == len(set(nodes))


def _coherence_key(path: Path) -> tuple[Any, ...]:
    """Which chain over the same entities tells the route best.

    Time-respecting first, then all in place at once, then fewer geography links, then
    fewer undated links, then the chain in place earliest (the tie that made the
    connection: Aarhus and Harbin twinned in 1984 before Aarhus advised Harbin), then ids.
    """
    rels = [h.rel for h in path]
    starts = [r.start.first_day for r in rels if r.start]
    return (
        earliest_days(rels) is None,
        not chain_period(path)["simultaneous"],
        sum(r.structural for r in rels),
        sum(not r.dated for r in rels),
        max(starts) if starts else DAY_MAX,
        path_sort_key(path),
    )


def by_route(paths: list[Path]) -> list[tuple[Path, Alternatives]]:
    """One chain per route of entities, the most coherent, with the other links of each hop.

    Routes come shortest first, then the best attested (most parallel links), then
    time-respecting before not, then by ids.

    Two entities are often tied by several relationships (Grundfos worked with Viborg
    Kommune and also took part in its projects); each combination is a chain of its own,
    but a reader wants the routes, with the parallel links listed beside each hop.
    """
    routes: dict[tuple[str, ...], list[Path]] = {}
    for path in paths:
        routes.setdefault(_nodes(path), []).append(path)
    out = []
    for group in routes.values():
        best = min(group, key=_coherence_key)
        alternatives = []
        for i, hop in enumerate(best):
            others = {p[i].rel.id: p[i].rel for p in group if p[i].rel.id != hop.rel.id}
            alternatives.append(sorted(others.values(), key=lambda r: r.sort_key()))
        out.append((best, alternatives))
    # Shortest first; among equals, the better-attested route (more links between its
    # entities) and the time-respecting one first; then by ids, so the order is fixed.
    out.sort(key=lambda pa: (len(pa[0]), -sum(map(len, pa[1])), _coherence_key(pa[0])))
    return out


def find_paths(store: GraphStore, req: PathRequest) -> PathsResult:
    """Paths from `req.source` to `req.target` through `req.via`, in order."""
    waypoints = [req.source, *req.via, req.target]
    if len(set(waypoints)) != len(waypoints):
        return PathsResult([], False, ["source, via and target must be different entities"])
    segments = len(waypoints) - 1
    if segments > req.max_hops:
        return PathsResult([], False, [f"{segments} segments cannot fit in max_hops={req.max_hops}"])
    deadline = time.monotonic() + req.time_budget
    notes: list[str] = []
    truncated = False
    # Temporal chains are checked over the whole composed path; each segment is searched
    # as `all` so that a later segment can still pick up where an earlier one ended.
    segment_mode: PathMode = "all" if (req.mode == "temporal" and segments > 1) else req.mode
    parts: list[list[Path]] = []
    for a, b in itertools.pairwise(waypoints):
        others = frozenset(waypoints) - {a, b}
        result = store.segment_paths(
            SegmentQuery(
                source=a, target=b, mode=segment_mode,
                max_hops=req.max_hops - (segments - 1),
                rel_filter=req.rel_filter, blocked=req.exclude | others,
                max_expansions=req.max_expansions,
            )
        )  # fmt: skip
        truncated |= result.truncated
        if not result.paths:
            return PathsResult([], truncated, [f"no path from {a} to {b} within the filters"])
        parts.append(sorted(result.paths, key=path_sort_key))
        if time.monotonic() > deadline:
            truncated = True
            notes.append("the time budget ran out; the search stopped early")
            break

    combined: list[Path] = []
    if len(parts) == segments:
        for count, combo in enumerate(itertools.product(*parts)):
            if count >= req.max_expansions or (count % 1000 == 0 and time.monotonic() > deadline):
                truncated = True
                notes.append("too many combinations through via; the search stopped early")
                break
            path: Path = tuple(itertools.chain.from_iterable(combo))
            if len(path) > req.max_hops or not _is_simple(path):
                continue
            if len(path) > 1 and all(h.rel.structural for h in path):
                continue  # a chain of geography alone does not connect two actors
            if req.mode == "temporal" and earliest_days(h.rel for h in path) is None:
                continue
            combined.append(path)
    if req.mode == "shortest" and combined:
        shortest = min(len(p) for p in combined)
        combined = [p for p in combined if len(p) == shortest]
    combined.sort(key=path_sort_key)
    what = "paths"
    alternatives: list[Alternatives] = []
    if req.distinct:
        routes = by_route(combined)
        combined = [path for path, _ in routes]
        alternatives = [alts for _, alts in routes][: req.limit]
        what = "routes"
    if len(combined) > req.limit:
        notes.append(f"{len(combined)} {what} found; only the first {req.limit} are returned (raise limit for more)")
    if truncated:
        notes.append("a search cap was reached; more paths may exist (narrow the filters or lower max_hops)")
    return PathsResult(combined[: req.limit], truncated, notes, alternatives)


def chain_period(path: Path) -> dict[str, Any]:
    """When the whole chain was in place: the latest start and the earliest end."""
    starts = [h.rel.start for h in path if h.rel.start]
    ends = [h.rel.end for h in path if h.rel.end]
    start = max(starts, key=lambda d: d.first_day) if starts else None
    end = min(ends, key=lambda d: d.last_day) if ends else None
    simultaneous = not (start and end and end.last_day < start.first_day)
    return {
        "start": str(start) if start else None,
        "end": str(end) if end else None,
        "simultaneous": simultaneous,
    }


def describe_path(path: Path, entities: dict[str, Entity], alternatives: Alternatives | None = None) -> dict[str, Any]:
    """A path as the API returns it: nodes, relationships with sources, period, narrative.

    With `alternatives`, each relationship lists the other links between the same two
    entities (same shape, without further nesting).
    """
    node_ids = [path[0].start, *(h.end for h in path)]
    days = earliest_days(h.rel for h in path)
    narrative = path_narrative(path, entities)
    period = chain_period(path)
    if not period["simultaneous"]:
        narrative += " The links were not all in place at the same time."
    return {
        "nodes": [_node(entities, n) for n in node_ids],
        "relationships": [
            {
                **_rel_fields(h.rel.to_dict()),
                "walked": "forward" if h.start == h.rel.source else "backward",
                **({"alternatives": [_rel_fields(r.to_dict()) for r in alternatives[i]]} if alternatives else {}),
            }
            for i, h in enumerate(path)
        ],
        "length": len(path),
        "period": period,
        "time_respecting": days is not None,
        "narrative": narrative,
    }


def _node(entities: dict[str, Entity], entity_id: str) -> dict[str, Any]:
    e = entities.get(entity_id)
    return {"id": entity_id, "name": e.name if e else entity_id, "kind": e.kind.value if e else None}


def _rel_fields(d: dict[str, Any]) -> dict[str, Any]:
    keys = ("type", "source", "target", "start", "end", "circa", "status", "description", "sources")
    return {k: d[k] for k in keys}
