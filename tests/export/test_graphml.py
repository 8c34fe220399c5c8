"""GraphML: valid against the GraphML schema, typed keys, read back by igraph (Gephi: test_gephi.py)."""

from __future__ import annotations

import json

import igraph
import pytest
from lxml import etree

from app.export.graphml import KEYS
from tests.export.conftest import SCHEMAS

NS = {"g": "http://graphml.graphdrawing.org/xmlns"}


@pytest.fixture(scope="module")
def graphml_schema() -> etree.XMLSchema:
    """The GraphML 1.0 XML Schema (structure, attributes and parseinfo; see schemas/README.md), extended by
    Gephi's edge `label` the way GraphML's own extensions add attributes."""
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "graphml-1.0" / "graphml-gephi-label.xsd")))


@pytest.mark.parametrize("filters", [{}, {"as_of": "1999"}, {"around": "aarhus"}])
def test_mini_graphml_is_valid(mini_graph, export_bytes, graphml_schema, filters) -> None:
    """Every export of the tiny graph validates, odd characters included."""
    doc = etree.fromstring(export_bytes(mini_graph, "graphml", **filters))
    assert graphml_schema.validate(doc), graphml_schema.error_log


def test_seed_graphml_is_valid_with_a_typed_key_for_every_attribute(seed_graph, export_bytes, graphml_schema) -> None:
    """The seed graph validates; every <data> refers to a declared, typed key."""
    doc = etree.fromstring(export_bytes(seed_graph, "graphml"))
    assert graphml_schema.validate(doc), graphml_schema.error_log
    keys = {k.get("id"): k for k in doc.iterfind("g:key", NS)}
    assert len(keys) == len(KEYS)
    assert all(k.get("attr.type") in ("string", "int", "double", "boolean") for k in keys.values())
    assert {d.get("key") for d in doc.iter(f"{{{NS['g']}}}data")} <= set(keys)


def test_edges_carry_kind_direction_and_the_manifest(seed_graph, export_bytes, seed_dataset) -> None:
    """Each edge has its type as Gephi's edge `label`, `directed="false"` where the type is symmetric,
    its relationship id, and the graph carries the manifest."""
    doc = etree.fromstring(export_bytes(seed_graph, "graphml"))
    by_rel = {}
    for e in doc.iterfind("g:graph/g:edge", NS):
        data = {d.get("key"): d.text for d in e.iterfind("g:data", NS)}
        by_rel[data["e_rel_id"]] = e
    assert sorted(by_rel) == sorted(r.id for r in seed_dataset.relationships)
    for r in seed_dataset.relationships:
        e = by_rel[r.id]
        assert e.get("directed") == ("false" if r.symmetric else None), r.id
        assert e.get("label").split(" (")[0] == r.type, r.id
    kinds = [(e.get("source"), e.get("target"), e.get("label")) for e in by_rel.values()]
    assert len(set(kinds)) == len(kinds)
    graph_data = {d.get("key"): d.text for d in doc.iterfind("g:graph/g:data", NS)}
    assert json.loads(graph_data["g_manifest"])["counts"]["relationships"] == len(seed_dataset.relationships)


def test_igraph_reads_it_back(seed_graph, export_bytes, seed_dataset, tmp_path) -> None:
    """python-igraph reads the same counts and attributes."""
    path = tmp_path / "seed.graphml"
    path.write_bytes(export_bytes(seed_graph, "graphml"))
    g = igraph.Graph.Read_GraphML(str(path))
    assert (g.vcount(), g.ecount()) == (len(seed_dataset.entities), len(seed_dataset.relationships))
    assert g.is_directed()
    v = g.vs.find(id="viborg-kommune")
    assert v["label"] == "Viborg Kommune" and v["kind"] == "Municipality"
    assert set(g.es["type"]) == {r.type for r in seed_dataset.relationships}
    assert g["dataset_version"] == seed_dataset.version
