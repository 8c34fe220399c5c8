"""CSV zip: Gephi's and Kumu's columns, UTF-8 with BOM, Danish letters intact, rows read back."""

from __future__ import annotations

import csv
import io
import zipfile

from app.export.csv_zip import EDGE_COLUMNS, NODE_COLUMNS


def read(data: bytes) -> dict[str, list[dict[str, str]]]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert sorted(z.namelist()) == ["edges.csv", "manifest.json", "nodes.csv"]
        out = {}
        for name in ("nodes.csv", "edges.csv"):
            raw = z.read(name)
            assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
            out[name] = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
        return out


def test_columns_suit_gephi_and_kumu(mini_graph, export_bytes) -> None:
    """nodes: Id, Label, Type first; edges: Gephi's Source, Target, Type, Kind, Id, Label, Timeset, then Kumu's
    From, To, Direction."""
    tables = read(export_bytes(mini_graph, "csv"))
    assert tuple(tables["nodes.csv"][0]) == NODE_COLUMNS
    assert tuple(tables["edges.csv"][0]) == EDGE_COLUMNS
    assert NODE_COLUMNS[:3] == ("Id", "Label", "Type")
    assert EDGE_COLUMNS[:10] == (
        "Source",
        "Target",
        "Type",
        "Kind",
        "Id",
        "Label",
        "Timeset",
        "From",
        "To",
        "Direction",
    )
    assert NODE_COLUMNS[-1] == "Timeset"


def test_rows_read_back_with_danish_letters(mini_graph, export_bytes) -> None:
    """Every entity and relationship is a row; æ, ø, å, ș, quotes and newlines survive."""
    tables = read(export_bytes(mini_graph, "csv"))
    nodes = {row["Id"]: row for row in tables["nodes.csv"]}
    assert len(nodes) == 8
    assert nodes["ølstykke"]["Label"] == "Ølstykke Kommune"
    assert nodes["aarhus"]["Aliases"] == "Århus" and nodes["aarhus"]["Sources"] == "kilde-æøå.txt"
    assert nodes["vand"]["Label"] == 'Vandprojekt "Åen" & co'
    assert nodes["vand"]["Description"] == "Line one\nline two <b>"
    assert nodes["aarhus"]["Latitude"] == "56.15" and nodes["alone"]["Latitude"] == ""
    edges = {row["Id"]: row for row in tables["edges.csv"]}
    assert len(edges) == 8
    twin = edges["aarhus|TWINNED_WITH|brasov|2004"]
    assert (twin["Source"], twin["Target"], twin["Type"]) == ("aarhus", "brasov", "Undirected")
    assert twin["Label"] == "TWINNED_WITH"
    assert (twin["Direction"], twin["Dates"], twin["Timeset"]) == ("mutual", "2004–", "<[2004-01-01, Infinity]>")
    assert twin["Kind"] == "TWINNED_WITH"
    advised = edges["firma|ADVISED|vand|1999-03"]
    assert (advised["Type"], advised["Direction"], advised["From"], advised["To"]) == (
        "Directed", "directed", "Grøn Energi A/S", 'Vandprojekt "Åen" & co')  # fmt: skip
    assert (advised["Dates"], advised["Timeset"]) == ("1999-03–2000-06-15", "<[1999-03-01, 2000-06-15]>")
    assert edges["brasov|LOCATED_IN|brasov-county|"]["Timeset"] == ""  # undated: always there
    assert nodes["vand"]["Timeset"] == "<[1998-01-01, 2001-12-31]>" and nodes["aarhus"]["Timeset"] == ""


def test_labels_are_unique_for_kumu(mini_graph, export_bytes) -> None:
    """Two entities called Brașov get their kind added, so Kumu's From/To by label stay unambiguous."""
    tables = read(export_bytes(mini_graph, "csv"))
    labels = [row["Label"] for row in tables["nodes.csv"]]
    assert len(set(labels)) == len(labels)
    assert {"Brașov (ForeignCity)", "Brașov (ForeignRegion)"} <= set(labels)
    located = next(r for r in tables["edges.csv"] if r["Id"] == "brasov|LOCATED_IN|brasov-county|")
    assert (located["From"], located["To"]) == ("Brașov (ForeignCity)", "Brașov (ForeignRegion)")


def test_seed_rows_match_the_dataset(seed_graph, export_bytes, seed_dataset) -> None:
    """The seed CSVs hold exactly the dataset's ids."""
    tables = read(export_bytes(seed_graph, "csv"))
    assert sorted(r["Id"] for r in tables["nodes.csv"]) == sorted(e.id for e in seed_dataset.entities)
    assert sorted(r["Id"] for r in tables["edges.csv"]) == sorted(r.id for r in seed_dataset.relationships)
