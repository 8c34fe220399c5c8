"""Cytoscape.js elements JSON (`cy.json()` shape), also read by Cytoscape desktop as `.cyjs`.

Node `data` holds every property (lists joined by "; " so styles can read them), and
`classes` the kind; edge `data` holds the relationship with `type` as its `label`.

Each node has a `position` from the figure's layout (`figure.layout_positions`, spring or
geo as `layout` says), so Cytoscape's `preset` layout shows the same picture as the PNG:
1000 units across, y pointing down as screens count it. Above `POSITIONS_MAX` entities (the
figure's limit) no positions are written, and the graph data says why.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from app.export.figure import MAX_NODES, FigureOptions, layout_positions
from app.export.stream import encoded
from app.model import Entity, Relationship

if TYPE_CHECKING:
    from app.export.snapshot import Snapshot


POSITIONS_MAX = MAX_NODES
SCALE = 1000.0


def node_element(e: Entity, degree: int, position: tuple[float, float] | None = None) -> dict[str, Any]:
    data = {k: v for k, v in e.to_dict().items() if v not in (None, [], "")}
    data["label"] = e.name
    data["degree"] = degree
    element: dict[str, Any] = {"group": "nodes", "data": data}
    if position is not None:
        element["position"] = {"x": round(position[0] * SCALE, 2), "y": round(-position[1] * SCALE, 2)}
    element["classes"] = e.kind.value
    return element


def positions(snapshot: Snapshot, layout: str) -> tuple[dict[str, tuple[float, float]], str]:
    """Every entity's position by the figure's layout, and a note saying how they were placed."""
    if len(snapshot.entities) > POSITIONS_MAX:
        return {}, (
            f"no positions: more than {POSITIONS_MAX} entities; narrow the snapshot (around and radius, kinds, "
            "types or a date window) to get them"
        )
    pos = layout_positions(list(snapshot.entities), list(snapshot.relationships), snapshot.center, layout)
    return pos, f"{layout} layout of the figure (preset positions)"


def edge_element(r: Relationship) -> dict[str, Any]:
    data = {k: v for k, v in r.to_dict().items() if v not in (None, [], "")}
    data["label"] = r.type
    data["symmetric"] = r.symmetric
    return {"group": "edges", "data": data, "classes": r.type}


def dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def pieces(snapshot: Snapshot, layout: str = "spring") -> Iterator[str]:
    pos, placed = positions(snapshot, layout)
    yield f'{{"format_version": "1.0", "generated_by": {dump(snapshot.manifest["generator"])}, '
    yield f'"data": {dump({"name": snapshot.title, "layout": placed, "manifest": snapshot.manifest})},\n'
    yield '"elements": {"nodes": [\n'
    for i, (e, degree, _) in enumerate(snapshot.nodes(spells=False)):
        yield ("" if i == 0 else ",\n") + dump(node_element(e, degree, pos.get(e.id)))
    yield '\n], "edges": [\n'
    for i, r in enumerate(snapshot.relationships):
        yield ("" if i == 0 else ",\n") + dump(edge_element(r))
    yield "\n]}}\n"


def render(snapshot: Snapshot, options: FigureOptions) -> Iterator[bytes]:
    return encoded(pieces(snapshot, options.layout))
