"""Path questions: "how did Viborg connect Grundfos to Irbid?".

The stores find paths between two entities; this module composes them through `via`
waypoints, drops chains that join an actor to the rest only by where it is, ranks the
routes by the story they tell (`story_cost`) and explains them.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from app import deadline
from app.analysis.narrative import Lang, display_name, path_narrative
from app.dates import DAY_MAX, DAY_MIN
from app.errors import QueryTimeout
from app.filters import RelFilter
from app.model import Entity, Path, Relationship
from app.stores.base import GraphStore, PathMode, SegmentQuery, SegmentResult
from app.temporal import earliest_days
from app.vocabulary import FAMILY_COST, Family, wording

SHARED_ACTIVITY_BONUS = 1.5  # two parties acting in one project: it names what they did together
FOLLOW_YEARS = 2  # links at most this far apart in time "follow each other"


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


def _timing_cost(a: Relationship, b: Relationship) -> float:
    """0 when two consecutive links overlap in time, a little when one follows the other
    within `FOLLOW_YEARS`, more when they are far apart or one is undated."""
    if a.period.first == DAY_MIN and a.period.last == DAY_MAX:
        return 0.25
    if b.period.first == DAY_MIN and b.period.last == DAY_MAX:
        return 0.25
    if a.period.overlaps(b.period.first, b.period.last):
        return 0.0
    gap_days = max(b.period.first - a.period.last, a.period.first - b.period.last).days
    return 0.25 if gap_days <= 366 * FOLLOW_YEARS else 1.0


def story_cost(path: Path) -> float:
    """How loosely a chain tells its connection; lower is a better story.

    Each link costs its family's `FAMILY_COST` (projects, agreements, leadership, funding
    and advice 1; generic cooperation 2; location 3). Two links through a project both
    acted in (A took part in P, which B led) cost half a tie: the project names what the two
    did together, which no direct link does. Consecutive links
    cost a little more where their periods neither overlap nor follow each other.

    Examples
    --------
    >>> from app.dates import PartialDate as D
    >>> from app.model import Hop
    >>> led = Relationship("v", "LED", "p", start=D.parse("2016"), end=D.parse("2018"))
    >>> took = Relationship("g", "PARTICIPATED_IN", "p", start=D.parse("2016"), end=D.parse("2018"))
    >>> worked = Relationship("g", "COOPERATED_WITH", "v", start=D.parse("2014"), end=D.parse("2018"))
    >>> story_cost((Hop(took, "g", "p"), Hop(led, "p", "v"))) < story_cost((Hop(worked, "g", "v"),))
    True
    """
    families = [wording(h.rel.type).family for h in path]
    cost = sum(FAMILY_COST[f] for f in families)
    for i, (a, b) in enumerate(itertools.pairwise(path)):
        cost += _timing_cost(a.rel, b.rel)
        both_in_it = a.rel.target == a.end and b.rel.target == b.start  # A → P ← B
        if both_in_it and families[i] == families[i + 1] == Family.project:
            cost -= SHARED_ACTIVITY_BONUS
    return round(cost, 4)


def story_cost_floor(length: int) -> float:
    """The lowest `story_cost` any chain of `length` links can have (every link of the
    cheapest family, every other pair sharing a project, no timing cost).

    Examples
    --------
    >>> [story_cost_floor(n) for n in range(1, 5)]
    [1.0, 0.5, 1.5, 1.0]
    """
    return min(FAMILY_COST.values()) * length - SHARED_ACTIVITY_BONUS * (length // 2)


def joins_by_location(path: Path) -> bool:
    """Whether a location link joins an actor to what its place (or its neighbour) did.

    A location link may end a path at the place asked about ("the pilot is in Irbid"),
    but never carry a path on: Grundfos lying in Viborg Kommune does not make it a party
    to Viborg Kommune's work in Irbid.
    """
    if len(path) < 2:
        return False
    last = len(path) - 1
    for i, hop in enumerate(path):
        if not hop.rel.structural:
            continue
        place = hop.rel.target
        at_end = (i == last and hop.end == place) or (i == 0 and hop.start == place)
        if not at_end:
            return True
    return False


def _coherence_key(path: Path) -> tuple[Any, ...]:
    """Which chain over the same entities tells the route best.

    The lowest `story_cost` first, then time-respecting, then all in place at once, then
    fewer undated links, then the chain in place earliest (the tie that made the
    connection: Aarhus and Harbin twinned in 1984 before Aarhus advised Harbin), then ids.
    """
    rels = [h.rel for h in path]
    starts = [r.start.first_day for r in rels if r.start]
    return (
        story_cost(path),
        earliest_days(rels) is None,
        not chain_period(path)["simultaneous"],
        sum(not r.dated for r in rels),
        max(starts) if starts else DAY_MAX,
        path_sort_key(path),
    )


def by_route(paths: list[Path]) -> list[tuple[Path, Alternatives]]:
    """One chain per route of entities, the most coherent, with the other links of each hop.

    Routes come best story first (`story_cost` of their best chain), then shortest, then
    the best attested (most parallel links), then time-respecting before not, then by ids.

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
    # The best story first; among equals the shorter, the better-attested route (more
    # links between its entities) and the time-respecting one; then by ids, so the order is fixed.
    out.sort(key=lambda pa: (story_cost(pa[0]), len(pa[0]), -sum(map(len, pa[1])), _coherence_key(pa[0])))
    return out


def _keep(path: Path, req: PathRequest) -> bool:
    """Whether a found chain answers the question: simple, within max_hops, time-respecting
    where asked, and not joining an actor by its location (see `joins_by_location`)."""
    if len(path) > req.max_hops or not _is_simple(path) or joins_by_location(path):
        return False
    return not (req.mode == "temporal" and earliest_days(h.rel for h in path) is None)


def _rank(paths: list[Path], distinct: bool) -> tuple[list[Path], list[Alternatives]]:
    """Answers best story first: routes (with their alternatives) when distinct, else chains."""
    if distinct:
        routes = by_route(paths)
        return [path for path, _ in routes], [alts for _, alts in routes]
    return sorted(paths, key=lambda p: (story_cost(p), path_sort_key(p))), []


def _certain(paths: list[Path], req: PathRequest, hops: int) -> bool:
    """Whether every path of up to `hops` links already fixes the first `limit` answers (and
    shows there are more): no longer chain can tell a better story than the `limit`-th."""
    if hops >= req.max_hops:
        return False
    ranked, _ = _rank([p for p in paths if _keep(p, req)], req.distinct)
    if len(ranked) <= req.limit:
        return False
    floor = min(story_cost_floor(n) for n in range(hops + 1, req.max_hops + 1))
    return story_cost(ranked[req.limit - 1]) <= floor  # equal cost: the shorter ranks first


def _segment(store: GraphStore, req: PathRequest, a: str, b: str, mode: PathMode, hops: int) -> SegmentResult:
    others = frozenset([req.source, *req.via, req.target]) - {a, b}
    return store.segment_paths(
        SegmentQuery(
            source=a, target=b, mode=mode, max_hops=hops, rel_filter=req.rel_filter,
            blocked=req.exclude | others, max_expansions=req.max_expansions,
        )
    )  # fmt: skip


def _stop_note(stopped_by: str | None, hops: int, limit: deadline.Deadline) -> str:
    if stopped_by in (None, "time"):
        return (
            f"the time budget ({limit.seconds:g} s, {limit.setting}) ran out while searching paths of up to {hops} hops"
        )
    return f"the {stopped_by} cap was reached while searching paths of up to {hops} hops"


def _complete(hops: int) -> str:
    return f"; the paths of up to {hops} hops are complete" if hops else ""


def _deepening(store: GraphStore, req: PathRequest) -> tuple[list[Path], bool, list[str]]:
    """One segment, searched one hop deeper at a time until the first `limit` answers are certain.

    Once every path of up to `h` hops is known and no longer chain can rank among the
    first `limit` answers (`_certain`), the search stops there: fast, and the same on both
    backends. A level cut short by a cap or the time budget is dropped in favour of the
    complete levels before it, so what is returned never depends on how far a search got;
    only when no level completed is the partial one used.
    """
    limit = deadline.current()
    found: list[Path] = []
    complete = 0
    for hops in range(1, req.max_hops + 1):
        if limit.expired:
            if limit.cancelled:
                limit.check("the path search")
            return found, True, [_stop_note("time", hops, limit) + _complete(complete)]
        try:
            result = _segment(store, req, req.source, req.target, req.mode, hops)
        except QueryTimeout as exc:  # its message names the limit that stopped it
            if limit.cancelled:
                raise
            return found, True, [f"searching paths of up to {hops} hops: {exc.message}" + _complete(complete)]
        if result.truncated:
            if not complete:
                found = sorted(result.paths, key=path_sort_key)
            return found, True, [_stop_note(result.stopped_by, hops, limit) + _complete(complete)]
        found, complete = result.paths, hops
        if _certain(found, req, hops):
            what = "routes" if req.distinct else "paths"
            return (
                found,
                False,
                [
                    f"the first {req.limit} {what} are certain from the paths of up to {hops} hops, so longer ones (up to max_hops={req.max_hops}) were not searched or counted"
                ],
            )
    return found, False, []


def _composed(store: GraphStore, req: PathRequest, segment_mode: PathMode) -> tuple[list[Path], bool, list[str]]:
    """Paths through the via waypoints: each segment searched, then the segments combined."""
    limit = deadline.current()
    waypoints = [req.source, *req.via, req.target]
    segments = len(waypoints) - 1
    truncated = False
    notes: list[str] = []
    parts: list[list[Path]] = []
    for a, b in itertools.pairwise(waypoints):
        try:
            result = _segment(store, req, a, b, segment_mode, req.max_hops - (segments - 1))
        except QueryTimeout:
            if limit.cancelled:
                raise
            unfinished = ", before every segment through via was searched" if segments > 1 else ""
            raise QueryTimeout(
                f"the time budget ({limit.seconds:g} s, {limit.setting}) ran out searching from {a} to {b}{unfinished}; narrow the search (a date window, fewer hops)",
                budget_seconds=limit.seconds,
            ) from None
        if result.truncated:
            truncated = True
            notes.append(_stop_note(result.stopped_by, req.max_hops, limit) + f" from {a} to {b}")
        if not result.paths:
            return [], truncated, [*notes, f"no path from {a} to {b} within the filters"]
        parts.append(sorted(result.paths, key=path_sort_key))
    combined: list[Path] = []
    for count, combo in enumerate(itertools.product(*parts)):
        if count >= req.max_expansions or (count % 1000 == 999 and limit.expired):
            truncated = True
            cap = "the max_expansions cap" if count >= req.max_expansions else "the time budget"
            notes.append(f"{cap} stopped combining the segments through via after {count} combinations")
            break
        combined.append(tuple(itertools.chain.from_iterable(combo)))
    return combined, truncated, notes


def find_paths(store: GraphStore, req: PathRequest) -> PathsResult:
    """Paths from `req.source` to `req.target` through `req.via`, in order.

    A search stopped by a cap or the time budget returns what it found with
    `truncated` and a note naming the cap; when it found nothing it raises
    `QueryTimeout` (504) rather than answer "no paths".
    """
    waypoints = [req.source, *req.via, req.target]
    if len(set(waypoints)) != len(waypoints):
        return PathsResult([], False, ["source, via and target must be different entities"])
    segments = len(waypoints) - 1
    if segments > req.max_hops:
        return PathsResult([], False, [f"{segments} segments cannot fit in max_hops={req.max_hops}"])
    if segments == 1 and req.mode != "shortest":
        found, truncated, notes = _deepening(store, req)
    else:
        # Temporal chains are checked over the whole composed path; each segment is searched
        # as `all` so that a later segment can still pick up where an earlier one ended.
        segment_mode: PathMode = "all" if (req.mode == "temporal" and segments > 1) else req.mode
        found, truncated, notes = _composed(store, req, segment_mode)
    combined = [p for p in found if _keep(p, req)]
    by_location = sum(
        1 for p in found if len(p) <= req.max_hops and _is_simple(p) and joins_by_location(p)
    )  # where an actor is does not make it a party to what its place did
    if truncated and not combined:
        raise QueryTimeout("the path search stopped before it found a path: " + "; ".join(notes), notes=notes)
    if by_location and not combined and req.mode == "shortest":
        # The shortest routes all ran through a location link; look for the shortest that do not.
        longer = find_paths(store, replace(req, mode="all"))
        if longer.paths:
            shortest = min(len(p) for p in longer.paths)
            kept = [i for i, p in enumerate(longer.paths) if len(p) == shortest]
            alts = [longer.alternatives[i] for i in kept] if longer.alternatives else []
            note = "the shortest routes joined an entity only by its location; these are the shortest that do not"
            return PathsResult([longer.paths[i] for i in kept], longer.truncated, [note, *longer.notes], alts)
    if by_location and not combined:
        notes.append(
            f"{by_location} chain(s) were left out because a location link (LOCATED_IN) was all that joined "
            "an entity to the rest: lying in a place does not make it a party to what the place did"
        )
    if req.mode == "shortest" and combined:
        shortest = min(len(p) for p in combined)
        combined = [p for p in combined if len(p) == shortest]
    combined, alternatives = _rank(combined, req.distinct)
    what = "routes" if req.distinct else "paths"
    if len(combined) > req.limit:
        notes.append(f"{len(combined)} {what} found; only the first {req.limit} are returned (raise limit for more)")
    if truncated:
        notes.append("a search cap was reached; more paths may exist (narrow the filters or lower max_hops)")
    return PathsResult(combined[: req.limit], truncated, notes, alternatives[: req.limit])


def chain_period(path: Path) -> dict[str, Any]:
    """When the whole chain was in place: the latest start (or attestation) and the earliest end."""
    starts = [d for h in path if (d := h.rel.start or h.rel.earliest_attested)]
    ends = [h.rel.end for h in path if h.rel.end]
    start = max(starts, key=lambda d: d.first_day) if starts else None
    end = min(ends, key=lambda d: d.last_day) if ends else None
    simultaneous = not (start and end and end.last_day < start.first_day)
    return {
        "start": str(start) if start else None,
        "end": str(end) if end else None,
        "simultaneous": simultaneous,
    }


def describe_path(
    path: Path, entities: Mapping[str, Entity], alternatives: Alternatives | None = None, lang: Lang = "en"
) -> dict[str, Any]:
    """A path as the API returns it: nodes, relationships with sources, period, narrative.

    With `alternatives`, each relationship lists the other links between the same two
    entities (same shape, without further nesting).
    """
    node_ids = [path[0].start, *(h.end for h in path)]
    days = earliest_days(h.rel for h in path)
    narrative = path_narrative(path, entities, lang)
    period = chain_period(path)
    if not period["simultaneous"]:
        narrative += " The links were not all in place at the same time."
    if any(h.rel.dating == "attested" for h in path):
        narrative += ' Links told "as of" or "by" a date are counted from when a source first attests them.'
    return {
        "nodes": [_node(entities, n, lang) for n in node_ids],
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
        "story_cost": story_cost(path),
        "narrative": narrative,
    }


def _node(entities: Mapping[str, Entity], entity_id: str, lang: Lang) -> dict[str, Any]:
    """A path's entity; `label` is its name in the answer's language, as the narrative writes it."""
    e = entities.get(entity_id)
    if e is None:
        return {"id": entity_id, "name": entity_id, "label": entity_id, "kind": None}
    return {"id": entity_id, "name": e.name, "label": display_name(e, lang), "kind": e.kind.value}


def _rel_fields(d: dict[str, Any]) -> dict[str, Any]:
    keys = (
        "type",
        "source",
        "target",
        "start",
        "end",
        "circa",
        "attested",
        "dating",
        "status",
        "description",
        "sources",
    )
    return {k: d[k] for k in keys}
