"""The CSV zip's unique labels, found on Neo4j without reading every entity before the file starts.

On Neo4j the labels come from the entities whose names clash (`app.export.labels`), found in
the database; the embedded store labels every entity in one pass. Both give the same file,
names that clash with other entities' labels included, and on Neo4j the zip's first chunk
leaves before the entity pages are all read.
"""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

import pytest

from app.config import Settings
from app.export import csv_zip
from app.export.formats import prepare
from app.export.snapshot import SnapshotFilters
from app.model import Dataset, Entity
from app.service import CityGraph
from app.stores.base import GraphStore
from app.stores.memory import MemoryStore
from app.vocabulary import Kind
from tests.export.conftest import T1, rel

CLASHING = Dataset(
    (
        Entity("a-region-name", Kind.Company, "Brașov (ForeignRegion)"),  # first in id order: keeps its name
        Entity("b1", Kind.ForeignCity, "Brașov", country="RO"),
        Entity("b2", Kind.ForeignRegion, "Brașov", country="RO"),  # its "(ForeignRegion)" label is taken
        Entity("b3", Kind.ForeignCity, "Brașov", country="RO"),  # a second city: "Brașov (b3)"
        Entity("dk", Kind.Country, "Danmark"),
        Entity("lone", Kind.Person, "Brașov"),  # touched by nothing: only in the unfiltered file
        Entity("viborg", Kind.Municipality, "Viborg Kommune", country="DK"),
        Entity("x-city-name", Kind.Company, "Brașov (ForeignCity)"),  # after b1, which has that label
    ),
    (
        rel("viborg", "TWINNED_WITH", "b1", "1990"),
        rel("viborg", "COOPERATED_WITH", "b2", "2010", "2012"),
        rel("viborg", "TWINNED_WITH", "b3", "2016"),
        rel("viborg", "LOCATED_IN", "dk"),
        rel("a-region-name", "FUNDED", "b2", "2011"),
        rel("x-city-name", "FUNDED", "viborg", "2016"),
    ),
    version="clashing-1",
)
PAGE = 2


def _csv(store: GraphStore, settings: Settings, **filters: Any) -> bytes:
    graph = CityGraph(store, settings.model_copy(update={"export_page_size": PAGE}))
    return b"".join(prepare(graph, "csv", SnapshotFilters(**filters), exported_at=T1).chunks())


def _table(zipped: bytes, name: str) -> list[dict[str, str]]:
    with zipfile.ZipFile(io.BytesIO(zipped)) as z:
        return list(csv.DictReader(io.StringIO(z.read(name).decode("utf-8-sig"))))


@pytest.mark.neo4j
@pytest.mark.parametrize("filters", [{}, {"as_of": "2016"}, {"kinds": ("Municipality", "ForeignCity", "Company")}])
def test_clashing_names_get_the_same_labels_on_both_backends(neo4j_loader, settings: Settings, filters) -> None:
    """Shared names, and names equal to another's bracketed label, are labelled alike from the store's
    clashes (Neo4j) and from a pass over every entity (embedded): the files are byte-identical."""
    neo4j = _csv(neo4j_loader(CLASHING), settings, **filters)
    assert neo4j == _csv(MemoryStore(CLASHING), settings, **filters)
    labels = {row["Id"]: row["Label"] for row in _table(neo4j, "nodes.csv")}
    assert len(set(labels.values())) == len(labels)
    edges = _table(neo4j, "edges.csv")
    assert all(labels[e["Source"]] == e["From"] and labels[e["Target"]] == e["To"] for e in edges)
    if not filters:
        assert labels["b1"] == "Brașov (ForeignCity)" and labels["b3"] == "Brașov (b3)"
        assert labels["a-region-name"] == "Brașov (ForeignRegion)" and labels["b2"] == "Brașov (b2)"
        assert labels["x-city-name"] == "Brașov (ForeignCity) (x-city-name)" and labels["lone"] == "Brașov (Person)"


@pytest.mark.neo4j
def test_the_first_chunk_leaves_before_every_entity_is_read(
    neo4j_loader, seed_dataset: Dataset, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On Neo4j the whole network's CSV zip sends its first chunk (of `edges.csv`, the first entry)
    having read no entity page and only the first relationship pages: the labels of their ends need
    no pass over every entity first. The rest of the file then reads them all."""
    store = neo4j_loader(seed_dataset)
    graph = CityGraph(store, settings.model_copy(update={"export_page_size": 20}))
    monkeypatch.setattr(csv_zip, "NAMED_BATCH", 20)  # ends named per page, as pages are 20 rows here
    export = prepare(graph, "csv", SnapshotFilters(), exported_at=T1)
    read: dict[str, int] = {"entities_page": 0, "export_nodes_page": 0, "relationships_page": 0}

    def recording(name: str) -> Any:
        method = getattr(store, name)

        def page(*args: Any) -> Any:
            rows = method(*args)
            read[name] += len(rows)
            return rows

        return page

    for name in read:
        monkeypatch.setattr(store, name, recording(name))
    chunks = export.chunks()
    first = next(chunks)
    at_first = dict(read)
    rest = b"".join(chunks)
    assert first.startswith(b"PK\x03\x04") and b"edges.csv" in first
    assert at_first["entities_page"] == at_first["export_nodes_page"] == 0
    assert 0 < at_first["relationships_page"] < len(seed_dataset.relationships) // 2
    assert read["export_nodes_page"] == len(seed_dataset.entities) and read["entities_page"] == 0
    assert read["relationships_page"] == len(seed_dataset.relationships)
    assert len(_table(first + rest, "nodes.csv")) == len(seed_dataset.entities)
