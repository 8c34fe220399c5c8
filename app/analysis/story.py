"""The story of a connection: "How did Viborg connect Grundfos to Irbid?".

The best routes between two entities (through `via`), ranked by `story_cost`, are merged
into one small subgraph and told as one short paragraph in date order; each claim cites
the documents that state it. Links into the same project over the same years are told
together ("Viborg Municipality led the Irbid pilot …, in which Grundfos took part").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from app import deadline
from app.analysis.lookup import EntityLookup
from app.analysis.narrative import Lang, clause_parts, display_name, namer, sentence
from app.analysis.paths import PathRequest, find_paths, story_cost
from app.dates import DAY_MAX, DAY_MIN
from app.errors import QueryTimeout
from app.filters import RelFilter
from app.model import Entity, Relationship, Source
from app.stores.base import GraphStore
from app.vocabulary import Family, Kind, wording

STORY_ROUTES = 3  # at most this many routes make one story
STORY_MARGIN = 0.5  # routes within this story cost of the best one join it
CANDIDATE_ROUTES = 50  # routes ranked before the best are chosen
ALL_ROUTES_SHARE = 0.6  # of the time left, for listing every route (the rest: the shortest ones)
ACTIVITY_KINDS = frozenset({Kind.Project, Kind.Event})


@dataclass
class Claim:
    """One sentence of the story, the links it tells and their sources."""

    rels: list[Relationship]
    text: str = ""


def story_routes(store: GraphStore, req: PathRequest) -> tuple[list[Any], list[str], bool]:
    """The best routes for a story: every simple route up to `max_hops`, ranked by story.

    On a large graph the routes through hubs are too many to list in time. That search gets
    `ALL_ROUTES_SHARE` of the time left; if it finds nothing in it, the story is told from
    the shortest routes (one cheap search), ranked the same way and marked `truncated`.
    """
    limit = deadline.current()
    wanted = replace(req, mode="all", distinct=True, limit=CANDIDATE_ROUTES)
    try:
        with deadline.within(limit.share(ALL_ROUTES_SHARE)):
            result = find_paths(store, wanted)
    except QueryTimeout as exc:
        if limit.cancelled:
            raise
        result = find_paths(store, replace(wanted, mode="shortest"))
        result.truncated = True
        result.notes = [
            f"listing every route of up to {req.max_hops} hops ran past its share of the time budget "
            f"({exc.message}); the story is told from the shortest routes",
            *result.notes,
        ]
    notes = [n for n in result.notes if "only the first" not in n]
    if not result.paths:
        return [], notes, result.truncated
    best = story_cost(result.paths[0])
    chosen = [p for p in result.paths if story_cost(p) <= best + STORY_MARGIN][:STORY_ROUTES]
    return chosen, notes, result.truncated


def _group(rels: list[Relationship], entities: Mapping[str, Entity]) -> list[Claim]:
    """Links into one project or event over the same dates become one claim."""
    claims: list[Claim] = []
    together: dict[tuple[Any, ...], Claim] = {}
    for rel in rels:
        target = entities.get(rel.target)
        shared = target is not None and target.kind in ACTIVITY_KINDS and wording(rel.type).family == Family.project
        key = (rel.target, rel.start, rel.end, rel.circa)
        if shared and key in together:
            together[key].rels.append(rel)
            continue
        claim = Claim([rel])
        claims.append(claim)
        if shared:
            together[key] = claim
    return claims


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _claim_text(claim: Claim, name: Any) -> str:
    """The claim's sentence, its date first where that reads well ("From 2016 to 2018, …")."""
    takers = [r for r in claim.rels if r.type == "PARTICIPATED_IN"]
    leads = [r for r in claim.rels if r.type != "PARTICIPATED_IN"]
    main = leads[0] if leads else takers[0]
    words, when = clause_parts(main, main.source, name)
    others = takers if leads else takers[1:]
    if others:
        subjects = _and([name(r.source) for r in others])
        plural = len(others) > 1
        if leads:
            verb = wording("PARTICIPATED_IN").perfect if " has " in f" {words} " else None
            verb = (verb or wording("PARTICIPATED_IN").past).removesuffix(" in")
            verb = verb.replace("has ", "have ", 1) if plural else verb
            words += f", in which {subjects} {verb}"
            for extra in leads[1:]:
                words += "; " + clause_parts(extra, extra.source, name)[0]
        else:
            _, rest = words.split(f"{name(main.source)} ", 1)
            words = f"{name(main.source)} and {subjects} {rest.replace('has ', 'have ', 1)}"
    if when and not when.startswith(("c.", "by")):
        return sentence(f"{when}, {words}")
    return sentence(f"{words} {when}" if when else words)


def _order(claim: Claim) -> tuple[Any, ...]:
    rel = claim.rels[0]
    undated = rel.period.first == DAY_MIN and rel.period.last == DAY_MAX
    return (undated, rel.period.first, rel.period.last, rel.type, rel.source, rel.target)


def window_phrase(rel_filter: RelFilter) -> str:
    """ "in 2012", "between 2010 and 2014", "" for all time."""
    first, last = rel_filter.bounds()
    if first is None and last is None:
        return ""
    if first and last and first[:4] == last[:4] and first.endswith("-01-01") and last.endswith("-12-31"):
        return f" in {first[:4]}"
    return f" between {first or 'the beginning'} and {last or 'now'}"


def tell(store: GraphStore, req: PathRequest, entities: Mapping[str, Entity], lang: Lang = "en") -> dict[str, Any]:
    """The story of how `req.source` connects to `req.target` through `req.via`.

    Returns the routes told, the subgraph (entities and relationships), the paragraph,
    its claims with numbered sources, and notes (caps reached, routes left out).
    """
    routes, notes, truncated = story_routes(store, req)
    name = namer(entities, lang)
    rels: dict[str, Relationship] = {}
    nodes: dict[str, None] = {}
    for path in routes:
        nodes.update(dict.fromkeys([path[0].start, *(h.end for h in path)]))
        for hop in path:
            rels.setdefault(hop.rel.id, hop.rel)
    if isinstance(entities, EntityLookup):  # the story's entities in one query, not one by one
        entities.prefetch(nodes)
    claims = sorted(_group(list(rels.values()), entities), key=_order)
    sources: dict[Source, int] = {}
    told: list[dict[str, Any]] = []
    texts: list[str] = []
    for claim in claims:
        cited = [sources.setdefault(s, len(sources) + 1) for r in claim.rels for s in r.sources]
        refs = sorted(set(cited))
        text = _claim_text(claim, name)
        if refs:
            text = text[:-1] + f" [{', '.join(map(str, refs))}]."
        texts.append(text)
        told.append({"text": text, "relationships": [r.id for r in claim.rels], "sources": refs})
    if told:
        paragraph = " ".join(texts)
    elif truncated:
        paragraph = "The search stopped before it found a route; see the notes."
    else:
        through = f" through {_and([name(v) for v in req.via])}" if req.via else ""
        paragraph = sentence(
            f"no chain of links in force{window_phrase(req.rel_filter)} connects "
            f"{name(req.source)} to {name(req.target)}{through}"
        )
    return {
        "paragraph": paragraph,
        "claims": told,
        "sources": [{"n": n, **s.to_dict()} for s, n in sources.items()],
        "routes": [
            {
                "nodes": [path[0].start, *(h.end for h in path)],
                "relationships": [h.rel.id for h in path],
                "story_cost": story_cost(path),
            }
            for path in routes
        ],
        "entities": [
            {
                "id": n,
                "name": display_name(entities[n], lang) if n in entities else n,
                "kind": entities[n].kind.value if n in entities else None,
            }
            for n in nodes
        ],
        "relationships": [r.to_dict() for r in rels.values()],
        "truncated": truncated,
        "notes": notes,
    }
