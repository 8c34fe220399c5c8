"""The compact ranking (`app.analysis.ranking`) answers as the list of rows it replaced did."""

from __future__ import annotations

import gc
import random
import tracemalloc

import pytest

from app.analysis.centrality import METRICS, PRECISION, compute, ranking
from app.analysis.ranking import Ranking
from app.analysis.snapshot_graph import undirected
from app.filters import RelFilter
from app.model import Dataset
from app.stores.base import CentralityPlan
from app.stores.memory import MemoryStore
from tests.scale_graph import scale_dataset


def list_ranking(values: dict[str, float]) -> list[tuple[str, float, int]]:
    """The representation the service kept before: rounded, sorted by (-score, id), rank of
    the first of a tie (the oracle, written out independently of `Ranking`)."""
    rounded = {node: round(float(v), PRECISION) + 0.0 for node, v in values.items()}
    out: list[tuple[str, float, int]] = []
    for i, (node, score) in enumerate(sorted(rounded.items(), key=lambda kv: (-kv[1], kv[0]))):
        out.append((node, score, out[-1][2] if out and out[-1][1] == score else i + 1))
    return out


def assert_same(values: dict[str, float]) -> None:
    expected = list_ranking(values)
    got = ranking(values)
    assert len(got) == len(expected)
    assert list(got) == expected
    for start, page in ((0, 1), (0, 20), (3, 1000), (len(expected) - 2, len(expected) + 5)):
        assert got.rows(start, start + page) == expected[start : start + page]
    for node, score, rank in expected:
        assert got.find(node) == (score, rank)
    assert got.find("no-such-entity") is None
    # Every value is a plain Python value, as the JSON answers need.
    assert all(type(s) is float and type(r) is int for _, s, r in got.rows(0, 50))


def graph_scores(dataset: Dataset, metric: str) -> dict[str, float]:
    entities, rels = MemoryStore(dataset).snapshot(RelFilter())
    return compute(undirected(entities, rels), metric, CentralityPlan()).values


@pytest.mark.parametrize("metric", list(METRICS))
def test_seed_rankings_equal_the_list(seed_dataset: Dataset, metric: str) -> None:
    """Every metric on the seed data: the same rows, pages, ranks and lookups as the list."""
    assert_same(graph_scores(seed_dataset, metric))


@pytest.mark.parametrize("metric", ["degree", "pagerank", "betweenness"])
def test_synthetic_rankings_equal_the_list(metric: str) -> None:
    """A synthetic graph of 4,000 relationships (sampled betweenness): the same as the list."""
    assert_same(graph_scores(scale_dataset(4000), metric))


def test_ties_rounding_and_awkward_ids() -> None:
    """Ties after rounding share the first one's rank; ids that are parts of other ids, -0.0,
    non-ASCII ids and scores differing below the precision."""
    values = {
        "a-1": 0.5, "a-10": 0.5, "b-a-1": 0.50000000001, "a": 0.25, "ærø": 0.25, "1": -0.0, "a-1-b": 0.0,
        "x": 0.123456785, "y": 0.9, "z": 0.9,
    }  # fmt: skip
    assert_same(values)
    r = ranking(values)
    assert [row[2] for row in r] == [1, 1, 3, 3, 3, 6, 6, 8, 9, 9]
    assert r.find("a-1") == (0.5, 3) and r.find("b-a") is None and r.find("a-") is None and r.find("") is None
    assert r.rows(1, 3) == [("z", 0.9, 1), ("a-1", 0.5, 3)]
    assert r.rows(8, 100) == [("1", 0.0, 9), ("a-1-b", 0.0, 9)] and r.rows(20, 30) == []


def test_empty_and_random_ties() -> None:
    """No entities; and many entities with few distinct scores (ties everywhere)."""
    assert len(Ranking.of({})) == 0 and list(Ranking.of({})) == [] and Ranking.of({}).find("a") is None
    rng = random.Random(3)
    assert_same({f"e{rng.randrange(10**6)}-{i}": rng.choice([0.0, 0.1, 0.25, 1 / 3]) for i in range(3000)})


def test_rows_of_kinds_are_the_list_filtered() -> None:
    """`of_kinds`: the list's rows of those kinds in order, with their ranks in the whole
    ranking, and their count; ids without a kind are never picked."""
    rng = random.Random(7)
    kinds = ["Municipality", "Company", "ForeignCity", "Person"]
    values = {f"e{i}": rng.choice([0.0, 0.1, 0.25, rng.random()]) for i in range(3000)}
    kind_of = {node: rng.choice(kinds) for node in values if node != "e5"}  # e5: kind not known
    r = ranking(values, kind_of)
    for wanted in ({"Company"}, {"Municipality", "Person"}, set(kinds), {"Region"}, set()):
        expected = [row for row in list_ranking(values) if kind_of.get(row[0]) in wanted]
        for limit in (0, 1, 20, 5000):
            assert r.of_kinds(wanted, limit) == (expected[:limit], len(expected))
    assert all(node != "e5" for node, _, _ in r.of_kinds(set(kinds), 5000)[0])
    with pytest.raises(ValueError, match="without the entities' kinds"):
        ranking(values).of_kinds({"Company"}, 5)


def held_bytes(build: object) -> int:
    """Bytes still allocated after `build()` returned, while its result is held (tracemalloc)."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        kept = build()  # type: ignore[operator]
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert kept is not None
    return int(after - before)


def test_byte_estimate_matches_a_measurement() -> None:
    """The size the cache counts (`nbytes`) is within 10 % of what tracemalloc measures, and
    the ranking holds under a quarter of what the list of rows did (with ids of its own, as
    the rows read from Neo4j had)."""
    rng = random.Random(5)
    values = {f"entity-{i:06d}-{rng.randrange(1000)}": rng.random() ** 4 for i in range(50_000)}
    kept: list[Ranking] = []
    measured = held_bytes(lambda: kept.append(ranking(values)) or kept)
    assert kept[0].nbytes == pytest.approx(measured, rel=0.1)
    as_list = held_bytes(lambda: [(n.encode().decode(), s, r) for n, s, r in list_ranking(values)])
    assert measured * 4 < as_list
