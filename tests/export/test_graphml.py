"""GraphML: valid against the GraphML schema, typed keys, read back by networkx and igraph."""

from __future__ import annotations

import io
import json

import igraph
import networkx as nx
import pytest
from lxml import etree

from app.export.graphml import KEYS
from tests.export.conftest import SCHEMAS

NS = {"g": "http://graphml.graphdrawing.org/xmlns"}


@pytest.fixture(scope="module")
def graphml_schema() -> etree.XMLSchema:
    """The GraphML 1.0 XML Schema (structure, attributes and parseinfo; see schemas/README.md)."""
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "graphml-1.0" / "graphml.xsd")))


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


def test_networkx_reads_it_back(seed_graph, export_bytes, seed_dataset) -> None:
    """networkx reads the same counts, typed attributes and the manifest."""
    g = nx.read_graphml(io.BytesIO(export_bytes(seed_graph, "graphml")))
    assert (g.number_of_nodes(), g.number_of_edges()) == (len(seed_dataset.entities), len(seed_dataset.relationships))
    viborg = g.nodes["viborg-kommune"]
    assert viborg["label"] == "Viborg Kommune"
    assert isinstance(viborg["lat"], float) and isinstance(viborg["degree"], int)
    rel_ids = sorted(d["rel_id"] for _, _, d in g.edges(data=True))
    assert rel_ids == sorted(r.id for r in seed_dataset.relationships)
    manifest = json.loads(g.graph["manifest"])
    assert manifest["counts"]["relationships"] == len(seed_dataset.relationships)


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
