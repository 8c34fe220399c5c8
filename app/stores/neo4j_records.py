"""Converting records to and from Neo4j properties (dates as Neo4j Date values)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from app.dates import PartialDate
from app.model import Entity, Relationship, Source
from app.vocabulary import Kind


def _partial(value: Any, precision: str | None) -> PartialDate | None:
    if value is None:
        return None
    day = value.to_native() if hasattr(value, "to_native") else value
    assert isinstance(day, dt.date)
    return PartialDate(
        day.year, day.month if precision in ("month", "day") else None, day.day if precision == "day" else None
    )


def _sources(props: dict[str, Any]) -> tuple[Source, ...]:
    documents = props.get("source_documents") or []
    urls = props.get("source_urls") or [""] * len(documents)
    return tuple(
        Source(d, q, u or None) for d, q, u in zip(documents, props.get("source_quotes") or [], urls, strict=True)
    )


def _source_props(sources: tuple[Source, ...]) -> dict[str, list[str]]:
    props = {"source_documents": [s.document for s in sources], "source_quotes": [s.quote for s in sources]}
    if any(s.url for s in sources):  # dataset records only: quoted sources keep their two lists
        props["source_urls"] = [s.url or "" for s in sources]
    return props


def entity_props(e: Entity) -> dict[str, Any]:
    return {
        "id": e.id, "kind": e.kind.value, "name": e.name, "name_en": e.name_en,
        "aliases": list(e.aliases), "alias_text": " ".join(e.aliases),
        "country": e.country, "lat": e.lat, "lon": e.lon, "description": e.description,
        "source_urls": None, **_source_props(e.sources),
    }  # fmt: skip


def entity_from(props: dict[str, Any]) -> Entity:
    return Entity(
        id=props["id"], kind=Kind(props["kind"]), name=props["name"], name_en=props.get("name_en"),
        aliases=tuple(props.get("aliases") or ()), country=props.get("country"),
        lat=props.get("lat"), lon=props.get("lon"), description=props.get("description"), sources=_sources(props),
    )  # fmt: skip


def relationship_props(r: Relationship) -> dict[str, Any]:
    return {
        "start": r.start.first_day if r.start else None,
        "start_precision": r.start.precision if r.start else None,
        "end": r.end.first_day if r.end else None,
        "end_precision": r.end.precision if r.end else None,
        "first": r.period.first, "last": r.period.last,
        "circa": r.circa, "status": r.status, "description": r.description,
        "source_urls": None, **_source_props(r.sources),
    }  # fmt: skip


def relationship_from(source: str, rtype: str, target: str, props: dict[str, Any]) -> Relationship:
    return Relationship(
        source=source, type=rtype, target=target,
        start=_partial(props.get("start"), props.get("start_precision")),
        end=_partial(props.get("end"), props.get("end_precision")),
        circa=bool(props.get("circa")), status=props.get("status"),
        description=props.get("description"), sources=_sources(props),
    )  # fmt: skip


def load_rows(
    entities: Iterable[Entity], relationships: Iterable[Relationship]
) -> tuple[dict[str, list[dict[str, Any]]], dict[str, list[dict[str, Any]]]]:
    """The rows of the load statements: entities by kind, relationships by type, in order."""
    by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for e in entities:
        by_kind[e.kind.value].append({"id": e.id, "props": entity_props(e)})
    by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in relationships:
        by_type[r.type].append({"id": r.id, "source": r.source, "target": r.target, "props": relationship_props(r)})
    return dict(sorted(by_kind.items())), dict(sorted(by_type.items()))
