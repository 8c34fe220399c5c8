"""Node-link JSON: the graph as `nodes` and `edges`, every property included."""

from __future__ import annotations

from typing import Any

from app.model import Entity, Relationship


def node_link(entities: list[Entity], rels: list[Relationship], version: str) -> dict[str, Any]:
    """The snapshot as node-link JSON, ordered by id so equal data gives equal text."""
    return {
        "directed": True,
        "multigraph": True,
        "dataset_version": version,
        "nodes": [e.to_dict() for e in sorted(entities, key=lambda e: e.id)],
        "edges": [r.to_dict() for r in sorted(rels, key=lambda r: r.id)],
    }
