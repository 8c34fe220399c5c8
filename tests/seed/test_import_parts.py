"""The checks and importer files in parallel parts give what the serial read and writer give, or
hand the folder back to the serial read; never a file the serial route would not write."""

from __future__ import annotations

import csv
import itertools
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from app.config import Settings
from seed.csv_data import RELATIONSHIPS_FILE, Misaligned, read_csv_file, split_rows
from seed.import_csv import has_line_breaks, write_import_files
from seed.import_parts import prepare_import
from seed.loader import load_dataset, read_seed
from seed.neo4j_load import dataset_stats
from seed.synth import synthesize

SEED_YAML = Path(__file__).resolve().parents[2] / "seed" / "data"


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("synthetic")
    synthesize(4000, 7, folder)
    return folder


def copy_of(folder: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(folder, tmp_path / "data"))


def rewrite_rows(folder: Path, change: Callable[[list[list[str]]], list[list[str]]]) -> None:
    path = folder / RELATIONSHIPS_FILE
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    rows = change(rows)
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def multiline(rows: list[list[str]]) -> list[list[str]]:
    """Quoted line breaks and quotes in descriptions all through the file (column 7)."""
    rows_of: dict[tuple[str, ...], list[int]] = {}
    for i, row in enumerate(rows[1:], 1):
        rows_of.setdefault(tuple(row[:4]), []).append(i)
    for i in range(1, len(rows), 37):
        for j in rows_of[tuple(rows[i][:4])]:  # a relationship's every row (one per source) alike
            rows[j][7] = f'row {i}, "quoted"\nand a second line\n'
    return rows


def test_parts_read_the_rows_the_whole_file_reads(synthetic: Path, tmp_path: Path) -> None:
    """Every record, in order, with its line, whatever the parts; cuts fall between rows, never in a
    quoted line break."""
    folder = copy_of(synthetic, tmp_path)
    rewrite_rows(folder, multiline)
    path = folder / RELATIONSHIPS_FILE
    whole = list(read_csv_file(path, []))
    assert any("\n" in (r.description or "") for _, (_, _, r) in whole)
    for parts in (1, 2, 3, 7):
        cut = split_rows(path, parts)
        assert len(cut) == parts and cut[0].start == 0 and cut[-1].end == path.stat().st_size
        assert all(a.end == b.start for a, b in itertools.pairwise(cut))
        problems: list[object] = []
        assert [item for part in cut for item in read_csv_file(path, problems, part)] == whole  # type: ignore[arg-type]
        assert problems == []


def test_parts_of_a_file_with_a_byte_order_mark_and_crlf_line_ends(synthetic: Path, tmp_path: Path) -> None:
    folder = copy_of(synthetic, tmp_path)
    path = folder / RELATIONSHIPS_FILE
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    whole = list(read_csv_file(path, []))
    cut = split_rows(path, 3)
    assert len(cut) == 3
    assert [item for part in cut for item in read_csv_file(path, [], part)] == whole
    prepared = prepare_import(folder, tmp_path / "no-corpus", tmp_path, min_bytes=0)
    assert prepared.files is not None and prepared.files.relationship_count == len(whole)


def test_a_cut_inside_a_row_is_found(tmp_path: Path, synthetic: Path) -> None:
    """A quote inside an unquoted cell throws the quote count off, so a cut may land in a quoted line
    break: the part before it then reads past its end, and says so rather than cut the row."""
    folder = copy_of(synthetic, tmp_path)
    path = folder / RELATIONSHIPS_FILE
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    a, b = len(lines) * 2 // 5, len(lines) * 3 // 5
    cells = lines[a].split(",")
    cells[7] = 'a 5" screen'  # unquoted: read as text, a literal quote
    lines[a] = ",".join(cells)
    cells = lines[b].split(",")
    cells[7] = '"one line\n' + "\n" * 40 + 'and more"'  # a long quoted line break across the middle
    lines[b] = ",".join(cells)
    path.write_text("".join(lines), encoding="utf-8")
    assert read_seed(folder).problems == []  # valid CSV all the same
    cut = split_rows(path, 2)
    assert len(cut) == 2 and lines[b].count("\n") > 1
    with pytest.raises(Misaligned, match="runs past byte"):
        list(read_csv_file(path, [], cut[0]))
    prepared = prepare_import(folder, tmp_path / "no-corpus", tmp_path, min_bytes=0)
    assert prepared.files is None and "runs past byte" in prepared.why_serial


def test_prepared_files_are_the_serial_writers(synthetic: Path, tmp_path: Path, settings: Settings) -> None:
    """YAML seed files (quotes checked against the corpus) beside a CSV pair: the same node file,
    the same relationship rows, the same stats, counts, version and line-break flag."""
    folder = copy_of(synthetic, tmp_path)
    rewrite_rows(folder, multiline)
    for path in SEED_YAML.glob("*.yaml"):
        shutil.copy(path, folder)
    dataset = load_dataset(folder)
    for name in ("serial", "parts"):
        (tmp_path / name).mkdir()
    serial_nodes, serial_rels = write_import_files(dataset, tmp_path / "serial")
    prepared = prepare_import(folder, settings.corpus_dir, tmp_path / "parts", workers=3, min_bytes=0)
    files = prepared.files
    assert files is not None, prepared.why_serial
    assert prepared.quotes_checked
    assert files.nodes[0].read_bytes() == serial_nodes[0].read_bytes()
    assert files.relationships[0].read_bytes() == serial_rels[0].read_bytes()  # the header

    def rows(paths: list[Path]) -> list[str]:
        return sorted(line for p in paths for line in p.read_text(encoding="utf-8").splitlines())

    assert len(files.relationships) == 2 + 3
    assert rows(files.relationships[1:]) == rows(serial_rels[1:])
    assert files.stats == dataset_stats(dataset)
    assert (files.version, files.entity_count, files.relationship_count) == (
        dataset.version, len(dataset.entities), len(dataset.relationships),
    )  # fmt: skip
    assert files.multiline is has_line_breaks(dataset.entities, dataset.relationships) is True


def test_what_parts_cannot_settle_goes_to_the_serial_read(synthetic: Path, tmp_path: Path) -> None:
    """A relationship whose rows fall in two parts is merged by the serial read, not by the parts."""
    folder = copy_of(synthetic, tmp_path)

    def repeat_first_at_the_end(rows: list[list[str]]) -> list[list[str]]:
        again = list(rows[1])
        again[10] = "https://example.org/another-record"  # source_url: a second source of the same link
        return [*rows, again]

    rewrite_rows(folder, repeat_first_at_the_end)
    assert read_seed(folder).problems == []
    prepared = prepare_import(folder, tmp_path / "no-corpus", tmp_path, min_bytes=0)
    assert prepared.files is None and "fall in two parts" in prepared.why_serial


def test_any_problem_goes_to_the_serial_read(synthetic: Path, tmp_path: Path) -> None:
    """A dangling end in the last part: nothing is answered from the parts; the serial read names it."""
    folder = copy_of(synthetic, tmp_path)

    def dangle_last(rows: list[list[str]]) -> list[list[str]]:
        rows[-1][2] = "no-such-entity"
        return rows

    rewrite_rows(folder, dangle_last)
    prepared = prepare_import(folder, tmp_path / "no-corpus", tmp_path, min_bytes=0)
    assert prepared.files is None and "1 problem(s) in relationships.csv from line" in prepared.why_serial
    [problem] = read_seed(folder).problems
    assert (problem.field, problem.message) == ("target", "dangling reference: no entity with id 'no-such-entity'")


def test_a_small_folder_is_read_serially(synthetic: Path, tmp_path: Path) -> None:
    prepared = prepare_import(synthetic, tmp_path / "no-corpus", tmp_path)
    assert prepared.files is None and not prepared.tried and prepared.why_serial.startswith("no relationships.csv of")
    assert list(tmp_path.iterdir()) == []  # nothing written
