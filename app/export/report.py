"""A zip bundle for a report: the figure, the GEXF, the CSVs, the top entities, the manifest.

`top_entities.csv` and `top_entities.md` rank the snapshot's entities by degree centrality
on the snapshot itself (geography left out, as in `/centrality`) and count by the same
measure: `partners` is the number of distinct entities each is tied to, location ties
left out, and degree centrality is that number over the other entities' count; so the
column and the order agree. Betweenness sits beside them. Every file inside is the same
as the single-format export of the same snapshot.
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Iterator
from dataclasses import dataclass

import networkx as nx

from app.analysis import centrality
from app.analysis.snapshot_graph import undirected
from app.export import csv_zip, gexf
from app.export.archive import Member, zip_chunks
from app.export.figure import FigureOptions, image_bytes
from app.export.snapshot import Snapshot

TOP = 25
# Betweenness costs one search over every tie per source: about half a second per million tie
# visits here. Past this many visits it is estimated from a seeded sample of sources (at least
# SAMPLE_MIN); exact at 2,000 entities and 10k ties took 20 s, the figure's own limit allows more.
BETWEENNESS_VISITS = 2_000_000
SAMPLE_MIN = 64


def betweenness_sources(graph: nx.Graph) -> int | None:
    """How many sources to sample for the snapshot's betweenness; None when exact fits the work."""
    n, m = graph.number_of_nodes(), max(graph.number_of_edges(), 1)
    sources = max(SAMPLE_MIN, BETWEENNESS_VISITS // m)
    return None if sources >= n else sources


@dataclass(frozen=True)
class Ranking:
    """The top entities' rows, and how many sources their betweenness was sampled from (None: exact)."""

    rows: list[dict[str, object]]
    sources: int | None


def top_entities(snapshot: Snapshot, limit: int = TOP) -> Ranking:
    """The best-connected entities: rank, id, name, kind, partners, degree centrality and
    betweenness, ranked by partners (= degree centrality × (n − 1)), location ties left out."""
    graph = undirected(list(snapshot.entities), list(snapshot.relationships))
    deg = centrality.scores(graph, "degree")
    if (sources := betweenness_sources(graph)) is None:
        btw = centrality.scores(graph, "betweenness")
    else:  # exact betweenness is O(nodes × edges): minutes at 100k relationships
        btw = nx.betweenness_centrality(graph, k=sources, seed=7, normalized=True)
    rows = []
    for node, score, rank in centrality.ranked(deg)[:limit]:
        e = snapshot.by_id[node]
        rows.append({
            "rank": rank, "id": e.id, "name": e.name, "name_en": e.name_en or e.name, "kind": e.kind.value,
            "partners": graph.degree(node), "degree_centrality": round(score, 4),
            "betweenness": round(btw.get(node, 0.0), 4),
        })  # fmt: skip
    return Ranking(rows, sources)


def table_csv(rows: list[dict[str, object]]) -> bytes:
    out = io.StringIO()
    out.write(csv_zip.BOM)
    writer = csv.DictWriter(out, fieldnames=list(rows[0]) if rows else ["rank"], lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def table_markdown(snapshot: Snapshot, ranking: Ranking) -> bytes:
    lines = [
        f"# Top entities: {snapshot.title}", "",
        "Ranked by partners: the number of distinct entities each is tied to in this snapshot, location"
        " ties (LOCATED_IN) left out; degree centrality is the same count over the other entities'"
        " number; betweenness beside it"
        + (f" (estimated from {ranking.sources} sampled sources)." if ranking.sources else "."),
        "",
        "| Rank | Entity | Kind | Partners | Degree centrality | Betweenness |",
        "| ---: | --- | --- | ---: | ---: | ---: |",
    ]  # fmt: skip
    for r in ranking.rows:
        name = str(r["name_en"]).replace("|", "\\|")
        scores = f"{r['degree_centrality']:.4f} | {r['betweenness']:.4f}"
        lines.append(f"| {r['rank']} | {name} | {r['kind']} | {r['partners']} | {scores} |")
    return ("\n".join(lines) + "\n").encode("utf-8")


def members(snapshot: Snapshot, options: FigureOptions) -> dict[str, Member]:
    """The zip's files, each produced when it is written: the GEXF and the CSVs stream from the store."""
    ranking = functools.cache(functools.partial(top_entities, snapshot))  # one ranking for both tables

    return {
        "figure.png": lambda: [image_bytes(snapshot, options, "png")],
        "snapshot.gexf": lambda: gexf.render(snapshot),
        **csv_zip.tables(snapshot),
        "top_entities.csv": lambda: [table_csv(ranking().rows)],
        "top_entities.md": lambda: [table_markdown(snapshot, ranking())],
        "manifest.json": csv_zip.manifest_member(snapshot),
    }


def render(snapshot: Snapshot, options: FigureOptions) -> Iterator[bytes]:
    """The report zip. Its figure and its ranking hold the snapshot in memory, so `formats.prepare`
    refuses a report above the figure's limit (`export_figure_max_entities`) before it starts."""
    return zip_chunks(members(snapshot, options))
