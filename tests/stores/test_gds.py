"""Centrality in Neo4j (GDS) against the networkx oracle, on a synthetic 10k graph.

Exact metrics agree up to float tolerance; sampled betweenness ranks like the exact one
(Spearman ≥ 0.9). Closeness and exact betweenness on 10k are checked against igraph, the
fast oracle that `tests/analysis/test_centrality.py` shows equal to networkx on the seed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import igraph as ig
import networkx as nx
import pytest
from neo4j import Driver
from scipy.stats import spearmanr

from app import deadline
from app.analysis.centrality import compute, ranking
from app.analysis.degree_years import DegreeYears
from app.analysis.snapshot_graph import undirected
from app.dates import PartialDate
from app.errors import InvalidParameter, QueryTimeout
from app.filters import RelFilter
from app.model import Dataset, Entity, Relationship
from app.stores import gds_budget, neo4j_analytics
from app.stores.base import CentralityPlan, Scores
from app.stores.gds_budget import FIRST_GUESS, Pace
from app.stores.gds_projections import ProjectionCache
from app.stores.neo4j_store import Neo4jStore
from app.vocabulary import Kind
from tests.fixture_graph import SRC
from tests.scale_graph import scale_dataset

pytestmark = pytest.mark.neo4j

EXACT = CentralityPlan(exact_max_nodes=10**9)
WINDOWS = [RelFilter(), RelFilter.build(as_of="2001"), RelFilter.build(start="1990", end="2005", types=["PARTNER_OF", "COOPERATED_WITH", "HOSTED"])]  # fmt: skip


@pytest.fixture(scope="module")
def scale(neo4j_loader: Callable[[Dataset], Neo4jStore]) -> tuple[Dataset, Neo4jStore]:
    dataset = scale_dataset(10_000)
    return dataset, neo4j_loader(dataset)


def oracle_graph(dataset: Dataset, rel_filter: RelFilter) -> nx.Graph:
    return undirected(list(dataset.entities), [r for r in dataset.relationships if rel_filter.admits(r)])


def as_igraph(g: nx.Graph) -> tuple[ig.Graph, list[str]]:
    nodes = sorted(g.nodes)
    index = {v: i for i, v in enumerate(nodes)}
    return ig.Graph(n=len(nodes), edges=[(index[u], index[v]) for u, v in g.edges]), nodes


def close(a: dict[str, float], b: dict[str, float], tol: float) -> None:
    assert a.keys() == b.keys()
    worst = max((abs(a[k] - b[k]), k) for k in a)
    assert worst[0] <= tol, f"{worst[1]}: {a[worst[1]]} against {b[worst[1]]}"


@pytest.mark.parametrize("window", range(len(WINDOWS)))
@pytest.mark.parametrize(("metric", "tol"), [("degree", 1e-12), ("pagerank", 1e-10), ("eigenvector", 1e-9)])
def test_gds_equals_networkx(scale: tuple[Dataset, Neo4jStore], metric: str, tol: float, window: int) -> None:
    """Degree, PageRank and eigenvector (largest component) equal networkx's, in each window."""
    dataset, store = scale
    rel_filter = WINDOWS[window]
    g = oracle_graph(dataset, rel_filter)
    assert g.number_of_nodes() > 100  # the window is not trivially small
    close(store.centrality(metric, rel_filter, EXACT).values, compute(g, metric, EXACT).values, tol)


@pytest.mark.parametrize("metric", ["degree", "pagerank", "eigenvector", "betweenness", "closeness"])
def test_scores_come_with_the_entities_kinds(scale: tuple[Dataset, Neo4jStore], metric: str) -> None:
    """Every score stream gives each scored entity's kind (what `?kinds=` filters by)."""
    dataset, store = scale
    kind_of = {e.id: e.kind.value for e in dataset.entities}
    found = store.centrality(metric, WINDOWS[1], CentralityPlan(exact_max_nodes=100, samples=50))
    assert len(found.values) > 100 and found.kinds == {node: kind_of[node] for node in found.values}
    assert len(set(found.kinds.values())) > 3


def test_degree_history_counts_equal_each_years_ranking(scale: tuple[Dataset, Neo4jStore]) -> None:
    """The degree counts of every year at once (`history_degree_counts`) give each year's
    score, rank and number ranked as that year's own ranking does: for the best-linked
    entity, one of few links and one without links in early years; before any data too."""
    _, store = scale
    table = DegreeYears(store.degree_year_counts())
    whole = ranking(store.centrality("degree", RelFilter(), EXACT).values)
    picked = [
        whole.rows(0, 1)[0][0],
        whole.rows(len(whole) // 2, len(whole) // 2 + 1)[0][0],
        whole.rows(len(whole) - 1, len(whole))[0][0],
    ]
    years = range(1930, 2031, 5)
    degrees = {node: store.degree_by_year(node, years) for node in picked}
    seen_unlinked = seen_linked = 0
    for year in years:
        yearly = ranking(store.centrality("degree", RelFilter.build(as_of=str(year)), EXACT).values)
        for node in picked:
            hit = yearly.find(node)
            assert table.point(year, degrees[node][year]) == (*(hit or (0.0, None)), len(yearly)), (year, node)
            seen_linked += hit is not None
            seen_unlinked += hit is None and len(yearly) > 0
    assert seen_linked > 10 and seen_unlinked > 0


def test_closeness_equals_the_oracle(scale: tuple[Dataset, Neo4jStore]) -> None:
    """Closeness (Wasserman–Faust) equals igraph's times the reachable share."""
    dataset, store = scale
    rel_filter = WINDOWS[1]
    h, nodes = as_igraph(oracle_graph(dataset, rel_filter))
    n = len(nodes)
    reach = [len(c) for c in h.connected_components() for _ in c]
    member = {v: len(c) for c in h.connected_components() for v in c}
    assert len(reach) == n
    expected = {
        nodes[i]: (c if c == c else 0.0) * (member[i] - 1) / (n - 1) for i, c in enumerate(h.closeness())
    }  # fmt: skip
    close(store.centrality("closeness", rel_filter, EXACT).values, expected, 1e-10)


def test_closeness_past_the_database_bound_is_refused(scale: tuple[Dataset, Neo4jStore]) -> None:
    """The bound counts the window's projected entities and links (as networkx counts them):
    at the exact work it runs, one step less is a 422 naming the filters, not a sure 504."""
    dataset, store = scale
    rel_filter = WINDOWS[1]
    g = oracle_graph(dataset, rel_filter)
    work = g.number_of_nodes() * (g.number_of_nodes() + 2 * g.number_of_edges())
    at = CentralityPlan(closeness_max_work=work)
    assert store.centrality("closeness", rel_filter, at).values.keys() == set(g)
    with pytest.raises(InvalidParameter) as refused:
        store.centrality("closeness", rel_filter, CentralityPlan(closeness_max_work=work - 1))
    assert f"{g.number_of_nodes():,} entities over its {g.number_of_edges():,} links" in refused.value.message
    assert "narrow the window" in refused.value.message and refused.value.details["field"] == "metric"


def test_betweenness_exact_and_sampled(scale: tuple[Dataset, Neo4jStore]) -> None:
    """Exact betweenness equals igraph's; the sampled one says so and ranks alike (ρ ≥ 0.9)."""
    dataset, store = scale
    g = oracle_graph(dataset, RelFilter())
    h, nodes = as_igraph(g)
    n = len(nodes)
    expected = {v: b / ((n - 1) * (n - 2) / 2) for v, b in zip(nodes, h.betweenness(), strict=True)}
    exact = store.centrality("betweenness", RelFilter(), EXACT)
    assert not exact.approximate and exact.sample_size is None
    close(exact.values, expected, 1e-10)

    plan = CentralityPlan(exact_max_nodes=1000, samples=300)
    for sampled in (store.centrality("betweenness", RelFilter(), plan), compute(g, "betweenness", plan)):
        assert (sampled.approximate, sampled.sample_size) == (True, 300)
        rho = spearmanr([sampled.values[v] for v in nodes], [expected[v] for v in nodes]).statistic
        assert rho >= 0.9


def sized(store: Neo4jStore, metric: str, pace: Pace) -> Scores:
    """`metric` of all time in a request with 60 s left (a clock that stands still) and `pace` as the pace seen lately."""
    budget = deadline.Deadline(60.0, "request_time_budget", clock=lambda: 0.0)
    with deadline.within(budget):
        return neo4j_analytics.centrality(
            store._read, store._lease, metric, RelFilter(), EXACT, store._read_scores, pace
        )


@pytest.mark.parametrize("metric", ["pagerank", "eigenvector"])
def test_iterations_that_do_not_fit_are_cut_and_marked(scale: tuple[Dataset, Neo4jStore], metric: str) -> None:
    """Where GDS has lately been so slow that one iteration takes the time left, PageRank and eigenvector
    run one iteration and say so (`approximate`, `iterations`): every entity scored, no 504; where the
    whole run fits, the answer is the converged one (`iterations` None)."""
    dataset, store = scale
    cut = sized(store, metric, Pace({metric: 1.0}))
    whole = sized(store, metric, Pace())
    assert (cut.approximate, cut.iterations) == (True, 1)
    assert (whole.approximate, whole.iterations) == (False, None)
    assert cut.values.keys() == whole.values.keys() and cut.kinds == whole.kinds
    assert cut.values != whole.values  # one iteration is not the fixed point
    if metric == "pagerank":
        assert sum(cut.values.values()) == pytest.approx(1.0)
    close(whole.values, compute(oracle_graph(dataset, RelFilter()), metric).values, 1e-9)


def test_eigenvector_of_a_large_window_runs_on_its_own_graph(
    scale: tuple[Dataset, Neo4jStore], monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a request, above `LOOPS_MAX_NODES`, eigenvector runs on the window's graph (no loops, no copy of the
    largest component): the largest component's scores are networkx's within 1e-4 (A's power
    iteration ends less precisely than that of A + I: 7e-5 off here), every other entity 0."""
    dataset, store = scale
    monkeypatch.setattr(neo4j_analytics, "LOOPS_MAX_NODES", 0)
    window = RelFilter.build(as_of="2001")
    with deadline.within(deadline.Deadline(30.0, "request_time_budget", clock=lambda: 0.0)):  # a request
        found = store.centrality("eigenvector", window, EXACT)
    expected = compute(oracle_graph(dataset, window), "eigenvector").values
    assert (found.approximate, found.iterations) == (False, None)
    linked = {k: v for k, v in expected.items() if k in found.values}
    close(found.values, linked, 1e-4)
    assert found.kinds.keys() == found.values.keys()


def test_sources_that_do_not_fit_are_fewer_and_marked(scale: tuple[Dataset, Neo4jStore]) -> None:
    """An exact betweenness (the plan's) that would not fit starts from the sources that do, marked."""
    _, store = scale
    cut = sized(store, "betweenness", Pace({"betweenness": 1.0}))
    assert (cut.approximate, cut.sample_size) == (True, 1)
    assert cut.values.keys() == store.centrality("degree", RelFilter(), EXACT).values.keys()  # every entity scored


def test_the_pace_is_learned_and_no_score_property_is_left(
    scale: tuple[Dataset, Neo4jStore], neo4j_driver: Driver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A PageRank run teaches the pace its seconds per relationship and iteration; the node property
    it wrote into the cached projection is dropped after the scores are read."""
    _, store = scale
    pace = Pace()
    monkeypatch.setattr(gds_budget, "LEARN_MIN_UNITS", 1)  # the 10k graph's steps are small: mostly overhead
    monkeypatch.setitem(gds_budget.OVERHEAD, "pagerank", 0.0)
    sized(store, "pagerank", pace)
    assert 0 < pace.seconds("pagerank") != FIRST_GUESS["pagerank"]
    for name in store.projections.names:
        schema = neo4j_driver.execute_query(
            "CALL gds.graph.list($name) YIELD schemaWithOrientation RETURN schemaWithOrientation.nodes AS nodes",
            name=name,
        ).records[0]["nodes"]
        assert not any(key.startswith(("pagerank-", "eigenvector-")) for props in schema.values() for key in props)


# Windows the base must reproduce: all time, a year, a span, open at one end, before most dates.
DERIVED_WINDOWS = [RelFilter(), RelFilter.build(as_of="2001"), RelFilter.build(start="1990", end="2005"),
                   RelFilter.build(start="2015"), RelFilter.build(end="1960")]  # fmt: skip
METRICS = ("degree", "pagerank", "closeness", "betweenness")


class Leases:
    """Two projection caches over one store: one filtering windows from the all-time base, one
    projecting each window from the store (what requests do before the base is ready)."""

    def __init__(self, store: Neo4jStore):
        self.store = store
        self.calls: list[str] = []
        self.derived = ProjectionCache(self._reading, 32, 10**10, refresh_every=None)
        assert self.derived.build_base(store.version, neo4j_analytics.params(RelFilter()))
        self.projected = ProjectionCache(store._read, 32, 10**10, refresh_every=None)

    def _reading(self, name: str, **params: Any) -> list[dict[str, Any]]:
        self.calls.append(name)
        return self.store._read(name, **params)

    def lease(self, cache: ProjectionCache) -> Any:
        return lambda f, q: cache.lease(self.store.version, q, neo4j_analytics.params(f), f)

    def scores(self, metric: str, rel_filter: RelFilter, derived: bool) -> dict[str, float]:
        lease = self.lease(self.derived if derived else self.projected)
        return neo4j_analytics.centrality(self.store._read, lease, metric, rel_filter, EXACT).values

    def __enter__(self) -> Leases:
        return self

    def __exit__(self, *exc: object) -> None:
        self.derived.clear()
        self.projected.clear()


def edges(driver: Driver, graph: str) -> tuple[int, int, set[frozenset[str]]]:
    """A projection's node and relationship counts and its linked pairs, by entity id."""
    count = driver.execute_query(
        "CALL gds.graph.list($g) YIELD nodeCount, relationshipCount RETURN nodeCount, relationshipCount", g=graph
    ).records[0]
    rows = driver.execute_query(
        "CALL gds.graph.relationships.stream($g) YIELD sourceNodeId AS s, targetNodeId AS t "
        "RETURN gds.util.asNode(s).id AS s, gds.util.asNode(t).id AS t",
        g=graph,
    ).records
    return count["nodeCount"], count["relationshipCount"], {frozenset((r["s"], r["t"])) for r in rows}


def same_windows(
    leases: Leases, driver: Driver, dataset: Dataset, windows: list[RelFilter], metrics: tuple[str, ...]
) -> None:
    """Each window's graph filtered from the base is the one projected from the store and the
    networkx oracle's (nodes, one edge per linked pair), and every metric scores alike on it."""
    for rel_filter in windows:
        oracle = oracle_graph(dataset, rel_filter)
        with (
            leases.lease(leases.derived)(rel_filter, "gds_project") as d,
            leases.lease(leases.projected)(rel_filter, "gds_project") as p,
        ):
            assert d.nodes == p.nodes == oracle.number_of_nodes(), rel_filter
            ours, theirs = edges(driver, d.name), edges(driver, p.name)
            assert ours == theirs, rel_filter
            assert ours[2] == {frozenset(e) for e in oracle.edges}, rel_filter
        for metric in metrics:
            tol = 1e-9 if metric in ("pagerank", "eigenvector") else 1e-12
            derived = leases.scores(metric, rel_filter, derived=True)
            close(derived, leases.scores(metric, rel_filter, derived=False), tol)
            close(derived, compute(oracle, metric, EXACT).values, tol)
    assert "gds_project" not in leases.calls and "gds_filter_window" in leases.calls  # all filtered from the base


def test_windows_filtered_from_the_base_equal_projected_ones_at_10k(
    scale: tuple[Dataset, Neo4jStore], neo4j_loader: Callable[[Dataset], Neo4jStore], neo4j_driver: Driver
) -> None:
    """On the synthetic 10k graph (parallel links, undated ones), in five windows."""
    dataset, _ = scale
    with Leases(neo4j_loader(dataset)) as leases:
        same_windows(leases, neo4j_driver, dataset, DERIVED_WINDOWS, ("degree", "pagerank"))
        same_windows(leases, neo4j_driver, dataset, DERIVED_WINDOWS[1:2], ("closeness", "betweenness"))


def test_windows_filtered_from_the_base_equal_projected_ones_on_the_seed(
    seed_dataset: Dataset, neo4j_loader: Callable[[Dataset], Neo4jStore], neo4j_driver: Driver
) -> None:
    windows = [RelFilter(), RelFilter.build(as_of="2016"), RelFilter.build(start="2000", end="2010"),
               RelFilter.build(as_of="1995"), RelFilter.build(as_of="1900")]  # fmt: skip
    with Leases(neo4j_loader(seed_dataset)) as leases:
        same_windows(leases, neo4j_driver, seed_dataset, windows, METRICS)


def gaps() -> Dataset:
    """Pairs whose relationships have gaps between them: one edge per segment's hull (min start,
    max end) would link a and b in 2000, when neither of their two relationships held."""
    ents = tuple(Entity(x, Kind.Company, x.upper()) for x in "abcdef")
    d = PartialDate.parse

    def rel(s: str, t: str, start: str | None, end: str | None, kind: str = "COOPERATED_WITH") -> Relationship:
        return Relationship(s, kind, t, d(start) if start else None, d(end) if end else None, sources=SRC)

    rels = (
        rel("a", "b", "1990", "1995"), rel("b", "a", "2005", "2010", "PARTNER_OF"),  # disjoint, both directions
        rel("b", "c", "1999", "2003"), rel("b", "c", "2001", "2008", "PARTNER_OF"),  # overlapping: one segment
        rel("c", "d", "1980", "1985"), rel("c", "d", "1997", "1998", "PARTNER_OF"), rel("d", "c", "2009", None),
        rel("a", "e", None, None),  # undated: in every window
        rel("e", "f", "2000-06", "2000-06"), rel("d", "f", "1996", "2000-05"),  # a month apart
    )  # fmt: skip
    return Dataset(ents, rels, version="gaps")


def test_gaps_between_parallel_relationships(
    neo4j_loader: Callable[[Dataset], Neo4jStore], neo4j_driver: Driver
) -> None:
    """Windows in a gap, across both sides of it, at its edges, and where only the undated
    link holds: the base gives the graph the store does (no hull edges, one edge per pair)."""
    dataset = gaps()
    windows = [RelFilter.build(as_of=y) for y in ("1800", "1992", "1996", "2000", "2000-05", "2000-06", "2004", "2030")]
    windows += [RelFilter.build(start="1994", end="2006"), RelFilter.build(start="1986", end="1996"), RelFilter()]
    assert not oracle_graph(dataset, RelFilter.build(as_of="2000")).has_edge("a", "b")  # the gap
    assert oracle_graph(dataset, RelFilter.build(start="1994", end="2006")).has_edge("a", "b")
    with Leases(neo4j_loader(dataset)) as leases:
        same_windows(leases, neo4j_driver, dataset, windows, METRICS)


def tree_and_clique() -> Dataset:
    """A 25-node tree (the largest component: a hub, 8 spokes, 2 leaves on each) and a
    7-clique, smaller but with the larger leading eigenvalue (6 against about 3.2)."""
    ents = [Entity(f"t{i:02d}", Kind.Company, f"T{i}") for i in range(25)]
    ents += [Entity(f"q{i}", Kind.Company, f"Q{i}") for i in range(7)]
    rels = [Relationship("t00", "COOPERATED_WITH", f"t{s:02d}", sources=SRC) for s in range(1, 9)]
    rels += [Relationship(f"t{s:02d}", "COOPERATED_WITH", f"t{8 + 2 * s - 1 + k:02d}", sources=SRC)
             for s in range(1, 9) for k in (0, 1)]  # fmt: skip
    rels += [Relationship(f"q{i}", "COOPERATED_WITH", f"q{j}", sources=SRC) for i in range(7) for j in range(i + 1, 7)]
    return Dataset(tuple(ents), tuple(rels), version="tree-and-clique")


def test_eigenvector_on_the_largest_component(neo4j_loader: Callable[[Dataset], Neo4jStore]) -> None:
    """On a tree beside a denser but smaller clique, both backends score the tree, the clique 0
    (a plain power iteration would drift to the clique; a tree is bipartite and would oscillate)."""
    dataset = tree_and_clique()
    store = neo4j_loader(dataset)
    g = oracle_graph(dataset, RelFilter())
    assert nx.is_tree(g.subgraph(f"t{i:02d}" for i in range(25)))
    ours = store.centrality("eigenvector", RelFilter(), EXACT).values
    close(ours, compute(g, "eigenvector").values, 1e-9)
    assert all(ours[f"q{i}"] == 0.0 for i in range(7)) and min(ours[f"t{i:02d}"] for i in range(25)) > 0


def ours(neo4j_driver: Driver) -> set[str]:
    rows = neo4j_driver.execute_query("CALL gds.graph.list() YIELD graphName RETURN graphName").records
    return {r["graphName"] for r in rows if r["graphName"].startswith("citygraph-")}


def test_projections_are_reused_and_none_is_left_behind(
    scale: tuple[Dataset, Neo4jStore], neo4j_driver: Driver
) -> None:
    """A window is projected once for every metric and request; nothing else outlives its request,
    also when the algorithm fails; closing the cache drops the rest."""
    _, store = scale
    store.projections.clear()
    for metric in ("degree", "eigenvector", "pagerank", "eigenvector"):
        store.centrality(metric, RelFilter(), EXACT)
    with pytest.raises(ValueError, match="unknown metric"):
        store.centrality("harmonic", RelFilter(), EXACT)
    kept = store.projections.names
    assert len(kept) == 2  # the window, and the window with loops for eigenvector
    others = ours(neo4j_driver) - set(kept)  # other tests' stores (other datasets) keep theirs
    assert not any(name.startswith(tuple(kept)) for name in others)  # no eigenvector subgraph left
    store.centrality("degree", RelFilter(), EXACT)
    assert set(store.projections.names) == set(kept) and 0 < store.projections.bytes <= store.projections.max_bytes
    store.projections.clear()
    assert ours(neo4j_driver) == others


def test_projection_is_dropped_after_the_request_ran_out(
    scale: tuple[Dataset, Neo4jStore], neo4j_driver: Driver
) -> None:
    """A request whose deadline expires (or whose client goes) mid-algorithm still drops a projection
    that is not kept (here: a cache of none)."""
    from app import deadline
    from app.stores import neo4j_analytics
    from app.stores.gds_projections import ProjectionCache

    _, store = scale
    store.projections.clear()
    now = [0.0]
    clock = deadline.Deadline(5.0, "request_time_budget", clock=lambda: now[0])

    def reading(name: str, **params: Any) -> list[dict[str, Any]]:
        rows = store._read(name, **params)
        if name == "gds_graph_size":
            now[0] = 6.0  # the budget runs out while the projection exists
        return rows

    cache = ProjectionCache(reading, 0, 0)

    def lease(rel_filter: RelFilter, query: str) -> Any:
        return cache.lease(store.version, query, neo4j_analytics.params(rel_filter), rel_filter)

    before = ours(neo4j_driver)
    with deadline.within(clock), pytest.raises(QueryTimeout):
        neo4j_analytics.centrality(reading, lease, "degree", RelFilter(), EXACT)
    assert ours(neo4j_driver) == before


def test_stale_projections_are_swept(scale: tuple[Dataset, Neo4jStore], neo4j_driver: Driver) -> None:
    """A projection whose drop never ran (a request cut off server-side) is freed by a later sweep;
    a young cached one is not (another process may be using it)."""
    from app.stores.gds_projections import drop_stale

    _, store = scale
    store.projections.clear()
    for name in ("citygraph-left-behind", "citygraph-cache-of-another-process"):
        neo4j_driver.execute_query(
            "MATCH (a:Entity)-[]->(b:Entity) WITH a, b LIMIT 5 "
            "WITH gds.graph.project($name, a, b) AS g RETURN g.nodeCount",
            name=name,
        )
    neo4j_driver.execute_query("CALL gds.graph.project('not-ours', '*', '*')")
    try:
        assert drop_stale(store._read) == []  # young: it may belong to a request still running
        assert drop_stale(store._read, older_than=0) == ["citygraph-left-behind"]
        assert "citygraph-cache-of-another-process" in ours(neo4j_driver)
        assert "citygraph-cache-of-another-process" in drop_stale(store._read, older_than=-3600)
        names = [r["graphName"] for r in neo4j_driver.execute_query("CALL gds.graph.list() YIELD graphName").records]
        assert names == ["not-ours"]
    finally:
        neo4j_driver.execute_query("CALL gds.graph.drop('not-ours', false)")


def test_scores_type() -> None:
    """`Scores` is what both backends hand the service."""
    assert Scores({"a": 1.0}).approximate is False


def test_server_without_gds_is_a_clear_503(scale: tuple[Dataset, Neo4jStore]) -> None:
    """A GDS procedure or function the server lacks becomes a 503 naming the plugin, not a 500."""
    from app.errors import AnalyticsUnavailable

    _, store = scale
    for query in ("CALL gds.noSuchProcedure()", "RETURN gds.noSuchFunction(1) AS x"):
        with pytest.raises(AnalyticsUnavailable) as caught:
            store._guard(lambda q=query: store.driver.execute_query(q))
        assert caught.value.status == 503
        assert "Graph Data Science" in caught.value.message
