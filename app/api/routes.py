"""The read-only endpoints. Each validates, calls the service, and returns its answer."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from app.api.deps import FilterDep, GraphDep, Kinds
from app.filters import RelFilter

router = APIRouter()


def answer(data: dict[str, Any]) -> JSONResponse:
    """The service's answer as JSON. Answers are plain JSON data already, so FastAPI's
    generic encoder (a walk over every value, the largest cost of a /paths answer) is skipped."""
    return JSONResponse(data)


Limit = Annotated[int, Query(ge=1, le=500, description="How many results at most.")]
Lang = Annotated[
    Literal["en", "da"], Query(description="Names in narratives: en (English where known, the default) or da.")
]


@router.get("/health", summary="Status, backend, counts and dataset version")
def health(graph: GraphDep) -> JSONResponse:
    return answer(graph.health())


@router.get("/entities", summary="Ranked search over names and aliases")
def search_entities(
    graph: GraphDep,
    q: Annotated[
        str, Query(min_length=1, max_length=200, description="Name, alias or id; case and accents do not matter.")
    ],
    kind: Annotated[str | None, Query(description="Only entities of this kind.")] = None,
    limit: Limit = 10,
) -> JSONResponse:
    return answer(graph.search(q, kind, limit))


@router.get("/entities/{entity:path}/neighbors", summary="Who an entity is tied to, with the relationships")
def neighbors(graph: GraphDep, entity: str, flt: FilterDep, kinds: Kinds = None, limit: Limit = 100) -> JSONResponse:
    return answer(graph.neighbors(entity, flt, kinds, limit))


@router.get("/entities/{entity:path}/timeline", summary="An entity's dated relationships in date order")
def timeline(graph: GraphDep, entity: str) -> JSONResponse:
    return answer(graph.timeline(entity))


@router.get("/entities/{entity:path}", summary="One entity: properties, aliases, degree, sources")
# Declared after /neighbors and /timeline: `entity` may hold a slash ("Grundfos A/S").
def get_entity(graph: GraphDep, entity: str) -> JSONResponse:
    return answer(graph.entity(entity))


@router.get("/paths", summary="Explained, dated paths between two entities")
def paths(
    graph: GraphDep,
    flt: FilterDep,
    source: Annotated[
        str, Query(min_length=1, max_length=200, description="Where the path starts (id, name or alias).")
    ],
    target: Annotated[str, Query(min_length=1, max_length=200, description="Where it ends.")],
    via: Annotated[
        list[str] | None, Query(max_length=4, description="Entities the path must pass, in order (repeatable).")
    ] = None,
    mode: Annotated[
        Literal["shortest", "all", "temporal"],
        Query(
            description="shortest: all shortest paths; all: simple paths up to max_hops; temporal: time-respecting paths."
        ),
    ] = "shortest",
    max_hops: Annotated[int, Query(ge=1, le=6, description="Longest path, in relationships.")] = 4,
    exclude: Annotated[
        list[str] | None, Query(max_length=20, description="Entities no path may pass through (repeatable).")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100, description="How many paths at most.")] = 10,
    distinct: Annotated[
        bool,
        Query(
            description="One path per route of entities, with the other links between the same entities as `alternatives` (false: every combination of links is a path of its own)."
        ),
    ] = True,
    lang: Lang = "en",
) -> JSONResponse:
    return answer(graph.paths(source, target, via, mode, max_hops, flt, exclude, limit, distinct, lang))


@router.get("/paths/story", summary="How two entities are connected, told as one paragraph with sources")
def story(
    graph: GraphDep,
    flt: FilterDep,
    source: Annotated[
        str, Query(min_length=1, max_length=200, description="Where the story starts (id, name or alias).")
    ],
    target: Annotated[str, Query(min_length=1, max_length=200, description="Where it ends.")],
    via: Annotated[
        list[str] | None, Query(max_length=4, description="Entities the routes must pass, in order (repeatable).")
    ] = None,
    max_hops: Annotated[int, Query(ge=1, le=6, description="Longest route, in relationships.")] = 4,
    exclude: Annotated[
        list[str] | None, Query(max_length=20, description="Entities no route may pass through (repeatable).")
    ] = None,
    lang: Lang = "en",
) -> JSONResponse:
    return answer(graph.story(source, target, via, max_hops, flt, exclude, lang))


Metric = Annotated[
    Literal["degree", "betweenness", "closeness", "eigenvector", "pagerank"], Query(description="Centrality measure.")
]


@router.get("/centrality", summary="Entities ranked by centrality on the graph as of a date")
def centrality(
    graph: GraphDep, flt: FilterDep, metric: Metric = "degree", kinds: Kinds = None, limit: Limit = 20
) -> JSONResponse:
    return answer(graph.centrality(metric, flt, kinds, limit))


@router.get("/centrality/history", summary="An entity's centrality score and rank year by year")
def centrality_history(
    graph: GraphDep,
    entity: Annotated[str, Query(min_length=1, max_length=200)],
    metric: Metric = "degree",
    start: Annotated[str, Query(alias="from", description="First year.")] = "1990",
    end: Annotated[str, Query(alias="to", description="Last year.")] = "2018",
    step: Annotated[int, Query(ge=1, le=50, description="Years between points.")] = 1,
) -> JSONResponse:
    return answer(graph.centrality_history(entity, metric, start, end, step))


@router.get("/brokerage", summary="Who bridges whom: pairs bridged and Gould–Fernandez roles")
def brokerage(
    graph: GraphDep,
    flt: FilterDep,
    entity: Annotated[
        str | None, Query(max_length=200, description="One broker to examine; leave out to rank all.")
    ] = None,
    groups: Annotated[
        Literal["place", "sector"],
        Query(description="place: danish/foreign/international; sector: public/private/joint."),
    ] = "place",
    limit: Limit = 20,
) -> JSONResponse:
    return answer(graph.brokerage(flt, entity, groups, limit))


@router.get("/stats", summary="Counts by kind, type, decade and source document")
def stats(graph: GraphDep) -> JSONResponse:
    return answer(graph.stats())


__all__ = ["RelFilter", "router"]
