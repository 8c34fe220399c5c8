"""The report bundle: figure, GEXF, CSVs, top entities and manifest, equal to the single exports."""

from __future__ import annotations

import csv
import io
import itertools
import json
import zipfile


def test_report_bundle(seed_graph, export_bytes) -> None:
    """The zip holds every part, each the same bytes as its own export."""
    filters = {"around": "viborg-kommune", "as_of": "2016"}
    data = export_bytes(seed_graph, "report", **filters)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = sorted(z.namelist())
        assert names == sorted(["figure.png", "snapshot.gexf", "nodes.csv", "edges.csv", "top_entities.csv",
                                "top_entities.md", "manifest.json"])  # fmt: skip
        assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in z.infolist())
        assert z.read("figure.png") == export_bytes(seed_graph, "png", **filters)
        assert z.read("snapshot.gexf") == export_bytes(seed_graph, "gexf", **filters)
        with zipfile.ZipFile(io.BytesIO(export_bytes(seed_graph, "csv", **filters))) as c:
            assert z.read("nodes.csv") == c.read("nodes.csv") and z.read("edges.csv") == c.read("edges.csv")
        manifest = json.loads(z.read("manifest.json"))
        top = list(csv.DictReader(io.StringIO(z.read("top_entities.csv").decode("utf-8-sig"))))
        markdown = z.read("top_entities.md").decode("utf-8")
    assert manifest["filters"]["around"]["id"] == "viborg-kommune"
    assert top[0]["id"] == "viborg-kommune" and top[0]["rank"] == "1"
    assert [int(r["rank"]) for r in top] == sorted(int(r["rank"]) for r in top)
    assert "| 1 | Viborg Municipality | Municipality |" in markdown
    assert "Ranked by partners" in markdown
    partners = [int(r["partners"]) for r in top]
    assert partners == sorted(partners, reverse=True)  # the count agrees with the order
    ranks = [int(r["rank"]) for r in top]
    rows = list(zip(ranks, partners, strict=True))
    assert all((a == b) == (pa == pb) for (a, pa), (b, pb) in itertools.pairwise(rows))  # ties share a rank


def test_report_betweenness_is_sampled_when_exact_would_cost_too_much(seed_graph, export_bytes, monkeypatch) -> None:
    """Exact on the seed data; past the work budget, sampled from a seeded set of sources, and said so."""
    from app.export import report

    def markdown() -> str:
        with zipfile.ZipFile(io.BytesIO(export_bytes(seed_graph, "report"))) as z:
            return z.read("top_entities.md").decode("utf-8")

    assert "sampled sources" not in markdown()
    monkeypatch.setattr(report, "BETWEENNESS_VISITS", 1)
    assert f"(estimated from {report.SAMPLE_MIN} sampled sources)" in markdown()


def test_betweenness_sources_grow_as_ties_shrink() -> None:
    """The sample is sized to the work (sources × ties), not to the entity count."""
    import networkx as nx

    from app.export.report import BETWEENNESS_VISITS, SAMPLE_MIN, betweenness_sources

    assert betweenness_sources(nx.path_graph(300)) is None  # exact: 300 sources × 299 ties
    dense = nx.gnm_random_graph(2001, 10_000, seed=1)
    assert betweenness_sources(dense) == BETWEENNESS_VISITS // 10_000
    assert betweenness_sources(nx.gnm_random_graph(3000, 100_000, seed=1)) == SAMPLE_MIN
