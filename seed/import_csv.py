"""A checked dataset as the CSV files of Neo4j's offline importer (`neo4j-admin database import`).

The properties come from the functions the Cypher loader writes from
(`app.stores.neo4j_records.entity_props` / `relationship_props`), so both routes store the
same keys and values; this module only adds each column's type for the importer and writes
rows with as little work per row as it can (the file of a million relationships is the
importer route's largest cost beside the importer itself).

What the importer reads, cell by cell: an unquoted empty cell is no property (our `None`); a
quoted one is an empty string or, in an array column, an empty array (our `""` and `[]`).
Arrays are joined with `ARRAY`, a control character no text of ours holds.
"""

from __future__ import annotations

import csv
import multiprocessing
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Any

from app.model import Dataset, Entity, Relationship, Source
from app.stores.neo4j_records import entity_props, relationship_props
from app.vocabulary import Kind

ARRAY = "\x1f"  # the importer's array and label delimiter (`--array-delimiter`)


class _Null:
    """Written as an unquoted empty cell (no property): with `QUOTE_NONNUMERIC` the csv module
    quotes every cell but a number's, and this passes for one whose text is empty."""

    __slots__ = ()

    def __float__(self) -> float:
        return 0.0

    def __str__(self) -> str:
        return ""


NULL = _Null()

# The importer's type of every property the loader writes (`app.stores.neo4j_records`); a key
# missing here fails the conversion (KeyError), so a new property cannot be left out silently.
ENTITY_TYPES = {
    "kind": "string", "name": "string", "name_en": "string", "aliases": "string[]", "alias_text": "string",
    "search_text": "string", "country": "string", "lat": "double", "lon": "double", "description": "string",
}  # fmt: skip
RELATIONSHIP_TYPES = {
    "start": "string", "start_precision": "string", "end": "string", "end_precision": "string",
    "first": "date", "last": "date", "circa": "boolean", "status": "string", "description": "string",
    "dating": "string", "attested": "string[]",
}  # fmt: skip
SOURCE_TYPES = {
    "source_documents": "string[]", "source_quotes": "string[]", "source_quote_document": "long[]",
    "source_urls": "string[]", "source_attested": "string[]",
}  # fmt: skip


# The keys the loader's functions write, in their order (asked of them once, from sample records).
NODE_KEYS = [k for k in entity_props(Entity("x", Kind.Country, "x")) if k != "id"]
RELATIONSHIP_KEYS = list(relationship_props(Relationship("x", "MEMBER_OF", "y", sources=(Source("d", "q"),))))


class _Columns:
    """The property columns of one file: header cells and a row maker. Per row, one pass turns
    None into `NULL`; only arrays and booleans need more (`str` of a date is its ISO form)."""

    def __init__(self, types: dict[str, str], keys: list[str]):
        unknown = set(keys) - set(types)
        if unknown:
            raise KeyError(f"no importer type for {sorted(unknown)}: add it to seed/import_csv.py")
        self.header = [f"{k}:{types[k]}" for k in keys]
        self.get = itemgetter(*keys)
        self.strings = [i for i, k in enumerate(keys) if types[k] == "string[]"]
        self.longs = [i for i, k in enumerate(keys) if types[k] == "long[]"]
        self.booleans = [i for i, k in enumerate(keys) if types[k] == "boolean"]

    def cells(self, props: dict[str, Any]) -> list[Any]:
        row: list[Any] = [NULL if v is None else v for v in self.get(props)]
        for i in self.strings:
            if row[i] is not NULL:
                row[i] = ARRAY.join(row[i])
        for i in self.longs:
            if row[i] is not NULL:
                row[i] = ARRAY.join(map(str, row[i]))
        for i in self.booleans:
            if row[i] is not NULL:
                row[i] = "true" if row[i] else "false"
        return row


def _writer(path: Path) -> tuple[Any, Any]:
    f = path.open("w", encoding="utf-8", newline="")
    return f, csv.writer(f, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")


def write_nodes(entities: Iterable[Entity], version: str, path: Path) -> int:
    """Write the entities' file (`id:ID`, labels `Entity` and the kind, every property); returns rows."""
    rows = 0
    f, writer = _writer(path)
    with f:
        columns = _Columns({**ENTITY_TYPES, **SOURCE_TYPES}, NODE_KEYS)
        writer.writerow(["id:ID", ":LABEL", *columns.header, "dataset_version"])
        for e in entities:
            writer.writerow([e.id, f"Entity{ARRAY}{e.kind.value}", *columns.cells(entity_props(e)), version])
            rows += 1
    return rows


def write_relationships(relationships: Sequence[Relationship], version: str, path: Path, header: bool) -> int:
    """Write relationships (ends by entity id, type, `id`, every property), with the header row or without."""
    f, writer = _writer(path)
    with f:
        columns = _Columns({**RELATIONSHIP_TYPES, **SOURCE_TYPES}, RELATIONSHIP_KEYS)
        if header:
            writer.writerow([":START_ID", ":END_ID", ":TYPE", "id", *columns.header, "dataset_version"])
        for r in relationships:
            writer.writerow([r.source, r.target, r.type, r.id, *columns.cells(relationship_props(r)), version])
    return len(relationships)


def has_line_breaks(entities: Iterable[Entity], relationships: Iterable[Relationship]) -> bool:
    """Whether any text holds a line break: only then must the importer read fields across lines
    (`--multiline-fields`, which costs it its parallel parsing)."""
    entities = list(entities)
    texts = (
        t
        for records in (entities, relationships)
        for x in records
        for t in (x.description, *(s.quote for s in x.sources))
    )
    return any(t and ("\n" in t or "\r" in t) for t in texts) or any(
        "\n" in t or "\r" in t for e in entities for t in (e.name, e.name_en or "", *e.aliases)
    )


@dataclass(frozen=True)
class ImportFiles:
    """A checked dataset written as the importer's files: the two file groups in the order
    `--nodes=` / `--relationships=` take them, and what the route needs besides."""

    version: str
    nodes: list[Path]
    relationships: list[Path]
    entity_count: int
    relationship_count: int
    multiline: bool  # `has_line_breaks`
    stats: str  # `seed.neo4j_load.dataset_stats`, for the version mark


def write_import_files(dataset: Dataset, folder: Path, workers: int = 2) -> tuple[list[Path], list[Path]]:
    """The dataset as the importer's files in `folder`: the nodes' file, and the relationships'
    header and `workers` parts, the parts but the first written by forked processes meanwhile
    (the conversion is per-row Python; the machine's cores share it). Returns the two file groups,
    each in the order `--nodes=` / `--relationships=` take them."""
    nodes, header = folder / "nodes.csv", folder / "relationships-header.csv"
    rels = list(dataset.relationships)
    step = -(-len(rels) // workers) if rels else 1
    parts = [(folder / f"relationships-{i}.csv", rels[i * step : (i + 1) * step]) for i in range(workers)]
    fork = multiprocessing.get_context("fork")
    children = [
        fork.Process(target=write_relationships, args=(part, dataset.version, path, False), name=f"import-csv-{i}")
        for i, (path, part) in enumerate(parts[1:], start=1)
    ]
    for child in children:
        child.start()
    try:
        write_relationships([], dataset.version, header, True)
        write_nodes(dataset.entities, dataset.version, nodes)
        write_relationships(parts[0][1], dataset.version, parts[0][0], False)
    finally:
        for child in children:
            child.join()
    failed = [child.name for child in children if child.exitcode != 0]
    if failed:
        raise RuntimeError(f"writing the importer's files failed in {', '.join(failed)}")
    return [nodes], [header, *(path for path, _ in parts)]
