"""Brokerage in Neo4j (Cypher and GDS) against the networkx oracle, on a synthetic 10k graph."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import networkx as nx
import pytest

from app import deadline
from app.analysis import broker_counts
from app.analysis.brokerage import brokerage_summary
from app.analysis.snapshot_graph import directed, undirected
from app.filters import RelFilter
from app.model import Dataset
from app.stores.neo4j_store import Neo4jStore
from tests.scale_graph import scale_dataset

pytestmark = pytest.mark.neo4j

WINDOWS = [RelFilter(), RelFilter.build(as_of="2001"), RelFilter.build(start="1990", end="2005", types=["PARTNER_OF", "COOPERATED_WITH", "HOSTED"])]  # fmt: skip


@pytest.fixture(scope="module")
def scale(neo4j_loader: Callable[[Dataset], Neo4jStore]) -> tuple[Dataset, Neo4jStore]:
    dataset = scale_dataset(10_000)
    return dataset, neo4j_loader(dataset)


def oracle(dataset: Dataset, rel_filter: RelFilter) -> tuple[nx.Graph, nx.DiGraph]:
    rels = [r for r in dataset.relationships if rel_filter.admits(r)]
    return undirected(list(dataset.entities), rels), directed(rels)


def record(dataset: Dataset) -> Callable[[str], tuple[str | None, str]]:
    by_id = {e.id: e for e in dataset.entities}
    return lambda i: (by_id[i].country, by_id[i].kind.value)


@pytest.mark.parametrize("window", range(len(WINDOWS)))
@pytest.mark.parametrize("grouping", ["place", "sector"])
def test_one_broker_equals_networkx(scale: tuple[Dataset, Neo4jStore], window: int, grouping: str) -> None:
    """Pairs, exclusive pairs, open share, roles and the pairs listed equal the oracle's, hubs included."""
    dataset, store = scale
    rel_filter = WINDOWS[window]
    g, dg = oracle(dataset, rel_filter)
    by_id = {e.id: e for e in dataset.entities}
    hubs = sorted(g, key=lambda v: (-g.degree(v), v))[:3]
    for v in [*hubs, sorted(g)[len(g) // 2], sorted(g)[-1]]:
        expected = brokerage_summary(g, dg, v, by_id, grouping)
        ego = broker_counts.count_ego(store, v, rel_filter)
        assert ego.complete
        assert broker_counts.summary(ego, grouping, *record(dataset)(v)) == {
            k: expected[k] for k in ("pairs", "exclusive_pairs", "open_share", "roles")
        }
        ordered = sorted(expected["bridged"], key=lambda p: (not p[2], p[0], p[1]))
        assert ego.bridged(50, deadline.current()) == (ordered[:50], True)
    assert max(g.degree(v) for v in hubs) > 100  # the hubs are real hubs


@pytest.mark.parametrize("window", range(len(WINDOWS)))
def test_top_brokers_equal_networkx(scale: tuple[Dataset, Neo4jStore], window: int) -> None:
    """The top 20 by (exclusive pairs, pairs, id), with every number, equal the oracle's full ranking's."""
    dataset, store = scale
    rel_filter = WINDOWS[window]
    g, dg = oracle(dataset, rel_filter)
    by_id = {e.id: e for e in dataset.entities}
    full = []
    for v in g:
        s = brokerage_summary(g, dg, v, by_id, "sector")
        if s["pairs"]:
            full.append((v, {k: s[k] for k in ("pairs", "exclusive_pairs", "open_share", "roles")}))
    full.sort(key=lambda ns: (-ns[1]["exclusive_pairs"], -ns[1]["pairs"], ns[0]))
    found = broker_counts.top_brokers(store, rel_filter, "sector", 20, record(dataset))
    assert not found.truncated
    assert found.rows == full[:20]


def test_a_count_cut_by_the_deadline_is_marked_and_bounds_the_truth(scale: tuple[Dataset, Neo4jStore]) -> None:
    """A hub's count stopped after its first batch of ties says so, and its numbers are upper bounds."""
    dataset, store = scale
    g, dg = oracle(dataset, RelFilter())
    hub = max(g, key=lambda v: (g.degree(v), v))
    now = [0.0]
    clock = deadline.Deadline(5.0, "request_time_budget", clock=lambda: now[0])
    reading = store.broker_ties

    calls = []

    def ties_then_expire(*args: Any) -> Any:
        calls.append(args)
        if len(calls) == 2:
            now[0] = 6.0  # the first batch is counted, the second is read too late
        return reading(*args)

    store.broker_ties = ties_then_expire  # type: ignore[method-assign]
    old_batch = broker_counts.TIES_BATCH
    broker_counts.TIES_BATCH = 50
    try:
        with deadline.within(clock):
            ego = broker_counts.count_ego(store, hub, RelFilter())
    finally:
        broker_counts.TIES_BATCH = old_batch
        del store.broker_ties
    assert not ego.complete and ego.read == 50 < ego.k
    truth = brokerage_summary(g, dg, hub, {e.id: e for e in dataset.entities}, "place")
    ours = broker_counts.summary(ego, "place", *record(dataset)(hub))
    assert ours["pairs"] >= truth["pairs"] and ours["exclusive_pairs"] >= truth["exclusive_pairs"]
    assert all(ours["roles"][r] >= n for r, n in truth["roles"].items())
    assert ours != {k: truth[k] for k in ours}  # cut early on a hub: the bounds are not yet the truth


def test_a_ranking_cut_by_the_deadline_is_marked(scale: tuple[Dataset, Neo4jStore]) -> None:
    """Out of time after the first candidate: the rows found are kept and the answer says it is cut."""
    dataset, store = scale
    now = [0.0]
    clock = deadline.Deadline(5.0, "request_time_budget", clock=lambda: now[0])
    counting = broker_counts.count_ego

    def count_then_expire(*args: Any) -> Any:
        ego = counting(*args)
        now[0] = 6.0
        return ego

    broker_counts.count_ego = count_then_expire  # type: ignore[assignment]
    try:
        with deadline.within(clock):
            found = broker_counts.top_brokers(store, RelFilter(), "place", 10, record(dataset))
    finally:
        broker_counts.count_ego = counting  # type: ignore[assignment]
    assert found.truncated and len(found.rows) == 1
