"""The records every store holds: entities, relationships and their sources."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.dates import PartialDate, Period
from app.vocabulary import REL_TYPE_BY_NAME, Kind


@dataclass(frozen=True)
class Source:
    """Provenance: a document's file name and a short verbatim quote from it, or a dataset record.

    A dataset record (data imported from a register) has a `url`, or a document name without
    a quote; `quote` is then empty.

    `attested` is the date at which this source says the fact held (Wikidata's "point in
    time" of a reference), as precise as the text allows: usually the document's own year.
    It is not a start: a 2009 strategy naming a member says nothing of when it joined.
    """

    document: str
    quote: str = ""
    url: str | None = None
    attested: PartialDate | None = None

    def to_dict(self) -> dict[str, str | None]:
        out: dict[str, str | None] = {"document": self.document, "quote": self.quote}
        if self.url:  # only where present: the shape of quoted sources is unchanged
            out["url"] = self.url
        out["attested"] = str(self.attested) if self.attested else None
        return out


@dataclass(frozen=True)
class Entity:
    """An actor or place in the graph."""

    id: str
    kind: Kind
    name: str
    name_en: str | None = None
    aliases: tuple[str, ...] = ()
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    description: str | None = None
    sources: tuple[Source, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind.value,
            "name": self.name,
            "name_en": self.name_en,
            "aliases": list(self.aliases),
            "country": self.country,
            "lat": self.lat,
            "lon": self.lon,
            "description": self.description,
            "sources": [s.to_dict() for s in self.sources],
        }


@dataclass(frozen=True)
class Relationship:
    """A sourced relationship `source TYPE target`, with what is known of its dates.

    `start`/`end` are set only where a source dates the beginning or the end (Wikidata's
    start time / end time); the sources' `attested` dates say when it is known to have
    held. Its effective `period` runs from `start` (else the earliest attestation, else
    open) to `end` (else open); every filter and temporal path uses only the period.
    `dating` says which of the three the beginning rests on.
    """

    source: str
    type: str
    target: str
    start: PartialDate | None = None
    end: PartialDate | None = None
    circa: bool = False
    status: str | None = None
    description: str | None = None
    sources: tuple[Source, ...] = ()
    period: Period = field(init=False, compare=False, repr=False)
    id: str = field(init=False, compare=False, repr=False)
    """Stable id: the identity a seed file may not repeat (kept, as loaders ask for it often)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "period", Period.of(self.start or self.earliest_attested, self.end))
        object.__setattr__(self, "id", f"{self.source}|{self.type}|{self.target}|{self.start or ''}")

    @property
    def symmetric(self) -> bool:
        return REL_TYPE_BY_NAME[self.type].symmetric

    @property
    def structural(self) -> bool:
        return REL_TYPE_BY_NAME[self.type].structural

    @property
    def dated(self) -> bool:
        """Whether a source dates its beginning or end."""
        return self.start is not None or self.end is not None

    @property
    def attested(self) -> tuple[PartialDate, ...]:
        """The distinct dates at which its sources attest it, earliest first."""
        dates = {s.attested for s in self.sources if s.attested}
        return tuple(sorted(dates, key=lambda d: d.first_day)) if len(dates) > 1 else tuple(dates)

    @property
    def earliest_attested(self) -> PartialDate | None:
        attested = self.attested
        return attested[0] if attested else None

    @property
    def dating(self) -> str:
        """How its beginning is known: "dated" (a start), "attested" (only attestations) or "undated"."""
        if self.start is not None:
            return "dated"
        return "attested" if self.attested else "undated"

    @property
    def event(self) -> bool:
        return REL_TYPE_BY_NAME[self.type].event

    def sort_key(self) -> tuple[Any, ...]:
        return (self.period.first, self.period.last, self.type, self.source, self.target)

    def timeline_key(self) -> tuple[Any, ...]:
        """Its place in an entity's timeline: dated or attested ones by the first day of their
        start (else earliest attestation, else end), then `sort_key`; undated ones after, by id.
        `cypher/queries.cypher` (`timeline`) orders the same way."""
        day = self.start or self.earliest_attested or self.end
        return (0, day.first_day, *self.sort_key(), self.id) if day else (1, self.id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source,
            "target": self.target,
            "type": self.type,
            "start": str(self.start) if self.start else None,
            "start_precision": self.start.precision if self.start else None,
            "end": str(self.end) if self.end else None,
            "end_precision": self.end.precision if self.end else None,
            "circa": self.circa,
            "attested": [str(d) for d in self.attested],
            "dating": self.dating,
            "status": self.status,
            "description": self.description,
            "sources": [s.to_dict() for s in self.sources],
        }


@dataclass(frozen=True)
class Hop:
    """One step of a path: a relationship walked from `start` to `end` (either way round)."""

    rel: Relationship
    start: str
    end: str


Path = tuple[Hop, ...]


@dataclass(frozen=True)
class Dataset:
    """All entities and relationships, as loaded from the seed files."""

    entities: tuple[Entity, ...]
    relationships: tuple[Relationship, ...]
    version: str = "unversioned"
