"""The importer's files: every property the Cypher loader writes, typed, with no-value and empty kept apart."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from app.model import Dataset
from seed.import_csv import ARRAY, NODE_KEYS, RELATIONSHIP_KEYS, _Columns, write_import_files


def test_every_loader_property_has_a_column(tmp_path: Path, seed_dataset: Dataset) -> None:
    """Header columns are the loader's keys (plus id, labels, version); rows split over the parts."""
    nodes, rels = write_import_files(seed_dataset, tmp_path, workers=2)
    with nodes[0].open(encoding="utf-8") as f:
        header = next(csv.reader(f))
    assert [h.split(":")[0] for h in header[2:-1]] == NODE_KEYS
    rel_header = list(csv.reader(rels[0].open(encoding="utf-8", newline="")))
    assert len(rel_header) == 1 and [h.split(":")[0] for h in rel_header[0][4:-1]] == RELATIONSHIP_KEYS
    rows = sum(1 for part in rels[1:] for _ in csv.reader(part.open(encoding="utf-8", newline="")))
    assert len(rels) == 3 and rows == len(seed_dataset.relationships)


def test_cells_keep_none_apart_from_empty(tmp_path: Path) -> None:
    """None is an unquoted empty cell (no property), "" a quoted one; arrays joined; booleans lower case."""
    columns = _Columns({"a": "string", "b": "string", "c": "string[]", "d": "long[]", "e": "boolean"}, list("abcde"))
    path = tmp_path / "row.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, quoting=csv.QUOTE_NONNUMERIC).writerow(
            columns.cells({"a": None, "b": "", "c": ["x", ""], "d": [0, 2], "e": False})
        )
    assert path.read_text(encoding="utf-8").strip() == f',"","x{ARRAY}","0{ARRAY}2","false"'


def test_a_property_without_an_importer_type_is_refused() -> None:
    """A key the loader gains later cannot be left out of the import silently."""
    with pytest.raises(KeyError, match="no importer type for \\['new_key'\\]"):
        _Columns({"a": "string"}, ["a", "new_key"])
