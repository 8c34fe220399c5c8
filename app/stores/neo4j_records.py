"""Converting records to and from Neo4j properties.

The layout is made for two readers. Queries filter on typed Neo4j `Date` bounds: `first`
and `last`, the first and last day of the relationship's period (open ends as 0001-01-01
and 9999-12-31), range-indexed per type. People read the dates as written: `start` and
`end` hold the partial date as the source gives it (`"2018"`, `"2010-01"`), with
`start_precision`/`end_precision`. Sources are stored so that a document read twice
appears once: `source_documents` lists each document once, `source_quotes` every quote, and
`source_quote_document` gives, per quote, the position of its document in
`source_documents` (so the pairs come back exactly). A list that is empty or holds only
empty strings (a dataset record's missing document or quote) is stored as no property, as
Neo4j's importer must store it (`citygraph seed --bulk` and the Cypher loader write the same
graph); readers take a missing list as empty strings or nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from app.cache import STR_OVERHEAD
from app.dates import PartialDate
from app.model import Entity, Relationship, Source
from app.search_keys import search_text
from app.vocabulary import Kind


def _written(value: Any) -> PartialDate | None:
    return None if value is None else PartialDate.parse(value)


def _listed(values: list[Any]) -> list[Any] | None:
    """The list, or None (no property) when it is empty or holds only empty strings: the
    importer cannot write `[]` nor `[""]` (an empty cell is no value), so neither route does."""
    return values if any(v != "" for v in values) else None


def source_props(sources: Iterable[Source]) -> dict[str, list[Any] | None]:
    """Each document once, every quote, which document each quote is from, and dataset URLs.

    `source_urls` lines up with the quotes and is only set where a source has a URL (a
    dataset record); otherwise it is null, which also clears one left by an earlier load.

    Examples
    --------
    >>> p = source_props([Source("a.pdf", "one"), Source("b.pdf", "two"), Source("a.pdf", "three")])
    >>> p["source_documents"], p["source_quote_document"], p["source_urls"], p["source_attested"]
    (['a.pdf', 'b.pdf'], [0, 1, 0], None, None)
    >>> sources_from(p) == (Source("a.pdf", "one"), Source("b.pdf", "two"), Source("a.pdf", "three"))
    True
    >>> records = source_props([Source("", "", "https://example.org/1"), Source("", "", "https://example.org/2")])
    >>> records["source_documents"], records["source_quotes"], records["source_quote_document"]
    (None, None, [0, 0])
    >>> sources_from(records) == (Source("", "", "https://example.org/1"), Source("", "", "https://example.org/2"))
    True
    """
    sources = tuple(sources)
    documents: dict[str, int] = {}
    where = [documents.setdefault(s.document, len(documents)) for s in sources]
    return {
        "source_documents": _listed(list(documents)),
        "source_quotes": _listed([s.quote for s in sources]),
        "source_quote_document": _listed(where),
        "source_urls": [s.url or "" for s in sources] if any(s.url for s in sources) else None,
        # The date each quote attests the fact (seed/README.md, "What the dates mean"); like
        # the URLs, set only where a source has one ("" for the others), else null.
        "source_attested": [str(s.attested or "") for s in sources] if any(s.attested for s in sources) else None,
    }


def sources_from(props: dict[str, Any]) -> tuple[Source, ...]:
    """The sources `source_props` stored, in their order."""
    where = props.get("source_quote_document") or []
    # Only empty documents or quotes (dataset records) are stored as no property.
    documents = props.get("source_documents") or [""] * (max(where) + 1 if where else 0)
    quotes = props.get("source_quotes") or [""] * len(where)
    urls = props.get("source_urls") or [""] * len(quotes)
    attested = props.get("source_attested") or [""] * len(quotes)
    return tuple(
        Source(documents[i], q, u or None, PartialDate.parse(a) if a else None)
        for i, q, u, a in zip(where, quotes, urls, attested, strict=True)
    )


def entity_props(e: Entity) -> dict[str, Any]:
    return {
        "id": e.id, "kind": e.kind.value, "name": e.name, "name_en": e.name_en,
        "aliases": _listed(list(e.aliases)), "alias_text": " ".join(e.aliases),
        "search_text": search_text(e),  # folded keys, for the name indexes (app/search_keys.py)
        "country": e.country, "lat": e.lat, "lon": e.lon, "description": e.description,
        **source_props(e.sources),
    }  # fmt: skip


def entity_from(props: dict[str, Any]) -> Entity:
    return Entity(
        id=props["id"], kind=Kind(props["kind"]), name=props["name"], name_en=props.get("name_en"),
        aliases=tuple(props.get("aliases") or ()), country=props.get("country"),
        lat=props.get("lat"), lon=props.get("lon"), description=props.get("description"),
        sources=sources_from(props),
    )  # fmt: skip


def relationship_props(r: Relationship) -> dict[str, Any]:
    return {
        "start": str(r.start) if r.start else None,
        "start_precision": r.start.precision if r.start else None,
        "end": str(r.end) if r.end else None,
        "end_precision": r.end.precision if r.end else None,
        "first": r.period.first, "last": r.period.last,
        "circa": r.circa, "status": r.status, "description": r.description,
        # Derived, for Browser users and Cypher: how the beginning is known, and when attested.
        "dating": r.dating, "attested": _listed([str(d) for d in r.attested]),
        **source_props(r.sources),
    }  # fmt: skip


# Bytes of a relationship's objects beyond its text: the dataclass, its dates and source tuples.
RELATIONSHIP_OVERHEAD = 800


def relationship_bytes(r: Relationship) -> int:
    """Estimated bytes of one relationship kept in a cache: a fixed overhead and its strings."""
    texts = (r.id, r.source, r.type, r.target, r.status, r.description)
    quotes = (t for s in r.sources for t in (s.document, s.quote, s.url))
    return RELATIONSHIP_OVERHEAD + sum(STR_OVERHEAD + len(t) for t in (*texts, *quotes) if t)


def relationship_from(source: str, rtype: str, target: str, props: dict[str, Any]) -> Relationship:
    return Relationship(
        source=source, type=rtype, target=target,
        start=_written(props.get("start")), end=_written(props.get("end")),
        circa=bool(props.get("circa")), status=props.get("status"),
        description=props.get("description"), sources=sources_from(props),
    )  # fmt: skip


def entity_row(e: Entity) -> dict[str, Any]:
    """The row `load_entities:{Kind}` writes an entity from."""
    return {"id": e.id, "props": entity_props(e)}


def relationship_row(r: Relationship) -> dict[str, Any]:
    """The row `load_relationships:{TYPE}` writes a relationship from."""
    return {"id": r.id, "source": r.source, "target": r.target, "props": relationship_props(r)}


def load_rows(
    entities: Iterable[Entity], relationships: Iterable[Relationship]
) -> tuple[dict[str, list[dict[str, Any]]], dict[str, list[dict[str, Any]]]]:
    """The rows of the load statements: entities by kind, relationships by type, in order."""
    by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for e in entities:
        by_kind[e.kind.value].append(entity_row(e))
    by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in relationships:
        by_type[r.type].append(relationship_row(r))
    return dict(sorted(by_kind.items())), dict(sorted(by_type.items()))
