"""Cytoscape.js elements JSON (`cy.json()` shape), also read by Cytoscape desktop as `.cyjs`.

Node `data` holds every property (lists joined by "; " so styles can read them), and
`classes` the kind; edge `data` holds the relationship with `type` as its `label`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from app.export.stream import encoded
from app.model import Entity, Relationship

if TYPE_CHECKING:
    from app.export.snapshot import Snapshot


def node_element(e: Entity, degree: int) -> dict[str, Any]:
    data = {k: v for k, v in e.to_dict().items() if v not in (None, [], "")}
    data["label"] = e.name
    data["degree"] = degree
    return {"group": "nodes", "data": data, "classes": e.kind.value}


def edge_element(r: Relationship) -> dict[str, Any]:
    data = {k: v for k, v in r.to_dict().items() if v not in (None, [], "")}
    data["label"] = r.type
    data["symmetric"] = r.symmetric
    return {"group": "edges", "data": data, "classes": r.type}


def dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def pieces(snapshot: Snapshot) -> Iterator[str]:
    yield f'{{"format_version": "1.0", "generated_by": {dump(snapshot.manifest["generator"])}, '
    yield f'"data": {dump({"name": snapshot.title, "manifest": snapshot.manifest})},\n'
    yield '"elements": {"nodes": [\n'
    degree = snapshot.degree
    for i, e in enumerate(snapshot.entities):
        yield ("" if i == 0 else ",\n") + dump(node_element(e, degree[e.id]))
    yield '\n], "edges": [\n'
    for i, r in enumerate(snapshot.relationships):
        yield ("" if i == 0 else ",\n") + dump(edge_element(r))
    yield "\n]}}\n"


def render(snapshot: Snapshot) -> Iterator[bytes]:
    return encoded(pieces(snapshot))
