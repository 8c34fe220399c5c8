"""Node-link JSON: the graph as `nodes` and `edges`, every property included."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from app.export.stream import encoded
from app.model import Entity, Relationship

if TYPE_CHECKING:
    from app.export.snapshot import Snapshot


def node_link(
    entities: list[Entity], rels: list[Relationship], version: str, manifest: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The snapshot as node-link JSON, ordered by id so equal data gives equal text."""
    data: dict[str, Any] = {"directed": True, "multigraph": True, "dataset_version": version}
    if manifest is not None:
        data["manifest"] = manifest
    data["nodes"] = [e.to_dict() for e in sorted(entities, key=lambda e: e.id)]
    data["edges"] = [r.to_dict() for r in sorted(rels, key=lambda r: r.id)]
    return data


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def pieces(snapshot: Snapshot) -> Iterator[str]:
    """The same document as `node_link`, written one node or edge per line as it goes."""
    yield '{"directed": true, "multigraph": true, '
    yield f'"dataset_version": {_dump(snapshot.manifest["dataset_version"])},\n'
    yield f'"manifest": {_dump(snapshot.manifest)},\n"nodes": [\n'
    for i, e in enumerate(snapshot.entities):
        yield ("" if i == 0 else ",\n") + _dump(e.to_dict())
    yield '\n],\n"edges": [\n'
    for i, r in enumerate(snapshot.relationships):
        yield ("" if i == 0 else ",\n") + _dump(r.to_dict())
    yield "\n]}\n"


def render(snapshot: Snapshot) -> Iterator[bytes]:
    return encoded(pieces(snapshot))
