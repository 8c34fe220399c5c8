"""Centrality against independent oracles: hand calculations, and python-igraph."""

from __future__ import annotations

import igraph as ig
import pytest
from fastapi.testclient import TestClient

from app.analysis.centrality import compute, scores
from app.analysis.snapshot_graph import undirected
from app.filters import RelFilter
from app.model import Dataset
from app.stores.memory import MemoryStore

# The fixture graph without its LOCATED_IN links is the tree e–d–a–b–c with f on b.
HAND_DEGREE = {"a": 0.4, "b": 0.6, "c": 0.2, "d": 0.4, "e": 0.2, "f": 0.2}
# Pairs through b: c and f against a, d, e, and c–f: 7 of 10 pairs.
HAND_BETWEENNESS = {"a": 0.6, "b": 0.7, "c": 0.0, "d": 0.4, "e": 0.0, "f": 0.0}


def results(client: TestClient, metric: str) -> dict[str, float]:
    body = client.get("/centrality", params={"metric": metric, "limit": 500}).json()
    return {r["entity"]["id"]: r["score"] for r in body["results"]}


def test_degree_by_hand(fixture_client: TestClient) -> None:
    """Degree centrality on the fixture equals the hand calculation."""
    assert results(fixture_client, "degree") == pytest.approx(HAND_DEGREE)


def test_betweenness_by_hand(fixture_client: TestClient) -> None:
    """Betweenness on the fixture equals the hand calculation; b is the top broker."""
    got = results(fixture_client, "betweenness")
    assert got == pytest.approx(HAND_BETWEENNESS)
    ranking = fixture_client.get("/centrality", params={"metric": "betweenness"}).json()["results"]
    assert [r["entity"]["id"] for r in ranking[:3]] == ["b", "a", "d"]
    assert [r["rank"] for r in ranking] == [1, 2, 3, 4, 4, 4]  # c, e, f tie at 0


def test_as_of_changes_the_graph(fixture_client: TestClient) -> None:
    """As of 2004 only B–C and F–B are in force among the non-structural links."""
    body = fixture_client.get("/centrality", params={"metric": "degree", "as_of": "2004"}).json()
    assert {r["entity"]["id"] for r in body["results"]} == {"b", "c", "f"}


@pytest.fixture(scope="module")
def seed_graph_pair(seed_dataset: Dataset):  # type: ignore[no-untyped-def]
    """The seed snapshot as networkx (ours) and igraph (the oracle)."""
    store = MemoryStore(seed_dataset)
    entities, rels = store.snapshot(__import__("app.filters", fromlist=["RelFilter"]).RelFilter())
    g = undirected(entities, rels)
    nodes = sorted(g.nodes)
    ig_graph = ig.Graph(n=len(nodes), edges=[(nodes.index(u), nodes.index(v)) for u, v in g.edges])
    return g, ig_graph, nodes


def test_betweenness_matches_igraph(seed_graph_pair) -> None:  # type: ignore[no-untyped-def]
    """Normalised betweenness on the seed graph equals igraph's."""
    g, ig_graph, nodes = seed_graph_pair
    n = len(nodes)
    ours = compute(g, "betweenness").values
    theirs = [b / ((n - 1) * (n - 2) / 2) for b in ig_graph.betweenness()]
    assert [ours[v] for v in nodes] == pytest.approx(theirs, abs=1e-9)


def test_closeness_matches_igraph(seed_graph_pair) -> None:  # type: ignore[no-untyped-def]
    """Closeness (Wasserman–Faust for split graphs) equals igraph's times the reachable share."""
    g, ig_graph, nodes = seed_graph_pair
    n = len(nodes)
    ours = compute(g, "closeness").values
    reach = [len(ig_graph.subcomponent(i)) for i in range(n)]
    theirs = [(c if c == c else 0.0) * (r - 1) / (n - 1) for c, r in zip(ig_graph.closeness(), reach, strict=True)]
    assert [ours[v] for v in nodes] == pytest.approx(theirs, abs=1e-9)


def test_pagerank_matches_igraph(seed_graph_pair) -> None:  # type: ignore[no-untyped-def]
    """PageRank (damping 0.85) equals igraph's."""
    g, ig_graph, nodes = seed_graph_pair
    ours = scores(g, "pagerank")
    theirs = ig_graph.pagerank(damping=0.85)
    assert [ours[v] for v in nodes] == pytest.approx(theirs, abs=1e-6)


def test_degree_matches_igraph(seed_graph_pair) -> None:  # type: ignore[no-untyped-def]
    """Degree centrality equals igraph's degree over n−1."""
    g, ig_graph, nodes = seed_graph_pair
    ours = scores(g, "degree")
    n = len(nodes)
    assert [ours[v] for v in nodes] == pytest.approx([d / (n - 1) for d in ig_graph.degree()])


def test_eigenvector_matches_igraph_on_the_largest_component(seed_graph_pair) -> None:  # type: ignore[no-untyped-def]
    """Eigenvector centrality on the largest component is igraph's, up to scale; 0 elsewhere."""
    g, ig_graph, nodes = seed_graph_pair
    ours = scores(g, "eigenvector")
    giant = max(ig_graph.connected_components(), key=len)
    sub = ig_graph.subgraph(giant)
    theirs = sub.eigenvector_centrality(scale=True)
    top = max(ours.values())
    assert [ours[nodes[i]] / top for i in giant] == pytest.approx(theirs, abs=1e-6)
    outside = set(range(len(nodes))) - set(giant)
    assert all(ours[nodes[i]] == 0.0 for i in outside)


def test_embedded_work_bound_samples_betweenness_and_refuses_closeness(seed_dataset: Dataset) -> None:
    """Over the bound, betweenness starts from as many sources as fit (and says how many)
    and closeness is refused with the filters that shrink the window; under it, both exact."""
    from app.api.main import create_app
    from app.config import Settings

    store = MemoryStore(seed_dataset)
    graph = undirected(*store.snapshot(RelFilter()))
    nodes, edges = graph.number_of_nodes(), graph.number_of_edges()
    per_source = nodes + 2 * edges  # one breadth-first search
    tight = Settings(_env_file=None, embedded_centrality_work=40 * per_source)  # type: ignore[call-arg]
    with TestClient(create_app(tight, store), raise_server_exceptions=False) as client:
        body = client.get("/centrality", params={"metric": "betweenness"}).json()
        assert body["approximate"] is True
        assert body["sample_size"] == 40 < nodes
        refused = client.get("/centrality", params={"metric": "closeness"})
        assert refused.status_code == 422
        error = refused.json()["error"]
        assert error["code"] == "invalid_parameter"
        assert "as_of" in error["message"] and f"{nodes:,}" in error["message"]
    roomy = Settings(_env_file=None)  # type: ignore[call-arg]  # the default: the seed is far below it
    with TestClient(create_app(roomy, store), raise_server_exceptions=False) as client:
        body = client.get("/centrality", params={"metric": "betweenness"}).json()
        assert body["approximate"] is False and body["sample_size"] is None
        assert client.get("/centrality", params={"metric": "closeness"}).status_code == 200
