"""The one snapshot behind every export: what the filters keep, and a manifest saying so.

The API's `GET /snapshot` and the CLI's `citygraph export` both call `build_snapshot`; the
format modules only render a `Snapshot`. Entities and relationships are sorted by id, so
equal data gives equal files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import Any

from app import __version__
from app.errors import EmptyResult, TooLarge
from app.export.edge_kind import with_gephi_kinds
from app.export.labels import Labels, store_labels, unique_labels
from app.export.paged import Paged, entity_pages, node_pages, relationship_pages
from app.export.spells import Interval, merge, node_intervals
from app.filters import RelFilter, check_range, parse_kinds
from app.model import Entity, Relationship
from app.service import CityGraph
from app.stores.base import ExportCounts, ExportCountStore, ExportLabelStore, ExportNodeStore, NodeRow
from app.vocabulary import HUB_KINDS, Kind

RADIUS_MAX = 4


@dataclass(frozen=True)
class SnapshotFilters:
    """The filters of one export, as the user gave them (checked by `build_snapshot`)."""

    as_of: str | None = None
    start: str | None = None
    end: str | None = None
    kinds: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    around: str | None = None
    radius: int = 1

    @property
    def unfiltered(self) -> bool:
        return not (self.as_of or self.start or self.end or self.kinds or self.types or self.around)


class Degrees:
    """Relationships per entity (parallel ones counted): given, or counted in one pass over
    `rels` when first asked, which for a streamed export is after its first byte."""

    def __init__(self, rels: Iterable[Relationship], counted: Counter[str] | None = None):
        self._rels = rels
        self._counted = counted

    def get(self) -> Counter[str]:
        if self._counted is None:
            counted: Counter[str] = Counter()
            for r in self._rels:
                counted[r.source] += 1
                counted[r.target] += 1
            self._counted = counted
        return self._counted

    def counting(self) -> Iterator[Relationship]:
        """The relationships, counted on the way when the degrees are not known yet: a format that
        makes a pass of its own before its nodes (their spells) gets the degrees from it too."""
        if self._counted is not None:
            yield from self._rels
            return
        counted: Counter[str] = Counter()
        for r in self._rels:
            counted[r.source] += 1
            counted[r.target] += 1
            yield r
        self._counted = counted

    def __contains__(self, entity_id: object) -> bool:
        return entity_id in self.get()


@dataclass
class Snapshot:
    """Entities and relationships kept by the filters, with the manifest that describes them."""

    entities: list[Entity] | Paged[Entity]
    relationships: list[Relationship] | Paged[Relationship]
    manifest: dict[str, Any]
    title: str
    slug: str
    filters: SnapshotFilters = field(default_factory=SnapshotFilters)
    center: str | None = None
    degrees: Degrees | None = None
    node_rows: Callable[[], Iterator[NodeRow]] | None = None  # the store's node pages, where it has them
    label_source: Callable[[], Labels] | None = None  # the CSV's labels from the store, where it finds them

    @cached_property
    def labels(self) -> Labels:
        """Each entity's unique label (`app.export.labels`): from the store where it finds the names
        that clash (nothing read before the file starts but those), else from a pass over the entities."""
        if self.label_source is not None:
            return self.label_source()
        return Labels(unique_labels(self.entities), lambda ids: {})  # every entity is labelled

    def nodes(self, spells: bool = True) -> Iterator[tuple[Entity, int, list[Interval] | None]]:
        """Each entity with its degree and (with `spells`) its spells, in export order.

        From the store's node pages where it has them (counted in the database page by page:
        nothing is held across pages, and the first node is written at once); else from a
        pass over the relationships, held per entity (`degree`, `node_spells`).
        """
        if self.node_rows is not None:
            every = self.filters.unfiltered  # else only the entities a kept relationship touches
            for e, degree, periods in self.node_rows():
                if degree or every:
                    yield e, degree, (None if periods is None else merge(periods)) if spells else None
            return
        spans = self.node_spells() if spells else {}
        degrees = self.degree
        for e in self.entities:
            yield e, degrees[e.id], spans.get(e.id)

    @property
    def degree(self) -> Counter[str]:
        """Relationships per entity, parallel ones counted (a pass over the relationships, when first asked)."""
        return self._degrees().get()

    def node_spells(self) -> dict[str, list[Interval] | None]:
        """Each entity's spells (`spells.node_intervals`), from a pass that also counts the degrees if needed."""
        return node_intervals(self._degrees().counting())

    def _degrees(self) -> Degrees:
        if self.degrees is None:
            self.degrees = Degrees(self.relationships)
        return self.degrees

    @property
    def warnings(self) -> list[str]:
        """What the user should know about these filters (a window outside the data's dates)."""
        return list(self.manifest["warnings"])

    @cached_property
    def by_id(self) -> dict[str, Entity]:
        return {e.id: e for e in self.entities}

    def with_kinds(self) -> Iterator[tuple[Relationship, str]]:
        """Each relationship with the edge kind Gephi keeps parallel edges apart by (see `edge_kind`)."""
        return with_gephi_kinds(self.relationships)

    @property
    def exported_at(self) -> str:
        return str(self.manifest["exported_at"])

    def manifest_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.manifest, ensure_ascii=False, indent=indent)


def build_snapshot(
    graph: CityGraph, filters: SnapshotFilters, exported_at: dt.datetime | None = None, page_size: int | None = None
) -> Snapshot:
    """The entities and relationships the filters keep, and their manifest.

    Parameters
    ----------
    graph : CityGraph
        The service over a store.
    filters : SnapshotFilters
        `as_of` or a `start`/`end` window; `kinds` of entities and `types` of relationships
        to keep; `around` an entity (id, name or alias) to keep only its neighbourhood within
        `radius` hops (1 to 4). An ego network walks through every kind except countries,
        which it reaches but does not cross: "Denmark" is one hop from everything Danish.
    exported_at : datetime, optional
        The time recorded in the manifest (default: now, in UTC, to the second).
    page_size : int, optional
        Source entities per page read from the store (default: the `export_page_size` setting).

    Returns
    -------
    Snapshot
        Relationships that pass every filter, and the entities they touch (every entity of
        the kept kinds when nothing at all is filtered), entities by id, relationships by
        source id then id. Except for an ego network, both are views of the store's pages,
        read again whenever a format iterates them, so an export's memory does not grow
        with the number of relationships; the counts are from a first pass.

    Raises
    ------
    InvalidParameter
        A malformed date, an unknown kind or type, or `radius` out of range.
    EntityNotFound, AmbiguousEntity
        `around` names no entity, or several.
    EmptyResult
        Nothing is left.

    Examples
    --------
    >>> from app.config import Settings
    >>> from app.model import Dataset, Entity, Relationship
    >>> from app.dates import PartialDate
    >>> from app.stores.memory import MemoryStore
    >>> ents = (Entity("a", Kind.Municipality, "Århus"), Entity("b", Kind.Company, "B"), Entity("c", Kind.Event, "C"))
    >>> ds = Dataset(ents,
    ...              (Relationship("a", "FUNDED", "b", start=PartialDate(1998), end=PartialDate(2001)),
    ...               Relationship("b", "HOSTED", "c", start=PartialDate(2005))))
    >>> graph = CityGraph(MemoryStore(ds), Settings(_env_file=None))
    >>> snap = build_snapshot(graph, SnapshotFilters(as_of="1999"))
    >>> [r.id for r in snap.relationships], [e.id for e in snap.entities]
    (['a|FUNDED|b|1998'], ['a', 'b'])
    >>> snap.title, snap.slug
    ('The network as of 1999', 'citygraph_1999')
    """
    check_range("radius", filters.radius, 1, RADIUS_MAX)
    page_size = page_size or graph.settings.export_page_size
    rel_filter = RelFilter.build(filters.as_of, filters.start, filters.end, list(filters.types) or None)
    wanted = parse_kinds(list(filters.kinds) or None)
    center = graph.resolve(filters.around, "around") if filters.around else None

    if center is not None and wanted is not None and center.kind not in wanted:
        raise EmptyResult(
            f"around: {center.name} is a {center.kind.value}, a kind these filters leave out", field="around"
        )
    entities: list[Entity] | Paged[Entity]
    rels: list[Relationship] | Paged[Relationship]
    node_rows = None
    if center is not None:  # an ego network is found by walking the graph, so it is gathered in memory
        entities, rels = _ego_network(graph, rel_filter, wanted, center, filters.radius)
    else:  # everything else streams: the formats read the store's pages as they write
        entities, rels, node_rows = _paged(graph, rel_filter, wanted, filters.unfiltered, page_size)
    store = graph.store
    if isinstance(rels, Paged) and isinstance(store, ExportCountStore):  # counted in the database, not read
        counts, degree = store.export_counts(rel_filter, wanted, filters.unfiltered), Degrees(rels)
    else:
        counts, degree = _count_pass(entities, rels, wanted, filters.unfiltered)
    dated = filters.as_of or filters.start or filters.end  # an open window lies outside nothing
    outside = window_note(rel_filter, graph.store.dated_span()) if dated else None  # after the counts started
    if isinstance(rels, Paged):
        rels = rels.counted(counts.by_type.total())
    if isinstance(entities, Paged):
        if node_rows is None:
            entities = entities.keeping(_entity_filter(wanted, None if filters.unfiltered else degree))
        entities = entities.counted(counts.by_kind.total())
    if not rels and (not entities or not filters.unfiltered):
        raise EmptyResult(
            f"no relationships match these filters; widen the dates, kinds or types{f'. {outside}' if outside else ''}",
            filters=_filters_dict(filters, rel_filter, wanted, center),
        )

    by_rel, by_entity = counts.relationship_documents, counts.entity_documents
    when = (exported_at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    title = _title(filters, rel_filter, wanted, center)
    manifest = {
        "title": title,
        "dataset_version": graph.store.version,
        "generator": f"citygraph {__version__}",
        "exported_at": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "filters": _filters_dict(filters, rel_filter, wanted, center),
        "counts": {
            "entities": len(entities),
            "relationships": len(rels),
            "by_kind": dict(sorted(counts.by_kind.items())),
            "by_type": dict(sorted(counts.by_type.items())),
        },
        "sources": [
            {"document": d, "relationships": by_rel[d], "entities": by_entity[d]} for d in sorted(by_rel | by_entity)
        ],
        "notes": _notes(filters, center),
        "warnings": [outside] if outside else [],
    }
    slug = _slug(filters, rel_filter, center)
    label_source: Callable[[], Labels] | None = None
    if isinstance(rels, Paged) and isinstance(store, ExportLabelStore):
        label_source = partial(store_labels, store, rel_filter, wanted, filters.unfiltered)
    center_id = center.id if center else None
    return Snapshot(entities, rels, manifest, title, slug, filters, center_id, degree, node_rows, label_source)


def _count_pass(
    entities: list[Entity] | Paged[Entity],
    rels: list[Relationship] | Paged[Relationship],
    wanted: frozenset[Kind] | None,
    unfiltered: bool,
) -> tuple[ExportCounts, Degrees]:
    """The manifest's counts and the degrees, from one pass over the relationships and one over the entities."""
    degree: Counter[str] = Counter()
    by_type: Counter[str] = Counter()
    by_rel: Counter[str] = Counter()
    for r in rels:
        degree[r.source] += 1
        degree[r.target] += 1
        by_type[r.type] += 1
        by_rel.update({s.document for s in r.sources})
    degrees = Degrees(rels, degree)
    if isinstance(entities, Paged):
        entities = entities.keeping(_entity_filter(wanted, None if unfiltered else degrees))
    by_kind: Counter[str] = Counter()
    by_entity: Counter[str] = Counter()
    for e in entities:
        by_kind[e.kind.value] += 1
        by_entity.update({s.document for s in e.sources})
    return ExportCounts(by_type, by_rel, by_kind, by_entity), degrees


def _entity_filter(wanted: frozenset[Kind] | None, touched: Degrees | None) -> Callable[[Entity], bool] | None:
    """Entities of a kept kind, and (when anything is filtered) touched by a kept relationship."""
    if wanted is None and touched is None:
        return None
    return lambda e: (wanted is None or e.kind in wanted) and (touched is None or e.id in touched)


def _paged(
    graph: CityGraph, rel_filter: RelFilter, wanted: frozenset[Kind] | None, unfiltered: bool, page_size: int
) -> tuple[Paged[Entity], Paged[Relationship], Callable[[], Iterator[NodeRow]] | None]:
    """The snapshot as views of the store's pages, and its node pages where the store has them.

    A store with node pages (Neo4j) gives a filtered snapshot's entities from them (those with
    a kept relationship); others check kinds against an id → kind map.
    """
    store = graph.store
    rels = Paged(lambda: relationship_pages(store, rel_filter, page_size, wanted), None)
    if not isinstance(store, ExportNodeStore):
        return Paged(lambda: entity_pages(store, page_size), _entity_filter(wanted, None)), rels, None
    node_store = store

    def node_rows() -> Iterator[NodeRow]:
        return node_pages(node_store, rel_filter, wanted, page_size)

    if unfiltered:
        return Paged(lambda: entity_pages(store, page_size), None), rels, node_rows
    return Paged(lambda: (e for e, degree, _ in node_rows() if degree), None), rels, node_rows


def _ego_network(
    graph: CityGraph, rel_filter: RelFilter, wanted: frozenset[Kind] | None, center: Entity, radius: int
) -> tuple[list[Entity], list[Relationship]]:
    """The entities and relationships within `radius` hops of `center`, in export order.

    Found by walking out from the centre, one ring per store call (`relationships_touching`),
    then the relationships among the entities the walk reached but did not walk from (the
    last ring, and countries) in one more (`relationships_among`): the store is read around
    the centre only, never whole. A walk that reaches more than `export_ego_max_entities`
    entities stops with `TooLarge`, as its result would be held in memory.
    """
    store, limit = graph.store, graph.settings.export_ego_max_entities
    known: dict[str, Entity] = {center.id: center}
    degree = {center.id: graph.lookup([center.id]).degree(center.id)}
    seen = {center.id: 0}
    found: dict[str, Relationship] = {}
    ring = [center.id]
    for hops in range(1, radius + 1):
        walk = [n for n in ring if n == center.id or known[n].kind not in HUB_KINDS]
        # A ring that must overflow is refused from a count, before its relationships are read (a
        # hub's 40k): `room` new entities overflow, and the count may include every known one.
        room = limit - len(seen) + 1
        cap = room + len(known)
        if (
            sum(degree.get(n, 0) for n in walk) >= room
            and (reach := store.neighbours_at_most(walk, rel_filter, cap)) >= cap
        ):
            raise _ego_too_large(center, radius, hops, len(seen) + reach - len(known), limit)
        rels = store.relationships_touching(walk, rel_filter) if walk else []
        new = sorted({n for r in rels for n in (r.source, r.target)} - known.keys())
        if len(seen) + len(new) > limit:  # an upper bound of what the walk reaches: stop before holding it
            raise _ego_too_large(center, radius, hops, len(seen) + len(new), limit)
        for e, links in store.entities_by_ids(new):
            known[e.id], degree[e.id] = e, links
        ring = []
        for r in rels:
            if wanted is not None and not (known[r.source].kind in wanted and known[r.target].kind in wanted):
                continue
            found[r.id] = r
            for n in (r.source, r.target):
                if n not in seen:
                    seen[n] = hops
                    ring.append(n)
        ring.sort()
    rim = sorted(n for n, hops in seen.items() if hops == radius or (n != center.id and known[n].kind in HUB_KINDS))
    for r in store.relationships_among(rim, rel_filter) if rim else []:
        if wanted is None or (known[r.source].kind in wanted and known[r.target].kind in wanted):
            found[r.id] = r
    rels = sorted(found.values(), key=export_order)
    touched = {n for r in rels for n in (r.source, r.target)} | {center.id}
    entities = sorted((known[n] for n in touched), key=lambda e: e.id)
    if wanted is not None:
        entities = [e for e in entities if e.kind in wanted]
    return entities, rels


def _ego_too_large(center: Entity, radius: int, hops: int, reached: int, limit: int) -> TooLarge:
    narrower = [f"radius={hops - 1}"] if hops > 1 else []
    narrow_with = [*narrower, "kinds", "types", "as_of or from/to"]
    return TooLarge(
        f"around: {center.name}'s network within {radius} hops reaches more than {limit} entities "
        f"({reached} at {hops} hops), the most an ego network holds (CITYGRAPH_EXPORT_EGO_MAX_ENTITIES); "
        f"narrow it with {', '.join(narrow_with)}, or export without `around`, which streams at any size",
        field="around",
        reached=reached,
        limit=limit,
        narrow_with=narrow_with,
    )


def export_order(rel: Relationship) -> tuple[str, str]:
    """Relationships are written by source id, then id: the order the store's pages give them in."""
    return rel.source, rel.id


def ego_nodes(center: str, rels: list[Relationship], radius: int, kind_of: dict[str, Kind]) -> set[str]:
    """Entities within `radius` hops of `center`, walking relationships either way.

    Hubs (countries) are reached but not walked through, unless they are the centre.

    Examples
    --------
    >>> rels = [Relationship("a", "FUNDED", "b"), Relationship("b", "LOCATED_IN", "dk"),
    ...         Relationship("x", "LOCATED_IN", "dk"), Relationship("b", "HOSTED", "c")]
    >>> kinds = {"a": Kind.Municipality, "b": Kind.Company, "c": Kind.Event, "dk": Kind.Country, "x": Kind.Company}
    >>> sorted(ego_nodes("a", rels, 1, kinds)), sorted(ego_nodes("a", rels, 3, kinds))
    (['a', 'b'], ['a', 'b', 'c', 'dk'])
    """
    neighbours: dict[str, set[str]] = {}
    for r in rels:
        neighbours.setdefault(r.source, set()).add(r.target)
        neighbours.setdefault(r.target, set()).add(r.source)
    seen = {center: 0}
    queue = deque([center])
    while queue:
        node = queue.popleft()
        if seen[node] == radius or (node != center and kind_of.get(node) in HUB_KINDS):
            continue
        for other in sorted(neighbours.get(node, ())):
            if other not in seen:
                seen[other] = seen[node] + 1
                queue.append(other)
    return set(seen)


def window_note(rel_filter: RelFilter, span: tuple[dt.date, dt.date] | None) -> str | None:
    """A warning when the window lies wholly before or after every date in the data (ASCII, fit for a header).

    Examples
    --------
    >>> span = (dt.date(1946, 1, 1), dt.date(2018, 12, 31))
    >>> window_note(RelFilter.build(as_of="2099"), span)
    'The window 2099-01-01 to 2099-12-31 lies after every date in the data (1946-01-01 to 2018-12-31): only undated relationships and those with an open end are kept.'
    >>> window_note(RelFilter.build(end="1800"), span)[:62]
    'The window the beginning to 1800-12-31 lies before every date '
    >>> window_note(RelFilter.build(as_of="2016"), span) is None
    True
    """
    if span is None:
        return None
    if rel_filter.last < span[0]:
        where, open_end = "before", "start"
    elif rel_filter.first > span[1]:
        where, open_end = "after", "end"
    else:
        return None
    first, last = rel_filter.bounds()
    return (
        f"The window {first or 'the beginning'} to {last or 'the end'} lies {where} every date in the data "
        f"({span[0].isoformat()} to {span[1].isoformat()}): only undated relationships and those with an open "
        f"{open_end} are kept."
    )


def _filters_dict(
    filters: SnapshotFilters, rel_filter: RelFilter, wanted: frozenset[Kind] | None, center: Entity | None
) -> dict[str, Any]:
    return {
        "as_of": filters.as_of,
        "from": filters.start,
        "to": filters.end,
        "window": dict(zip(("first_day", "last_day"), rel_filter.bounds(), strict=True)),
        "kinds": sorted(k.value for k in wanted) if wanted is not None else None,
        "types": sorted(rel_filter.types) if rel_filter.types is not None else None,
        "around": {"id": center.id, "name": center.name, "kind": center.kind.value} if center else None,
        "radius": filters.radius if center else None,
    }


def _notes(filters: SnapshotFilters, center: Entity | None) -> list[str]:
    notes = ["Relationships are kept when their dates overlap the window; undated ones are kept at all times."]
    notes.append(
        "All entities are included." if filters.unfiltered else "Entities are those touched by a kept relationship."
    )
    if center is not None:
        notes.append(f"Ego network of {center.name}: countries are reached but not walked through.")
    notes.append("Year or month dates stand for the whole year or month (1998–2001 is 1998-01-01 to 2001-12-31).")
    return notes


def _when(filters: SnapshotFilters) -> str:
    if filters.as_of:
        return f"as of {filters.as_of}"
    if filters.start and filters.end:
        return f"{filters.start}–{filters.end}"
    if filters.start:
        return f"from {filters.start}"
    if filters.end:
        return f"until {filters.end}"
    return "all years"


def _title(
    filters: SnapshotFilters, rel_filter: RelFilter, wanted: frozenset[Kind] | None, center: Entity | None
) -> str:
    who = f"{center.name}'s network" if center else "The network"
    hops = f" ({filters.radius} hops)" if center and filters.radius > 1 else ""
    what = []
    if wanted is not None:
        what.append("kinds: " + ", ".join(sorted(k.value for k in wanted)))
    if rel_filter.types is not None:
        what.append("types: " + ", ".join(sorted(rel_filter.types)))
    tail = f" [{'; '.join(what)}]" if what else ""
    return f"{who}{hops} {_when(filters)}{tail}".replace(" all years", ", all years")


def _slug(filters: SnapshotFilters, rel_filter: RelFilter, center: Entity | None) -> str:
    """A file-name stem that says what is in the file: `citygraph_viborg-kommune_r1_2016`."""
    parts = ["citygraph"]
    if center:
        parts.append(f"{center.id}_r{filters.radius}")
    if filters.as_of:
        parts.append(filters.as_of)
    elif filters.start or filters.end:
        parts.append(f"{filters.start or 'start'}_{filters.end or 'end'}")
    extra = {"kinds": sorted(filters.kinds), "types": sorted(rel_filter.types) if rel_filter.types else None}
    if filters.kinds or rel_filter.types:
        parts.append(hashlib.sha256(json.dumps(extra).encode()).hexdigest()[:8])
    return "_".join(parts) if len(parts) > 1 else "citygraph_all"
