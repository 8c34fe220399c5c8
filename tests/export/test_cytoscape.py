"""Cytoscape.js JSON: every element, and node positions from the figure's own layout."""

from __future__ import annotations

import json

import pytest

from app.export import cytoscape
from app.export.figure import layout_positions
from app.export.snapshot import SnapshotFilters, build_snapshot


def test_elements_are_the_snapshot(seed_graph, export_bytes, seed_dataset) -> None:
    """Every entity is a node and every relationship an edge, labelled by type."""
    doc = json.loads(export_bytes(seed_graph, "cytoscape"))
    nodes, edges = doc["elements"]["nodes"], doc["elements"]["edges"]
    assert sorted(n["data"]["id"] for n in nodes) == sorted(e.id for e in seed_dataset.entities)
    assert sorted(e["data"]["id"] for e in edges) == sorted(r.id for r in seed_dataset.relationships)
    assert all(e["data"]["label"] == e["data"]["type"] for e in edges)


@pytest.mark.parametrize("layout", ["spring", "geo"])
def test_positions_are_the_figures(seed_graph, export_bytes, layout) -> None:
    """Viborg in 2016: each node sits where the figure draws it (scaled to 1000 across, y down)."""
    filters = {"around": "viborg-kommune", "as_of": "2016"}
    doc = json.loads(export_bytes(seed_graph, "cytoscape", layout=layout, **filters))
    snap = build_snapshot(seed_graph, SnapshotFilters(**filters))
    figure = layout_positions(snap.entities, snap.relationships, snap.center, layout)
    nodes = doc["elements"]["nodes"]
    assert len(nodes) == len(snap.entities) == len(figure)
    for n in nodes:
        x, y = figure[n["data"]["id"]]
        assert n["position"] == {"x": round(x * 1000, 2), "y": round(-y * 1000, 2)}
    assert len({(n["position"]["x"], n["position"]["y"]) for n in nodes}) == len(nodes)  # no two on one spot
    assert doc["data"]["layout"].startswith(layout)


def test_geo_positions_follow_the_map(seed_graph, export_bytes, seed_dataset) -> None:
    """With the geo layout, a place further east is further right and one further north is higher up."""
    doc = json.loads(export_bytes(seed_graph, "cytoscape", layout="geo", around="viborg-kommune", as_of="2016"))
    where = {n["data"]["id"]: n["position"] for n in doc["elements"]["nodes"]}
    placed = [e for e in seed_dataset.entities if e.id in where and e.lat is not None and e.lon is not None]
    west, east = min(placed, key=lambda e: e.lon), max(placed, key=lambda e: e.lon)
    south, north = min(placed, key=lambda e: e.lat), max(placed, key=lambda e: e.lat)
    assert where[west.id]["x"] < where[east.id]["x"] and where[north.id]["y"] < where[south.id]["y"]


def test_too_many_entities_have_no_positions_and_say_why(seed_graph, export_bytes, monkeypatch) -> None:
    """Above the figure's size limit the nodes carry no positions, and the graph data names the filters."""
    monkeypatch.setattr(cytoscape, "POSITIONS_MAX", 10)
    doc = json.loads(export_bytes(seed_graph, "cytoscape"))
    assert all("position" not in n for n in doc["elements"]["nodes"])
    assert "more than 10 entities" in doc["data"]["layout"] and "around" in doc["data"]["layout"]
