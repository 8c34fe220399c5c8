"""CSV data folders: the seed round-trips through them, and every defect is named by file, row and column."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import app
from app.config import Settings
from app.model import Dataset, Source
from app.stores.memory import MemoryStore
from seed.csv_data import ENTITY_COLUMNS, RELATIONSHIP_COLUMNS, write_csv
from seed.loader import read_seed

runner = CliRunner()
DOC = "000_17e9b85cf08b5eaf.txt"
QUOTE = "Med Strukturreformen i 2007 blev Viborg Kommune en storkommune"


def test_seed_round_trips_through_csv(tmp_path: Path, seed_dataset: Dataset) -> None:
    """The seed written as CSV reads back as the same entities and relationships, sources included."""
    write_csv(seed_dataset, tmp_path)
    read = read_seed(tmp_path)
    assert read.problems == []
    again = read.dataset()
    assert sorted(again.entities, key=lambda e: e.id) == sorted(seed_dataset.entities, key=lambda e: e.id)
    assert sorted(again.relationships, key=lambda r: r.id) == sorted(seed_dataset.relationships, key=lambda r: r.id)
    multi = [r for r in again.relationships if len(r.sources) > 1]
    assert multi, "the seed has relationships with several sources; they must survive as repeated rows"
    # the same graph in a store: equal counts, equal degrees
    assert MemoryStore(again).degrees() == MemoryStore(seed_dataset).degrees()


def test_csv_beside_yaml_and_with_a_bom(tmp_path: Path, settings: Settings) -> None:
    """CSV rows add to the YAML of the same folder; a BOM and empty optional cells are fine."""
    data = tmp_path / "data"
    data.mkdir()
    for path in settings.data_dir.glob("*.yaml"):
        (data / path.name).write_bytes(path.read_bytes())
    with (data / "entities.csv").open("w", encoding="utf-8-sig", newline="") as f:
        f.write("id,kind,name,name_en,aliases,country,lat,lon,description\n")
        f.write("roskilde-kommune,Municipality,Roskilde Kommune,,Roskilde;Roskildé,DK,55.64,12.08,\n")
    with (data / "relationships.csv").open("w", encoding="utf-8", newline="") as f:
        f.write(",".join(RELATIONSHIP_COLUMNS) + "\n")
        f.write("roskilde-kommune,MEMBER_OF,region-midtjylland,2010-03,,,,,,,https://example.org/register/1\n")
        f.write(f"roskilde-kommune,TWINNED_WITH,viborg-kommune,,,,active,,{DOC},{QUOTE},\n")
        f.write("roskilde-kommune,PARTNER_OF,viborg-kommune,1999,,true,,,kl-register-2020.xlsx,,\n")
    read = read_seed(data)
    assert read.problems == []
    rels = {r.type: r for *_, r in read.relationships if r.source == "roskilde-kommune"}
    assert rels["MEMBER_OF"].sources == (Source("", "", "https://example.org/register/1"),)
    assert str(rels["MEMBER_OF"].start) == "2010-03" and rels["MEMBER_OF"].end is None
    assert rels["TWINNED_WITH"].sources == (Source(DOC, QUOTE),) and rels["TWINNED_WITH"].start is None
    assert rels["PARTNER_OF"].circa and rels["PARTNER_OF"].sources == (Source("kl-register-2020.xlsx", ""),)
    entity = next(e for *_, e in read.entities if e.id == "roskilde-kommune")
    assert entity.aliases == ("Roskilde", "Roskildé") and entity.name_en is None and entity.lat == 55.64
    assert rels["MEMBER_OF"].to_dict()["sources"] == [
        {"document": "", "quote": "", "url": "https://example.org/register/1", "attested": None}
    ]
    assert "url" not in rels["TWINNED_WITH"].to_dict()["sources"][0]  # the shape of quoted sources is unchanged


ENTITIES = [
    ["aarhus", "Municipality", "Aarhus Kommune", "", "Århus", "DK", "56.15", "10.2", ""],
    ["lund", "ForeignCity", "Lund", "", "", "SE", "55.7", "13.19", ""],
    ["interreg", "Network", "Interreg", "", "", "", "", "", "EU programme"],
]
RELATIONSHIPS = [
    ["aarhus", "MEMBER_OF", "interreg", "2001", "2006", "", "ended", "", "register.xlsx", "", "", ""],
    ["aarhus", "TWINNED_WITH", "lund", "1947", "", "true", "", "", DOC, QUOTE, "", ""],
]


def write_folder(folder: Path, entities: list[list[str]], relationships: list[list[str]]) -> None:
    folder.mkdir(exist_ok=True)
    for name, header, rows in (
        ("entities.csv", ENTITY_COLUMNS, entities),
        ("relationships.csv", RELATIONSHIP_COLUMNS, relationships),
    ):
        with (folder / name).open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)


def with_cell(
    rows: list[list[str]], index: int, column: str, value: str, header=RELATIONSHIP_COLUMNS
) -> list[list[str]]:  # type: ignore[no-untyped-def]
    out = [list(r) for r in rows]
    out[index][header.index(column)] = value
    return out


E, R = "entities.csv", "relationships.csv"
# defect: (entities rows, relationship rows, file, line, column, words in the message)
DEFECTS = {
    "unknown kind": (with_cell(ENTITIES, 1, "kind", "Planet", ENTITY_COLUMNS), RELATIONSHIPS, E, 3, "kind", "unknown kind"),
    "bad id": (with_cell(ENTITIES, 2, "id", "Inter Reg", ENTITY_COLUMNS), RELATIONSHIPS, E, 4, "id", "not a slug"),
    "missing name": (with_cell(ENTITIES, 0, "name", "", ENTITY_COLUMNS), RELATIONSHIPS, E, 2, "name", "missing"),
    "bad latitude": (with_cell(ENTITIES, 0, "lat", "56,15", ENTITY_COLUMNS), RELATIONSHIPS, E, 2, "lat", "not a number"),
    "latitude out of range": (with_cell(ENTITIES, 1, "lat", "95", ENTITY_COLUMNS), RELATIONSHIPS, E, 3, "lat", "between"),
    "place without coordinates": (with_cell(ENTITIES, 1, "lon", "", ENTITY_COLUMNS), RELATIONSHIPS, E, 3, "lon", "missing"),
    "bad country": (with_cell(ENTITIES, 1, "country", "Sweden", ENTITY_COLUMNS), RELATIONSHIPS, E, 3, "country", "ISO 3166"),
    "conflicting repeated entity": (
        [*ENTITIES, ["lund", "ForeignCity", "Lund C", "", "", "SE", "55.7", "13.19", ""]],
        RELATIONSHIPS, E, 5, "name", "repeats row 3",
    ),
    "unknown type": (ENTITIES, with_cell(RELATIONSHIPS, 0, "type", "FRIENDS_WITH"), R, 2, "type", "unknown relationship type"),
    "dangling reference": (ENTITIES, with_cell(RELATIONSHIPS, 1, "target", "atlantis"), R, 3, "target", "dangling reference"),
    "self-loop": (ENTITIES, with_cell(RELATIONSHIPS, 1, "target", "aarhus"), R, 3, "target", "two different entities"),
    "bad date": (ENTITIES, with_cell(RELATIONSHIPS, 0, "start", "2001-13"), R, 2, "start", "not a real date"),
    "malformed date": (ENTITIES, with_cell(RELATIONSHIPS, 0, "end", "about 2006"), R, 2, "end", "not a date"),
    "reversed dates": (ENTITIES, with_cell(RELATIONSHIPS, 0, "end", "1999"), R, 2, "end", "before start"),
    "bad circa": (ENTITIES, with_cell(RELATIONSHIPS, 1, "circa", "maybe"), R, 3, "circa", "true or false"),
    "bad status": (ENTITIES, with_cell(RELATIONSHIPS, 0, "status", "dormant"), R, 2, "status", "is not one of"),
    "no source": (ENTITIES, with_cell(RELATIONSHIPS, 0, "source_document", ""), R, 2, "source_document", "missing"),
    "quote without document": (
        ENTITIES, with_cell(RELATIONSHIPS, 1, "source_document", ""), R, 3, "source_document", "missing",
    ),
    "bad url": (ENTITIES, with_cell(RELATIONSHIPS, 0, "source_url", "ftp://x"), R, 2, "source_url", "http(s)"),
    "quote too long": (ENTITIES, with_cell(RELATIONSHIPS, 1, "source_quote", "x" * 301), R, 3, "source_quote", "at most 300"),
    "quote not in document": (
        ENTITIES, with_cell(RELATIONSHIPS, 1, "source_quote", "Aarhus ligger på månen"), R, 3, "source_quote",
        "does not occur verbatim",
    ),
    "quoted document not in the corpus": (
        ENTITIES, with_cell(RELATIONSHIPS, 1, "source_document", "999_missing.txt"), R, 3, "source_document", "no document",
    ),
    "conflicting repeated relationship": (
        ENTITIES, [*RELATIONSHIPS, ["aarhus", "MEMBER_OF", "interreg", "2001", "2007", "", "ended", "", "b.xlsx", "", ""]],
        R, 4, "end", "repeats row 2",
    ),
    "duplicate symmetric relationship": (
        ENTITIES, [*RELATIONSHIPS, ["lund", "TWINNED_WITH", "aarhus", "1947", "", "", "", "", "b.xlsx", "", ""]],
        R, 4, "circa", "repeats row 3",
    ),
    "too many cells": (ENTITIES, [[*RELATIONSHIPS[0], "extra"], RELATIONSHIPS[1]], R, 2, "(row)", "cells"),
}  # fmt: skip


def run_validate(folder: Path, corpus: Path):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["validate", "--data-dir", str(folder), "--corpus-dir", str(corpus)])


def test_the_clean_folder_is_clean(tmp_path: Path, settings: Settings) -> None:
    write_folder(tmp_path / "d", ENTITIES, RELATIONSHIPS)
    result = run_validate(tmp_path / "d", settings.corpus_dir)
    assert result.exit_code == 0, result.output
    assert "3 entities, 2 relationships" in result.output


@pytest.mark.parametrize("defect", sorted(DEFECTS))
def test_each_csv_defect_names_file_row_and_column(tmp_path: Path, settings: Settings, defect: str) -> None:
    """One line `file:line: row N (...): column: message` for the defect; exit 1."""
    entities, relationships, file, line, column, words = DEFECTS[defect]
    if "corpus" in defect or "verbatim" in defect:
        assert settings.corpus_dir.is_dir(), "the corpus is needed to check quotes"
    write_folder(tmp_path / "d", entities, relationships)
    result = run_validate(tmp_path / "d", settings.corpus_dir)
    assert result.exit_code == 1, result.output
    hits = [ln for ln in result.output.splitlines() if ln.startswith(f"{file}:{line}: ") and f": {column}: " in ln]
    assert any(words in ln for ln in hits), result.output
    assert any(f"row {line}" in ln or "relationship (" in ln for ln in hits), hits


@pytest.mark.parametrize(
    ("header", "column", "words"),
    [
        ([*ENTITY_COLUMNS, "population"], "population", "unknown column"),
        ([c for c in ENTITY_COLUMNS if c != "kind"], "kind", "missing column"),
    ],
)
def test_header_defects(tmp_path: Path, settings: Settings, header: list[str], column: str, words: str) -> None:
    folder = tmp_path / "d"
    write_folder(folder, ENTITIES, RELATIONSHIPS)
    (folder / "entities.csv").write_text(",".join(header) + "\n", encoding="utf-8")
    result = run_validate(folder, settings.corpus_dir)
    assert result.exit_code == 1
    assert any(ln.startswith("entities.csv:1: (header): " + column + ": " + words) for ln in result.output.splitlines())
    assert "dangling reference" not in result.output  # the unreadable file hides its entities: no follow-on errors


def test_not_utf8_is_named_first_without_follow_on_errors(tmp_path: Path, settings: Settings) -> None:
    folder = tmp_path / "d"
    write_folder(folder, ENTITIES, RELATIONSHIPS)
    text = (folder / "entities.csv").read_text(encoding="utf-8").replace("Århus", "Aarhus")
    (folder / "entities.csv").write_bytes(text.encode("utf-8").replace(b"Interreg", "Intérreg".encode("latin-1")))
    result = run_validate(folder, settings.corpus_dir)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith("entities.csv:") and "not UTF-8" in lines[0]
    assert "dangling reference" not in result.output
