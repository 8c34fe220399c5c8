"""The networkx oracle of brokerage over a dataset's window, for the tests of the counts."""

from __future__ import annotations

from typing import Any

import networkx as nx

from app.analysis.brokerage import brokerage_summary
from app.analysis.snapshot_graph import directed, undirected
from app.filters import RelFilter
from app.model import Dataset

SUMMARY_KEYS = ("pairs", "exclusive_pairs", "open_share", "roles")


def oracle(dataset: Dataset, rel_filter: RelFilter) -> tuple[nx.Graph, nx.DiGraph]:
    rels = [r for r in dataset.relationships if rel_filter.admits(r)]
    return undirected(list(dataset.entities), rels), directed(rels)


def oracle_ranking(dataset: Dataset, rel_filter: RelFilter, grouping: str) -> list[tuple[str, dict[str, Any]]]:
    """Every broker of the window with its summary by the networkx oracle, strongest first."""
    g, dg = oracle(dataset, rel_filter)
    by_id = {e.id: e for e in dataset.entities}
    full = []
    for v in g:
        s = brokerage_summary(g, dg, v, by_id, grouping)
        if s["pairs"]:
            full.append((v, {k: s[k] for k in SUMMARY_KEYS}))
    full.sort(key=lambda ns: (-ns[1]["exclusive_pairs"], -ns[1]["pairs"], ns[0]))
    return full


def ranking_rows(answer: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """A `/brokerage` ranking's rows as the oracle gives them."""
    return [(r["entity"]["id"], {k: r[k] for k in SUMMARY_KEYS}) for r in answer["results"]]
