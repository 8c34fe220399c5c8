"""The read-only endpoints. Each validates, calls the service, and returns its answer.

Every endpoint answers GET and HEAD, declares its answer's model and every error status
it can return, in the one error shape.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from app.api import models as m
from app.api.deps import (
    Date,
    EntityPath,
    FilterDep,
    GraphDep,
    GroupsParam,
    KindParam,
    Kinds,
    LangParam,
    MetricParam,
    ModeParam,
    Refs,
    entity_query,
)
from app.api.limits import capped_by
from app.api.models import error_responses, get_and_head
from app.filters import RelFilter
from app.service import HISTORY_STEP_MAX

router = APIRouter()

F = TypeVar("F", bound=Callable[..., Any])

LOOKUP_ERRORS = (404, 409, 422, 503, 504)
HEAVY_ERRORS = (404, 409, 422, 429, 503, 504)


def endpoint(path: str, model: type[BaseModel] | Any, summary: str, errors: tuple[int, ...]) -> Callable[[F], F]:
    """Register a GET and a HEAD route with the answer's model and the documented error statuses."""
    return get_and_head(router, path, response_model=model, summary=summary, responses=error_responses(*errors))


def answer(data: dict[str, Any]) -> JSONResponse:
    """The service's answer as JSON. Answers are plain JSON data already, so FastAPI's
    generic encoder (a walk over every value, the largest cost of a /paths answer) is skipped."""
    return JSONResponse(data)


Limit = Annotated[int, Query(ge=1, description="How many results at most.", json_schema_extra=capped_by("max_results"))]
MaxHops = Annotated[
    int, Query(ge=1, description="Longest path, in relationships.", json_schema_extra=capped_by("max_hops"))
]


@endpoint("/health", m.HealthAnswer, "Status, backend, counts and dataset version", (503, 504))
def health(graph: GraphDep) -> JSONResponse:
    return answer(graph.health())


@endpoint("/entities", m.SearchAnswer, "Ranked search over names and aliases", (422, 503, 504))
def search_entities(
    graph: GraphDep,
    q: Annotated[str, entity_query("Name, alias or id; case and accents do not matter.")],
    kind: KindParam = None,
    limit: Limit = 10,
) -> JSONResponse:
    return answer(graph.search(q, kind, limit))


@endpoint(
    "/entities/{entity:path}/neighbors",
    m.NeighborsAnswer,
    "Who an entity is tied to, with the relationships",
    LOOKUP_ERRORS,
)
def neighbors(
    graph: GraphDep, entity: EntityPath, flt: FilterDep, kinds: Kinds = None, limit: Limit = 100
) -> JSONResponse:
    return answer(graph.neighbors(entity, flt, kinds, limit))


@endpoint(
    "/entities/{entity:path}/timeline", m.TimelineAnswer, "An entity's dated relationships in date order", LOOKUP_ERRORS
)
def timeline(
    graph: GraphDep,
    entity: EntityPath,
    limit: Annotated[
        int | None,
        Query(
            ge=1,
            description="How many relationships at most, dated events first (default: the most allowed).",
            json_schema_extra=capped_by("max_results"),
        ),
    ] = None,
) -> JSONResponse:
    return answer(graph.timeline(entity, limit))


@endpoint("/entities/{entity:path}", m.EntityRecord, "One entity: properties, aliases, degree, sources", LOOKUP_ERRORS)
# Declared after /neighbors and /timeline: `entity` may hold a slash ("Grundfos A/S").
def get_entity(graph: GraphDep, entity: EntityPath) -> JSONResponse:
    return answer(graph.entity(entity))


@endpoint("/paths", m.PathsAnswer, "Explained, dated paths between two entities", HEAVY_ERRORS)
def paths(
    graph: GraphDep,
    flt: FilterDep,
    source: Annotated[str, entity_query("Where the path starts (id, name or alias).")],
    target: Annotated[str, entity_query("Where it ends.")],
    via: Annotated[Refs, Query(max_length=4, description="Entities the path must pass, in order (repeatable).")] = None,
    mode: ModeParam = "shortest",
    max_hops: MaxHops = 4,
    exclude: Annotated[
        Refs, Query(max_length=20, description="Entities no path may pass through (repeatable).")
    ] = None,
    limit: Annotated[
        int, Query(ge=1, description="How many paths at most.", json_schema_extra=capped_by("max_paths"))
    ] = 10,
    distinct: Annotated[
        bool,
        Query(
            description="One path per route of entities, with the other links between the same entities as `alternatives` (false: every combination of links is a path of its own)."
        ),
    ] = True,
    lang: LangParam = "en",
) -> JSONResponse:
    return answer(graph.paths(source, target, via, mode, max_hops, flt, exclude, limit, distinct, lang))


@endpoint(
    "/paths/story",
    m.StoryAnswer,
    "How two entities are connected, told as one paragraph with sources",
    HEAVY_ERRORS,
)
def story(
    graph: GraphDep,
    flt: FilterDep,
    source: Annotated[str, entity_query("Where the story starts (id, name or alias).")],
    target: Annotated[str, entity_query("Where it ends.")],
    via: Annotated[
        Refs, Query(max_length=4, description="Entities the routes must pass, in order (repeatable).")
    ] = None,
    max_hops: MaxHops = 4,
    exclude: Annotated[
        Refs, Query(max_length=20, description="Entities no route may pass through (repeatable).")
    ] = None,
    lang: LangParam = "en",
) -> JSONResponse:
    return answer(graph.story(source, target, via, max_hops, flt, exclude, lang))


@endpoint(
    "/centrality",
    m.CentralityAnswer,
    "Entities ranked by centrality on the graph as of a date",
    (202, 422, 429, 503, 504),
)
def centrality(
    graph: GraphDep, flt: FilterDep, metric: MetricParam = "degree", kinds: Kinds = None, limit: Limit = 20
) -> JSONResponse:
    return answer(graph.centrality(metric, flt, kinds, limit))


@endpoint(
    "/centrality/history",
    m.CentralityHistoryAnswer,
    "An entity's centrality score and rank year by year",
    (202, *HEAVY_ERRORS),
)
def centrality_history(
    graph: GraphDep,
    entity: Annotated[str, entity_query("The entity (id, name or alias).")],
    metric: MetricParam = "degree",
    start: Annotated[Date, Query(alias="from", description="First year (a date counts as its year).")] = "1990",
    end: Annotated[Date, Query(alias="to", description="Last year.")] = "2018",
    step: Annotated[int, Query(ge=1, le=HISTORY_STEP_MAX, description="Years between points.")] = 1,
) -> JSONResponse:
    return answer(graph.centrality_history(entity, metric, start, end, step))


@endpoint(
    "/brokerage",
    m.BrokerOfOne | m.BrokerRanking,
    "Who bridges whom: pairs bridged and Gould–Fernandez roles",
    (202, *HEAVY_ERRORS),
)
def brokerage(
    graph: GraphDep,
    flt: FilterDep,
    entity: Annotated[
        str | None, Query(min_length=1, max_length=200, description="One broker to examine; leave out to rank all.")
    ] = None,
    groups: GroupsParam = "place",
    limit: Limit = 20,
) -> JSONResponse:
    return answer(graph.brokerage(flt, entity, groups, limit))


@endpoint("/stats", m.StatsAnswer, "Counts by kind, type, decade and source document", (429, 503, 504))
def stats(graph: GraphDep) -> JSONResponse:
    return answer(graph.stats())


__all__ = ["RelFilter", "router"]
