"""The export formats by name, and `export`: the one entry point of the API and the CLI."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from app.errors import InvalidParameter, TooLarge
from app.export import csv_zip, cypher_script, cytoscape, gexf, graphml, node_link, report
from app.export.figure import FigureOptions, image_bytes
from app.export.snapshot import Snapshot, SnapshotFilters, build_snapshot
from app.filters import RelFilter, parse_kinds, split_values
from app.service import CityGraph
from app.stores.base import ExportCountStore

Render = Callable[[Snapshot, FigureOptions], Iterator[bytes]]


@dataclass(frozen=True)
class Format:
    name: str
    media_type: str
    extension: str
    render: Render
    help: str


def _figure(fmt: str) -> Render:
    def render(snapshot: Snapshot, options: FigureOptions) -> Iterator[bytes]:
        yield image_bytes(snapshot, options, fmt)

    return render


def _text(module: object) -> Render:
    """The renderer of a format that needs no figure options."""

    def render(snapshot: Snapshot, options: FigureOptions) -> Iterator[bytes]:
        return module.render(snapshot)  # type: ignore[attr-defined, no-any-return]

    return render


_ALL = (
    Format("json", "application/json", "json", _text(node_link), "node-link JSON (nodes, edges, manifest)"),
    Format("cytoscape", "application/json", "cyjs", cytoscape.render, "Cytoscape.js elements JSON, figure layout"),
    Format("gexf", "application/gexf+xml", "gexf", _text(gexf), "GEXF 1.3, dynamic, for Gephi's timeline"),
    Format("graphml", "application/graphml+xml", "graphml", _text(graphml), "GraphML with typed keys (yEd, igraph)"),
    Format("csv", "application/zip", "csv.zip", _text(csv_zip), "zip of nodes.csv and edges.csv (Gephi, Kumu, Excel)"),
    Format(
        "cypher", "application/x-cypher-query; charset=utf-8", "cypher", _text(cypher_script), "for cypher-shell -f"
    ),
    Format("png", "image/png", "png", _figure("png"), "figure, A4 width at 200 dpi"),
    Format("svg", "image/svg+xml", "svg", _figure("svg"), "figure, vector"),
    Format("report", "application/zip", "report.zip", report.render, "zip: figure, GEXF, CSVs, top entities, manifest"),
)
FORMATS: dict[str, Format] = {f.name: f for f in _ALL}
DRAWN = frozenset({"png", "svg", "report"})  # these hold the snapshot in memory to draw and rank it


def get_format(name: str) -> Format:
    """The format called `name`; raises `InvalidParameter` listing the known ones."""
    try:
        return FORMATS[name.strip().lower()]
    except KeyError:
        raise InvalidParameter("format", f"unknown format {name!r}", allowed=list(FORMATS)) from None


@dataclass
class Export:
    """A checked export, ready to render: nothing is rendered until `chunks` is iterated."""

    format: Format
    snapshot: Snapshot
    options: FigureOptions

    @property
    def filename(self) -> str:
        return f"{self.snapshot.slug}.{self.format.extension}"

    @property
    def warnings(self) -> list[str]:
        return self.snapshot.warnings

    def chunks(self) -> Iterator[bytes]:
        return self.format.render(self.snapshot, self.options)


def prepare(
    graph: CityGraph,
    fmt: str,
    filters: SnapshotFilters,
    layout: str = "spring",
    labels: list[str] | None = None,
    exported_at: dt.datetime | None = None,
) -> Export:
    """Check every parameter and build the snapshot; raises the library's errors before any byte is written."""
    chosen = get_format(fmt)
    names = split_values(labels)
    label_ids = tuple(graph.resolve(n, "labels").id for n in names) if labels else None
    options = FigureOptions(layout=layout.strip().lower(), labels=label_ids)
    limit = graph.settings.export_figure_max_entities
    if chosen.name in DRAWN and filters.unfiltered:  # every entity: the store's count says, before any read
        check_drawable(filters, graph.store.counts()[0], chosen.name, limit)
    elif chosen.name in DRAWN and not filters.around and isinstance(graph.store, ExportCountStore):
        check_drawable(filters, _touched_at_most(graph.store, filters, limit + 1), chosen.name, limit, capped=True)
    snapshot = build_snapshot(graph, filters, exported_at)
    if chosen.name in DRAWN:
        check_drawable(filters, len(snapshot.entities), chosen.name, limit)
    return Export(chosen, snapshot, options)


def _touched_at_most(store: ExportCountStore, filters: SnapshotFilters, cap: int) -> int:
    """The entities a filtered snapshot keeps, counted in the store up to `cap`: a refusal that does not wait
    for the manifest's full counts."""
    rel_filter = RelFilter.build(filters.as_of, filters.start, filters.end, list(filters.types) or None)
    return store.touched_entities_at_most(rel_filter, parse_kinds(list(filters.kinds) or None), cap)


def check_drawable(f: SnapshotFilters, count: int, fmt: str, limit: int, capped: bool = False) -> None:
    """Refuse a figure or report of `count` entities above `limit`, naming the filters that would shrink it.

    A figure draws at most 400 entities and the report ranks by betweenness, both over the
    snapshot held in memory; the other formats stream at any size. With `capped`, `count` was
    counted no further than `limit + 1`: the error then says "at least" (`entities_at_least`).
    """
    if count <= limit:
        return
    narrow_with = [
        *(["around (an entity) with radius 1 or 2"] if not f.around else [f"radius={f.radius - 1}"] if f.radius > 1 else []),
        *(["as_of or from/to (a date window)"] if not (f.as_of or f.start or f.end) else []),
        "kinds",
        "types",
    ]  # fmt: skip
    has = f"at least {count}" if capped else f"{count}"
    raise TooLarge(
        f"format: a {fmt} draws a snapshot of at most {limit} entities (CITYGRAPH_EXPORT_FIGURE_MAX_ENTITIES) and "
        f"this one has {has}; narrow it with {', '.join(narrow_with)}, or choose gexf, graphml, csv, json or "
        "cypher, which stream at any size",
        field="format",
        **({"entities_at_least": count} if capped else {"entities": count}),
        limit=limit,
        narrow_with=narrow_with,
    )
