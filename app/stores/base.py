"""The `GraphStore` protocol: what the service needs from a graph database.

Stores answer questions about records; ranking, composing, explaining and scoring are
written once, above the stores (`app.analysis`), so both backends give the same answers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal, Protocol

from app.filters import RelFilter
from app.model import Entity, Relationship
from app.vocabulary import HUB_KINDS, Kind

PathMode = Literal["shortest", "all", "temporal"]


# The version a store reports when no dataset is (completely) loaded.
NOT_LOADED = "not-loaded"


@dataclass(frozen=True)
class Hop:
    """One step of a path: a relationship walked from `start` to `end` (either way round)."""

    rel: Relationship
    start: str
    end: str


Path = tuple[Hop, ...]


@dataclass(frozen=True)
class SegmentQuery:
    """A path search between two entities.

    `blocked` are entity ids no path may pass through (they may still be endpoints);
    `blocked_kinds` likewise for whole kinds (Country: a hub, never a bridge).
    """

    source: str
    target: str
    mode: PathMode
    max_hops: int
    rel_filter: RelFilter = field(default_factory=RelFilter)
    blocked: frozenset[str] = frozenset()
    blocked_kinds: frozenset[Kind] = HUB_KINDS
    max_paths: int = 10_000  # how many paths the store may return before it stops
    max_expansions: int = 200_000  # how many partial paths it may extend before it stops


@dataclass
class SegmentResult:
    """Paths found for one `SegmentQuery`; `truncated` says a cap stopped the search."""

    paths: list[Path]
    truncated: bool = False
    stopped_by: str | None = None  # the cap that stopped it: "max_paths", "max_expansions" or "time"


class GraphStore(Protocol):
    """What the API needs from a graph database."""

    backend: str
    version: str

    def counts(self) -> tuple[int, int]:
        """Number of entities and relationships."""
        ...

    def all_entities(self) -> list[Entity]:
        """Every entity. Names are resolved and ranked over these, once per dataset version,
        in shared code (`app.analysis.names`), so both stores resolve alike."""
        ...

    def relationships_of(self, entity_id: str, rel_filter: RelFilter) -> list[Relationship]:
        """The entity's relationships, either direction, that pass the filter."""
        ...

    def degrees(self) -> dict[str, int]:
        """Every entity's degree, all time."""
        ...

    def segment_paths(self, query: SegmentQuery) -> SegmentResult:
        """Paths between two entities: all shortest, all simple, or time-respecting."""
        ...

    def snapshot(self, rel_filter: RelFilter) -> tuple[list[Entity], list[Relationship]]:
        """Every entity and the relationships that pass the filter."""
        ...

    def entities_page(self, after: str, limit: int) -> list[Entity]:
        """Up to `limit` entities with ids after `after` ("" to start), in id order (keyset paging)."""
        ...

    def relationships_page(
        self, rel_filter: RelFilter, after: str, limit: int
    ) -> tuple[list[Relationship], str | None]:
        """The relationships passing the filter whose source is one of the `limit` entities after `after`
        ("" to start), ordered by source id, then id; and the last of those entities (None: no more)."""
        ...

    def dated_span(self) -> tuple[dt.date, dt.date] | None:
        """The earliest and latest day any relationship's period names (open ends left out);
        None when nothing is dated."""
        ...

    def ping(self) -> str:
        """The loaded dataset version; raises `StoreUnavailable` if the store cannot answer."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...
