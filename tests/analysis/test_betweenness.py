"""Betweenness in process, source by source: networkx's numbers when it runs to the end,
a marked sample of the sources done when the request's deadline stops it."""

from __future__ import annotations

import itertools

import networkx as nx
import pytest
from fastapi.testclient import TestClient

from app import deadline
from app.analysis import betweenness, centrality
from app.api.main import create_app
from app.config import Settings
from app.errors import QueryTimeout
from app.filters import RelFilter
from app.stores.memory import MemoryStore
from seed.synth import synthetic_dataset


@pytest.fixture(scope="module")
def graph() -> nx.Graph:
    g = nx.gnm_random_graph(120, 300, seed=3)
    return nx.relabel_nodes(g, {n: f"n{n:03d}" for n in g})


def test_a_whole_run_gives_networkx_numbers(graph: nx.Graph) -> None:
    """Exact (every source) and sampled (networkx's own sources for the seed): the same floats."""
    exact = betweenness.betweenness(graph, graph.number_of_nodes())
    assert exact.values == nx.betweenness_centrality(graph, normalized=True)
    assert not exact.approximate and exact.sample_size is None
    sampled = betweenness.betweenness(graph, 30)
    want = nx.betweenness_centrality(graph, k=30, normalized=True, seed=betweenness.SAMPLING_SEED)
    assert sampled.values == want and sampled.approximate and sampled.sample_size == 30


def test_the_deadline_stops_it_with_the_sources_done_marked(graph: nx.Graph) -> None:
    """A clock that moves one second per reading, a budget of ten: the pace says the sixth
    source would end past 70 % of the time, so five are kept, rescaled as a sample of five."""
    ticks = itertools.count()
    limit = deadline.Deadline(10.0, clock=lambda: float(next(ticks)))
    cut = betweenness.betweenness(graph, graph.number_of_nodes(), limit)
    assert cut.approximate and cut.sample_size == 5
    five = betweenness.sources(graph, graph.number_of_nodes())[:5]
    want = nx.betweenness_centrality_subset(graph, five, list(graph), normalized=False)
    # networkx's rescaling of a sample: sources by (k-1)(n-2), the others by k(n-2); both directions counted once
    n = graph.number_of_nodes()
    scale = {v: 1 / ((4 * (n - 2)) if v in five else (5 * (n - 2))) for v in graph}
    assert cut.values == pytest.approx({v: want[v] * 2 * scale[v] for v in graph})


def test_no_time_at_all_is_a_timeout(graph: nx.Graph) -> None:
    with pytest.raises(QueryTimeout):
        betweenness.betweenness(graph, 10, deadline.Deadline(0.0))


def test_the_embedded_api_answers_within_its_budget_marked() -> None:
    """An exact betweenness of 4,000 entities (about a minute here) asked with a two-second
    budget: a 200 marked approximate with the sources it had time for, not a 504."""
    dataset = synthetic_dataset(20_000)
    settings = Settings(request_time_budget=2.0, embedded_centrality_work=10**12)
    with TestClient(create_app(settings, MemoryStore(dataset)), raise_server_exceptions=False) as client:
        client.app.state.graph._graphs(RelFilter())  # type: ignore[attr-defined]  # the window's graph, kept
        r = client.get("/centrality", params={"metric": "betweenness", "limit": 5})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["approximate"] and 0 < body["sample_size"] < len({e.id for e in dataset.entities})
    assert len(body["results"]) == 5


def test_scores_alone_are_never_a_silent_sample(graph: nx.Graph) -> None:
    """`centrality.scores` (the report's) has no `approximate` mark to carry, so the request's
    deadline does not cut it: under the ticking clock above it is still the exact answer."""
    ticks = itertools.count()
    with deadline.within(deadline.Deadline(10.0, clock=lambda: float(next(ticks)))):
        got = centrality.scores(graph, "betweenness")
    assert got == centrality.rounded(nx.betweenness_centrality(graph, normalized=True))
