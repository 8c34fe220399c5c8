"""Data folders in CSV: `entities.csv` and `relationships.csv`, beside or instead of seed YAML.

Each row becomes the same mapping a YAML entry would be and goes through the same checks
(`RecordReader`), so the vocabulary, the date rules and the messages are those of YAML;
only the places differ: a problem names the file, the row (its line in the file) and the
column. A row holds one source; a relationship (or entity) with several sources is written
as several rows that repeat it, which may differ only in their source columns.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from app.model import Dataset, Entity, Relationship, Source
from seed.loader import SYNTAX, Problem, RecordReader, identity

SOURCE_COLUMNS = ("source_document", "source_quote", "source_url", "source_attested")
ENTITY_COLUMNS = ("id", "kind", "name", "name_en", "aliases", "country", "lat", "lon", "description")
RELATIONSHIP_COLUMNS = ("source", "type", "target", "start", "end", "circa", "status", "description", *SOURCE_COLUMNS)
ENTITIES_FILE = "entities.csv"
RELATIONSHIPS_FILE = "relationships.csv"
ALIAS_SEPARATOR = ";"
_TRUE = {"true", "yes", "1"}
_FALSE = {"false", "no", "0", ""}

# What each file must and may hold; entities may carry a source per row too.
_LAYOUT: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    ENTITIES_FILE: (("id", "kind", "name"), (*ENTITY_COLUMNS, *SOURCE_COLUMNS)),
    RELATIONSHIPS_FILE: (("source", "type", "target"), RELATIONSHIP_COLUMNS),
}


def csv_files(data_dir: Path) -> list[Path]:
    """The CSV data files present in `data_dir`, entities first."""
    return [data_dir / name for name in (ENTITIES_FILE, RELATIONSHIPS_FILE) if (data_dir / name).is_file()]


class _CsvReader(RecordReader):
    """Rows of one CSV file: problems name columns, sources may be dataset records."""

    field_names: ClassVar[dict[str, str]] = {
        "sources": "source_document",
        "sources[0]": "source_document",
        "sources[0].document": "source_document",
        "sources[0].quote": "source_quote",
        "sources[0].url": "source_url",
        "sources[0].attested": "source_attested",
    }
    dataset_records: ClassVar[bool] = True


def _number(value: str | None) -> float | str | None:
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        return value  # left as text: the shared check reports it, naming the column


def _flag(value: str | None) -> bool | str:
    text = (value or "").lower()
    return True if text in _TRUE else False if text in _FALSE else text


def _raw(cells: dict[str, str | None], line: int, entity: bool) -> dict[str, Any]:
    """A row as the mapping a YAML entry would be."""
    raw: dict[str, Any] = {k: v for k, v in cells.items() if k not in SOURCE_COLUMNS}
    raw["__line__"] = line
    if entity:
        raw["aliases"] = [a.strip() for a in (cells.get("aliases") or "").split(ALIAS_SEPARATOR) if a.strip()]
        raw["lat"], raw["lon"] = _number(cells.get("lat")), _number(cells.get("lon"))
    else:
        raw["circa"] = _flag(cells.get("circa"))
    document, quote = cells.get("source_document"), cells.get("source_quote")
    url, attested = cells.get("source_url"), cells.get("source_attested")
    if document or quote or url:
        raw["sources"] = [{"document": document, "quote": quote, "url": url, "attested": attested}]
    return raw


def _differing(first: Entity | Relationship, again: Entity | Relationship) -> list[str]:
    """The fields (other than sources) in which a repeated row differs from the first."""
    ignored = {"sources"} | ({"source", "target"} if isinstance(first, Relationship) and first.symmetric else set())
    return [
        f.name
        for f in dataclasses.fields(first)
        if f.init and f.name not in ignored and getattr(first, f.name) != getattr(again, f.name)
    ]


class _NotUtf8(Exception):
    def __init__(self, line: int, reason: str):
        self.line, self.reason = line, reason


@dataclass(frozen=True)
class Part:
    """A byte range of a CSV data file from one row boundary to another (`split_rows`), to be read
    by itself; `first_line` is the file's line number at `start`."""

    start: int
    end: int
    first_line: int


class Misaligned(Exception):
    """A part's last row ran past its end: its end was not a row boundary (`split_rows` guessed wrong)."""


class _Cursor:
    """How many bytes of the file `_lines` has handed out: after a row, where that row ends."""

    __slots__ = ("at",)

    def __init__(self, at: int):
        self.at = at


def _next_row(data: bytes, pos: int) -> int:
    """The first offset from `pos` on that follows a line end outside double quotes (counted from
    the file's start). A quote inside an unquoted cell throws the count off; `_rows` then finds the
    guess was not a row boundary (`Misaligned`)."""
    quotes = data.count(b'"', 0, pos)
    while True:
        end = data.find(b"\n", pos)
        if end < 0:
            return len(data)
        quotes += data.count(b'"', pos, end)
        if quotes % 2 == 0:
            return end + 1
        pos = end + 1


def _cut(data: bytes, pos: int, key_columns: list[int]) -> int:
    """A row boundary from `pos` on between two rows of different relationships (a relationship
    with several sources is several rows, mostly one after the other: the parts must not split it)."""
    start, previous = _next_row(data, pos), None
    while start < len(data):
        end = _next_row(data, start)
        cells = next(csv.reader(io.StringIO(data[start:end].decode("utf-8", "replace"))), [])
        key = tuple(cells[i].strip() if i < len(cells) else "" for i in key_columns)
        if previous is not None and key != previous:
            return start
        start, previous = end, key
    return len(data)


def split_rows(path: Path, parts: int) -> list[Part]:
    """`path` cut into up to `parts` parts of about equal size at row boundaries (the header in
    the first), each cut between rows of different records."""
    data = path.read_bytes()
    header_end = _next_row(data, 0)
    header = [h.strip() for h in next(csv.reader(io.StringIO(data[:header_end].decode("utf-8-sig", "replace"))), [])]
    key_columns = [header.index(c) for c in ("id", "source", "type", "target", "start") if c in header]
    starts = [0]
    for k in range(1, parts):
        start = _cut(data, header_end + (len(data) - header_end) * k // parts, key_columns)
        if starts[-1] < start < len(data):
            starts.append(start)
    ends = [*starts[1:], len(data)]
    return [Part(start, end, 1 + data.count(b"\n", 0, start)) for start, end in zip(starts, ends, strict=True)]


def _lines(path: Path, part: Part | None = None, cursor: _Cursor | None = None) -> Iterator[str]:
    """The file's lines as text (from `part.start`), decoded one by one so that an encoding error
    names its line; `cursor` follows the bytes handed out."""
    with path.open("rb") as f:
        if part:
            f.seek(part.start)
        for number, raw in enumerate(f, part.first_line if part else 1):
            if cursor:
                cursor.at += len(raw)
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise _NotUtf8(number, f"{exc.reason} at byte {exc.start + 1} of the line") from None
            yield text.removeprefix("\ufeff") if number == 1 else text  # with or without a BOM


def _rows(path: Path, problems: list[Problem], part: Part | None = None) -> Iterator[dict[str, Any]]:
    """The rows of `path` (or of one part of it) as YAML-shaped mappings; header, encoding and CSV
    problems are noted. A part after the first takes the header from the file's first row and
    leaves its problems to the first part; a part's last row must end at its end (`Misaligned`)."""
    required, allowed = _LAYOUT[path.name]
    cursor = _Cursor(part.start if part else 0)
    rows = csv.reader(_lines(path, part, cursor))
    offset = part.first_line - 1 if part else 0
    try:
        header = [h.strip() for h in next(rows if not part or not part.start else csv.reader(_lines(path)), [])]
        wrong = [
            Problem(path.name, 1, "(header)", name or "(empty)", f"unknown column; expected {', '.join(allowed)}")
            for name in header
            if name not in allowed
        ] + [Problem(path.name, 1, "(header)", name, "missing column") for name in required if name not in header]
        if wrong:
            if not part or not part.start:
                problems.extend(wrong)
            return
        end = part.end if part else None
        entity = path.name == ENTITIES_FILE
        for cells in rows:  # (a cell of blanks is no value: `v.strip() or None`)
            line = rows.line_num + offset  # a row spanning lines (a quoted line break) is named by its last
            if end is not None and cursor.at >= end:
                if cursor.at > end:
                    raise Misaligned(f"{path.name}: the row ending at line {line} runs past byte {end}")
                end = -1  # this row is the part's last
            if cells and any(c.strip() for c in cells):
                if len(cells) > len(header):
                    message = f"{len(cells)} cells; the header has {len(header)}"
                    problems.append(Problem(path.name, line, f"row {line}", "(row)", message))
                else:
                    yield _raw({h: v.strip() or None for h, v in zip(header, cells, strict=False)}, line, entity)
            if end == -1:
                return
    except _NotUtf8 as exc:
        problems.append(Problem(path.name, exc.line, "(file)", SYNTAX, f"not UTF-8 text: {exc.reason}"))
    except csv.Error as exc:
        problems.append(Problem(path.name, rows.line_num + offset, "(file)", SYNTAX, f"not valid CSV: {exc}"))


def read_csv_file(path: Path, problems: list[Problem], part: Part | None = None) -> Iterator[tuple[str, Any]]:
    """Records of one CSV data file (or of one `part` of it), with repeated rows merged into one
    record with their sources."""
    reader = _CsvReader(path, problems)
    entity = path.name == ENTITIES_FILE
    records: dict[str, tuple[int, Any]] = {}
    for raw in _rows(path, problems, part):
        line = raw["__line__"]
        record = reader.entity(raw, f"row {line}") if entity else reader.relationship(raw, f"row {line}")
        if record is None:
            continue
        key = record.id if isinstance(record, Entity) else identity(record)
        if key not in records:
            records[key] = (line, record)
            continue
        first_line, first = records[key]
        differing = _differing(first, record)
        if differing:
            problems.append(
                Problem(
                    path.name, line, f"row {line} ({key})", differing[0],
                    f"repeats row {first_line} with a different {differing[0]}; a repeated row may only add a source",
                )
            )  # fmt: skip
            continue
        extra = tuple(s for s in record.sources if s not in first.sources)
        records[key] = (first_line, dataclasses.replace(first, sources=first.sources + extra))
    what = "entity" if entity else "relationship"
    for line, record in records.values():
        yield what, (path.name, line, record)


# -- writing ---------------------------------------------------------------------------------


def _source_cells(source: Source | None) -> list[str]:
    if not source:
        return ["", "", "", ""]
    return [source.document, source.quote, source.url or "", str(source.attested) if source.attested else ""]


def _text(value: object) -> str:
    return "" if value is None else str(value)


def entity_rows(entities: Iterable[Entity]) -> Iterator[list[str]]:
    """Rows of `entities.csv` (with source columns): one per source, one if there is none."""
    for e in entities:
        cells = [e.id, e.kind.value, e.name, _text(e.name_en), ALIAS_SEPARATOR.join(e.aliases), _text(e.country),
                 _text(e.lat), _text(e.lon), _text(e.description)]  # fmt: skip
        for source in e.sources or (None,):
            yield cells + _source_cells(source)


def relationship_rows(relationships: Iterable[Relationship]) -> Iterator[list[str]]:
    """Rows of `relationships.csv`: one per source."""
    for r in relationships:
        cells = [r.source, r.type, r.target, _text(r.start), _text(r.end), "true" if r.circa else "",
                 _text(r.status), _text(r.description)]  # fmt: skip
        for source in r.sources or (None,):
            yield cells + _source_cells(source)


def write_rows(path: Path, header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    """Write one CSV data file (UTF-8, no BOM, `\\n` line ends)."""
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_csv(dataset: Dataset, folder: Path) -> None:
    """Write `dataset` as a CSV data folder that reads back as the same dataset."""
    folder.mkdir(parents=True, exist_ok=True)
    write_rows(folder / ENTITIES_FILE, (*ENTITY_COLUMNS, *SOURCE_COLUMNS), entity_rows(dataset.entities))
    write_rows(folder / RELATIONSHIPS_FILE, RELATIONSHIP_COLUMNS, relationship_rows(dataset.relationships))
