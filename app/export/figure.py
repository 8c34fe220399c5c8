"""A figure of the snapshot for a report: PNG or SVG, A4 width (8.27 in; PNG at 200 dpi).

Nodes are coloured by kind and sized by degree; the best-connected ones (or the user's
`labels`) are named, with labels moved aside where they would overlap. Edges are coloured
by relationship type and drawn solid when the type reads both ways, dashed when it has a
direction, dotted for geography (LOCATED_IN). The title names the filters and the date;
the legends sit below the drawing, never over it. The layout is a seeded spring layout,
or `geo`: longitude and latitude, with entities that have no coordinates placed beside
the place they are located in (or, failing that, their tied neighbours), else in a row
along the bottom edge. The same snapshot gives the same bytes: matplotlib's SVG ids are
salted with a fixed string and no date or software version is written into either file.
"""

from __future__ import annotations

import hashlib
import io
import math
from collections import Counter
from dataclasses import dataclass
from typing import Literal

import matplotlib

matplotlib.use("Agg")  # no display, ever; must precede the figure imports

import networkx as nx
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Annotation
from matplotlib.transforms import Bbox

from app.errors import InvalidParameter
from app.export.snapshot import Snapshot
from app.model import Entity, Relationship
from app.palette import KIND_COLOURS
from app.vocabulary import REL_TYPE_BY_NAME, REL_TYPE_NAMES, Kind

LAYOUTS = ("spring", "geo")
WIDTH_IN, HEIGHT_IN, DPI = 8.27, 7.6, 200
MAX_NODES = 400  # more would be ink, not information; the caption says when nodes were left out
SEED = 7
LineStyle = Literal["-", "--", ":"]
KAMADA_KAWAI_MAX = 300  # its all-pairs distances grow as n²
_TYPE_PALETTE = (
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f",
    "#2f4b7c", "#a05195", "#d45087", "#665191", "#003f5c", "#ffa600", "#7a5195", "#488f31", "#de425b",
    "#5f9ea0", "#bab0ac",
)  # fmt: skip
TYPE_COLOURS: dict[str, str] = {t: _TYPE_PALETTE[i % len(_TYPE_PALETTE)] for i, t in enumerate(REL_TYPE_NAMES)}


@dataclass(frozen=True)
class FigureOptions:
    """How to draw: `layout` spring or geo; `labels` entity ids to name (None: the best-connected)."""

    layout: str = "spring"
    labels: tuple[str, ...] | None = None
    top_labels: int = 14

    def __post_init__(self) -> None:
        if self.layout not in LAYOUTS:
            raise InvalidParameter("layout", f"unknown layout {self.layout!r}", allowed=list(LAYOUTS))


def line_style(rel_type: str) -> LineStyle:
    t = REL_TYPE_BY_NAME[rel_type]
    return ":" if t.structural else "-" if t.symmetric else "--"


def _shown(snapshot: Snapshot, labels: tuple[str, ...] | None) -> tuple[list[Entity], list[Relationship]]:
    """At most MAX_NODES entities (the best-connected, the centre and labelled ones always)."""
    degree = snapshot.degree
    ranked = sorted(snapshot.entities, key=lambda e: (-degree[e.id], e.id))
    must = {snapshot.center, *(labels or ())} - {None}
    keep = {e.id for e in ranked[:MAX_NODES]} | must
    entities = [e for e in snapshot.entities if e.id in keep]
    rels = [r for r in snapshot.relationships if r.source in keep and r.target in keep]
    return entities, rels


def _normalise(pos: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    if not pos:
        return pos
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return {n: ((x - cx) / span, (y - cy) / span) for n, (x, y) in pos.items()}


def spring_positions(
    entities: list[Entity], rels: list[Relationship], center: str | None
) -> dict[str, tuple[float, float]]:
    """A stable layout: Kamada–Kawai from a seeded spring start for small graphs, seeded spring for large ones."""
    g = nx.Graph()
    g.add_nodes_from(sorted(e.id for e in entities))
    for r in sorted(rels, key=lambda r: r.id):
        if r.source != r.target:
            g.add_edge(r.source, r.target)
    n = max(g.number_of_nodes(), 1)
    pos = nx.spring_layout(g, seed=SEED, k=1.8 / math.sqrt(n), iterations=100)
    if n <= KAMADA_KAWAI_MAX:
        pos = nx.kamada_kawai_layout(g, pos=pos)
    if center is not None and center in pos:
        cx, cy = pos[center]
        pos = {node: (x - cx, y - cy) for node, (x, y) in pos.items()}
    return _normalise({node: (float(x), float(y)) for node, (x, y) in pos.items()})


def _offset(node: str, radius: float) -> tuple[float, float]:
    angle = int(hashlib.sha256(node.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF * 2 * math.pi
    return radius * math.cos(angle), radius * math.sin(angle)


def geo_positions(entities: list[Entity], rels: list[Relationship]) -> dict[str, tuple[float, float]]:
    """Longitude and latitude (scaled so a degree is as long both ways at the mean latitude)."""
    placed = {e.id: (e.lon, e.lat) for e in entities if e.lat is not None and e.lon is not None}
    if not placed:
        return spring_positions(entities, rels, None)
    mean_lat = sum(lat for _, lat in placed.values()) / len(placed)
    scale = math.cos(math.radians(mean_lat))
    pos: dict[str, tuple[float, float]] = {n: (lon * scale, lat) for n, (lon, lat) in placed.items()}
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1.0)
    located = {r.source: r.target for r in sorted(rels, key=lambda r: r.id) if r.type == "LOCATED_IN"}
    neighbours: dict[str, list[str]] = {}
    for r in rels:
        neighbours.setdefault(r.source, []).append(r.target)
        neighbours.setdefault(r.target, []).append(r.source)
    unplaced = sorted(e.id for e in entities if e.id not in pos)
    for _ in range(3):  # a project located in an institution located in a city: follow the chain
        for node in unplaced:
            if node in pos:
                continue
            anchor = located.get(node)
            if anchor in pos:
                dx, dy = _offset(node, 0.03 * span)
                pos[node] = (pos[anchor][0] + dx, pos[anchor][1] + dy)
                continue
            near = [pos[m] for m in neighbours.get(node, []) if m in pos]
            if near:
                dx, dy = _offset(node, 0.03 * span)
                pos[node] = (sum(p[0] for p in near) / len(near) + dx, sum(p[1] for p in near) / len(near) + dy)
    rest = [n for n in unplaced if n not in pos]
    if rest:
        left, bottom = min(xs), min(ys) - 0.12 * span
        step = (max(xs) - left) / max(len(rest) - 1, 1)
        for i, node in enumerate(rest):
            pos[node] = (left + i * step, bottom - (i % 2) * 0.03 * span)
    return _normalise(pos)


def layout_positions(
    entities: list[Entity], rels: list[Relationship], center: str | None, layout: str
) -> dict[str, tuple[float, float]]:
    """The figure's node positions, centred in a unit square: `layout` is spring or geo.

    The Cytoscape export places its nodes with this too, so both show the same picture.
    """
    return geo_positions(entities, rels) if layout == "geo" else spring_positions(entities, rels, center)


def _label_nodes(snapshot: Snapshot, entities: list[Entity], options: FigureOptions) -> list[str]:
    if options.labels is not None:
        return [n for n in options.labels if n in {e.id for e in entities}]
    degree = snapshot.degree
    ranked = sorted(entities, key=lambda e: (-degree[e.id], e.id))
    chosen = [e.id for e in ranked[: options.top_labels] if degree[e.id] > 0]
    if snapshot.center and snapshot.center not in chosen:
        chosen.insert(0, snapshot.center)
    return chosen


def _short(name: str, limit: int = 30) -> str:
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


def draw(snapshot: Snapshot, options: FigureOptions) -> Figure:
    """The figure, ready to save."""
    entities, rels = _shown(snapshot, options.labels)
    pos = layout_positions(entities, rels, snapshot.center, options.layout)
    degree = snapshot.degree
    top = max((degree[e.id] for e in entities), default=1) or 1

    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.02, 0.2, 0.96, 0.7))
    ax.set_axis_off()
    ax.set_aspect("equal")

    types_present = sorted({r.type for r in rels}, key=REL_TYPE_NAMES.index)
    for rtype in types_present:
        segments = [(pos[r.source], pos[r.target]) for r in rels if r.type == rtype and r.source != r.target]
        structural = REL_TYPE_BY_NAME[rtype].structural
        ax.add_collection(LineCollection(
            segments, colors=TYPE_COLOURS[rtype], linestyles=line_style(rtype),
            linewidths=0.6 if structural else 0.9, alpha=0.45 if structural else 0.75, zorder=1,
        ))  # fmt: skip

    ordered = sorted(entities, key=lambda e: (degree[e.id], e.id))  # big nodes on top
    xs = [pos[e.id][0] for e in ordered]
    ys = [pos[e.id][1] for e in ordered]
    sizes = [_node_size(degree[e.id], top) for e in ordered]
    colours = [KIND_COLOURS[e.kind] for e in ordered]
    edge = ["#000000" if e.id == snapshot.center else "#ffffff" for e in ordered]
    widths = [1.4 if e.id == snapshot.center else 0.5 for e in ordered]
    ax.scatter(xs, ys, s=sizes, c=colours, edgecolors=edge, linewidths=widths, zorder=2)
    ax.margins(0.06)

    _place_labels(fig, ax, snapshot, _label_nodes(snapshot, entities, options), pos, top)

    fig.text(0.5, 0.965, snapshot.title, ha="center", va="top", fontsize=12.5, fontweight="bold")
    shown = "" if len(entities) == len(snapshot.entities) else f" (the {len(entities)} best-connected are drawn)"
    subtitle = (
        f"{len(snapshot.entities)} entities{shown}, {len(snapshot.relationships)} relationships · "
        f"dataset {snapshot.manifest['dataset_version']} · layout: "
        + ("longitude/latitude" if options.layout == "geo" else "force-directed (seeded)")
        + " · node size: number of relationships"
    )
    fig.text(0.5, 0.93, subtitle, ha="center", va="top", fontsize=7, color="#444444")
    _legends(fig, entities, types_present)
    return fig


def _node_size(degree: int, top: int) -> float:
    """Marker area in points² by degree: small leaves stay visible, hubs stand out."""
    return 14 + 260 * math.sqrt(degree / top)


def _place_labels(
    fig: Figure, ax: Axes, snapshot: Snapshot, nodes: list[str], pos: dict[str, tuple[float, float]], top: int
) -> None:
    """Name `nodes`, each at the spot around its node that overlaps the fewest nodes and labels."""
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    degree = snapshot.degree
    px_per_pt = fig.dpi / 72
    markers = []
    for node, (x, y) in pos.items():
        cx, cy = ax.transData.transform((x, y))
        r = math.sqrt(_node_size(degree[node], top)) / 2 * px_per_pt
        markers.append(Bbox.from_extents(cx - r, cy - r, cx + r, cy + r))
    placed: list[Bbox] = []
    stroke = [patheffects.withStroke(linewidth=2.4, foreground="white")]
    spots = (
        (0, 1, "center", "bottom"), (0, -1, "center", "top"), (1, 0, "left", "center"), (-1, 0, "right", "center"),
        (1, 1, "left", "bottom"), (-1, -1, "right", "top"), (1, -1, "left", "top"), (-1, 1, "right", "bottom"),
    )  # fmt: skip
    for node in nodes:
        is_center = node == snapshot.center
        gap = math.sqrt(_node_size(degree[node], top)) / 2 + 1.5
        best: tuple[int, Annotation, Bbox] | None = None
        for dx, dy, ha, va in spots:
            label = ax.annotate(
                _short(snapshot.by_id[node].name), pos[node], xytext=(dx * gap, dy * gap), textcoords="offset points",
                ha=ha, va=va, fontsize=8 if is_center else 7, fontweight="bold" if is_center else "normal",
                zorder=4 if is_center else 3, path_effects=stroke,
            )  # fmt: skip
            box = label.get_window_extent(renderer).expanded(1.02, 1.08)
            clashes = 3 * sum(box.overlaps(b) for b in placed) + sum(box.overlaps(b) for b in markers)
            if best is None or clashes < best[0]:
                if best is not None:
                    best[1].remove()
                best = (clashes, label, box)
            else:
                label.remove()
            if clashes == 0:
                break
        assert best is not None
        placed.append(best[2])


def _legends(fig: Figure, entities: list[Entity], types_present: list[str]) -> None:
    kinds = Counter(e.kind for e in entities)
    kind_handles = [
        Line2D([], [], marker="o", linestyle="", markersize=6, markerfacecolor=KIND_COLOURS[k],
               markeredgecolor="white", label=f"{k.value} ({kinds[k]})")
        for k in Kind if kinds[k]
    ]  # fmt: skip
    type_handles = [
        Line2D([], [], color=TYPE_COLOURS[t], linestyle=line_style(t), linewidth=1.4, label=t.replace("_", " ").lower())
        for t in types_present
    ]
    fig.legend(handles=kind_handles, loc="lower left", bbox_to_anchor=(0.03, 0.015), ncol=2, fontsize=6.5,
               frameon=False, title="Entity kind", title_fontsize=7, alignment="left", handletextpad=0.3,
               columnspacing=1.0)  # fmt: skip
    if type_handles:
        fig.legend(
            handles=type_handles, loc="lower right", bbox_to_anchor=(0.97, 0.015), fontsize=6.5, frameon=False,
            ncol=3 if len(type_handles) > 8 else 2, title_fontsize=7, alignment="left",
            title="Relationship (solid: both ways · dashed: directed · dotted: location)",
            handlelength=2.2, handletextpad=0.4, columnspacing=1.0,
        )  # fmt: skip


def image_bytes(snapshot: Snapshot, options: FigureOptions, fmt: str) -> bytes:
    """PNG or SVG bytes with no date, software version or random id in them."""
    fig = draw(snapshot, options)
    buffer = io.BytesIO()
    if fmt == "svg":
        with matplotlib.rc_context({"svg.hashsalt": "citygraph", "svg.fonttype": "none"}):
            fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    else:
        fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()
