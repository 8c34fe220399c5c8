"""At the synthetic scale, what a streamed export holds does not grow with its file.

The measure is the peak of Python's traced allocations while the whole file is written, at
2,500 and at 10,000 relationships: from one to the other the file grows fourfold, and an
export that assembled it (as the CSV zip and the Cypher script did before they streamed)
would grow its peak by at least as much as the file. A streamed export holds a page, the
entities' degrees, spells and labels, and (the Cypher script) the in-memory parts of its
spools (made small here, so the test sees them go to disk); a zip is sent as it is
compressed. The growth from 10k to 100k on Neo4j, per format and in resident memory, is
measured by bench/export_memory_bench.py.
"""

from __future__ import annotations

import io
import tracemalloc
import zipfile

import pytest

from app.config import Settings
from app.export import cypher_script
from app.export.formats import prepare
from app.export.snapshot import SnapshotFilters
from app.service import CityGraph
from app.stores.memory import MemoryStore
from tests.scale_graph import scale_dataset

SPOOL = 16 * 1024
SIZES = (2_500, 10_000)


@pytest.fixture(scope="module")
def scale_graphs(settings: Settings) -> list[CityGraph]:
    paged = settings.model_copy(update={"export_page_size": 500})
    return [CityGraph(MemoryStore(scale_dataset(n)), paged) for n in SIZES]


def _peak_and_size(graph: CityGraph, fmt: str) -> tuple[int, int]:
    """The traced peak while the whole file is written, and the file's (uncompressed) size."""
    export = prepare(graph, fmt, SnapshotFilters())
    tracemalloc.start()
    try:
        for _ in export.chunks():
            pass
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    data = b"".join(export.chunks())
    if fmt == "csv":
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return peak, sum(info.file_size for info in z.infolist())
    return peak, len(data)


@pytest.mark.parametrize("fmt", ["csv", "cypher", "json", "gexf"])
def test_streamed_export_memory_does_not_follow_the_file(scale_graphs, monkeypatch, fmt: str) -> None:
    """From 2.5k to 10k relationships the peak grows by less than a fifth of what the file grows by."""
    monkeypatch.setattr(cypher_script, "SPOOL_CHARS", SPOOL)
    (small_peak, small_size), (peak, size) = (_peak_and_size(g, fmt) for g in scale_graphs)
    assert size > 3 * small_size > 1_000_000, (small_size, size)  # files large enough to mean something
    assert peak - small_peak < (size - small_size) / 5, (
        f"{fmt}: peak {small_peak:,} -> {peak:,} B, file {small_size:,} -> {size:,} B"
    )
