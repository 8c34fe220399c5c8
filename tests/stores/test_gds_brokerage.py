"""Brokerage counted from neighbourhoods (`broker_counts`) on both backends, Neo4j (Cypher and
GDS) and the embedded store, against the networkx oracle, on a synthetic 10k graph."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from app import deadline
from app.analysis import broker_counts
from app.analysis.brokerage import brokerage_summary
from app.config import Settings
from app.errors import QueryTimeout
from app.filters import RelFilter
from app.model import Dataset
from app.service import CityGraph
from app.stores.base import BrokerageStore
from app.stores.memory import MemoryStore
from app.stores.neo4j_store import Neo4jStore
from tests.broker_oracle import oracle, oracle_ranking, ranking_rows
from tests.scale_graph import scale_dataset

pytestmark = pytest.mark.neo4j

ONE_BLOCK = Settings().broker_bitset_bytes  # the default: a 10k graph's hubs fit in one block
WINDOWS = [RelFilter(), RelFilter.build(as_of="2001"), RelFilter.build(start="1990", end="2005", types=["PARTNER_OF", "COOPERATED_WITH", "HOSTED"])]  # fmt: skip


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return scale_dataset(10_000)


@pytest.fixture(scope="module")
def neo4j_scale(dataset: Dataset, neo4j_loader: Callable[[Dataset], Neo4jStore]) -> Neo4jStore:
    return neo4j_loader(dataset)


@pytest.fixture(params=["neo4j", "memory"])
def scale(request: pytest.FixtureRequest, dataset: Dataset) -> tuple[Dataset, BrokerageStore]:
    """The synthetic graph in each backend (one Neo4j load for the module)."""
    if request.param == "neo4j":
        return dataset, request.getfixturevalue("neo4j_scale")
    return dataset, MemoryStore(dataset)


def fake_budget(now: list[float]) -> deadline.Deadline:
    """A request's 5 s budget on a clock the test moves (`now[0]`)."""
    return deadline.Deadline(5.0, "request_time_budget", clock=lambda: now[0])


@contextmanager
def batches_of_50(store: BrokerageStore, before_each: Callable[[int], None]) -> Iterator[None]:
    """The store reads ties 50 neighbours a call, `before_each(calls so far)` run before each."""
    reading, calls = store.broker_ties, [0]

    def ties(*args: Any) -> Any:
        calls[0] += 1
        before_each(calls[0])
        return reading(*args)

    store.broker_ties = ties  # type: ignore[method-assign]
    store.ties_batch = 50
    try:
        yield
    finally:
        del store.broker_ties, store.ties_batch


def record(dataset: Dataset) -> Callable[[str], tuple[str | None, str]]:
    by_id = {e.id: e for e in dataset.entities}
    return lambda i: (by_id[i].country, by_id[i].kind.value)


@pytest.mark.parametrize("window", range(len(WINDOWS)))
@pytest.mark.parametrize("grouping", ["place", "sector"])
def test_one_broker_equals_networkx(scale: tuple[Dataset, BrokerageStore], window: int, grouping: str) -> None:
    """Pairs, exclusive pairs, open share, roles and the pairs listed equal the oracle's, hubs included."""
    dataset, store = scale
    rel_filter = WINDOWS[window]
    g, dg = oracle(dataset, rel_filter)
    by_id = {e.id: e for e in dataset.entities}
    hubs = sorted(g, key=lambda v: (-g.degree(v), v))[:3]
    for v in [*hubs, sorted(g)[len(g) // 2], sorted(g)[-1]]:
        expected = brokerage_summary(g, dg, v, by_id, grouping)
        ego = broker_counts.count_ego(store, v, rel_filter, ONE_BLOCK)
        assert ego.complete
        assert broker_counts.summary(ego, grouping, *record(dataset)(v)) == {
            k: expected[k] for k in ("pairs", "exclusive_pairs", "open_share", "roles")
        }
        ordered = sorted(expected["bridged"], key=lambda p: (not p[2], p[0], p[1]))
        assert ego.bridged(50, deadline.current()) == (ordered[:50], True)
    assert max(g.degree(v) for v in hubs) > 100  # the hubs are real hubs


@pytest.mark.parametrize("window", range(len(WINDOWS)))
def test_top_brokers_equal_networkx(scale: tuple[Dataset, BrokerageStore], window: int) -> None:
    """The top 20 by (exclusive pairs, pairs, id), with every number, equal the oracle's full ranking's."""
    dataset, store = scale
    rel_filter = WINDOWS[window]
    found = broker_counts.top_brokers(store, rel_filter, 20, ONE_BLOCK)
    assert not found.truncated and found.proven == 20
    for grouping in ("place", "sector"):
        assert found.top(grouping, 20) == (oracle_ranking(dataset, rel_filter, grouping)[:20], False)


def test_a_count_within_a_small_bitset_budget_holds_blocks_and_gives_the_same_answer(
    scale: tuple[Dataset, BrokerageStore],
) -> None:
    """With `max_bytes` for a few rows, a hub is counted block by block: never more rows held
    than the budget allows, and every number and pair listed as with one block (the oracle's)."""
    dataset, store = scale
    rel_filter = WINDOWS[1]
    g, dg = oracle(dataset, rel_filter)
    hub = max(g, key=lambda v: (g.degree(v), v))
    k = g.degree(hub)
    budget = 7 * broker_counts.row_bytes(k) + 5  # 7 rows a block
    held: list[int] = []
    rows_of = broker_counts.EgoCount._block_rows

    def recording(ego: broker_counts.EgoCount, lo: int, hi: int, limit: deadline.Deadline) -> list[int] | None:
        found = rows_of(ego, lo, hi, limit)
        held.append(sum(broker_counts.row_bytes(k) for _ in found or []))
        return found

    broker_counts.EgoCount._block_rows = recording  # type: ignore[method-assign]
    try:
        ego = broker_counts.count_ego(store, hub, rel_filter, budget)
        listed = ego.bridged(10**6, deadline.current())
    finally:
        broker_counts.EgoCount._block_rows = rows_of  # type: ignore[method-assign]
    assert ego.complete and ego.block == 7 and len(held) >= 3 * (k // 7)  # settled, then listed twice
    assert max(held) <= budget
    expected = brokerage_summary(g, dg, hub, {e.id: e for e in dataset.entities}, "sector")
    assert broker_counts.summary(ego, "sector", *record(dataset)(hub)) == {
        key: expected[key] for key in ("pairs", "exclusive_pairs", "open_share", "roles")
    }
    assert listed == (sorted(expected["bridged"], key=lambda p: (not p[2], p[0], p[1])), True)
    assert 0 < expected["exclusive_pairs"] < expected["pairs"]  # both kinds of pair are listed


def test_a_ranking_within_a_small_bitset_budget_equals_networkx(scale: tuple[Dataset, BrokerageStore]) -> None:
    """The top 10 counted in blocks of 3 rows are the oracle's (exact, not truncated)."""
    dataset, store = scale
    found = broker_counts.top_brokers(store, RelFilter(), 10, 3 * broker_counts.row_bytes(1000))
    assert not found.truncated and found.top("place", 10) == (oracle_ranking(dataset, RelFilter(), "place")[:10], False)


def test_a_count_cut_by_the_deadline_is_marked_and_bounds_the_truth(scale: tuple[Dataset, BrokerageStore]) -> None:
    """A hub's count stopped after its first batch of ties says so, and its numbers are upper bounds."""
    dataset, store = scale
    g, dg = oracle(dataset, RelFilter())
    hub = max(g, key=lambda v: (g.degree(v), v))
    now = [0.0]

    def ties_then_expire(calls: int) -> None:
        if calls == 2:
            now[0] = 6.0  # the first batch is counted, the second is read too late

    with batches_of_50(store, ties_then_expire), deadline.within(fake_budget(now)):
        ego = broker_counts.count_ego(store, hub, RelFilter(), ONE_BLOCK)
    assert not ego.complete and ego.read == 50 < ego.k
    truth = brokerage_summary(g, dg, hub, {e.id: e for e in dataset.entities}, "place")
    ours = broker_counts.summary(ego, "place", *record(dataset)(hub))
    assert ours["pairs"] >= truth["pairs"] and ours["exclusive_pairs"] >= truth["exclusive_pairs"]
    assert all(ours["roles"][r] >= n for r, n in truth["roles"].items())
    assert ours != {k: truth[k] for k in ours}  # cut early on a hub: the bounds are not yet the truth


def test_a_ranking_cut_by_the_deadline_is_marked(scale: tuple[Dataset, BrokerageStore]) -> None:
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
            found = broker_counts.top_brokers(store, RelFilter(), 10, ONE_BLOCK)
    finally:
        broker_counts.count_ego = counting  # type: ignore[assignment]
    assert found.truncated and len(found.rows) == 1
    # The one broker counted is the strongest: the next candidate's pairs bound everyone left.
    expected = oracle_ranking(dataset, RelFilter(), "place")
    assert found.proven == 1 and found.top("place", 1) == (expected[:1], False)
    assert found.top("place", 2)[1]  # asking for more than was proven is marked


def test_a_ranking_with_nothing_found_in_time_is_a_timeout_not_an_empty_one(
    scale: tuple[Dataset, BrokerageStore],
) -> None:
    """Out of time before the first broker is counted: a 504 (or on Neo4j a 202 while the window's
    preparation goes on), never an empty ranking marked cut, which would be kept for later requests."""
    _, store = scale
    now = [0.0]
    counting = broker_counts.count_ego

    def expire_first(*args: Any) -> Any:
        now[0] = 6.0
        return counting(*args)

    broker_counts.count_ego = expire_first  # type: ignore[assignment]
    try:
        with deadline.within(fake_budget(now)), pytest.raises(QueryTimeout, match="budget"):
            broker_counts.top_brokers(store, RelFilter(), 10, ONE_BLOCK)
    finally:
        broker_counts.count_ego = counting  # type: ignore[assignment]


def test_the_prepared_ranking_equals_the_one_computed_on_request_and_the_oracle(
    neo4j_scale: Neo4jStore, dataset: Dataset, neo4j_settings: Settings
) -> None:
    """Prepared once for both groupings, the whole dataset's top brokers are what a request
    computes itself and what networkx finds, and requests read them without a new search."""
    prepared = CityGraph(
        neo4j_scale, neo4j_settings.model_copy(update={"prepare_brokers": 20, "prepare_broker_hubs": 40})
    )
    prepared.prepare()
    end = time.monotonic() + 300
    while prepared.preparer.status()["state"] == "preparing" and time.monotonic() < end:
        time.sleep(0.2)
    assert prepared.preparer.status()["prepared"][-1] == "brokerage", prepared.preparer.status()
    on_request = CityGraph(neo4j_scale, neo4j_settings)
    searched = neo4j_scale.broker_candidates
    neo4j_scale.broker_candidates = lambda *args: pytest.fail("the prepared ranking was searched again")  # type: ignore[method-assign]
    try:
        answers = {g: prepared.brokerage(RelFilter(), grouping=g, limit=20) for g in ("place", "sector")}
    finally:
        del neo4j_scale.broker_candidates
    assert neo4j_scale.broker_candidates == searched
    for grouping, answer in answers.items():
        assert not answer["truncated"]
        assert ranking_rows(answer) == oracle_ranking(dataset, RelFilter(), grouping)[:20]
        assert answer == on_request.brokerage(RelFilter(), grouping=grouping, limit=20)
    # The hubs the search counted whole answer their own brokerage from it, without reading a
    # tie again, as a request counting them itself does (every pair listed up to max_results).
    g, dg = oracle(dataset, RelFilter())
    hubs = sorted(g, key=lambda v: (-g.degree(v), v))[:3]
    examined = prepared._prepared_brokers(RelFilter(), 1).examined  # type: ignore[union-attr]
    assert set(hubs) <= set(examined) and len(examined) >= 40  # the search went on past the ranking's
    beyond = [e for e in examined if e not in {row[0] for row in oracle_ranking(dataset, RelFilter(), "place")[:20]}]
    hubs += beyond[-1:]  # one counted only because prepare_broker_hubs asked for it
    neo4j_scale.broker_ties = lambda *args: pytest.fail("a prepared hub's ties were read again")  # type: ignore[method-assign]
    try:
        ones = {
            (hub, grouping, limit): prepared.brokerage(RelFilter(), hub, grouping, limit)
            for hub in hubs
            for grouping in ("place", "sector")
            for limit in (7, neo4j_settings.max_results)
        }
    finally:
        del neo4j_scale.broker_ties
    by_id = {e.id: e for e in dataset.entities}
    for (hub, grouping, limit), answer in ones.items():
        assert answer == on_request.brokerage(RelFilter(), hub, grouping, limit)
        assert not answer["approximate"] and answer["truncated"] == (answer["pairs"] > limit)
        expected = brokerage_summary(g, dg, hub, by_id, grouping)
        assert (answer["pairs"], answer["exclusive_pairs"], answer["roles"]) == (
            expected["pairs"], expected["exclusive_pairs"], expected["roles"]
        )  # fmt: skip
        ordered = sorted(expected["bridged"], key=lambda p: (not p[2], p[0], p[1]))[:limit]
        assert [(p["a"]["id"], p["b"]["id"], p["only_through"]) for p in answer["bridged"]] == ordered


def test_a_count_cut_by_the_budget_leaves_time_to_answer(
    scale: tuple[Dataset, BrokerageStore], settings: Settings
) -> None:
    """Batches of ties slow enough to use up the budget: the count stops at its share of it,
    and the answer (the pairs found listed, their entities named) comes marked within the
    budget, not as a 504 or after it."""
    dataset, store = scale
    g, _ = oracle(dataset, RelFilter())
    hub = max(g, key=lambda v: (g.degree(v), v))
    now = [0.0]

    def slow_ties(calls: int) -> None:
        now[0] += 1.0  # each batch takes a fifth of the budget

    with batches_of_50(store, slow_ties), deadline.within(fake_budget(now)) as clock:
        answer = CityGraph(store, settings).brokerage(RelFilter(), hub, "place", 20)  # type: ignore[arg-type]
    assert not clock.expired  # answered with time to spare: the count stopped at 3.75 s
    assert answer["approximate"] and answer["truncated"]
    assert "the time budget ran out after the ties of" in answer["notes"][0]
    assert len(answer["bridged"]) == 20 and all(p["a"]["name"] and p["b"]["name"] for p in answer["bridged"])


def test_hubs_counted_past_the_ranking_do_not_cut_it_when_time_runs_out(scale: tuple[Dataset, BrokerageStore]) -> None:
    """Out of time while counting hubs beyond the ranking: the ranking stays whole, and the
    hubs counted before are kept."""
    dataset, store = scale
    ranking_only = broker_counts.top_brokers(store, RelFilter(), 10, ONE_BLOCK, listed=5)
    needed = len(ranking_only.examined)  # the candidates the ranking itself counts
    now = [0.0]
    counting = broker_counts.count_ego
    calls = [0]

    def count_then_expire(*args: Any) -> Any:
        calls[0] += 1
        if calls[0] == needed + 2:
            now[0] = 6.0  # one hub past the ranking is counted whole, the next is cut
        return counting(*args)

    broker_counts.count_ego = count_then_expire  # type: ignore[assignment]
    try:
        with deadline.within(fake_budget(now)):
            found = broker_counts.top_brokers(store, RelFilter(), 10, ONE_BLOCK, listed=5, hubs=needed + 10)
    finally:
        broker_counts.count_ego = counting  # type: ignore[assignment]
    assert not found.truncated and found.proven == 10 and found.rows == ranking_only.rows
    assert found.top("place", 10) == (oracle_ranking(dataset, RelFilter(), "place")[:10], False)
    assert len(found.examined) == needed + 1 and set(ranking_only.examined) < set(found.examined)
