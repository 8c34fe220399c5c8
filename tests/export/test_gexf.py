"""GEXF 1.3: valid against the official grammar, edge kinds and directions, spells from the dates.

Gephi itself reads these files in tests/export/test_gephi.py.
"""

from __future__ import annotations

import json

import pytest
from lxml import etree

from tests.export.conftest import SCHEMAS

NS = {"g": "http://gexf.net/1.3"}


@pytest.fixture(scope="module")
def gexf_grammar() -> etree.RelaxNG:
    """The official GEXF 1.3 RELAX NG grammar (see schemas/README.md for why not the XSD)."""
    return etree.RelaxNG(etree.parse(str(SCHEMAS / "gexf-1.3" / "gexf.rng")))


def spells_of(element: etree._Element) -> list[tuple[str | None, str | None]]:
    return [(s.get("start"), s.get("end")) for s in element.findall("g:spells/g:spell", NS)]


def present(spells: list[tuple[str | None, str | None]], day: str) -> bool:
    """Whether an element with these spells is there on `day` (no spells: always)."""
    return not spells or any((a is None or a <= day) and (b is None or day <= b) for a, b in spells)


@pytest.mark.parametrize("filters", [{}, {"as_of": "1999"}, {"around": "aarhus", "radius": 2}])
def test_mini_gexf_is_valid(mini_graph, export_bytes, gexf_grammar, filters) -> None:
    """Every export of the tiny graph validates, Danish letters and markup in values included."""
    doc = etree.fromstring(export_bytes(mini_graph, "gexf", **filters))
    assert gexf_grammar.validate(doc), gexf_grammar.error_log


def test_seed_gexf_is_valid_and_dynamic(seed_graph, export_bytes, gexf_grammar) -> None:
    """The whole seed graph as dynamic GEXF validates and carries the manifest in <meta>."""
    doc = etree.fromstring(export_bytes(seed_graph, "gexf"))
    assert gexf_grammar.validate(doc), gexf_grammar.error_log
    graph = doc.find("g:graph", NS)
    assert graph.get("mode") == "dynamic" and graph.get("timeformat") == "date"
    manifest = json.loads(doc.findtext("g:meta/g:description", namespaces=NS))
    assert manifest["dataset_version"] == seed_graph.store.version
    assert manifest["counts"]["relationships"] == len(doc.findall("g:graph/g:edges/g:edge", NS))


def test_edges_carry_kind_direction_and_attributes(seed_graph, export_bytes, seed_dataset) -> None:
    """Each edge has its type as `kind`, its direction from the vocabulary, and its attributes typed."""
    doc = etree.fromstring(export_bytes(seed_graph, "gexf"))
    assert doc.find("g:graph", NS).get("defaultedgetype") is None  # mixed, as Gephi writes one
    nodes = {n.get("id"): n for n in doc.iterfind("g:graph/g:nodes/g:node", NS)}
    edges = {e.get("id"): e for e in doc.iterfind("g:graph/g:edges/g:edge", NS)}
    assert (len(nodes), len(edges)) == (len(seed_dataset.entities), len(seed_dataset.relationships))
    viborg = {a.get("for"): a.get("value") for a in nodes["viborg-kommune"].iterfind("g:attvalues/g:attvalue", NS)}
    assert nodes["viborg-kommune"].get("label") == "Viborg Kommune" and viborg["kind"] == "Municipality"
    assert float(viborg["lat"]) == pytest.approx(56.4532)
    edge = edges["viborg-kommune|PARTICIPATED_IN|madona-water-project|1998"]
    values = {a.get("for"): a.get("value") for a in edge.iterfind("g:attvalues/g:attvalue", NS)}
    assert (values["type"], values["start"], values["end"], values["symmetric"]) == (
        "PARTICIPATED_IN",
        "1998",
        "2001",
        "false",
    )
    for r in seed_dataset.relationships:
        e = edges[r.id]
        assert e.get("type") == ("undirected" if r.symmetric else "directed"), r.id
        assert e.get("kind").split(" (")[0] == r.type and e.get("label") == r.type, r.id
    kinds = [(e.get("source"), e.get("target"), e.get("kind")) for e in edges.values()]
    assert len(set(kinds)) == len(kinds)  # no two edges of a pair share a kind, so Gephi merges none


def test_spells_follow_the_dates(mini_graph, export_bytes) -> None:
    """A 1998–2001 relationship is there in 1999 and gone in 2003; year and month dates widen to whole periods."""
    doc = etree.fromstring(export_bytes(mini_graph, "gexf"))
    edges = {e.get("id"): spells_of(e) for e in doc.iterfind("g:graph/g:edges/g:edge", NS)}
    project = edges["aarhus|PARTICIPATED_IN|vand|1998"]
    assert project == [("1998-01-01", "2001-12-31")]
    assert present(project, "1999-06-30") and not present(project, "2003-01-01") and not present(project, "1997-12-31")
    assert edges["firma|ADVISED|vand|1999-03"] == [("1999-03-01", "2000-06-15")]
    assert edges["aarhus|TWINNED_WITH|brasov|2004"] == [("2004-01-01", None)]  # open end
    assert edges["brasov|LOCATED_IN|brasov-county|"] == []  # undated: always there
    nodes = {n.get("id"): spells_of(n) for n in doc.iterfind("g:graph/g:nodes/g:node", NS)}
    assert nodes["vand"] == [("1998-01-01", "2001-12-31")]  # the union of its ties
    assert present(nodes["vand"], "1999-01-01") and not present(nodes["vand"], "2003-01-01")
    assert nodes["aarhus"] == []  # has an undated tie, so always there
    assert nodes["alone"] == []


def test_seed_edge_spells_match_relationship_periods(seed_graph, export_bytes, seed_dataset) -> None:
    """Every dated or attested seed relationship's spell is exactly its period; undated ones have none."""
    doc = etree.fromstring(export_bytes(seed_graph, "gexf"))
    spells = {e.get("id"): spells_of(e) for e in doc.iterfind("g:graph/g:edges/g:edge", NS)}
    for r in seed_dataset.relationships:
        first = r.start or r.earliest_attested
        expected = [(r.period.first.isoformat() if first else None, r.period.last.isoformat() if r.end else None)]
        assert spells[r.id] == (expected if r.dating != "undated" or r.end else []), r.id
