"""The response contract: one pydantic model per answer, and the one error shape.

The routes return the service's JSON directly (FastAPI's generic encoder is the largest
cost of a large answer), so these models document the answers in `/openapi.json` rather
than convert them; schemathesis checks in the test suite that every answer on both
backends conforms. Records allow extra fields: a new field is an addition, not a break.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from app.prepare import State

F = TypeVar("F", bound=Callable[..., Any])


class Record(BaseModel):
    """A JSON object whose listed fields are promised; fields added later are allowed."""

    model_config = ConfigDict(extra="allow")


class Closed(BaseModel):
    """A JSON object with exactly the listed fields."""

    model_config = ConfigDict(extra="forbid")


# -- errors ----------------------------------------------------------------------------


class ErrorBody(Record):
    status: int = Field(description="The HTTP status, repeated.")
    code: str = Field(
        description="What went wrong, for programs: entity_not_found, ambiguous_entity, invalid_parameter, empty_result, too_many_requests, store_unavailable, query_timeout, still_computing (202), …"
    )
    message: str = Field(description="What went wrong and how to fix it, for people.")
    details: dict[str, Any] = Field(
        description="Particulars: `field` (the parameter at fault), `suggestions`, `candidates`, `allowed`, `retry_after`, …"
    )


class ErrorResponse(Closed):
    """The one error shape of every error response, validation errors included."""

    error: ErrorBody


ERROR_HELP: dict[int, str] = {
    202: "Not an answer yet: the time budget ran out while work the answer needs goes on in the background (`still_computing`, a window's graph filtered from the base projection at a million relationships); ask again after `Retry-After` seconds.",
    400: "The request is malformed.",
    404: "No entity by that name (`details.suggestions` lists near names), or nothing left after the filters.",
    409: "The name fits several entities; `details.candidates` lists them with their ids.",
    422: "A parameter is missing, malformed or out of range (`invalid_parameter`), or asks for more than a documented limit holds (`too_large`, with `details.narrow_with`); `details.field` names it.",
    429: "Too many heavy requests are running or waiting; try again after `Retry-After` seconds.",
    503: "The database cannot be reached, or is not loaded; try again shortly.",
    504: "The request ran past its time budget and found nothing to return (a partial answer is a 200 marked `truncated`).",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries for the error statuses an endpoint can return."""
    return {s: {"model": ErrorResponse, "description": ERROR_HELP[s]} for s in statuses}


def get_and_head(router: APIRouter, path: str, **route: Any) -> Callable[[F], F]:
    """Register a function as GET and HEAD of `path`: two operations, each with its own id."""

    def register(func: F) -> F:
        router.get(path, **route)(func)
        router.head(path, **route)(func)
        return func

    return register


# -- entities --------------------------------------------------------------------------


class EntitySummary(Record):
    id: str
    name: str
    kind: str


class SourceRecord(Record):
    document: str = Field(description="The source document's file name.")
    quote: str | None = Field(description="A verbatim quote from it that supports the fact.")


class EntityRecord(Record):
    id: str
    kind: str
    name: str
    name_en: str | None
    aliases: list[str]
    country: str | None
    lat: float | None
    lon: float | None
    description: str | None
    sources: list[SourceRecord]
    degree: int = Field(description="Relationships of the entity, all time.")


class SearchHit(EntityRecord):
    score: float = Field(description="How well the name matched, 0 to 1.")


class SearchAnswer(Record):
    query: str
    results: list[SearchHit]


class LinkFields(Record):
    """What every relationship in an answer carries."""

    type: str
    source: str
    target: str
    start: str | None
    end: str | None
    circa: bool
    status: str | None
    description: str | None
    sources: list[SourceRecord]


class RelationshipFields(LinkFields):
    id: str


class RelationshipRecord(RelationshipFields):
    sentence: str = Field(description="The relationship as an English sentence.")


class Neighbor(Record):
    entity: EntitySummary
    relationships: list[RelationshipRecord]


class NeighborsAnswer(Record):
    entity: EntitySummary
    count: int = Field(description="Neighbours that pass the filters (before `limit`).")
    neighbors: list[Neighbor]
    truncated: bool = Field(description="True when `limit` cut the list.")


class TimelineAnswer(Record):
    entity: EntitySummary
    count: int = Field(description="The entity's relationships, dated and undated (before `limit`).")
    events: list[RelationshipRecord]
    undated: list[RelationshipRecord]
    truncated: bool = Field(description="True when `limit` cut the lists (dated events are kept first).")


class Window(Record):
    from_: str | None = Field(alias="from")
    to: str | None


# -- paths -----------------------------------------------------------------------------


class PathNode(Record):
    id: str
    name: str
    label: str = Field(description="The name in the answer's language (`lang`), as the narrative writes it.")
    kind: str | None


class PathLink(LinkFields):
    walked: str = Field(description="`forward` along the relationship's direction, or `backward`.")
    alternatives: list[LinkFields] | None = Field(
        None, description="Other links between the same two entities (distinct routes only)."
    )


class ChainPeriod(Record):
    start: str | None
    end: str | None
    simultaneous: bool


class PathRecord(Record):
    nodes: list[PathNode]
    relationships: list[PathLink]
    length: int
    period: ChainPeriod
    time_respecting: bool
    narrative: str


class PathsAnswer(Record):
    source: EntitySummary
    target: EntitySummary
    via: list[EntitySummary]
    mode: str
    max_hops: int
    distinct: bool
    paths: list[PathRecord]
    truncated: bool = Field(description="True when a cap or the time budget stopped the search; `notes` names it.")
    notes: list[str]


class Claim(Record):
    text: str = Field(description="One sentence of the paragraph, with its source numbers.")
    relationships: list[str]
    sources: list[int]


class NumberedSource(SourceRecord):
    n: int


class StoryRoute(Record):
    nodes: list[str]
    relationships: list[str]
    story_cost: float


class StoryAnswer(Record):
    source: EntitySummary
    target: EntitySummary
    via: list[EntitySummary]
    max_hops: int
    window: Window
    paragraph: str
    claims: list[Claim]
    sources: list[NumberedSource]
    routes: list[StoryRoute]
    entities: list[PathNode]
    relationships: list[RelationshipFields]
    truncated: bool
    notes: list[str]


# -- analytics -------------------------------------------------------------------------


class Ranked(Record):
    entity: EntitySummary
    score: float
    rank: int


class CentralityAnswer(Record):
    metric: str
    about: str
    window: Window
    count: int
    results: list[Ranked]
    approximate: bool = Field(
        False,
        description="True when the scores are estimates: betweenness from a sample of sources (large windows, "
        "or fewer sources where only they fit in the time budget; see `sample_size`), PageRank and eigenvector "
        "stopped before they converged, at the iterations that fit in the time budget (see `iterations`).",
    )
    sample_size: int | None = Field(None, description="How many sources the estimate sampled, when `approximate`.")
    iterations: int | None = Field(
        None,
        description="PageRank and eigenvector, when `approximate`: the power iterations run before the time "
        "budget stopped them (not converged); null when they converged.",
    )


class HistoryPoint(Record):
    year: int
    score: float
    rank: int | None
    of: int


class CentralityHistoryAnswer(Record):
    entity: EntitySummary
    metric: str
    history: list[HistoryPoint]
    truncated: bool = Field(
        description="True when the time budget ran out before every year had a point: the points found are given."
    )
    missing: list[int] = Field(
        description="The years without a point (the budget ran out). On Neo4j they are computed in the background, "
        "one after the other, so asking again answers more of them, then all."
    )
    notes: list[str]


class BridgedPair(Record):
    a: EntitySummary
    b: EntitySummary
    only_through: bool
    groups: list[str]


class BrokerOfOne(Record):
    """`/brokerage?entity=…`: one broker examined."""

    entity: EntitySummary
    window: Window
    groups: str
    pairs: int
    exclusive_pairs: int
    open_share: float
    roles: dict[str, int]
    bridged: list[BridgedPair]
    truncated: bool = Field(
        description="True when more pairs are open than `bridged` lists, or the time budget cut the listing."
    )
    approximate: bool = Field(
        description="True when the time budget stopped the count (a hub): `pairs`, `exclusive_pairs` and `roles` are then upper bounds; `notes` says how far it got."
    )
    notes: list[str]


class BrokerRow(Record):
    entity: EntitySummary
    rank: int
    pairs: int
    exclusive_pairs: int
    open_share: float
    roles: dict[str, int]


class BrokerRanking(Record):
    """`/brokerage` without `entity`: every broker ranked."""

    window: Window
    groups: str
    results: list[BrokerRow]
    truncated: bool = Field(
        description="True when the time budget ran out before the ranking was proven complete: the rows are exact, but entities not yet examined might rank above them."
    )
    notes: list[str]


class StatsAnswer(Record):
    dataset_version: str
    entities: int
    relationships: int
    dated_share: float
    by_kind: dict[str, int]
    by_type: dict[str, int]
    by_decade: dict[str, int]
    by_document: dict[str, int]


class PreparedAnalytics(Record):
    state: State = Field(
        description="The default rankings of the loaded version, computed in the background when the service starts "
        "and after each reload (Neo4j): `off` (nothing to prepare), `preparing`, `ready` or `failed`."
    )
    prepared: list[str] = Field(description="What is ready, e.g. `centrality:degree`, `brokerage`.")
    partial: dict[str, str] = Field(
        default_factory=dict,
        description="What the budget cut after it kept what it found, with a note (e.g. `brokerage`: how many of "
        "the brokers found are proven the strongest; requests answer from them marked `truncated` beyond those).",
    )
    seconds: float | None = Field(description="How long the preparation took, once it ended.")
    step_seconds: dict[str, float] = Field(
        default_factory=dict, description="How long each step that ended took, e.g. `brokerage`."
    )
    problem: str | None = Field(description="Why it stopped, when it failed (requests then compute as before).")


class HealthAnswer(Record):
    status: str = Field(description="`ok` when the store answers and holds a loaded dataset.")
    backend: str
    nodes: int
    relationships: int
    dataset_version: str
    analytics: PreparedAnalytics
