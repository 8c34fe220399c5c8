"""Gephi reads the GEXF, the GraphML and the CSV pair without loss, under its default import settings.

The files are imported by the Gephi toolkit 0.10.1 (the library behind Gephi desktop) through
`tests/gephi/`: the GEXF and GraphML importers as "Open graph file" runs them, the CSV pair
through the spreadsheet importer (nodes, then edges appended) with the column types it
detects. Expected figures come from the data in the store, not from constants.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from app.dates import DAY_MAX, DAY_MIN
from app.export.snapshot import SnapshotFilters, build_snapshot
from app.filters import RelFilter
from app.model import Relationship
from tests.gephi_toolkit import gephi_import

pytestmark = pytest.mark.gephi
DAYS = ("1999-06-30", "2003-06-30")


@pytest.fixture(scope="module")
def seed_rels(seed_graph) -> list[Relationship]:
    """Every relationship the store holds."""
    return seed_graph.store.snapshot(RelFilter())[1]


@pytest.fixture(scope="module")
def imported(seed_graph, export_bytes, tmp_path_factory) -> dict[str, dict[str, Any]]:
    """What Gephi made of each seed export."""
    folder = tmp_path_factory.mktemp("gephi")
    for fmt in ("gexf", "graphml"):
        (folder / f"seed.{fmt}").write_bytes(export_bytes(seed_graph, fmt))
    with zipfile.ZipFile(io.BytesIO(export_bytes(seed_graph, "csv"))) as archive:
        archive.extractall(folder)
    return {
        "gexf": gephi_import("gexf", [folder / "seed.gexf"], list(DAYS)),
        "graphml": gephi_import("graphml", [folder / "seed.graphml"], []),
        "csv": gephi_import("csv", [folder / "nodes.csv", folder / "edges.csv"], list(DAYS)),
    }


def _pair(source: str, target: str, directed: bool) -> tuple[str, ...]:
    return (source, target) if directed else tuple(sorted((source, target)))


@pytest.mark.parametrize("fmt", ["gexf", "graphml", "csv"])
def test_every_entity_and_relationship_arrives(imported, seed_graph, seed_rels, fmt) -> None:
    """Gephi holds every entity and every relationship, parallel ones kept apart, with no import error."""
    got = imported[fmt]
    entities, relationships = seed_graph.store.counts()
    assert got["issues"] == []
    assert (got["nodes"], got["edges"]) == (entities, relationships) == (entities, len(seed_rels))
    per_pair = Counter(_pair(r.source, r.target, not r.symmetric) for r in seed_rels)
    assert max(per_pair.values()) > 1  # the data has parallel relationships, so this checks something
    gephi_pairs = Counter(_pair(e["source"], e["target"], e["directed"]) for e in got["edge_list"])
    assert gephi_pairs == per_pair


@pytest.mark.parametrize("fmt", ["gexf", "graphml", "csv"])
def test_symmetric_types_are_undirected_and_kinds_are_types(imported, seed_rels, fmt) -> None:
    """Twinning, partnership and cooperation are undirected; every edge's kind is its relationship type."""
    got = imported[fmt]
    assert got["undirected"] == sum(r.symmetric for r in seed_rels) > 0
    assert got["directed"] == sum(not r.symmetric for r in seed_rels)
    kinds = Counter(kind.split(" (")[0] for kind in got["kinds"] for _ in range(got["kinds"][kind]))
    assert kinds == Counter(r.type for r in seed_rels)
    if fmt != "graphml":  # GraphML edge ids are e0, e1, …; the others keep the relationship ids
        by_id = {r.id: r for r in seed_rels}
        for edge in got["edge_list"]:
            rel = by_id[edge["id"]]
            assert (edge["directed"], edge["kind"].split(" (")[0]) == (not rel.symmetric, rel.type), rel.id


@pytest.mark.parametrize("fmt", ["gexf", "csv"])
def test_timeline_follows_the_dates(imported, seed_graph, seed_rels, fmt) -> None:
    """The timeline spans the data's dated years, and on a given day shows exactly what `as_of` keeps."""
    got = imported[fmt]
    assert got["dynamic"] is True and got["time_representation"] == "INTERVAL"
    timed = [r for r in seed_rels if r.dated or r.attested]  # an attested link from its attestation
    firsts = [r.period.first for r in timed if r.period.first != DAY_MIN]
    lasts = [r.period.last for r in timed if r.period.last != DAY_MAX]
    assert got["timeline"] == {"first": min(firsts).isoformat(), "last": max(lasts).isoformat()}
    assert got["timed_edges"] == len(timed)
    for day in DAYS:
        kept = {r.id for r in build_snapshot(seed_graph, SnapshotFilters(as_of=day)).relationships}
        assert set(got["at"][day]) == kept, day


@pytest.mark.parametrize("fmt", ["gexf", "csv"])
def test_a_1998_to_2001_link_is_there_in_1999_and_gone_in_2003(imported, seed_rels, fmt) -> None:
    """A relationship dated 1998–2001 shows on Gephi's timeline in 1999 and not in 2003."""
    link = next(r for r in seed_rels if str(r.start) == "1998" and str(r.end) == "2001")
    assert link.id in imported[fmt]["at"]["1999-06-30"]
    assert link.id not in imported[fmt]["at"]["2003-06-30"]


def test_harness_sees_what_the_old_files_lost(seed_graph, export_bytes, tmp_path: Path) -> None:
    """The check can fail: a GEXF without kinds and directions merges parallel edges in Gephi, as reported."""
    text = export_bytes(seed_graph, "gexf").decode()
    old = re.sub(r' type="(un)?directed" kind="[^"]*"', "", text)
    assert ' kind="' not in old and old != text
    (tmp_path / "old.gexf").write_text(old)
    got = gephi_import("gexf", [tmp_path / "old.gexf"], [])
    entities, relationships = seed_graph.store.counts()
    assert got["nodes"] == entities and got["edges"] < relationships and got["undirected"] == 0
